// `/pi-sdk.js` (spec/pi.md §6.1, §6.2). Two halves:
//   * over HTTP: content type, ETag and 304, CORS, the `/apps/<appkey>` mount, HEAD;
//   * the script itself, run in a VM with a fake window, fake fetch and Node's mock timers, so the callback timing
//     of §6.2 can be checked to the second without waiting a minute: onReadyForServerApproval at 0, 10 … 50 s
//     (at most 6), onReadyForServerCompletion likewise, onCancel / onError exactly once, messages only from Plaza's
//     origin and the opened window, the user cancel when the wallet window is closed before paying.
// The real-browser walk is in pi.flow.test.ts.
import assert from 'node:assert/strict';
import { after, before, describe, test, type TestContext } from 'node:test';
import { Script, createContext } from 'node:vm';
import { piDialect } from '../../src/dialects/pi/plugin.js';
import { etagMatches } from '../../src/dialects/pi/sdk/route.js';
import { piSdkSource } from '../../src/dialects/pi/sdk/source.js';
import { http, startTestServer, type TestServer } from '../support/server.js';
import { STORES } from '../support/stores.js';

const PLAZA = 'https://plaza.test';
const SHOP = 'https://shop.example';
const APPKEY = '0123456789abcdef0123456789abcdef';
const PAYMENT_ID = 'bpT4r5yHUig43kiJfahqSIjOugM1';
const TXID = 'ab'.repeat(32);

// ---- HTTP ------------------------------------------------------------------------------------------------------
for (const kind of STORES) {
  describe(`GET /pi-sdk.js [${kind}]`, () => {
    let server: TestServer;
    before(async () => {
      server = await startTestServer(kind, { dialects: [piDialect] });
    });
    after(() => server.close());

    test('serves the script with its content type, an ETag, CORS and no-cache; 304 on If-None-Match', async () => {
      const r = await http(server.baseUrl, 'GET', '/pi-sdk.js?app=whatever');
      assert.equal(r.status, 200);
      assert.equal(r.headers.get('content-type'), 'application/javascript; charset=utf-8');
      assert.equal(r.headers.get('access-control-allow-origin'), '*');
      assert.equal(r.headers.get('x-content-type-options'), 'nosniff');
      assert.match(r.headers.get('cache-control') ?? '', /no-cache/);
      const etag = r.headers.get('etag');
      assert.match(etag ?? '', /^"[A-Za-z0-9_-]{32}"$/);
      assert.match(r.text, /window\.Pi = Pi;/);
      assert.equal(r.text, piSdkSource(server.services.config.publicUrl));
      assert.doesNotThrow(() => new Script(r.text), 'the script parses');

      for (const inm of [etag!, `W/${etag}`, `"other", ${etag}`, '*']) {
        const again = await http(server.baseUrl, 'GET', '/pi-sdk.js', { headers: { 'if-none-match': inm } });
        assert.equal(again.status, 304, inm);
        assert.equal(again.text, '');
        assert.equal(again.headers.get('etag'), etag);
        assert.equal(again.headers.get('access-control-allow-origin'), '*');
      }
      const stale = await http(server.baseUrl, 'GET', '/pi-sdk.js', { headers: { 'if-none-match': '"stale"' } });
      assert.equal(stale.status, 200);
      assert.equal(stale.text, r.text);
    });

    test('is also served under /apps/<appkey>, and answers HEAD without a body', async () => {
      const plain = await http(server.baseUrl, 'GET', '/pi-sdk.js');
      const mounted = await http(server.baseUrl, 'GET', `/apps/${APPKEY}/pi-sdk.js`);
      assert.equal(mounted.status, 200);
      assert.equal(mounted.text, plain.text);
      assert.equal(mounted.headers.get('etag'), plain.headers.get('etag'));
      const head = await http(server.baseUrl, 'HEAD', '/pi-sdk.js');
      assert.equal(head.status, 200);
      assert.equal(head.text, '');
      assert.equal(head.headers.get('content-type'), 'application/javascript; charset=utf-8');
    });
  });
}

test('etagMatches: lists, weak tags and * match; other tags and absence do not', () => {
  assert.equal(etagMatches(undefined, '"a"'), false);
  assert.equal(etagMatches('"b"', '"a"'), false);
  assert.equal(etagMatches('"b" , "a"', '"a"'), true);
  assert.equal(etagMatches('W/"a"', '"a"'), true);
  assert.equal(etagMatches('*', '"a"'), true);
});

test('the fallback base is embedded as a safe literal', () => {
  const src = piSdkSource('http://x.test/</script>/');
  assert.match(src, /var FALLBACK_BASE = "http:\/\/x\.test\/\\u003c\/script>";/);
});

// ---- the script in a VM ------------------------------------------------------------------------------------------
interface Req {
  method: string;
  url: string;
  /** Without the `/apps/<appkey>` mount. */
  path: string;
  authorization: string | undefined;
  body: unknown;
}
type Answer = { status: number; body?: unknown } | 'network';

class FakeWindow {
  closed = false;
  constructor(public url: string) {}
  close(): void {
    this.closed = true;
  }
}

interface PaymentSim {
  approved: boolean;
  paid: boolean;
  completed: boolean;
  cancel: null | 'cancelled' | 'user_cancelled';
}

function dto(p: PaymentSim): Record<string, unknown> {
  return {
    identifier: PAYMENT_ID,
    user_uid: 'u',
    amount: 3.14,
    memo: 'kitten',
    metadata: {},
    status: {
      developer_approved: p.approved,
      transaction_verified: p.paid,
      developer_completed: p.completed,
      cancelled: p.cancel === 'cancelled',
      user_cancelled: p.cancel === 'user_cancelled',
    },
    transaction: p.paid ? { txid: TXID, verified: true, _link: `${PLAZA}/horizon/transactions/${TXID}` } : null,
  };
}

const ME = { uid: 'uid-1', credentials: { scopes: ['username', 'payments'], valid_until: { timestamp: 1, iso8601: 'x' } }, username: 'alice' };

interface Sdk {
  Pi: any;
  requests: Req[];
  opened: FakeWindow[];
  consoleErrors: unknown[][];
  /** Milliseconds of mock time advanced so far. */
  now(): number;
  advance(ms: number): Promise<void>;
  /** Dispatches a message event as the browser would. */
  post(data: unknown, from: { origin: string; source: unknown }): void;
  /** The simulated payment the default routes answer with. */
  payment: PaymentSim;
  route(handler: (req: Req) => Answer | undefined): void;
  storage: Map<string, string>;
}

function flush(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** Loads the SDK into a fresh VM context whose timers are the test's mock timers. */
const mocked = new WeakSet<TestContext>();

function loadSdk(t: TestContext, options: { src?: string; blocked?: boolean } = {}): Sdk {
  if (!mocked.has(t)) t.mock.timers.enable({ apis: ['setTimeout', 'setInterval'] });
  mocked.add(t);
  let elapsed = 0;
  const requests: Req[] = [];
  const opened: FakeWindow[] = [];
  const consoleErrors: unknown[][] = [];
  const listeners: Array<(e: unknown) => void> = [];
  const storage = new Map<string, string>();
  const named = new Map<string, FakeWindow>();
  const payment: PaymentSim = { approved: false, paid: false, completed: false, cancel: null };
  let custom: ((req: Req) => Answer | undefined) | null = null;

  function defaults(req: Req): Answer {
    if (req.path === '/v2/me') return { status: 200, body: ME };
    if (req.path === '/v2/payments/incomplete') return { status: 200, body: { exists: false, payment: null } };
    if (req.path === '/v2/payments/user_to_app') return { status: 200, body: dto(payment) };
    if (req.path === `/v2/payments/${PAYMENT_ID}`) return { status: 200, body: dto(payment) };
    if (req.path === `/v2/payments/${PAYMENT_ID}/cancel`) {
      if (payment.paid) return { status: 409, body: { error: 'payment_tx_present', error_message: 'x', payment: dto(payment) } };
      payment.cancel ??= 'user_cancelled';
      return { status: 200, body: dto(payment) };
    }
    return { status: 404, body: { error: 'not_found', error_message: 'no' } };
  }

  const sandbox: Record<string, unknown> = {
    URL,
    URLSearchParams,
    console: { error: (...a: unknown[]) => consoleErrors.push(a), log() {}, warn() {} },
    setTimeout: (fn: () => void, ms?: number) => setTimeout(fn, ms),
    clearTimeout: (h: ReturnType<typeof setTimeout>) => clearTimeout(h),
    setInterval: (fn: () => void, ms?: number) => setInterval(fn, ms),
    clearInterval: (h: ReturnType<typeof setInterval>) => clearInterval(h),
    location: { href: `${SHOP}/shop`, origin: SHOP },
    navigator: {},
    document: { currentScript: { src: options.src ?? `${PLAZA}/pi-sdk.js?app=${APPKEY}` }, body: null },
    sessionStorage: {
      getItem: (k: string) => storage.get(k) ?? null,
      setItem: (k: string, v: string) => void storage.set(k, v),
      removeItem: (k: string) => void storage.delete(k),
    },
    addEventListener: (type: string, fn: (e: unknown) => void) => {
      if (type === 'message') listeners.push(fn);
    },
    // Like a browser: a window of the same name that is still open is navigated, not opened again.
    open: (url: string, name: string) => {
      if (options.blocked) return null;
      const existing = named.get(name);
      if (existing && !existing.closed) {
        existing.url = url;
        return existing;
      }
      const w = new FakeWindow(url);
      named.set(name, w);
      opened.push(w);
      return w;
    },
    fetch: async (url: string, init: { method: string; headers: Record<string, string>; body?: string }) => {
      const u = new URL(url);
      const req: Req = { method: init.method, url, path: u.pathname.replace(/^\/apps\/[^/]+/, ''), authorization: init.headers.Authorization, body: init.body ? JSON.parse(init.body) : undefined };
      requests.push(req);
      const answer = custom?.(req) ?? defaults(req);
      if (answer === 'network') throw new TypeError('Failed to fetch');
      return { status: answer.status, text: async () => (answer.body === undefined ? '' : JSON.stringify(answer.body)) };
    },
  };
  sandbox.window = sandbox;
  sandbox.sessionStorage = sandbox.sessionStorage;
  createContext(sandbox);
  new Script(piSdkSource('http://fallback.test')).runInContext(sandbox);
  return {
    Pi: sandbox.Pi,
    requests,
    opened,
    consoleErrors,
    payment,
    storage,
    now: () => elapsed,
    async advance(ms) {
      await flush();
      for (let done = 0; done < ms; done += 50) {
        t.mock.timers.tick(50);
        elapsed += 50;
        await flush();
        await flush();
      }
    },
    post(data, from) {
      for (const fn of listeners) fn({ data, origin: from.origin, source: from.source });
    },
    route(handler) {
      custom = handler;
    },
  };
}

/** Initialised and authenticated with `username, payments` through the (fake) authenticate window. */
async function signedIn(t: TestContext, options: { src?: string } = {}): Promise<Sdk> {
  const sdk = loadSdk(t, options);
  await sdk.Pi.init({ version: '2.0' });
  const auth = sdk.Pi.authenticate(['username', 'payments'], () => undefined);
  const win = sdk.opened.at(-1)!;
  sdk.post({ type: 'plaza:pi:authenticated', accessToken: 'AT', user: {} }, { origin: PLAZA, source: win });
  await sdk.advance(50);
  await auth;
  return sdk;
}

interface Recorded {
  approval: number[];
  completion: Array<[number, string]>;
  cancel: number[];
  errors: Array<{ at: number; error: any; payment: any; args: number }>;
}

function callbacks(sdk: Sdk, extra: Partial<Record<string, (...a: any[]) => unknown>> = {}): { rec: Recorded; cb: Record<string, (...a: any[]) => unknown> } {
  const rec: Recorded = { approval: [], completion: [], cancel: [], errors: [] };
  const cb = {
    onReadyForServerApproval: (id: string) => {
      assert.equal(id, PAYMENT_ID);
      rec.approval.push(sdk.now());
    },
    onReadyForServerCompletion: (id: string, txid: string) => {
      assert.equal(id, PAYMENT_ID);
      rec.completion.push([sdk.now(), txid]);
    },
    onCancel: (id: string) => {
      assert.equal(id, PAYMENT_ID);
      rec.cancel.push(sdk.now());
    },
    onError: (...args: any[]) => void rec.errors.push({ at: sdk.now(), error: args[0], payment: args[1], args: args.length }),
    ...extra,
  };
  return { rec, cb };
}

/** Each time within 300 ms after the expected second. */
function assertTimes(actual: number[], expectedSeconds: number[], what: string): void {
  assert.equal(actual.length, expectedSeconds.length, `${what}: ${JSON.stringify(actual)}`);
  actual.forEach((ms, i) => assert.ok(ms >= expectedSeconds[i]! * 1000 && ms <= expectedSeconds[i]! * 1000 + 300, `${what} #${i + 1} at ${ms} ms, expected ${expectedSeconds[i]} s`));
}

describe('window.Pi in a VM', () => {
  test('is defined synchronously with every member; init accepts only version "2.0"', async (t) => {
    const sdk = loadSdk(t);
    const Pi = sdk.Pi;
    for (const m of ['init', 'authenticate', 'createPayment', 'openShareDialog', 'openUrlInSystemBrowser', 'nativeFeaturesList']) assert.equal(typeof Pi[m], 'function', m);
    await assert.rejects(Pi.authenticate(['username'], () => undefined), /not initialized/);
    assert.throws(() => Pi.createPayment({ amount: 1, memo: 'm', metadata: {} }, {}), /not initialized/);
    await assert.rejects(Pi.init({ version: '1.0' }), { message: 'Unrecognized version number' });
    await assert.rejects(Pi.init({ version: 2 }), { message: 'Unrecognized version number' });
    await assert.rejects(Pi.init(), { message: 'Unrecognized version number' });
    await assert.rejects(Pi.authenticate(['username'], () => undefined), /not initialized/, 'a rejected init leaves it uninitialised');
    assert.equal(await Pi.init({ version: '2.0', sandbox: true }), undefined);
    assert.deepEqual(Array.from(await Pi.nativeFeaturesList()), []);
    assert.deepEqual({ ...(await Pi.Ads.isAdReady('interstitial')) }, { type: 'interstitial', ready: false });
    assert.deepEqual({ ...(await Pi.Ads.requestAd('rewarded')) }, { type: 'rewarded', result: 'ADS_NOT_SUPPORTED' });
    assert.deepEqual({ ...(await Pi.Ads.showAd('rewarded')) }, { type: 'rewarded', result: 'ADS_NOT_SUPPORTED' });
    await assert.rejects(Pi.authenticate('username', () => undefined), { name: 'TypeError' });
    assert.equal(sdk.opened.length, 0);
  });

  test('authenticate opens the hosted page, ignores foreign messages, resolves the /v2/me body, reports an incomplete payment after', async (t) => {
    const sdk = loadSdk(t);
    await sdk.Pi.init({ version: '2.0' });
    const found: unknown[] = [];
    sdk.route((req) => (req.path === '/v2/payments/incomplete' ? { status: 200, body: { exists: true, payment: dto({ approved: true, paid: true, completed: false, cancel: null }) } } : undefined));
    let resolved = false;
    const auth = sdk.Pi.authenticate(['username', 'payments', 'in_app_notifications'], (p: unknown) => found.push(p));
    void auth.then(() => (resolved = true));
    assert.equal(sdk.opened.length, 1, 'the window opens at once (inside the click)');
    const url = new URL(sdk.opened[0]!.url);
    assert.equal(url.origin + url.pathname, `${PLAZA}/pi/authenticate`);
    assert.deepEqual(Object.fromEntries(url.searchParams), { app: APPKEY, scopes: 'username,payments,in_app_notifications', origin: SHOP });

    const message = { type: 'plaza:pi:authenticated', accessToken: 'AT', user: {} };
    sdk.post(message, { origin: 'https://evil.example', source: sdk.opened[0] });
    sdk.post(message, { origin: PLAZA, source: new FakeWindow('x') });
    sdk.post({ type: 'other' }, { origin: PLAZA, source: sdk.opened[0] });
    await sdk.advance(200);
    assert.equal(resolved, false, 'messages from another origin or another window are ignored');
    assert.equal(sdk.requests.length, 0);

    sdk.post(message, { origin: PLAZA, source: sdk.opened[0] });
    sdk.opened[0]!.close(); // the hand-back page closes itself
    const result = await auth;
    assert.equal(result.accessToken, 'AT');
    assert.deepEqual(JSON.parse(JSON.stringify(result.user)), ME);
    assert.equal(sdk.requests[0]!.path, '/v2/me');
    assert.equal(sdk.requests[0]!.authorization, 'Bearer AT');
    assert.equal(found.length, 0, 'onIncompletePaymentFound runs after the promise resolved');
    await sdk.advance(100);
    assert.equal(found.length, 1);
    assert.equal(sdk.requests.filter((r) => r.path === '/v2/payments/incomplete').length, 1);

    // A second authenticate in the same tab uses the cached token: no window.
    sdk.route(() => undefined);
    const again = await sdk.Pi.authenticate(['payments'], () => undefined);
    assert.equal(again.accessToken, 'AT');
    assert.equal(sdk.opened.length, 1);
    // Scopes the token lacks open the page again.
    const wider = sdk.Pi.authenticate(['wallet_address'], () => undefined);
    await sdk.advance(50);
    assert.equal(sdk.opened.length, 2);
    sdk.post({ type: 'plaza:pi:cancelled' }, { origin: PLAZA, source: sdk.opened[1] });
    await assert.rejects(wider, { message: 'User consent cancelled.' });
  });

  test('authenticate rejects when the user closes the window', async (t) => {
    const sdk = loadSdk(t);
    await sdk.Pi.init({ version: '2.0' });
    const auth = sdk.Pi.authenticate(['username'], () => undefined);
    let outcome: unknown = null;
    auth.catch((e: Error) => (outcome = e.message));
    sdk.opened[0]!.close();
    await sdk.advance(2000);
    assert.equal(outcome, 'User consent cancelled.');
  });

  test('createPayment throws synchronously without the payments scope and returns undefined with it', async (t) => {
    const sdk = loadSdk(t);
    await sdk.Pi.init({ version: '2.0' });
    assert.throws(() => sdk.Pi.createPayment({ amount: 1, memo: 'm', metadata: {} }, {}), /payments/);
    sdk.route((req) => (req.path === '/v2/me' ? { status: 200, body: { ...ME, credentials: { ...ME.credentials, scopes: ['username'] } } } : undefined));
    const auth = sdk.Pi.authenticate(['username'], () => undefined);
    sdk.post({ type: 'plaza:pi:authenticated', accessToken: 'AT', user: {} }, { origin: PLAZA, source: sdk.opened[0] });
    await auth;
    assert.throws(() => sdk.Pi.createPayment({ amount: 1, memo: 'm', metadata: {} }, {}), /payments/);

    const ok = await signedIn(t);
    const { cb } = callbacks(ok);
    assert.equal(ok.Pi.createPayment({ amount: 3.14, memo: 'kitten', metadata: { a: 1 } }, cb), undefined);
    assert.equal(ok.requests.filter((r) => r.path === '/v2/payments/user_to_app').length, 0, 'nothing is sent inside createPayment');
  });

  test('an unapproved payment: approval callbacks at 0, 10 … 50 s (6), then onCancel once when Plaza cancels it', async (t) => {
    const sdk = await signedIn(t);
    const { rec, cb } = callbacks(sdk);
    const start = sdk.now();
    sdk.Pi.createPayment({ amount: 3.14, memo: 'kitten', metadata: { orderId: 1 } }, cb);
    await sdk.advance(100);
    const create = sdk.requests.find((r) => r.path === '/v2/payments/user_to_app')!;
    assert.deepEqual(create.body, { amount: 3.14, memo: 'kitten', metadata: { orderId: 1 } });
    assert.equal(create.authorization, 'Bearer AT');
    const wallet = new URL(sdk.opened.at(-1)!.url);
    assert.equal(wallet.origin + wallet.pathname, `${PLAZA}/pi/wallet`);
    assert.deepEqual(Object.fromEntries(wallet.searchParams), { payment: PAYMENT_ID, origin: SHOP });

    await sdk.advance(59_000);
    assertTimes(rec.approval.map((ms) => ms - start), [0, 10, 20, 30, 40, 50], 'approval');
    assert.equal(rec.cancel.length, 0);
    // Polling every 2 s meanwhile.
    const polls = sdk.requests.filter((r) => r.method === 'GET' && r.path === `/v2/payments/${PAYMENT_ID}`).length;
    assert.ok(polls >= 29 + 5 && polls <= 29 + 6 + 2, `polls: ${polls}`);

    sdk.payment.cancel = 'cancelled';
    await sdk.advance(5000);
    assert.equal(rec.approval.length, 6);
    assert.equal(rec.cancel.length, 1);
    assert.equal(sdk.opened.at(-1)!.closed, true, 'the SDK closes the wallet window');
    const after = sdk.requests.length;
    await sdk.advance(30_000);
    assert.equal(sdk.requests.length, after, 'the flow ended: no more polling');
    assert.equal(rec.cancel.length, 1);
    assert.deepEqual(rec.errors, []);
  });

  test('approved at 15 s, paid at 25 s, completed at 52 s: approval ×2, completion at 25, 35, 45 s, then silence', async (t) => {
    const sdk = await signedIn(t);
    const thrown: string[] = [];
    const { rec, cb } = callbacks(sdk);
    // A callback that throws (or rejects) is logged and does not stop the retries.
    const record = cb.onReadyForServerCompletion!;
    cb.onReadyForServerCompletion = (id: string, txid: string) => {
      record(id, txid);
      thrown.push(txid);
      throw new Error('app bug');
    };
    const start = sdk.now();
    sdk.Pi.createPayment({ amount: 3.14, memo: 'kitten', metadata: {} }, cb);
    await sdk.advance(15_000);
    sdk.payment.approved = true;
    await sdk.advance(10_000);
    sdk.payment.paid = true;
    // The wallet page's hint makes the SDK look at once.
    sdk.post({ type: 'plaza:pi:wallet', payment: PAYMENT_ID, state: 'paid' }, { origin: PLAZA, source: sdk.opened.at(-1) });
    await sdk.advance(27_000);
    sdk.payment.completed = true;
    await sdk.advance(30_000);
    assertTimes(rec.approval.map((ms) => ms - start), [0, 10], 'approval');
    assertTimes(rec.completion.map(([ms]) => ms - start), [25, 35, 45], 'completion');
    assert.ok(rec.completion.every(([, txid]) => txid === TXID));
    assert.equal(rec.cancel.length, 0);
    assert.deepEqual(rec.errors, []);
    assert.equal(sdk.consoleErrors.length, 3, 'each throw logged');
    assert.match(String(sdk.consoleErrors[0]![0]), /onReadyForServerCompletion/);
    assert.equal(sdk.opened.at(-1)!.closed, false, 'the wallet page closes itself on completion, not the SDK');
    // The wallet window closing after payment is no cancel.
    sdk.opened.at(-1)!.close();
    await sdk.advance(3000);
    assert.equal(sdk.requests.filter((r) => r.path.endsWith('/cancel')).length, 0);
  });

  test('an app that never completes gets at most 6 completion calls', async (t) => {
    const sdk = await signedIn(t);
    const { rec, cb } = callbacks(sdk);
    const start = sdk.now();
    sdk.Pi.createPayment({ amount: 1, memo: 'm', metadata: {} }, cb);
    await sdk.advance(100);
    // Approved and paid before the first poll (at 2 s).
    sdk.payment.approved = true;
    sdk.payment.paid = true;
    await sdk.advance(120_000);
    assert.equal(rec.approval.length, 1, 'only the immediate approval call');
    assertTimes(rec.completion.map(([ms]) => ms - start), [2, 12, 22, 32, 42, 52], 'completion');
    const after = sdk.requests.length;
    await sdk.advance(20_000);
    assert.equal(sdk.requests.length, after, 'then the flow lets go');
    assert.deepEqual(rec.errors, []);
    assert.deepEqual(rec.cancel, []);
  });

  test('closing the wallet window before paying sends the user cancel; onCancel once', async (t) => {
    const sdk = await signedIn(t);
    const { rec, cb } = callbacks(sdk);
    sdk.Pi.createPayment({ amount: 1, memo: 'm', metadata: {} }, cb);
    await sdk.advance(3000);
    sdk.payment.approved = true;
    await sdk.advance(3000);
    sdk.opened.at(-1)!.close();
    await sdk.advance(3000);
    const cancels = sdk.requests.filter((r) => r.path === `/v2/payments/${PAYMENT_ID}/cancel`);
    assert.equal(cancels.length, 1);
    assert.equal(cancels[0]!.method, 'POST');
    assert.equal(cancels[0]!.authorization, 'Bearer AT');
    assert.equal(rec.cancel.length, 1);
    await sdk.advance(30_000);
    assert.equal(rec.cancel.length, 1);
    assert.equal(rec.approval.length, 1);
    assert.deepEqual(rec.errors, []);
  });

  test('a second createPayment supersedes the first: onCancel for the first; the reused wallet window stays open', async (t) => {
    const sdk = await signedIn(t);
    const SECOND = 'Z'.repeat(28);
    const second: PaymentSim = { approved: false, paid: false, completed: false, cancel: null };
    const secondDto = () => ({ ...dto(second), identifier: SECOND });
    let creates = 0;
    sdk.route((req) => {
      if (req.path === '/v2/payments/user_to_app' && ++creates === 2) {
        sdk.payment.cancel = 'cancelled'; // Plaza cancels the older created payment (superseded)
        return { status: 200, body: secondDto() };
      }
      if (req.path === `/v2/payments/${SECOND}`) return { status: 200, body: secondDto() };
      return undefined;
    });
    const first = callbacks(sdk);
    sdk.Pi.createPayment({ amount: 1, memo: 'one', metadata: {} }, first.cb);
    await sdk.advance(100);
    const events: string[] = [];
    sdk.Pi.createPayment({ amount: 2, memo: 'two', metadata: {} }, {
      onReadyForServerApproval: (id: string) => events.push(`approval:${id}`),
      onReadyForServerCompletion: (id: string, txid: string) => events.push(`completion:${id}:${txid}`),
      onCancel: (id: string) => events.push(`cancel:${id}`),
      onError: (e: Error) => events.push(`error:${e.message}`),
    });
    await sdk.advance(3000);
    assert.equal(first.rec.cancel.length, 1);
    assert.equal(sdk.opened.filter((w) => w.url.includes('/pi/wallet')).length, 1, 'one wallet window, reused');
    const wallet = sdk.opened.find((w) => w.url.includes('/pi/wallet'))!;
    assert.equal(new URL(wallet.url).searchParams.get('payment'), SECOND);
    assert.equal(wallet.closed, false, 'the first flow does not close the window the second one uses');
    second.approved = true;
    second.paid = true;
    await sdk.advance(3000);
    assert.deepEqual(events, [`approval:${SECOND}`, `completion:${SECOND}:${TXID}`]);
    assert.deepEqual(first.rec.completion, []);
  });

  test('an incomplete payment: onIncompletePaymentFound and onError(error, payment); nothing is created', async (t) => {
    const sdk = await signedIn(t);
    const found: any[] = [];
    const auth = sdk.Pi.authenticate(['payments'], (p: unknown) => found.push(p));
    await auth;
    await sdk.advance(100);
    const paid = dto({ approved: true, paid: true, completed: false, cancel: null });
    sdk.route((req) => (req.path === '/v2/payments/incomplete' ? { status: 200, body: { exists: true, payment: paid } } : undefined));
    const { rec, cb } = callbacks(sdk);
    sdk.Pi.createPayment({ amount: 1, memo: 'm', metadata: {} }, cb);
    await sdk.advance(100);
    assert.equal(found.length, 1);
    assert.equal(rec.errors.length, 1);
    assert.equal(rec.errors[0]!.error.code, 'ongoing_payment_found');
    assert.equal(rec.errors[0]!.payment.identifier, PAYMENT_ID);
    assert.equal(sdk.requests.filter((r) => r.path === '/v2/payments/user_to_app').length, 0);
    assert.deepEqual(rec.approval, []);
  });

  test('an error answer to create is onError with message, code and payment; a network failure is onError too', async (t) => {
    const sdk = await signedIn(t);
    sdk.route((req) => (req.path === '/v2/payments/user_to_app' ? { status: 400, body: { error: 'invalid_amount', error_message: 'Invalid amount: …' } } : undefined));
    const a = callbacks(sdk);
    sdk.Pi.createPayment({ amount: 0, memo: 'm', metadata: {} }, a.cb);
    await sdk.advance(100);
    assert.equal(a.rec.errors.length, 1);
    assert.equal(a.rec.errors[0]!.error.message, 'Invalid amount: …');
    assert.equal(a.rec.errors[0]!.error.code, 'invalid_amount');
    assert.equal(a.rec.errors[0]!.args, 1, 'no payment argument when the body carried none');

    const paid = dto({ approved: true, paid: true, completed: false, cancel: null });
    sdk.route((req) => (req.path === '/v2/payments/user_to_app' ? { status: 409, body: { error: 'ongoing_payment_found', error_message: 'x', payment: paid } } : undefined));
    const b = callbacks(sdk);
    sdk.Pi.createPayment({ amount: 1, memo: 'm', metadata: {} }, b.cb);
    await sdk.advance(100);
    assert.equal(b.rec.errors.length, 1);
    assert.equal(b.rec.errors[0]!.payment.identifier, PAYMENT_ID);

    sdk.route((req) => (req.path === '/v2/payments/user_to_app' ? 'network' : undefined));
    const c = callbacks(sdk);
    sdk.Pi.createPayment({ amount: 1, memo: 'm', metadata: {} }, c.cb);
    await sdk.advance(100);
    assert.equal(c.rec.errors.length, 1);
    assert.equal(c.rec.errors[0]!.error.code, 'network_error');
    assert.deepEqual([a, b, c].map((x) => x.rec.approval.length), [0, 0, 0]);
  });

  test('polling that keeps failing ends the flow with one onError', async (t) => {
    const sdk = await signedIn(t);
    const { rec, cb } = callbacks(sdk);
    sdk.Pi.createPayment({ amount: 1, memo: 'm', metadata: {} }, cb);
    await sdk.advance(100);
    sdk.route((req) => (req.path === `/v2/payments/${PAYMENT_ID}` ? 'network' : undefined));
    await sdk.advance(20_000);
    assert.equal(rec.errors.length, 1);
    assert.equal(rec.errors[0]!.error.code, 'network_error');
    assert.equal(rec.errors[0]!.payment.identifier, PAYMENT_ID);
    assert.equal(rec.cancel.length, 0);
  });

  test('the API base follows the script URL, /apps/<appkey> included; init({appKey}) names the app', async (t) => {
    const sdk = await signedIn(t, { src: `${PLAZA}/apps/${APPKEY}/pi-sdk.js` });
    assert.equal(sdk.requests[0]!.url, `${PLAZA}/apps/${APPKEY}/v2/me`);
    assert.equal(new URL(sdk.opened[0]!.url).pathname, `/apps/${APPKEY}/pi/authenticate`);
    assert.equal(new URL(sdk.opened[0]!.url).searchParams.get('app'), APPKEY);

    const other = loadSdk(t, { src: `${PLAZA}/pi-sdk.js` });
    await other.Pi.init({ version: '2.0', appKey: 'FEEDFACE' });
    void other.Pi.authenticate(['username'], () => undefined).catch(() => undefined);
    assert.equal(new URL(other.opened[0]!.url).searchParams.get('app'), 'feedface');
  });
});
