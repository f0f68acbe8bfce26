// Fixtures for the paid-content tests (X4–X13): a server per store, one developer with two apps, wallet users
// created through X1 and funded by issuance. Pay passwords use a fast stand-in hasher (the scrypt placement is
// pinned by users.scrypt-outside-transaction.test.ts); the ledger is verified when the store is dropped.
import type { Config } from '../../src/config.js';
import type { PasswordHasher } from '../../src/core/crypto/passwords.js';
import { createApp } from '../../src/core/identity/apps.js';
import { findWalletUser, walletAccountOf } from '../../src/core/identity/walletUsers.js';
import { balanceSplit } from '../../src/core/ledger/accounts.js';
import { issue } from '../../src/core/ledger/transfers.js';
import type { StoreKind } from '../../src/db/database.js';
import type { DialectPlugin } from '../../src/http/dialect.js';
import { identityDeps } from '../../src/dialects/ulord/management.js';
import type { HttpResult } from '../support/server.js';
import { setup, type Ctx } from './helpers.js';

export const fastPasswords: PasswordHasher = {
  hash: async (p) => `plain$${p}`,
  verify: async (p, stored) => stored === `plain$${p}`,
};

export interface World {
  c: Ctx;
  /** Appkeys of two apps of the same developer. */
  K: string;
  K2: string;
  appId: number;
  app2Id: number;
  /** External call with header `appkey` (default K). */
  x(path: string, body?: unknown, o?: { appkey?: string; method?: string; headers?: Record<string, string> }): Promise<HttpResult>;
  wallet(username: string, password: string, funds?: string, appkey?: string): Promise<void>;
  /** Posted balance of a wallet user, minor units. */
  balance(username: string, appId?: number): Promise<bigint>;
  publish(body: Record<string, unknown>, appkey?: string): Promise<{ claim_id: string; id: number; txid: string }>;
  close(): Promise<void>;
}

export const ULD = 100_000_000n;

/** `extraDialects` mounts more plugins beside Ulord (the admin API, for the operator's content switch). */
export async function world(kind: StoreKind, config?: Partial<Config>, extraDialects: DialectPlugin[] = []): Promise<World> {
  const c = await setup(kind, { ...(config ? { config } : {}), extraDialects });
  const s = c.server.services;
  s.passwords = fastPasswords;
  const dev = await c.dev('owner');
  const mk = (name: string) => s.db.transaction().execute((trx) => createApp(trx, { developerId: dev.id, name }, identityDeps(s)));
  const a1 = await mk('content-app');
  const a2 = await mk('other-app');
  const x: World['x'] = (path, body, o = {}) =>
    c.call(path, body, { method: o.method ?? 'POST', headers: { appkey: o.appkey ?? a1.app.appkey, ...o.headers } });
  const appIdOf = (appkey: string) => (appkey === a2.app.appkey ? a2.app.id : a1.app.id);
  return {
    c,
    K: a1.app.appkey,
    K2: a2.app.appkey,
    appId: a1.app.id,
    app2Id: a2.app.id,
    x,
    async wallet(username, password, funds, appkey = a1.app.appkey) {
      const r = await x('/v1/transactions/createwallet', { username, pay_password: password }, { appkey });
      if (r.json?.errcode !== 0) throw new Error(`createwallet ${username}: ${r.text}`);
      if (funds === undefined) return;
      const user = (await findWalletUser(s.db, appIdOf(appkey), username))!;
      const account = await walletAccountOf(s.db, user, identityDeps(s));
      const amount = BigInt(Math.round(Number(funds) * 1e8));
      await s.db.transaction().execute((trx) => issue(trx, { assetId: account.assetId, toAccountId: account.id, amount, kind: 'test.fund' }, s.clock));
    },
    async balance(username, appId = a1.app.id) {
      const user = (await findWalletUser(s.db, appId, username))!;
      const account = await walletAccountOf(s.db, user, identityDeps(s));
      return (await balanceSplit(s.db, account.id)).total;
    },
    async publish(body, appkey) {
      const r = await x('/v1/transactions/publish', { title: 't', ipfs_hash: 'QmHash', content_type: '.txt', ...body }, appkey ? { appkey } : {});
      if (r.json?.errcode !== 0) throw new Error(`publish: ${r.text}`);
      return r.json.result;
    },
    close: () => c.close(),
  };
}
