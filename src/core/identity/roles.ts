// Developer roles. Three are built in (ids fixed, created at start-up): admin (1), normal (2, the default for new
// developers) and blocked (3). Built-in roles cannot be renamed or removed; a role still assigned cannot be removed.
import { PostgresAdapter, sql } from 'kysely';
import { toBool, toNum } from '../../db/values.js';
import type { Db } from './deps.js';
import { isForeignKeyViolation, isUniqueViolation } from '../../db/errors.js';
import { IdentityError } from './errors.js';

export const ADMIN_ROLE_ID = 1;
export const NORMAL_ROLE_ID = 2;
export const BLOCKED_ROLE_ID = 3;
export const DEFAULT_ROLE_ID = NORMAL_ROLE_ID;

export interface Role {
  id: number;
  name: string;
  des: string | null;
  builtin: boolean;
}

const BUILTIN: ReadonlyArray<{ id: number; name: string; des: string }> = [
  { id: ADMIN_ROLE_ID, name: 'admin', des: '管理员' },
  { id: NORMAL_ROLE_ID, name: 'normal', des: '标准用户' },
  { id: BLOCKED_ROLE_ID, name: 'blocked', des: '封禁用户' },
];

function toRole(r: { id: bigint | number; name: string; des: string | null; builtin: bigint | number }): Role {
  return { id: toNum(r.id), name: r.name, des: r.des, builtin: toBool(r.builtin) };
}

/** Creates the built-in roles when absent (idempotent; safe to run from several processes at once). */
export async function ensureBuiltinRoles(db: Db): Promise<void> {
  for (const r of BUILTIN) {
    await db
      .insertInto('developer_roles')
      .values({ id: r.id, name: r.name, name_lower: r.name.toLowerCase(), des: r.des, builtin: 1 })
      .onConflict((oc) => oc.doNothing())
      .execute();
  }
  // Explicit ids do not advance a PostgreSQL serial: move it past them so added roles get 4, 5, …
  if (isPostgresDb(db)) {
    await sql`select setval(pg_get_serial_sequence('developer_roles', 'id'), greatest((select max(id) from developer_roles), 3))`.execute(db);
  }
}

function isPostgresDb(db: Db): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}

export async function listRoles(db: Db): Promise<Role[]> {
  const rows = await db.selectFrom('developer_roles').select(['id', 'name', 'des', 'builtin']).orderBy('id', 'asc').execute();
  return rows.map(toRole);
}

export async function getRole(db: Db, id: number): Promise<Role | null> {
  const r = await db.selectFrom('developer_roles').select(['id', 'name', 'des', 'builtin']).where('id', '=', id).executeTakeFirst();
  return r ? toRole(r) : null;
}

async function nameTaken(db: Db, name: string, exceptId: number | null): Promise<boolean> {
  let q = db.selectFrom('developer_roles').select('id').where('name_lower', '=', name.toLowerCase());
  if (exceptId !== null) q = q.where('id', '<>', exceptId);
  return (await q.executeTakeFirst()) !== undefined;
}

/** M1. Refuses a name already used (case-insensitively) with `duplicate_name`. */
export async function addRole(trx: Db, input: { name: string; des?: string | null }): Promise<Role> {
  if (await nameTaken(trx, input.name, null)) throw new IdentityError('duplicate_name');
  try {
    const row = await trx
      .insertInto('developer_roles')
      .values({ name: input.name, name_lower: input.name.toLowerCase(), des: input.des ?? null, builtin: 0 })
      .returning(['id', 'name', 'des', 'builtin'])
      .executeTakeFirstOrThrow();
    return toRole(row);
  } catch (err) {
    if (isUniqueViolation(err)) throw new IdentityError('duplicate_name');
    throw err;
  }
}

/**
 * M3. Absent fields stay unchanged. Order: `role_not_found`, `builtin_role` (renaming a built-in role; its `des`
 * may change), `duplicate_name`.
 */
export async function editRole(trx: Db, id: number, patch: { name?: string; des?: string }): Promise<Role> {
  const role = await getRole(trx, id);
  if (!role) throw new IdentityError('role_not_found');
  const renaming = patch.name !== undefined && patch.name !== role.name;
  if (renaming && role.builtin) throw new IdentityError('builtin_role');
  if (renaming && (await nameTaken(trx, patch.name!, id))) throw new IdentityError('duplicate_name');
  const set: { name?: string; name_lower?: string; des?: string } = {};
  if (renaming) Object.assign(set, { name: patch.name!, name_lower: patch.name!.toLowerCase() });
  if (patch.des !== undefined) set.des = patch.des;
  if (Object.keys(set).length === 0) return role;
  try {
    await trx.updateTable('developer_roles').set(set).where('id', '=', id).execute();
  } catch (err) {
    if (isUniqueViolation(err)) throw new IdentityError('duplicate_name');
    throw err;
  }
  return { ...role, ...(renaming ? { name: patch.name! } : {}), ...(patch.des !== undefined ? { des: patch.des } : {}) };
}

/** M4. Returns false when there is no such role; refuses built-in roles and roles still assigned to a developer. */
export async function removeRole(trx: Db, id: number): Promise<boolean> {
  const role = await getRole(trx, id);
  if (!role) return false;
  if (role.builtin) throw new IdentityError('builtin_role');
  const user = await trx.selectFrom('developers').select('id').where('role_id', '=', id).limit(1).executeTakeFirst();
  if (user) throw new IdentityError('in_use');
  try {
    const r = await trx.deleteFrom('developer_roles').where('id', '=', id).executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  } catch (err) {
    // A developer assigned the role between the check and the delete.
    if (isForeignKeyViolation(err)) throw new IdentityError('in_use');
    throw err;
  }
}
