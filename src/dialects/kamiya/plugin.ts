// The Kamiya dialect as a server plugin: owns `/api/session` and `/api/billing` (and both under
// `/apps/<appkey>`), ensures the billing asset at start-up, renders every failure there in Kamiya's `{status, message}` envelope, and serves the hosted
// login page `/openIDAppLogin.html`.
import type { FastifyInstance } from 'fastify';
import type { DialectPlugin, TransportFailure } from '../../http/dialect.js';
import type { WireResponse } from '../../http/idempotency.js';
import { sendWire } from '../../http/reply.js';
import { ensureBilling } from '../../modules/billing/accounts.js';
import type { Services } from '../../services.js';
import { kamiyaError } from './errors.js';
import { registerLoginPage } from './loginPage.js';
import { earlyChecks, handle } from './pipeline.js';
import { KAMIYA_ROUTES, routeUrls } from './routes.js';

const ALL_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'] as const;

function renderTransportFailure(f: TransportFailure): WireResponse {
  switch (f.kind) {
    case 'not_found':
      return kamiyaError('not_found');
    case 'body_too_large':
      return kamiyaError('payload_too_large');
    case 'bad_request':
      return kamiyaError('bad_request');
    case 'internal':
      return kamiyaError('internal');
  }
}

function register(app: FastifyInstance, services: Services): void {
  for (const route of KAMIYA_ROUTES) {
    for (const url of routeUrls(route.path)) {
      app.route({
        method: [...ALL_METHODS],
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
  registerLoginPage(app, services);
}

/** The CREDIT asset and the platform fee accounts exist before the first billing call. */
async function init(services: Services): Promise<void> {
  await ensureBilling(services.db, services.clock);
}

export const kamiyaDialect: DialectPlugin = {
  name: 'kamiya',
  prefixes: ['/api/session', '/api/billing'],
  init,
  register,
  renderTransportFailure,
};
