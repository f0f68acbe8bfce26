// One admin route, declared once: method, path, who may call it, the schemas of its path, query, body and answer,
// the errors it documents, and its handler. The plugin (plugin.ts) registers and validates from this declaration
// and the OpenAPI document (http/openapi/admin.ts) is generated from it.
import type { Kysely, Transaction } from 'kysely';
import type { Developer } from '../core/identity/developers.js';
import type { DB } from '../db/schema.js';
import type { JsonObject } from '../http/body.js';
import type { Services } from '../services.js';
import type { AdminErrorCode } from './errors.js';
import type { ObjectSchema, Schema } from './schema.js';

export interface AdminRouteContext {
  services: Services;
  /** The database handle to use: the idempotency transaction for writes (POST, PATCH, PUT), the pool for GET routes. */
  db: Kysely<DB>;
  /** The idempotency transaction (writes only; throws on GET routes). */
  trx(): Transaction<DB>;
  /** Runs `effect` once the write committed (e.g. putting new operator controls in force in this process). */
  afterCommit(effect: () => void): void;
  /** The signed-in developer. Public routes have none: reading it there throws (like `trx()` on GET routes). */
  caller: Developer;
  /** The id of the developer token the request was authenticated with (0 on public routes). */
  callerTokenId: number;
  /** The client address (rate limits and idempotency scope of public routes). */
  ip: string;
  params: Record<string, unknown>;
  query: Record<string, unknown>;
  body: JsonObject;
  /** What the route's `prepare` returned (undefined without one, and on GET routes). */
  prepared: unknown;
}

/** What `prepare` sees: the request, and no transaction (it must not hold one). */
export type AdminPrepareContext = Pick<AdminRouteContext, 'services' | 'caller' | 'callerTokenId' | 'ip' | 'params' | 'query' | 'body'>;

export interface AdminRoute {
  /** POST, PATCH and PUT are writes: JSON body, Idempotency-Key, one transaction, audited. */
  method: 'GET' | 'POST' | 'PATCH' | 'PUT';
  /** Fastify path syntax (`/admin/v1/assets/:symbol/issue`); converted to `{symbol}` for OpenAPI. */
  path: string;
  operationId: string;
  summary: string;
  tag: string;
  /**
   * `admin`: developers with the admin role only; `developer`: any signed-in developer (the handler checks ownership);
   * `public`: no token (developer sign-up and sign-in): rate-limited per client IP, refused to denied IPs, and
   * idempotent per client IP.
   */
  access: 'admin' | 'developer' | 'public';
  params?: ObjectSchema;
  query?: ObjectSchema;
  body?: ObjectSchema;
  status: 200 | 201;
  response: Schema;
  /** Errors beyond the common ones (401, and 403 for admin routes), for the document. */
  errors: readonly AdminErrorCode[];
  /**
   * Writes only: the expensive part (password hashing, ~50–100 ms of scrypt) run before the transaction opens, so it
   * holds no connection or lock meanwhile; once per request, and never for an idempotent replay. The handler gets
   * the result as `ctx.prepared` and must confirm anything it read with a condition (runIdempotent's `prepare`).
   */
  prepare?(ctx: AdminPrepareContext): Promise<unknown>;
  handler(ctx: AdminRouteContext): Promise<unknown>;
}

export function defineRoute(route: AdminRoute): AdminRoute {
  return route;
}
