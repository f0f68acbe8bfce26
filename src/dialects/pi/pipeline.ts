// The common checks of every `/v2` route (spec/pi.md §3.3), in order:
//   1 route and method (404 `not_found` from the server, 405 here)   2 per-IP rate limit (429)
//   3 body size (413; 64 KiB)   4 authentication (401), then the per-app rate limit (429)
//   5 body parsing (400 `invalid_arguments`)   6 Idempotency-Key (400 malformed, 409 conflict, replay)
//   7–10 the route's handler: lookup, permission, state, effect (in one transaction for POST routes).
// Steps 1–2 run in `onRequest`, before Fastify reads the body; the rest once it has been read (as raw bytes).
// Answers before step 6 are never stored under an Idempotency-Key; unexpected failures (500) are not stored either.
import type { FastifyRequest } from 'fastify';
import type { Db } from '../../core/identity/deps.js';
import { parseJsonObject, rawBody, type JsonObject } from '../../http/body.js';
import { guarded } from '../../http/guarded.js';
import {
  answerOf,
  fingerprintOf,
  type IdempotencyKey,
  readIdempotencyKeyHeader,
  type RenderedFailure,
  runIdempotent,
  type WireResponse,
} from '../../http/idempotency.js';
import { unmountedPath } from '../../server.js';
import type { Services } from '../../services.js';
import { authenticatePi, type PiCaller, type PiScheme } from './auth.js';
import { PiRefusal, piError } from './errors.js';
import { preflight } from './render.js';

/** §3.1: request bodies above 64 KiB are refused. */
export const PI_BODY_LIMIT_BYTES = 64 * 1024;

export interface PiContext {
  request: FastifyRequest;
  services: Services;
  caller: PiCaller;
  /** The parsed body (`{}` when empty or when the route ignores its body). */
  body: JsonObject;
  /** Path parameters without the mount's `appkey`. */
  params: Readonly<Record<string, string>>;
  /** The endpoint's transaction (POST) or the database (GET). */
  db: Db;
}

export interface PiRoute {
  method: 'GET' | 'POST';
  /** Fastify path without mount prefix or trailing slash, e.g. `/v2/me`, `/v2/payments/:paymentId/approve`. */
  path: string;
  schemes: readonly PiScheme[];
  /** approve, cancel, transaction (§3.1): the body is not read at all, and fingerprints as `{}`. */
  ignoresBody?: boolean;
  handler(ctx: PiContext): Promise<WireResponse>;
}

export function allowHeader(methods: readonly string[]): string {
  const all = new Set<string>();
  for (const m of methods) {
    all.add(m);
    if (m === 'GET') all.add('HEAD');
  }
  all.add('OPTIONS');
  return [...all].join(', ');
}

/** Steps 1–2 for one path (its routes by method). Null when the request may go on. */
export async function earlyChecks(byMethod: ReadonlyMap<string, PiRoute>, request: FastifyRequest, services: Services): Promise<WireResponse | null> {
  if (request.method === 'OPTIONS') return preflight();
  const method = request.method === 'HEAD' ? 'GET' : request.method;
  if (!byMethod.has(method)) return piError('method_not_allowed', { headers: { allow: allowHeader([...byMethod.keys()]) } });
  const ip = await services.limiter.check(`ip:${request.ip}`, services.controls.current().perIpPerMinute);
  if (!ip.allowed) return piError('too_many_requests', { headers: { 'retry-after': String(ip.retryAfterSeconds) } });
  return null;
}

function contentTypeAccepted(request: FastifyRequest): boolean {
  const ct = request.headers['content-type'];
  if (ct === undefined) return true;
  return (ct.split(';')[0] ?? '').trim().toLowerCase() === 'application/json';
}

/** Step 5: `{}` for an empty body (whatever its Content-Type), else a JSON object sent as application/json. */
function readBody(request: FastifyRequest): JsonObject | null {
  const raw = rawBody(request);
  if (raw.toString('utf8').trim() === '') return {};
  if (!contentTypeAccepted(request)) return null;
  const parsed = parseJsonObject(raw);
  return parsed.ok ? parsed.value : null;
}

function pathParams(request: FastifyRequest): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries((request.params ?? {}) as Record<string, unknown>)) {
    if (k !== 'appkey' && typeof v === 'string') out[k] = v;
  }
  return out;
}

/** Who an Idempotency-Key belongs to (§3.4): the app for `Key`, the user and app for an access token. */
function keyScope(caller: PiCaller): string {
  return caller.kind === 'key' ? `pi:app:${caller.app.id}` : `pi:app:${caller.app.id}:user:${caller.access.user.id}`;
}

function renderThrown(err: unknown, request: FastifyRequest): RenderedFailure {
  if (err instanceof PiRefusal) return { response: piError(err.code, err.options), store: true };
  request.log.error({ err, reqId: request.id }, 'pi: unexpected failure');
  return { response: piError('unknown_error'), store: false };
}

/** Steps 3–10. */
export function handle(route: PiRoute, request: FastifyRequest, services: Services): Promise<WireResponse> {
  return guarded(() => handleChecked(route, request, services), (err) => renderThrown(err, request));
}

async function handleChecked(route: PiRoute, request: FastifyRequest, services: Services): Promise<WireResponse> {
  if (rawBody(request).length > PI_BODY_LIMIT_BYTES) return piError('payload_too_large');
  const auth = await authenticatePi(request, route.schemes, services);
  if ('response' in auth) return auth.response;
  const { caller } = auth;
  const perApp = await services.limiter.check(`app:${caller.app.id}`, services.controls.current().perKeyPerMinute);
  if (!perApp.allowed) return piError('too_many_requests', { headers: { 'retry-after': String(perApp.retryAfterSeconds) } });

  const body = route.ignoresBody ? {} : readBody(request);
  if (body === null) return piError('invalid_arguments');
  const ctx = { request, services, caller, body, params: pathParams(request) };
  if (route.method === 'GET') return route.handler({ ...ctx, db: services.db });

  const header = readIdempotencyKeyHeader(request.headers['idempotency-key']);
  if (!header.ok) return piError('invalid_arguments', { message: 'Idempotency-Key must be 1–255 printable ASCII characters.' });
  let key: IdempotencyKey | null = null;
  if (header.key !== null) {
    const path = unmountedPath(request.url).replace(/\/+$/, '') || '/';
    key = { scope: keyScope(caller), route: `POST ${path}`, key: header.key, fingerprint: fingerprintOf(body) };
  }
  const outcome = await runIdempotent(services.idempotency, key, (trx) => route.handler({ ...ctx, db: trx }), (err) => renderThrown(err, request));
  return answerOf(outcome, () => piError('idempotency_key_reused'));
}
