// What a user granted an app: one row per (app, user, kind) — kind is the flow that asked ('pi' | 'kamiya' |
// 'oidc') — with its scopes, an optional spending limit (minor units) and permission flags. Each (app, user) has
// one pairwise uid (a lowercase UUID v4) in `pairwise_uids`, assigned on the first grant of any kind and never
// changed, so an app sees the same id for a user after a revoke and a re-grant, and different apps see different
// ids. Revoking a grant revokes its tokens in the same transaction, so they stop working at once.
import { randomUUID } from 'node:crypto';
import type { Clock } from '../clock.js';
import { toBig, toNum, toNumOrNull } from '../../db/values.js';
import type { Db } from './deps.js';

export interface Grant {
  id: number;
  appId: number;
  userId: number;
  kind: string;
  scopes: string[];
  spendingLimitMinor: bigint | null;
  permissions: Record<string, boolean>;
  pairwiseUid: string;
  createdAt: number;
  updatedAt: number | null;
  revokedAt: number | null;
}

const COLUMNS = [
  'app_grants.id as id',
  'app_grants.app_id as app_id',
  'app_grants.user_id as user_id',
  'app_grants.kind as kind',
  'app_grants.scopes as scopes',
  'app_grants.spending_limit_minor as spending_limit_minor',
  'app_grants.permissions as permissions',
  'app_grants.pairwise_uid as pairwise_uid',
  'app_grants.created_at as created_at',
  'app_grants.updated_at as updated_at',
  'app_grants.revoked_at as revoked_at',
] as const;

type Row = {
  id: bigint | number;
  app_id: bigint | number;
  user_id: bigint | number;
  kind: string;
  scopes: string;
  spending_limit_minor: bigint | number | null;
  permissions: string;
  pairwise_uid: string;
  created_at: bigint | number;
  updated_at: bigint | number | null;
  revoked_at: bigint | number | null;
};

function toGrant(r: Row): Grant {
  return {
    id: toNum(r.id),
    appId: toNum(r.app_id),
    userId: toNum(r.user_id),
    kind: r.kind,
    scopes: JSON.parse(r.scopes) as string[],
    spendingLimitMinor: r.spending_limit_minor === null ? null : toBig(r.spending_limit_minor),
    permissions: JSON.parse(r.permissions) as Record<string, boolean>,
    pairwiseUid: r.pairwise_uid,
    createdAt: toNum(r.created_at),
    updatedAt: toNumOrNull(r.updated_at),
    revokedAt: toNumOrNull(r.revoked_at),
  };
}

/** Scopes deduplicated, in first-seen order. */
function normaliseScopes(scopes: readonly string[]): string[] {
  return [...new Set(scopes)];
}

/** The (app, user) pairwise uid, created on first use; a lost race reads the winner's. */
export async function pairwiseUidFor(trx: Db, appId: number, userId: number, clock: Clock): Promise<string> {
  const existing = await trx.selectFrom('pairwise_uids').select('pairwise_uid').where('app_id', '=', appId).where('user_id', '=', userId).executeTakeFirst();
  if (existing) return existing.pairwise_uid;
  await trx
    .insertInto('pairwise_uids')
    .values({ app_id: appId, user_id: userId, pairwise_uid: randomUUID(), created_at: clock.now() })
    .onConflict((oc) => oc.columns(['app_id', 'user_id']).doNothing())
    .execute();
  const row = await trx.selectFrom('pairwise_uids').select('pairwise_uid').where('app_id', '=', appId).where('user_id', '=', userId).executeTakeFirstOrThrow();
  return row.pairwise_uid;
}

export async function getGrant(db: Db, grantId: number): Promise<Grant | null> {
  const r = await db.selectFrom('app_grants').select(COLUMNS).where('app_grants.id', '=', grantId).executeTakeFirst();
  return r ? toGrant(r) : null;
}

async function findGrant(db: Db, appId: number, userId: number, kind: string): Promise<Grant | null> {
  const r = await db
    .selectFrom('app_grants')
    .select(COLUMNS)
    .where('app_grants.app_id', '=', appId)
    .where('app_grants.user_id', '=', userId)
    .where('app_grants.kind', '=', kind)
    .executeTakeFirst();
  return r ? toGrant(r) : null;
}

/**
 * Creates or replaces the (app, user, kind) grant: scopes, spending limit and permissions are set to the input
 * (absent limit = none, absent permissions = none); a re-grant after a revoke clears `revokedAt` and keeps the
 * pairwise uid. Two concurrent first grants end as one row.
 */
export async function upsertGrant(
  trx: Db,
  input: { appId: number; userId: number; kind: string; scopes: string[]; spendingLimitMinor?: bigint | null; permissions?: Record<string, boolean> },
  clock: Clock,
): Promise<Grant> {
  const now = clock.now();
  const values = {
    scopes: JSON.stringify(normaliseScopes(input.scopes)),
    spending_limit_minor: input.spendingLimitMinor ?? null,
    permissions: JSON.stringify(input.permissions ?? {}),
  };
  // Insert-or-nothing, then update: of two concurrent first grants one inserts and the other (which waits for it on
  // PostgreSQL's unique index) updates the same row, with no failed statement aborting a transaction.
  const pairwiseUid = await pairwiseUidFor(trx, input.appId, input.userId, clock);
  const inserted = await trx
    .insertInto('app_grants')
    .values({ app_id: input.appId, user_id: input.userId, kind: input.kind, ...values, pairwise_uid: pairwiseUid, created_at: now, updated_at: null, revoked_at: null })
    .onConflict((oc) => oc.columns(['app_id', 'user_id', 'kind']).doNothing())
    .returning('id')
    .executeTakeFirst();
  if (inserted) return (await getGrant(trx, toNum(inserted.id)))!;
  const existing = (await findGrant(trx, input.appId, input.userId, input.kind))!;
  await trx
    .updateTable('app_grants')
    .set({ ...values, updated_at: now, revoked_at: null })
    .where('id', '=', existing.id)
    .execute();
  return (await getGrant(trx, existing.id))!;
}

/** The live grant of (app, user, kind); null when none or revoked. */
export async function getActiveGrant(db: Db, appId: number, userId: number, kind: string): Promise<Grant | null> {
  const g = await findGrant(db, appId, userId, kind);
  return g && g.revokedAt === null ? g : null;
}

/** The user's live grants with their apps' names (live apps only), ascending id. */
export async function listUserGrants(db: Db, userId: number): Promise<Array<Grant & { appName: string }>> {
  const rows = await db
    .selectFrom('app_grants')
    .innerJoin('apps', 'apps.id', 'app_grants.app_id')
    .select([...COLUMNS, 'apps.name as app_name'])
    .where('app_grants.user_id', '=', userId)
    .where('app_grants.revoked_at', 'is', null)
    .where('apps.status', '=', 'live')
    .orderBy('app_grants.id', 'asc')
    .limit(1000)
    .execute();
  return rows.map((r) => ({ ...toGrant(r), appName: r.app_name }));
}

/**
 * Revokes a live grant of `userId` (a user can only revoke its own) and every live token issued under it. False
 * when no live grant with that id belongs to the user.
 */
export async function revokeGrant(trx: Db, grantId: number, userId: number, clock: Clock): Promise<boolean> {
  const now = clock.now();
  const r = await trx
    .updateTable('app_grants')
    .set({ revoked_at: now, updated_at: now })
    .where('id', '=', grantId)
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  if (Number(r.numUpdatedRows) !== 1) return false;
  await trx.updateTable('user_tokens').set({ revoked_at: now }).where('grant_id', '=', grantId).where('revoked_at', 'is', null).execute();
  return true;
}
