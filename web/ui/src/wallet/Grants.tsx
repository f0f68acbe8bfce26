// The apps the user let act for them: what each may do, its spending limit, since when; Revoke asks first (a modal
// dialog), then revokes — the app's tokens stop working at once — and says so in a live banner.
import { useRef, useState } from 'react';
import { messageOf } from '../shared/api';
import { Banner, ErrorBanner } from '../shared/ui';
import { walletApi, type Grant } from './api';
import { ConfirmDialog } from './ConfirmDialog';
import { formatDate } from './format';

function limitText(g: Grant): string | null {
  const l = g.spendingLimit;
  if (!l) return null;
  const limit = l.amount !== null && l.asset !== null ? `${l.amount} ${l.asset}` : `${l.minor} (smallest units)`;
  return l.spent !== null ? `Spending limit ${limit}, ${l.spent} used` : `Spending limit ${limit}`;
}

export function Grants({ grants, onChanged }: { grants: readonly Grant[]; onChanged(): void }) {
  const [target, setTarget] = useState<Grant | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const noticeRef = useRef<HTMLDivElement>(null);

  const revoke = async () => {
    if (!target) return;
    setBusy(true);
    setError(null);
    try {
      await walletApi.revoke(target.id);
      setNotice(`Access revoked. ${target.appName} can no longer act for you.`);
      setTarget(null);
      onChanged();
      // The button that opened the dialog is gone: put focus on the result instead.
      window.setTimeout(() => noticeRef.current?.focus(), 0);
    } catch (err) {
      setError(messageOf(err));
      setTarget(null);
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <div ref={noticeRef} tabIndex={-1}>
        {notice ? <Banner kind="notice">{notice}</Banner> : null}
      </div>
      <ErrorBanner error={error} />
      {grants.length === 0 ? (
        <p className="muted empty">You have not granted any app access.</p>
      ) : (
        <ul className="plain grants">
          {grants.map((g) => (
            <li key={g.id} className="grant" data-testid={`grant-${g.id}`}>
              <div>
                <strong>{g.appName}</strong>
                <p className="muted">
                  {g.kindLabel} · {g.scopes.length ? `may use: ${g.scopes.join(', ')}` : 'sign-in only'} · since {formatDate(g.grantedAt)}
                </p>
                {limitText(g) ? <p className="muted">{limitText(g)}</p> : null}
              </div>
              <button type="button" className="btn btn-danger btn-small" onClick={() => setTarget(g)} aria-label={`Revoke access of ${g.appName}`}>
                Revoke
              </button>
            </li>
          ))}
        </ul>
      )}
      <ConfirmDialog open={target !== null} title={target ? `Revoke ${target.appName}?` : 'Revoke?'} confirmText="Revoke access" busy={busy} onConfirm={() => void revoke()} onCancel={() => setTarget(null)}>
        <p>{target?.appName} will be signed out and can no longer act for you or ask you to pay. You can grant it access again later by signing in to it.</p>
      </ConfirmDialog>
    </>
  );
}
