// Developer session tokens (kind `developer`): 32 random bytes, base64url; only the SHA-256 is stored. A token is
// valid until it expires or is revoked; tokens of other kinds never authenticate a developer.
import type { Transaction } from 'kysely';
import type { Clock } from '../clock.js';
import { newToken, safeEqual, sha256Hex } from '../crypto/tokens.js';
import type { DB } from '../../db/schema.js';
import { toNum } from '../../db/values.js';
import type { Db, IdentityDeps } from './deps.js';
import { confirmPasswordCheck, getDeveloper, replacePasswordHash, type Developer, type PasswordCheck, type PreparedPasswordChange } from './developers.js';
import { IdentityError } from './errors.js';

export const DEVELOPER_TOKEN_KIND = 'developer';

export async function issueDeveloperToken(db: Db, developerId: number, clock: Clock, ttlSeconds: number): Promise<{ token: string; expiresAt: number }> {
  const token = newToken();
  const now = clock.now();
  const expiresAt = now + ttlSeconds * 1000;
  await db
    .insertInto('developer_tokens')
    .values({ token_hash: sha256Hex(token), developer_id: developerId, kind: DEVELOPER_TOKEN_KIND, created_at: now, expires_at: expiresAt, revoked_at: null })
    .execute();
  return { token, expiresAt };
}

/** The developer a live token belongs to; null when the token is unknown, expired, revoked or of another kind. */
export async function authenticateDeveloperToken(db: Db, token: string, clock: Clock): Promise<{ developer: Developer; tokenId: number } | null> {
  if (token.length === 0 || token.length > 512) return null;
  const hash = sha256Hex(token);
  const row = await db
    .selectFrom('developer_tokens')
    .select(['id', 'token_hash', 'developer_id', 'expires_at', 'revoked_at', 'kind'])
    .where('token_hash', '=', hash)
    .executeTakeFirst();
  if (!row || !safeEqual(row.token_hash, hash)) return null;
  if (row.kind !== DEVELOPER_TOKEN_KIND || row.revoked_at !== null || toNum(row.expires_at) <= clock.now()) return null;
  const developer = await getDeveloper(db, toNum(row.developer_id));
  return developer ? { developer, tokenId: toNum(row.id) } : null;
}

/** Revokes every live token of the developer except `keepTokenId`. Returns how many were revoked. */
export async function revokeOtherTokens(db: Db, developerId: number, keepTokenId: number, clock?: Clock): Promise<number> {
  const r = await db
    .updateTable('developer_tokens')
    .set({ revoked_at: (clock ?? { now: Date.now }).now() })
    .where('developer_id', '=', developerId)
    .where('id', '<>', keepTokenId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows);
}

/**
 * M10, in the caller's transaction, on a check made before it (`precheckPassword`): `unknown_user`,
 * `wrong_password` (also when the password changed since the check), `blocked`, else a new token.
 */
export async function loginDeveloper(
  trx: Transaction<DB>,
  check: PasswordCheck,
  deps: Pick<IdentityDeps, 'clock'> & { ttlSeconds: number },
): Promise<{ developer: Developer; token: string; expiresAt: number }> {
  const developer = await confirmPasswordCheck(trx, check);
  if (developer.blocked) throw new IdentityError('blocked');
  const { token, expiresAt } = await issueDeveloperToken(trx, developer.id, deps.clock, deps.ttlSeconds);
  return { developer, token, expiresAt };
}

/**
 * M11: `actor` changes its own password, in the caller's transaction, on what `prepareOwnPasswordChange` computed
 * before it. Order: `unknown_user` (no developer has `username`), `forbidden` (`username` is someone else),
 * `wrong_password` (also when the password changed since the check). Every other token of the actor is revoked;
 * `keepTokenId` stays.
 */
export async function changeOwnPassword(
  trx: Transaction<DB>,
  actor: Developer,
  keepTokenId: number,
  prepared: PreparedPasswordChange,
  deps: Pick<IdentityDeps, 'clock'>,
): Promise<void> {
  const { check, newPasswordHash } = prepared;
  if (check.kind === 'unknown_user') throw new IdentityError('unknown_user');
  if (check.developerId !== actor.id) throw new IdentityError('forbidden', 'a developer may only change its own password');
  if (!check.matches || newPasswordHash === null) throw new IdentityError('wrong_password');
  await replacePasswordHash(trx, actor.id, check.passwordHashSeen, newPasswordHash, deps);
  await revokeOtherTokens(trx, actor.id, keepTokenId, deps.clock);
}
