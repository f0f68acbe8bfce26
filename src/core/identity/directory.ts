// The developer console's view of identity: paged and searchable lists of developers and apps, blocking and
// unblocking a developer (the built-in `blocked` role), renaming or describing an app, and revoking one developer
// token (signing out). Rules stay here: ownership through `ownedLiveApp`, the admin role never blocked through this
// path (an operator cannot lock every admin out), a blocked developer's tokens revoked in the same transaction.
import { sql } from 'kysely';
import type { Clock } from '../clock.js';
import { toNum } from '../../db/values.js';
import { isUniqueViolation } from '../../db/errors.js';
import { getApp, ownedLiveApp, type StoredApp } from './apps.js';
import type { Db } from './deps.js';
import { getDeveloper, type Developer } from './developers.js';
import { IdentityError } from './errors.js';
import { ADMIN_ROLE_ID, BLOCKED_ROLE_ID, DEFAULT_ROLE_ID } from './roles.js';

/** Most rows one page of a console list returns. */
export const MAX_DIRECTORY_PAGE = 200;

function clamp(limit: number): number {
  return Math.max(1, Math.min(MAX_DIRECTORY_PAGE, Math.floor(limit)));
}

function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/**
 * Developers by ascending id after `afterId`; `query` matches a substring of the username or email
 * (case-insensitive) or, all digits, the exact id; `roleId` keeps one role.
 */
export async function listDevelopers(db: Db, filter: { query?: string; roleId?: number; afterId?: number; limit: number }): Promise<Developer[]> {
  let q = db.selectFrom('developers').select('id');
  if (filter.afterId !== undefined) q = q.where('id', '>', filter.afterId);
  if (filter.roleId !== undefined) q = q.where('role_id', '=', filter.roleId);
  const query = filter.query?.trim().toLowerCase() ?? '';
  if (query !== '') {
    const pattern = `%${escapeLike(query.slice(0, 254))}%`;
    const asId = /^[0-9]{1,15}$/.test(query) ? Number(query) : null;
    // SQLite has no default LIKE escape character: name the backslash on both stores.
    q = q.where((eb) =>
      eb.or([
        sql<boolean>`username_lower like ${pattern} escape '\\'`,
        sql<boolean>`email_lower like ${pattern} escape '\\'`,
        ...(asId !== null ? [eb('id', '=', asId)] : []),
      ]),
    );
  }
  const rows = await q.orderBy('id', 'asc').limit(clamp(filter.limit)).execute();
  const out: Developer[] = [];
  for (const r of rows) {
    const d = await getDeveloper(db, toNum(r.id));
    if (d) out.push(d);
  }
  return out;
}

/**
 * Blocks (role `blocked`, every live token revoked) or unblocks (back to the default role) a developer; the same
 * state again changes nothing. Order: `developer_not_found`, `forbidden` (an admin, or the actor itself).
 */
export async function setDeveloperBlocked(trx: Db, actor: Developer, developerId: number, blocked: boolean, clock: Clock): Promise<Developer> {
  const target = await getDeveloper(trx, developerId);
  if (!target) throw new IdentityError('developer_not_found');
  if (target.id === actor.id) throw new IdentityError('forbidden', 'a developer cannot block or unblock itself');
  if (target.roleId === ADMIN_ROLE_ID) throw new IdentityError('forbidden', 'an admin cannot be blocked; change its role first');
  if (target.blocked === blocked) return target;
  const now = clock.now();
  // Conditional on the role read above: of two racing changes exactly one applies, the other sees the new role.
  const r = await trx
    .updateTable('developers')
    .set({ role_id: blocked ? BLOCKED_ROLE_ID : DEFAULT_ROLE_ID, updated_at: now })
    .where('id', '=', developerId)
    .where('role_id', '=', target.roleId)
    .executeTakeFirst();
  if (Number(r.numUpdatedRows) === 1 && blocked) {
    await trx.updateTable('developer_tokens').set({ revoked_at: now }).where('developer_id', '=', developerId).where('revoked_at', 'is', null).execute();
  }
  return (await getDeveloper(trx, developerId))!;
}

/** Revokes one developer token (sign-out); false when it was already revoked. */
export async function revokeDeveloperToken(trx: Db, tokenId: number, clock: Clock): Promise<boolean> {
  const r = await trx.updateTable('developer_tokens').set({ revoked_at: clock.now() }).where('id', '=', tokenId).where('revoked_at', 'is', null).executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/**
 * Live apps by ascending id after `afterId`: the actor's own, or — for an admin — every developer's, optionally
 * those of `developerId` only; `query` matches a substring of the name (case-insensitive) or, all digits, the id.
 */
export async function listAppsFor(
  db: Db,
  actor: Developer,
  filter: { developerId?: number; query?: string; afterId?: number; limit: number },
): Promise<StoredApp[]> {
  if (filter.developerId !== undefined && filter.developerId !== actor.id && !actor.isAdmin) throw new IdentityError('forbidden', 'not your account');
  let q = db.selectFrom('apps').select('id').where('status', '=', 'live');
  const owner = actor.isAdmin ? filter.developerId : actor.id;
  if (owner !== undefined) q = q.where('developer_id', '=', owner);
  if (filter.afterId !== undefined) q = q.where('id', '>', filter.afterId);
  const query = filter.query?.trim().toLowerCase() ?? '';
  if (query !== '') {
    const pattern = `%${escapeLike(query.slice(0, 128))}%`;
    const asId = /^[0-9]{1,15}$/.test(query) ? Number(query) : null;
    q = q.where((eb) => eb.or([sql<boolean>`name_lower like ${pattern} escape '\\'`, ...(asId !== null ? [eb('id', '=', asId)] : [])]));
  }
  const rows = await q.orderBy('id', 'asc').limit(clamp(filter.limit)).execute();
  const out: StoredApp[] = [];
  for (const r of rows) {
    const app = await getApp(db, toNum(r.id));
    if (app) out.push(app);
  }
  return out;
}

/**
 * Renames and/or re-describes a live app the actor may manage (`des` null clears it). Order: `app_not_found`,
 * `forbidden`, `app_name_taken` (another live app of the same owner has the name).
 */
export async function editAppAs(trx: Db, actor: Developer, appId: number, patch: { name?: string; des?: string | null }, clock: Clock): Promise<StoredApp> {
  const app = await ownedLiveApp(trx, actor, appId);
  const set: { name?: string; name_lower?: string; des?: string | null; updated_at?: number } = {};
  if (patch.name !== undefined && patch.name !== app.name) {
    const taken = await trx
      .selectFrom('apps')
      .select('id')
      .where('developer_id', '=', app.developerId)
      .where('name_lower', '=', patch.name.toLowerCase())
      .where('status', '=', 'live')
      .where('id', '<>', appId)
      .executeTakeFirst();
    if (taken) throw new IdentityError('app_name_taken');
    Object.assign(set, { name: patch.name, name_lower: patch.name.toLowerCase() });
  }
  if (patch.des !== undefined && patch.des !== app.des) set.des = patch.des;
  if (Object.keys(set).length === 0) return app;
  set.updated_at = clock.now();
  try {
    const r = await trx.updateTable('apps').set(set).where('id', '=', appId).where('status', '=', 'live').executeTakeFirst();
    if (Number(r.numUpdatedRows) !== 1) throw new IdentityError('app_not_found');
  } catch (err) {
    if (isUniqueViolation(err)) throw new IdentityError('app_name_taken');
    throw err;
  }
  return (await getApp(trx, appId))!;
}
