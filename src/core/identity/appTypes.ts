// App types: a tree (parent_id). Names are unique case-insensitively across the whole tree; a type never becomes
// its own ancestor; a type with child types or live apps cannot be removed.
import { toNum, toNumOrNull } from '../../db/values.js';
import type { Clock } from '../clock.js';
import type { Db } from './deps.js';
import { isForeignKeyViolation, isUniqueViolation } from '../../db/errors.js';
import { IdentityError } from './errors.js';

export interface AppType {
  id: number;
  parentId: number | null;
  name: string;
  des: string | null;
  createdAt: number;
}

export interface AppTypeNode extends AppType {
  children: AppTypeNode[];
}

/** Bound on walking up the tree: deeper than this is a corrupt tree, not a real hierarchy. */
const MAX_DEPTH = 10_000;

type Row = { id: bigint | number; parent_id: bigint | number | null; name: string; des: string | null; created_at: bigint | number };

function toType(r: Row): AppType {
  return { id: toNum(r.id), parentId: toNumOrNull(r.parent_id), name: r.name, des: r.des, createdAt: toNum(r.created_at) };
}

export async function getAppType(db: Db, id: number): Promise<AppType | null> {
  const r = await db.selectFrom('app_types').select(['id', 'parent_id', 'name', 'des', 'created_at']).where('id', '=', id).executeTakeFirst();
  return r ? toType(r) : null;
}

export async function listAppTypes(db: Db): Promise<AppType[]> {
  const rows = await db.selectFrom('app_types').select(['id', 'parent_id', 'name', 'des', 'created_at']).orderBy('id', 'asc').execute();
  return rows.map(toType);
}

/** M6: the top-level types with their descendants nested, siblings in ascending id. */
export async function appTypeTree(db: Db): Promise<AppTypeNode[]> {
  const types = await listAppTypes(db);
  const nodes = new Map<number, AppTypeNode>(types.map((t) => [t.id, { ...t, children: [] }]));
  const roots: AppTypeNode[] = [];
  for (const t of types) {
    const node = nodes.get(t.id)!;
    const parent = t.parentId === null ? undefined : nodes.get(t.parentId);
    (parent ? parent.children : roots).push(node);
  }
  return roots;
}

async function nameTaken(db: Db, name: string, exceptId: number | null): Promise<boolean> {
  let q = db.selectFrom('app_types').select('id').where('name_lower', '=', name.toLowerCase());
  if (exceptId !== null) q = q.where('id', '<>', exceptId);
  return (await q.executeTakeFirst()) !== undefined;
}

/** M5. `parentId` null = top level. Order: `parent_not_found`, `duplicate_name`. */
export async function addAppType(trx: Db, input: { parentId: number | null; name: string; des?: string | null }, clock: Clock): Promise<AppType> {
  if (input.parentId !== null && !(await getAppType(trx, input.parentId))) throw new IdentityError('parent_not_found');
  if (await nameTaken(trx, input.name, null)) throw new IdentityError('duplicate_name');
  try {
    const row = await trx
      .insertInto('app_types')
      .values({ parent_id: input.parentId, name: input.name, name_lower: input.name.toLowerCase(), des: input.des ?? null, created_at: clock.now() })
      .returning(['id', 'parent_id', 'name', 'des', 'created_at'])
      .executeTakeFirstOrThrow();
    return toType(row);
  } catch (err) {
    if (isUniqueViolation(err)) throw new IdentityError('duplicate_name');
    throw err;
  }
}

/** True when `candidate` is `id` itself or one of its descendants (walks up from the candidate). */
async function isSelfOrDescendant(db: Db, id: number, candidate: number): Promise<boolean> {
  let current: number | null = candidate;
  for (let depth = 0; current !== null && depth < MAX_DEPTH; depth++) {
    if (current === id) return true;
    const row: { parent_id: bigint | number | null } | undefined = await db
      .selectFrom('app_types')
      .select('parent_id')
      .where('id', '=', current)
      .executeTakeFirst();
    current = row ? toNumOrNull(row.parent_id) : null;
  }
  return current !== null;
}

/**
 * M7. `parentId`: undefined = unchanged, null = move to top level. Order: `type_not_found`, `parent_not_found`,
 * `cycle` (new parent is the type itself or a descendant), `duplicate_name`.
 */
export async function editAppType(trx: Db, id: number, patch: { name?: string; des?: string; parentId?: number | null }): Promise<void> {
  const type = await getAppType(trx, id);
  if (!type) throw new IdentityError('type_not_found');
  if (patch.parentId !== undefined && patch.parentId !== null) {
    if (!(await getAppType(trx, patch.parentId))) throw new IdentityError('parent_not_found');
    if (await isSelfOrDescendant(trx, id, patch.parentId)) throw new IdentityError('cycle');
  }
  if (patch.name !== undefined && (await nameTaken(trx, patch.name, id))) throw new IdentityError('duplicate_name');
  const set: { name?: string; name_lower?: string; des?: string; parent_id?: number | null } = {};
  if (patch.name !== undefined) Object.assign(set, { name: patch.name, name_lower: patch.name.toLowerCase() });
  if (patch.des !== undefined) set.des = patch.des;
  if (patch.parentId !== undefined) set.parent_id = patch.parentId;
  if (Object.keys(set).length === 0) return;
  try {
    await trx.updateTable('app_types').set(set).where('id', '=', id).execute();
  } catch (err) {
    if (isUniqueViolation(err)) throw new IdentityError('duplicate_name');
    throw err;
  }
}

/**
 * M8. False when there is no such type; `in_use` when it has child types or live apps. Removed apps that still
 * name the type lose the reference (their history is otherwise kept).
 */
export async function removeAppType(trx: Db, id: number): Promise<boolean> {
  if (!(await getAppType(trx, id))) return false;
  const child = await trx.selectFrom('app_types').select('id').where('parent_id', '=', id).limit(1).executeTakeFirst();
  if (child) throw new IdentityError('in_use');
  const app = await trx.selectFrom('apps').select('id').where('type_id', '=', id).where('status', '=', 'live').limit(1).executeTakeFirst();
  if (app) throw new IdentityError('in_use');
  try {
    await trx.updateTable('apps').set({ type_id: null }).where('type_id', '=', id).where('status', '=', 'removed').execute();
    const r = await trx.deleteFrom('app_types').where('id', '=', id).executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  } catch (err) {
    if (isForeignKeyViolation(err)) throw new IdentityError('in_use');
    throw err;
  }
}
