// Fixtures for the external-endpoint tests (X1–X3 and the appkey checks): apps created through the identity core,
// wallets funded by issuing ULD directly, calls that name the app by its `appkey` header.
import { sql } from 'kysely';
import { createApp, type App } from '../../src/core/identity/apps.js';
import { developerWalletAccount, findWalletUser, walletAccountOf } from '../../src/core/identity/walletUsers.js';
import { balanceSplit } from '../../src/core/ledger/accounts.js';
import { issue } from '../../src/core/ledger/transfers.js';
import { parseDecimal } from '../../src/core/money.js';
import { identityDeps } from '../../src/dialects/ulord/management.js';
import type { HttpResult } from '../support/server.js';
import type { Ctx, Dev } from './helpers.js';

export interface TestApp {
  app: App;
  appkey: string;
  secret: string;
}

export async function newApp(c: Ctx, dev: Dev, name = `app-${Math.random().toString(36).slice(2, 10)}`): Promise<TestApp> {
  const s = c.server.services;
  const { app, secret } = await s.db.transaction().execute((trx) => createApp(trx, { developerId: dev.id, name }, identityDeps(s)));
  return { app, appkey: app.appkey, secret };
}

/** A POST to an external endpoint with the `appkey` header (unless `appkey` is null). */
export function ext(c: Ctx, a: TestApp | null, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<HttpResult> {
  return c.call(path, body, { headers: { ...(a ? { appkey: a.appkey } : {}), ...headers } });
}

export function minor(text: string): bigint {
  const v = parseDecimal(text, 8);
  if (typeof v !== 'bigint') throw new Error(`bad amount ${text}`);
  return v;
}

/** Issues `amount` ULD to a wallet user of the app. */
export async function fundUser(c: Ctx, a: TestApp, username: string, amount: string): Promise<void> {
  const s = c.server.services;
  const user = await findWalletUser(s.db, a.app.id, username);
  if (!user) throw new Error(`no wallet user ${username}`);
  await s.db.transaction().execute(async (trx) => {
    const account = await walletAccountOf(trx, user, identityDeps(s));
    await issue(trx, { assetId: account.assetId, toAccountId: account.id, amount: minor(amount), kind: 'test.fund' }, s.clock);
  });
}

export async function fundDeveloper(c: Ctx, dev: Dev, amount: string): Promise<void> {
  const s = c.server.services;
  await s.db.transaction().execute(async (trx) => {
    const account = await developerWalletAccount(trx, dev.id, identityDeps(s));
    await issue(trx, { assetId: account.assetId, toAccountId: account.id, amount: minor(amount), kind: 'test.fund' }, s.clock);
  });
}

/** The user's posted balance in minor units (read directly from the ledger). */
export async function postedBalance(c: Ctx, a: TestApp, username: string): Promise<bigint> {
  const s = c.server.services;
  const user = await findWalletUser(s.db, a.app.id, username);
  if (!user) throw new Error(`no wallet user ${username}`);
  const split = await balanceSplit(s.db, (await walletAccountOf(s.db, user, identityDeps(s))).id);
  return split.confirmed + split.unconfirmed;
}

/** Sets columns of the apps table directly (the admin API for them is built elsewhere). */
export async function setAppColumns(c: Ctx, a: TestApp, values: { banned?: number; key_expires_at?: number | null; dialects?: string | null; settings?: string | null; status?: 'live' | 'removed' }): Promise<void> {
  await c.server.services.db.updateTable('apps').set(values).where('id', '=', a.app.id).execute();
}

export async function setUserDisabled(c: Ctx, a: TestApp, username: string, disabled: boolean): Promise<void> {
  await sql`update end_users set disabled = ${disabled ? 1 : 0} where app_id = ${a.app.id} and username = ${username}`.execute(c.server.services.db);
}

export const TX = {
  create: '/v1/transactions/createwallet',
  pay: '/v1/transactions/paytouser',
  balance: '/v1/transactions/balance',
} as const;
