// Admin: assets — create one, and issue an amount to an account (by id, or by owner, created when missing).
import { useState, type FormEvent } from 'react';
import { messageOf } from '../../shared/api';
import { useAsync } from '../../shared/hooks';
import { Link, usePageTitle } from '../../shared/router';
import { Banner, Button, DataTable, ErrorBanner, Loading, SelectField, StatusPill, TextField, formatTime } from '../../shared/ui';
import { api } from '../session';
import type { Asset, Transfer } from '../types';

export function AdminAssets() {
  usePageTitle('Assets');
  const assets = useAsync(() => api.get<Asset[]>('/assets'), []);
  const [symbol, setSymbol] = useState('');
  const [precision, setPrecision] = useState('8');
  const [issue, setIssue] = useState({ asset: '', owner_kind: 'user', owner_id: '', amount: '', memo: '' });
  const [error, setError] = useState<string | null>(null);
  const [issued, setIssued] = useState<Transfer | null>(null);
  const [busy, setBusy] = useState(false);

  const run = async (work: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await work();
    } catch (err) {
      setError(messageOf(err));
    } finally {
      setBusy(false);
    }
  };

  const create = (e: FormEvent) => {
    e.preventDefault();
    void run(async () => {
      await api.send<Asset>('POST', '/assets', { symbol: symbol.trim().toUpperCase(), precision: Number(precision) });
      setSymbol('');
      assets.reload();
    });
  };

  const doIssue = (e: FormEvent) => {
    e.preventDefault();
    const asset = issue.asset || assets.data?.[0]?.symbol || '';
    const target = /^\d+$/.test(issue.owner_id) && issue.owner_kind === 'account' ? { account_id: Number(issue.owner_id) } : { owner_kind: issue.owner_kind, owner_id: issue.owner_id.trim() };
    void run(async () => {
      // The amount travels as text: it is parsed exactly on the server, never through a float.
      const t = await api.send<Transfer>('POST', `/assets/${encodeURIComponent(asset)}/issue`, { ...target, amount: issue.amount.trim(), ...(issue.memo ? { memo: issue.memo } : {}) });
      setIssued(t);
    });
  };

  const set = (k: keyof typeof issue) => (e: { target: { value: string } }) => setIssue((s) => ({ ...s, [k]: e.target.value }));

  return (
    <main id="main" className="page">
      <h1>Assets</h1>
      <ErrorBanner error={error ?? assets.error} />
      {assets.data ? (
        <DataTable
          caption="Assets"
          rows={assets.data}
          rowKey={(a) => a.id}
          columns={[
            { header: 'Symbol', cell: (a) => <strong>{a.symbol}</strong> },
            { header: 'Precision', cell: (a) => a.precision, className: 'num' },
            { header: 'Status', cell: (a) => <StatusPill value={a.enabled ? 'enabled' : 'disabled'} /> },
            { header: 'Created', cell: (a) => formatTime(a.created_at) },
          ]}
        />
      ) : (
        <Loading />
      )}
      <div className="grid2">
        <form className="card" onSubmit={create}>
          <h2>Create an asset</h2>
          <TextField label="Symbol" required pattern="[A-Z][A-Z0-9]{1,11}" hint="2–12 capitals or digits, e.g. GEM." value={symbol} onChange={(e) => setSymbol(e.target.value.toUpperCase())} />
          <TextField label="Precision" type="number" min={0} max={18} required value={precision} onChange={(e) => setPrecision(e.target.value)} />
          <Button type="submit" busy={busy}>
            Create asset
          </Button>
        </form>
        <form className="card" onSubmit={doIssue}>
          <h2>Issue</h2>
          {issued ? (
            <Banner kind="notice">
              Issued {issued.amount} {issued.asset} to <Link to={`/ledger/accounts/${issued.credit_account_id}`}>account {issued.credit_account_id}</Link> (
              <Link to={`/ledger/tx/${issued.txid}`}>transaction</Link>).
            </Banner>
          ) : null}
          <SelectField label="Asset" options={(assets.data ?? []).map((a) => [a.symbol, a.symbol] as const)} value={issue.asset} onChange={set('asset')} />
          <SelectField label="To" options={[['user', 'A user (by uid)'], ['app', 'An app (by id)'], ['account', 'An account (by id)']]} value={issue.owner_kind} onChange={set('owner_kind')} />
          <TextField label={issue.owner_kind === 'account' ? 'Account id' : 'Owner id'} required value={issue.owner_id} onChange={set('owner_id')} />
          <TextField label="Amount" required inputMode="decimal" pattern="[0-9]+(\.[0-9]+)?" placeholder="100.5" value={issue.amount} onChange={set('amount')} />
          <TextField label="Memo" value={issue.memo} onChange={set('memo')} />
          <Button type="submit" busy={busy}>
            Issue
          </Button>
        </form>
      </div>
    </main>
  );
}
