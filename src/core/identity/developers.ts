// Developer accounts: username (unique case-insensitively), scrypt password, optional email (unique
// case-insensitively) and phone (unique), one role. Registration opens the developer's wallet in the same
// transaction, so a developer never exists without one.
//
// Password work (scrypt, ~50–100 ms) never runs inside a write transaction: on SQLite there is one connection, so a
// hash inside a transaction stalls every other request of the server; on PostgreSQL it holds a pool connection and
// row locks. Callers hash (`hashNewPassword`) or verify (`precheckPassword`) first, with no transaction open, and
// the transactional functions only confirm the result with a cheap conditional statement.
import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../../db/schema.js';
import { toNum } from '../../db/values.js';
import { passwordsOf, type Db, type IdentityDeps } from './deps.js';
import { isUniqueViolation, violationDetail } from '../../db/errors.js';
import { IdentityError } from './errors.js';
import { ADMIN_ROLE_ID, BLOCKED_ROLE_ID, DEFAULT_ROLE_ID, ensureBuiltinRoles, getRole } from './roles.js';
import { grantDeveloperSignup, openWallet } from './wallet.js';
import { ensureAsset } from '../ledger/assets.js';

export interface Developer {
  id: number;
  username: string;
  email: string | null;
  phone: string | null;
  roleId: number;
  roleName: string;
  isAdmin: boolean;
  blocked: boolean;
  createdAt: number;
}

export interface RegisterInput {
  username: string;
  /** From `hashNewPassword`, computed before the transaction. */
  passwordHash: string;
  email?: string | null;
  phone?: string | null;
  /** Absent = the default role (`normal`). */
  roleId?: number | null;
}

function selectDevelopers(db: Db) {
  return db
    .selectFrom('developers')
    .innerJoin('developer_roles', 'developer_roles.id', 'developers.role_id')
    .select([
      'developers.id as id',
      'developers.username as username',
      'developers.email as email',
      'developers.phone as phone',
      'developers.role_id as role_id',
      'developer_roles.name as role_name',
      'developers.created_at as created_at',
      'developers.password_hash as password_hash',
    ]);
}

type DeveloperRow = {
  id: bigint | number;
  username: string;
  email: string | null;
  phone: string | null;
  role_id: bigint | number;
  role_name: string;
  created_at: bigint | number;
  password_hash: string;
};

function toDeveloper(r: DeveloperRow): Developer {
  const roleId = toNum(r.role_id);
  return {
    id: toNum(r.id),
    username: r.username,
    email: r.email,
    phone: r.phone,
    roleId,
    roleName: r.role_name,
    isAdmin: roleId === ADMIN_ROLE_ID,
    blocked: roleId === BLOCKED_ROLE_ID,
    createdAt: toNum(r.created_at),
  };
}

export async function getDeveloper(db: Db, id: number): Promise<Developer | null> {
  const r = await selectDevelopers(db).where('developers.id', '=', id).executeTakeFirst();
  return r ? toDeveloper(r) : null;
}

export async function findDeveloperByUsername(db: Db, username: string): Promise<Developer | null> {
  const r = await selectDevelopers(db).where('developers.username_lower', '=', username.toLowerCase()).executeTakeFirst();
  return r ? toDeveloper(r) : null;
}

async function findRowByUsername(db: Db, username: string): Promise<DeveloperRow | undefined> {
  return selectDevelopers(db).where('developers.username_lower', '=', username.toLowerCase()).executeTakeFirst();
}

/**
 * Creates a developer and opens its wallet (plus the configured grant), all in the caller's transaction.
 * Order of refusals: `role_not_found`, `username_taken` (username or phone), `email_taken`, `wallet_unavailable`.
 */
export async function registerDeveloper(trx: Transaction<DB>, input: RegisterInput, deps: IdentityDeps): Promise<Developer> {
  const roleId = input.roleId ?? DEFAULT_ROLE_ID;
  if (!(await getRole(trx, roleId))) throw new IdentityError('role_not_found');
  if (await findRowByUsername(trx, input.username)) throw new IdentityError('username_taken');
  const phone = input.phone ?? null;
  if (phone !== null && (await trx.selectFrom('developers').select('id').where('phone', '=', phone).executeTakeFirst())) {
    throw new IdentityError('phone_taken');
  }
  const email = input.email ?? null;
  if (email !== null && (await trx.selectFrom('developers').select('id').where('email_lower', '=', email.toLowerCase()).executeTakeFirst())) {
    throw new IdentityError('email_taken');
  }
  let id: number;
  try {
    const row = await trx
      .insertInto('developers')
      .values({
        username: input.username,
        username_lower: input.username.toLowerCase(),
        password_hash: input.passwordHash,
        email,
        email_lower: email === null ? null : email.toLowerCase(),
        phone,
        role_id: roleId,
        created_at: deps.clock.now(),
        updated_at: null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    id = toNum(row.id);
  } catch (err) {
    // A concurrent registration won the race for one of the unique keys.
    if (isUniqueViolation(err)) {
      const detail = violationDetail(err);
      if (/email/.test(detail)) throw new IdentityError('email_taken');
      if (/phone/.test(detail)) throw new IdentityError('phone_taken');
      throw new IdentityError('username_taken');
    }
    throw err;
  }
  const wallet = await openWallet(trx, { kind: 'developer', id: String(id) }, deps);
  await grantDeveloperSignup(trx, wallet, id, deps);
  return (await getDeveloper(trx, id))!;
}

/** Registration on behalf of `actor` (null = anonymous): only an admin may choose a role other than the default. */
export async function registerDeveloperAs(trx: Transaction<DB>, actor: Developer | null, input: RegisterInput, deps: IdentityDeps): Promise<Developer> {
  const roleId = input.roleId ?? DEFAULT_ROLE_ID;
  if (roleId !== DEFAULT_ROLE_ID && !actor?.isAdmin) throw new IdentityError('forbidden', 'only an admin may assign a role');
  return registerDeveloper(trx, { ...input, roleId }, deps);
}

/** The stored form of a new password. Expensive: call it before opening the write transaction. */
export function hashNewPassword(password: string, deps: Pick<IdentityDeps, 'passwords'>): Promise<string> {
  return passwordsOf(deps).hash(password);
}

/**
 * A password checked outside any transaction. `passwordHashSeen` is the stored hash the password was compared with;
 * the transaction acts on the check only while that is still the stored hash (`confirmPasswordCheck`).
 */
export type PasswordCheck =
  | { kind: 'unknown_user' }
  | { kind: 'checked'; developerId: number; passwordHashSeen: string; matches: boolean };

async function checkAgainst(row: DeveloperRow, password: string, deps: Pick<IdentityDeps, 'passwords'>): Promise<PasswordCheck> {
  const matches = await passwordsOf(deps).verify(password, row.password_hash);
  return { kind: 'checked', developerId: toNum(row.id), passwordHashSeen: row.password_hash, matches };
}

/**
 * Step 1 of a password check, expensive: reads the developer with `db` (the root Kysely, never a transaction, so no
 * connection or lock is held during the hash) and compares the password. Refuses nothing itself: the transaction
 * turns the result into refusals, in the order of its endpoint.
 */
export async function precheckPassword(db: Kysely<DB>, username: string, password: string, deps: Pick<IdentityDeps, 'passwords'>): Promise<PasswordCheck> {
  const row = await findRowByUsername(db, username);
  return row ? checkAgainst(row, password, deps) : { kind: 'unknown_user' };
}

/** What `changeOwnPassword` confirms inside the transaction. */
export interface PreparedPasswordChange {
  check: PasswordCheck;
  /** The new password's hash; null when the current password did not match (nothing to write). */
  newPasswordHash: string | null;
}

/**
 * Step 1 of a developer changing its own password (M11): the check of the current password and, only when it
 * matches, the hash of the new one. Someone else's `username` is not compared at all: it is refused as `forbidden`
 * before any password comparison, so no scrypt is spent on it.
 */
export async function prepareOwnPasswordChange(
  db: Kysely<DB>,
  actor: Developer,
  input: { username: string; password: string; newPassword: string },
  deps: Pick<IdentityDeps, 'passwords'>,
): Promise<PreparedPasswordChange> {
  const row = await findRowByUsername(db, input.username);
  if (!row) return { check: { kind: 'unknown_user' }, newPasswordHash: null };
  if (toNum(row.id) !== actor.id) {
    return { check: { kind: 'checked', developerId: toNum(row.id), passwordHashSeen: row.password_hash, matches: false }, newPasswordHash: null };
  }
  const check = await checkAgainst(row, input.password, deps);
  const matches = check.kind === 'checked' && check.matches;
  return { check, newPasswordHash: matches ? await hashNewPassword(input.newPassword, deps) : null };
}

/**
 * Step 2, in the caller's transaction: `unknown_user`, `wrong_password`, else the developer. The confirmation is a
 * conditional no-op update (`where password_hash = <hash seen>`) rather than a read. When the password was changed
 * since the check, the check proved knowledge of a password that is no longer valid, so the answer is
 * `wrong_password` (never a token for an old password). On PostgreSQL the update also holds the developer row until
 * commit, so a concurrent password change either commits first (we then match 0 rows) or waits for us (and its
 * revocation of the other tokens then sees the token we issue).
 */
export async function confirmPasswordCheck(trx: Transaction<DB>, check: PasswordCheck): Promise<Developer> {
  if (check.kind === 'unknown_user') throw new IdentityError('unknown_user');
  if (!check.matches) throw new IdentityError('wrong_password');
  const r = await trx
    .updateTable('developers')
    .set((eb) => ({ password_hash: eb.ref('password_hash') }))
    .where('id', '=', check.developerId)
    .where('password_hash', '=', check.passwordHashSeen)
    .executeTakeFirst();
  if (Number(r.numUpdatedRows) !== 1) throw new IdentityError('wrong_password');
  return (await getDeveloper(trx, check.developerId))!;
}

/**
 * Replaces the password hash only while it is still `expectedHash` (the one a check compared with), else
 * `wrong_password`: a compare-and-swap, so of two racing changes from the same old password exactly one wins.
 */
export async function replacePasswordHash(
  trx: Transaction<DB>,
  developerId: number,
  expectedHash: string,
  newPasswordHash: string,
  deps: Pick<IdentityDeps, 'clock'>,
): Promise<void> {
  const r = await trx
    .updateTable('developers')
    .set({ password_hash: newPasswordHash, updated_at: deps.clock.now() })
    .where('id', '=', developerId)
    .where('password_hash', '=', expectedHash)
    .executeTakeFirst();
  if (Number(r.numUpdatedRows) !== 1) throw new IdentityError('wrong_password');
}

/**
 * Creates an admin developer when `username` is absent (start-up and `plaza admin create`); an existing developer
 * is returned unchanged. Ensures the built-in roles and the wallet asset first, so it works on a fresh database.
 */
export async function ensureAdminDeveloper(db: Kysely<DB>, input: { username: string; password: string }, deps: IdentityDeps): Promise<Developer> {
  await ensureBuiltinRoles(db);
  await ensureAsset(db, { symbol: deps.wallet.assetSymbol, precision: 8 }, deps.clock);
  const existing = await findDeveloperByUsername(db, input.username);
  if (existing) return existing;
  const passwordHash = await hashNewPassword(input.password, deps);
  try {
    return await db.transaction().execute((trx) => registerDeveloper(trx, { username: input.username, passwordHash, roleId: ADMIN_ROLE_ID }, deps));
  } catch (err) {
    // Another process created it at the same moment.
    if (err instanceof IdentityError && err.code === 'username_taken') {
      const again = await findDeveloperByUsername(db, input.username);
      if (again) return again;
    }
    throw err;
  }
}
