// Pay passwords of end users, by user id, for every row of `end_users` (global users and app-scoped wallet users
// alike): a second secret, separate from the account password, asked before money moves. Stored as a hash of the
// password scheme (scrypt), with a failure counter and a lock (`pay_failures`, `pay_locked_until`).
//
// Like every password here (developers.ts), the expensive work runs on the root Kysely with no transaction open
// (on SQLite a hash inside a transaction would stall the one connection for the whole server):
//   * `checkUserPayPassword` refuses while locked, verifies, and counts failures in a short conditional update of
//     its own; `confirmUserPayPassword`, inside the caller's transaction, acts on the check only while the hash it
//     was compared with is still stored.
//   * Setting or changing a global user's pay password needs the account password: `preparePayPasswordChange`
//     verifies it and hashes the new pay password; `changePayPassword` writes only while the account password hash
//     it verified is still the stored one.
// walletUsers.ts resolves (app, username) to a user and delegates here.
import { sql, type Kysely, type Transaction } from 'kysely';
import type { Clock } from '../clock.js';
import type { DB } from '../../db/schema.js';
import { toBool, toNum, toNumOrNull } from '../../db/values.js';
import { passwordsOf, type Db, type IdentityDeps } from './deps.js';
import { IdentityError, type IdentityErrorCode } from './errors.js';

/** Bounds of a new pay password, in characters (callers validate first; the core refuses anything outside). */
export const MIN_PAY_PASSWORD_LENGTH = 6;
export const MAX_PAY_PASSWORD_LENGTH = 128;

/** How many wrong pay passwords lock the user, and for how long (config: `ulord.payPasswordMaxFailures`, `…LockSeconds`). */
export interface PayPasswordPolicy {
  maxFailures: number;
  lockSeconds: number;
}

export type PayPasswordDeps = Pick<IdentityDeps, 'clock' | 'passwords'> & PayPasswordPolicy;

export type UserPayPasswordCheck =
  | { kind: 'user_not_found' }
  | { kind: 'not_set'; userId: number }
  | { kind: 'locked'; userId: number }
  | { kind: 'wrong'; userId: number }
  | { kind: 'ok'; userId: number; hashSeen: string };

const PAY_COLUMNS = ['id', 'app_id', 'password_hash', 'pay_password_hash', 'pay_failures', 'pay_locked_until', 'disabled'] as const;

function payRow(db: Db, userId: number) {
  return db.selectFrom('end_users').select(PAY_COLUMNS).where('id', '=', userId).executeTakeFirst();
}

/**
 * Step 1, expensive, OUTSIDE any transaction (`db` is the root Kysely): refuses while locked (`pay_locked_until >
 * now`, no hash computed), verifies the password. A wrong password counts one failure in a conditional update of its
 * own; the failure that reaches `maxFailures` locks the user for `lockSeconds` and restarts the count, so after the
 * lock the user has `maxFailures` attempts again. A right password resets the count. A disabled user is neither
 * verified nor counted (`wrong`): `confirmUserPayPassword` refuses it as disabled first. No pay password set is
 * `not_set` and counts nothing (there is nothing to guess).
 */
export async function checkUserPayPassword(db: Kysely<DB>, userId: number, payPassword: string, deps: PayPasswordDeps): Promise<UserPayPasswordCheck> {
  const row = Number.isSafeInteger(userId) ? await payRow(db, userId) : undefined;
  if (!row) return { kind: 'user_not_found' };
  if (toBool(row.disabled)) return { kind: 'wrong', userId };
  const lockedUntil = toNumOrNull(row.pay_locked_until);
  if (lockedUntil !== null && lockedUntil > deps.clock.now()) return { kind: 'locked', userId };
  const hash = row.pay_password_hash;
  if (hash === null) return { kind: 'not_set', userId };
  if (!(await passwordsOf(deps).verify(payPassword, hash))) {
    await countFailure(db, userId, deps);
    return { kind: 'wrong', userId };
  }
  if (toNum(row.pay_failures) !== 0) {
    await db.updateTable('end_users').set({ pay_failures: 0 }).where('id', '=', userId).where('pay_password_hash', '=', hash).execute();
  }
  return { kind: 'ok', userId, hashSeen: hash };
}

/** One wrong pay password: +1, or the lock when that reaches the limit. Not counted while a lock is in force. */
async function countFailure(db: Kysely<DB>, userId: number, deps: PayPasswordDeps): Promise<void> {
  const now = deps.clock.now();
  const max = Math.max(1, Math.floor(deps.maxFailures));
  const until = now + Math.max(0, deps.lockSeconds) * 1000;
  await sql`update end_users set
      pay_failures = case when pay_failures + 1 >= ${max} then 0 else pay_failures + 1 end,
      pay_locked_until = case when pay_failures + 1 >= ${max} then cast(${until} as bigint) else pay_locked_until end,
      updated_at = cast(${now} as bigint)
    where id = ${userId} and (pay_locked_until is null or pay_locked_until <= ${now})`.execute(db);
}

/** The codes `confirmUserPayPassword` throws for a missing or disabled user (wallet users have their own). */
export interface PayPasswordRefusals {
  notFound: IdentityErrorCode;
  disabled: IdentityErrorCode;
}

const USER_REFUSALS: PayPasswordRefusals = { notFound: 'not_found', disabled: 'user_disabled' };

/**
 * Step 2, cheap, INSIDE the caller's transaction: re-reads the user and turns the check into a refusal, in this
 * order: not found, disabled (codes from `refusals`), `pay_password_locked`, `pay_password_not_set`,
 * `wrong_pay_password` (also when the stored hash changed since the check: the check proved knowledge of a password
 * that is no longer valid). Returns the user id.
 */
export async function confirmUserPayPassword(trx: Db, check: UserPayPasswordCheck, refusals: PayPasswordRefusals = USER_REFUSALS): Promise<number> {
  if (check.kind === 'user_not_found') throw new IdentityError(refusals.notFound);
  const row = await payRow(trx, check.userId);
  if (!row) throw new IdentityError(refusals.notFound);
  if (toBool(row.disabled)) throw new IdentityError(refusals.disabled);
  if (check.kind === 'locked') throw new IdentityError('pay_password_locked');
  if (check.kind === 'not_set') throw new IdentityError('pay_password_not_set');
  if (check.kind === 'wrong') throw new IdentityError('wrong_pay_password');
  if (row.pay_password_hash !== check.hashSeen) throw new IdentityError('wrong_pay_password');
  return check.userId;
}

/**
 * Stores a new pay password hash (computed before the transaction) and clears the failure count and any lock.
 * For operator tools and callers that already proved the right to change it; `not_found` when no user has that id.
 */
export async function setPayPassword(trx: Db, userId: number, payPasswordHash: string, clock: Clock): Promise<void> {
  const r = await writePayPassword(trx, userId, payPasswordHash, clock).executeTakeFirst();
  if (Number(r.numUpdatedRows) !== 1) throw new IdentityError('not_found', `no user ${userId}`);
}

function writePayPassword(trx: Db, userId: number, payPasswordHash: string, clock: Clock) {
  return trx
    .updateTable('end_users')
    .set({ pay_password_hash: payPasswordHash, pay_failures: 0, pay_locked_until: null, updated_at: clock.now() })
    .where('id', '=', userId);
}

/** Whether the user has a pay password, and until when it is locked (null: not locked now). Null: no such user. */
export async function getPayPasswordState(db: Db, userId: number, clock: Clock): Promise<{ set: boolean; lockedUntil: number | null } | null> {
  const row = Number.isSafeInteger(userId) ? await payRow(db, userId) : undefined;
  if (!row) return null;
  const until = toNumOrNull(row.pay_locked_until);
  return { set: row.pay_password_hash !== null, lockedUntil: until !== null && until > clock.now() ? until : null };
}

export type PreparedPayPasswordChange =
  | { kind: 'ok'; userId: number; passwordHashSeen: string; payPasswordHash: string }
  | { kind: 'invalid_pay_password' }
  | { kind: 'not_found' }
  | { kind: 'wrong_password' }
  | { kind: 'same_as_password' }
  | { kind: 'disabled' };

/**
 * Step 1 of a global user setting or changing its pay password, expensive, OUTSIDE any transaction: the account
 * password must match (the pay password is the second factor for money, so knowing the session alone is not
 * enough); only then is the new pay password hashed. A pay password equal to the account password is refused
 * (`same_as_password`): it would not be a second secret. App-scoped users have no account password: `not_found`. As
 * in `checkSignIn`, `disabled` is reported only after the password matched.
 */
export async function preparePayPasswordChange(
  db: Kysely<DB>,
  userId: number,
  input: { password: string; newPayPassword: string },
  deps: Pick<IdentityDeps, 'passwords'>,
): Promise<PreparedPayPasswordChange> {
  const n = input.newPayPassword.length;
  if (n < MIN_PAY_PASSWORD_LENGTH || n > MAX_PAY_PASSWORD_LENGTH) return { kind: 'invalid_pay_password' };
  const row = Number.isSafeInteger(userId) ? await payRow(db, userId) : undefined;
  if (!row || row.app_id !== null || row.password_hash === null) return { kind: 'not_found' };
  const hasher = passwordsOf(deps);
  if (!(await hasher.verify(input.password, row.password_hash))) return { kind: 'wrong_password' };
  if (toBool(row.disabled)) return { kind: 'disabled' };
  if (input.newPayPassword === input.password) return { kind: 'same_as_password' };
  return { kind: 'ok', userId, passwordHashSeen: row.password_hash, payPasswordHash: await hasher.hash(input.newPayPassword) };
}

/**
 * Step 2, in the caller's transaction: writes the prepared pay password (clearing failures and lock) only while the
 * account password hash it was verified against is still stored and the user still enabled — a compare-and-swap, so
 * a password changed in between refuses with `wrong_password` (`user_disabled`, `not_found` for the other cases).
 */
export async function changePayPassword(trx: Transaction<DB>, change: Extract<PreparedPayPasswordChange, { kind: 'ok' }>, clock: Clock): Promise<void> {
  const r = await writePayPassword(trx, change.userId, change.payPasswordHash, clock)
    .where('app_id', 'is', null)
    .where('disabled', '=', 0)
    .where('password_hash', '=', change.passwordHashSeen)
    .executeTakeFirst();
  if (Number(r.numUpdatedRows) === 1) return;
  const row = await payRow(trx, change.userId);
  if (!row || row.app_id !== null) throw new IdentityError('not_found', `no user ${change.userId}`);
  if (toBool(row.disabled)) throw new IdentityError('user_disabled');
  throw new IdentityError('wrong_password');
}
