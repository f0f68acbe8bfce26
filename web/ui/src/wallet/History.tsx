// The history: transfers touching the user's accounts, newest first, a page at a time (the API's `before` cursor;
// the cursors seen so far are kept so Previous needs no reverse cursor), optionally for one account.
import { useEffect } from 'react';
import { useAsync, useCursorPages } from '../shared/hooks';
import { DataTable, ErrorBanner, Loading, Pager, SelectField, StatusPill, short } from '../shared/ui';
import { walletApi, type Balance, type HistoryEntry } from './api';
import { formatDate, kindLabel, signed, subLabel } from './format';

const PAGE_SIZE = 10;

function counterpartyText(t: HistoryEntry): string {
  const name = t.counterparty.name ?? (t.counterparty.kind === 'user' ? 'another user' : t.counterparty.kind);
  if (t.direction === 'internal') return 'between your balances';
  return t.direction === 'in' ? `from ${name}` : `to ${name}`;
}

export function History({ balances, account, onAccount }: { balances: readonly Balance[]; account: number | null; onAccount(id: number | null): void }) {
  const pages = useCursorPages<number>();
  const { reset } = pages;
  useEffect(() => reset(), [account]); // eslint-disable-line react-hooks/exhaustive-deps -- a new filter starts at page 1
  const page = useAsync(() => walletApi.history({ limit: PAGE_SIZE, before: pages.cursor, account: account ?? undefined }), [pages.cursor, account]);
  const options: Array<readonly [string, string]> = [['', 'All accounts'], ...balances.map((b) => [String(b.accountId), `${b.asset} · ${subLabel(b.sub)}`] as const)];
  return (
    <>
      <div className="filters">
        <SelectField label="Account" value={account === null ? '' : String(account)} options={options} onChange={(e) => onAccount(e.target.value === '' ? null : Number(e.target.value))} />
      </div>
      <ErrorBanner error={page.error} />
      {page.loading && !page.data ? <Loading /> : null}
      {page.data ? (
        <>
          <DataTable
            caption="Transfers, newest first"
            rowKey={(t) => t.txid}
            rows={page.data.transfers}
            empty="No transfers yet."
            columns={[
              { header: 'When', cell: (t) => formatDate(t.createdAt) },
              {
                header: 'What',
                // One element: on a phone each cell is a two-column grid (label, value).
                cell: (t) => (
                  <div>
                    {kindLabel(t.kind)} <span className="muted">{counterpartyText(t)}</span>
                    {t.memo ? <div className="muted">{t.memo}</div> : null}
                  </div>
                ),
              },
              { header: 'Amount', className: 'num', cell: (t) => <span className={`amount-${t.direction}`}>{signed(t.direction, t.amount.amount)} {t.asset}</span> },
              { header: 'Status', cell: (t) => <StatusPill value={t.status} /> },
              { header: 'Transaction', cell: (t) => <code title={t.txid} className="nowrap">{short(t.txid, 10)}</code> },
              { header: 'Block', cell: (t) => (t.block === null ? '—' : `#${t.block}`) },
            ]}
          />
          <Pager page={pages.page} hasNext={page.data.next !== null} onPrevious={pages.previous} onNext={() => page.data?.next != null && pages.next(page.data.next)} />
        </>
      ) : null}
    </>
  );
}
