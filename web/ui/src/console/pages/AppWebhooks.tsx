// Webhooks: register an endpoint (its signing secret is shown once), list them, disable one, and for the selected
// endpoint the delivery log with every attempt and a resend button.
import { useState, type FormEvent } from 'react';
import { messageOf } from '../../shared/api';
import { useAsync } from '../../shared/hooks';
import { Banner, Button, CopyValue, DataTable, ErrorBanner, Loading, StatusPill, TextField, formatTime } from '../../shared/ui';
import { api } from '../session';
import type { Delivery, Webhook } from '../types';

function Deliveries({ appId, hook }: { appId: number; hook: Webhook }) {
  const deliveries = useAsync(() => api.get<Delivery[]>(`/apps/${appId}/webhooks/${hook.id}/deliveries`, { limit: 50 }), [appId, hook.id]);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  const resend = async (d: Delivery) => {
    setError(null);
    setNotice(null);
    try {
      await api.send<Delivery>('POST', `/webhook-deliveries/${d.id}/resend`);
      setNotice(`Delivery ${d.id} (${d.event_type}) is queued again.`);
      deliveries.reload();
    } catch (err) {
      setError(messageOf(err));
    }
  };

  return (
    <section className="card" aria-labelledby={`deliveries-${hook.id}`}>
      <div className="head">
        <h2 id={`deliveries-${hook.id}`}>Deliveries to {hook.url}</h2>
        <Button variant="secondary" className="btn-small" onClick={deliveries.reload}>
          Refresh
        </Button>
      </div>
      <ErrorBanner error={error ?? deliveries.error} />
      {notice ? <Banner kind="notice">{notice}</Banner> : null}
      {deliveries.data ? (
        <DataTable
          caption={`Deliveries to ${hook.url}`}
          rows={deliveries.data}
          rowKey={(d) => d.id}
          empty="No deliveries yet: they appear when an event this endpoint subscribes to happens."
          columns={[
            { header: 'Event', cell: (d) => <><code>{d.event_type}</code><div className="muted mono">{d.event_id}</div></> },
            { header: 'Status', cell: (d) => <StatusPill value={d.status} /> },
            {
              header: 'Attempts',
              cell: (d) =>
                d.attempt_log && d.attempt_log.length > 0 ? (
                  <details>
                    <summary>{d.attempts} attempt{d.attempts === 1 ? '' : 's'}</summary>
                    <ol>
                      {d.attempt_log.map((a, i) => (
                        <li key={i}>
                          {formatTime(a.at)}: {a.status_code ?? 'no answer'} {a.error ? `(${a.error})` : ''} in {a.duration_ms} ms
                        </li>
                      ))}
                    </ol>
                  </details>
                ) : (
                  String(d.attempts)
                ),
            },
            { header: 'Last result', cell: (d) => (d.last_status_code !== null ? `HTTP ${d.last_status_code}` : d.last_error ?? '—') },
            { header: 'Next attempt', cell: (d) => formatTime(d.next_attempt_at) },
            {
              header: 'Actions',
              cell: (d) => (
                <Button variant="secondary" className="btn-small" onClick={() => void resend(d)} aria-label={`Resend delivery ${d.id}`}>
                  Resend
                </Button>
              ),
            },
          ]}
        />
      ) : (
        <Loading />
      )}
    </section>
  );
}

export function AppWebhooks({ appId }: { appId: number }) {
  const hooks = useAsync(() => api.get<Webhook[]>(`/apps/${appId}/webhooks`), [appId]);
  const [url, setUrl] = useState('');
  const [events, setEvents] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [created, setCreated] = useState<Webhook | null>(null);
  const [selected, setSelected] = useState<number | null>(null);

  const register = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const list = events.split(/[\s,]+/).filter(Boolean);
      const hook = await api.send<Webhook>('POST', `/apps/${appId}/webhooks`, { url: url.trim(), ...(list.length > 0 ? { events: list } : {}) });
      setCreated(hook);
      setSelected(hook.id);
      setUrl('');
      setEvents('');
      hooks.reload();
    } catch (err) {
      setError(messageOf(err));
    } finally {
      setBusy(false);
    }
  };

  const disable = async (hook: Webhook) => {
    setError(null);
    try {
      await api.send<Webhook>('POST', `/apps/${appId}/webhooks/${hook.id}/disable`);
      hooks.reload();
    } catch (err) {
      setError(messageOf(err));
    }
  };

  const shown = hooks.data?.find((h) => h.id === selected) ?? null;
  return (
    <>
      <form className="card" onSubmit={(e) => void register(e)}>
        <h2>Register an endpoint</h2>
        <ErrorBanner error={error} />
        {created?.secret ? (
          <>
            <Banner kind="warning">Signing secret of {created.url}: copy it now, it is shown only once.</Banner>
            <CopyValue label="Signing secret" value={created.secret} testId="webhook-secret" />
          </>
        ) : null}
        <div className="form-row">
          <TextField label="Endpoint URL" name="url" type="url" required placeholder="https://example.com/plaza/webhooks" value={url} onChange={(e) => setUrl(e.target.value)} />
          <TextField label="Events" name="events" hint="Comma-separated (payment.completed, …); empty for all." value={events} onChange={(e) => setEvents(e.target.value)} />
          <Button type="submit" busy={busy}>
            Register
          </Button>
        </div>
      </form>
      <h2>Endpoints</h2>
      <ErrorBanner error={hooks.error} />
      {hooks.data ? (
        <DataTable
          caption="Webhook endpoints"
          rows={hooks.data}
          rowKey={(h) => h.id}
          empty="No endpoints yet."
          columns={[
            { header: 'URL', cell: (h) => <code>{h.url}</code> },
            { header: 'Events', cell: (h) => (h.events ? h.events.join(', ') : 'all') },
            { header: 'Status', cell: (h) => <StatusPill value={h.status} /> },
            { header: 'Created', cell: (h) => formatTime(h.created_at) },
            {
              header: 'Actions',
              cell: (h) => (
                <div className="actions">
                  <Button variant="secondary" className="btn-small" aria-pressed={selected === h.id} onClick={() => setSelected(selected === h.id ? null : h.id)}>
                    Deliveries
                  </Button>
                  {h.status === 'active' ? (
                    <Button variant="danger" className="btn-small" onClick={() => void disable(h)} aria-label={`Disable ${h.url}`}>
                      Disable
                    </Button>
                  ) : null}
                </div>
              ),
            },
          ]}
        />
      ) : (
        <Loading />
      )}
      {shown ? <Deliveries appId={appId} hook={shown} /> : null}
    </>
  );
}
