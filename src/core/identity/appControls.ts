// The operator's controls of one app (spec ulord §2.8): banned (10005), key expiry (10003), the dialects it may
// speak (10002) and its per-app overrides of dialect settings. The dialects read them from the app row on every
// request (apps.ts), so a change is in force at once in every process.
import { isPostgres } from '../ledger/rows.js';
import { flag } from '../../db/values.js';
import type { Clock } from '../clock.js';
import { getApp, type AppSettings, type StoredApp } from './apps.js';
import type { Db } from './deps.js';
import { IdentityError } from './errors.js';
import { revokeLiveuserAppSessions } from './liveuserTokens.js';

/** Every dialect an app can be allowed to speak. */
export const DIALECT_NAMES = ['pi', 'kamiya', 'ulord', 'yoyow', 'liveuser'] as const;
export type DialectName = (typeof DIALECT_NAMES)[number];

export interface AppControls {
  appId: number;
  banned: boolean;
  /** Epoch ms after which the appkey is refused (10003); null = never. */
  keyExpiresAt: number | null;
  /** The dialects the app may use; null = all of them. */
  dialects: string[] | null;
  settings: AppSettings;
}

/** A partial update: an absent field is kept; `null` clears keyExpiresAt / dialects (= never / all). */
export interface AppControlsPatch {
  banned?: boolean;
  keyExpiresAt?: number | null;
  dialects?: readonly string[] | null;
  /** Merged into the stored settings, dialect by dialect and key by key. */
  settings?: AppSettings;
}

/** A patch that breaks a rule (unknown dialect, a time outside the representable range). */
export class AppControlsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AppControlsError';
  }
}

/** Latest expiry accepted: year 9999 (keeps the value an exact integer in both stores). */
const MAX_TIME_MS = Date.UTC(9999, 11, 31);

export function appControlsOf(app: StoredApp): AppControls {
  return { appId: app.id, banned: app.banned, keyExpiresAt: app.keyExpiresAt, dialects: app.dialects, settings: app.settings };
}

function checkPatch(patch: AppControlsPatch): void {
  const { keyExpiresAt, dialects } = patch;
  if (keyExpiresAt != null && (!Number.isSafeInteger(keyExpiresAt) || keyExpiresAt < 0 || keyExpiresAt > MAX_TIME_MS)) {
    throw new AppControlsError('key expiry must be a time between 1970 and 9999');
  }
  const unknown = dialects?.filter((d) => !(DIALECT_NAMES as readonly string[]).includes(d)) ?? [];
  if (unknown.length > 0) throw new AppControlsError(`unknown dialect ${unknown[0]}; known: ${DIALECT_NAMES.join(', ')}`);
}

function mergeSettings(stored: AppSettings, patch: AppSettings | undefined): AppSettings {
  if (patch === undefined) return stored;
  const out: Record<string, unknown> = { ...stored };
  for (const [dialect, values] of Object.entries(patch)) {
    if (values !== undefined) out[dialect] = { ...((stored as Record<string, object | undefined>)[dialect] ?? {}), ...values };
  }
  return out as AppSettings;
}

/**
 * Applies `patch` to a live app's controls inside `trx` (the row is locked on PostgreSQL; SQLite transactions are
 * serial), sets `updatedAt`, and returns the controls now in force. Refusals: `app_not_found` (unknown or removed),
 * AppControlsError (a rule above).
 */
export async function setAppControls(trx: Db, appId: number, patch: AppControlsPatch, deps: { clock: Clock }): Promise<AppControls> {
  checkPatch(patch);
  if (isPostgres(trx)) await trx.selectFrom('apps').select('id').where('id', '=', appId).forUpdate().execute();
  const app = await getApp(trx, appId);
  if (!app || app.status !== 'live') throw new IdentityError('app_not_found', `no live app ${appId}`);
  const next: AppControls = {
    appId,
    banned: patch.banned ?? app.banned,
    keyExpiresAt: patch.keyExpiresAt === undefined ? app.keyExpiresAt : patch.keyExpiresAt,
    dialects: patch.dialects === undefined ? app.dialects : patch.dialects === null ? null : [...new Set(patch.dialects)],
    settings: mergeSettings(app.settings, patch.settings),
  };
  await trx
    .updateTable('apps')
    .set({
      banned: flag(next.banned),
      key_expires_at: next.keyExpiresAt,
      dialects: next.dialects === null ? null : JSON.stringify(next.dialects),
      settings: Object.keys(next.settings).length === 0 ? null : JSON.stringify(next.settings),
      updated_at: deps.clock.now(),
    })
    .where('id', '=', appId)
    .execute();
  // liveuser §7.1: disabling an app revokes its session families for good, so lifting the ban revives none of them.
  if (next.banned && !app.banned) await revokeLiveuserAppSessions(trx, appId, deps.clock);
  return next;
}
