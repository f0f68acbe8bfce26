// An app's operator controls (admins only; GET/PATCH /apps/:id/controls): ban it, let its key expire at a time, and
// choose the dialects it may speak. Each save sends the whole form; the answer is what is in force.
import { useEffect, useState, type FormEvent } from 'react';
import { messageOf } from '../../shared/api';
import { useAsync } from '../../shared/hooks';
import { Banner, Button, Checkbox, ErrorBanner, Loading, TextField, formatTime } from '../../shared/ui';
import { api } from '../session';

export const DIALECTS = ['pi', 'kamiya', 'ulord', 'yoyow', 'liveuser'] as const;

interface Controls {
  app_id: number;
  banned: boolean;
  key_expires_at: string | null;
  dialects: string[] | null;
}

// ISO 8601 with a zone, as the API's pattern wants; the zone keeps "when" unambiguous for every admin.
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

export function AppControls({ appId, onChanged }: { appId: number; onChanged(): void }) {
  const controls = useAsync(() => api.get<Controls>(`/apps/${appId}/controls`), [appId]);
  const [banned, setBanned] = useState(false);
  const [expires, setExpires] = useState('');
  const [all, setAll] = useState(true);
  const [dialects, setDialects] = useState<string[]>([]);
  const [fieldError, setFieldError] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const c = controls.data;
  useEffect(() => {
    if (!c) return;
    setBanned(c.banned);
    setExpires(c.key_expires_at ?? '');
    setAll(c.dialects === null);
    setDialects(c.dialects ?? []);
  }, [c]);

  const save = async (e: FormEvent) => {
    e.preventDefault();
    const at = expires.trim();
    if (at && !ISO.test(at)) return setFieldError('An ISO 8601 time with its zone, e.g. 2027-01-01T00:00:00Z; empty for never.');
    setFieldError(null);
    setBusy(true);
    setError(null);
    setNotice(null);
    try {
      const saved = await api.send<Controls>('PATCH', `/apps/${appId}/controls`, { banned, key_expires_at: at || null, dialects: all ? null : dialects });
      setNotice(`Saved: ${saved.banned ? 'banned' : 'not banned'}, key ${saved.key_expires_at ? `expires ${formatTime(saved.key_expires_at)}` : 'never expires'}, dialects ${saved.dialects === null ? 'all' : saved.dialects.join(', ') || 'none'}.`);
      controls.reload();
      onChanged();
    } catch (err) {
      setError(messageOf(err));
    } finally {
      setBusy(false);
    }
  };

  if (!c) return controls.error ? <ErrorBanner error={controls.error} /> : <Loading />;
  return (
    <form className="card" aria-labelledby="controls-title" onSubmit={(e) => void save(e)}>
      <h2 id="controls-title">Operator controls</h2>
      <ErrorBanner error={error} />
      {notice ? <Banner kind="notice">{notice}</Banner> : null}
      <Checkbox label="Banned" hint="A banned app is refused on every endpoint (Ulord 10005)." checked={banned} onChange={(e) => setBanned(e.target.checked)} />
      <TextField label="Key expires at" placeholder="2027-01-01T00:00:00Z" hint="After this time the app key is refused (Ulord 10003); empty: never." value={expires} error={fieldError} onChange={(e) => setExpires(e.target.value)} />
      <fieldset className="grant">
        <legend>Dialects the app may speak</legend>
        <Checkbox label="All dialects" checked={all} onChange={(e) => setAll(e.target.checked)} />
        {all
          ? null
          : DIALECTS.map((d) => (
              <Checkbox key={d} label={d} checked={dialects.includes(d)} onChange={(e) => setDialects(e.target.checked ? [...dialects, d] : dialects.filter((x) => x !== d))} />
            ))}
      </fieldset>
      <Button type="submit" busy={busy}>
        Save controls
      </Button>
    </form>
  );
}
