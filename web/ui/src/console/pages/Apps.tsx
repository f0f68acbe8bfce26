// The developer's apps: the list, and the form that creates one — whose answer is the only time the secret is shown,
// so it stays on screen with copy buttons until the developer moves on.
import { useState, type FormEvent } from 'react';
import { messageOf } from '../../shared/api';
import { useAsync } from '../../shared/hooks';
import { Link, usePageTitle } from '../../shared/router';
import { Banner, Button, CopyValue, DataTable, ErrorBanner, Loading, SelectField, TextField, formatTime } from '../../shared/ui';
import { api } from '../session';
import type { AppCreated, AppSummary, AppType } from '../types';

/** The type tree as select options, children indented under their parent. */
export function typeOptions(tree: readonly AppType[], depth = 0): Array<readonly [string, string]> {
  return tree.flatMap((t) => [[String(t.id), `${'\u00a0\u00a0'.repeat(depth)}${t.name}`] as const, ...typeOptions(t.children ?? [], depth + 1)]);
}

export function Apps() {
  usePageTitle('Apps');
  const apps = useAsync(() => api.get<AppSummary[]>('/apps', { limit: 200 }), []);
  const types = useAsync(() => api.get<AppType[]>('/app-types'), []);
  const [name, setName] = useState('');
  const [typeId, setTypeId] = useState('');
  const [description, setDescription] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [created, setCreated] = useState<AppCreated | null>(null);

  const create = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const app = await api.send<AppCreated>('POST', '/apps', {
        name: name.trim(),
        ...(description.trim() ? { description: description.trim() } : {}),
        ...(typeId ? { type_id: Number(typeId) } : {}),
      });
      setCreated(app);
      setName('');
      setDescription('');
      apps.reload();
    } catch (err) {
      setError(messageOf(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <main id="main" className="page">
      <h1>Apps</h1>
      {created ? (
        <section className="card" aria-labelledby="created-title">
          <h2 id="created-title">“{created.name}” is ready</h2>
          <Banner kind="warning">Copy the secret now: Plaza shows it only this once. You can rotate it later on the app’s Keys tab.</Banner>
          <CopyValue label="App key" value={created.appkey} testId="new-appkey" />
          <CopyValue label="Secret" value={created.secret} testId="new-secret" />
          <div className="actions">
            <Link className="btn btn-primary" to={`/apps/${created.id}`}>
              Open {created.name}
            </Link>
            <Button variant="secondary" onClick={() => setCreated(null)}>
              Done
            </Button>
          </div>
        </section>
      ) : null}
      <section className="card" aria-labelledby="create-title">
        <h2 id="create-title">Create an app</h2>
        <ErrorBanner error={error} />
        <form className="form-row" onSubmit={(e) => void create(e)}>
          <TextField label="App name" name="name" required maxLength={128} value={name} onChange={(e) => setName(e.target.value)} />
          <TextField label="Description (optional)" name="description" maxLength={500} value={description} onChange={(e) => setDescription(e.target.value)} />
          {types.data && types.data.length > 0 ? (
            <SelectField label="Type" name="type" options={[['', 'No type'], ...typeOptions(types.data)]} value={typeId} onChange={(e) => setTypeId(e.target.value)} />
          ) : null}
          <Button type="submit" busy={busy}>
            Create app
          </Button>
        </form>
      </section>
      <section aria-labelledby="list-title">
        <h2 id="list-title">Your apps</h2>
        <ErrorBanner error={apps.error} />
        {apps.data ? (
          <DataTable
            caption="Your apps"
            rows={apps.data}
            rowKey={(a) => a.id}
            empty="No apps yet: create your first one above."
            columns={[
              { header: 'Name', cell: (a) => <Link to={`/apps/${a.id}`}>{a.name}</Link> },
              { header: 'App key', cell: (a) => <code>{a.appkey}</code> },
              { header: 'Description', cell: (a) => a.description ?? '—' },
              { header: 'Created', cell: (a) => formatTime(a.created_at) },
            ]}
          />
        ) : apps.loading ? (
          <Loading />
        ) : null}
      </section>
    </main>
  );
}
