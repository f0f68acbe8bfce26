// The Ulord dialect as a server plugin: owns `/v1` (and `/apps/<appkey>/v1`), ensures its asset and the built-in
// roles at start-up, and renders every failure under its prefix in its own envelope.
import type { FastifyInstance } from 'fastify';
import { ensureAsset } from '../../core/ledger/assets.js';
import { ensureBuiltinRoles } from '../../core/identity/roles.js';
import { WALLET_PRECISION } from '../../core/identity/deps.js';
import type { DialectPlugin, TransportFailure } from '../../http/dialect.js';
import type { WireResponse } from '../../http/idempotency.js';
import type { Services } from '../../services.js';
import { sendWire } from '../../http/reply.js';
import { earlyChecks, handle } from './pipeline.js';
import { failure } from './render.js';
import { ULORD_ROUTES, routeUrls } from './routes.js';

/** Every method a route answers (anything but its own gets 405 with `Allow`). */
const ALL_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'] as const;

function renderTransportFailure(f: TransportFailure): WireResponse {
  switch (f.kind) {
    case 'not_found':
      return failure(404);
    case 'body_too_large':
    case 'bad_request':
      return failure(400);
    case 'internal':
      return failure(500);
  }
}

async function init(services: Services): Promise<void> {
  await ensureAsset(services.db, { symbol: services.config.ulord.assetSymbol, precision: WALLET_PRECISION }, services.clock);
  await ensureBuiltinRoles(services.db);
}

function register(app: FastifyInstance, services: Services): void {
  for (const route of ULORD_ROUTES) {
    for (const url of routeUrls(route)) {
      app.route({
        method: [...ALL_METHODS],
        url,
        exposeHeadRoute: false,
        onRequest: async (request, reply) => {
          const early = await earlyChecks(route, request, services);
          if (early) return sendWire(reply, early);
        },
        handler: async (request, reply) => sendWire(reply, await handle(route, request, services)),
      });
    }
  }
}

export const ulordDialect: DialectPlugin = {
  name: 'ulord',
  prefixes: ['/v1'],
  init,
  register,
  renderTransportFailure,
};
