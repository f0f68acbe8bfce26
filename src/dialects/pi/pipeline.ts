// The common checks of every `/v2` route (spec/pi.md §3.3), in order:
//   1 route and method (404 `not_found` from the server, 405 here)   2 per-IP rate limit (429)
//   3 body size (413; 64 KiB)   4 authentication (401), then the per-app rate limit (429)
//   5 body parsing (400 `invalid_arguments`) and the route's field validation   6 Idempotency-Key (400 malformed,
//   409 conflict, replay)   7–10 the route's handler: lookup, permission, state, effect, in one transaction (GET
//   routes too: a read may apply an overdue expiry, §4.3).
// Steps 1–2 run in `onRequest`, before Fastify reads the body; the rest once it has been read (as raw bytes).
// Answers before step 6 are never stored under an Idempotency-Key; unexpected failures (500) are not stored either.
import type { FastifyRequest } from 'fastify';
import type { Transaction } from 'kysely';
import type { DB } from '../../db/schema.js';
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
import { publicBase } from './publicBase.js';
import { preflight } from './render.js';
import type { PiScope } from './scopes.js';

/** §3.1: request bodies above 64 KiB are refused. */
export const PI_BODY_LIMIT_BYTES = 64 * 1024;

export interface PiContext<I = unknown> {
  request: FastifyRequest;
  services: Services;
  caller: PiCaller;
  /** What the route's `parse` read from the body (step 5); `undefined` for routes without one. */
  input: I;
  /** Path parameters without the mount's `appkey`. */
  params: Readonly<Record<string, string>>;
  /**
   * The endpoint's transaction: POST routes write in it (with the Idempotency-Key row), GET routes read in it
   * because a read may apply an overdue expiry (§4.3) and that write must be atomic with its event.
   */
  trx: Transaction<DB>;
  /** Scheme and host `_link`s are built on (§5.8; see publicBase.ts). */
  linkBase: string;
}

export interface PiRoute {
  method: 'GET' | 'POST';
  /** Fastify path without mount prefix or trailing slash, e.g. `/v2/me`, `/v2/payments/:paymentId/approve`. */
  path: string;
  schemes: readonly PiScheme[];
  /** approve, cancel, transaction (§3.1): the body is not read at all, and fingerprints as `{}`. */
  ignoresBody?: boolean;
  /** Step 4 for access tokens: a scope the token must carry, else 403 `missing_scope` before the body is read. */
  scope?: PiScope;
  /** Step 5: the route's fields from the parsed body (and its raw text); throws a 400 PiRefusal. */
  parse?(body: JsonObject, raw: string): unknown;
  handler(ctx: PiContext): Promise<WireResponse>;
}

/** A route whose handler receives what its `parse` returned, typed. */
export function piRoute<I = undefined>(
  route: Omit<PiRoute, 'parse' | 'handler'> & { parse?(body: JsonObject, raw: string): I; handler(ctx: PiContext<I>): Promise<WireResponse> },
): PiRoute {
  return route as PiRoute;
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
function readBody(request: FastifyRequest, raw: Buffer): JsonObject | null {
  if (raw.toString('utf8').trim() === '') return {};
  if (!contentTypeAccepted(request)) return null;
  const parsed = parseJsonObject(raw);
  return parsed.ok ? parsed.value : null;
}

/**
 * The request body's bytes. Fastify reads no body on GET, but §3.1 holds for GET routes too (an empty body, with or
 * without `Content-Type: application/json`, is `{}`; anything else must be a JSON object), so a GET's stream is read
 * here — at most one byte past the limit, the rest drained unread.
 */
async function bodyBytes(request: FastifyRequest): Promise<Buffer> {
  if (request.method !== 'GET' || request.body !== undefined || request.raw.readableEnded) return rawBody(request);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request.raw) {
    const b = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string);
    chunks.push(b);
    size += b.length;
    if (size > PI_BODY_LIMIT_BYTES) {
      request.raw.resume();
      break;
    }
  }
  return Buffer.concat(chunks);
}

function pathParams(request: FastifyRequest): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries((request.params ?? {}) as Record<string, unknown>)) {
    if (k !== 'appkey' && typeof v === 'string') out[k] = v;
  }
  return out;
}

/** Who an Idempotency-Key belongs to (§3.4): the app for `Key`, the user and app for an access token, the user for a wallet token. */
function keyScope(caller: PiCaller): string {
  switch (caller.kind) {
    case 'key':
      return `pi:app:${caller.app.id}`;
    case 'access':
      return `pi:app:${caller.app.id}:user:${caller.access.user.id}`;
    case 'wallet':
      return `pi:user:${caller.userId}`;
  }
}

/** The per-app rate limit's bucket (§3.3 step 4); a wallet token names no app, so its user is the bucket. */
function rateBucket(caller: PiCaller): string {
  return caller.kind === 'wallet' ? `pi-wallet:${caller.userId}` : `app:${caller.app.id}`;
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
  const raw = await bodyBytes(request);
  if (raw.length > PI_BODY_LIMIT_BYTES) return piError('payload_too_large');
  const auth = await authenticatePi(request, route.schemes, services);
  if ('response' in auth) return auth.response;
  const { caller } = auth;
  const limit = await services.limiter.check(rateBucket(caller), services.controls.current().perKeyPerMinute);
  if (!limit.allowed) return piError('too_many_requests', { headers: { 'retry-after': String(limit.retryAfterSeconds) } });
  if (route.scope !== undefined && caller.kind === 'access' && !caller.access.scopes.includes(route.scope)) {
    return piError('missing_scope', { message: `The user has not granted the "${route.scope}" scope to this app.` });
  }

  const body = route.ignoresBody ? {} : readBody(request, raw);
  if (body === null) return piError('invalid_arguments');
  // Field validation is step 5: its 400s come before the Idempotency-Key checks and are never stored under a key.
  const input = route.parse ? route.parse(body, raw.toString('utf8')) : undefined;
  const ctx = { request, services, caller, input, params: pathParams(request), linkBase: publicBase(request, services) };
  if (route.method === 'GET') return services.db.transaction().execute((trx) => route.handler({ ...ctx, trx }));

  const header = readIdempotencyKeyHeader(request.headers['idempotency-key']);
  if (!header.ok) return piError('invalid_arguments', { message: 'Idempotency-Key must be 1–255 printable ASCII characters.' });
  let key: IdempotencyKey | null = null;
  if (header.key !== null) {
    const path = unmountedPath(request.url).replace(/\/+$/, '') || '/';
    key = { scope: keyScope(caller), route: `POST ${path}`, key: header.key, fingerprint: fingerprintOf(body) };
  }
  const outcome = await runIdempotent(services.idempotency, key, (trx) => route.handler({ ...ctx, trx }), (err) => renderThrown(err, request));
  return answerOf(outcome, () => piError('idempotency_key_reused'));
}
