// The ledger explorer's front page: look up a block, transaction or account; the newest sealed blocks, refreshed
// every 2 seconds; and the transfer volume chart.
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { messageOf } from '../../shared/api';
import { useAsync, useInterval } from '../../shared/hooks';
import { Link, navigate, usePageTitle } from '../../shared/router';
import { Button, DataTable, ErrorBanner, Loading, SelectField, TextField, formatTime, short } from '../../shared/ui';
import { api } from '../session';
import type { Asset, Block, Volume } from '../types';
import { VolumeChart } from './VolumeChart';

const SHOWN = 12;
const POLL_MS = 2000;

/**
 * The newest sealed blocks above `head` (all of them when 0), newest first, in one request (order=desc): a poll asks
 * only for what is new, and however many blocks were sealed since, the list shows the newest.
 */
const newestBlocks = (head = 0) => api.get<Block[]>('/blocks', { order: 'desc', after: head, limit: SHOWN });

function Lookup() {
  const [kind, setKind] = useState('tx');
  const [value, setValue] = useState('');
  const [error, setError] = useState<string | null>(null);
  const go = (e: FormEvent) => {
    e.preventDefault();
    const v = value.trim().toLowerCase();
    setError(null);
    if (kind === 'tx' && /^[0-9a-f]{64}$/.test(v)) return navigate(`/ledger/tx/${v}`);
    if (kind === 'tx' && /^[0-9a-f-]{36}$/.test(v)) return navigate(`/ledger/tx/${v}`);
    if ((kind === 'block' || kind === 'account') && /^\d+$/.test(v)) return navigate(`/ledger/${kind === 'block' ? 'blocks' : 'accounts'}/${v}`);
    setError(kind === 'tx' ? 'A transaction id is 64 hex characters (or the transfer’s id).' : 'Enter a number.');
  };
  return (
    <form className="card form-row" role="search" aria-label="Find in the ledger" onSubmit={go}>
      <SelectField label="Find" options={[['tx', 'Transaction'], ['block', 'Block'], ['account', 'Account']]} value={kind} onChange={(e) => setKind(e.target.value)} />
      <TextField label={kind === 'tx' ? 'Transaction id (txid)' : kind === 'block' ? 'Block number' : 'Account id'} required value={value} error={error} onChange={(e) => setValue(e.target.value)} />
      <Button type="submit">Find</Button>
    </form>
  );
}

function LiveBlocks() {
  const [blocks, setBlocks] = useState<Block[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const busy = useRef(false);

  useEffect(() => {
    newestBlocks().then(setBlocks, (err: unknown) => setError(messageOf(err)));
  }, []);

  useInterval(() => {
    if (busy.current || blocks === null) return;
    busy.current = true;
    const head = blocks[0]?.number ?? 0;
    newestBlocks(head)
      .then((fresh) => {
        setError(null);
        if (fresh.length > 0) setBlocks((old) => [...fresh, ...(old ?? [])].slice(0, SHOWN));
      })
      .catch((err: unknown) => setError(messageOf(err)))
      .finally(() => {
        busy.current = false;
      });
  }, POLL_MS);

  return (
    <section aria-labelledby="blocks-title">
      <div className="head">
        <h2 id="blocks-title">Latest blocks</h2>
        <span className="live">Live · every 2 s</span>
      </div>
      <ErrorBanner error={error} />
      {blocks === null ? (
        <Loading />
      ) : (
        <div aria-live="polite" aria-relevant="additions">
          <DataTable
            caption="Latest sealed blocks"
            rows={blocks}
            rowKey={(b) => b.number}
            empty="No block sealed yet."
            columns={[
              { header: 'Block', cell: (b) => <Link to={`/ledger/blocks/${b.number}`}>#{b.number}</Link> },
              { header: 'Sealed', cell: (b) => formatTime(b.timestamp) },
              { header: 'Entries', cell: (b) => b.entry_count, className: 'num' },
              { header: 'Hash', cell: (b) => <code title={b.hash}>{short(b.hash, 16)}</code> },
              { header: 'Merkle root', cell: (b) => <code title={b.merkle_root}>{short(b.merkle_root, 16)}</code> },
            ]}
          />
        </div>
      )}
    </section>
  );
}

function Volumes() {
  const assets = useAsync(() => api.get<Asset[]>('/assets'), []);
  const [asset, setAsset] = useState('');
  const [bucket, setBucket] = useState<'hour' | 'day'>('hour');
  const [metric, setMetric] = useState<'amount' | 'count'>('count');
  const symbol = asset || assets.data?.[0]?.symbol || '';
  const volume = useAsync(async () => {
    if (!symbol) return null;
    const now = Date.now();
    const span = bucket === 'hour' ? 24 * 3600_000 : 30 * 86400_000;
    const unit = bucket === 'hour' ? 3600_000 : 86400_000;
    const to = Math.ceil((now + 1) / unit) * unit;
    return api.get<Volume>('/ledger/volume', { asset: symbol, bucket, from: new Date(to - span).toISOString(), to: new Date(to).toISOString() });
  }, [symbol, bucket]);
  return (
    <section className="card" aria-labelledby="volume-title">
      <h2 id="volume-title">Transfer volume</h2>
      <div className="filters">
        <SelectField label="Asset" options={(assets.data ?? []).map((a) => [a.symbol, a.symbol] as const)} value={symbol} onChange={(e) => setAsset(e.target.value)} />
        <SelectField label="Period" options={[['hour', 'Last 24 hours, per hour'], ['day', 'Last 30 days, per day']]} value={bucket} onChange={(e) => setBucket(e.target.value === 'day' ? 'day' : 'hour')} />
        <SelectField label="Show" options={[['count', 'Number of transfers'], ['amount', 'Amount moved']]} value={metric} onChange={(e) => setMetric(e.target.value === 'amount' ? 'amount' : 'count')} />
      </div>
      <ErrorBanner error={assets.error ?? volume.error} />
      {volume.data ? <VolumeChart volume={volume.data} metric={metric} /> : volume.data === null ? <p className="muted">No assets yet.</p> : <Loading />}
    </section>
  );
}

export function Ledger() {
  usePageTitle('Ledger');
  return (
    <main id="main" className="page">
      <h1>Ledger explorer</h1>
      <Lookup />
      <LiveBlocks />
      <Volumes />
    </main>
  );
}
