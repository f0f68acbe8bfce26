// Global end users (app_id null in `end_users`): a username and an optional email, both unique case-insensitively
// (`username_lower` among global users, `email_lower` among every non-null email), a scrypt password, a numeric uid
// in the shared space (uid.ts), a role, a disabled flag and an email-verified flag.
//
// Password work never runs inside a transaction (see developers.ts): `registerUser` takes a hash computed before
// it, and `checkSignIn` verifies on the root Kysely with no transaction open. Disabling a user, or changing its
// password, revokes its sessions (and, for disabling, its tokens) in the same statement batch, so the change is in
// force at once in every process.
import { sql, type Kysely, type Transaction } from 'kysely';
import type { Clock } from '../clock.js';
import { dummyPasswordHash } from '../crypto/passwords.js';
import type { DB } from '../../db/schema.js';
import { flag, toBool, toNum } from '../../db/values.js';
import { passwordsOf, type Db, type IdentityDeps } from './deps.js';
import { isUniqueViolation, violationDetail } from '../../db/errors.js';
import { insertEndUser } from './endUsers.js';
import { IdentityError } from './errors.js';

export type UserRole = 'Normal' | 'Administrator';

export interface User {
  id: number;
  uid: number;
  username: string;
  email: string | null;
  role: UserRole;
  disabled: boolean;
  emailVerified: boolean;
  createdAt: number;
}

/** Longest username and email accepted (bounds index keys and lookups). */
export const MAX_USERNAME_LENGTH = 64;
export const MAX_EMAIL_LENGTH = 254;

const COLUMNS = ['id', 'uid', 'username', 'email', 'role', 'disabled', 'email_verified', 'created_at', 'password_hash'] as const;

type Row = {
  id: bigint | number;
  uid: bigint | number;
  username: string;
  email: string | null;
  role: UserRole;
  disabled: bigint | number;
  email_verified: bigint | number;
  created_at: bigint | number;
  password_hash: string | null;
};

function toUser(r: Row): User {
  return {
    id: toNum(r.id),
    uid: toNum(r.uid),
    username: r.username,
    email: r.email,
    role: r.role,
    disabled: toBool(r.disabled),
    emailVerified: toBool(r.email_verified),
    createdAt: toNum(r.created_at),
  };
}

function globalUsers(db: Db) {
  return db.selectFrom('end_users').select(COLUMNS).where('app_id', 'is', null);
}

async function emailTaken(db: Db, emailLower: string, exceptId?: number): Promise<boolean> {
  let q = db.selectFrom('end_users').select('id').where('email_lower', '=', emailLower);
  if (exceptId !== undefined) q = q.where('id', '<>', exceptId);
  return (await q.executeTakeFirst()) !== undefined;
}

/** The refusal a lost race on the username or email unique index maps to. */
function duplicateUser(err: unknown): IdentityError {
  return new IdentityError(/email/.test(violationDetail(err)) ? 'email_taken' : 'username_taken');
}

function mapUniqueViolation(err: unknown): never {
  if (isUniqueViolation(err)) throw duplicateUser(err);
  throw err;
}

/**
 * Creates a global user in the caller's transaction. `passwordHash` comes from `hashNewPassword`, computed before
 * the transaction. Refusals, in order: `username_taken`, `email_taken` (both case-insensitive; a lost race on the
 * unique indexes maps to the same codes).
 */
export async function registerUser(
  trx: Transaction<DB>,
  input: { username: string; email: string | null; passwordHash: string },
  deps: IdentityDeps,
): Promise<User> {
  const usernameLower = input.username.toLowerCase();
  const emailLower = input.email === null ? null : input.email.toLowerCase();
  if (await globalUsers(trx).where('username_lower', '=', usernameLower).executeTakeFirst()) throw new IdentityError('username_taken');
  if (emailLower !== null && (await emailTaken(trx, emailLower))) throw new IdentityError('email_taken');
  const id = await insertEndUser(
    trx,
    {
      app_id: null,
      username: input.username,
      username_lower: usernameLower,
      email: input.email,
      email_lower: emailLower,
      password_hash: input.passwordHash,
      role: 'Normal',
      email_verified: 0,
      pay_password_hash: null,
    },
    duplicateUser,
    deps.clock,
  );
  return (await getUser(trx, id))!;
}

export type SignInCheck = { kind: 'ok'; user: User; passwordHashSeen: string } | { kind: 'unknown' } | { kind: 'wrong' } | { kind: 'disabled' };

/**
 * Checks a sign-in by username or email (case-insensitive, global users only) on the root Kysely: never call it
 * inside a transaction (scrypt). An unknown login still costs one hash (a dummy), so timing does not reveal which
 * usernames exist. A disabled user is reported as `disabled` only after its password matched, so the answer does
 * not reveal the state of an account to someone without its password.
 */
export async function checkSignIn(db: Kysely<DB>, login: string, password: string, deps: IdentityDeps): Promise<SignInCheck> {
  const hasher = passwordsOf(deps);
  const lower = login.trim().toLowerCase();
  const row =
    lower.length === 0 || lower.length > MAX_EMAIL_LENGTH
      ? undefined
      : lower.includes('@')
        ? await globalUsers(db).where('email_lower', '=', lower).executeTakeFirst()
        : await globalUsers(db).where('username_lower', '=', lower).executeTakeFirst();
  if (!row || row.password_hash === null) {
    await hasher.verify(password, await dummyPasswordHash());
    return { kind: 'unknown' };
  }
  if (!(await hasher.verify(password, row.password_hash))) return { kind: 'wrong' };
  const user = toUser(row);
  if (user.disabled) return { kind: 'disabled' };
  return { kind: 'ok', user, passwordHashSeen: row.password_hash };
}

export async function getUser(db: Db, id: number): Promise<User | null> {
  if (!Number.isSafeInteger(id)) return null;
  const r = await globalUsers(db).where('id', '=', id).executeTakeFirst();
  return r ? toUser(r) : null;
}

export async function getUserByUid(db: Db, uid: number): Promise<User | null> {
  if (!Number.isSafeInteger(uid)) return null;
  const r = await globalUsers(db).where('uid', '=', uid).executeTakeFirst();
  return r ? toUser(r) : null;
}

/** A global user by their exact username (case-sensitive, as YOYOW account names are); null when none. */
export async function getUserByUsername(db: Db, username: string): Promise<User | null> {
  const r = await globalUsers(db).where('username', '=', username).executeTakeFirst();
  return r ? toUser(r) : null;
}

/** The password hash of a global user (for a check the caller runs outside a transaction); null when none. */
export async function getUserPasswordHash(db: Db, id: number): Promise<string | null> {
  const r = await globalUsers(db).where('id', '=', id).executeTakeFirst();
  return r?.password_hash ?? null;
}

/** Most users one page returns. */
export const MAX_USER_PAGE = 200;

function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/**
 * Global users by ascending id, after `afterId`; `query` matches a substring of the username or the email
 * (case-insensitive) or, when it is all digits, the exact uid too.
 */
export async function listUsers(db: Db, filter: { query?: string; afterId?: number; limit: number }): Promise<User[]> {
  const limit = Math.max(1, Math.min(MAX_USER_PAGE, Math.floor(filter.limit)));
  let q = globalUsers(db);
  if (filter.afterId !== undefined) q = q.where('id', '>', filter.afterId);
  const query = filter.query?.trim().toLowerCase() ?? '';
  if (query !== '') {
    const pattern = `%${escapeLike(query.slice(0, MAX_EMAIL_LENGTH))}%`;
    const asUid = /^[0-9]{1,15}$/.test(query) ? Number(query) : null;
    // SQLite has no default LIKE escape character: name the backslash on both stores.
    q = q.where((eb) =>
      eb.or([
        sql<boolean>`username_lower like ${pattern} escape '\\'`,
        sql<boolean>`email_lower like ${pattern} escape '\\'`,
        ...(asUid !== null ? [eb('uid', '=', asUid)] : []),
      ]),
    );
  }
  const rows = await q.orderBy('id', 'asc').limit(limit).execute();
  return rows.map(toUser);
}

/** Revokes every live session and token of a user (a disabled account, a new password). */
async function revokeAllSessions(trx: Db, userId: number, now: number): Promise<void> {
  await trx.updateTable('user_sessions').set({ revoked_at: now }).where('user_id', '=', userId).where('revoked_at', 'is', null).execute();
}

async function revokeAllTokens(trx: Db, userId: number, now: number): Promise<void> {
  await trx.updateTable('user_tokens').set({ revoked_at: now }).where('user_id', '=', userId).where('revoked_at', 'is', null).execute();
  // Wallet tokens too: re-enabling the user within their 10 minutes must not bring them back.
  await trx.updateTable('wallet_tokens').set({ revoked_at: now }).where('user_id', '=', userId).where('revoked_at', 'is', null).execute();
}

/**
 * Disables or enables a global user; disabling revokes its sessions and tokens (re-enabling does not bring them
 * back). Null when no global user has that id.
 */
export async function setUserDisabled(trx: Db, userId: number, disabled: boolean, clock: Clock): Promise<User | null> {
  const now = clock.now();
  const r = await trx
    .updateTable('end_users')
    .set({ disabled: flag(disabled), updated_at: now })
    .where('id', '=', userId)
    .where('app_id', 'is', null)
    .executeTakeFirst();
  if (Number(r.numUpdatedRows) !== 1) return null;
  if (disabled) {
    await revokeAllSessions(trx, userId, now);
    await revokeAllTokens(trx, userId, now);
  }
  return getUser(trx, userId);
}

/** Marks the user's current email verified; null when no global user has that id. */
export async function markEmailVerified(trx: Db, userId: number, clock: Clock): Promise<User | null> {
  const r = await trx
    .updateTable('end_users')
    .set({ email_verified: 1, updated_at: clock.now() })
    .where('id', '=', userId)
    .where('app_id', 'is', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1 ? getUser(trx, userId) : null;
}

/** Replaces the password hash (computed before the transaction) and revokes every session of the user. */
export async function setUserPassword(trx: Db, userId: number, passwordHash: string, clock: Clock): Promise<void> {
  const now = clock.now();
  const r = await trx
    .updateTable('end_users')
    .set({ password_hash: passwordHash, updated_at: now })
    .where('id', '=', userId)
    .where('app_id', 'is', null)
    .executeTakeFirst();
  if (Number(r.numUpdatedRows) !== 1) throw new IdentityError('not_found', `no user ${userId}`);
  await revokeAllSessions(trx, userId, now);
}

/** Sets a new email (unverified). Refusals: `not_found`, `email_taken` (another user, case-insensitively). */
export async function setUserEmail(trx: Db, userId: number, email: string, clock: Clock): Promise<User> {
  const emailLower = email.toLowerCase();
  const current = await getUser(trx, userId);
  if (!current) throw new IdentityError('not_found', `no user ${userId}`);
  if (await emailTaken(trx, emailLower, userId)) throw new IdentityError('email_taken');
  const unchanged = current.email !== null && current.email.toLowerCase() === emailLower;
  try {
    await trx
      .updateTable('end_users')
      .set({ email, email_lower: emailLower, email_verified: unchanged && current.emailVerified ? 1 : 0, updated_at: clock.now() })
      .where('id', '=', userId)
      .execute();
  } catch (err) {
    mapUniqueViolation(err);
  }
  return (await getUser(trx, userId))!;
}
