// An owner's statement: the transfers touching a set of accounts, newest first, paged by `seq`, each with the owners
// of both sides (so a caller can say "from Kitten Shop" without one read per row). Read-only; the end-user wallet
// (web/walletApi.ts) is its caller.
import type { AccountOwner, Transfer } from './types.js';
import { clampLimit, transferFromRow, type Db } from './rows.js';

/** Most accounts one statement reads over (a user holds one per asset and sub-balance: a handful). */
export const MAX_STATEMENT_ACCOUNTS = 200;

export interface StatementEntry extends Transfer {
  debitOwner: AccountOwner;
  debitSub: string;
  creditOwner: AccountOwner;
  creditSub: string;
}

/**
 * Transfers (any status) that debit or credit one of `accountIds`, by descending `seq`, below `beforeSeq` when given,
 * at most `limit` (clamped to the ledger's page bound). The (debit|credit)_account_id, seq indexes serve both arms.
 */
export async function listAccountsTransfers(db: Db, filter: { accountIds: readonly number[]; beforeSeq?: number; limit: number }): Promise<StatementEntry[]> {
  const ids = [...new Set(filter.accountIds)];
  if (ids.length === 0) return [];
  if (ids.length > MAX_STATEMENT_ACCOUNTS) throw new RangeError(`a statement reads at most ${MAX_STATEMENT_ACCOUNTS} accounts, got ${ids.length}`);
  let q = db
    .selectFrom('ledger_transfers')
    .innerJoin('ledger_accounts as d', 'd.id', 'ledger_transfers.debit_account_id')
    .innerJoin('ledger_accounts as c', 'c.id', 'ledger_transfers.credit_account_id')
    .selectAll('ledger_transfers')
    .select(['d.owner_kind as d_kind', 'd.owner_id as d_id', 'd.sub as d_sub', 'c.owner_kind as c_kind', 'c.owner_id as c_id', 'c.sub as c_sub'])
    .where((eb) => eb.or([eb('ledger_transfers.debit_account_id', 'in', ids), eb('ledger_transfers.credit_account_id', 'in', ids)]));
  const before = filter.beforeSeq;
  if (before !== undefined) q = q.where('ledger_transfers.seq', '<', before);
  const rows = await q.orderBy('ledger_transfers.seq', 'desc').limit(clampLimit(filter.limit)).execute();
  return rows.map((r) => ({
    ...transferFromRow(r),
    debitOwner: { kind: r.d_kind, id: r.d_id },
    debitSub: r.d_sub,
    creditOwner: { kind: r.c_kind, id: r.c_id },
    creditSub: r.c_sub,
  }));
}
