// Developer accounts: username (unique case-insensitively), scrypt password, optional email (unique
// case-insensitively) and phone (unique), one role. Registration opens the developer's wallet in the same
// transaction, so a developer never exists without one.
import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../../db/schema.js';
import { toNum } from '../../db/values.js';
import { hashPassword, verifyPassword } from '../crypto/passwords.js';
import type { Db, IdentityDeps } from './deps.js';
import { IdentityError, isUniqueViolation, violationDetail } from './errors.js';
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
  password: string;
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
  const passwordHash = await hashPassword(input.password);
  let id: number;
  try {
    const row = await trx
      .insertInto('developers')
      .values({
        username: input.username,
        username_lower: input.username.toLowerCase(),
        password_hash: passwordHash,
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

/** Checks a developer's password; `unknown_user` or `wrong_password` otherwise. */
export async function verifyDeveloperPassword(db: Db, username: string, password: string): Promise<Developer> {
  const row = await findRowByUsername(db, username);
  if (!row) throw new IdentityError('unknown_user');
  if (!(await verifyPassword(password, row.password_hash))) throw new IdentityError('wrong_password');
  return toDeveloper(row);
}

export async function changeDeveloperPassword(trx: Db, developerId: number, newPassword: string, deps: Pick<IdentityDeps, 'clock'>): Promise<void> {
  const passwordHash = await hashPassword(newPassword);
  const r = await trx.updateTable('developers').set({ password_hash: passwordHash, updated_at: deps.clock.now() }).where('id', '=', developerId).executeTakeFirst();
  if (Number(r.numUpdatedRows) !== 1) throw new IdentityError('developer_not_found');
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
  try {
    return await db.transaction().execute((trx) => registerDeveloper(trx, { ...input, roleId: ADMIN_ROLE_ID }, deps));
  } catch (err) {
    // Another process created it at the same moment.
    if (err instanceof IdentityError && err.code === 'username_taken') {
      const again = await findDeveloperByUsername(db, input.username);
      if (again) return again;
    }
    throw err;
  }
}
