// Ledger transfers as a table, each linking to its transaction, accounts and block.
import { Link } from '../../shared/router';
import { DataTable, StatusPill, formatTime, short } from '../../shared/ui';
import type { Transfer } from '../types';

export function TransferTable({ caption, rows, account }: { caption: string; rows: readonly Transfer[]; account?: number }) {
  return (
    <DataTable
      caption={caption}
      rows={rows}
      rowKey={(t) => t.seq}
      empty="No transfers."
      columns={[
        { header: 'Transaction', cell: (t) => <Link to={`/ledger/tx/${t.txid}`}><code>{short(t.txid, 12)}</code></Link> },
        {
          header: 'Amount',
          className: 'num',
          cell: (t) => (account === undefined ? `${t.amount} ${t.asset}` : `${t.credit_account_id === account ? '+' : '−'}${t.amount} ${t.asset}`),
        },
        { header: 'From', cell: (t) => <Link to={`/ledger/accounts/${t.debit_account_id}`}>{t.debit_account_id}</Link> },
        { header: 'To', cell: (t) => <Link to={`/ledger/accounts/${t.credit_account_id}`}>{t.credit_account_id}</Link> },
        { header: 'Kind', cell: (t) => <code>{t.kind}</code> },
        { header: 'Status', cell: (t) => <StatusPill value={t.status} /> },
        { header: 'Block', cell: (t) => (t.block_number !== null ? <Link to={`/ledger/blocks/${t.block_number}`}>#{t.block_number}</Link> : 'open') },
        { header: 'Created', cell: (t) => formatTime(t.created_at) },
      ]}
    />
  );
}
