// The common checks of spec §3.4, in order, for the management endpoints:
//   1 route and method (404 / 405)   2 10009, 10010   3 10004, 10006        (onRequest, before the body is read)
//   4 body (20102; too large → 400 from the server)   5 10011, 20006   6 10007   7 10013 (admin-only)
//   8 Idempotency-Key (malformed → 400; replay / conflict)   9 the endpoint's `prepare` (password hashing), outside
//   any transaction, for a fresh request only   10 the endpoint, in one transaction.
// Answers before step 8 are never stored under an Idempotency-Key; transient (10008) and unexpected (500) failures
// are not stored either, so a retry is evaluated afresh.
import type { FastifyRequest } from 'fastify';
import { authenticateDeveloperToken } from '../../core/identity/devTokens.js';
import { IdentityError } from '../../core/identity/errors.js';
import { parseJsonObject, rawBody, type JsonObject } from '../../http/body.js';
import {
  REPLAY_HEADER,
  fingerprintOf,
  isValidIdempotencyKey,
  runIdempotent,
  type IdempotencyKey,
  type RenderedFailure,
  type WireResponse,
} from '../../http/idempotency.js';
import type { Services } from '../../services.js';
import { IDENTITY_ERRCODES } from './errors.js';
import type { Caller } from './management.js';
import { failure } from './render.js';
import { routeKey, type UlordRoute } from './routes.js';

/** The token of `Authorization: Bearer <t>` (scheme case-insensitive), else of header `token`; null when none. */
export function presentedToken(request: FastifyRequest): string | null {
  const auth = request.headers.authorization;
  if (typeof auth === 'string') {
    const m = /^bearer[ \t]+(\S+)[ \t]*$/i.exec(auth);
    if (m) return m[1]!;
  }
  const t = request.headers.token;
  return typeof t === 'string' && t !== '' ? t : null;
}

async function authenticate(request: FastifyRequest, services: Services): Promise<Caller | null> {
  const token = presentedToken(request);
  if (token === null) return null;
  return authenticateDeveloperToken(services.db, token, services.clock);
}

function allowedMethods(route: UlordRoute): string[] {
  return route.method === 'GET' ? ['GET', 'HEAD'] : ['POST'];
}

/** Steps 1–3: method, operator switches, IP deny list, per-IP limit. Null when the request may go on. */
export async function earlyChecks(route: UlordRoute, request: FastifyRequest, services: Services): Promise<WireResponse | null> {
  const allowed = allowedMethods(route);
  if (!allowed.includes(request.method)) return failure(405, { allow: allowed.join(', ') });
  const operator = services.controls.current();
  const { ulord } = services.config;
  const key = routeKey(route);
  if (operator.maintenance || operator.maintenanceEndpoints.includes(key)) return failure(10009);
  if (operator.disabledEndpoints.includes(key)) return failure(10010);
  if (route.registration && !ulord.registrationOpen) {
    // An admin token bypasses the closure; anything else (no token, a bad token, a non-admin) sees 10010.
    const caller = await authenticate(request, services);
    if (!caller?.developer.isAdmin) return failure(10010);
  }
  if (services.controls.isIpDenied(request.ip)) return failure(10004);
  const ipDecision = await services.limiter.check(`ip:${request.ip}`, operator.perIpPerMinute);
  if (!ipDecision.allowed) return failure(10006, { 'retry-after': String(ipDecision.retryAfterSeconds) });
  return null;
}

function isTransient(err: unknown): boolean {
  const e = err as { code?: string; message?: string } | null;
  const code = e?.code ?? '';
  if (/^SQLITE_(BUSY|LOCKED)/.test(code)) return true;
  if (['40001', '40P01', '55P03', '57014'].includes(code)) return true;
  return /timeout exceeded when trying to connect|database is locked/i.test(e?.message ?? '');
}

/** Maps a thrown error to the answer; identity refusals are final (stored), the rest are not. */
function renderThrown(err: unknown, request: FastifyRequest): RenderedFailure {
  if (err instanceof IdentityError) return { response: failure(IDENTITY_ERRCODES[err.code]), store: true };
  if (isTransient(err)) {
    request.log.warn({ err, reqId: request.id }, 'ulord: transient database failure');
    return { response: failure(10008), store: false };
  }
  request.log.error({ err, reqId: request.id }, 'ulord: unexpected failure');
  return { response: failure(500), store: false };
}

/** Steps 4–10. */
export async function handle(route: UlordRoute, request: FastifyRequest, services: Services): Promise<WireResponse> {
  try {
    return await handleChecked(route, request, services);
  } catch (err) {
    return renderThrown(err, request).response;
  }
}

async function handleChecked(route: UlordRoute, request: FastifyRequest, services: Services): Promise<WireResponse> {
  let body: JsonObject = {};
  if (route.method === 'POST') {
    const parsed = parseJsonObject(rawBody(request));
    if (!parsed.ok) return failure(20102);
    body = parsed.value;
  }
  let caller: Caller | null = null;
  if (route.auth !== 'public') {
    const presented = presentedToken(request) !== null;
    caller = await authenticate(request, services);
    if (caller === null && (route.auth !== 'optional' || presented)) return failure(10011);
    if (caller?.developer.blocked) return failure(20006);
  }
  if (caller) {
    const decision = await services.limiter.check(`developer:${caller.developer.id}`, services.controls.current().perKeyPerMinute);
    if (!decision.allowed) return failure(10007, { 'retry-after': String(decision.retryAfterSeconds) });
  }
  if (route.auth === 'admin' && !caller?.developer.isAdmin) return failure(10013);

  let key: IdempotencyKey | null = null;
  const header = request.headers['idempotency-key'];
  if (route.method === 'POST' && header !== undefined) {
    if (typeof header !== 'string' || !isValidIdempotencyKey(header)) return failure(400);
    const scope = route.scope === 'developer' && caller ? `developer:${caller.developer.id}` : `ip:${request.ip}`;
    key = { scope, route: `POST ${route.path}`, key: header, fingerprint: fingerprintOf(body) };
  }
  // External endpoints (auth `appkey`) set the app after the checks of §3.1 (walletRoutes.ts / contentRoutes.ts).
  const app = null;
  const ctx = { body, caller, app, services };
  const render = (err: unknown) => renderThrown(err, request);
  const outcome = route.prepare
    ? await runIdempotent(services.idempotency, key, (trx, handler) => handler({ ...ctx, trx }), render, () => route.prepare(ctx))
    : await runIdempotent(services.idempotency, key, (trx) => route.handler({ ...ctx, trx }), render);
  if (outcome.kind === 'conflict') return failure(400);
  if (outcome.kind === 'replayed') return { ...outcome.response, headers: { ...outcome.response.headers, [REPLAY_HEADER]: 'true' } };
  return outcome.response;
}
