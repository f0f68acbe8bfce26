// Keys: the appkey (in the page header) and rotating the secret — the old one stops working at once and the new one
// is shown here only, once.
import { useState } from 'react';
import { messageOf } from '../../shared/api';
import { Banner, Button, CopyValue, ErrorBanner } from '../../shared/ui';
import { api } from '../session';
import type { AppSummary } from '../types';

export function AppKeys({ app }: { app: AppSummary }) {
  const [secret, setSecret] = useState<string | null>(null);
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const rotate = async () => {
    setBusy(true);
    setError(null);
    try {
      const answer = await api.send<{ secret: string }>('POST', `/apps/${app.id}/rotate-secret`);
      setSecret(answer.secret);
      setConfirming(false);
    } catch (err) {
      setError(messageOf(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="card">
      <h2>Secret</h2>
      <p>
        The secret authenticates your server to Plaza (Pi’s <code>Authorization: Key …</code>, Ulord’s signatures). Plaza
        stores it sealed and never shows it again after creation or rotation.
      </p>
      <ErrorBanner error={error} />
      {secret ? (
        <>
          <Banner kind="warning">New secret: copy it now, it will not be shown again. The previous secret no longer works.</Banner>
          <CopyValue label="Secret" value={secret} testId="rotated-secret" />
        </>
      ) : null}
      {confirming ? (
        <div className="actions" role="group" aria-label="Confirm rotation">
          <p>Rotate now? Servers still using the current secret will be refused until you update them.</p>
          <Button variant="danger" busy={busy} onClick={() => void rotate()}>
            Yes, rotate the secret
          </Button>
          <Button variant="secondary" onClick={() => setConfirming(false)}>
            Cancel
          </Button>
        </div>
      ) : (
        <div className="actions">
          <Button variant="secondary" onClick={() => setConfirming(true)}>
            Rotate secret…
          </Button>
        </div>
      )}
    </div>
  );
}
