// The shared YOYOW chain fixture (spec/yoyow.md §8): app P (uid 33313, secret 5f2b8e4c…, simple mode) as the node's
// default app; users A 30833 and B 31479 with active consents to P (flags 255, unlimited), user C 31036 without; P
// and B funded with 1000 YOYO prepaid through the native admin API; every account opened (welcome csaf). The uid
// sequence is padded so the uids are the spec's. `enc` encrypts like crypto-js passphrase mode (real crypto-js 3.3.0).
import { identityDeps } from '../../src/admin/deps.js';
import { createAdminApi } from '../../src/admin/plugin.js';
import type { Config } from '../../src/config.js';
import { defaultYoyowSettings } from '../../src/config.js';
import { setAppControls } from '../../src/core/identity/appControls.js';
import { APP_SECRET_PURPOSE, getApp, type AppSettings } from '../../src/core/identity/apps.js';
import { sha256Hex } from '../../src/core/crypto/tokens.js';
import { ensureAdminDeveloper } from '../../src/core/identity/developers.js';
import { issueDeveloperToken } from '../../src/core/identity/devTokens.js';
import { allocateUid } from '../../src/core/identity/uid.js';
import type { User } from '../../src/core/identity/users.js';
import { sealBlock } from '../../src/core/ledger/blocks.js';
import type { Block } from '../../src/core/ledger/types.js';
import type { StoreKind } from '../../src/db/database.js';
import { yoyowDialect } from '../../src/dialects/yoyow/plugin.js';
import { accountBalances, yoyowDeps, type WriteDeps } from '../../src/modules/yoyow/index.js';
import { startIdentityServer, type IdentityCtx, type TestApp } from '../support/identityFixtures.js';
import { http, type HttpResult } from '../support/server.js';
import { CJ3, PLAZA_SECRET } from './transportKit.js';

export { PLAZA_SECRET };
export const UID = { A: 30833, C: 31036, B: 31479, P: 33313 } as const;
/** Valid uids no small test database uses (2001). */
export const UNUSED_UID = 256146;
export const YOYO = 100_000n;

export interface Cipher {
  ct: string;
  iv: string;
  s: string;
}

/** §2.4 simple mode as clients do it: crypto-js `AES.encrypt(JSON.stringify(payload), secret)`. */
export function enc(payload: unknown, secret: string = PLAZA_SECRET): Cipher {
  const e = CJ3.AES.encrypt(JSON.stringify(payload), secret);
  return { ct: e.ciphertext.toString(), iv: e.iv.toString(), s: e.salt.toString() };
}

export interface ChainFixture {
  ctx: IdentityCtx;
  P: TestApp;
  A: User;
  B: User;
  C: User;
  deps: WriteDeps;
  now(): number;
  get(path: string, headers?: Record<string, string>): Promise<HttpResult>;
  /** POST `enc(payload)` (a fresh `time` unless the payload has one) to a YOYOW route. */
  post(path: string, payload: Record<string, unknown>, options?: { secret?: string; headers?: Record<string, string>; noTime?: boolean }): Promise<HttpResult>;
  /** A native admin API call with the admin's token. */
  admin(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<HttpResult>;
  issue(uid: number, yoyo: string, into: 'balance' | 'prepaid'): Promise<HttpResult>;
  consent(userUid: number, appUid: number, body?: Record<string, unknown>): Promise<HttpResult>;
  setYoyow(appId: number, settings: NonNullable<AppSettings['yoyow']>): Promise<void>;
  /** Sub-balances as reads show them (csaf with pending accrual). */
  balances(uid: number): Promise<{ balance: bigint; prepaid: bigint; csaf: bigint }>;
  seal(): Promise<Block>;
  close(): Promise<void>;
}

/** Allocates uids until the next one has sequence number `n`. */
async function padTo(ctx: IdentityCtx, n: number): Promise<void> {
  const s = ctx.server.services;
  for (;;) {
    const uid = await s.db.transaction().execute((trx) => allocateUid(trx, 'user', ctx.clock));
    const got = Math.floor(uid / 256);
    if (got > n - 1) throw new Error(`uid sequence already past ${n}`);
    if (got === n - 1) return;
  }
}

export async function startChainFixture(kind: StoreKind, options: { yoyow?: Partial<Config['yoyow']>; fund?: boolean } = {}): Promise<ChainFixture> {
  const ctx = await startIdentityServer(kind, {
    dialects: [yoyowDialect, createAdminApi({ assertResponses: true })],
    config: { yoyow: { ...defaultYoyowSettings(), ...options.yoyow } },
  });
  const s = ctx.server.services;
  const deps = yoyowDeps(s);
  const adminDev = await ensureAdminDeveloper(s.db, { username: 'root', password: 'rootpass' }, identityDeps(s));
  const { token } = await issueDeveloperToken(s.db, adminDev.id, s.clock, 10 * 365 * 86_400);

  await padTo(ctx, 120);
  const A = await ctx.createUser('alice');
  const C = await ctx.createUser('carol');
  const B = await ctx.createUser('bob');
  await padTo(ctx, 130);
  const created = await ctx.createApp('Platform P');
  if (A.uid !== UID.A || C.uid !== UID.C || B.uid !== UID.B || created.app.id !== UID.P) throw new Error('fixture uids differ from the spec');
  // P's secret is the spec's known one (§8 fixture): stored sealed and hashed like any secret.
  await s.db.updateTable('apps').set({ secret_enc: s.box.seal(PLAZA_SECRET, APP_SECRET_PURPOSE), secret_hash: sha256Hex(PLAZA_SECRET) }).where('id', '=', created.app.id).execute();
  const P: TestApp = { app: (await getApp(s.db, created.app.id))!, appkey: created.appkey, secret: PLAZA_SECRET };
  // "reached through the default app"
  s.config.yoyow.defaultApp = P.appkey;

  const admin = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
    http(ctx.server.baseUrl, method, path, { headers: { authorization: `Bearer ${token}`, ...headers }, ...(body !== undefined ? { body } : {}) });
  const expectOk = async (r: Promise<HttpResult>): Promise<HttpResult> => {
    const res = await r;
    if (res.status !== 200) throw new Error(`fixture admin call failed: ${res.status} ${res.text}`);
    return res;
  };

  const fx: ChainFixture = {
    ctx,
    P,
    A,
    B,
    C,
    deps,
    now: () => ctx.clock.now(),
    get: (path, headers) => http(ctx.server.baseUrl, 'GET', path, headers ? { headers } : {}),
    post(path, payload, o = {}) {
      const body = o.noTime || 'time' in payload ? payload : { ...payload, time: ctx.clock.now() };
      return http(ctx.server.baseUrl, 'POST', path, { body: enc(body, o.secret), ...(o.headers ? { headers: o.headers } : {}) });
    },
    admin,
    issue: (uid, yoyo, into) => admin('POST', `/admin/v1/yoyow/accounts/${uid}/issue`, { amount: yoyo, into }),
    consent: (userUid, appUid, body = {}) => admin('PUT', `/admin/v1/yoyow/consents/${userUid}/${appUid}`, body),
    async setYoyow(appId, settings) {
      await s.db.transaction().execute((trx) => setAppControls(trx, appId, { settings: { yoyow: settings } }, { clock: ctx.clock }));
      P.app = (await getApp(s.db, P.app.id))!;
    },
    async balances(uid) {
      return (await accountBalances(s.db, uid, deps))!;
    },
    async seal() {
      const b = await sealBlock(s.database, s.box, ctx.clock);
      if (!b) throw new Error('sealing refused');
      return b;
    },
    close: () => ctx.close(),
  };

  if (options.fund !== false) {
    await expectOk(fx.consent(UID.A, UID.P));
    await expectOk(fx.consent(UID.B, UID.P));
    await expectOk(fx.issue(UID.P, '1000', 'prepaid'));
    await expectOk(fx.issue(UID.B, '1000', 'prepaid'));
    // C has no consent: open its account (welcome csaf) with a read.
    await fx.get(`/api/v2/accounts/${UID.C}`);
  }
  return fx;
}
