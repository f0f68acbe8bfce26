// Payments of the app (Pi dialect), newest first, filtered by state and direction, 20 a page.
import { useState } from 'react';
import { usePaged } from '../../shared/hooks';
import { DataTable, ErrorBanner, Loading, Pager, SelectField, StatusPill, formatTime, short } from '../../shared/ui';
import { api } from '../session';
import type { Payment } from '../types';

const STATES = [['', 'Any state'], ['created', 'Created'], ['approved', 'Approved'], ['verified', 'Verified'], ['completed', 'Completed'], ['cancelled', 'Cancelled']] as const;
const DIRECTIONS = [['', 'Both directions'], ['user_to_app', 'User to app'], ['app_to_user', 'App to user']] as const;

export function AppPayments({ appId }: { appId: number }) {
  const [state, setState] = useState('');
  const [direction, setDirection] = useState('');
  const list = usePaged(
    (after: string | undefined, limit) => api.get<Payment[]>(`/apps/${appId}/payments`, { state, direction, after, limit }),
    (p) => p.identifier,
    [appId, state, direction],
  );
  return (
    <>
      <form className="filters" role="search" aria-label="Filter payments" onSubmit={(e) => e.preventDefault()}>
        <SelectField label="State" options={STATES} value={state} onChange={(e) => setState(e.target.value)} />
        <SelectField label="Direction" options={DIRECTIONS} value={direction} onChange={(e) => setDirection(e.target.value)} />
        <button type="button" className="btn btn-secondary" onClick={list.reload}>
          Refresh
        </button>
      </form>
      <ErrorBanner error={list.error} />
      {list.loaded ? (
        <>
          <DataTable
            caption="Payments"
            rows={list.rows}
            rowKey={(p) => p.identifier}
            empty="No payments match."
            columns={[
              { header: 'Payment', cell: (p) => <code>{p.identifier}</code> },
              { header: 'Direction', cell: (p) => (p.direction === 'user_to_app' ? 'User → app' : 'App → user') },
              { header: 'Amount', cell: (p) => p.amount, className: 'num' },
              { header: 'Memo', cell: (p) => p.memo },
              { header: 'State', cell: (p) => <StatusPill value={p.state} /> },
              { header: 'User', cell: (p) => <code title={p.user_uid}>{short(p.user_uid, 8)}</code> },
              { header: 'Created', cell: (p) => formatTime(p.created_at), className: 'nowrap' },
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
