// Admin: the app type tree, as nested lists (the structure is the information).
import { useAsync } from '../../shared/hooks';
import { usePageTitle } from '../../shared/router';
import { ErrorBanner, Loading } from '../../shared/ui';
import { api } from '../session';
import type { AppType } from '../types';

function Tree({ nodes }: { nodes: readonly AppType[] }) {
  return (
    <ul className="tree">
      {nodes.map((n) => (
        <li key={n.id}>
          <strong>{n.name}</strong> <span className="muted">#{n.id}{n.description ? ` · ${n.description}` : ''}</span>
          {n.children.length > 0 ? <Tree nodes={n.children} /> : null}
        </li>
      ))}
    </ul>
  );
}

export function AdminAppTypes() {
  usePageTitle('App types');
  const types = useAsync(() => api.get<AppType[]>('/app-types'), []);
  return (
    <main id="main" className="page">
      <h1>App types</h1>
      <ErrorBanner error={types.error} />
      {types.data ? (
        <div className="card">{types.data.length > 0 ? <Tree nodes={types.data} /> : <p className="muted">No app types defined.</p>}</div>
      ) : (
        <Loading />
      )}
    </main>
  );
}
