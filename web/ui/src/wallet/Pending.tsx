// Pi payments waiting for the user: approved ones link to the hosted approval page ("Review and pay"), where the
// pay password is asked; ones the app has not approved yet say so.
import type { PendingPayment } from './api';
import { formatDate } from './format';

export function Pending({ payments }: { payments: readonly PendingPayment[] }) {
  return (
    <ul className="plain pending">
      {payments.map((p) => (
        <li key={p.identifier} className="grant" data-testid={`payment-${p.identifier}`}>
          <div>
            <strong>
              {p.amount.amount} {p.asset}
            </strong>{' '}
            to {p.appName ?? 'an app'} <span className={`pill pill-${p.state}`}>{p.state === 'created' ? 'waiting for the app' : 'ready to pay'}</span>
            <p className="muted">
              {p.memo || 'No description'} · {formatDate(p.createdAt)}
            </p>
          </div>
          {p.reviewUrl ? (
            <a className="btn btn-small" href={p.reviewUrl} aria-label={`${p.state === 'approved' ? 'Review and pay' : 'Review'} ${p.amount.amount} ${p.asset} to ${p.appName ?? 'the app'}`}>
              {p.state === 'approved' ? 'Review and pay' : 'Review'}
            </a>
          ) : (
            <span className="muted">Open {p.appName ?? 'the app'} to pay.</span>
          )}
        </li>
      ))}
    </ul>
  );
}
