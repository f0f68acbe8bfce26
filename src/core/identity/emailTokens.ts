// Email tokens: `verify` (proves the address, 24 h) and `reset` (sets a new password, 1 h). 32 CSPRNG bytes
// (base64url) sent by mail; only the SHA-256 is stored. Each is used once (conditional update). A token is bound to
// the address it was sent to: once the user's email changes, tokens sent to the old address no longer work.
import type { Clock } from '../clock.js';
import { newToken, safeEqual, sha256Hex } from '../crypto/tokens.js';
import { toNum } from '../../db/values.js';
import type { Db } from './deps.js';
import { IdentityError } from './errors.js';
import { getUser } from './users.js';

export type EmailTokenPurpose = 'verify' | 'reset';

export const EMAIL_TOKEN_TTL_MS: Record<EmailTokenPurpose, number> = { verify: 24 * 3600 * 1000, reset: 3600 * 1000 };

/** A new token for the user's current email. Refusals: `not_found` (no such user, or it has no email). */
export async function createEmailToken(trx: Db, userId: number, purpose: EmailTokenPurpose, clock: Clock): Promise<string> {
  const user = await getUser(trx, userId);
  if (!user || user.email === null) throw new IdentityError('not_found', `user ${userId} has no email`);
  const token = newToken();
  const now = clock.now();
  await trx
    .insertInto('email_tokens')
    .values({ token_hash: sha256Hex(token), user_id: userId, purpose, email_lower: user.email.toLowerCase(), expires_at: now + EMAIL_TOKEN_TTL_MS[purpose], used_at: null, created_at: now })
    .execute();
  return token;
}

/**
 * Uses a token once: the user id, or null when the token is unknown, of another purpose, expired, already used, or
 * sent to an address the user no longer has.
 */
export async function consumeEmailToken(trx: Db, token: string, purpose: EmailTokenPurpose, clock: Clock): Promise<number | null> {
  if (token.length === 0 || token.length > 256) return null;
  const hash = sha256Hex(token);
  const row = await trx
    .selectFrom('email_tokens')
    .select(['id', 'token_hash', 'user_id', 'purpose', 'email_lower', 'expires_at', 'used_at'])
    .where('token_hash', '=', hash)
    .executeTakeFirst();
  const now = clock.now();
  if (!row || !safeEqual(row.token_hash, hash) || row.purpose !== purpose || row.used_at !== null || toNum(row.expires_at) <= now) return null;
  const userId = toNum(row.user_id);
  const user = await getUser(trx, userId);
  if (!user || user.email === null || user.email.toLowerCase() !== row.email_lower) return null;
  const r = await trx.updateTable('email_tokens').set({ used_at: now }).where('id', '=', row.id).where('used_at', 'is', null).executeTakeFirst();
  return Number(r.numUpdatedRows) === 1 ? userId : null;
}

/** Deletes the tokens that can no longer be used (expired or already used); returns how many went. */
export async function purgeSpentEmailTokens(db: Db, clock: Clock): Promise<number> {
  const r = await db
    .deleteFrom('email_tokens')
    .where((eb) => eb.or([eb('expires_at', '<=', clock.now()), eb('used_at', 'is not', null)]))
    .executeTakeFirst();
  return Number(r.numDeletedRows);
}
