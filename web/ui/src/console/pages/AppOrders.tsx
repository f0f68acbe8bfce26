// Orders of the app (liveuser), newest first, filtered by state or buyer, 20 a page.
import { useState } from 'react';
import { usePaged } from '../../shared/hooks';
import { DataTable, ErrorBanner, Loading, Pager, SelectField, StatusPill, TextField, formatTime } from '../../shared/ui';
import { api } from '../session';
import type { Order } from '../types';

export const yuan = (cents: number) => `¥${(cents / 100).toFixed(2)}`;

export function AppOrders({ appId }: { appId: number }) {
  const [state, setState] = useState('');
  const [uid, setUid] = useState('');
  const list = usePaged(
    (before: number | undefined, limit) => api.get<Order[]>(`/apps/${appId}/orders`, { state, uid: uid.trim(), before, limit }),
    (o) => o.id,
    [appId, state, uid],
  );
  return (
    <>
      <form className="filters" role="search" aria-label="Filter orders" onSubmit={(e) => e.preventDefault()}>
        <SelectField label="State" options={[['', 'Any state'], ['created', 'Created'], ['paid', 'Paid']]} value={state} onChange={(e) => setState(e.target.value)} />
        <TextField label="Buyer uid" value={uid} onChange={(e) => setUid(e.target.value)} />
      </form>
      <ErrorBanner error={list.error} />
      {list.loaded ? (
        <>
          <DataTable
            caption="Orders"
            rows={list.rows}
            rowKey={(o) => o.id}
            empty="No orders match."
            columns={[
              { header: 'Order', cell: (o) => <code>{o.id}</code> },
              { header: 'Buyer', cell: (o) => <code>{o.uid}</code> },
              { header: 'Items', cell: (o) => o.lines.map((l) => `${l.count} × ${l.name}`).join(', ') },
              { header: 'To pay', cell: (o) => yuan(o.pay), className: 'num' },
              { header: 'State', cell: (o) => <StatusPill value={o.deleted ? 'deleted' : o.state} /> },
              { header: 'Created', cell: (o) => formatTime(o.created_at) },
              { header: 'Paid', cell: (o) => formatTime(o.paid_at) },
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
