// Shared setup of the YOYOW sign-in tests (auth*.test.ts, pages*.test.ts): a server with the YOYOW dialect and the
// hosted pages on a manual clock, an app (the "platform") with YOYOW settings, users, signatures made with a
// user's Plaza-held active key, and a local HTTP receiver standing in for the app's scan-login endpoint.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Config } from '../../src/config.js';
import { defaultYoyowSettings } from '../../src/config.js';
import { setAppControls } from '../../src/core/identity/appControls.js';
import type { AppSettings } from '../../src/core/identity/apps.js';
import type { User } from '../../src/core/identity/users.js';
import type { StoreKind } from '../../src/db/database.js';
import { yoyowDialect } from '../../src/dialects/yoyow/plugin.js';
import { ensureYoyowKeys, privateKeyOf, signMessage } from '../../src/modules/yoyow/keys/index.js';
import { startIdentityServer, type IdentityCtx, type TestApp } from '../support/identityFixtures.js';
import { http, type HttpResult } from '../support/server.js';

export interface YoyowCtx extends IdentityCtx {
  platform: TestApp;
  /** Headers naming the platform app (§2.2 `X-Plaza-App`). */
  appHeaders: Record<string, string>;
  get(path: string, headers?: Record<string, string>): Promise<HttpResult>;
  setYoyow(appId: number, settings: NonNullable<AppSettings['yoyow']>): Promise<void>;
  /** A signature of `message` with the user's (or app's) Plaza-held key of `role` (created on first use). */
  signWith(account: { kind: 'user' | 'app'; uid: number }, role: 'active' | 'secondary', message: string): Promise<string>;
}

export const REDIRECT = 'https://platform.example/yoyow/return';

export async function startYoyowServer(kind: StoreKind, yoyow: Partial<Config['yoyow']> = {}): Promise<YoyowCtx> {
  const ctx = await startIdentityServer(kind, { dialects: [yoyowDialect], config: { yoyow: { ...defaultYoyowSettings(), ...yoyow } } });
  const s = ctx.server.services;
  const platform = await ctx.createApp('Kitten Posts', { redirectUris: [REDIRECT] });
  return {
    ...ctx,
    platform,
    appHeaders: { 'x-plaza-app': platform.appkey },
    get: (path, headers) => http(ctx.server.baseUrl, 'GET', path, headers ? { headers } : {}),
    async setYoyow(appId, settings) {
      await s.db.transaction().execute((trx) => setAppControls(trx, appId, { settings: { yoyow: settings } }, { clock: ctx.clock }));
    },
    async signWith(account, role, message) {
      await s.db.transaction().execute((trx) => ensureYoyowKeys(trx, account, s));
      return signMessage((await privateKeyOf(s.db, account.uid, role, s.box))!, message);
    },
  };
}

export function loginMessage(user: Pick<User, 'uid'> | number, time: number | string): string {
  return JSON.stringify({ yoyow: String(typeof user === 'number' ? user : user.uid), time: String(time) });
}

export interface Received {
  method: string;
  url: string;
  contentType: string | undefined;
  body: string;
}

export interface Receiver {
  url: string;
  received: Received[];
  /** What the next requests are answered with (status, body, delay in ms). */
  answer: { status: number; body: string; delayMs?: number };
  close(): Promise<void>;
}

function readAll(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** A local HTTP server recording every request (the app's scan-login endpoint of §4.27). */
export async function startReceiver(): Promise<Receiver> {
  const received: Received[] = [];
  const r: Omit<Receiver, 'url' | 'close'> = { received, answer: { status: 200, body: '{"code":0,"message":"ok"}' } };
  const timers = new Set<NodeJS.Timeout>();
  const server: Server = createServer(async (req, res) => {
    const body = await readAll(req);
    received.push({ method: req.method ?? '', url: req.url ?? '', contentType: req.headers['content-type'], body });
    const { status, body: answer, delayMs } = r.answer;
    const send = () => {
      if (res.destroyed) return;
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(answer);
    };
    if (delayMs) {
      const t = setTimeout(() => {
        timers.delete(t);
        send();
      }, delayMs);
      timers.add(t);
    } else send();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(r, {
    url: `http://127.0.0.1:${port}/yoyow/login`,
    async close() {
      for (const t of timers) clearTimeout(t);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  });
}
