// Apps: id = a uid of the shared sequence (uid.ts); appkey and secret = 16 CSPRNG bytes each as 32 lowercase hex.
// The secret is stored only sealed under the master key (purpose `app.secret`) and as its SHA-256 for lookups.
// A developer's live apps have distinct names (case-insensitively); removing an app frees its name and makes its
// appkey unknown, but keeps the row for the ledger's history.
import type { SecretBox } from '../crypto/secretbox.js';
import { randomHex, safeEqual, sha256Hex } from '../crypto/tokens.js';
import { toBool, toNum, toNumOrNull } from '../../db/values.js';
import { getAppType } from './appTypes.js';
import type { Db, IdentityDeps } from './deps.js';
import { getDeveloper, type Developer } from './developers.js';
import { isUniqueViolation } from '../../db/errors.js';
import { IdentityError } from './errors.js';
import { revokeLiveuserAppSessions } from './liveuserTokens.js';
import { allocateUid } from './uid.js';
import { openWallet } from './wallet.js';

export const APP_SECRET_PURPOSE = 'app.secret';

export interface App {
  id: number;
  developerId: number;
  name: string;
  des: string | null;
  typeId: number | null;
  appkey: string;
  status: 'live' | 'removed';
  banned: boolean;
  keyExpiresAt: number | null;
  dialects: string[] | null;
  /** Per-app overrides of dialect settings (e.g. `ulord.requireSecretForDeveloperWallet`). */
  settings: AppSettings;
  /** Absolute http(s) redirect URIs the app registered (appAccess.ts); empty = none. */
  redirectUris: string[];
  /** `scheme://host[:port]` origins allowed to call from a browser (appAccess.ts); empty = none. */
  allowedOrigins: string[];
  createdAt: number;
  updatedAt: number | null;
}

export interface AppSettings {
  ulord?: { requireSecretForDeveloperWallet?: boolean };
  /** Pi payments (spec/pi.md §8); absent members take the defaults of modules/payments `appPiSettings`. */
  pi?: { network?: string; a2uEnabled?: boolean; a2uMaxOpenPerApp?: number };
  /** YOYOW (spec/yoyow.md §2.2, §2.5, Appendix A); absent members take the node's `yoyow` settings or the spec's defaults. */
  yoyow?: {
    security_level?: 'simple' | 'standard';
    secure_ageing?: number;
    secure_future_skew?: number;
    replay_protection?: boolean;
    use_csaf?: boolean;
    to_balance?: boolean;
    wallet_url?: string;
    callback_url?: string;
    login_method?: 'post_json' | 'post_form' | 'get';
    /** Seed §5.4 profile: `login` is the scan-login callback URL (§4.27). */
    profile?: { login?: string; description?: string; image?: string; h5url?: string; packagename?: string; urlscheme?: string };
    /** Consent defaults: permission flags (255) and suggested `max_limit` (base units as decimal text; absent = unlimited). */
    consent_permission_flags?: number;
    consent_max_limit?: string;
    /** Per-operation fee overrides, base units (§5.4). */
    fees?: Record<string, number>;
  };
}

/** An app with its sealed secret, as read from the table (never leaves identity's callers unsealed by accident). */
export interface StoredApp extends App {
  secretEnc: string;
}

const COLUMNS = [
  'id',
  'developer_id',
  'name',
  'des',
  'type_id',
  'appkey',
  'secret_enc',
  'secret_hash',
  'status',
  'banned',
  'key_expires_at',
  'dialects',
  'settings',
  'redirect_uris',
  'allowed_origins',
  'created_at',
  'updated_at',
] as const;

type AppRow = {
  id: bigint | number;
  developer_id: bigint | number;
  name: string;
  des: string | null;
  type_id: bigint | number | null;
  appkey: string;
  secret_enc: string;
  secret_hash: string;
  status: 'live' | 'removed';
  banned: bigint | number;
  key_expires_at: bigint | number | null;
  dialects: string | null;
  settings: string | null;
  redirect_uris: string | null;
  allowed_origins: string | null;
  created_at: bigint | number;
  updated_at: bigint | number | null;
};

function toApp(r: AppRow): StoredApp {
  return {
    id: toNum(r.id),
    developerId: toNum(r.developer_id),
    name: r.name,
    des: r.des,
    typeId: toNumOrNull(r.type_id),
    appkey: r.appkey,
    status: r.status,
    banned: toBool(r.banned),
    keyExpiresAt: toNumOrNull(r.key_expires_at),
    dialects: r.dialects === null ? null : (JSON.parse(r.dialects) as string[]),
    settings: r.settings === null ? {} : (JSON.parse(r.settings) as AppSettings),
    redirectUris: r.redirect_uris === null ? [] : (JSON.parse(r.redirect_uris) as string[]),
    allowedOrigins: r.allowed_origins === null ? [] : (JSON.parse(r.allowed_origins) as string[]),
    createdAt: toNum(r.created_at),
    updatedAt: toNumOrNull(r.updated_at),
    secretEnc: r.secret_enc,
  };
}

export async function getApp(db: Db, id: number): Promise<StoredApp | null> {
  const r = await db.selectFrom('apps').select(COLUMNS).where('id', '=', id).executeTakeFirst();
  return r ? toApp(r) : null;
}

/** A live app by its appkey (removed apps' keys are unknown). */
/**
 * The one live app that registered `origin` (an exact `scheme://host[:port]`) among its allowed origins, or null when
 * none or several did: a page that names no app (the Pi SDK without `appKey`) is only ever matched unambiguously.
 */
export async function findAppByAllowedOrigin(db: Db, origin: string): Promise<StoredApp | null> {
  // The column is a JSON array of normalised origins; the LIKE narrows (an origin holds no `%`; a `_` only widens
  // it), the exact check below decides.
  const rows = await db
    .selectFrom('apps')
    .select(COLUMNS)
    .where('status', '=', 'live')
    .where('allowed_origins', 'like', `%${JSON.stringify(origin.toLowerCase())}%`)
    .execute();
  const matches = rows.map(toApp).filter((a) => a.allowedOrigins.includes(origin.toLowerCase()));
  return matches.length === 1 ? matches[0]! : null;
}

export async function getAppByKey(db: Db, appkey: string): Promise<StoredApp | null> {
  if (!/^[0-9a-f]{32}$/.test(appkey)) return null;
  const r = await db.selectFrom('apps').select(COLUMNS).where('appkey', '=', appkey).where('status', '=', 'live').executeTakeFirst();
  return r ? toApp(r) : null;
}

/** A live app by its secret: looked up by SHA-256, then compared in constant time. */
export async function getAppBySecret(db: Db, secret: string): Promise<StoredApp | null> {
  if (secret.length === 0 || secret.length > 256) return null;
  const hash = sha256Hex(secret);
  const r = await db.selectFrom('apps').select(COLUMNS).where('secret_hash', '=', hash).where('status', '=', 'live').executeTakeFirst();
  return r && safeEqual(r.secret_hash, hash) ? toApp(r) : null;
}

/** Live apps of a developer, ascending id. */
export async function listApps(db: Db, developerId: number): Promise<StoredApp[]> {
  const rows = await db.selectFrom('apps').select(COLUMNS).where('developer_id', '=', developerId).where('status', '=', 'live').orderBy('id', 'asc').execute();
  return rows.map(toApp);
}

export function revealAppSecret(box: SecretBox, app: StoredApp): string {
  return box.open(app.secretEnc, APP_SECRET_PURPOSE);
}

function newSecretColumns(box: SecretBox): { secret: string; secret_enc: string; secret_hash: string } {
  const secret = randomHex(16);
  return { secret, secret_enc: box.seal(secret, APP_SECRET_PURPOSE), secret_hash: sha256Hex(secret) };
}

/**
 * Creates an app for `developerId` and opens its wallet. Order: `developer_not_found`, `type_not_found`,
 * `app_name_taken`, `wallet_unavailable`.
 */
export async function createApp(
  trx: Db,
  input: { developerId: number; name: string; des?: string | null; typeId?: number | null },
  deps: IdentityDeps,
): Promise<{ app: App; secret: string }> {
  if (!(await getDeveloper(trx, input.developerId))) throw new IdentityError('developer_not_found');
  const typeId = input.typeId ?? null;
  if (typeId !== null && !(await getAppType(trx, typeId))) throw new IdentityError('type_not_found');
  if (await liveNameTaken(trx, input.developerId, input.name)) throw new IdentityError('app_name_taken');
  const id = await allocateUid(trx, 'app', deps.clock);
  const { secret, secret_enc, secret_hash } = newSecretColumns(deps.box);
  try {
    await trx
      .insertInto('apps')
      .values({
        id,
        developer_id: input.developerId,
        name: input.name,
        name_lower: input.name.toLowerCase(),
        des: input.des ?? null,
        type_id: typeId,
        appkey: randomHex(16),
        secret_enc,
        secret_hash,
        status: 'live',
        banned: 0,
        key_expires_at: null,
        dialects: null,
        created_at: deps.clock.now(),
        updated_at: null,
        removed_at: null,
      })
      .execute();
  } catch (err) {
    if (isUniqueViolation(err)) throw new IdentityError('app_name_taken');
    throw err;
  }
  await openWallet(trx, { kind: 'app', id: String(id) }, deps);
  const app = (await getApp(trx, id))!;
  return { app: publicApp(app), secret };
}

async function liveNameTaken(db: Db, developerId: number, name: string): Promise<boolean> {
  const r = await db
    .selectFrom('apps')
    .select('id')
    .where('developer_id', '=', developerId)
    .where('name_lower', '=', name.toLowerCase())
    .where('status', '=', 'live')
    .executeTakeFirst();
  return r !== undefined;
}

function publicApp(app: StoredApp): App {
  const { secretEnc: _sealed, ...rest } = app;
  return rest;
}

/** Replaces the secret of a live app at once (every dialect sees the new one); sets `updatedAt`. */
export async function rotateAppSecret(trx: Db, appId: number, deps: Pick<IdentityDeps, 'box' | 'clock'>): Promise<string> {
  const { secret, secret_enc, secret_hash } = newSecretColumns(deps.box);
  const r = await trx
    .updateTable('apps')
    .set({ secret_enc, secret_hash, updated_at: deps.clock.now() })
    .where('id', '=', appId)
    .where('status', '=', 'live')
    .executeTakeFirst();
  if (Number(r.numUpdatedRows) !== 1) throw new IdentityError('app_not_found');
  return secret;
}

/** Marks a live app removed; false when no live app has that id. */
export async function removeApp(trx: Db, appId: number, deps: Pick<IdentityDeps, 'clock'>): Promise<boolean> {
  const now = deps.clock.now();
  const r = await trx
    .updateTable('apps')
    .set({ status: 'removed', removed_at: now, updated_at: now })
    .where('id', '=', appId)
    .where('status', '=', 'live')
    .executeTakeFirst();
  if (Number(r.numUpdatedRows) !== 1) return false;
  await revokeLiveuserAppSessions(trx, appId, deps.clock);
  return true;
}

// ---- The same operations on behalf of a developer, with the ownership rules (Ulord §3.3). ----

/** Whose apps `actor` names: itself by default; another developer only when `actor` is an admin. */
async function resolveOwner(db: Db, actor: Developer, userId: number | undefined): Promise<number> {
  if (userId === undefined || userId === actor.id) return actor.id;
  if (!actor.isAdmin) throw new IdentityError('forbidden', 'not your account');
  if (!(await getDeveloper(db, userId))) throw new IdentityError('developer_not_found');
  return userId;
}

/** M12. Order: `forbidden`, `developer_not_found`/`type_not_found`, `app_name_taken`. */
export async function createAppAs(
  trx: Db,
  actor: Developer,
  input: { userId?: number; name: string; des?: string | null; typeId: number | null },
  deps: IdentityDeps,
): Promise<{ app: App; secret: string }> {
  const developerId = await resolveOwner(trx, actor, input.userId);
  return createApp(trx, { developerId, name: input.name, des: input.des ?? null, typeId: input.typeId }, deps);
}

/** M13: the live apps of `userId` (default: the actor) with their secrets unsealed. */
export async function listAppsAs(db: Db, actor: Developer, userId: number | undefined, box: SecretBox): Promise<Array<App & { secret: string }>> {
  const developerId = await resolveOwner(db, actor, userId);
  const apps = await listApps(db, developerId);
  return apps.map((a) => ({ ...publicApp(a), secret: revealAppSecret(box, a) }));
}

/** A live app `actor` may manage: `app_not_found`, then `forbidden` (not the owner and not an admin). */
export async function ownedLiveApp(db: Db, actor: Developer, appId: number): Promise<StoredApp> {
  const app = await getApp(db, appId);
  if (!app || app.status !== 'live') throw new IdentityError('app_not_found');
  if (app.developerId !== actor.id && !actor.isAdmin) throw new IdentityError('forbidden', 'not your app');
  return app;
}

/** M14. `userId`, when given, must be the actor (admins exempt). Order: `app_not_found`, `forbidden`. */
export async function rotateAppSecretAs(trx: Db, actor: Developer, input: { appId: number; userId?: number }, deps: IdentityDeps): Promise<string> {
  await ownedLiveApp(trx, actor, input.appId);
  if (input.userId !== undefined && input.userId !== actor.id && !actor.isAdmin) throw new IdentityError('forbidden', 'not your account');
  return rotateAppSecret(trx, input.appId, deps);
}

/** M15: false when no live app has that id; `forbidden` when it is not the actor's (admins may act). */
export async function removeAppAs(trx: Db, actor: Developer, appId: number, deps: Pick<IdentityDeps, 'clock'>): Promise<boolean> {
  const app = await getApp(trx, appId);
  if (!app || app.status !== 'live') return false;
  if (app.developerId !== actor.id && !actor.isAdmin) throw new IdentityError('forbidden', 'not your app');
  return removeApp(trx, appId, deps);
}
