// Access: the OAuth redirect URIs and the browser origins allowed to call Plaza for this app, one per line.
import { useEffect, useState, type FormEvent } from 'react';
import { messageOf } from '../../shared/api';
import { useAsync } from '../../shared/hooks';
import { Banner, Button, ErrorBanner, Loading, TextArea } from '../../shared/ui';
import { api } from '../session';
import type { Access } from '../types';

const lines = (text: string) => text.split('\n').map((l) => l.trim()).filter(Boolean);

export function AppAccess({ appId }: { appId: number }) {
  const access = useAsync(() => api.get<Access>(`/apps/${appId}/access`), [appId]);
  const [redirects, setRedirects] = useState('');
  const [origins, setOrigins] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);

  useEffect(() => {
    if (!access.data) return;
    setRedirects(access.data.redirect_uris.join('\n'));
    setOrigins(access.data.allowed_origins.join('\n'));
  }, [access.data]);

  const save = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    setSaved(false);
    try {
      await api.send<Access>('PUT', `/apps/${appId}/access`, { redirect_uris: lines(redirects), allowed_origins: lines(origins) });
      setSaved(true);
      access.reload();
    } catch (err) {
      setError(messageOf(err));
    } finally {
      setBusy(false);
    }
  };

  if (!access.data) return access.error ? <ErrorBanner error={access.error} /> : <Loading />;
  return (
    <form className="card" onSubmit={(e) => void save(e)}>
      <h2>Redirect URIs and allowed origins</h2>
      <ErrorBanner error={error} />
      {saved ? <Banner kind="notice">Saved.</Banner> : null}
      <div className="grid2">
        <TextArea
          label="Redirect URIs"
          hint="One absolute URL per line; sign-in (OIDC, Pi, Kamiya) only returns to these."
          value={redirects}
          onChange={(e) => setRedirects(e.target.value)}
        />
        <TextArea
          label="Allowed origins"
          hint="One origin per line (https://shop.example); browsers on these may call Plaza’s APIs for this app."
          value={origins}
          onChange={(e) => setOrigins(e.target.value)}
        />
      </div>
      <div className="actions">
        <Button type="submit" busy={busy}>
          Save access
        </Button>
      </div>
    </form>
  );
}
