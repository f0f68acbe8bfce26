// Shared pieces of the YOYOW transport and crypto tests (test/yoyow/transport*.test.ts, crypto*.test.ts): the real
// crypto-js 3.3.0 and 4.2.0 packages as clients use them, the §2.6 vectors, and a server whose dialect carries
// test-only secure and read routes, so the transport is exercised without depending on any endpoint's rules.
import { createCipheriv } from 'node:crypto';
import { createRequire } from 'node:module';
import { setAppControls } from '../../src/core/identity/appControls.js';
import { APP_SECRET_PURPOSE, getApp, type AppSettings } from '../../src/core/identity/apps.js';
import { sha256Hex } from '../../src/core/crypto/tokens.js';
import type { Config } from '../../src/config.js';
import { kamiyaDialect } from '../../src/dialects/kamiya/plugin.js';
import { evpBytesToKey, pbkdf2Key } from '../../src/dialects/yoyow/cipher.js';
import { chainRule, YoyowRefusal } from '../../src/dialects/yoyow/errors.js';
import { parseUid } from '../../src/dialects/yoyow/parse.js';
import { appReadRoute, platformParam, readRoute, secureRoute, type YoyowRoute } from '../../src/dialects/yoyow/pipeline.js';
import { createYoyowDialect } from '../../src/dialects/yoyow/plugin.js';
import type { StoreKind } from '../../src/db/database.js';
import { startIdentityServer, type IdentityCtx, type TestApp } from '../support/identityFixtures.js';

type CryptoJS = typeof import('crypto-js');
const require = createRequire(import.meta.url);
export const CJ3 = require('crypto-js3') as CryptoJS;
export const CJ4 = require('crypto-js4') as CryptoJS;

export interface Cipher {
  ct: string;
  iv?: string;
  s: string;
}

/** §2.6 vectors. */
export const PLAZA_SECRET = '5f2b8e4c9a1d7e3f6b0c2a8d4e9f1b7c';
export const VECTORS = {
  V1: { mode: 'simple', pass: 'thisissec', s: '0102030405060708', iv: 'adc16b876d580b5a648983157110b909', ct: '698039216b28f8c9b72cc43ee1f08c176918f016926b2ead37dd5ac6fe002cf22ceb1dc527933415fe3b128d656861e3' },
  V2: { mode: 'standard', pass: 'thisissec', s: '000102030405060708090a0b0c0d0e0f', iv: '0f0e0d0c0b0a09080706050403020100', ct: 'c18d5d0f7cf2d4eae93b9ffbae2fb046d21038d30cd8a983e308750d53da803ae91b1284e591ab5a4d33c93d1e04cf19' },
  V3: { mode: 'simple', pass: PLAZA_SECRET, s: '0102030405060708', iv: 'e76d6fdc5ffef96865762f5802c2b94f', ct: 'd44d75021a7fefcf48ffb75c1f8924a293878467bafe07d337cff0c759c1a5151e524f9dc711035157fc773e5eea5522' },
  V4: { mode: 'standard', pass: PLAZA_SECRET, s: '000102030405060708090a0b0c0d0e0f', iv: '0f0e0d0c0b0a09080706050403020100', ct: '4e36fa40cfc0e162455d488465faf3d5dca804b487fda314933504f256b3110d603d88e83dfdb4fa1a253969ed28c87e' },
} as const;
export const VECTOR_PLAINTEXT = '{"time":1600000000000,"uid":30833}';

/** crypto-js passphrase mode (`AES.encrypt(text, P)`), as the seed's clients do. */
export function cryptoJsSimple(cj: CryptoJS, secret: string, text: string): Cipher {
  const enc = cj.AES.encrypt(text, secret);
  return { ct: enc.ciphertext.toString(), iv: enc.iv.toString(), s: enc.salt.toString() };
}

/** crypto-js standard mode: PBKDF2 key (`options` picks hasher/iterations) + explicit IV. */
export function cryptoJsStandard(cj: CryptoJS, secret: string, text: string, options: { hasher?: unknown; iterations?: number } = {}): Cipher {
  const salt = cj.lib.WordArray.random(16);
  const iv = cj.lib.WordArray.random(16);
  const key = cj.PBKDF2(secret, salt, { keySize: 256 / 32, iterations: 100, ...options } as never);
  const enc = cj.AES.encrypt(text, key, { iv });
  return { ct: enc.ciphertext.toString(), iv: iv.toString(), s: salt.toString() };
}

/** Encrypts raw bytes (anything, e.g. invalid UTF-8) the way simple mode does. */
export function simpleBytes(secret: string, plain: Buffer, salt = Buffer.from('a1b2c3d4e5f60718', 'hex')): Cipher {
  const { key, iv } = evpBytesToKey(Buffer.from(secret, 'utf8'), salt);
  const c = createCipheriv('aes-256-cbc', key, iv);
  return { ct: Buffer.concat([c.update(plain), c.final()]).toString('hex'), s: salt.toString('hex') };
}

/** Encrypts raw bytes in standard mode. */
export function standardBytes(secret: string, plain: Buffer, salt: Buffer, iv: Buffer): Cipher {
  const c = createCipheriv('aes-256-cbc', pbkdf2Key(Buffer.from(secret, 'utf8'), salt), iv);
  return { ct: Buffer.concat([c.update(plain), c.final()]).toString('hex'), iv: iv.toString('hex'), s: salt.toString('hex') };
}

export interface TransportCtx {
  c: IdentityCtx;
  A: TestApp;
  /** How often each test route's handler ran. */
  runs: Map<string, number>;
  /** Simple-mode encryption of `JSON.stringify(payload)` with `secret` (default A's), via crypto-js 3. */
  enc(payload: unknown, secret?: string): Cipher;
  /** `{...payload, time: now}` encrypted. */
  encNow(payload: Record<string, unknown>, secret?: string): Cipher;
  setSettings(appId: number, settings: AppSettings): Promise<void>;
  /** Replaces an app's secret (e.g. with the §2.6 Plaza-format secret). */
  setSecret(appId: number, secret: string): Promise<void>;
  close(): Promise<void>;
}

function count(runs: Map<string, number>, name: string): void {
  runs.set(name, (runs.get(name) ?? 0) + 1);
}

/** Test-only routes: echo, a refusal after a write, a crash, a slow one, reads with and without an app. */
export function testRoutes(runs: Map<string, number>): YoyowRoute[] {
  return [
    secureRoute('/api/v2/_t/echo', async (ctx) => {
      count(runs, 'echo');
      return { app: ctx.app.id, payload: ctx.payload };
    }),
    secureRoute('/api/v2/_t/refuse', async (ctx) => {
      count(runs, 'refuse');
      await ctx.db.insertInto('settings').values({ key: `yoyow-test:${String(runs.get('refuse'))}`, value: 'x' }).execute();
      throw YoyowRefusal.of('insufficientPrepaid');
    }),
    secureRoute('/api/v2/_t/rule', async () => {
      throw chainRule('cannot transfer to self');
    }),
    secureRoute('/api/v2/_t/flaky', async (ctx) => {
      count(runs, 'flaky');
      // A transient storage failure on every first attempt: the pipeline retries it in a fresh transaction.
      if (runs.get('flaky')! % 2 === 1) throw Object.assign(new Error('database is locked'), { code: 'SQLITE_BUSY' });
      return { attempt: runs.get('flaky'), payload: ctx.payload };
    }),
    secureRoute('/api/v2/_t/crash', async () => {
      throw new Error('boom');
    }),
    secureRoute('/api/v2/_t/slow', async () => {
      await new Promise((r) => setTimeout(r, 2500));
      return null;
    }),
    readRoute('/api/v2/_t/read/:uid', async (ctx) => ({ uid: parseUid(ctx.params.uid, 'uid'), query: ctx.query, platform: platformParam(ctx) })),
    readRoute('/api/v2/_t/big', async () => ({ small: 4294967295n, large: 4294967296n, neg: -4294967296n, list: [1n, 2n ** 63n - 1n] })),
    appReadRoute('/auth/_t/app', async (ctx) => ctx.app.id),
  ];
}

export async function startTransport(kind: StoreKind, config: Partial<Config> = {}): Promise<TransportCtx> {
  const runs = new Map<string, number>();
  const c = await startIdentityServer(kind, { dialects: [kamiyaDialect, createYoyowDialect(testRoutes(runs))], config });
  const A = await c.createApp('yoyow-a');
  const s = c.server.services;
  const ctx: TransportCtx = {
    c,
    A,
    runs,
    enc: (payload, secret = A.secret) => cryptoJsSimple(CJ3, secret, JSON.stringify(payload)),
    encNow: (payload, secret = A.secret) => cryptoJsSimple(CJ3, secret, JSON.stringify({ ...payload, time: c.clock.now() })),
    async setSettings(appId, settings) {
      await s.db.transaction().execute((trx) => setAppControls(trx, appId, { settings }, { clock: c.clock }));
    },
    async setSecret(appId, secret) {
      await s.db.updateTable('apps').set({ secret_enc: s.box.seal(secret, APP_SECRET_PURPOSE), secret_hash: sha256Hex(secret) }).where('id', '=', appId).execute();
      if (!(await getApp(s.db, appId))) throw new Error('no such app');
    },
    close: () => c.close(),
  };
  return ctx;
}
