// Balances: one card per asset, one line per sub-balance — what can be spent now (available) first, then the
// posted balance and the holds when they differ. "History" filters the history below to that account.
import type { Balance } from './api';
import { subLabel } from './format';

export function Balances({ balances, onShowHistory }: { balances: readonly Balance[]; onShowHistory(accountId: number): void }) {
  if (balances.length === 0) return <p className="muted empty">You hold nothing yet. Apps that pay you or give you credit will show up here.</p>;
  const byAsset = new Map<string, Balance[]>();
  for (const b of balances) byAsset.set(b.asset, [...(byAsset.get(b.asset) ?? []), b]);
  return (
    <div className="grid2">
      {[...byAsset].map(([asset, subs]) => (
        <section key={asset} className="card balance-card" aria-labelledby={`asset-${asset}`}>
          <h3 id={`asset-${asset}`}>{asset}</h3>
          <ul className="plain">
            {subs.map((b) => (
              <li key={b.accountId} className="balance-line" data-testid={`balance-${asset}-${b.sub}`}>
                <div>
                  <span className="muted">{subLabel(b.sub)}</span>
                  <p className="amount">
                    <span data-field="available">{b.available.amount}</span> <span className="muted">{asset}</span>
                  </p>
                  {b.held.minor !== '0' ? (
                    <p className="muted">
                      {b.balance.amount} {asset} in total, {b.held.amount} on hold
                    </p>
                  ) : null}
                  {b.incoming.minor !== '0' ? <p className="muted">{b.incoming.amount} {asset} incoming</p> : null}
                  {b.frozen ? <p className="muted">Frozen by the operator: it cannot be spent.</p> : null}
                </div>
                <button type="button" className="btn btn-link" onClick={() => onShowHistory(b.accountId)} aria-label={`History of ${asset} ${subLabel(b.sub)}`}>
                  History
                </button>
              </li>
            ))}
          </ul>
        </section>
      ))}
    </div>
  );
}
