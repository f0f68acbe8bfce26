// Kamiya charges the app received (ledger transfers crediting it), newest first, by kind and time range, 20 a page.
import { useState } from 'react';
import { usePaged } from '../../shared/hooks';
import { Link } from '../../shared/router';
import { DataTable, ErrorBanner, Loading, Pager, SelectField, StatusPill, TextField, formatTime } from '../../shared/ui';
import { api } from '../session';
import type { Transfer } from '../types';

/** A date input's value (YYYY-MM-DD) as the start of that UTC day. */
const dayStart = (d: string) => (d ? `${d}T00:00:00Z` : undefined);

export function AppCharges({ appId, admin }: { appId: number; admin: boolean }) {
  const [kind, setKind] = useState('');
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const list = usePaged(
    (before: number | undefined, limit) => api.get<Transfer[]>(`/apps/${appId}/charges`, { kind, from: dayStart(from), to: dayStart(to), before, limit }),
    (t) => t.seq,
    [appId, kind, from, to],
  );
  return (
    <>
      <form className="filters" role="search" aria-label="Filter charges" onSubmit={(e) => e.preventDefault()}>
        <SelectField label="Kind" options={[['', 'All charges'], ['charge', 'Charge'], ['force_charge', 'Forced charge']]} value={kind} onChange={(e) => setKind(e.target.value)} />
        <TextField label="From (UTC day)" type="date" value={from} onChange={(e) => setFrom(e.target.value)} />
        <TextField label="Before (UTC day)" type="date" value={to} onChange={(e) => setTo(e.target.value)} />
      </form>
      <ErrorBanner error={list.error} />
      {list.loaded ? (
        <>
          <DataTable
            caption="Charges"
            rows={list.rows}
            rowKey={(t) => t.seq}
            empty="No charges match."
            columns={[
              { header: 'Seq', cell: (t) => t.seq, className: 'num' },
              { header: 'Amount', cell: (t) => `${t.amount} ${t.asset}`, className: 'num' },
              { header: 'Kind', cell: (t) => <code>{t.kind}</code> },
              { header: 'Memo', cell: (t) => t.memo || '—' },
              { header: 'From account', cell: (t) => (admin ? <Link to={`/ledger/accounts/${t.debit_account_id}`}>{t.debit_account_id}</Link> : t.debit_account_id) },
              { header: 'Status', cell: (t) => <StatusPill value={t.status} /> },
              { header: 'Created', cell: (t) => formatTime(t.created_at) },
            ]}
          />
          <Pager page={list.page} hasNext={list.hasNext} onPrevious={list.previous} onNext={list.next} />
        </>
      ) : (
        <Loading />
      )}
    </>
  );
}
