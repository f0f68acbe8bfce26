// One transaction: the transfer, and once its block is sealed, its Merkle proof — checked here in the browser.
import { useEffect, useState } from 'react';
import { useAsync } from '../../shared/hooks';
import { Link, usePageTitle } from '../../shared/router';
import { Banner, ErrorBanner, Facts, Loading, StatusPill, formatTime } from '../../shared/ui';
import { verifyProof } from '../merkle';
import { api } from '../session';
import type { Proof, Transfer } from '../types';

function ProofView({ proof }: { proof: Proof }) {
  const [check, setCheck] = useState<{ ok: boolean; nodes: string[] } | null>(null);
  useEffect(() => {
    verifyProof(proof).then(setCheck, () => setCheck({ ok: false, nodes: [] }));
  }, [proof]);
  return (
    <section className="card" aria-labelledby="proof-title">
      <h2 id="proof-title">Merkle proof</h2>
      {check ? (
        <Banner kind={check.ok ? 'notice' : 'error'}>
          {check.ok
            ? `Verified in this browser: the path leads from the txid to block ${proof.block_number}’s Merkle root.`
            : 'The path does NOT lead to the block’s Merkle root.'}
        </Banner>
      ) : null}
      <Facts
        items={[
          ['Block', <Link key="b" to={`/ledger/blocks/${proof.block_number}`}>#{proof.block_number}</Link>],
          ['Merkle root', <code key="r">{proof.merkle_root}</code>],
          ['Leaf (txid)', <code key="l">{proof.txid}</code>],
        ]}
      />
      <h3>Path, from the leaf up</h3>
      {proof.path.length === 0 ? (
        <p className="muted">The block holds this transaction alone: the txid is the root.</p>
      ) : (
        <ol className="proof">
          {proof.path.map((step, i) => (
            <li key={i}>
              <span className="muted">sibling {step.position}</span>
              <span>
                <code>{step.hash}</code>
                {check?.nodes[i + 1] ? (
                  <>
                    <br />
                    <span className="muted">→ </span>
                    <code className="muted">{check.nodes[i + 1]}</code>
                  </>
                ) : null}
              </span>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}

export function LedgerTransaction({ txid }: { txid: string }) {
  usePageTitle('Transaction');
  const tx = useAsync(() => api.get<Transfer>(`/transfers/${encodeURIComponent(txid)}`), [txid]);
  const sealed = tx.data?.block_number != null;
  const proof = useAsync(async () => (sealed && tx.data ? api.get<Proof>(`/blocks/proof/${tx.data.txid}`) : null), [sealed, tx.data?.txid]);
  const t = tx.data;
  return (
    <main id="main" className="page">
      <p className="crumbs">
        <Link to="/ledger">Ledger</Link> /
      </p>
      <h1>Transaction</h1>
      <ErrorBanner error={tx.error} />
      {t ? (
        <>
          <div className="card">
            <Facts
              items={[
                ['Txid', <code key="t">{t.txid}</code>],
                ['Transfer id', <code key="i">{t.id}</code>],
                ['Amount', `${t.amount} ${t.asset}`],
                ['From account', <Link key="f" to={`/ledger/accounts/${t.debit_account_id}`}>{t.debit_account_id}</Link>],
                ['To account', <Link key="c" to={`/ledger/accounts/${t.credit_account_id}`}>{t.credit_account_id}</Link>],
                ['Kind', <code key="k">{t.kind}</code>],
                ['Memo', t.memo || '—'],
                ['Status', <StatusPill key="s" value={t.status} />],
                ['Created', formatTime(t.created_at)],
                ['Posted', formatTime(t.posted_at)],
                ['Block', t.block_number !== null ? <Link key="b" to={`/ledger/blocks/${t.block_number}`}>#{t.block_number}</Link> : 'not sealed yet'],
              ]}
            />
          </div>
          <ErrorBanner error={proof.error} />
          {proof.data ? <ProofView proof={proof.data} /> : sealed ? <Loading /> : <p className="muted">The Merkle proof appears once the transaction’s block is sealed.</p>}
        </>
      ) : tx.loading ? (
        <Loading />
      ) : null}
    </main>
  );
}
