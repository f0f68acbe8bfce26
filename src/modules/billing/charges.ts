// The console's read of Kamiya billing: the charges an app received, i.e. posted ledger transfers of a `kamiya.*`
// kind whose credit account is one of the app's two CREDIT accounts (`credit`, `nc_credit`). The platform fee of a
// charge credits the fee account, so it is not listed here; check-ins credit users, never the app.
import type { Db } from '../../core/ledger/rows.js';
import { clampLimit, transferFromRow } from '../../core/ledger/rows.js';
import type { Transfer } from '../../core/ledger/types.js';
import { toNum } from '../../db/values.js';
import { appOwner } from './accounts.js';
import { KIND_CHARGE, KIND_FORCE_CHARGE } from './service.js';

/** Most charges one page returns. */
export const MAX_CHARGE_PAGE = 200;

export type ChargeKind = 'charge' | 'force_charge';

const KIND_OF: Record<ChargeKind, string> = { charge: KIND_CHARGE, force_charge: KIND_FORCE_CHARGE };

/**
 * The app's received charges, newest first (`seq < before`, exclusive cursor), optionally of one kind and within
 * [`from`, `to`) by creation time (ms). Empty when the app was never charged (it has no CREDIT accounts yet).
 */
export async function listAppCharges(
  db: Db,
  appId: number,
  filter: { kind?: ChargeKind; from?: number; to?: number; before?: number; limit: number },
): Promise<Transfer[]> {
  const owner = appOwner(appId);
  const accounts = await db.selectFrom('ledger_accounts').select('id').where('owner_kind', '=', owner.kind).where('owner_id', '=', owner.id).execute();
  if (accounts.length === 0) return [];
  let q = db
    .selectFrom('ledger_transfers')
    .selectAll()
    .where('credit_account_id', 'in', accounts.map((a) => toNum(a.id)))
    .where('status', '=', 'posted');
  q = filter.kind !== undefined ? q.where('kind', '=', KIND_OF[filter.kind]) : q.where('kind', 'in', [KIND_CHARGE, KIND_FORCE_CHARGE]);
  if (filter.from !== undefined) q = q.where('created_at', '>=', filter.from);
  if (filter.to !== undefined) q = q.where('created_at', '<', filter.to);
  if (filter.before !== undefined) q = q.where('seq', '<', filter.before);
  const rows = await q.orderBy('seq', 'desc').limit(Math.min(MAX_CHARGE_PAGE, clampLimit(filter.limit))).execute();
  return rows.map(transferFromRow);
}
