// Wallet tokens (spec/pi.md §2.1, §3.17): the credential of Plaza's own hosted wallet page, minted from a sign-in
// session and bound to one user (not to an app: the wallet page acts for the user across apps). 32 CSPRNG bytes as
// base64url; only the SHA-256 is stored. A token works while unexpired, unrevoked and its user enabled, checked on
// every use. A wallet token can spend the user's balance, so no app ever holds one (the page never hands it out).
import type { Kysely, Transaction } from 'kysely';
import type { Clock } from '../clock.js';
import { newToken, safeEqual, sha256Hex } from '../crypto/tokens.js';
import type { DB } from '../../db/schema.js';
import { toBool, toNum } from '../../db/values.js';
import type { Db } from './deps.js';

const MAX_TOKEN_LENGTH = 256;

export async function issueWalletToken(trx: Transaction<DB>, userId: number, ttlMs: number, clock: Clock): Promise<{ token: string; expiresAt: number }> {
  if (!Number.isFinite(ttlMs) || ttlMs <= 0) throw new RangeError(`wallet token ttl must be > 0 ms, got ${ttlMs}`);
  const token = newToken();
  const now = clock.now();
  const expiresAt = now + Math.floor(ttlMs);
  await trx.insertInto('wallet_tokens').values({ token_hash: sha256Hex(token), user_id: userId, expires_at: expiresAt, revoked_at: null, created_at: now }).execute();
  return { token, expiresAt };
}

/** The token's user; null when unknown, expired, revoked, or the user is disabled or gone. */
export async function authenticateWalletToken(db: Db, token: string, clock: Clock): Promise<{ userId: number; expiresAt: number } | null> {
  if (typeof token !== 'string' || token.length === 0 || token.length > MAX_TOKEN_LENGTH) return null;
  const hash = sha256Hex(token);
  const row = await db
    .selectFrom('wallet_tokens')
    .innerJoin('end_users', 'end_users.id', 'wallet_tokens.user_id')
    .select(['wallet_tokens.token_hash as token_hash', 'wallet_tokens.user_id as user_id', 'wallet_tokens.expires_at as expires_at', 'wallet_tokens.revoked_at as revoked_at', 'end_users.disabled as disabled'])
    .where('wallet_tokens.token_hash', '=', hash)
    .executeTakeFirst();
  if (!row || !safeEqual(row.token_hash, hash)) return null;
  const expiresAt = toNum(row.expires_at);
  if (row.revoked_at !== null || expiresAt <= clock.now() || toBool(row.disabled)) return null;
  return { userId: toNum(row.user_id), expiresAt };
}

/** Revokes every live wallet token of the user (e.g. on sign-out); returns how many. */
export async function revokeWalletTokens(trx: Db, userId: number, clock: Clock): Promise<number> {
  const r = await trx.updateTable('wallet_tokens').set({ revoked_at: clock.now() }).where('user_id', '=', userId).where('revoked_at', 'is', null).executeTakeFirst();
  return Number(r.numUpdatedRows);
}

/** Deletes expired and revoked wallet tokens (neither can ever authenticate again); returns how many went. */
export async function purgeExpiredWalletTokens(db: Kysely<DB>, clock: Clock): Promise<number> {
  const r = await db
    .deleteFrom('wallet_tokens')
    .where((eb) => eb.or([eb('expires_at', '<=', clock.now()), eb('revoked_at', 'is not', null)]))
    .executeTakeFirst();
  return Number(r.numDeletedRows);
}
