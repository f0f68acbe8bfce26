// The checks of every YOYOW request (spec/yoyow.md §2, §3.4), in order:
//   1 path and method (404 `Not Found` from the server: a known path with another method is an unknown route)
//   2 per-IP rate limit (429)                                                                   — onRequest
//   3 the request's app (§2.2): `/apps/<appkey>`, else `X-Plaza-App`, else `yoyow.defaultApp`; unknown 404, disabled
//     403; none: POST routes and app routes 404, read routes go on with `app: null`; then the per-app limit (429)
//   GET:  4 repeated query parameter → 2000   5 the handler (its own checks, §3.4 "GET routes…")
//   POST: 4 body size (413)   5 §2.4 step 1 decryption (1005)   6 step 2 Idempotency-Key (2000 malformed; replay;
//         409)   7 steps 3–6 time/age/future/replay (1004/1003, never stored)   8 the handler (stages A–F of §3.4)
//         in one database transaction, its answer stored with the Idempotency-Key; a transient storage failure
//         (busy, serialization, deadlock) is retried here, three attempts in all, before it becomes a 500.
// Handlers return `data`; this file renders `{"code":0,"data":…,"message":"操作成功"}`. A `YoyowRefusal` (or the
// module's `YoyowChainError`) thrown by a handler rolls its transaction back and answers `{"code","data":null,
// "message"}`; anything else is logged and answers HTTP 500 `api底层异常` (not stored: the client may retry).
import type { FastifyRequest } from 'fastify';
import type { Kysely, Transaction } from 'kysely';
import { setTimeout as sleep } from 'node:timers/promises';
import { getAppByKey, revealAppSecret, type StoredApp } from '../../core/identity/apps.js';
import { isTransientDbError } from '../../db/errors.js';
import type { DB } from '../../db/schema.js';
import { YoyowChainError } from '../../modules/yoyow/index.js';
import { appServable, namedAppkey } from '../../http/appGate.js';
import { rawBody, type JsonObject } from '../../http/body.js';
import { guarded } from '../../http/guarded.js';
import { answerOf, fingerprintOf, readIdempotencyKeyHeader, runIdempotent, type IdempotencyKey, type RenderedFailure, type WireResponse } from '../../http/idempotency.js';
import type { Services } from '../../services.js';
import { internalError, invalidParameter, missingParameter, secureError, tooManyRequests, transportError, yoyowError, YoyowRefusal, YoyowTransportRefusal } from './errors.js';
import { parseUid } from './parse.js';
import { yoyowOk } from './render.js';
import { admitStep, decryptStep, withoutTime } from './secure.js';
import { transportSettings } from './settings.js';

/** What a handler sees. `app` is null only on read routes when no app could be resolved (§2.2). */
export interface YoyowContext<A extends StoredApp | null = StoredApp> {
  request: FastifyRequest;
  services: Services;
  /** The request's app (§2.2), resolved and allowed to speak YOYOW. */
  app: A;
  /** Query parameters (each given once; a repeated one answered 2000 before the handler). */
  query: Readonly<Record<string, string>>;
  /** Path parameters (without the `/apps/<appkey>` mount's). */
  params: Readonly<Record<string, string>>;
  /** Secure routes: the decrypted object (`time` and unknown fields included; JSON numbers as JsonNumber). `{}` on GET. */
  payload: JsonObject;
  /** POST: the route's transaction (the Idempotency-Key answer is stored with it). GET: the database. */
  db: Transaction<DB> | Kysely<DB>;
}

/** What a secure (write) route sees: its transaction, typed as one. */
export type YoyowWriteContext = YoyowContext & { db: Transaction<DB> };

/** A read route that works without an app (`platform` then comes from the query, see `platformParam`). */
export type YoyowReadContext = YoyowContext<StoredApp | null>;

export interface YoyowRoute {
  method: 'GET' | 'POST';
  /** Without mount prefix or trailing slash, e.g. `/api/v2/accounts/:uid`, `/auth/sign`. */
  path: string;
  /** POST routes: the secure request scheme (§2.4); the decrypted payload is in `ctx.payload`. */
  secure: boolean;
  /** Whether the route needs the request's app (every POST route; `/auth/sign`, `/auth/signQR`). */
  needsApp: boolean;
  /** Returns `data`; property syntax keeps the parameter type checked strictly. */
  handler: (ctx: YoyowReadContext) => Promise<unknown>;
}

/** A secure write route (§2.4): POST, needs the app. */
export function secureRoute(path: string, handler: (ctx: YoyowWriteContext) => Promise<unknown>): YoyowRoute {
  return { method: 'POST', path, secure: true, needsApp: true, handler: (ctx) => handler(ctx as YoyowWriteContext) };
}

/** A public read route (GET): `ctx.app` may be null. */
export function readRoute(path: string, handler: (ctx: YoyowReadContext) => Promise<unknown>): YoyowRoute {
  return { method: 'GET', path, secure: false, needsApp: false, handler };
}

/** A GET route that needs the request's app (`/auth/sign`, `/auth/signQR`): 404 `unknown app` without one. */
export function appReadRoute(path: string, handler: (ctx: YoyowContext) => Promise<unknown>): YoyowRoute {
  return { method: 'GET', path, secure: false, needsApp: true, handler: (ctx) => handler(ctx as YoyowContext) };
}

/**
 * A `platform` parameter of a read route (§2.2): the given uid (checksum → 2002), else the request's app, else
 * `2000 missing parameter: platform`. Existence (2001) is the handler's check.
 */
export function platformParam(ctx: YoyowReadContext, name = 'platform'): number {
  const given = ctx.query[name];
  if (given !== undefined) return parseUid(given, name);
  if (ctx.app === null) throw missingParameter(name);
  return ctx.app.id;
}

/** Step 2 (before the body is read). Null when the request may go on. */
export async function earlyChecks(request: FastifyRequest, services: Services): Promise<WireResponse | null> {
  const ip = await services.limiter.check(`ip:${request.ip}`, services.controls.current().perIpPerMinute);
  return ip.allowed ? null : tooManyRequests(ip.retryAfterSeconds);
}

/** Attempts of a write that failed on a transient storage error (three in all). */
const MAX_ATTEMPTS = 3;

type Resolved = { app: StoredApp | null } | { response: WireResponse };

/** Step 3 (§2.2). */
async function resolveApp(route: YoyowRoute, request: FastifyRequest, services: Services): Promise<Resolved> {
  const appkey = namedAppkey(request.params, request.headers) ?? (services.config.yoyow.defaultApp || null);
  if (appkey === null) return route.needsApp ? { response: transportError('unknownApp') } : { app: null };
  const app = await getAppByKey(services.db, appkey);
  if (!app) return { response: transportError('unknownApp') };
  if (!(await appServable(services.db, app, 'yoyow', services.clock))) return { response: transportError('appDisabled') };
  const perApp = await services.limiter.check(`app:${app.id}`, services.controls.current().perKeyPerMinute);
  if (!perApp.allowed) return { response: tooManyRequests(perApp.retryAfterSeconds) };
  return { app };
}

/** The query string as single values; a repeated name → `2000 invalid parameter: <name>` (§2.3). */
export function singleQuery(url: string): Record<string, string> {
  const q = url.indexOf('?');
  const out: Record<string, string> = {};
  if (q < 0) return out;
  for (const [k, v] of new URLSearchParams(url.slice(q + 1))) {
    if (Object.hasOwn(out, k)) throw invalidParameter(k);
    out[k] = v;
  }
  return out;
}

function pathParams(request: FastifyRequest): Record<string, string> {
  const { appkey: _mount, ...rest } = (request.params ?? {}) as Record<string, string>;
  return rest;
}

function renderThrown(err: unknown, request: FastifyRequest): RenderedFailure {
  if (err instanceof YoyowRefusal) return { response: yoyowError(err.code, err.message), store: true };
  if (err instanceof YoyowTransportRefusal) return { response: secureError(err.kind), store: false };
  if (err instanceof YoyowChainError) return { response: yoyowError(err.code, err.message), store: true };
  request.log.error({ err, reqId: request.id }, 'yoyow: unexpected failure');
  return { response: internalError(), store: false };
}

/** Steps 3 to the end, bounded by the request timeout (§3.1: never a hang). */
export function handle(route: YoyowRoute, request: FastifyRequest, services: Services): Promise<WireResponse> {
  const work = guarded(() => handleChecked(route, request, services), (err) => renderThrown(err, request));
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<WireResponse>((resolve) => {
    timer = setTimeout(() => {
      request.log.error({ reqId: request.id, path: route.path }, 'yoyow: request timeout');
      resolve(internalError());
    }, services.config.yoyow.requestTimeoutSeconds * 1000);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

async function handleChecked(route: YoyowRoute, request: FastifyRequest, services: Services): Promise<WireResponse> {
  const resolved = await resolveApp(route, request, services);
  if ('response' in resolved) return resolved.response;
  const { app } = resolved;
  if (route.method === 'GET') {
    const query = singleQuery(request.url);
    const data = await route.handler({ request, services, app, query, params: pathParams(request), payload: {}, db: services.db });
    return yoyowOk(data);
  }
  if (app === null) return transportError('unknownApp');
  return handleSecure(route, request, services, app);
}

async function handleSecure(route: YoyowRoute, request: FastifyRequest, services: Services, app: StoredApp): Promise<WireResponse> {
  const raw = rawBody(request);
  if (raw.length > services.config.yoyow.maxBody) return transportError('payloadTooLarge');
  const settings = transportSettings(app, services.config.yoyow);
  const decrypted = decryptStep(request, raw, settings, revealAppSecret(services.box, app));
  const header = readIdempotencyKeyHeader(request.headers['idempotency-key']);
  if (!header.ok) return yoyowError(2000, 'invalid parameter: Idempotency-Key');
  const key: IdempotencyKey | null =
    header.key === null ? null : { scope: `app:${app.id}`, route: `POST ${route.path}`, key: header.key, fingerprint: fingerprintOf(withoutTime(decrypted.payload)) };
  const query = singleQuery(request.url);
  const params = pathParams(request);
  // Steps 3–6 run at most once per request (the replay key is claimed once), whatever the number of attempts; a
  // failure of the claim itself is forgotten so that a storage hiccup there is retried too.
  let admitted: Promise<void> | null = null;
  const admitOnce = (): Promise<void> => {
    admitted ??= admitStep(services, app.id, settings, decrypted).catch((err: unknown) => {
      admitted = null;
      throw err;
    });
    return admitted;
  };
  for (let attempt = 1; ; attempt++) {
    let transient = false;
    const outcome = await runIdempotent(
      services.idempotency,
      key,
      async (trx) => yoyowOk(await route.handler({ request, services, app, query, params, payload: decrypted.payload, db: trx })),
      (err) => {
        transient = isTransientDbError(err);
        return renderThrown(err, request);
      },
      admitOnce,
    );
    // A busy SQLite or a PostgreSQL serialization failure / deadlock rolled everything back: run it again.
    if (transient && attempt < MAX_ATTEMPTS) {
      await sleep(20 * attempt);
      continue;
    }
    return answerOf(outcome, () => transportError('idempotencyConflict'));
  }
}
