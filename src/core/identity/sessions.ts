// Hosted-page sign-in sessions of global users. The cookie value is 32 CSPRNG bytes (base64url); only its SHA-256
// is stored, looked up by that hash and compared in constant time. A session ends when it expires, when it is
// revoked (sign-out, a new password, the user disabled), or at once when its user is disabled.
import type { Clock } from '../clock.js';
import { newToken, safeEqual, sha256Hex } from '../crypto/tokens.js';
import { toNum } from '../../db/values.js';
import type { Db } from './deps.js';
import { getUser, type User } from './users.js';

export const DEFAULT_SESSION_TTL_MS = 14 * 24 * 3600 * 1000;

/** Longest value accepted as a session token (anything longer is not one of ours). */
const MAX_TOKEN_LENGTH = 256;

export async function createUserSession(db: Db, userId: number, clock: Clock, ttlMs: number = DEFAULT_SESSION_TTL_MS): Promise<{ token: string; expiresAt: number }> {
  const token = newToken();
  const now = clock.now();
  const expiresAt = now + Math.max(1, Math.floor(ttlMs));
  await db.insertInto('user_sessions').values({ token_hash: sha256Hex(token), user_id: userId, created_at: now, expires_at: expiresAt, revoked_at: null }).execute();
  return { token, expiresAt };
}

/** The user of a live session; null when the token is unknown, expired or revoked, or the user is disabled. */
export async function authenticateUserSession(db: Db, token: string, clock: Clock): Promise<{ user: User; sessionId: number } | null> {
  if (token.length === 0 || token.length > MAX_TOKEN_LENGTH) return null;
  const hash = sha256Hex(token);
  const row = await db.selectFrom('user_sessions').select(['id', 'token_hash', 'user_id', 'expires_at', 'revoked_at']).where('token_hash', '=', hash).executeTakeFirst();
  if (!row || !safeEqual(row.token_hash, hash)) return null;
  if (row.revoked_at !== null || toNum(row.expires_at) <= clock.now()) return null;
  const user = await getUser(db, toNum(row.user_id));
  if (!user || user.disabled) return null;
  return { user, sessionId: toNum(row.id) };
}

/** Revokes the session the token names (sign-out); a no-op for an unknown or already revoked token. */
export async function revokeUserSession(db: Db, token: string, clock: Clock): Promise<void> {
  if (token.length === 0 || token.length > MAX_TOKEN_LENGTH) return;
  await db.updateTable('user_sessions').set({ revoked_at: clock.now() }).where('token_hash', '=', sha256Hex(token)).where('revoked_at', 'is', null).execute();
}

/** Deletes expired sessions (revoked or not); returns how many went. */
export async function purgeExpiredUserSessions(db: Db, clock: Clock): Promise<number> {
  const r = await db.deleteFrom('user_sessions').where('expires_at', '<=', clock.now()).executeTakeFirst();
  return Number(r.numDeletedRows);
}
