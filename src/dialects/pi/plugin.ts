// The Pi dialect as a server plugin: owns `/v2` (and `/apps/<appkey>/v2`), answers CORS preflights on every path
// under it (§2.3), renders every failure there in Pi's JSON envelope, ensures the payment asset at start-up, and
// serves the hosted pages' routes (authenticate page, wallet token). The ledger gateway (`/horizon`) is a plugin of
// its own (horizon/).
import type { FastifyInstance } from 'fastify';
import type { DialectPlugin, TransportFailure } from '../../http/dialect.js';
import type { WireResponse } from '../../http/idempotency.js';
import { sendWire } from '../../http/reply.js';
import { ensurePayments } from '../../modules/payments/index.js';
import type { Services } from '../../services.js';
import { registerAuthenticatePage } from './authenticatePage.js';
import { piError } from './errors.js';
import { earlyChecks, handle, type PiRoute } from './pipeline.js';
import { preflight } from './render.js';
import { depsOf } from './payments.js';
import { PI_ROUTES, routeUrls } from './routes.js';
import { registerWalletTokenRoute } from './walletToken.js';
import { registerPiSdk } from './sdk/route.js';
import { registerWalletPage } from './walletPage.js';

const ALL_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'] as const;

function renderTransportFailure(f: TransportFailure): WireResponse {
  switch (f.kind) {
    case 'not_found':
      return piError('not_found');
    case 'body_too_large':
      return piError('payload_too_large');
    case 'bad_request':
      return piError('invalid_arguments');
    case 'internal':
      return piError('unknown_error');
  }
}

function byPath(routes: readonly PiRoute[]): Map<string, Map<string, PiRoute>> {
  const out = new Map<string, Map<string, PiRoute>>();
  for (const r of routes) {
    const methods = out.get(r.path) ?? new Map<string, PiRoute>();
    if (methods.has(r.method)) throw new Error(`pi route ${r.method} ${r.path} declared twice`);
    methods.set(r.method, r);
    out.set(r.path, methods);
  }
  return out;
}

function register(app: FastifyInstance, services: Services): void {
  for (const [path, methods] of byPath(PI_ROUTES)) {
    for (const url of routeUrls(path)) {
      app.route({
        method: [...ALL_METHODS],
        url,
        exposeHeadRoute: false,
        onRequest: async (request, reply) => {
          const early = await earlyChecks(methods, request, services);
          if (early) return sendWire(reply, early);
        },
        handler: async (request, reply) => {
          const route = methods.get(request.method === 'HEAD' ? 'GET' : request.method)!;
          return sendWire(reply, await handle(route, request, services));
        },
      });
    }
  }
  // Preflights on paths no route declares get the same answer: the browser asks before it learns the 404.
  for (const url of ['/v2', '/v2/*', '/apps/:appkey/v2', '/apps/:appkey/v2/*']) {
    app.route({ method: 'OPTIONS', url, handler: async (_request, reply) => sendWire(reply, preflight()) });
  }
  registerAuthenticatePage(app, services);
  registerWalletTokenRoute(app, services);
  // ---- Browser routes (helper P4): the `/pi-sdk.js` script (sdk/) and the hosted `/pi/wallet` page (walletPage.ts)
  // register here, one line each. ----
  registerPiSdk(app, services);
  registerWalletPage(app, services);
}

/** The payment asset exists before the first payment call. */
async function init(services: Services): Promise<void> {
  await ensurePayments(services.db, depsOf(services));
}

export const piDialect: DialectPlugin = {
  name: 'pi',
  prefixes: ['/v2'],
  init,
  register,
  renderTransportFailure,
};
