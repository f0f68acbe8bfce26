// Fixtures of the liveuser black-box tests: a server with the liveuser dialect, the admin API and the WeChat sandbox
// (background retries off) on a manual clock, its `publicUrl` pointed at the port it listens on (so sandbox-mode
// apps reach the sandbox and notifications reach Wx.Postpay); developers with admin-API tokens; apps switched to
// sandbox mode; and shortcuts for the sandbox login, Wx.Login, products and orders.
import assert from 'node:assert/strict';
import { identityDeps } from '../../src/admin/deps.js';
import { createAdminApi } from '../../src/admin/plugin.js';
import type { Config } from '../../src/config.js';
import { manualClock } from '../../src/core/clock.js';
import { createApp, getApp, type StoredApp } from '../../src/core/identity/apps.js';
import { hashNewPassword, registerDeveloper, type Developer } from '../../src/core/identity/developers.js';
import { issueDeveloperToken } from '../../src/core/identity/devTokens.js';
import { ensureBuiltinRoles } from '../../src/core/identity/roles.js';
import { ensureAsset } from '../../src/core/ledger/assets.js';
import type { StoreKind } from '../../src/db/database.js';
import type { DialectPlugin } from '../../src/http/dialect.js';
import { liveuserDialect } from '../../src/dialects/liveuser/plugin.js';
import { enableSandboxWechat, getWechatConfig, setWechatConfig, type WechatAppConfig } from '../../src/integrations/wechat/index.js';
import { generateSandboxCredentials } from '../../src/integrations/wechat/store.js';
import { createSandboxRoutes } from '../../src/sandbox/plugin.js';
import { ensureBilling } from '../../src/modules/billing/accounts.js';
import { http, startTestServer, type HttpResult, type TestServer } from '../support/server.js';

export const JSON_CT = 'application/json; charset=utf-8';

export interface LiveApp {
  app: StoredApp;
  appkey: string;
  /** The app's WeChat configuration (sandbox mode), or null when none was set. */
  wechat: WechatAppConfig | null;
}

export interface Tokens {
  access_token: string;
  refresh_token: string;
  expiry: number;
  uid: string;
}

export interface LiveCtx {
  server: TestServer;
  clock: ReturnType<typeof manualClock>;
  developer: Developer;
  /** A developer token of the app owner (admin API). */
  devToken: string;
  /** An app in sandbox mode (unless `wechat: false`). */
  createApp(name: string, options?: { wechat?: boolean; owner?: Developer }): Promise<LiveApp>;
  /** A second developer with its token (wrong-owner tests). */
  otherDeveloper(): Promise<{ developer: Developer; token: string }>;
  /** POST to a liveuser path (`/liveuser/...` or mounted), with optional bearer token and headers. */
  call(path: string, body?: unknown, options?: { token?: string; headers?: Record<string, string> }): Promise<HttpResult>;
  /** An admin API call with the owner's developer token. */
  admin(method: string, path: string, body?: unknown, token?: string): Promise<HttpResult>;
  /** `POST /_sandbox/wechat/login` → the code, openid and unionid (when asked). */
  sandboxCode(app: LiveApp, user: string, withUnionid?: boolean): Promise<{ code: string; openid: string; unionid?: string }>;
  /** Sandbox login + Wx.Login under `/apps/<appkey>`: the tokens. */
  login(app: LiveApp, user: string, withUnionid?: boolean): Promise<Tokens>;
  /** A product through the admin API (201 asserted). */
  product(app: LiveApp, body: Record<string, unknown>): Promise<HttpResult>;
  reloadApp(app: LiveApp): Promise<LiveApp>;
  setNotifyUrl(app: LiveApp, url: string | null): Promise<void>;
  close(): Promise<void>;
}

export async function startLiveuser(kind: StoreKind, config: Partial<Config> = {}, extraDialects: readonly DialectPlugin[] = []): Promise<LiveCtx> {
  const clock = manualClock(Date.UTC(2026, 4, 1, 12, 0, 0));
  const server = await startTestServer(kind, {
    dialects: [liveuserDialect, ...extraDialects, createAdminApi({ assertResponses: true })],
    extras: [createSandboxRoutes({ retryIntervalMs: null })],
    clock,
    config,
  });
  const s = server.services;
  // The client and the notify URL read publicUrl on every call: point it at this server's real port.
  s.config.publicUrl = server.baseUrl;
  const deps = identityDeps(s);
  await ensureBuiltinRoles(s.db);
  await ensureAsset(s.db, { symbol: s.config.ulord.assetSymbol, precision: 8 }, clock);
  await ensureBilling(s.db, clock);
  const passwordHash = await hashNewPassword('dev-password-1', deps);
  let devSeq = 0;
  const register = async () => {
    const username = `maker${++devSeq}`;
    const developer = await s.db.transaction().execute((trx) => registerDeveloper(trx, { username, passwordHash }, deps));
    const { token } = await issueDeveloperToken(s.db, developer.id, clock, 30 * 86400);
    return { developer, token };
  };
  const owner = await register();

  const ctx: LiveCtx = {
    server,
    clock,
    developer: owner.developer,
    devToken: owner.token,
    async createApp(name, options = {}) {
      const developerId = (options.owner ?? owner.developer).id;
      const credentials = options.wechat === false ? null : generateSandboxCredentials();
      const app = await s.db.transaction().execute(async (trx) => {
        const created = await createApp(trx, { developerId, name }, deps);
        if (credentials) await enableSandboxWechat(trx, created.app.id, { box: s.box, clock }, credentials);
        return created.app;
      });
      const stored = (await getApp(s.db, app.id))!;
      return { app: stored, appkey: stored.appkey, wechat: await getWechatConfig(s.db, app.id, s.box) };
    },
    otherDeveloper: register,
    call(path, body, options = {}) {
      const headers: Record<string, string> = { ...options.headers };
      if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
      return http(server.baseUrl, 'POST', path, { ...(body !== undefined ? { body } : {}), headers });
    },
    admin(method, path, body, token = owner.token) {
      return http(server.baseUrl, method, path, { ...(body !== undefined ? { body } : {}), headers: { authorization: `Bearer ${token}` } });
    },
    async sandboxCode(app, user, withUnionid = false) {
      const r = await http(server.baseUrl, 'POST', '/_sandbox/wechat/login', { body: { appid: app.wechat!.appid, user, with_unionid: withUnionid } });
      assert.equal(r.status, 200, r.text);
      return r.json;
    },
    async login(app, user, withUnionid = false) {
      const { code } = await ctx.sandboxCode(app, user, withUnionid);
      const r = await ctx.call(`/apps/${app.appkey}/liveuser/Wx/Login`, { code });
      assert.equal(r.status, 200, r.text);
      return r.json as Tokens;
    },
    async product(app, body) {
      const r = await ctx.admin('POST', `/admin/v1/apps/${app.app.id}/products`, body);
      assert.equal(r.status, 201, r.text);
      return r;
    },
    async reloadApp(app) {
      const stored = (await getApp(s.db, app.app.id))!;
      return { app: stored, appkey: stored.appkey, wechat: await getWechatConfig(s.db, app.app.id, s.box) };
    },
    async setNotifyUrl(app, url) {
      const cfg = (await getWechatConfig(s.db, app.app.id, s.box))!;
      await setWechatConfig(s.db, app.app.id, { ...cfg, notifyUrl: url }, s.box, clock);
    },
    close: () => server.close(),
  };
  return ctx;
}

/** Asserts the liveuser error envelope exactly (`detail` exact unless a RegExp is given). */
export function assertError(r: HttpResult, id: string, code: number, detail: string | RegExp, status: string): void {
  assert.equal(r.status, code, r.text);
  assert.equal(r.headers.get('content-type'), JSON_CT);
  assert.deepEqual(Object.keys(r.json), ['id', 'code', 'detail', 'status']);
  assert.equal(r.json.id, id);
  assert.equal(r.json.code, code);
  if (typeof detail === 'string') assert.equal(r.json.detail, detail);
  else assert.match(r.json.detail, detail);
  assert.equal(r.json.status, status);
}

export const badRequest = (r: HttpResult, detail: string | RegExp) => assertError(r, 'E0001', 400, detail, 'Bad Request');
export const unauthorized = (r: HttpResult, detail: string | RegExp) => assertError(r, 'E0002', 401, detail, 'Unauthorized');
export const forbidden = (r: HttpResult, detail: string | RegExp) => assertError(r, 'E0003', 403, detail, 'Forbidden');
export const notFound = (r: HttpResult, detail: string | RegExp) => assertError(r, 'E0102', 404, detail, 'Not Found');
export const conflict = (r: HttpResult, detail: string | RegExp) => assertError(r, 'E0004', 409, detail, 'Conflict');
