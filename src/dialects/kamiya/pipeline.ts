// The checks of every Kamiya API call (spec/kamiya.md §3.3), in order:
//   1 path and method (404 `Not Found` from the server; 405 `Allow: POST` here)
//   2 per-IP rate limit (429), body size (413; 16 KiB)
//   3 body and fields (400): Content-Type application/json or absent, a JSON object, `appId` and `secret`
//     non-empty strings, then the endpoint's own fields
//   4 `appId` + `secret` (401; appkey case-insensitive, secret in constant time), the app named by the prefix or
//     `X-Plaza-App` must agree (401); then the per-app rate limit (429)
//   5 Idempotency-Key (400 malformed, 409 `Idempotency-Key reused`, replay)
//   6– the endpoint, in one database transaction.
// A request refused at 3 or 4 changes nothing: a wrong secret or a malformed body never consumes a token.
// Answers before step 5 are never stored under an Idempotency-Key; unexpected failures (500) are not stored either.
import type { FastifyRequest } from 'fastify';
import type { Transaction } from 'kysely';
import { getAppByKey, revealAppSecret, type StoredApp } from '../../core/identity/apps.js';
import { safeEqual, sha256Hex } from '../../core/crypto/tokens.js';
import type { DB } from '../../db/schema.js';
import { appServable, namedAppkey } from '../../http/appGate.js';
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
import type { Services } from '../../services.js';
import { KamiyaRefusal, kamiyaError } from './errors.js';

/** §3.1: request bodies above 16 KiB are refused. */
export const KAMIYA_BODY_LIMIT_BYTES = 16 * 1024;

export interface KamiyaContext<I> {
  request: FastifyRequest;
  services: Services;
  app: StoredApp;
  /** The endpoint's own fields, validated by its `parse`. */
  input: I;
  trx: Transaction<DB>;
}

export interface KamiyaRoute<I = unknown> {
  /** Without mount prefix or trailing slash, e.g. `/api/session/verifyOpenIDToken`. */
  path: string;
  /** The endpoint's fields besides `appId` and `secret` (§3.4); null → 400 `Bad Request`. `services` gives the limits. */
  parse(body: JsonObject, services: Services): I | null;
  handler(ctx: KamiyaContext<I>): Promise<WireResponse>;
}

/** Keeps the link between a route's `parse` and its `handler` while the table holds routes of any input type. */
export function kamiyaRoute<I>(route: KamiyaRoute<I>): KamiyaRoute<unknown> {
  return route as KamiyaRoute<unknown>;
}

/** Steps 1–2 (before the body is read). Null when the request may go on. */
export async function earlyChecks(request: FastifyRequest, services: Services): Promise<WireResponse | null> {
  if (request.method !== 'POST') return kamiyaError('method_not_allowed', { allow: 'POST' });
  const ip = await services.limiter.check(`ip:${request.ip}`, services.controls.current().perIpPerMinute);
  if (!ip.allowed) return kamiyaError('too_many_requests', { 'retry-after': String(ip.retryAfterSeconds) });
  return null;
}

function contentTypeAccepted(request: FastifyRequest): boolean {
  const ct = request.headers['content-type'];
  if (ct === undefined) return true;
  return (ct.split(';')[0] ?? '').trim().toLowerCase() === 'application/json';
}

function nonEmptyString(v: unknown): v is string {
  return typeof v === 'string' && v !== '';
}

/** Step 3: the body with valid `appId`, `secret` and endpoint fields, or null (400). */
function readRequest<I>(route: KamiyaRoute<I>, request: FastifyRequest, services: Services): { body: JsonObject; appId: string; secret: string; input: I } | null {
  if (!contentTypeAccepted(request)) return null;
  const parsed = parseJsonObject(rawBody(request));
  if (!parsed.ok) return null;
  const { appId, secret } = parsed.value;
  if (!nonEmptyString(appId) || !nonEmptyString(secret)) return null;
  const input = route.parse(parsed.value, services);
  return input === null ? null : { body: parsed.value, appId, secret, input };
}

/** Step 4: the app `appId` names when `secret` is its current secret and it may speak Kamiya now. */
async function authenticateApp(request: FastifyRequest, appId: string, secret: string, services: Services): Promise<StoredApp | null> {
  const app = await getAppByKey(services.db, appId.toLowerCase());
  if (!app) return null;
  // Compared as SHA-256 digests: equal lengths, constant time, whatever the caller sent.
  if (!safeEqual(sha256Hex(secret), sha256Hex(revealAppSecret(services.box, app)))) return null;
  if (!(await appServable(services.db, app, 'kamiya', services.clock))) return null;
  const named = namedAppkey(request.params, request.headers);
  return named === null || named === app.appkey ? app : null;
}

function renderThrown(err: unknown, request: FastifyRequest): RenderedFailure {
  if (err instanceof KamiyaRefusal) return { response: kamiyaError(err.code), store: true };
  request.log.error({ err, reqId: request.id }, 'kamiya: unexpected failure');
  return { response: kamiyaError('internal'), store: false };
}

/** Steps 2 (body size) to the end. */
export function handle(route: KamiyaRoute, request: FastifyRequest, services: Services): Promise<WireResponse> {
  return guarded(() => handleChecked(route, request, services), (err) => renderThrown(err, request));
}

async function handleChecked(route: KamiyaRoute, request: FastifyRequest, services: Services): Promise<WireResponse> {
  if (rawBody(request).length > KAMIYA_BODY_LIMIT_BYTES) return kamiyaError('payload_too_large');
  const req = readRequest(route, request, services);
  if (req === null) return kamiyaError('bad_request');
  const app = await authenticateApp(request, req.appId, req.secret, services);
  if (app === null) return kamiyaError('unauthorized');
  const perApp = await services.limiter.check(`app:${app.id}`, services.controls.current().perKeyPerMinute);
  if (!perApp.allowed) return kamiyaError('too_many_requests', { 'retry-after': String(perApp.retryAfterSeconds) });

  const header = readIdempotencyKeyHeader(request.headers['idempotency-key']);
  if (!header.ok) return kamiyaError('bad_request');
  const key: IdempotencyKey | null =
    header.key === null ? null : { scope: `app:${app.id}`, route: `POST ${route.path}`, key: header.key, fingerprint: fingerprintOf(req.body) };
  const outcome = await runIdempotent(
    services.idempotency,
    key,
    (trx) => route.handler({ request, services, app, input: req.input, trx }),
    (err) => renderThrown(err, request),
  );
  return answerOf(outcome, () => kamiyaError('idempotency_key_reused'));
}
