// The Ulord route table (spec §5): management endpoints M1–M15 here, the external endpoints in walletRoutes.ts
// (X1–X3) and contentRoutes.ts (X4–X13). Each path is served with and without its trailing slash and under
// `/apps/:appkey`; the route key (`ulord:<path>`) names it in the operator controls.
import { CONTENT_ROUTES } from './contentRoutes.js';
import * as m from './management.js';
import type { WalletErrcode } from './errors.js';
import type { Handler, Preparer } from './management.js';
import { WALLET_ROUTES } from './walletRoutes.js';

/**
 * Who may call: `public` ignores tokens; `optional` validates a supplied token; `token` needs one; `admin` too;
 * `appkey`: an external endpoint, authorised by the app's key (§3.1).
 */
export type RouteAuth = 'public' | 'optional' | 'token' | 'admin' | 'appkey';

interface UlordRouteBase {
  /** Without trailing slash, e.g. `/v1/role/add`. */
  path: string;
  /**
   * Path parameters after `path` in Fastify's syntax (paged routes: `/:page(^[0-9]+$)/:num(^[0-9]+$)`); the route
   * key and the Idempotency-Key route stay `path`. Handlers read them from `ctx.params`.
   */
  params?: string;
  method: 'GET' | 'POST';
  auth: RouteAuth;
  /** Idempotency-Key scope: the developer of the token, the client IP (users/reg, users/login), or the app. */
  scope: 'developer' | 'ip' | 'app';
  /** users/reg: closed when `ulord.registrationOpen` is false, unless the caller presents an admin token. */
  registration?: boolean;
  /**
   * External endpoints that move or show wallet money: the 202xx code their wallet refusals are answered with
   * (user_not_found, wrong / locked pay password, insufficient balance, same account; §4.1, §4.3). The pipeline
   * applies it to a thrown IdentityError or LedgerError.
   */
  walletErrcode?: WalletErrcode;
}

/** Either a handler run in the endpoint's transaction, or a `Preparer` (work before it, then such a handler). */
export type UlordRoute = UlordRouteBase & ({ handler: Handler; prepare?: never } | { prepare: Preparer; handler?: never });

const MANAGEMENT_ROUTES: readonly UlordRoute[] = [
  { path: '/v1/role/add', method: 'POST', auth: 'admin', scope: 'developer', handler: m.roleAdd },
  { path: '/v1/role/list', method: 'GET', auth: 'token', scope: 'developer', handler: m.roleList },
  { path: '/v1/role/edit', method: 'POST', auth: 'admin', scope: 'developer', handler: m.roleEdit },
  { path: '/v1/role/remove', method: 'POST', auth: 'admin', scope: 'developer', handler: m.roleRemove },
  { path: '/v1/type/add', method: 'POST', auth: 'admin', scope: 'developer', handler: m.typeAdd },
  { path: '/v1/type/list', method: 'GET', auth: 'token', scope: 'developer', handler: m.typeList },
  { path: '/v1/type/edit', method: 'POST', auth: 'admin', scope: 'developer', handler: m.typeEdit },
  { path: '/v1/type/remove', method: 'POST', auth: 'admin', scope: 'developer', handler: m.typeRemove },
  { path: '/v1/users/reg', method: 'POST', auth: 'optional', scope: 'ip', registration: true, prepare: m.usersReg },
  { path: '/v1/users/login', method: 'POST', auth: 'public', scope: 'ip', prepare: m.usersLogin },
  { path: '/v1/users/edit', method: 'POST', auth: 'token', scope: 'developer', prepare: m.usersEdit },
  { path: '/v1/app/add', method: 'POST', auth: 'token', scope: 'developer', handler: m.appAdd },
  { path: '/v1/app/list', method: 'POST', auth: 'token', scope: 'developer', handler: m.appList },
  { path: '/v1/app/edit', method: 'POST', auth: 'token', scope: 'developer', handler: m.appEdit },
  { path: '/v1/app/rebuild', method: 'POST', auth: 'token', scope: 'developer', handler: m.appEdit },
  { path: '/v1/app/remove', method: 'POST', auth: 'token', scope: 'developer', handler: m.appRemove },
];

export const ULORD_ROUTES: readonly UlordRoute[] = [...MANAGEMENT_ROUTES, ...WALLET_ROUTES, ...CONTENT_ROUTES];

export function routeKey(route: UlordRoute): string {
  return `ulord:${route.path}`;
}

/** Every URL a route answers on. */
export function routeUrls(route: UlordRoute): string[] {
  const url = `${route.path}${route.params ?? ''}`;
  return [url, `${url}/`, `/apps/:appkey${url}`, `/apps/:appkey${url}/`];
}
