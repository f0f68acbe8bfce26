// The audit log (admins): every admin API change, newest first, by actor, 20 a page; each entry's redacted request
// body opens on demand.
import { useState } from 'react';
import { usePaged } from '../../shared/hooks';
import { usePageTitle } from '../../shared/router';
import { DataTable, ErrorBanner, Loading, Pager, TextField, formatTime } from '../../shared/ui';
import { api } from '../session';
import type { AuditEntry } from '../types';

export function AdminAudit() {
  usePageTitle('Audit log');
  const [actor, setActor] = useState('');
  const list = usePaged(
    (before: number | undefined, limit) => api.get<AuditEntry[]>('/audit', { actor: actor.trim(), before, limit }),
    (e) => e.id,
    [actor.trim()],
  );
  return (
    <main id="main" className="page">
      <h1>Audit log</h1>
      <p className="muted">Every change made through the admin API, recorded in the transaction that made it. Secrets are redacted.</p>
      <form className="filters" role="search" aria-label="Filter the audit log" onSubmit={(e) => e.preventDefault()}>
        <TextField label="Actor" placeholder="developer:1" hint="Exact, e.g. developer:1." value={actor} onChange={(e) => setActor(e.target.value)} />
        <button type="button" className="btn btn-secondary" onClick={list.reload}>
          Refresh
        </button>
      </form>
      <ErrorBanner error={list.error} />
      {list.loaded ? (
        <>
          <DataTable
            caption="Audit log entries"
            rows={list.rows}
            rowKey={(e) => e.id}
            empty="No entries match."
            columns={[
              { header: 'Entry', cell: (e) => e.id, className: 'num' },
              { header: 'When', cell: (e) => formatTime(e.at), className: 'nowrap' },
              { header: 'Actor', cell: (e) => <code>{e.actor}</code> },
              { header: 'Action', cell: (e) => <code>{e.action}</code> },
              { header: 'Target', cell: (e) => <code>{e.target}</code> },
              {
                header: 'Details',
                cell: (e) =>
                  Object.keys(e.details).length > 0 ? (
                    <details>
                      <summary>Request</summary>
                      <pre className="audit-details">{JSON.stringify(e.details, null, 2)}</pre>
                    </details>
                  ) : (
                    '—'
                  ),
              },
            ]}
          />
          <Pager page={list.page} hasNext={list.hasNext} onPrevious={list.previous} onNext={list.next} />
        </>
      ) : (
        <Loading />
      )}
    </main>
  );
}
