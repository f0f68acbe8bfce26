// The console's frame: signed out it shows sign-in / sign-up; signed in it loads the developer (GET /me), draws the
// navigation (the admin area only for admins) and picks the page for the current path.
import type { ReactNode } from 'react';
import { useAsync } from '../shared/hooks';
import { Link, match, navigate, useLocation } from '../shared/router';
import { Button, ErrorBanner, Loading } from '../shared/ui';
import { AdminAssets } from './pages/AdminAssets';
import { AdminAudit } from './pages/AdminAudit';
import { AdminAppTypes } from './pages/AdminAppTypes';
import { AdminDevelopers } from './pages/AdminDevelopers';
import { AdminRoles } from './pages/AdminRoles';
import { AdminOperator } from './pages/AdminOperator';
import { AdminUsers } from './pages/AdminUsers';
import { AppDetail } from './pages/AppDetail';
import { Apps } from './pages/Apps';
import { LedgerAccount } from './pages/LedgerAccount';
import { LedgerBlock } from './pages/LedgerBlock';
import { Ledger } from './pages/Ledger';
import { LedgerTransaction } from './pages/LedgerTransaction';
import { NotFound } from './pages/NotFound';
import { SignIn } from './pages/SignIn';
import { api, signOut, useToken } from './session';
import type { Me } from './types';

export function isAdmin(me: Me): boolean {
  return me.is_admin;
}

function route(path: string, me: Me): ReactNode {
  let m: Record<string, string> | null;
  if (path === '/' || path === '/apps') return <Apps />;
  if ((m = match('/apps/:id', path))) return <AppDetail id={Number(m.id)} tab="keys" admin={isAdmin(me)} />;
  if ((m = match('/apps/:id/:tab', path))) return <AppDetail id={Number(m.id)} tab={m.tab!} admin={isAdmin(me)} />;
  if (!isAdmin(me)) return <NotFound />;
  if (path === '/ledger') return <Ledger />;
  if ((m = match('/ledger/blocks/:number', path))) return <LedgerBlock number={Number(m.number)} />;
  if ((m = match('/ledger/tx/:txid', path))) return <LedgerTransaction txid={m.txid!} />;
  if ((m = match('/ledger/accounts/:id', path))) return <LedgerAccount id={Number(m.id)} />;
  if (path === '/admin/users') return <AdminUsers />;
  if (path === '/admin/assets') return <AdminAssets />;
  if (path === '/admin/operator') return <AdminOperator />;
  if (path === '/admin/developers') return <AdminDevelopers />;
  if (path === '/admin/roles') return <AdminRoles />;
  if (path === '/admin/app-types') return <AdminAppTypes />;
  if (path === '/admin/audit') return <AdminAudit />;
  return <NotFound />;
}

const NAV: ReadonlyArray<{ to: string; text: string; admin: boolean }> = [
  { to: '/apps', text: 'Apps', admin: false },
  { to: '/ledger', text: 'Ledger', admin: true },
  { to: '/admin/users', text: 'Users', admin: true },
  { to: '/admin/developers', text: 'Developers', admin: true },
  { to: '/admin/roles', text: 'Roles', admin: true },
  { to: '/admin/app-types', text: 'App types', admin: true },
  { to: '/admin/assets', text: 'Assets', admin: true },
  { to: '/admin/operator', text: 'Operator', admin: true },
  { to: '/admin/audit', text: 'Audit log', admin: true },
];

function Frame({ me, children }: { me: Me | null; children: ReactNode }) {
  const { path } = useLocation();
  const leave = async () => {
    await signOut();
    navigate('/', { replace: true });
  };
  return (
    <>
      <a className="skip" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <Link to="/" className="brand">
          Plaza <span>console</span>
        </Link>
        {me ? (
          <>
            <nav className="mainnav" aria-label="Console">
              <ul>
                {NAV.filter((n) => !n.admin || isAdmin(me)).map((n) => (
                  <li key={n.to}>
                    <Link to={n.to} aria-current={path === n.to || path.startsWith(`${n.to}/`) || (n.to === '/apps' && path === '/') ? 'page' : undefined}>
                      {n.text}
                    </Link>
                  </li>
                ))}
              </ul>
            </nav>
            <div className="who">
              <span>{me.username}</span>
              <Button variant="secondary" className="btn-small" onClick={() => void leave()}>
                Sign out
              </Button>
            </div>
          </>
        ) : null}
      </header>
      {children}
    </>
  );
}

function SignedIn({ token }: { token: string }) {
  const { path } = useLocation();
  const me = useAsync(() => api.get<Me>('/me'), [token]);
  if (!me.data) {
    return (
      <Frame me={null}>
        <main id="main" className="page narrow">
          {me.error ? <ErrorBanner error={me.error} /> : <Loading />}
        </main>
      </Frame>
    );
  }
  return <Frame me={me.data}>{route(path, me.data)}</Frame>;
}

export function App() {
  const token = useToken();
  const { path } = useLocation();
  if (!token) {
    return (
      <Frame me={null}>
        <SignIn mode={path === '/sign-up' ? 'sign-up' : 'sign-in'} />
      </Frame>
    );
  }
  return <SignedIn token={token} />;
}
