// One app: its name and key above a tab per concern. Each tab is a path (/apps/3/webhooks), so it can be linked,
// reloaded and reached with the browser's back button.
import type { ReactNode } from 'react';
import { useAsync } from '../../shared/hooks';
import { Link, usePageTitle } from '../../shared/router';
import { CopyValue, ErrorBanner, Loading, StatusPill, Tabs, formatTime } from '../../shared/ui';
import { api } from '../session';
import type { AppSummary } from '../types';
import { AppAccess } from './AppAccess';
import { AppKeys } from './AppKeys';
import { AppPayments } from './AppPayments';
import { AppProducts } from './AppProducts';
import { AppPi } from './AppPi';
import { AppCharges } from './AppCharges';
import { AppContent } from './AppContent';
import { AppControls } from './AppControls';
import { AppOrders } from './AppOrders';
import { AppWebhooks } from './AppWebhooks';
import { AppWechat } from './AppWechat';
import { NotFound } from './NotFound';

const TABS = [
  ['keys', 'Keys'],
  ['access', 'Access'],
  ['webhooks', 'Webhooks'],
  ['payments', 'Payments'],
  ['products', 'Products'],
  ['orders', 'Orders'],
  ['charges', 'Charges'],
  ['content', 'Content'],
  ['pi', 'Pi'],
  ['wechat', 'WeChat'],
  ['controls', 'Controls'],
] as const;

/** Tabs only admins see (the routes behind them are admin-only). */
const ADMIN_TABS: readonly string[] = ['controls'];

type Tab = (typeof TABS)[number][0];

function isTab(t: string): t is Tab {
  return TABS.some(([id]) => id === t);
}

function body(tab: Tab, app: AppSummary, admin: boolean, reload: () => void): ReactNode {
  switch (tab) {
    case 'keys':
      return <AppKeys app={app} />;
    case 'access':
      return <AppAccess appId={app.id} />;
    case 'webhooks':
      return <AppWebhooks appId={app.id} />;
    case 'payments':
      return <AppPayments appId={app.id} />;
    case 'products':
      return <AppProducts appId={app.id} />;
    case 'orders':
      return <AppOrders appId={app.id} />;
    case 'charges':
      return <AppCharges appId={app.id} admin={admin} />;
    case 'content':
      return <AppContent appId={app.id} admin={admin} />;
    case 'pi':
      return <AppPi appId={app.id} />;
    case 'wechat':
      return <AppWechat appId={app.id} />;
    case 'controls':
      return <AppControls appId={app.id} onChanged={reload} />;
  }
}

export function AppDetail({ id, tab, admin }: { id: number; tab: string; admin: boolean }) {
  const app = useAsync(() => api.get<AppSummary>(`/apps/${id}`), [id]);
  const label = TABS.find(([t]) => t === tab)?.[1] ?? '';
  usePageTitle(app.data ? `${app.data.name} · ${label}` : 'App');
  if (!isTab(tab) || (!admin && ADMIN_TABS.includes(tab))) return <NotFound />;
  return (
    <main id="main" className="page">
      <p className="crumbs">
        <Link to="/apps">Apps</Link> /
      </p>
      {app.data ? (
        <>
          <div className="head">
            <h1>{app.data.name}</h1>
          </div>
          {app.data.description ? <p className="muted">{app.data.description}</p> : null}
          <div className="card">
            <CopyValue label="App key" value={app.data.appkey} testId="appkey" />
            <ul className="app-meta" aria-label="About this app">
              <li>
                App id <strong>{app.data.id}</strong>
              </li>
              <li>
                Created <strong>{formatTime(app.data.created_at)}</strong>
              </li>
              <li>
                Status <StatusPill value={app.data.banned ? 'banned' : 'active'} />
              </li>
            </ul>
          </div>
          <Tabs label="App sections" current={tab} tabs={TABS.filter(([t]) => admin || !ADMIN_TABS.includes(t)).map(([t, text]) => ({ id: t, text, to: t === 'keys' ? `/apps/${id}` : `/apps/${id}/${t}` }))} />
          <section aria-label={label}>{body(tab, app.data, admin, app.reload)}</section>
        </>
      ) : app.error ? (
        <>
          <h1>App #{id}</h1>
          <ErrorBanner error={app.error} />
        </>
      ) : (
        <Loading />
      )}
    </main>
  );
}
