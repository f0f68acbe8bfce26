// Whether an app may be served by a dialect right now: the operator's controls (banned, key expiry, the dialects it
// may speak) and its owner's standing. Every credential check of the Pi and Kamiya dialects ends here, so a control
// set in the admin API takes effect on the next request in every dialect alike.
import type { Clock } from '../core/clock.js';
import type { DialectName } from '../core/identity/appControls.js';
import type { App } from '../core/identity/apps.js';
import type { Db } from '../core/identity/deps.js';
import { getDeveloper } from '../core/identity/developers.js';

export async function appServable(db: Db, app: App, dialect: DialectName, clock: Clock): Promise<boolean> {
  if (app.status !== 'live' || app.banned) return false;
  if (app.keyExpiresAt !== null && clock.now() >= app.keyExpiresAt) return false;
  if (app.dialects !== null && !app.dialects.includes(dialect)) return false;
  const owner = await getDeveloper(db, app.developerId);
  return owner !== null && !owner.blocked;
}

/** The appkey named by the `/apps/<appkey>` mount prefix or, without one, by `X-Plaza-App`; lower-cased. */
export function namedAppkey(params: unknown, headers: Record<string, string | string[] | undefined>): string | null {
  const prefix = (params as { appkey?: unknown } | undefined)?.appkey;
  if (typeof prefix === 'string' && prefix !== '') return prefix.toLowerCase();
  const h = headers['x-plaza-app'];
  const header = typeof h === 'string' ? h : Array.isArray(h) ? h[0] : undefined;
  return header !== undefined && header.trim() !== '' ? header.trim().toLowerCase() : null;
}
