// The native admin API as a plugin owning `/admin/v1`: authentication by developer token, validation from each
// route's declared schemas, Idempotency-Key on every write (POST, PATCH), and one error envelope for everything that goes wrong
// under the prefix — including unknown paths and oversized bodies, which the server asks this plugin to render.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { recordAudit } from '../core/events/audit.js';
import { authenticateDeveloperToken } from '../core/identity/devTokens.js';
import { parseJsonObject, rawBody, type JsonObject } from '../http/body.js';
import type { DialectPlugin, TransportFailure } from '../http/dialect.js';
import {
  answerOf,
  fingerprintOf,
  type IdempotencyKey,
  readIdempotencyKeyHeader,
  type RenderedFailure,
  runIdempotent,
  type WireResponse,
} from '../http/idempotency.js';
import { sendWire } from '../http/reply.js';
import type { Services } from '../services.js';
import { ADMIN_ERRORS, adminError, asAdminError, errorBody, type AdminErrorCode } from './errors.js';
import type { Developer } from '../core/identity/developers.js';
import type { AdminRoute } from './route.js';
import { ADMIN_ROUTES } from './routes.js';
import { checkBody, readTextInput, schemaProblems } from './schema.js';

export const ADMIN_PREFIX = '/admin/v1';

export interface AdminApiOptions {
  /** Check every success answer against the route's declared response schema (tests turn this on). */
  assertResponses?: boolean;
}

function failure(code: AdminErrorCode, message: string): WireResponse {
  return { statusCode: ADMIN_ERRORS[code], headers: {}, body: errorBody(code, message) };
}

function json(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
}

/**
 * The gate of a public route (no token): refused to a denied IP, then rate-limited per client IP in the same bucket
 * as the dialects' per-IP limit, so sign-up and sign-in cannot be used to guess passwords faster than any endpoint.
 */
async function admitPublic(request: FastifyRequest, services: Services): Promise<void> {
  if (services.controls.isIpDenied(request.ip)) throw adminError('forbidden', 'requests from this address are refused');
  const decision = await services.limiter.check(`ip:${request.ip}`, services.controls.current().perIpPerMinute);
  if (!decision.allowed) throw adminError('rate_limited', `too many requests from this address; retry in ${decision.retryAfterSeconds} s`);
}

/** The caller behind `Authorization: Bearer <developer token>`, or a 401/403 AdminError. */
async function authenticate(request: FastifyRequest, services: Services, route: AdminRoute): Promise<{ developer: Developer; tokenId: number }> {
  const header = request.headers.authorization;
  const m = typeof header === 'string' ? /^bearer\s+(\S+)\s*$/i.exec(header) : null;
  if (!m) throw adminError('unauthorized', 'send a developer token as "Authorization: Bearer <token>" (from Ulord users/login)');
  const auth = await authenticateDeveloperToken(services.db, m[1]!, services.clock);
  if (!auth) throw adminError('unauthorized', 'the developer token is unknown, expired or revoked; sign in again');
  const d = auth.developer;
  if (d.blocked) throw adminError('forbidden', 'this developer is blocked');
  if (route.access === 'admin' && !d.isAdmin) throw adminError('forbidden', 'this endpoint needs a developer with the admin role');
  return auth;
}

function renderError(err: unknown, request: FastifyRequest): RenderedFailure {
  const known = asAdminError(err);
  if (known) return { response: failure(known.code, known.message), store: known.status < 500 };
  request.log.error({ err }, 'admin API handler failed');
  return { response: failure('internal_error', 'an unexpected error occurred; nothing was written, retry later'), store: false };
}

/** `scope`: `developer:<id>`, or `ip:<address>` on public routes. */
function idempotencyKey(request: FastifyRequest, route: AdminRoute, scope: string, input: unknown): IdempotencyKey | null {
  const header = readIdempotencyKeyHeader(request.headers['idempotency-key']);
  if (!header.ok) throw adminError('invalid_idempotency_key', 'Idempotency-Key must be 1 to 255 printable ASCII characters');
  if (header.key === null) return null;
  return { scope, route: `${route.method} ${route.path}`, key: header.key, fingerprint: fingerprintOf(input) };
}

/**
 * `base` with its `caller`: the developer, or on a public route a getter that throws (a public handler reading a
 * caller is a bug). Added after any spread, since spreading would call the getter.
 */
function withCaller<T extends object>(base: T, developer: Developer | null, route: AdminRoute): T & { caller: Developer } {
  const out = { ...base } as T & { caller: Developer };
  Object.defineProperty(out, 'caller', {
    enumerable: false,
    get(): Developer {
      if (!developer) throw new Error(`${route.operationId} is a public route and has no caller`);
      return developer;
    },
  });
  return out;
}

function createHandler(route: AdminRoute, services: Services, options: AdminApiOptions) {
  const success = (value: unknown): WireResponse => {
    if (options.assertResponses) {
      const problems = schemaProblems(route.response, JSON.parse(json(value)));
      if (problems.length > 0) throw new Error(`${route.operationId} answered outside its schema: ${problems.join('; ')}`);
    }
    return { statusCode: route.status, headers: {}, body: json(value) };
  };
  return async (request: FastifyRequest, reply: FastifyReply) => {
    let response: WireResponse;
    try {
      const auth = route.access === 'public' ? (await admitPublic(request, services), null) : await authenticate(request, services, route);
      const params = route.params ? readTextInput(route.params, request.params, 'path') : {};
      const query = route.query ? readTextInput(route.query, request.query, 'query') : {};
      let body: JsonObject = {};
      if (route.method !== 'GET') {
        const parsed = parseJsonObject(rawBody(request));
        if (!parsed.ok) throw adminError('invalid_json', 'the body must be a JSON object');
        body = parsed.value;
        if (route.body) checkBody(route.body, body);
      }
      const ctx = withCaller({ services, callerTokenId: auth?.tokenId ?? 0, ip: request.ip, params, query, body }, auth?.developer ?? null, route);
      const actor = auth ? `developer:${auth.developer.id}` : `ip:${request.ip}`;
      if (route.method === 'GET') {
        const trx = () => {
          throw new Error(`${route.operationId} is a GET route and has no transaction`);
        };
        const afterCommit = () => {
          throw new Error(`${route.operationId} is a GET route and commits nothing`);
        };
        response = success(await route.handler(withCaller({ ...ctx, db: services.db, trx, afterCommit, prepared: undefined }, auth?.developer ?? null, route)));
      } else {
        const key = idempotencyKey(request, route, actor, { params, body });
        const effects: Array<() => void> = [];
        const outcome = await runIdempotent(
          services.idempotency,
          key,
          async (trx, prepared) => {
            effects.length = 0;
            const answer = success(await route.handler(withCaller({ ...ctx, db: trx, trx: () => trx, afterCommit: (e) => effects.push(e), prepared }, auth?.developer ?? null, route)));
            // Every admin change is audited in its own transaction: the log holds exactly what committed.
            const target = Object.entries(params).map(([k, v]) => `${k}:${String(v)}`).join(',');
            await recordAudit(trx, { actor, action: `admin.${route.operationId}`, target, details: body, requestId: request.id }, services.clock);
            return answer;
          },
          (err) => renderError(err, request),
          async (): Promise<unknown> => (route.prepare ? route.prepare(ctx) : undefined),
        );
        response = answerOf(outcome, () => failure('idempotency_conflict', 'this Idempotency-Key was already used with a different request'));
        // A fresh answer with the route's success status is one whose transaction committed.
        if (outcome.kind === 'fresh' && response.statusCode === route.status) for (const effect of effects) effect();
      }
    } catch (err) {
      response = renderError(err, request).response;
    }
    return sendWire(reply, response);
  };
}

function renderTransportFailure(f: TransportFailure): WireResponse {
  switch (f.kind) {
    case 'not_found':
      return failure('not_found', 'no admin API endpoint at this path and method; see /openapi/admin.json');
    case 'body_too_large':
      return failure('payload_too_large', 'the request body is larger than the configured limit');
    case 'bad_request':
      return failure('invalid_request', 'the request could not be read');
    case 'internal':
      return failure('internal_error', 'an unexpected error occurred; retry later');
  }
}

export function createAdminApi(options: AdminApiOptions = {}, routes: readonly AdminRoute[] = ADMIN_ROUTES): DialectPlugin {
  return {
    name: 'admin',
    prefixes: [ADMIN_PREFIX],
    register(app: FastifyInstance, services: Services) {
      for (const route of routes) app.route({ method: route.method, url: route.path, handler: createHandler(route, services, options) });
    },
    renderTransportFailure,
  };
}

export const adminApi: DialectPlugin = createAdminApi();
