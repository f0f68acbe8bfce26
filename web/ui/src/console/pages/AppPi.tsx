// Pi settings: the network passphrase new payments carry, the app-to-user switch and its open-payment limit, and
// the app wallet's address.
import { useEffect, useState, type FormEvent } from 'react';
import { messageOf } from '../../shared/api';
import { useAsync } from '../../shared/hooks';
import { Banner, Button, Checkbox, ErrorBanner, Facts, Loading, TextField } from '../../shared/ui';
import { api } from '../session';
import type { PiSettings } from '../types';

export function AppPi({ appId }: { appId: number }) {
  const pi = useAsync(() => api.get<PiSettings>(`/apps/${appId}/pi`), [appId]);
  const [network, setNetwork] = useState('');
  const [a2u, setA2u] = useState(true);
  const [maxOpen, setMaxOpen] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);

  useEffect(() => {
    if (!pi.data) return;
    setNetwork(pi.data.network);
    setA2u(pi.data.a2u_enabled);
    setMaxOpen(String(pi.data.a2u_max_open_per_app));
  }, [pi.data]);

  const save = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    setSaved(false);
    try {
      await api.send<PiSettings>('PATCH', `/apps/${appId}/pi`, { network: network.trim(), a2u_enabled: a2u, a2u_max_open_per_app: Number(maxOpen) });
      setSaved(true);
      pi.reload();
    } catch (err) {
      setError(messageOf(err));
    } finally {
      setBusy(false);
    }
  };

  if (!pi.data) return pi.error ? <ErrorBanner error={pi.error} /> : <Loading />;
  return (
    <div className="grid2">
      <form className="card" onSubmit={(e) => void save(e)}>
        <h2>Pi settings</h2>
        <ErrorBanner error={error} />
        {saved ? <Banner kind="notice">Saved.</Banner> : null}
        <TextField label="Network passphrase" hint="Copied onto each new payment, e.g. Pi Testnet or Pi Network." required value={network} onChange={(e) => setNetwork(e.target.value)} />
        <Checkbox label="Allow app-to-user payments" checked={a2u} onChange={(e) => setA2u(e.target.checked)} />
        <TextField label="Open A2U payments at most" type="number" min={1} max={1000} inputMode="numeric" required value={maxOpen} onChange={(e) => setMaxOpen(e.target.value)} />
        <div className="actions">
          <Button type="submit" busy={busy}>
            Save Pi settings
          </Button>
        </div>
      </form>
      <div className="card">
        <h2>App wallet</h2>
        <Facts items={[['Address', pi.data.wallet_address ? <code>{pi.data.wallet_address}</code> : 'Created when first needed']]} />
        <p className="muted">The wallet’s seed is revealed only through the admin API (POST …/pi/wallet/reveal-seed, with your password), never in a browser.</p>
      </div>
    </div>
  );
}
