// One sealed block: its header (hash chain, Merkle root, signature) and the transfers it holds.
import { useAsync } from '../../shared/hooks';
import { Link, usePageTitle } from '../../shared/router';
import { ErrorBanner, Facts, Loading, formatTime } from '../../shared/ui';
import { api } from '../session';
import type { Block, Transfer } from '../types';
import { TransferTable } from './TransferTable';

export function LedgerBlock({ number }: { number: number }) {
  usePageTitle(`Block ${number}`);
  const block = useAsync(() => api.get<Block>(`/blocks/${number}`), [number]);
  const transfers = useAsync(() => api.get<Transfer[]>('/transfers', { block: number, limit: 200 }), [number]);
  return (
    <main id="main" className="page">
      <p className="crumbs">
        <Link to="/ledger">Ledger</Link> /
      </p>
      <h1>Block #{number}</h1>
      <ErrorBanner error={block.error} />
      {block.data ? (
        <div className="card">
          <Facts
            items={[
              ['Sealed', formatTime(block.data.timestamp)],
              ['Entries', block.data.entry_count],
              ['Hash', <code key="h">{block.data.hash}</code>],
              ['Previous', block.data.number > 1 ? <Link key="p" to={`/ledger/blocks/${block.data.number - 1}`}><code>{block.data.previous}</code></Link> : <code key="p">{block.data.previous}</code>],
              ['Merkle root', <code key="m">{block.data.merkle_root}</code>],
              ['Signature', <code key="s">{block.data.signature}</code>],
              ['Signing key', <code key="k">{block.data.public_key}</code>],
            ]}
          />
          <div className="actions">
            {block.data.number > 1 ? <Link to={`/ledger/blocks/${block.data.number - 1}`}>← Block {block.data.number - 1}</Link> : null}
            <Link to={`/ledger/blocks/${block.data.number + 1}`}>Block {block.data.number + 1} →</Link>
          </div>
        </div>
      ) : block.loading ? (
        <Loading />
      ) : null}
      <h2>Transfers</h2>
      <ErrorBanner error={transfers.error} />
      {transfers.data ? <TransferTable caption={`Transfers in block ${number}`} rows={transfers.data} /> : <Loading />}
    </main>
  );
}
