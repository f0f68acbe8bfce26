// Fixtures of the WeChat tests: a Plaza server with the sandbox mounted (manual clock, `publicUrl` pointed at the
// port it listens on, so sandbox-mode clients reach it), sandbox merchants, merchant-signed WeChat Pay requests, and
// a local HTTP receiver standing in for a merchant's notify URL.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { defaultWechatSettings, type Config } from '../../src/config.js';
import { manualClock } from '../../src/core/clock.js';
import type { StoreKind } from '../../src/db/database.js';
import type { WechatAppConfig } from '../../src/integrations/wechat/index.js';
import { authorizationHeader, buildSignMessage, enableSandboxWechat, hexNonce, signMessage } from '../../src/integrations/wechat/index.js';
import { createSandboxRoutes } from '../../src/sandbox/plugin.js';
import { http, startTestServer, type HttpResult, type TestServer } from '../support/server.js';

export interface WechatFixture {
  server: TestServer;
  clock: ReturnType<typeof manualClock>;
  /** Switches app `appId` to sandbox mode (fresh credentials, registered with the sandbox). */
  merchant(appId: number): Promise<WechatAppConfig>;
  /** A sandbox login code (and openid) for `user` under `cfg.appid`. */
  login(cfg: WechatAppConfig, user: string, withUnionid?: boolean): Promise<{ code: string; openid: string; unionid?: string }>;
  /** A WeChat Pay request signed as the merchant of `cfg` would sign it (overridable parts for the error tests). */
  pay(cfg: WechatAppConfig, method: 'GET' | 'POST', path: string, body?: string, o?: SignOverrides): Promise<HttpResult>;
  close(): Promise<void>;
}

export interface SignOverrides {
  timestamp?: string;
  serial?: string;
  mchid?: string;
  /** Sign this body but send `body`. */
  signedBody?: string;
  authorization?: string | null;
  key?: string;
}

export const SANDBOX_PAY = '/_sandbox/wechat/pay';

export async function startWechatFixture(kind: StoreKind, config: Partial<Config> = {}): Promise<WechatFixture> {
  const clock = manualClock(Date.UTC(2026, 4, 1, 12, 0, 0));
  const server = await startTestServer(kind, {
    dialects: [],
    // Retries are driven by the tests (deliverDueNotifications), never by a background timer racing the manual clock.
    extras: [createSandboxRoutes({ retryIntervalMs: null })],
    clock,
    config: { wechat: { ...defaultWechatSettings(), sandboxNotifyRetrySeconds: [15, 30] }, ...config },
  });
  // Sandbox-mode clients call <publicUrl>/_sandbox/wechat/…: point it at the port this server listens on.
  server.services.config.publicUrl = server.baseUrl;
  const s = server.services;
  return {
    server,
    clock,
    merchant: (appId) => s.db.transaction().execute((trx) => enableSandboxWechat(trx, appId, { box: s.box, clock })),
    async login(cfg, user, withUnionid = false) {
      const r = await http(server.baseUrl, 'POST', '/_sandbox/wechat/login', { body: { appid: cfg.appid, user, with_unionid: withUnionid } });
      if (r.status !== 200) throw new Error(`sandbox login failed: ${r.text}`);
      return r.json as { code: string; openid: string; unionid?: string };
    },
    pay(cfg, method, path, body = '', o = {}) {
      const timestamp = o.timestamp ?? String(Math.floor(clock.now() / 1000));
      const nonce = hexNonce(32);
      const signature = signMessage(o.key ?? cfg.merchantPrivateKeyPem, buildSignMessage(method, path, timestamp, nonce, o.signedBody ?? body));
      const headers: Record<string, string> = { accept: 'application/json' };
      const auth = o.authorization === undefined ? authorizationHeader({ mchid: o.mchid ?? cfg.mchid, nonce, signature, timestamp, serial: o.serial ?? cfg.merchantSerial }) : o.authorization;
      if (auth !== null) headers.authorization = auth;
      if (method === 'POST') headers['content-type'] = 'application/json';
      return http(server.baseUrl, method, path, { headers, ...(method === 'POST' ? { body } : {}) });
    },
    close: () => server.close(),
  };
}

export interface Received {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export interface Receiver {
  url: string;
  received: Received[];
  /** The status the next requests get (default 204). */
  status: number;
  /** Resolves when `n` requests have arrived. */
  waitFor(n: number, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

/** A merchant's notify URL: records every request, answers `status` with an empty body. */
export async function startReceiver(path = '/notify'): Promise<Receiver> {
  const received: Received[] = [];
  const waiters: Array<() => void> = [];
  let server: Server;
  const r: Receiver = {
    url: '',
    received,
    status: 204,
    async waitFor(n, timeoutMs = 5000) {
      const deadline = Date.now() + timeoutMs;
      while (received.length < n) {
        if (Date.now() > deadline) throw new Error(`receiver got ${received.length} requests, expected ${n}`);
        await new Promise<void>((resolve) => {
          waiters.push(resolve);
          setTimeout(resolve, 50);
        });
      }
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks) });
      res.statusCode = r.status;
      res.end();
      for (const w of waiters.splice(0)) w();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  r.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}${path}`;
  return r;
}

/** The §8.4 prepay body (keys in order). */
export function prepayBody(cfg: WechatAppConfig, o: { outTradeNo: string; openid: string; notifyUrl: string; total?: number; description?: string }): string {
  return JSON.stringify({
    appid: cfg.appid,
    mchid: cfg.mchid,
    description: o.description ?? 'Gold pack',
    out_trade_no: o.outTradeNo,
    notify_url: o.notifyUrl,
    amount: { total: o.total ?? 200, currency: 'CNY' },
    payer: { openid: o.openid },
  });
}
