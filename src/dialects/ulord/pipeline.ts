// The common checks of spec §3.4, in order. Management endpoints:
//   1 route and method (404 / 405)   2 10009, 10010   3 10004, 10006        (onRequest, before the body is read)
//   4 body (20102; too large → 400 from the server)   5 10011, 20006   6 10007   7 10013 (admin-only)
//   8 Idempotency-Key (malformed → 400; replay / conflict)   9 the endpoint's `prepare` (password hashing), outside
//   any transaction, for a fresh request only   10 the endpoint, in one transaction.
// External endpoints (auth `appkey`): steps 1–4 alike; 5 the app (§2.1, §3.1): 10012, 10001, 10005, 10003, 10002,
//   20006   6 10007 per app   7 Idempotency-Key, scoped to the app   8 `prepare`   9 the endpoint, in one transaction.
// Answers before step 8 are never stored under an Idempotency-Key; transient (10008) and unexpected (500) failures
// are not stored either, so a retry is evaluated afresh.
import type { FastifyRequest } from 'fastify';
import { getAppByKey, revealAppSecret, type StoredApp } from '../../core/identity/apps.js';
import { getDeveloper } from '../../core/identity/developers.js';
import { authenticateDeveloperToken } from '../../core/identity/devTokens.js';
import { IdentityError } from '../../core/identity/errors.js';
import { LedgerError } from '../../core/ledger/types.js';
import { safeEqual, sha256Hex } from '../../core/crypto/tokens.js';
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
import { isTransientDbError } from '../../db/errors.js';
import type { DB } from '../../db/schema.js';
import { recordAudit } from '../../core/events/audit.js';
import type { Transaction } from 'kysely';
import type { Services } from '../../services.js';
import { IDENTITY_ERRCODES, UlordRefusal, ledgerFailure, walletFailure } from './errors.js';
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

/** errcode 0: the envelope's keys are sorted, so a success starts with it. */
function isSuccess(response: WireResponse): boolean {
  return response.statusCode === 200 && response.body.startsWith('{"errcode":0,');
}

/** The matched path parameters of a paged route (`page`, `num`), without the `/apps/<appkey>` mount's. */
function pathParams(request: FastifyRequest): Readonly<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries((request.params ?? {}) as Record<string, unknown>)) {
    if (k !== 'appkey' && typeof v === 'string') out[k] = v;
  }
  return out;
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

/**
 * Maps a thrown error to the answer; refusals (identity, ledger, the handler's own) are final (stored), the rest are
 * not. Wallet refusals take the route's 202xx code.
 */
function renderThrown(err: unknown, request: FastifyRequest, route: UlordRoute): RenderedFailure {
  if (err instanceof UlordRefusal) return { response: failure(err.failure), store: true };
  if (err instanceof IdentityError) return { response: failure(walletFailure(IDENTITY_ERRCODES[err.code], route.walletErrcode)), store: true };
  if (err instanceof LedgerError) {
    const f = ledgerFailure(err.code);
    if (f) return { response: failure(walletFailure(f, route.walletErrcode)), store: true };
  }
  if (isTransientDbError(err)) {
    request.log.warn({ err, reqId: request.id }, 'ulord: transient database failure');
    return { response: failure(10008), store: false };
  }
  request.log.error({ err, reqId: request.id }, 'ulord: unexpected failure');
  return { response: failure(500), store: false };
}

/** Steps 4–10. */
export function handle(route: UlordRoute, request: FastifyRequest, services: Services): Promise<WireResponse> {
  return guarded(() => handleChecked(route, request, services), (err) => renderThrown(err, request, route));
}

/** A live app, or the answer that refuses the request (step 5 of the external order). */
type AppResolution = { app: StoredApp } | { response: WireResponse };

function headerText(request: FastifyRequest, name: string): string | undefined {
  const v = request.headers[name];
  return typeof v === 'string' ? v : Array.isArray(v) ? v[0] : undefined;
}

/**
 * §2.1 / §3.1: the `appkey` header names the app; the `/apps/<appkey>` prefix or, without one, `X-Plaza-App` may
 * name it too (the prefix counts over the header). A missing `appkey` is taken from the app so named; an `appkey`
 * naming a different app is 10001; nothing naming an app is 10012 (the platform default app never applies here).
 */
async function resolveApp(request: FastifyRequest, services: Services): Promise<AppResolution> {
  const prefix = (request.params as { appkey?: string } | undefined)?.appkey;
  const named = prefix ?? (headerText(request, 'x-plaza-app') || undefined);
  const header = headerText(request, 'appkey') || undefined;
  if (header === undefined && named === undefined) return { response: failure(10012) };
  if (header !== undefined && named !== undefined && header !== named) return { response: failure(10001) };
  const app = await getAppByKey(services.db, (header ?? named)!);
  if (!app) return { response: failure(10001) };
  if (app.banned) return { response: failure(10005) };
  if (app.keyExpiresAt !== null && services.clock.now() >= app.keyExpiresAt) return { response: failure(10003) };
  if (app.dialects !== null && !app.dialects.includes('ulord')) return { response: failure(10002) };
  const owner = await getDeveloper(services.db, app.developerId);
  if (!owner || owner.blocked) return { response: failure(20006) };
  return { app };
}

/**
 * §3.1 developer-wallet proof: header `secret` equal to the app secret (compared as SHA-256 digests in constant
 * time), or the token (`Authorization: Bearer` / `token`) of the developer who owns the app. Not required when the
 * app's setting, else the configuration, switches the requirement off.
 */
async function developerWalletProof(request: FastifyRequest, app: StoredApp, services: Services): Promise<boolean> {
  const required = app.settings.ulord?.requireSecretForDeveloperWallet ?? services.config.ulord.requireSecretForDeveloperWallet;
  if (!required) return true;
  const secret = headerText(request, 'secret');
  if (secret !== undefined && secret !== '' && safeEqual(sha256Hex(secret), sha256Hex(revealAppSecret(services.box, app)))) return true;
  const token = presentedToken(request);
  if (token === null) return false;
  const caller = await authenticateDeveloperToken(services.db, token, services.clock);
  return caller !== null && caller.developer.id === app.developerId;
}

async function handleChecked(route: UlordRoute, request: FastifyRequest, services: Services): Promise<WireResponse> {
  let body: JsonObject = {};
  if (route.method === 'POST') {
    const parsed = parseJsonObject(rawBody(request));
    if (!parsed.ok) return failure(20102);
    body = parsed.value;
  }
  let caller: Caller | null = null;
  let app: StoredApp | null = null;
  let scope = `ip:${request.ip}`;
  if (route.auth === 'appkey') {
    const resolved = await resolveApp(request, services);
    if ('response' in resolved) return resolved.response;
    app = resolved.app;
    const decision = await services.limiter.check(`app:${app.id}`, services.controls.current().perKeyPerMinute);
    if (!decision.allowed) return failure(10007, { 'retry-after': String(decision.retryAfterSeconds) });
    scope = `app:${app.id}`;
  } else {
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
    if (route.scope === 'developer' && caller) scope = `developer:${caller.developer.id}`;
  }

  const params = route.params === undefined ? undefined : pathParams(request);
  let key: IdempotencyKey | null = null;
  const header = route.method === 'POST' ? readIdempotencyKeyHeader(request.headers['idempotency-key']) : { ok: true as const, key: null };
  if (!header.ok) return failure(400);
  if (header.key !== null) {
    // Paged routes: the page and size are part of what the key names (page 2 is not a replay of page 1).
    const suffix = params ? Object.values(params).map((v) => `/${v}`).join('') : '';
    key = { scope, route: `POST ${route.path}${suffix}`, key: header.key, fingerprint: fingerprintOf(body) };
  }
  const calling = app;
  const proof = calling ? () => developerWalletProof(request, calling, services) : async () => false;
  const ctx = { body, caller, app, developerWalletProof: proof, services, ...(params ? { params } : {}) };
  const render = (err: unknown) => renderThrown(err, request, route);
  // Management writes that succeed are audited in their own transaction (who changed which role, type, developer
  // or app); wallet and content writes are recorded by the ledger and the content history instead.
  const audited = async (trx: Transaction<DB>, response: WireResponse): Promise<WireResponse> => {
    if (route.method === 'POST' && route.auth !== 'appkey' && isSuccess(response)) {
      const actor = caller ? `developer:${caller.developer.id}` : `ip:${request.ip}`;
      await recordAudit(trx, { actor, action: `ulord:${route.path}`, target: '', details: body, requestId: request.id }, services.clock);
    }
    return response;
  };
  const outcome = route.prepare
    ? await runIdempotent(services.idempotency, key, async (trx, handler) => audited(trx, await handler({ ...ctx, trx })), render, () => route.prepare(ctx))
    : await runIdempotent(services.idempotency, key, async (trx) => audited(trx, await route.handler({ ...ctx, trx })), render);
  return answerOf(outcome, () => failure(400));
}
