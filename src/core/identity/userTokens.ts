// Tokens users' grants give apps, all in `user_tokens`, bound to (app, user, grant, scopes, kind):
// * access: 32 CSPRNG bytes (base64url), SHA-256 stored, valid until expiry;
// * refresh: the same shape, rotated on every use within a family (`family_id`). Reuse detection (RFC 6819
//   §5.2.2.3, OAuth 2.0 Security BCP §4.14): presenting a refresh token that was already rotated revokes the whole
//   family — every refresh and access token issued from it — and answers `reused`. Grace window: within `graceMs`
//   after its rotation, a re-presented token is tolerated — it answers `invalid` and revokes nothing — because that
//   is what a client that lost the response, or two tabs refreshing at once, look like; the client that got the new
//   pair keeps working. After the window, a re-presentation is reuse.
// * login: Kamiya's one-time login token `XXXXX-XXXXX` ([0-9A-Z], CSPRNG with rejection sampling, ~51.7 bits),
//   stored as HMAC-SHA256 under a key derived from the master key (a short code stored as a plain SHA-256 would be
//   brute-forced offline from a database dump), valid 600 s, redeemed once by the app it was issued for.
//
// A token works only while its grant is live, its user enabled and its app live and not banned: these are checked
// on every use (and revoking a grant or disabling a user also revokes the rows), so each takes effect at once.
import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { derivedKey } from '../crypto/derive.js';
import type { Clock } from '../clock.js';
import { newToken, safeEqual, sha256Hex } from '../crypto/tokens.js';
import { toNum } from '../../db/values.js';
import { getApp, type App } from './apps.js';
import type { Db } from './deps.js';
import { getGrant, type Grant } from './grants.js';
import { getUser, type User } from './users.js';

export interface AccessTokenInfo {
  tokenId: number;
  user: User;
  app: App;
  grant: Grant;
  scopes: string[];
  kind: string;
  expiresAt: number;
}

export const LOGIN_TOKEN_TTL_MS = 600_000;
const LOGIN_TOKEN_INFO = 'plaza.kamiya.login-token';
const LOGIN_ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const LOGIN_TOKEN_PATTERN = /^[0-9A-Z]{5}-[0-9A-Z]{5}$/;
const MAX_TOKEN_LENGTH = 256;

type TokenType = 'access' | 'refresh' | 'login';

async function insertToken(
  trx: Db,
  input: { hash: string; type: TokenType; grant: Grant; scopes: string[]; kind: string; familyId: string | null; expiresAt: number },
  now: number,
): Promise<void> {
  await trx
    .insertInto('user_tokens')
    .values({
      token_hash: input.hash,
      token_type: input.type,
      kind: input.kind,
      app_id: input.grant.appId,
      user_id: input.grant.userId,
      grant_id: input.grant.id,
      scopes: JSON.stringify(input.scopes),
      family_id: input.familyId,
      expires_at: input.expiresAt,
      used_at: null,
      revoked_at: null,
      created_at: now,
    })
    .execute();
}

function ttlMs(ttlSeconds: number): number {
  if (!Number.isFinite(ttlSeconds) || ttlSeconds <= 0) throw new RangeError(`token ttl must be > 0 s, got ${ttlSeconds}`);
  return Math.floor(ttlSeconds * 1000);
}

/**
 * A new access token under a live grant. `familyId` ties it to a refresh family, so reuse of that family's refresh
 * token revokes it too (optional; rotation sets it).
 */
export async function issueAccessToken(
  trx: Db,
  input: { grant: Grant; scopes: string[]; kind: string; ttlSeconds: number; familyId?: string | null },
  clock: Clock,
): Promise<{ token: string; expiresAt: number }> {
  const token = newToken();
  const now = clock.now();
  const expiresAt = now + ttlMs(input.ttlSeconds);
  await insertToken(trx, { hash: sha256Hex(token), type: 'access', grant: input.grant, scopes: input.scopes, kind: input.kind, familyId: input.familyId ?? null, expiresAt }, now);
  return { token, expiresAt };
}

const TOKEN_COLUMNS = ['id', 'token_hash', 'token_type', 'kind', 'app_id', 'user_id', 'grant_id', 'scopes', 'family_id', 'expires_at', 'used_at', 'revoked_at'] as const;

async function findToken(db: Db, hash: string, type: TokenType) {
  const row = await db.selectFrom('user_tokens').select(TOKEN_COLUMNS).where('token_hash', '=', hash).executeTakeFirst();
  return row && row.token_type === type && safeEqual(row.token_hash, hash) ? row : undefined;
}

/** Grant live, user enabled, app live and not banned: the parties a token stands for, or null. */
async function liveParties(db: Db, grantId: number): Promise<{ grant: Grant; user: User; app: App } | null> {
  const grant = await getGrant(db, grantId);
  if (!grant || grant.revokedAt !== null) return null;
  const user = await getUser(db, grant.userId);
  if (!user || user.disabled) return null;
  const stored = await getApp(db, grant.appId);
  if (!stored || stored.status !== 'live' || stored.banned) return null;
  const { secretEnc: _sealed, ...app } = stored;
  return { grant, user, app };
}

/**
 * The parties of a live access token; null when unknown, of another `kind` (when given), expired, revoked, or its
 * grant revoked, its user disabled, its app removed or banned.
 */
export async function authenticateAccessToken(db: Db, token: string, clock: Clock, kind?: string): Promise<AccessTokenInfo | null> {
  if (token.length === 0 || token.length > MAX_TOKEN_LENGTH) return null;
  const row = await findToken(db, sha256Hex(token), 'access');
  if (!row || row.revoked_at !== null || toNum(row.expires_at) <= clock.now()) return null;
  if (kind !== undefined && row.kind !== kind) return null;
  const parties = await liveParties(db, toNum(row.grant_id));
  if (!parties) return null;
  return { tokenId: toNum(row.id), ...parties, scopes: JSON.parse(row.scopes) as string[], kind: row.kind, expiresAt: toNum(row.expires_at) };
}

/** A new refresh token, opening a family unless `familyId` continues one. */
export async function issueRefreshToken(
  trx: Db,
  input: { grant: Grant; scopes: string[]; kind: string; ttlSeconds: number; familyId?: string },
  clock: Clock,
): Promise<{ token: string; expiresAt: number; familyId: string }> {
  const token = newToken();
  const now = clock.now();
  const expiresAt = now + ttlMs(input.ttlSeconds);
  const familyId = input.familyId ?? randomUUID();
  await insertToken(trx, { hash: sha256Hex(token), type: 'refresh', grant: input.grant, scopes: input.scopes, kind: input.kind, familyId, expiresAt }, now);
  return { token, expiresAt, familyId };
}

export type RotateResult =
  | { kind: 'rotated'; access: { token: string; expiresAt: number }; refresh: { token: string; expiresAt: number }; grant: Grant; scopes: string[] }
  | { kind: 'reused' }
  | { kind: 'invalid' };

/** Revokes every live token of a refresh family (refresh and access). */
export async function revokeTokenFamily(trx: Db, familyId: string, clock: Clock): Promise<number> {
  const r = await trx.updateTable('user_tokens').set({ revoked_at: clock.now() }).where('family_id', '=', familyId).where('revoked_at', 'is', null).executeTakeFirst();
  return Number(r.numUpdatedRows);
}

/**
 * Exchanges a refresh token for a new access + refresh pair in the same family (same scopes and kind). `reused`
 * means the family was revoked here: the caller must COMMIT the transaction (not roll it back) so the revocation
 * holds. Of two concurrent rotations of one token exactly one wins (conditional update on `used_at`); the other
 * is within the grace window and answers `invalid`.
 */
export async function rotateRefreshToken(
  trx: Db,
  token: string,
  clock: Clock,
  opts: { graceMs: number; accessTtlSeconds: number; refreshTtlSeconds: number },
): Promise<RotateResult> {
  if (token.length === 0 || token.length > MAX_TOKEN_LENGTH) return { kind: 'invalid' };
  const row = await findToken(trx, sha256Hex(token), 'refresh');
  if (!row || row.revoked_at !== null) return { kind: 'invalid' };
  const now = clock.now();
  if (row.used_at !== null) {
    if (now - toNum(row.used_at) <= Math.max(0, opts.graceMs)) return { kind: 'invalid' };
    if (row.family_id !== null) await revokeTokenFamily(trx, row.family_id, clock);
    return { kind: 'reused' };
  }
  if (toNum(row.expires_at) <= now) return { kind: 'invalid' };
  const parties = await liveParties(trx, toNum(row.grant_id));
  if (!parties) return { kind: 'invalid' };
  const r = await trx
    .updateTable('user_tokens')
    .set({ used_at: now })
    .where('id', '=', row.id)
    .where('used_at', 'is', null)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  if (Number(r.numUpdatedRows) !== 1) return { kind: 'invalid' };
  const scopes = JSON.parse(row.scopes) as string[];
  const familyId = row.family_id ?? randomUUID();
  const access = await issueAccessToken(trx, { grant: parties.grant, scopes, kind: row.kind, ttlSeconds: opts.accessTtlSeconds, familyId }, clock);
  const refresh = await issueRefreshToken(trx, { grant: parties.grant, scopes, kind: row.kind, ttlSeconds: opts.refreshTtlSeconds, familyId }, clock);
  return { kind: 'rotated', access, refresh: { token: refresh.token, expiresAt: refresh.expiresAt }, grant: parties.grant, scopes };
}

/** The HMAC key of login tokens: HKDF-SHA256 of the master key (no salt), info `plaza.kamiya.login-token`. */
export function loginTokenKey(masterKey: Buffer): Buffer {
  return derivedKey(masterKey, LOGIN_TOKEN_INFO);
}

function loginTokenHash(token: string, key: Buffer): string {
  return createHmac('sha256', key).update(token, 'utf8').digest('hex');
}

/** 10 characters of [0-9A-Z] from the CSPRNG: bytes >= 252 are rejected so every character is equally likely. */
export function newLoginToken(): string {
  const out: string[] = [];
  while (out.length < 10) {
    for (const b of randomBytes(16)) {
      if (b < 252 && out.length < 10) out.push(LOGIN_ALPHABET[b % 36]!);
    }
  }
  return `${out.slice(0, 5).join('')}-${out.slice(5).join('')}`;
}

/** A one-time login token for the grant's app and user, valid 600 s. */
export async function issueLoginToken(trx: Db, input: { grant: Grant }, clock: Clock, key: Buffer): Promise<{ token: string; expiresAt: number }> {
  const token = newLoginToken();
  const now = clock.now();
  const expiresAt = now + LOGIN_TOKEN_TTL_MS;
  await insertToken(trx, { hash: loginTokenHash(token, key), type: 'login', grant: input.grant, scopes: input.grant.scopes, kind: input.grant.kind, familyId: null, expiresAt }, now);
  return { token, expiresAt };
}

/**
 * Redeems a login token for `appId` (the caller normalises it: trimmed, upper-cased). Null when malformed, unknown,
 * issued for another app (that token is left untouched and stays usable by its own app), expired, already used,
 * revoked, or its grant / user / app no longer live. The redemption is a conditional update, so of any number of
 * concurrent redeemers exactly one gets the user.
 */
export async function redeemLoginToken(trx: Db, input: { appId: number; token: string }, clock: Clock, key: Buffer): Promise<User | null> {
  if (!LOGIN_TOKEN_PATTERN.test(input.token)) return null;
  const row = await findToken(trx, loginTokenHash(input.token, key), 'login');
  if (!row || toNum(row.app_id) !== input.appId) return null;
  const now = clock.now();
  if (row.used_at !== null || row.revoked_at !== null || toNum(row.expires_at) <= now) return null;
  const parties = await liveParties(trx, toNum(row.grant_id));
  if (!parties || parties.app.id !== input.appId) return null;
  const r = await trx
    .updateTable('user_tokens')
    .set({ used_at: now })
    .where('id', '=', row.id)
    .where('app_id', '=', input.appId)
    .where('used_at', 'is', null)
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', now)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1 ? parties.user : null;
}

/**
 * Deletes dead token rows; returns how many went. An expired row goes unless its refresh family still holds a live
 * (unexpired, unrevoked) token: the rotated refresh tokens of a live family are what reuse detection looks up, so
 * they stay until the whole family is dead. A redeemed login token goes at once (it can never be used again).
 */
export async function purgeExpiredUserTokens(db: Db, clock: Clock): Promise<number> {
  const now = clock.now();
  const r = await db
    .deleteFrom('user_tokens')
    .where((eb) =>
      eb.or([
        eb.and([eb('token_type', '=', 'login'), eb('used_at', 'is not', null)]),
        eb.and([
          eb('expires_at', '<=', now),
          eb.or([
            eb('family_id', 'is', null),
            eb.not(
              eb.exists(
                eb
                  .selectFrom('user_tokens as live')
                  .select('live.id')
                  .whereRef('live.family_id', '=', 'user_tokens.family_id')
                  .where('live.expires_at', '>', now)
                  .where('live.revoked_at', 'is', null),
              ),
            ),
          ]),
        ]),
      ]),
    )
    .executeTakeFirst();
  return Number(r.numDeletedRows);
}
