// Admin: developer roles (admin, normal and blocked are built in).
import { useAsync } from '../../shared/hooks';
import { usePageTitle } from '../../shared/router';
import { DataTable, ErrorBanner, Loading } from '../../shared/ui';
import { api } from '../session';
import type { Role } from '../types';

export function AdminRoles() {
  usePageTitle('Roles');
  const roles = useAsync(() => api.get<Role[]>('/roles'), []);
  return (
    <main id="main" className="page">
      <h1>Roles</h1>
      <ErrorBanner error={roles.error} />
      {roles.data ? (
        <DataTable
          caption="Roles"
          rows={roles.data}
          rowKey={(r) => r.id}
          columns={[
            { header: 'Id', cell: (r) => r.id, className: 'num' },
            { header: 'Name', cell: (r) => <strong>{r.name}</strong> },
            { header: 'Description', cell: (r) => r.description ?? '—' },
            { header: 'Built in', cell: (r) => (r.builtin ? 'yes' : 'no') },
          ]}
        />
      ) : (
        <Loading />
      )}
    </main>
  );
}
