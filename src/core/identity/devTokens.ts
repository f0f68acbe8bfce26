// Developer session tokens (kind `developer`): 32 random bytes, base64url; only the SHA-256 is stored. A token is
// valid until it expires or is revoked; tokens of other kinds never authenticate a developer.
import type { Clock } from '../clock.js';
import { newToken, safeEqual, sha256Hex } from '../crypto/tokens.js';
import { toNum } from '../../db/values.js';
import type { Db, IdentityDeps } from './deps.js';
import { changeDeveloperPassword, getDeveloper, verifyDeveloperPassword, type Developer } from './developers.js';
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

/** M10: checks the password (`unknown_user`, `wrong_password`), refuses a blocked developer, issues a token. */
export async function loginDeveloper(
  trx: Db,
  input: { username: string; password: string },
  deps: Pick<IdentityDeps, 'clock'> & { ttlSeconds: number },
): Promise<{ developer: Developer; token: string; expiresAt: number }> {
  const developer = await verifyDeveloperPassword(trx, input.username, input.password);
  if (developer.blocked) throw new IdentityError('blocked');
  const { token, expiresAt } = await issueDeveloperToken(trx, developer.id, deps.clock, deps.ttlSeconds);
  return { developer, token, expiresAt };
}

/**
 * M11: `actor` changes its own password. Order: `unknown_user` (no developer has `username`), `forbidden`
 * (`username` is someone else), `wrong_password`. Every other token of the actor is revoked; `keepTokenId` stays.
 */
export async function changeOwnPassword(
  trx: Db,
  actor: Developer,
  keepTokenId: number,
  input: { username: string; password: string; newPassword: string },
  deps: Pick<IdentityDeps, 'clock'>,
): Promise<void> {
  const target = await getDeveloperIdByUsername(trx, input.username);
  if (target === null) throw new IdentityError('unknown_user');
  if (target !== actor.id) throw new IdentityError('forbidden', 'a developer may only change its own password');
  await verifyDeveloperPassword(trx, input.username, input.password);
  await changeDeveloperPassword(trx, actor.id, input.newPassword, deps);
  await revokeOtherTokens(trx, actor.id, keepTokenId, deps.clock);
}

async function getDeveloperIdByUsername(db: Db, username: string): Promise<number | null> {
  const r = await db.selectFrom('developers').select('id').where('username_lower', '=', username.toLowerCase()).executeTakeFirst();
  return r ? toNum(r.id) : null;
}
