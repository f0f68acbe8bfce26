// The liveuser dialect as a server plugin: owns `/liveuser` (and `/apps/<appkey>/liveuser`), leases this process's
// id-worker number at start-up, and renders every failure there in the liveuser envelope — or, on the notify URL
// Wx.Postpay, in WeChat's `{"code":"FAIL","message"}`.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { DialectPlugin, TransportFailure } from '../../http/dialect.js';
import type { WireResponse } from '../../http/idempotency.js';
import { sendWire } from '../../http/reply.js';
import { unmountedPath } from '../../server.js';
import type { Services } from '../../services.js';
import { liveuserDeps } from './deps.js';
import { liveuserError, postpayFailure } from './errors.js';
import { earlyChecks, handle } from './pipeline.js';
import { postpay, POSTPAY_PATH } from './postpay.js';
import { LIVEUSER_ROUTES, routeUrls } from './routes.js';

const ALL_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'] as const;

function isPostpay(request: FastifyRequest): boolean {
  return unmountedPath(request.url).replace(/\/+$/, '') === POSTPAY_PATH;
}

function renderTransportFailure(f: TransportFailure, request: FastifyRequest): WireResponse {
  if (isPostpay(request)) {
    switch (f.kind) {
      case 'not_found':
        return postpayFailure(404, 'not found');
      case 'body_too_large':
        return postpayFailure(400, 'body too large');
      case 'bad_request':
        return postpayFailure(400, 'malformed notification');
      case 'internal':
        return postpayFailure(500, 'internal error');
    }
  }
  switch (f.kind) {
    case 'not_found':
      return liveuserError('E0102', 'not found');
    case 'body_too_large':
      return liveuserError('E0001', 'body too large');
    case 'bad_request':
      return liveuserError('E0001', 'bad request');
    case 'internal':
      return liveuserError('E0000', 'internal error');
  }
}

function register(app: FastifyInstance, services: Services): void {
  const deps = liveuserDeps(services);
  for (const route of LIVEUSER_ROUTES) {
    for (const url of routeUrls(route.path)) {
      app.route({
        method: [...ALL_METHODS],
        url,
        exposeHeadRoute: false,
        onRequest: async (request, reply) => {
          const early = await earlyChecks(request, services);
          if (early) return sendWire(reply, early);
        },
        handler: async (request, reply) => sendWire(reply, await handle(route, request, services, deps)),
      });
    }
  }
  // The notify URL: no rate limit (§2.5), its own method check and reply format.
  for (const url of routeUrls(POSTPAY_PATH)) {
    app.route({ method: [...ALL_METHODS], url, exposeHeadRoute: false, handler: async (request, reply) => sendWire(reply, await postpay(request, services)) });
  }
}

/** Leases the id-worker number before the first request (PostgreSQL; SQLite uses 0). */
async function init(services: Services): Promise<void> {
  await liveuserDeps(services).ids();
}

export const liveuserDialect: DialectPlugin = {
  name: 'liveuser',
  prefixes: ['/liveuser'],
  init,
  register,
  renderTransportFailure,
};
