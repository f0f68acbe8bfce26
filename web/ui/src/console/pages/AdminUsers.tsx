// Admin: end users — search by name or email, disable (their sessions and tokens stop working) or enable again.
import { useState, type FormEvent } from 'react';
import { messageOf } from '../../shared/api';
import { useAsync, useCursorPages } from '../../shared/hooks';
import { usePageTitle } from '../../shared/router';
import { Button, DataTable, ErrorBanner, Loading, Pager, StatusPill, TextField, formatTime } from '../../shared/ui';
import { api } from '../session';
import type { User } from '../types';

const PAGE = 25;

export function AdminUsers() {
  usePageTitle('Users');
  const [draft, setDraft] = useState('');
  const [query, setQuery] = useState('');
  const pages = useCursorPages<number>();
  const users = useAsync(() => api.get<User[]>('/users', { query, after: pages.cursor, limit: PAGE + 1 }), [query, pages.cursor]);
  const [error, setError] = useState<string | null>(null);
  const rows = users.data?.slice(0, PAGE) ?? [];

  const search = (e: FormEvent) => {
    e.preventDefault();
    setQuery(draft.trim());
    pages.reset();
  };

  const toggle = async (u: User) => {
    setError(null);
    try {
      await api.send<User>('PATCH', `/users/${u.id}`, { disabled: !u.disabled });
      users.reload();
    } catch (err) {
      setError(messageOf(err));
    }
  };

  return (
    <main id="main" className="page">
      <h1>Users</h1>
      <form className="form-row" role="search" onSubmit={search}>
        <TextField label="Search users" type="search" placeholder="Username or email" value={draft} onChange={(e) => setDraft(e.target.value)} />
        <Button type="submit">Search</Button>
      </form>
      <ErrorBanner error={error ?? users.error} />
      {users.data ? (
        <>
          <DataTable
            caption="Users"
            rows={rows}
            rowKey={(u) => u.id}
            empty={query ? `No user matches “${query}”.` : 'No users yet.'}
            columns={[
              { header: 'Username', cell: (u) => u.username },
              { header: 'Email', cell: (u) => u.email ?? '—' },
              { header: 'UID', cell: (u) => <code>{u.uid}</code> },
              { header: 'Role', cell: (u) => u.role },
              { header: 'Status', cell: (u) => <StatusPill value={u.disabled ? 'disabled' : 'active'} /> },
              { header: 'Joined', cell: (u) => formatTime(u.created_at) },
              {
                header: 'Actions',
                cell: (u) => (
                  <Button variant={u.disabled ? 'secondary' : 'danger'} className="btn-small" onClick={() => void toggle(u)} aria-label={`${u.disabled ? 'Enable' : 'Disable'} ${u.username}`}>
                    {u.disabled ? 'Enable' : 'Disable'}
                  </Button>
                ),
              },
            ]}
          />
          <Pager page={pages.page} hasNext={users.data.length > PAGE} onPrevious={pages.previous} onNext={() => { const l = rows[rows.length - 1]; if (l) pages.next(l.id); }} />
        </>
      ) : (
        <Loading />
      )}
    </main>
  );
}
