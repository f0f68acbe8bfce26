// Admin: the developer directory — search by name, email or id; block (tokens revoked, no sign-in) or unblock.
import { useState, type FormEvent } from 'react';
import { messageOf } from '../../shared/api';
import { useAsync, useCursorPages } from '../../shared/hooks';
import { usePageTitle } from '../../shared/router';
import { Button, DataTable, ErrorBanner, Loading, Pager, StatusPill, TextField, formatTime } from '../../shared/ui';
import { api } from '../session';
import type { Developer } from '../types';

const PAGE = 25;

export function AdminDevelopers() {
  usePageTitle('Developers');
  const [draft, setDraft] = useState('');
  const [query, setQuery] = useState('');
  const pages = useCursorPages<number>();
  const list = useAsync(() => api.get<Developer[]>('/developers', { query, after: pages.cursor, limit: PAGE + 1 }), [query, pages.cursor]);
  const [error, setError] = useState<string | null>(null);
  const rows = list.data?.slice(0, PAGE) ?? [];

  const search = (e: FormEvent) => {
    e.preventDefault();
    setQuery(draft.trim());
    pages.reset();
  };

  const toggle = async (d: Developer) => {
    setError(null);
    try {
      await api.send<Developer>('POST', `/developers/${d.id}/${d.blocked ? 'unblock' : 'block'}`);
      list.reload();
    } catch (err) {
      setError(messageOf(err));
    }
  };

  return (
    <main id="main" className="page">
      <h1>Developers</h1>
      <form className="form-row" role="search" onSubmit={search}>
        <TextField label="Search developers" type="search" placeholder="Username, email or id" value={draft} onChange={(e) => setDraft(e.target.value)} />
        <Button type="submit">Search</Button>
      </form>
      <ErrorBanner error={error ?? list.error} />
      {list.data ? (
        <>
          <DataTable
            caption="Developers"
            rows={rows}
            rowKey={(d) => d.id}
            empty={query ? `No developer matches “${query}”.` : 'No developers yet.'}
            columns={[
              { header: 'Id', cell: (d) => d.id, className: 'num' },
              { header: 'Username', cell: (d) => d.username },
              { header: 'Email', cell: (d) => d.email ?? '—' },
              { header: 'Role', cell: (d) => d.role },
              { header: 'Status', cell: (d) => <StatusPill value={d.blocked ? 'blocked' : 'active'} /> },
              { header: 'Joined', cell: (d) => formatTime(d.created_at) },
              {
                header: 'Actions',
                cell: (d) =>
                  d.is_admin ? (
                    <span className="muted">admin</span>
                  ) : (
                    <Button variant={d.blocked ? 'secondary' : 'danger'} className="btn-small" onClick={() => void toggle(d)} aria-label={`${d.blocked ? 'Unblock' : 'Block'} ${d.username}`}>
                      {d.blocked ? 'Unblock' : 'Block'}
                    </Button>
                  ),
              },
            ]}
          />
          <Pager page={pages.page} hasNext={list.data.length > PAGE} onPrevious={pages.previous} onNext={() => { const l = rows[rows.length - 1]; if (l) pages.next(l.id); }} />
        </>
      ) : (
        <Loading />
      )}
    </main>
  );
}
