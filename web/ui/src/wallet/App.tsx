// The wallet page: who is signed in (a 401 sends the browser to the hosted sign-in, back to /wallet/ after), then the
// payments waiting for the user, balances, history, the apps with access and the pay password. One column that
// reads top to bottom on a phone; every control is a native element reachable by keyboard.
import { useEffect, useState, type ReactNode } from 'react';
import { useAsync } from '../shared/hooks';
import { ErrorBanner, Loading } from '../shared/ui';
import { setCsrfToken, walletApi, type Me } from './api';
import { Balances } from './Balances';
import { Grants } from './Grants';
import { History } from './History';
import { PayPassword } from './PayPassword';
import { Pending } from './Pending';

function TopBar({ me }: { me: Me | undefined }) {
  return (
    <>
      <a className="skip" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <a className="brand" href="/wallet/">
          Plaza <span>wallet</span>
        </a>
        {me ? (
          <div className="who">
            <span>
              Signed in as <strong data-testid="username">{me.user.username}</strong>
            </span>
            <a href="/account">Account</a>
            {/* The hosted sign-out is a form POST guarded by the same CSRF token. */}
            <form method="post" action="/signout">
              <input type="hidden" name="csrf" value={me.csrfToken} />
              <button type="submit" className="btn btn-secondary btn-small">
                Sign out
              </button>
            </form>
          </div>
        ) : null}
      </header>
    </>
  );
}

function Section({ id, title, children }: { id: string; title: string; children: ReactNode }) {
  return (
    <section className="card" aria-labelledby={id}>
      <h2 id={id}>{title}</h2>
      {children}
    </section>
  );
}

export function App() {
  const me = useAsync(() => walletApi.me(), []);
  const balances = useAsync(() => walletApi.balances(), []);
  const grants = useAsync(() => walletApi.grants(), []);
  const pending = useAsync(() => walletApi.pending(), []);
  const [account, setAccount] = useState<number | null>(null);

  useEffect(() => {
    if (me.data) setCsrfToken(me.data.csrfToken);
  }, [me.data]);
  useEffect(() => {
    document.title = 'Your wallet · Plaza';
  }, []);

  const showHistory = (id: number) => {
    setAccount(id);
    document.getElementById('history')?.scrollIntoView();
    document.getElementById('history')?.focus({ preventScroll: true });
  };

  return (
    <>
      <TopBar me={me.data} />
      <main id="main" className="page wallet">
        <h1>Your wallet</h1>
        <ErrorBanner error={me.error} />
        {!me.data ? (
          me.loading ? <Loading /> : null
        ) : (
          <>
            {pending.data && pending.data.payments.length > 0 ? (
              <Section id="pending" title="Payments waiting for you">
                <Pending payments={pending.data.payments} />
              </Section>
            ) : null}
            <ErrorBanner error={pending.error} />
            <Section id="balances" title="Balances">
              <ErrorBanner error={balances.error} />
              {balances.data ? <Balances balances={balances.data.balances} onShowHistory={showHistory} /> : <Loading />}
            </Section>
            <section className="card" aria-labelledby="history">
              <h2 id="history" tabIndex={-1}>
                History
              </h2>
              <History balances={balances.data?.balances ?? []} account={account} onAccount={setAccount} />
            </section>
            <Section id="apps" title="Apps with access">
              <ErrorBanner error={grants.error} />
              {grants.data ? <Grants grants={grants.data.grants} onChanged={grants.reload} /> : <Loading />}
            </Section>
            <Section id="pay-password" title="Pay password">
              <PayPassword me={me.data} onChanged={me.reload} />
            </Section>
          </>
        )}
      </main>
    </>
  );
}
