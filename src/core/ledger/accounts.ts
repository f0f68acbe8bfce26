// Ledger accounts: one per (owner, asset, sub-balance). Balances are only ever changed by transfers.ts.
import { sql } from 'kysely';
import type { Clock } from '../clock.js';
import { flag, toBig } from '../../db/values.js';
import { accountFromRow, clampLimit, type Db } from './rows.js';
import { LedgerError, type Account, type AccountOwner } from './types.js';

export const ISSUER_OWNER: AccountOwner = { kind: 'system', id: 'issuer' };
export const ISSUER_SUB = 'issuer';

/** Creates the account when missing (insert … on conflict do nothing, then select); returns the stored one. */
export async function ensureAccount(
  db: Db,
  input: { owner: AccountOwner; assetId: number; sub?: string; allowNegative?: boolean },
  clock: Clock,
): Promise<Account> {
  const sub = input.sub ?? 'balance';
  if (!input.owner.kind || input.owner.id === '' || sub === '') throw new Error('account owner kind, id and sub must be non-empty');
  // Most calls find the account already there (every charge, every payment): one read, and a write only when it is
  // missing. The insert tolerates a concurrent creator (on conflict do nothing), then the row is read again.
  const existing = await findAccount(db, input.owner, input.assetId, sub);
  if (existing) return existing;
  await db
    .insertInto('ledger_accounts')
    .values({
      owner_kind: input.owner.kind,
      owner_id: input.owner.id,
      asset_id: input.assetId,
      sub,
      allow_negative: flag(input.allowNegative ?? false),
      frozen: 0,
      balance: 0,
      pending_out: 0,
      pending_in: 0,
      created_at: clock.now(),
    })
    .onConflict((oc) => oc.columns(['owner_kind', 'owner_id', 'asset_id', 'sub']).doNothing())
    .execute();
  const account = await findAccount(db, input.owner, input.assetId, sub);
  if (!account) throw new Error('account vanished after insert');
  return account;
}

export async function getAccount(db: Db, id: number): Promise<Account | null> {
  const row = await db.selectFrom('ledger_accounts').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? accountFromRow(row) : null;
}

export async function findAccount(db: Db, owner: AccountOwner, assetId: number, sub = 'balance'): Promise<Account | null> {
  const row = await db
    .selectFrom('ledger_accounts')
    .selectAll()
    .where('owner_kind', '=', owner.kind)
    .where('owner_id', '=', owner.id)
    .where('asset_id', '=', assetId)
    .where('sub', '=', sub)
    .executeTakeFirst();
  return row ? accountFromRow(row) : null;
}

/** The asset's issuer account (created by ensureAsset); `not_found` when the asset was never ensured. */
export async function issuerAccount(db: Db, assetId: number): Promise<Account> {
  const account = await findAccount(db, ISSUER_OWNER, assetId, ISSUER_SUB);
  if (!account) throw new LedgerError('not_found', `asset ${assetId} has no issuer account (was it created with ensureAsset?)`);
  return account;
}

export async function listAccounts(
  db: Db,
  filter: { ownerKind?: string; ownerId?: string; assetId?: number; afterId?: number; limit: number },
): Promise<Account[]> {
  let q = db.selectFrom('ledger_accounts').selectAll();
  if (filter.ownerKind !== undefined) q = q.where('owner_kind', '=', filter.ownerKind);
  if (filter.ownerId !== undefined) q = q.where('owner_id', '=', filter.ownerId);
  if (filter.assetId !== undefined) q = q.where('asset_id', '=', filter.assetId);
  if (filter.afterId !== undefined) q = q.where('id', '>', filter.afterId);
  const rows = await q.orderBy('id').limit(clampLimit(filter.limit)).execute();
  return rows.map(accountFromRow);
}

/** A frozen account can neither be debited nor credited (new transfers and posts); voids still release holds. */
export async function setAccountFrozen(db: Db, id: number, frozen: boolean): Promise<void> {
  await db.updateTable('ledger_accounts').set({ frozen: flag(frozen) }).where('id', '=', id).execute();
}

export interface BalanceSplit {
  /** Net of posted transfers sealed into blocks. */
  confirmed: bigint;
  /** Net of posted transfers not yet sealed (may be negative). */
  unconfirmed: bigint;
  /** Inbound pending holds. */
  unmatured: bigint;
  total: bigint;
}

/**
 * Ulord §8.2 split of one account. One statement, so the parts come from one snapshot on both stores:
 * unconfirmed is summed over the (few) transfers above the last sealed block via the block index, and
 * confirmed = posted balance − unconfirmed. Outbound holds appear in none of the parts.
 */
export async function balanceSplit(db: Db, accountId: number): Promise<BalanceSplit> {
  const sealed = sql`(select coalesce(max(b.number), 0) from ledger_blocks b)`;
  const { rows } = await sql<{ balance: unknown; pending_in: unknown; unc_in: unknown; unc_out: unknown }>`
    select a.balance, a.pending_in,
      (select cast(coalesce(sum(t.amount), 0) as bigint) from ledger_transfers t
        where t.block_number > ${sealed} and t.credit_account_id = a.id and t.status = 'posted') as unc_in,
      (select cast(coalesce(sum(t.amount), 0) as bigint) from ledger_transfers t
        where t.block_number > ${sealed} and t.debit_account_id = a.id and t.status = 'posted') as unc_out
    from ledger_accounts a where a.id = ${accountId}`.execute(db);
  const row = rows[0];
  if (!row) throw new LedgerError('not_found', `account ${accountId} not found`);
  const balance = toBig(row.balance as bigint);
  const unconfirmed = toBig(row.unc_in as bigint) - toBig(row.unc_out as bigint);
  const unmatured = toBig(row.pending_in as bigint);
  const confirmed = balance - unconfirmed;
  return { confirmed, unconfirmed, unmatured, total: confirmed + unconfirmed + unmatured };
}
