// Where an app may send users back to (redirect URIs: OIDC and hosted sign-in) and which browser origins may call
// it (CORS). Both are JSON arrays on the app row, checked here on write so readers can trust them: a redirect URI is
// an absolute http(s) URL without a fragment (RFC 6749 §3.1.2), compared by exact string match; an origin is
// `scheme://host[:port]` (RFC 6454 serialisation: lowercase, no path, no default port).
import type { Clock } from '../clock.js';
import { isPostgres } from '../ledger/rows.js';
import type { App } from './apps.js';
import type { Db } from './deps.js';
import { IdentityError } from './errors.js';

/** Most entries of each list, and the longest entry. */
export const MAX_ACCESS_ENTRIES = 20;
export const MAX_ACCESS_ENTRY_LENGTH = 2000;

/** A rule of the lists broken (not absolute, a fragment, a path in an origin…); the message names it. */
export class AppAccessError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AppAccessError';
  }
}

function parseHttpUrl(value: string, what: string): URL {
  if (value.length === 0 || value.length > MAX_ACCESS_ENTRY_LENGTH) throw new AppAccessError(`${what} must be 1 to ${MAX_ACCESS_ENTRY_LENGTH} characters`);
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new AppAccessError(`${what} ${JSON.stringify(value)} is not an absolute URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new AppAccessError(`${what} ${JSON.stringify(value)} must use http or https`);
  if (url.username !== '' || url.password !== '') throw new AppAccessError(`${what} ${JSON.stringify(value)} must not carry credentials`);
  return url;
}

/** The redirect URI as given, or AppAccessError. */
export function checkRedirectUri(value: string): string {
  const url = parseHttpUrl(value, 'redirect URI');
  if (value.includes('#')) throw new AppAccessError(`redirect URI ${JSON.stringify(value)} must not have a fragment`);
  if (url.hostname === '') throw new AppAccessError(`redirect URI ${JSON.stringify(value)} needs a host`);
  return value;
}

/** The origin in its serialised form (`https://example.com`), or AppAccessError when it is not only an origin. */
export function normaliseOrigin(value: string): string {
  const url = parseHttpUrl(value, 'origin');
  const trailing = value.endsWith('/') ? value.slice(0, -1) : value;
  if (url.pathname !== '/' || url.search !== '' || url.hash !== '' || trailing.endsWith('/')) {
    throw new AppAccessError(`origin ${JSON.stringify(value)} must be scheme://host[:port] without a path`);
  }
  return url.origin;
}

function checkList(values: readonly string[], what: string, check: (v: string) => string): string[] {
  if (values.length > MAX_ACCESS_ENTRIES) throw new AppAccessError(`at most ${MAX_ACCESS_ENTRIES} ${what}`);
  return [...new Set(values.map(check))];
}

async function writeColumn(trx: Db, appId: number, column: 'redirect_uris' | 'allowed_origins', values: string[], clock: Clock): Promise<void> {
  if (isPostgres(trx)) await trx.selectFrom('apps').select('id').where('id', '=', appId).forUpdate().execute();
  const r = await trx
    .updateTable('apps')
    .set({ [column]: values.length === 0 ? null : JSON.stringify(values), updated_at: clock.now() })
    .where('id', '=', appId)
    .where('status', '=', 'live')
    .executeTakeFirst();
  if (Number(r.numUpdatedRows) !== 1) throw new IdentityError('app_not_found', `no live app ${appId}`);
}

/** Replaces the app's redirect URIs (deduplicated). Refusals: AppAccessError, `app_not_found`. */
export async function setAppRedirectUris(trx: Db, appId: number, uris: string[], clock: Clock): Promise<void> {
  await writeColumn(trx, appId, 'redirect_uris', checkList(uris, 'redirect URIs', checkRedirectUri), clock);
}

/** Replaces the app's allowed origins (normalised, deduplicated). Refusals: AppAccessError, `app_not_found`. */
export async function setAppAllowedOrigins(trx: Db, appId: number, origins: string[], clock: Clock): Promise<void> {
  await writeColumn(trx, appId, 'allowed_origins', checkList(origins, 'origins', normaliseOrigin), clock);
}

export function appRedirectUris(app: App): string[] {
  return app.redirectUris;
}

export function appAllowedOrigins(app: App): string[] {
  return app.allowedOrigins;
}

/** True when `uri` is exactly one of the app's redirect URIs (no prefix or pattern matching). */
export function isAllowedRedirectUri(app: App, uri: string): boolean {
  return app.redirectUris.includes(uri);
}

/** True when `origin` (the Origin header) is one of the app's allowed origins. */
export function isAllowedOrigin(app: App, origin: string): boolean {
  return app.allowedOrigins.includes(origin.toLowerCase());
}
