// The Pi flow in a real Chromium (spec/pi.md §2.2, §6): the example app (examples/pi-app, its own node:http backend
// holding the Server API Key) loads Plaza's /pi-sdk.js; a visitor signs up in the authenticate pop-up and consents,
// buys a kitten with Pi.createPayment, the backend approves, the visitor is sent from the wallet to set a pay
// password, pays with it (by keyboard), the backend completes, and the wallet closes itself. Then: balances moved,
// the payment is `developer_completed`, its transfer is sealed into a block, and a `payment.completed` webhook
// (registered through the admin API) reaches a local receiver with a valid signature. Also: Reject → onCancel, the
// blocked-popup overlay (Chromium's real popup blocker is on here), and `window.Pi` defined synchronously.
//
// Chromium is launched like test/support/browser.ts does, but WITHOUT playwright's default --disable-popup-blocking,
// so a window.open without a user gesture is blocked as in a real browser.
import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { identityDeps } from '../../src/admin/deps.js';
import { adminApi } from '../../src/admin/plugin.js';
import { startWebhookWorker, verifyPlazaSignature } from '../../src/core/events/webhooks.js';
import { ensureAdminDeveloper } from '../../src/core/identity/developers.js';
import { issueDeveloperToken } from '../../src/core/identity/devTokens.js';
import { sealBlock } from '../../src/core/ledger/blocks.js';
import { getTransfer } from '../../src/core/ledger/transfers.js';
import { piDialect } from '../../src/dialects/pi/plugin.js';
import { startPiFixture, type PiFixture, type PiUser } from '../payments/fixture.js';
import { collectPageErrors, findChromium, screenshot } from '../support/browser.js';
import { http, type HttpResult } from '../support/server.js';
import { STORES } from '../support/stores.js';
import { esc, sendHtml, startAppBackend, type AppBackend } from './appBackend.js';

const PI = 10_000_000n;
const PASSWORD = 'correct horse battery';
const PAY_PASSWORD = 'kitten-pay-42';
const WAIT_MS = 20_000;

interface KittenShop {
  url: string;
  orders(): Array<{ paymentId: string; uid: string; productId: string; txid: string }>;
  close(): Promise<void>;
}

async function startShop(plazaUrl: string, appKey: string, apiKey: string): Promise<KittenShop> {
  const mod = (await import(new URL('../../examples/pi-app/server.mjs', import.meta.url).href)) as {
    startKittenShop(o: { plazaUrl: string; appKey: string; apiKey: string; port: number; log: (s: string) => void }): Promise<KittenShop>;
  };
  return mod.startKittenShop({ plazaUrl, appKey, apiKey, port: 0, log: () => undefined });
}

async function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: findChromium(),
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
    ignoreDefaultArgs: ['--disable-popup-blocking'],
    timeout: 30_000,
  });
}

async function newContextPage(context: BrowserContext): Promise<Page> {
  const page = await context.newPage();
  page.setDefaultTimeout(WAIT_MS);
  return page;
}

/** Resolves once `page` is closed (it may have closed itself already). */
async function closedPage(page: Page): Promise<void> {
  if (!page.isClosed()) await page.waitForEvent('close', { timeout: WAIT_MS });
}

/** A global the test page set, read in the page. */
function pageGlobal<T>(page: Page, name: string): Promise<T> {
  return page.evaluate((n) => (globalThis as unknown as Record<string, T>)[n]!, name);
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

for (const kind of STORES) {
  describe(`browser: Pi app → authenticate → createPayment → wallet → complete (${kind})`, () => {
    let browser: Browser;
    let context: BrowserContext;
    let f: PiFixture;
    let shop: KittenShop;
    let pages: AppBackend;
    let adminToken: string;
    const hooks: Array<{ signature: string | undefined; body: string }> = [];
    let hookSecret = '';
    const username = `kim${kind}`;
    let user: PiUser;

    const admin = (method: string, path: string, body?: unknown): Promise<HttpResult> =>
      http(f.server.baseUrl, method, path, { headers: { authorization: `Bearer ${adminToken}` }, ...(body !== undefined ? { body } : {}) });
    const appView = async (id: string) => (await http(f.server.baseUrl, 'GET', `/v2/payments/${id}`, { headers: { authorization: `Key ${f.app.secret}` } })).json;

    before(async () => {
      browser = await launch();
      context = await browser.newContext({ locale: 'en-US', timezoneId: 'UTC', viewport: { width: 390, height: 844 } });
      f = await startPiFixture(kind, { dialects: [piDialect, adminApi] });
      const s = f.server.services;
      const root = await ensureAdminDeveloper(s.db, { username: 'root', password: 'root-password-1' }, identityDeps(s));
      adminToken = (await issueDeveloperToken(s.db, root.id, s.clock, 3600)).token;
      shop = await startShop(f.server.baseUrl, f.app.appkey, f.app.secret);
      // Test pages on another loopback origin (development mode counts it as registered) and the webhook receiver.
      const sdk = `${f.server.baseUrl}/pi-sdk.js?app=${f.app.appkey}`;
      pages = await startAppBackend({
        '/sync': async (_url, _req, res) =>
          sendHtml(res, 200, 'sync', `<script src="${esc(sdk)}"></script><script>window.seen = typeof Pi + ':' + typeof Pi.createPayment;
window.badInit = Pi.init({ version: '1.0' }).then(function () { return 'resolved'; }, function (e) { return e.message; });</script>`),
        // Signs in (and with ?pay, pays) on load, with no user gesture: Chromium blocks the window, the SDK shows its
        // overlay. Signing in again in the same tab uses the SDK's cached token (no window at all).
        '/blocked': async (_url, _req, res) =>
          sendHtml(res, 200, 'blocked', `<main><h1>Blocked</h1><p id="out"></p></main><script src="${esc(sdk)}"></script><script>
Pi.init({ version: '2.0' });
window.events = [];
Pi.authenticate(['username', 'payments'], function () {}).then(function (auth) {
  window.events.push('authenticated:' + auth.user.username);
  if (location.search !== '?pay') return;
  Pi.createPayment({ amount: 1, memo: 'Blocked kitten', metadata: { productId: 'kitten' } }, {
    onReadyForServerApproval: function (id) { window.events.push('approval:' + id); fetch('/mark'); },
    onReadyForServerCompletion: function () { window.events.push('completion'); },
    onCancel: function (id) { window.events.push('cancel:' + id); },
    onError: function (e) { window.events.push('error:' + e.message); }
  });
}, function (e) { window.events.push('rejected:' + e.message); });
</script>`),
        '/mark': async (_url, _req, res) => void res.writeHead(204).end(),
        '/hooks': async (_url, req, res) => {
          const body = await readBody(req);
          const sig = req.headers['plaza-signature'];
          hooks.push({ signature: typeof sig === 'string' ? sig : undefined, body });
          res.writeHead(200).end('ok');
        },
      });
      const hook = await admin('POST', `/admin/v1/apps/${f.app.id}/webhooks`, { url: `${pages.baseUrl}/hooks`, events: ['payment.completed'] });
      assert.equal(hook.status, 201, hook.text);
      hookSecret = hook.json.secret;
    });
    after(async () => {
      await browser?.close();
      await shop?.close();
      await pages?.close();
      await f?.close();
    });

    it('window.Pi exists synchronously after the script tag; init({version: "1.0"}) rejects', async () => {
      const page = await newContextPage(context);
      const errors = collectPageErrors(page);
      await page.goto(`${pages.baseUrl}/sync`);
      assert.equal(await pageGlobal<string>(page, 'seen'), 'object:function');
      assert.equal(await pageGlobal<string>(page, 'badInit'), 'Unrecognized version number');
      await page.close();
      assert.deepEqual(errors, []);
    });

    it('signs up in the authenticate pop-up, buys, sets a pay password from the wallet, pays; the app completes', async () => {
      const page = await newContextPage(context);
      const errors = collectPageErrors(page);
      await page.goto(shop.url);
      await screenshot(page, `pi-${kind}-shop`);

      // ---- Pi.authenticate: sign up inside the pop-up, consent, the pop-up closes itself.
      const [auth] = await Promise.all([page.waitForEvent('popup'), page.getByRole('button', { name: 'Sign in with Pi' }).click()]);
      auth.setDefaultTimeout(WAIT_MS);
      await auth.waitForURL((u) => u.pathname === '/signin');
      await auth.getByRole('link', { name: 'Create an account' }).click();
      await auth.waitForURL((u) => u.pathname === '/signup');
      await auth.getByLabel('Username').fill(username);
      await auth.getByLabel('Email', { exact: true }).fill(`${username}@example.com`);
      await auth.getByLabel('Password').fill(PASSWORD);
      await auth.getByRole('button', { name: 'Create account' }).click();
      await auth.waitForURL((u) => u.pathname === '/pi/authenticate');
      assert.match(await auth.locator('main').innerText(), /Kitten Shop/);
      await screenshot(auth, `pi-${kind}-consent`);
      await Promise.all([auth.waitForEvent('close'), auth.getByRole('button', { name: 'Confirm' }).click()]);
      await page.locator('#who').filter({ hasText: `Signed in as ${username}.` }).waitFor();

      const row = await f.server.services.db.selectFrom('end_users').select(['id', 'uid']).where('username', '=', username).executeTakeFirstOrThrow();
      user = { userId: Number(row.id), uid: Number(row.uid) } as PiUser;
      const me = await page.locator('#who').getAttribute('data-uid');
      assert.match(me ?? '', /^[0-9a-f-]{36}$/, 'the backend learned the pairwise uid from /v2/me');
      // 10 PI for the new user, issued through the admin API.
      const issued = await admin('POST', '/admin/v1/assets/PI/issue', { owner_kind: 'user', owner_id: String(row.uid), amount: '10' });
      assert.equal(issued.status, 201, issued.text);
      const appBefore = await f.balance('app');

      // ---- Pi.createPayment: the wallet opens; the backend approves; no pay password yet.
      const [wallet] = await Promise.all([page.waitForEvent('popup'), page.getByRole('button', { name: 'Buy for 3.14 PI' }).click()]);
      wallet.setDefaultTimeout(WAIT_MS);
      await wallet.getByText('You need a pay password to pay.').waitFor();
      assert.match(await wallet.locator('main').innerText(), /Digital kitten[\s\S]*3\.14 PI[\s\S]*10 PI/);
      assert.equal(await wallet.getByRole('button', { name: 'Pay 3.14 PI' }).isDisabled(), true);
      await screenshot(wallet, `pi-${kind}-wallet-no-pay-password`);

      // The link opens the account page in a new tab: set the pay password there.
      const [account] = await Promise.all([context.waitForEvent('page'), wallet.getByRole('link', { name: 'Set one on your account page' }).click()]);
      account.setDefaultTimeout(WAIT_MS);
      await account.getByLabel('Your account password').fill(PASSWORD);
      await account.getByLabel('Pay password', { exact: true }).fill(PAY_PASSWORD);
      await account.getByLabel('Repeat the pay password').fill(PAY_PASSWORD);
      await account.getByRole('button', { name: 'Set pay password' }).click();
      await account.getByText('Your pay password is set.').first().waitFor();
      await account.close();

      // Back in the wallet: reload, then pay by keyboard (the field has the focus; Enter submits).
      await wallet.getByRole('link', { name: 'reload this page' }).click();
      const field = wallet.getByLabel('Pay password');
      await field.waitFor();
      assert.equal(await wallet.locator('input[name="pay_password"]:focus').count(), 1, 'the pay password field has the focus');
      await screenshot(wallet, `pi-${kind}-wallet-pay`);
      await wallet.keyboard.type('wrong-password');
      await wallet.keyboard.press('Enter');
      await wallet.getByText('That is not your pay password.').waitFor();
      await wallet.getByLabel('Pay password').fill(PAY_PASSWORD);
      const closed = wallet.waitForEvent('close', { timeout: WAIT_MS });
      await wallet.keyboard.press('Enter');
      await wallet.getByText(/Paid\. Waiting for Kitten Shop to confirm|Payment complete/).waitFor();
      await screenshot(wallet, `pi-${kind}-wallet-paid`).catch(() => undefined);
      await closed;

      await page.locator('#status').filter({ hasText: 'Thank you! Your kitten is on its way.' }).waitFor();
      await screenshot(page, `pi-${kind}-shop-thanks`);

      // ---- What the world looks like now.
      const [order] = shop.orders();
      assert.ok(order, 'the backend recorded the order');
      assert.equal(shop.orders().length, 1);
      assert.equal(order.uid, me);
      assert.equal(order.productId, 'kitten');
      assert.equal(await f.balance(user), 10n * PI - 314n * PI / 100n);
      assert.equal(await f.balance('app'), appBefore + 314n * PI / 100n);
      const view = await appView(order.paymentId);
      assert.equal(view.status.developer_completed, true);
      assert.equal(view.transaction.txid, order.txid);
      assert.equal(view.metadata.productId, 'kitten');

      const s = f.server.services;
      const block = await sealBlock(s.database, s.box, s.clock);
      assert.ok(block, 'a block was sealed');
      const transfer = await getTransfer(s.db, order.txid);
      assert.equal(transfer?.memo, order.paymentId);
      assert.equal(transfer?.amount, 314n * PI / 100n);
      assert.ok(transfer?.blockNumber !== null && transfer!.blockNumber <= block!.number, 'the transfer is in a sealed block');

      const worker = startWebhookWorker({ db: s.db, box: s.box, clock: s.clock, logger: s.logger, intervalMs: 3600_000 });
      try {
        assert.ok((await worker.runOnce()) >= 1);
      } finally {
        await worker.stop();
      }
      assert.equal(hooks.length, 1, 'one payment.completed delivery');
      const delivered = JSON.parse(hooks[0]!.body);
      assert.equal(delivered.type, 'payment.completed');
      assert.equal(delivered.app_id, f.app.id);
      assert.equal(delivered.data.payment.identifier, order.paymentId);
      assert.equal(delivered.data.payment.status.developer_completed, true);
      assert.ok(verifyPlazaSignature(hooks[0]!.signature, hooks[0]!.body, hookSecret, 300, s.clock.now()), 'signed with the endpoint secret');

      await page.close();
      assert.deepEqual(errors, []);
    });

    it('Reject in the wallet is onCancel in the app; nothing moves', async () => {
      const page = await newContextPage(context);
      const errors = collectPageErrors(page);
      await page.goto(shop.url);
      // The Plaza session and grant are live: authenticate passes without interaction (the pop-up closes itself).
      const [auth] = await Promise.all([page.waitForEvent('popup'), page.getByRole('button', { name: 'Sign in with Pi' }).click()]);
      await closedPage(auth);
      await page.locator('#who').filter({ hasText: `Signed in as ${username}.` }).waitFor();
      const balance = await f.balance(user);

      const [wallet] = await Promise.all([page.waitForEvent('popup'), page.getByRole('button', { name: 'Buy for 3.14 PI' }).click()]);
      wallet.setDefaultTimeout(WAIT_MS);
      await wallet.getByLabel('Pay password').waitFor();
      const closed = wallet.waitForEvent('close', { timeout: WAIT_MS });
      await wallet.getByRole('button', { name: 'Reject' }).click();
      await wallet.getByText('You rejected this payment.').waitFor().catch(() => undefined);
      await closed;
      await page.locator('#status').filter({ hasText: 'Payment cancelled.' }).waitFor();
      assert.equal(await f.balance(user), balance);
      assert.equal(shop.orders().length, 1);
      await page.close();
      assert.deepEqual(errors, []);
    });

    it('a blocked pop-up shows the overlay: Continue opens it (authenticate), Escape = Cancel is the user cancel (payment)', async () => {
      let page = await newContextPage(context);
      let errors = collectPageErrors(page);
      await page.goto(`${pages.baseUrl}/blocked`);
      const overlay = page.getByRole('dialog');
      await overlay.getByText('Sign in with Plaza to continue.').waitFor();
      await screenshot(page, `pi-${kind}-overlay-authenticate`);
      const [auth] = await Promise.all([page.waitForEvent('popup'), overlay.getByRole('button', { name: 'Continue' }).click()]);
      await closedPage(auth);
      await page.waitForFunction(() => (globalThis as unknown as { events: string[] }).events.length > 0);
      assert.deepEqual(await pageGlobal<string[]>(page, 'events'), [`authenticated:${username}`]);

      // createPayment in a tab that never had a user gesture: the wallet window is blocked, overlay again. The tab signs
      // in from the SDK's session cache, copied over from the first tab, so no window is needed for that. Careful:
      // playwright's evaluations (locator waits included) run as user gestures, so nothing may look into the page
      // before the SDK has tried to open the wallet — which the page signals with a request to /mark.
      // (Chromium also keeps a click's activation for a few seconds, across same-origin navigations.)
      type Storage = { length: number; key(i: number): string | null; getItem(k: string): string | null; setItem(k: string, v: string): void };
      const cached = await page.evaluate(() => {
        const store = (globalThis as unknown as { sessionStorage: Storage }).sessionStorage;
        const out: Array<[string, string]> = [];
        for (let i = 0; i < store.length; i++) out.push([store.key(i)!, store.getItem(store.key(i)!)!]);
        return out;
      });
      assert.equal(cached.length, 1, 'the SDK cached the access token for the tab');
      await page.close();
      assert.deepEqual(errors, []);
      const fresh = await browser.newContext({ locale: 'en-US', timezoneId: 'UTC', viewport: { width: 390, height: 844 } });
      page = await newContextPage(fresh);
      errors = collectPageErrors(page);
      await page.addInitScript((entries) => {
        for (const [k, v] of entries) (globalThis as unknown as { sessionStorage: Storage }).sessionStorage.setItem(k, v);
      }, cached);
      const marked = page.waitForRequest((r) => r.url().endsWith('/mark'));
      await page.goto(`${pages.baseUrl}/blocked?pay`, { waitUntil: 'commit' });
      await marked;
      const overlay2 = page.getByRole('dialog');
      await overlay2.getByText('Continue to your Plaza wallet to review this payment.').waitFor();
      await screenshot(page, `pi-${kind}-overlay-wallet`);
      await page.keyboard.press('Escape');
      await page.waitForFunction(() => (globalThis as unknown as { events: string[] }).events.some((e) => e.startsWith('cancel:')));
      const all = await pageGlobal<string[]>(page, 'events');
      const id = all.find((e) => e.startsWith('approval:'))!.slice('approval:'.length);
      assert.deepEqual(all, [`authenticated:${username}`, `approval:${id}`, `cancel:${id}`]);
      assert.equal(await overlay2.count(), 0, 'the overlay is gone');
      const view = await appView(id);
      assert.equal(view.status.user_cancelled, true);
      await fresh.close();
      assert.deepEqual(errors, []);
    });
  });
}
