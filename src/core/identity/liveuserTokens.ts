// liveuser access and refresh tokens (spec/liveuser.md §7.1): `lu_at_` / `lu_rt_` + 43 base64url characters
// (32 CSPRNG bytes), stored as SHA-256 and compared in constant time. Each Wx.Login starts a session family; at most
// `maxFamilies` live families per (app, user), the oldest revoked first. RenewToken rotates (the presented refresh
// token is marked used by a conditional update, a new pair is issued in the same family); for `graceSeconds` after a
// rotation the rotated token replays that rotation's answer — kept sealed under the master key only for the window —,
// after it the whole family is revoked (`reused`). With rotation off the refresh token is returned unchanged and each
// use restarts its lifetime.
//
// Storage decision: the tokens are rows of the shared `user_tokens` (kind 'liveuser', under a grant of kind
// 'liveuser' for the (app, user)), not a table of their own. That way everything identity already does to tokens
// applies unchanged: disabling a user revokes them (users.ts), the user revoking the app on the account page revokes
// them (grants.ts), and the periodic purge removes dead ones while a live family keeps its rotated tokens
// (userTokens.ts). What `user_tokens` cannot hold lives beside it in 0011: `liveuser_families` (the family limit,
// the family → WeChat identity link that gives a token its `uid`) and `liveuser_replays` (the sealed answer of a
// rotation, deleted after the window). Kinds never cross: every lookup here requires kind 'liveuser' and the
// prefix, and other dialects look up their own kind (Pi: 'pi'), so a token of one dialect never authenticates in
// another.
import { randomBytes, randomUUID } from 'node:crypto';
import { sql, type Transaction } from 'kysely';
import type { Clock } from '../clock.js';
import type { SecretBox } from '../crypto/secretbox.js';
import { safeEqual, sha256Hex } from '../crypto/tokens.js';
import { isPostgres } from '../ledger/rows.js';
import type { DB } from '../../db/schema.js';
import { toNum } from '../../db/values.js';
import { getApp, type StoredApp } from './apps.js';
import type { Db } from './deps.js';
import { upsertGrant } from './grants.js';
import { getUser, type User } from './users.js';
import { upsertWechatIdentity, type WechatLogin } from './wechatIdentities.js';

export const LIVEUSER_TOKEN_KIND = 'liveuser';
export const ACCESS_PREFIX = 'lu_at_';
export const REFRESH_PREFIX = 'lu_rt_';
const TOKEN_SHAPE = /^lu_(at|rt)_[A-Za-z0-9_-]{43}$/;
/** Stands for "never" in `expires_at` (refresh lifetime 0): 9999-12-31, exact on both stores. */
const NEVER_MS = 253_402_300_799_000;
const REPLAY_PURPOSE = 'liveuser.rotation';

export interface LiveuserTokenSettings {
  accessTokenTtlSeconds: number;
  /** 0 = refresh tokens never expire. */
  refreshTokenTtlSeconds: number;
  refreshGraceSeconds: number;
  refreshRotation: boolean;
  maxFamiliesPerUser: number;
}

export interface TokenDeps {
  clock: Clock;
  box: SecretBox;
}

/** What Wx.Login and Wx.RenewToken answer: `expiry` in unix seconds. */
export interface IssuedTokens {
  accessToken: string;
  refreshToken: string;
  expiry: number;
}

/** The parties a live access token stands for. `uid` is the openid of the family's WeChat identity. */
export interface LiveuserSession {
  tokenId: number;
  familyId: string;
  app: StoredApp;
  user: User;
  identityId: number;
  uid: string;
}

function newToken(prefix: string): string {
  return prefix + randomBytes(32).toString('base64url');
}

function refreshExpiry(now: number, settings: LiveuserTokenSettings): number {
  return settings.refreshTokenTtlSeconds === 0 ? NEVER_MS : now + settings.refreshTokenTtlSeconds * 1000;
}

async function insertTokens(
  trx: Transaction<DB>,
  family: { id: string; appId: number; userId: number; grantId: number },
  tokens: Array<{ hash: string; type: 'access' | 'refresh'; expiresAt: number }>,
  now: number,
): Promise<void> {
  await trx
    .insertInto('user_tokens')
    .values(
      tokens.map((t) => ({
        token_hash: t.hash,
        token_type: t.type,
        kind: LIVEUSER_TOKEN_KIND,
        app_id: family.appId,
        user_id: family.userId,
        grant_id: family.grantId,
        scopes: '[]',
        family_id: family.id,
        expires_at: t.expiresAt,
        used_at: null,
        revoked_at: null,
        created_at: now,
      })),
    )
    .execute();
}

/** A new access token in the family (and a new refresh token unless `keepRefresh` names the one to hand back). */
async function issueInFamily(
  trx: Transaction<DB>,
  family: { id: string; appId: number; userId: number; grantId: number },
  settings: LiveuserTokenSettings,
  clock: Clock,
  keepRefresh?: string,
): Promise<IssuedTokens> {
  const now = clock.now();
  // §7.1: expiry = issue second + TTL, and the token is invalid from that second on.
  const expiry = Math.floor(now / 1000) + settings.accessTokenTtlSeconds;
  const accessToken = newToken(ACCESS_PREFIX);
  const rows: Array<{ hash: string; type: 'access' | 'refresh'; expiresAt: number }> = [{ hash: sha256Hex(accessToken), type: 'access', expiresAt: expiry * 1000 }];
  const refreshToken = keepRefresh ?? newToken(REFRESH_PREFIX);
  if (keepRefresh === undefined) rows.push({ hash: sha256Hex(refreshToken), type: 'refresh', expiresAt: refreshExpiry(now, settings) });
  await insertTokens(trx, family, rows, now);
  return { accessToken, refreshToken, expiry };
}

/** Revokes a family: the family row, every token issued in it, and any replay it still keeps. */
export async function revokeLiveuserFamily(trx: Db, familyId: string, clock: Clock): Promise<void> {
  const now = clock.now();
  await trx.updateTable('liveuser_families').set({ revoked_at: now }).where('id', '=', familyId).where('revoked_at', 'is', null).execute();
  await trx.updateTable('user_tokens').set({ revoked_at: now }).where('family_id', '=', familyId).where('revoked_at', 'is', null).execute();
  await trx.deleteFrom('liveuser_replays').where('family_id', '=', familyId).execute();
}

/** Operator action, app disabled: every family of `userId` in `appId`. Returns how many were live. */
export async function revokeLiveuserSessions(trx: Db, appId: number, userId: number, clock: Clock): Promise<number> {
  const families = await trx.selectFrom('liveuser_families').select('id').where('app_id', '=', appId).where('user_id', '=', userId).where('revoked_at', 'is', null).execute();
  for (const f of families) await revokeLiveuserFamily(trx, f.id, clock);
  return families.length;
}

/**
 * App disabled (§7.1 "other revocation"): every family in `appId`. A disabled app's tokens are refused on every use
 * anyway (403 `app disabled`); calling this when an app is banned or removed makes the refusal permanent, so
 * re-enabling the app never revives an old session. Returns how many families were live.
 */
export async function revokeLiveuserAppSessions(trx: Db, appId: number, clock: Clock): Promise<number> {
  const families = await trx.selectFrom('liveuser_families').select('id').where('app_id', '=', appId).where('revoked_at', 'is', null).execute();
  for (const f of families) await revokeLiveuserFamily(trx, f.id, clock);
  return families.length;
}

/**
 * Families of (app, user) that still hold a usable refresh token, newest first. A family whose tokens were all
 * revoked elsewhere (user disabled, grant revoked) or have expired does not count toward the limit.
 */
async function liveFamilies(trx: Transaction<DB>, appId: number, userId: number, now: number): Promise<string[]> {
  const rows = await trx
    .selectFrom('liveuser_families as f')
    .select('f.id')
    .where('f.app_id', '=', appId)
    .where('f.user_id', '=', userId)
    .where('f.revoked_at', 'is', null)
    .where((eb) =>
      eb.exists(
        eb
          .selectFrom('user_tokens as t')
          .select('t.id')
          .whereRef('t.family_id', '=', 'f.id')
          .where('t.token_type', '=', 'refresh')
          .where('t.used_at', 'is', null)
          .where('t.revoked_at', 'is', null)
          .where('t.expires_at', '>', now),
      ),
    )
    .orderBy('f.seq', 'desc')
    .limit(1000)
    .execute();
  return rows.map((r) => r.id);
}

/**
 * Wx.Login step 6: a new family for the identity's user in the app, with its first access and refresh token; the
 * (app, user) grant of kind 'liveuser' is created or renewed (a WeChat login is the user's consent). Families beyond
 * the limit, oldest first, are revoked. On PostgreSQL the user row is locked so concurrent logins count in turn.
 */
export async function startLiveuserFamily(
  trx: Transaction<DB>,
  input: { appId: number; userId: number; identityId: number },
  settings: LiveuserTokenSettings,
  clock: Clock,
): Promise<IssuedTokens> {
  if (isPostgres(trx)) await sql`select id from end_users where id = ${input.userId} for update`.execute(trx);
  const grant = await upsertGrant(trx, { appId: input.appId, userId: input.userId, kind: LIVEUSER_TOKEN_KIND, scopes: [] }, clock);
  const now = clock.now();
  const family = { id: randomUUID(), appId: input.appId, userId: input.userId, grantId: grant.id };
  await trx.insertInto('liveuser_families').values({ id: family.id, app_id: input.appId, user_id: input.userId, identity_id: input.identityId, created_at: now, revoked_at: null }).execute();
  const issued = await issueInFamily(trx, family, settings, clock);
  const live = await liveFamilies(trx, input.appId, input.userId, now);
  for (const old of live.slice(Math.max(1, settings.maxFamiliesPerUser))) await revokeLiveuserFamily(trx, old, clock);
  return issued;
}

/**
 * Wx.Login steps 5–6 (§6.3) after a successful code2Session, in the caller's transaction: the WeChat identity is
 * found or created (wechatIdentities.ts), then a new family starts. A disabled user gets no tokens.
 */
export async function loginLiveuser(
  trx: Transaction<DB>,
  input: { appId: number; login: WechatLogin },
  settings: LiveuserTokenSettings,
  deps: TokenDeps,
): Promise<{ kind: 'ok'; tokens: IssuedTokens; uid: string } | { kind: 'user_disabled' }> {
  const { identity, user } = await upsertWechatIdentity(trx, input.login, deps);
  if (user.disabled) return { kind: 'user_disabled' };
  const tokens = await startLiveuserFamily(trx, { appId: input.appId, userId: user.id, identityId: identity.id }, settings, deps.clock);
  return { kind: 'ok', tokens, uid: identity.openid };
}

const TOKEN_COLUMNS = ['id', 'token_hash', 'token_type', 'kind', 'app_id', 'user_id', 'grant_id', 'family_id', 'expires_at', 'used_at', 'revoked_at'] as const;

async function findToken(db: Db, token: string, type: 'access' | 'refresh') {
  const expectedPrefix = type === 'access' ? ACCESS_PREFIX : REFRESH_PREFIX;
  if (!TOKEN_SHAPE.test(token) || !token.startsWith(expectedPrefix)) return undefined;
  const hash = sha256Hex(token);
  const row = await db.selectFrom('user_tokens').select(TOKEN_COLUMNS).where('token_hash', '=', hash).executeTakeFirst();
  if (!row || !safeEqual(row.token_hash, hash)) return undefined;
  return row.token_type === type && row.kind === LIVEUSER_TOKEN_KIND && row.family_id !== null ? { ...row, family_id: row.family_id } : undefined;
}

export type AccessFailure = 'invalid_token' | 'token_expired' | 'wrong_app' | 'user_disabled' | 'token_revoked';

/**
 * §3.2 for a presented access token, in this order: unknown (or not a liveuser access token) → `invalid_token`;
 * `now ≥ expiry` → `token_expired`; issued by another app than the one the request names (`namedAppkey`, null when
 * none) → `wrong_app`; its user disabled → `user_disabled`; revoked → `token_revoked`. The user check comes before
 * the revocation check because disabling a user also revokes its tokens: the disabled user is then told why (403),
 * and after re-enabling the old tokens stay revoked (401). Whether the app may be served is the caller's next step.
 */
export async function authenticateLiveuserAccess(
  db: Db,
  token: string,
  namedAppkey: string | null,
  clock: Clock,
): Promise<{ ok: true; session: LiveuserSession } | { ok: false; failure: AccessFailure }> {
  const row = await findToken(db, token, 'access');
  if (!row) return { ok: false, failure: 'invalid_token' };
  if (clock.now() >= toNum(row.expires_at)) return { ok: false, failure: 'token_expired' };
  const app = await getApp(db, toNum(row.app_id));
  if (!app) return { ok: false, failure: 'invalid_token' };
  if (namedAppkey !== null && namedAppkey !== app.appkey) return { ok: false, failure: 'wrong_app' };
  const user = await getUser(db, toNum(row.user_id));
  if (!user) return { ok: false, failure: 'invalid_token' };
  if (user.disabled) return { ok: false, failure: 'user_disabled' };
  if (row.revoked_at !== null) return { ok: false, failure: 'token_revoked' };
  const family = await db
    .selectFrom('liveuser_families as f')
    .innerJoin('wechat_identities as i', 'i.id', 'f.identity_id')
    .select(['f.revoked_at', 'i.id as identity_id', 'i.openid'])
    .where('f.id', '=', row.family_id)
    .executeTakeFirst();
  if (!family) return { ok: false, failure: 'invalid_token' };
  if (family.revoked_at !== null) return { ok: false, failure: 'token_revoked' };
  return { ok: true, session: { tokenId: toNum(row.id), familyId: row.family_id, app, user, identityId: toNum(family.identity_id), uid: family.openid } };
}

export type RenewResult =
  | { kind: 'renewed'; tokens: IssuedTokens }
  /** The identical answer of the rotation that consumed this token (grace window). */
  | { kind: 'replayed'; tokens: IssuedTokens }
  | { kind: 'invalid' }
  /** The family was revoked here: the caller must COMMIT so the revocation holds. */
  | { kind: 'reused' }
  | { kind: 'user_disabled' };

async function loadReplay(trx: Transaction<DB>, tokenId: number, now: number, box: SecretBox): Promise<IssuedTokens | null> {
  const r = await trx.selectFrom('liveuser_replays').select(['response_enc', 'expires_at']).where('token_id', '=', tokenId).executeTakeFirst();
  if (!r || toNum(r.expires_at) < now) return null;
  return JSON.parse(box.open(r.response_enc, REPLAY_PURPOSE)) as IssuedTokens;
}

/** A rotated token presented again: the replay within the window, else reuse (family revoked). */
async function presentedAgain(
  trx: Transaction<DB>,
  row: { id: bigint | number; family_id: string; used_at: bigint | number; expires_at: bigint | number },
  settings: LiveuserTokenSettings,
  deps: TokenDeps,
): Promise<RenewResult> {
  const now = deps.clock.now();
  if (now - toNum(row.used_at) <= settings.refreshGraceSeconds * 1000) {
    const replay = await loadReplay(trx, toNum(row.id), now, deps.box);
    return replay ? { kind: 'replayed', tokens: replay } : { kind: 'invalid' };
  }
  if (toNum(row.expires_at) <= now) return { kind: 'invalid' };
  await revokeLiveuserFamily(trx, row.family_id, deps.clock);
  return { kind: 'reused' };
}

/**
 * Wx.RenewToken (§6.4, §7.1) for the app the request selected. `invalid` covers unknown, expired, revoked, of
 * another app, and a rotated token under rotation off. Of two concurrent renewals with one token exactly one
 * rotates (conditional update on `used_at`); the other, once the first committed, gets its replay.
 */
export async function renewLiveuserTokens(trx: Transaction<DB>, input: { appId: number; refreshToken: string }, settings: LiveuserTokenSettings, deps: TokenDeps): Promise<RenewResult> {
  const row = await findToken(trx, input.refreshToken, 'refresh');
  if (!row || toNum(row.app_id) !== input.appId) return { kind: 'invalid' };
  const user = await getUser(trx, toNum(row.user_id));
  if (!user) return { kind: 'invalid' };
  if (user.disabled) return { kind: 'user_disabled' };
  if (row.revoked_at !== null) return { kind: 'invalid' };
  const now = deps.clock.now();
  const family = { id: row.family_id, appId: input.appId, userId: user.id, grantId: toNum(row.grant_id) };

  if (!settings.refreshRotation) {
    // The original's behaviour: the same refresh token, a new access token; each use restarts the lifetime.
    if (row.used_at !== null || toNum(row.expires_at) <= now) return { kind: 'invalid' };
    const r = await trx
      .updateTable('user_tokens')
      .set({ expires_at: refreshExpiry(now, settings) })
      .where('id', '=', row.id)
      .where('revoked_at', 'is', null)
      .where('used_at', 'is', null)
      .executeTakeFirst();
    if (Number(r.numUpdatedRows) !== 1) return { kind: 'invalid' };
    return { kind: 'renewed', tokens: await issueInFamily(trx, family, settings, deps.clock, input.refreshToken) };
  }

  if (row.used_at !== null) return presentedAgain(trx, { ...row, used_at: row.used_at }, settings, deps);
  if (toNum(row.expires_at) <= now) return { kind: 'invalid' };
  const claimed = await trx
    .updateTable('user_tokens')
    .set({ used_at: now })
    .where('id', '=', row.id)
    .where('used_at', 'is', null)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  if (Number(claimed.numUpdatedRows) !== 1) {
    // Lost the race to a concurrent renewal (committed by now): answer as a re-presentation.
    const again = await trx.selectFrom('user_tokens').select(['id', 'used_at', 'revoked_at', 'expires_at']).where('id', '=', row.id).executeTakeFirst();
    if (!again || again.revoked_at !== null || again.used_at === null) return { kind: 'invalid' };
    return presentedAgain(trx, { id: again.id, family_id: row.family_id, used_at: again.used_at, expires_at: again.expires_at }, settings, deps);
  }
  const tokens = await issueInFamily(trx, family, settings, deps.clock);
  await trx
    .insertInto('liveuser_replays')
    .values({ token_id: row.id, family_id: row.family_id, response_enc: deps.box.seal(JSON.stringify(tokens), REPLAY_PURPOSE), expires_at: now + settings.refreshGraceSeconds * 1000 })
    .execute();
  return { kind: 'renewed', tokens };
}

/** Deletes replays whose grace window ended (the sealed answers must not outlive it). Returns how many went. */
export async function purgeLiveuserReplays(db: Db, clock: Clock): Promise<number> {
  const r = await db.deleteFrom('liveuser_replays').where('expires_at', '<', clock.now()).executeTakeFirst();
  return Number(r.numDeletedRows);
}
