// The YOYOW dialect as a server plugin: owns `/api/v2`, `/api/v1` and `/auth` (and each under `/apps/<appkey>`;
// Kamiya's `/api/session` and `/api/billing` are separate prefixes) and renders every failure there in the YOYOW
// envelope (§3.1): unknown routes 404, oversized bodies 413, never HTML. No CORS headers (upstream has none).
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { DialectPlugin, TransportFailure } from '../../http/dialect.js';
import type { WireResponse } from '../../http/idempotency.js';
import { sendWire } from '../../http/reply.js';
import type { Services } from '../../services.js';
import { internalError, secureError, transportError, yoyowError } from './errors.js';
import { registerYoyowPages } from './pages/index.js';
import { earlyChecks, handle, type YoyowRoute } from './pipeline.js';
import { routeUrls, YOYOW_ROUTES } from './routes.js';
import { ensureYoyowChain } from '../../modules/yoyow/index.js';

function renderTransportFailure(f: TransportFailure, request: FastifyRequest): WireResponse {
  switch (f.kind) {
    case 'not_found':
      return transportError('notFound');
    case 'body_too_large':
      return transportError('payloadTooLarge');
    case 'bad_request':
      // A request the server could not read: on a secure route that is a failure to obtain the payload (step 1).
      return request.method === 'POST' ? secureError('invalidOperationSignature') : yoyowError(2000, 'invalid parameter: url');
    case 'internal':
      return internalError();
  }
}

function registerRoutes(routes: readonly YoyowRoute[]) {
  return (app: FastifyInstance, services: Services): void => {
    for (const route of routes) {
      for (const url of routeUrls(route.path)) {
        app.route({
          method: route.method,
          url,
          exposeHeadRoute: false,
          onRequest: async (request, reply) => {
            const early = await earlyChecks(request, services);
            if (early) return sendWire(reply, early);
          },
          handler: async (request, reply) => sendWire(reply, await handle(route, request, services)),
        });
      }
    }
    registerYoyowPages(app, services);
  };
}

/** The dialect with `routes` (tests add routes of their own to exercise the transport). */
export function createYoyowDialect(routes: readonly YoyowRoute[] = YOYOW_ROUTES): DialectPlugin {
  return {
    name: 'yoyow',
    prefixes: ['/api/v2', '/api/v1', '/auth'],
    // modules/yoyow: the YOYO asset and the node's system accounts (issuer, node), before the first request.
    init: async (services) => void (await ensureYoyowChain(services.db, services.clock)),
    register: registerRoutes(routes),
    renderTransportFailure,
  };
}

export const yoyowDialect: DialectPlugin = createYoyowDialect();
