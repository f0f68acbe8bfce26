// Admin: operator controls — global maintenance, switched-off and maintenance endpoints, the IP deny list, the rate
// limits — and per-app bans. Saved controls take effect in every Plaza process within `refresh_seconds`.
import { useEffect, useState, type FormEvent } from 'react';
import { messageOf } from '../../shared/api';
import { useAsync } from '../../shared/hooks';
import { usePageTitle } from '../../shared/router';
import { Banner, Button, Checkbox, ErrorBanner, Facts, Loading, StatusPill, TextArea, TextField } from '../../shared/ui';
import { api } from '../session';
import type { AppControls, OperatorControls } from '../types';

const lines = (text: string) => text.split('\n').map((l) => l.trim()).filter(Boolean);

function AppBan() {
  const [appId, setAppId] = useState('');
  const [controls, setControls] = useState<AppControls | null>(null);
  const [error, setError] = useState<string | null>(null);

  const load = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    try {
      setControls(await api.get<AppControls>(`/apps/${Number(appId)}/controls`));
    } catch (err) {
      setControls(null);
      setError(messageOf(err));
    }
  };

  const toggle = async () => {
    if (!controls) return;
    setError(null);
    try {
      setControls(await api.send<AppControls>('PATCH', `/apps/${controls.app_id}/controls`, { banned: !controls.banned }));
    } catch (err) {
      setError(messageOf(err));
    }
  };

  return (
    <section className="card" aria-labelledby="ban-title">
      <h2 id="ban-title">Ban an app</h2>
      <form className="form-row" onSubmit={(e) => void load(e)}>
        <TextField label="App id" inputMode="numeric" pattern="[0-9]+" required value={appId} onChange={(e) => setAppId(e.target.value)} />
        <Button type="submit" variant="secondary">
          Look up
        </Button>
      </form>
      <ErrorBanner error={error} />
      {controls ? (
        <>
          <Facts
            items={[
              ['App', `#${controls.app_id}`],
              ['Status', <StatusPill key="s" value={controls.banned ? 'banned' : 'active'} />],
              ['Key expires', controls.key_expires_at ?? 'never'],
              ['Dialects', controls.dialects ? controls.dialects.join(', ') : 'all'],
            ]}
          />
          <div className="actions">
            <Button variant={controls.banned ? 'secondary' : 'danger'} onClick={() => void toggle()}>
              {controls.banned ? 'Lift the ban' : 'Ban this app'}
            </Button>
          </div>
        </>
      ) : null}
    </section>
  );
}

export function AdminOperator() {
  usePageTitle('Operator controls');
  const controls = useAsync(() => api.get<OperatorControls>('/operator/controls'), []);
  const [form, setForm] = useState({ maintenance: false, maintenance_endpoints: '', disabled_endpoints: '', ip_deny_list: '', per_ip_per_minute: '', per_key_per_minute: '' });
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    const c = controls.data;
    if (!c) return;
    setForm({
      maintenance: c.maintenance,
      maintenance_endpoints: c.maintenance_endpoints.join('\n'),
      disabled_endpoints: c.disabled_endpoints.join('\n'),
      ip_deny_list: c.ip_deny_list.join('\n'),
      per_ip_per_minute: String(c.per_ip_per_minute),
      per_key_per_minute: String(c.per_key_per_minute),
    });
  }, [controls.data]);

  const save = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    setSaved(false);
    try {
      await api.send<OperatorControls>('PATCH', '/operator/controls', {
        maintenance: form.maintenance,
        maintenance_endpoints: lines(form.maintenance_endpoints),
        disabled_endpoints: lines(form.disabled_endpoints),
        ip_deny_list: lines(form.ip_deny_list),
        per_ip_per_minute: Number(form.per_ip_per_minute),
        per_key_per_minute: Number(form.per_key_per_minute),
      });
      setSaved(true);
      controls.reload();
    } catch (err) {
      setError(messageOf(err));
    } finally {
      setBusy(false);
    }
  };

  const text = (k: 'maintenance_endpoints' | 'disabled_endpoints' | 'ip_deny_list' | 'per_ip_per_minute' | 'per_key_per_minute') => ({
    value: form[k],
    onChange: (e: { target: { value: string } }) => setForm((f) => ({ ...f, [k]: e.target.value })),
  });

  return (
    <main id="main" className="page">
      <h1>Operator controls</h1>
      {controls.data ? (
        <form className="card" onSubmit={(e) => void save(e)}>
          <h2>Platform</h2>
          <ErrorBanner error={error} />
          {saved ? <Banner kind="notice">Saved; every Plaza process applies it within {controls.data.refresh_seconds} s.</Banner> : null}
          {form.maintenance ? <Banner kind="warning">Maintenance is on: every dialect endpoint answers its maintenance error.</Banner> : null}
          <Checkbox label="Maintenance mode" hint="Every dialect endpoint answers its maintenance error." checked={form.maintenance} onChange={(e) => setForm((f) => ({ ...f, maintenance: e.target.checked }))} />
          <div className="grid2">
            <TextField label="Requests per IP per minute" type="number" min={0} required {...text('per_ip_per_minute')} />
            <TextField label="Requests per app key per minute" type="number" min={0} required {...text('per_key_per_minute')} />
          </div>
          <div className="grid2">
            <TextArea label="IP deny list" hint="One IPv4/IPv6 address or CIDR per line." {...text('ip_deny_list')} />
            <TextArea label="Endpoints under maintenance" hint="One route key per line, e.g. ulord:/v1/app/add." {...text('maintenance_endpoints')} />
            <TextArea label="Switched-off endpoints" hint="One route key per line." {...text('disabled_endpoints')} />
          </div>
          {controls.data.overridden.length > 0 ? <p className="muted">Overridden from the configuration: {controls.data.overridden.join(', ')}.</p> : null}
          <div className="actions">
            <Button type="submit" busy={busy}>
              Save controls
            </Button>
          </div>
        </form>
      ) : controls.error ? (
        <ErrorBanner error={controls.error} />
      ) : (
        <Loading />
      )}
      <AppBan />
    </main>
  );
}
