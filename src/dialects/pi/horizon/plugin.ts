// The Pi ledger gateway as a server plugin (spec/pi.md §3.18): owns `/horizon` (and `/apps/<appkey>/horizon`),
// answers CORS preflights on every path under it (§2.3), and renders every failure there — unknown paths included —
// in Horizon's `application/problem+json` shape. Every answer carries a `Date` header from the server's clock:
// stellar-sdk derives a transaction's time bounds from it, and the gateway checks them against the same clock.
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { DialectPlugin, TransportFailure } from '../../../http/dialect.js';
import type { WireResponse } from '../../../http/idempotency.js';
import { sendWire } from '../../../http/reply.js';
import type { Services } from '../../../services.js';
import { preflight, problem } from './render.js';
import { handleHorizon, HORIZON_ROUTES, type HorizonRoute } from './routes.js';

const ALL_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'] as const;

function renderTransportFailure(f: TransportFailure): WireResponse {
  switch (f.kind) {
    case 'not_found':
      return problem('not_found');
    case 'body_too_large':
      return problem('payload_too_large');
    case 'bad_request':
      return problem('bad_request');
    case 'internal':
      return problem('server_error');
  }
}

/** `Allow` for a path: its methods, HEAD with GET, and OPTIONS (preflights). */
function allowHeader(methods: readonly string[]): string {
  return [...new Set([...methods.flatMap((m) => (m === 'GET' ? ['GET', 'HEAD'] : [m])), 'OPTIONS'])].join(', ');
}

/** Every URL a path answers on. */
function routeUrls(path: string): string[] {
  return [path, `${path}/`, `/apps/:appkey${path}`, `/apps/:appkey${path}/`];
}

function byPath(routes: readonly HorizonRoute[]): Map<string, Map<string, HorizonRoute>> {
  const out = new Map<string, Map<string, HorizonRoute>>();
  for (const r of routes) {
    const methods = out.get(r.path) ?? new Map<string, HorizonRoute>();
    if (methods.has(r.method)) throw new Error(`horizon route ${r.method} ${r.path} declared twice`);
    methods.set(r.method, r);
    out.set(r.path, methods);
  }
  return out;
}

function send(reply: FastifyReply, response: WireResponse, services: Services): FastifyReply {
  return sendWire(reply, { ...response, headers: { ...response.headers, date: new Date(services.clock.now()).toUTCString() } });
}

/** Method (405), then the per-IP rate limit (429). Null when the request may go on. */
async function earlyChecks(methods: ReadonlyMap<string, HorizonRoute>, method: string, ip: string, services: Services): Promise<WireResponse | null> {
  if (method === 'OPTIONS') return preflight();
  if (!methods.has(method)) return problem('method_not_allowed', { headers: { allow: allowHeader([...methods.keys()]) } });
  const limit = await services.limiter.check(`ip:${ip}`, services.controls.current().perIpPerMinute);
  if (!limit.allowed) return problem('rate_limit_exceeded', { headers: { 'retry-after': String(limit.retryAfterSeconds) } });
  return null;
}

function paramsOf(params: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries((params ?? {}) as Record<string, unknown>)) {
    if (k !== 'appkey' && typeof v === 'string') out[k] = v;
  }
  return out;
}

function register(app: FastifyInstance, services: Services): void {
  for (const [path, methods] of byPath(HORIZON_ROUTES)) {
    for (const url of routeUrls(path)) {
      app.route({
        method: [...ALL_METHODS],
        url,
        exposeHeadRoute: false,
        onRequest: async (request, reply) => {
          const method = request.method === 'HEAD' ? 'GET' : request.method;
          const early = await earlyChecks(methods, method, request.ip, services);
          if (early) return send(reply, early, services);
        },
        handler: async (request, reply) => {
          const route = methods.get(request.method === 'HEAD' ? 'GET' : request.method)!;
          return send(reply, await handleHorizon(route, { request, services, params: paramsOf(request.params) }), services);
        },
      });
    }
  }
  // Preflights on paths no route declares get the same answer: the browser asks before it learns the 404.
  for (const url of ['/horizon/*', '/apps/:appkey/horizon/*']) {
    app.route({ method: 'OPTIONS', url, handler: async (_request, reply) => send(reply, preflight(), services) });
  }
}

export const horizonDialect: DialectPlugin = {
  name: 'pi-horizon',
  prefixes: ['/horizon'],
  register,
  renderTransportFailure,
};
