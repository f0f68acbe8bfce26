// The ledger accounts of Kamiya billing (spec/kamiya.md §1), all in asset CREDIT:
//   user    {kind:'user',   id:String(uid)}   subs `credit` (allow_negative = 1, see README) and `nc_credit`
//   app     {kind:'app',    id:String(app id)} subs `credit` and `nc_credit` (revenue)
//   platform {kind:'system', id:'kamiya.fees'} subs `credit` and `nc_credit` (platform fee)
import { sql } from 'kysely';
import type { Clock } from '../../core/clock.js';
import { ensureAccount, findAccount } from '../../core/ledger/accounts.js';
import { ensureAsset, getAssetBySymbol } from '../../core/ledger/assets.js';
import { isPostgres, type Db } from '../../core/ledger/rows.js';
import type { Account, AccountOwner } from '../../core/ledger/types.js';
import { toBig, toNum } from '../../db/values.js';
import { CREDIT_PRECISION, CREDIT_SYMBOL, type Balances } from './rules.js';

export const FEE_OWNER: AccountOwner = { kind: 'system', id: 'kamiya.fees' };
export const CREDIT_SUB = 'credit';
export const NC_SUB = 'nc_credit';

export const userOwner = (uid: number): AccountOwner => ({ kind: 'user', id: String(uid) });
export const appOwner = (appId: number): AccountOwner => ({ kind: 'app', id: String(appId) });

export interface AccountPair {
  credit: Account;
  nc: Account;
}

/** The CREDIT asset (with its issuer) and the platform fee accounts. Idempotent; run at start-up. */
export async function ensureBilling(db: Db, clock: Clock): Promise<number> {
  const asset = await ensureAsset(db, { symbol: CREDIT_SYMBOL, precision: CREDIT_PRECISION }, clock);
  await ensureAccount(db, { owner: FEE_OWNER, assetId: asset.id, sub: CREDIT_SUB }, clock);
  await ensureAccount(db, { owner: FEE_OWNER, assetId: asset.id, sub: NC_SUB }, clock);
  return asset.id;
}

/** The CREDIT asset id; an Error when start-up never ensured it (a deployment bug, not a user error). */
export async function creditAssetId(db: Db): Promise<number> {
  const asset = await getAssetBySymbol(db, CREDIT_SYMBOL);
  if (!asset) throw new Error('asset CREDIT is missing: ensureBilling() must run at start-up');
  return asset.id;
}

/**
 * The user's two accounts, created when missing. `credit` is created with allow_negative = 1 so that forceCharge
 * can take it below zero; an account someone created earlier without the flag (e.g. an operator's tool) is switched
 * once by a conditional update. Normal charges never rely on the flag: they decide under the row lock (service.ts).
 */
export async function ensureUserAccounts(trx: Db, assetId: number, uid: number, clock: Clock): Promise<AccountPair> {
  const owner = userOwner(uid);
  let credit = await ensureAccount(trx, { owner, assetId, sub: CREDIT_SUB, allowNegative: true }, clock);
  if (!credit.allowNegative) {
    await trx.updateTable('ledger_accounts').set({ allow_negative: 1 }).where('id', '=', credit.id).where('allow_negative', '=', 0).execute();
    credit = { ...credit, allowNegative: true };
  }
  const nc = await ensureAccount(trx, { owner, assetId, sub: NC_SUB }, clock);
  return { credit, nc };
}

export async function ensureAppAccounts(trx: Db, assetId: number, appId: number, clock: Clock): Promise<AccountPair> {
  const owner = appOwner(appId);
  const credit = await ensureAccount(trx, { owner, assetId, sub: CREDIT_SUB }, clock);
  const nc = await ensureAccount(trx, { owner, assetId, sub: NC_SUB }, clock);
  return { credit, nc };
}

export async function feeAccounts(trx: Db, assetId: number, clock: Clock): Promise<AccountPair> {
  const credit = await ensureAccount(trx, { owner: FEE_OWNER, assetId, sub: CREDIT_SUB }, clock);
  const nc = await ensureAccount(trx, { owner: FEE_OWNER, assetId, sub: NC_SUB }, clock);
  return { credit, nc };
}

/**
 * Locks the user's two rows (PostgreSQL `FOR UPDATE`, ascending id; SQLite's `begin immediate` already serialises
 * writers) and reads their posted balances. Everything the caller decides from them holds until commit.
 */
export async function lockBalances(trx: Db, pair: AccountPair): Promise<Balances> {
  const ids = [pair.credit.id, pair.nc.id].sort((a, b) => a - b);
  const lock = isPostgres(trx) ? sql`for update` : sql``;
  const { rows } = await sql<{ id: unknown; balance: unknown; pending_out: unknown }>`
    select id, balance, pending_out from ledger_accounts where id in (${ids[0]}, ${ids[1]}) order by id ${lock}`.execute(trx);
  // Spendable = posted balance minus outbound holds (billing makes none, but another module's hold is respected).
  const balanceOf = (id: number): bigint => {
    const row = rows.find((r) => toNum(r.id as bigint) === id);
    if (!row) throw new Error(`ledger account ${id} vanished`);
    return toBig(row.balance as bigint) - toBig(row.pending_out as bigint);
  };
  return { credit: balanceOf(pair.credit.id), nc: balanceOf(pair.nc.id) };
}

/** Read-only balances for detail and auth: missing accounts count as 0 and are not created. */
export async function readBalances(db: Db, assetId: number, uid: number): Promise<Balances> {
  const owner = userOwner(uid);
  const credit = await findAccount(db, owner, assetId, CREDIT_SUB);
  const nc = await findAccount(db, owner, assetId, NC_SUB);
  return { credit: credit?.balance ?? 0n, nc: nc?.balance ?? 0n };
}
