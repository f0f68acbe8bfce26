// Chain accounts: which uid names a user, an app or a system account (§5.1), their YOYO sub-balances on the ledger
// (owner user/<uid>, app/<uid>, system/yoyow.<role>; subs `balance`, `prepaid`, `csaf`), and their chain-side row
// in `yoyow_accounts` (flags, csaf settlement state, history counter).
import { sql } from 'kysely';
import type { Clock } from '../../core/clock.js';
import { getApp } from '../../core/identity/apps.js';
import { allocateUid } from '../../core/identity/uid.js';
import { getUserByUid } from '../../core/identity/users.js';
import { ensureAccount } from '../../core/ledger/accounts.js';
import { ensureAsset, getAssetBySymbol } from '../../core/ledger/assets.js';
import { isPostgres } from '../../core/ledger/rows.js';
import type { Account, AccountOwner } from '../../core/ledger/types.js';
import type { Transaction } from 'kysely';
import type { DB } from '../../db/schema.js';
import { toBig, toBool, toNum } from '../../db/values.js';
import { nowSeconds } from './csaf.js';
import { YOYO_PRECISION, YOYO_SYMBOL, type Db, type YoyowAccountRef } from './types.js';

export const SUBS = ['balance', 'prepaid', 'csaf'] as const;
export type Sub = (typeof SUBS)[number];

/**
 * The node's system accounts: the YOYO issuer (subs may go negative), the node (registrar, block producer) and the
 * advertising escrow (modules/ads: buyers' prices held until confirm, refusal or ransom; kept ≥ 0 like any account).
 */
export const SYSTEM_ROLES = ['issuer', 'node', 'escrow'] as const;
export type SystemRole = (typeof SYSTEM_ROLES)[number];

export interface ChainInfo {
  assetId: number;
  issuerUid: number;
  nodeUid: number;
  escrowUid: number;
}

export function ledgerOwner(ref: Pick<YoyowAccountRef, 'kind' | 'uid' | 'systemRole'>): AccountOwner {
  if (ref.kind === 'system') return { kind: 'system', id: `yoyow.${ref.systemRole ?? 'unknown'}` };
  return { kind: ref.kind, id: String(ref.uid) };
}

async function readSystem(db: Db): Promise<Map<string, number>> {
  const rows = await db.selectFrom('yoyow_accounts').select(['uid', 'system_role']).where('kind', '=', 'system').execute();
  return new Map(rows.filter((r) => r.system_role !== null).map((r) => [r.system_role!, toNum(r.uid)]));
}

/** The YOYO asset and the system accounts when they exist (read-only); null before `ensureYoyowChain`. */
export async function readChainInfo(db: Db): Promise<ChainInfo | null> {
  const asset = await getAssetBySymbol(db, YOYO_SYMBOL);
  if (!asset) return null;
  const system = await readSystem(db);
  const issuerUid = system.get('issuer');
  const nodeUid = system.get('node');
  const escrowUid = system.get('escrow');
  // A store created before a role existed gets it from the next ensureYoyowChain (null here sends it there).
  if (issuerUid === undefined || nodeUid === undefined || escrowUid === undefined) return null;
  return { assetId: asset.id, issuerUid, nodeUid, escrowUid };
}

/**
 * Creates the YOYO asset and the system accounts (with their ledger accounts) when missing. Idempotent and safe to
 * race: a system row is insert-or-nothing on its role, and everyone then reads the winner (a loser's allocated uid
 * stays unused). Runs in the caller's transaction, or opens one.
 */
export async function ensureYoyowChain(db: Db, clock: Clock): Promise<ChainInfo> {
  const existing = await readChainInfo(db);
  if (existing) return existing;
  const run = async (trx: Transaction<DB>): Promise<ChainInfo> => {
    const asset = await ensureAsset(trx, { symbol: YOYO_SYMBOL, precision: YOYO_PRECISION }, clock);
    const system = await readSystem(trx);
    for (const role of SYSTEM_ROLES) {
      if (system.has(role)) continue;
      // The uid comes from the shared sequence; uid_sequence.kind records 'system' (the column is free text).
      const uid = await allocateUid(trx, 'system' as 'app', clock);
      const now = clock.now();
      await trx
        .insertInto('yoyow_accounts')
        .values({ uid, kind: 'system', system_role: role, can_post: 0, can_reply: 0, can_rate: 0, csaf_settled_at: nowSeconds(now), created_at: now, updated_at: now })
        .onConflict((oc) => oc.doNothing())
        .execute();
    }
    const after = await readSystem(trx);
    for (const role of SYSTEM_ROLES) {
      const uid = after.get(role)!;
      for (const sub of SUBS) {
        await ensureAccount(trx, { owner: ledgerOwner({ kind: 'system', uid, systemRole: role }), assetId: asset.id, sub, allowNegative: role === 'issuer' }, clock);
      }
    }
    return { assetId: asset.id, issuerUid: after.get('issuer')!, nodeUid: after.get('node')!, escrowUid: after.get('escrow')! };
  };
  return db.isTransaction ? run(db as Transaction<DB>) : (db as import('kysely').Kysely<DB>).transaction().execute(run);
}

/** Users and apps share the uid space (§1); system accounts are rows of `yoyow_accounts`. null = no account. */
export async function resolveAccount(db: Db, uid: number): Promise<YoyowAccountRef | null> {
  if (!Number.isSafeInteger(uid) || uid < 0) return null;
  const system = await db.selectFrom('yoyow_accounts').select(['system_role', 'created_at']).where('uid', '=', uid).where('kind', '=', 'system').executeTakeFirst();
  if (system) return { kind: 'system', uid, systemRole: system.system_role ?? 'unknown', createdAt: toNum(system.created_at) };
  const app = await getApp(db, uid);
  if (app) return { kind: 'app', uid, appId: app.id, createdAt: app.createdAt };
  const user = await getUserByUid(db, uid);
  if (user) return { kind: 'user', uid, userId: user.id, username: user.username, disabled: user.disabled, createdAt: user.createdAt };
  return null;
}

const NAME = /^[a-z][a-z0-9.-]{1,62}$/;

/** §5.1: a user's username when it fits the chain's name rule, else `yoyo<uid>`. */
export function nameOf(ref: YoyowAccountRef): string {
  if (ref.kind === 'user' && ref.username !== undefined && NAME.test(ref.username)) return ref.username;
  return `yoyo${ref.uid}`;
}

/** §5.1 name; re-reads the user when the ref carries no username. */
export async function accountName(db: Db, ref: YoyowAccountRef): Promise<string> {
  if (ref.kind === 'user' && ref.username === undefined) {
    const full = await resolveAccount(db, ref.uid);
    if (full) return nameOf(full);
  }
  return nameOf(ref);
}

export interface ChainAccountRow {
  uid: number;
  kind: YoyowAccountRef['kind'];
  canPost: boolean;
  canReply: boolean;
  canRate: boolean;
  csafSettledAt: number;
  csafCarry: bigint;
  createdAt: number;
  updatedAt: number;
}

function rowToChain(r: {
  uid: bigint | number;
  kind: YoyowAccountRef['kind'];
  can_post: bigint | number;
  can_reply: bigint | number;
  can_rate: bigint | number;
  csaf_settled_at: bigint | number;
  csaf_carry: bigint | number;
  created_at: bigint | number;
  updated_at: bigint | number;
}): ChainAccountRow {
  return {
    uid: toNum(r.uid),
    kind: r.kind,
    canPost: toBool(r.can_post),
    canReply: toBool(r.can_reply),
    canRate: toBool(r.can_rate),
    csafSettledAt: toNum(r.csaf_settled_at),
    csafCarry: toBig(r.csaf_carry),
    createdAt: toNum(r.created_at),
    updatedAt: toNum(r.updated_at),
  };
}

const CHAIN_COLUMNS = ['uid', 'kind', 'can_post', 'can_reply', 'can_rate', 'csaf_settled_at', 'csaf_carry', 'created_at', 'updated_at'] as const;

export async function getChainAccount(db: Db, uid: number): Promise<ChainAccountRow | null> {
  const r = await db.selectFrom('yoyow_accounts').select(CHAIN_COLUMNS).where('uid', '=', uid).executeTakeFirst();
  return r ? rowToChain(r) : null;
}

/**
 * Locks the account's chain row until commit (PostgreSQL `FOR UPDATE`; SQLite transactions begin immediate, one
 * writer at a time). Every settlement and csaf/prepaid spend of the account runs under this lock.
 */
export async function lockChainAccount(trx: Transaction<DB>, uid: number): Promise<ChainAccountRow> {
  const lock = isPostgres(trx) ? sql`for update` : sql``;
  const { rows } = await sql<Parameters<typeof rowToChain>[0]>`
    select uid, kind, can_post, can_reply, can_rate, csaf_settled_at, csaf_carry, created_at, updated_at
    from yoyow_accounts where uid = ${uid} ${lock}`.execute(trx);
  const row = rows[0];
  if (!row) throw new Error(`yoyow account ${uid} has no chain row (openAccount first)`);
  return rowToChain(row);
}

/** Inserts the chain row when missing; true when this call created it. */
export async function insertChainRow(trx: Transaction<DB>, ref: YoyowAccountRef, clock: Clock): Promise<boolean> {
  const now = clock.now();
  const inserted = await trx
    .insertInto('yoyow_accounts')
    // updated_at starts at the account's creation: opening the chain row is not a change of the account.
    .values({ uid: ref.uid, kind: ref.kind, system_role: null, csaf_settled_at: nowSeconds(now), created_at: now, updated_at: ref.createdAt ?? now })
    .onConflict((oc) => oc.column('uid').doNothing())
    .returning('uid')
    .executeTakeFirst();
  return inserted !== undefined;
}

export type SubAccounts = Record<Sub, Account>;

/** The account's three YOYO ledger accounts, created when missing (the issuer's may go negative). */
export async function subAccounts(trx: Db, ref: YoyowAccountRef, assetId: number, clock: Clock): Promise<SubAccounts> {
  const owner = ledgerOwner(ref);
  const allowNegative = ref.kind === 'system' && ref.systemRole === 'issuer';
  const out: Partial<SubAccounts> = {};
  for (const sub of SUBS) out[sub] = await ensureAccount(trx, { owner, assetId, sub, allowNegative }, clock);
  return out as SubAccounts;
}

export type SubBalances = Record<Sub, bigint>;

/** Spendable sub-balances (posted minus outbound holds); missing accounts count as 0. Read-only. */
export async function readSubBalances(db: Db, ref: Pick<YoyowAccountRef, 'kind' | 'uid' | 'systemRole'>, assetId: number): Promise<SubBalances> {
  const owner = ledgerOwner(ref);
  const rows = await db
    .selectFrom('ledger_accounts')
    .select(['sub', 'balance', 'pending_out'])
    .where('owner_kind', '=', owner.kind)
    .where('owner_id', '=', owner.id)
    .where('asset_id', '=', assetId)
    .where('sub', 'in', [...SUBS])
    .execute();
  const out: SubBalances = { balance: 0n, prepaid: 0n, csaf: 0n };
  for (const r of rows) out[r.sub as Sub] = toBig(r.balance) - toBig(r.pending_out);
  return out;
}

/** §4.4: all YOYO outside the issuer (`balance` + `prepaid` of every other account; csaf excluded). */
export async function currentSupply(db: Db, info: ChainInfo): Promise<bigint> {
  const issuer = ledgerOwner({ kind: 'system', uid: info.issuerUid, systemRole: 'issuer' });
  const { rows } = await sql<{ total: unknown }>`
    select cast(coalesce(sum(balance), 0) as bigint) as total from ledger_accounts
    where asset_id = ${info.assetId} and sub in ('balance', 'prepaid')
      and not (owner_kind = ${issuer.kind} and owner_id = ${issuer.id})`.execute(db);
  return toBig(rows[0]?.total as bigint);
}
