// The checks of every liveuser method except Wx.Postpay (spec/liveuser.md §3.3), in order:
//   Bearer:  1 route (404, from the server) and method (405)   2 per-IP rate limit (429)        — onRequest
//            3 access token (401 / 403 user disabled)   4 app disabled (403)   5 per-app rate limit (429)
//   Public:  3 app resolution: `/apps/<appkey>`, else `X-Plaza-App`, else the configured default app
//            (404 `app not found`, 403 `app disabled`)   5 per-app rate limit (429)
//   then     6 body: a JSON object, empty = {} (400)   7 Idempotency-Key (400 malformed; replay; 409)
//            8 the route's `prepare` (field validation and outbound WeChat calls, outside any transaction; a replay
//              or a conflict never runs it)   9 the route's handler (validation, logic) in one transaction.
// Answers before step 7 are never stored under an Idempotency-Key; neither are 500 / 550 / 551 answers (§2.5). A
// transient storage failure is retried here (three attempts in all) before it becomes 550 E0100; `prepare` runs
// once per request whatever the number of attempts, so a login code is never exchanged twice.
import type { FastifyRequest } from 'fastify';
import type { Transaction } from 'kysely';
import { setTimeout as sleep } from 'node:timers/promises';
import { getAppByKey, type StoredApp } from '../../core/identity/apps.js';
import { authenticateLiveuserAccess, type AccessFailure, type LiveuserSession } from '../../core/identity/liveuserTokens.js';
import { isTransientDbError } from '../../db/errors.js';
import type { DB } from '../../db/schema.js';
import { appServable, namedAppkey } from '../../http/appGate.js';
import { fingerprintOf, answerOf, readIdempotencyKeyHeader, runIdempotent, type IdempotencyKey, type RenderedFailure, type WireResponse } from '../../http/idempotency.js';
import { parseJsonObject, rawBody, type JsonObject } from '../../http/body.js';
import { guarded } from '../../http/guarded.js';
import { WechatBadReply, WechatUnavailable } from '../../integrations/wechat/index.js';
import { OrderError, type OrderErrorKind } from '../../modules/orders/errors.js';
import { ProfileError } from '../../modules/profiles/service.js';
import type { Services } from '../../services.js';
import { isStorable, liveuserError, LiveuserRefusal, type LiveuserErrorId } from './errors.js';
import { normaliseFieldNames } from './parse.js';
import type { LiveuserDeps } from './deps.js';

export interface LiveuserContext {
  request: FastifyRequest;
  services: Services;
  deps: LiveuserDeps;
  /** The app the request acts for: the token's (Bearer) or the resolved one (public). */
  app: StoredApp;
  /** The access token's session; null on public methods. */
  session: LiveuserSession | null;
  /** The parsed body (`{}` when empty). */
  body: JsonObject;
}

export interface LiveuserRoute<P = unknown> {
  /** `/liveuser/<Service>/<Method>`, without mount prefix or trailing slash. */
  path: string;
  auth: 'bearer' | 'public';
  /** Work that must not run inside a transaction (outbound WeChat calls), after the Idempotency-Key step. */
  prepare?(ctx: LiveuserContext): Promise<P>;
  handler(ctx: LiveuserContext, trx: Transaction<DB>, prepared: P): Promise<WireResponse>;
}

/** Keeps the link between a route's `prepare` and its handler while the table holds routes of any type. */
export function liveuserRoute<P>(route: LiveuserRoute<P>): LiveuserRoute<unknown> {
  return route as LiveuserRoute<unknown>;
}

/** The session of a Bearer route (the pipeline authenticated it). */
export function sessionOf(ctx: LiveuserContext): LiveuserSession {
  if (ctx.session === null) throw new Error('a Bearer handler ran without a session');
  return ctx.session;
}

const ACCESS_DETAILS: Record<AccessFailure, [LiveuserErrorId, string]> = {
  invalid_token: ['E0002', 'invalid token'],
  token_expired: ['E0002', 'token expired'],
  wrong_app: ['E0002', 'token not valid for this app'],
  user_disabled: ['E0003', 'user disabled'],
  token_revoked: ['E0002', 'token revoked'],
};

const MAX_ATTEMPTS = 3;

/** Steps 1–2 (before the body is read). Null when the request may go on. */
export async function earlyChecks(request: FastifyRequest, services: Services): Promise<WireResponse | null> {
  if (request.method !== 'POST') return liveuserError('E0006', 'method not allowed', { allow: 'POST' });
  const ip = await services.limiter.check(`ip:${request.ip}`, services.controls.current().perIpPerMinute);
  if (!ip.allowed) return liveuserError('E0005', 'too many requests', { 'retry-after': String(ip.retryAfterSeconds) });
  return null;
}

/** §3.2: `Authorization: Bearer <token>` (scheme case-insensitive), else the `micro-token` cookie. */
export function presentedAccessToken(request: FastifyRequest): string | null {
  const auth = request.headers.authorization;
  if (typeof auth === 'string' && !/^[ \t]*(bearer)?[ \t]*$/i.test(auth)) {
    const m = /^[ \t]*bearer[ \t]+(\S+)[ \t]*$/i.exec(auth);
    return m ? m[1]! : auth.trim();
  }
  const cookie = request.headers.cookie;
  if (typeof cookie === 'string') {
    for (const part of cookie.split(';')) {
      const [name, ...rest] = part.split('=');
      if (name?.trim() === 'micro-token') {
        const value = rest.join('=').trim();
        if (value !== '') return decodeURIComponent(value);
      }
    }
  }
  return null;
}

type Resolved = { app: StoredApp; session: LiveuserSession | null } | { response: WireResponse };

/** Step 3–4 of a Bearer method. */
async function authenticateBearer(request: FastifyRequest, services: Services): Promise<Resolved> {
  const token = presentedAccessToken(request);
  if (token === null) return { response: liveuserError('E0002', 'missing token') };
  const named = namedAppkey(request.params, request.headers);
  const auth = await authenticateLiveuserAccess(services.db, token, named, services.clock);
  if (!auth.ok) {
    const [id, detail] = ACCESS_DETAILS[auth.failure];
    return { response: liveuserError(id, detail) };
  }
  if (!(await appServable(services.db, auth.session.app, 'liveuser', services.clock))) return { response: liveuserError('E0003', 'app disabled') };
  return { app: auth.session.app, session: auth.session };
}

/** The appkey a public method (and Wx.Postpay) acts for: prefix, else header, else the default app; null = none. */
export function selectedAppkey(request: FastifyRequest, services: Services): string | null {
  return namedAppkey(request.params, request.headers) ?? (services.config.liveuser.defaultAppkey || null);
}

/** Step 3 of a public method. */
async function resolvePublicApp(request: FastifyRequest, services: Services): Promise<Resolved> {
  const appkey = selectedAppkey(request, services);
  const app = appkey === null ? null : await getAppByKey(services.db, appkey);
  if (!app) return { response: liveuserError('E0102', 'app not found') };
  if (!(await appServable(services.db, app, 'liveuser', services.clock))) return { response: liveuserError('E0003', 'app disabled') };
  return { app, session: null };
}

const ORDER_ERRORS: Record<OrderErrorKind, LiveuserErrorId> = {
  invalid: 'E0001',
  exists: 'E0001',
  not_found: 'E0102',
  already_paid: 'E0004',
  not_configured: 'E0000',
};

/** The catalogue entry for whatever a route threw; `transient` marks a storage failure worth another attempt. */
export function classify(err: unknown): { id: LiveuserErrorId; detail: string; transient?: boolean } | null {
  if (err instanceof LiveuserRefusal) return { id: err.id, detail: err.detail };
  if (err instanceof OrderError) return { id: ORDER_ERRORS[err.kind], detail: err.message };
  if (err instanceof ProfileError) return { id: err.kind === 'invalid' ? 'E0001' : 'E0102', detail: err.message };
  if (err instanceof WechatUnavailable) return { id: 'E0101', detail: 'wechat unavailable' };
  if (err instanceof WechatBadReply) return { id: 'E0000', detail: 'wechat reply could not be verified' };
  if (isTransientDbError(err)) return { id: 'E0100', detail: 'storage unavailable, retry later', transient: true };
  return null;
}

function renderThrown(err: unknown, request: FastifyRequest, onTransient: () => void): RenderedFailure {
  const known = classify(err);
  if (known?.transient) onTransient();
  if (known) {
    if (known.id === 'E0101' || known.id === 'E0000') request.log.warn({ err, reqId: request.id }, 'liveuser: wechat or configuration failure');
    return { response: liveuserError(known.id, known.detail), store: isStorable(known.id) };
  }
  request.log.error({ err, reqId: request.id }, 'liveuser: unexpected failure');
  return { response: liveuserError('E0000', 'internal error'), store: false };
}

/** Steps 3–9. */
export function handle(route: LiveuserRoute, request: FastifyRequest, services: Services, deps: LiveuserDeps): Promise<WireResponse> {
  return guarded(
    () => handleChecked(route, request, services, deps),
    (err) => renderThrown(err, request, () => undefined),
  );
}

function scopeOf(app: StoredApp, session: LiveuserSession | null, request: FastifyRequest): string {
  return session ? `liveuser:app:${app.id}:user:${session.user.id}` : `liveuser:app:${app.id}:ip:${request.ip}`;
}

async function handleChecked(route: LiveuserRoute, request: FastifyRequest, services: Services, deps: LiveuserDeps): Promise<WireResponse> {
  const resolved = route.auth === 'bearer' ? await authenticateBearer(request, services) : await resolvePublicApp(request, services);
  if ('response' in resolved) return resolved.response;
  const { app, session } = resolved;
  const perApp = await services.limiter.check(`app:${app.id}`, services.controls.current().perKeyPerMinute);
  if (!perApp.allowed) return liveuserError('E0005', 'too many requests', { 'retry-after': String(perApp.retryAfterSeconds) });

  const parsed = parseJsonObject(rawBody(request));
  if (!parsed.ok) return liveuserError('E0001', parsed.reason === 'not_json' ? 'invalid JSON body' : 'the body must be a JSON object');
  const body = parsed.value;
  const header = readIdempotencyKeyHeader(request.headers['idempotency-key']);
  if (!header.ok) return liveuserError('E0001', 'invalid idempotency key');
  const key: IdempotencyKey | null =
    header.key === null ? null : { scope: scopeOf(app, session, request), route: `POST ${route.path}`, key: header.key, fingerprint: fingerprintOf(normaliseFieldNames(body)) };

  const ctx: LiveuserContext = { request, services, deps, app, session, body };
  // Memoised across attempts; forgotten when it failed, so a storage hiccup before any WeChat call is retried too.
  let prepared: Promise<unknown> | null = null;
  const prepareOnce = (): Promise<unknown> => {
    prepared ??= (route.prepare ? route.prepare(ctx) : Promise.resolve(undefined)).catch((err: unknown) => {
      prepared = null;
      throw err;
    });
    return prepared;
  };
  for (let attempt = 1; ; attempt++) {
    let transient = false;
    const outcome = await runIdempotent(
      services.idempotency,
      key,
      (trx, value) => route.handler(ctx, trx, value),
      (err) =>
        renderThrown(err, request, () => {
          transient = true;
        }),
      prepareOnce,
    );
    if (transient && attempt < MAX_ATTEMPTS) {
      await sleep(20 * attempt);
      continue;
    }
    return answerOf(outcome, () => liveuserError('E0004', 'idempotency key reused with different input'));
  }
}
