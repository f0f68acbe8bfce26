// One ledger account: owner, balances, freeze switch, and its history (transfers touching it), newest first, 25 a page.
import { useState } from 'react';
import { messageOf } from '../../shared/api';
import { useAsync, usePaged } from '../../shared/hooks';
import { Link, usePageTitle } from '../../shared/router';
import { Button, ErrorBanner, Facts, Loading, Pager, StatusPill, formatTime } from '../../shared/ui';
import { api } from '../session';
import type { Account, Transfer } from '../types';
import { TransferTable } from './TransferTable';

export function LedgerAccount({ id }: { id: number }) {
  usePageTitle(`Account ${id}`);
  const account = useAsync(() => api.get<Account>(`/accounts/${id}`), [id]);
  // Newest first: the latest movement is what an admin looking at an account wants to see.
  const history = usePaged((before: number | undefined, limit) => api.get<Transfer[]>('/transfers', { account_id: id, order: 'desc', before, limit }), (t) => t.seq, [id], 25);
  const [error, setError] = useState<string | null>(null);
  const a = account.data;

  const toggleFreeze = async () => {
    if (!a) return;
    setError(null);
    try {
      await api.send<Account>('POST', `/accounts/${a.id}/${a.frozen ? 'unfreeze' : 'freeze'}`);
      account.reload();
    } catch (err) {
      setError(messageOf(err));
    }
  };

  return (
    <main id="main" className="page">
      <p className="crumbs">
        <Link to="/ledger">Ledger</Link> /
      </p>
      <h1>Account {id}</h1>
      <ErrorBanner error={error ?? account.error} />
      {a ? (
        <div className="card">
          <Facts
            items={[
              ['Owner', `${a.owner_kind} ${a.owner_id}`],
              ['Asset', a.sub && a.sub !== 'main' ? `${a.asset} (${a.sub})` : a.asset],
              ['Balance', <strong key="b">{a.balance} {a.asset}</strong>],
              ['Available', `${a.available} ${a.asset}`],
              ['Pending in / out', `${a.pending_in} / ${a.pending_out}`],
              ['Status', <StatusPill key="s" value={a.frozen ? 'frozen' : 'active'} />],
              ['Opened', formatTime(a.created_at)],
            ]}
          />
          <div className="actions">
            <Button variant={a.frozen ? 'secondary' : 'danger'} onClick={() => void toggleFreeze()}>
              {a.frozen ? 'Unfreeze account' : 'Freeze account'}
            </Button>
          </div>
        </div>
      ) : account.loading ? (
        <Loading />
      ) : null}
      <h2>History</h2>
      <ErrorBanner error={history.error} />
      {history.loaded ? (
        <>
          <TransferTable caption={`Transfers of account ${id}`} rows={history.rows} account={id} />
          <Pager page={history.page} hasNext={history.hasNext} onPrevious={history.previous} onNext={history.next} />
        </>
      ) : (
        <Loading />
      )}
    </main>
  );
}
