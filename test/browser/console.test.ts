// The developer console (/console) in a real Chromium, against a real server: a developer signs up, creates an app
// (copies its key from the page with the copy button), registers a webhook, sees a payment made through the Pi API
// with the app's secret appear in the payments view and its webhook delivery (with its attempt, and a resend) in
// the delivery log; the pages work on a phone-sized viewport and by keyboard; an admin walks the ledger explorer to a
// transaction whose Merkle proof the page verifies. The UI is built once, fresh, into a temporary directory (never
// into dist/ui, which another test or the operator may be serving), so the test always sees the current sources.
// Screenshots land in test-output/screenshots/console-*.png (console-app.png is the README's).
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { identityDeps } from '../../src/admin/deps.js';
import { createAdminApi } from '../../src/admin/plugin.js';
import { startWebhookWorker } from '../../src/core/events/webhooks.js';
import { ensureAdminDeveloper } from '../../src/core/identity/developers.js';
import { upsertGrant } from '../../src/core/identity/grants.js';
import { ensureBuiltinRoles } from '../../src/core/identity/roles.js';
import { issueAccessToken } from '../../src/core/identity/userTokens.js';
import { registerUser } from '../../src/core/identity/users.js';
import { ensureWalletKey } from '../../src/core/identity/walletKeys.js';
import { ensureAsset } from '../../src/core/ledger/assets.js';
import { sealBlock } from '../../src/core/ledger/blocks.js';
import { piDialect } from '../../src/dialects/pi/plugin.js';
import { ensurePayments, paymentAssetId, paymentsDeps } from '../../src/modules/payments/index.js';
import { webPages } from '../../src/web/plugin.js';
import { createUiRoutes } from '../../src/web/ui.js';
import { collectPageErrors, launchBrowser, newPage, screenshot, type Browser, type Page } from '../support/browser.js';
import { http, startTestServer, type TestServer } from '../support/server.js';
import { STORES } from '../support/stores.js';
import { buildUi, DESKTOP, focused, inPage, noHorizontalScroll, PHONE, tabTo } from './uiKit.js';


async function startReceiver(): Promise<{ url: string; count(): number; close(): Promise<void> }> {
  let received = 0;
  const server: Server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      received++;
      res.end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/plaza-hooks`,
    count: () => received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

// Page-side code is passed as text: the test tsconfig has no DOM types (and must not pretend Node has them).
const TOKEN = "sessionStorage.getItem('plaza.console.token')";

/** Waits for `target`; when an error banner shows instead, fails with its text. */
async function expectVisible(page: Page, target: ReturnType<Page['getByText']>): Promise<void> {
  const alert = page.getByRole('alert');
  await target.or(alert).first().waitFor();
  if (!(await target.first().isVisible())) assert.fail(`the page shows an error: ${await alert.first().innerText()}`);
}

// The console is the same bundle on both stores; the server side it calls differs, so the flow runs on each.
for (const kind of STORES) {
  describe(`browser: the developer console [${kind}]`, () => {
    let browser: Browser;
    let server: TestServer;
    let uiDir: string;
    let receiver: Awaited<ReturnType<typeof startReceiver>>;
    let base: string;

    before(async () => {
      uiDir = await buildUi();
      browser = await launchBrowser();
      receiver = await startReceiver();
      server = await startTestServer(kind, {
        dialects: [piDialect, createAdminApi({ assertResponses: true })],
        extras: [webPages, createUiRoutes({ dir: uiDir })],
      });
      base = server.baseUrl;
      const s = server.services;
      await ensureBuiltinRoles(s.db);
      // What a server's start-up (ensureConfiguredAdmin) provides: the wallet asset every new developer's wallet uses.
      await ensureAsset(s.db, { symbol: s.config.ulord.assetSymbol, precision: 8 }, s.clock);
      await ensurePayments(s.db, paymentsDeps(s));
    });
    after(async () => {
      await browser?.close();
      await receiver?.close();
      await server?.close();
      if (uiDir) rmSync(uiDir, { recursive: true, force: true });
    });

    /** A user of `appId` with a Pi grant (username, payments, wallet_address), a wallet and a Pi access token. */
    async function piUser(appId: number, username: string): Promise<{ uid: string; accessToken: string }> {
      const s = server.services;
      const ids = identityDeps(s);
      const assetId = await paymentAssetId(s.db, paymentsDeps(s));
      return s.db.transaction().execute(async (trx) => {
        const user = await registerUser(trx, { username, email: `${username}@example.com`, passwordHash: 'scrypt$unusable' }, ids);
        const grant = await upsertGrant(trx, { appId, userId: user.id, kind: 'pi', scopes: ['username', 'payments', 'wallet_address'] }, s.clock);
        const access = await issueAccessToken(trx, { grant, scopes: ['username', 'payments', 'wallet_address'], kind: 'pi', ttlSeconds: 3600 }, s.clock);
        await ensureWalletKey(trx, { kind: 'user', userId: user.id }, { box: s.box, clock: s.clock, assetId });
        return { uid: grant.pairwiseUid, accessToken: access.token };
      });
    }

    async function signUp(page: Page, username: string, password: string): Promise<void> {
      await page.goto(`${base}/console/`);
      assert.equal(await page.locator('h1').textContent(), 'Sign in to the console');
      await page.getByRole('link', { name: 'Create a developer account' }).click();
      assert.equal(await page.locator('h1').textContent(), 'Create a developer account');
      await page.getByLabel('Username').fill(username);
      await page.getByLabel('Password').fill(password);
      await page.getByRole('button', { name: 'Create account' }).click();
      await signedIn(page);
    }

    /** Waits for the apps page after a sign-in or sign-up; fails with the page's error when one shows instead. */
    async function signedIn(page: Page): Promise<void> {
      const apps = page.getByRole('heading', { level: 1, name: 'Apps' });
      await apps.or(page.getByRole('alert')).first().waitFor();
      if (!(await apps.isVisible())) assert.fail(`signing in failed: ${await page.getByRole('alert').first().innerText()}`);
    }

    it('serves the app shell with its headers, SPA fallback and immutable hashed assets', async () => {
      const shell = await http(base, 'GET', '/console/apps/12/webhooks');
      assert.equal(shell.status, 200);
      assert.match(shell.headers.get('content-type') ?? '', /^text\/html/);
      assert.match(shell.headers.get('content-security-policy') ?? '', /script-src 'self'/);
      assert.equal(shell.headers.get('cache-control'), 'no-cache');
      assert.doesNotMatch(shell.text, /<script(?![^>]*\bsrc=)[^>]*>/, 'no inline script');
      const asset = /src="(\/ui\/assets\/[^"]+\.js)"/.exec(shell.text)?.[1];
      assert.ok(asset, shell.text);
      const js = await http(base, 'GET', asset);
      assert.equal(js.status, 200);
      assert.match(js.headers.get('content-type') ?? '', /^text\/javascript/);
      assert.equal(js.headers.get('cache-control'), 'public, max-age=31536000, immutable');
      assert.equal((await http(base, 'GET', '/ui/assets/..%2Fconsole%2Findex.html')).status, 404);
      assert.equal((await http(base, 'GET', '/ui/assets/missing-abc123.js')).status, 404);
      assert.equal((await http(base, 'GET', '/wallet')).status, 200);
    });

    it('a developer signs up, creates an app, copies its key, registers a webhook and sees a payment and its delivery', async () => {
      const page = await newPage(browser);
      const errors = collectPageErrors(page);
      await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: base });
      await page.setViewportSize(DESKTOP);
      await signUp(page, 'dora', 'tea-leaves-42');
      await screenshot(page, 'console-apps-empty');

      // Create an app: the key and the secret are shown once, each with a copy button.
      await page.getByLabel('App name').fill('Moonlit Tea');
      await page.getByLabel('Description (optional)').fill('Loose-leaf tea, paid in Pi');
      await page.getByRole('button', { name: 'Create app' }).click();
      const appkey = (await page.getByTestId('new-appkey').textContent()) ?? '';
      const secret = (await page.getByTestId('new-secret').textContent()) ?? '';
      assert.match(appkey, /^[0-9a-f]{32}$/);
      assert.ok(secret.length >= 16, secret);
      await page.getByRole('button', { name: 'Copy App key' }).click();
      // The clipboard holds exactly the key shown (the button's "Copied" feedback lasts only a moment).
      let copied = '';
      for (let i = 0; i < 20 && copied !== appkey; i++) {
        copied = await inPage<string>(page, 'navigator.clipboard.readText()');
        if (copied !== appkey) await new Promise((r) => setTimeout(r, 100));
      }
      assert.equal(copied, appkey);
      await screenshot(page, 'console-app-created');
      assert.match(await page.getByRole('table', { name: 'Your apps' }).innerText(), /Moonlit Tea/);

      // The secret shown is the real one: the Pi API accepts it (and refuses a wrong one).
      const app = await server.services.db.selectFrom('apps').select(['id']).where('appkey', '=', appkey).executeTakeFirstOrThrow();
      const appId = Number(app.id);
      assert.equal((await http(base, 'GET', '/v2/payments/incomplete_server_payments', { headers: { authorization: `Key ${secret}` } })).status, 200);
      assert.equal((await http(base, 'GET', '/v2/payments/incomplete_server_payments', { headers: { authorization: `Key ${secret}x` } })).status, 401);

      // The app's page; register a webhook to the local receiver.
      await page.getByRole('link', { name: 'Open Moonlit Tea' }).click();
      await page.getByRole('heading', { level: 1, name: 'Moonlit Tea' }).waitFor();
      assert.equal(await page.getByTestId('appkey').textContent(), appkey);
      await page.getByRole('navigation', { name: 'App sections' }).getByRole('link', { name: 'Webhooks' }).click();
      await page.getByLabel('Endpoint URL').fill(receiver.url);
      await page.getByLabel('Events').fill('payment.created, payment.approved');
      await page.getByRole('button', { name: 'Register' }).click();
      assert.match((await page.getByTestId('webhook-secret').textContent()) ?? '', /\S{16,}/);
      assert.match(await page.getByRole('table', { name: 'Webhook endpoints' }).innerText(), /payment\.created, payment\.approved/);

      // A payment made through the Pi API with the app's secret appears in the payments view.
      const wren = await piUser(appId, 'wren');
      const made = await http(base, 'POST', '/v2/payments', {
        headers: { authorization: `Key ${secret}` },
        body: `{"payment":{"amount":2.5,"memo":"Refund for order 77","metadata":{},"uid":${JSON.stringify(wren.uid)}}}`,
      });
      assert.equal(made.status, 200, made.text);
      const identifier = made.json.identifier as string;
      await page.getByRole('navigation', { name: 'App sections' }).getByRole('link', { name: 'Payments' }).click();
      const payments = page.getByRole('table', { name: 'Payments' });
      await payments.getByText(identifier).waitFor();
      assert.match(await payments.innerText(), /App → user[\s\S]*2\.5000000[\s\S]*Refund for order 77[\s\S]*approved/);
      // Filters: a state it is not in hides it; its own state shows it.
      await page.getByLabel('State').selectOption('completed');
      await page.getByText('No payments match.').waitFor();
      await page.getByLabel('State').selectOption('approved');
      await payments.getByText(identifier).waitFor();
      await page.getByLabel('Direction').selectOption('user_to_app');
      await page.getByText('No payments match.').waitFor();
      await page.getByLabel('Direction').selectOption('app_to_user');
      await payments.getByText(identifier).waitFor();
      // The user pays the app (U2A) too: both directions in one list, newest first.
      const paid = await http(base, 'POST', '/v2/payments/user_to_app', {
        headers: { authorization: `Bearer ${wren.accessToken}` },
        body: '{"amount":3.14,"memo":"Jasmine pearls, 100 g","metadata":{"orderId":78}}',
      });
      assert.equal(paid.status, 200, paid.text);
      await page.getByLabel('State').selectOption('');
      await page.getByLabel('Direction').selectOption('');
      await payments.getByText(paid.json.identifier as string).waitFor();
      assert.match(await payments.innerText(), /User → app[\s\S]*3\.1400000[\s\S]*Jasmine pearls[\s\S]*App → user/);
      // The README's picture: the app page at desktop size, on its Payments tab.
      await screenshot(page, 'console-app');

      // The webhook delivery, once the worker ran: succeeded after one attempt; resend queues it again.
      const s = server.services;
      const worker = startWebhookWorker({ db: s.db, box: s.box, clock: s.clock, logger: s.logger, intervalMs: 3600_000 });
      try {
        while ((await worker.runOnce()) > 0);
      } finally {
        await worker.stop();
      }
      // An A2U payment is created approved: its created and approved events, one delivery each.
      const delivered = await s.db.selectFrom('webhook_deliveries').select(['status', 'attempts']).execute();
      assert.ok(delivered.length >= 1);
      assert.equal(receiver.count(), delivered.length);
      for (const d of delivered) assert.deepEqual([d.status, Number(d.attempts)], ['succeeded', 1]);
      await page.getByRole('navigation', { name: 'App sections' }).getByRole('link', { name: 'Webhooks' }).click();
      await page.getByRole('button', { name: 'Deliveries' }).click();
      const log = page.getByRole('table', { name: `Deliveries to ${receiver.url}` });
      await log.getByText('payment.created').first().waitFor();
      assert.match(await log.innerText(), /succeeded[\s\S]*1 attempt[\s\S]*HTTP 200/);
      await log.getByText('1 attempt').first().click();
      assert.match(await log.innerText(), /200\s+in \d+ ms/);
      await screenshot(page, 'console-webhooks');
      await log.getByRole('button', { name: /^Resend delivery/ }).first().click();
      await page.getByText(/is queued again/).waitFor();
      await log.getByText('pending').first().waitFor();

      // Keys: rotating shows a new secret once; the old one stops working, the new one works.
      await page.getByRole('navigation', { name: 'App sections' }).getByRole('link', { name: 'Keys' }).click();
      await page.getByRole('button', { name: 'Rotate secret…' }).click();
      await page.getByRole('button', { name: 'Yes, rotate the secret' }).click();
      const rotated = (await page.getByTestId('rotated-secret').textContent()) ?? '';
      assert.notEqual(rotated, secret);
      assert.equal((await http(base, 'GET', '/v2/payments/incomplete_server_payments', { headers: { authorization: `Key ${secret}` } })).status, 401);
      assert.equal((await http(base, 'GET', '/v2/payments/incomplete_server_payments', { headers: { authorization: `Key ${rotated}` } })).status, 200);

      // Access: redirect URIs and origins saved and read back.
      await page.getByRole('navigation', { name: 'App sections' }).getByRole('link', { name: 'Access' }).click();
      await page.getByLabel('Redirect URIs').fill('https://tea.example/callback');
      await page.getByLabel('Allowed origins').fill('https://tea.example');
      await page.getByRole('button', { name: 'Save access' }).click();
      await page.getByText('Saved.').waitFor();
      const access = await http(base, 'GET', `/admin/v1/apps/${appId}/access`, { headers: { authorization: `Bearer ${await inPage<string | null>(page, TOKEN)}` } });
      assert.deepEqual(access.json, { app_id: appId, redirect_uris: ['https://tea.example/callback'], allowed_origins: ['https://tea.example'] });

      // Pi settings: saved, and the API reads them back.
      const tab = (name: string) => page.getByRole('navigation', { name: 'App sections' }).getByRole('link', { name, exact: true }).click();
      const bearer = { authorization: `Bearer ${await inPage<string | null>(page, TOKEN)}` };
      await tab('Pi');
      await page.getByLabel('Network passphrase').fill('Pi Network');
      await page.getByLabel('Allow app-to-user payments').uncheck();
      await page.getByRole('button', { name: 'Save Pi settings' }).click();
      await page.getByText('Saved.').waitFor();
      const pi = await http(base, 'GET', `/admin/v1/apps/${appId}/pi`, { headers: bearer });
      assert.deepEqual([pi.json.network, pi.json.a2u_enabled], ['Pi Network', false]);

      // WeChat: not configured yet; switching to the sandbox shows the new mode and only masked secrets.
      await tab('WeChat');
      await page.getByText('This app has no WeChat settings yet.', { exact: false }).waitFor();
      await expectVisible(page, page.getByRole('button', { name: 'Use the WeChat sandbox' }));
      await page.getByRole('button', { name: 'Use the WeChat sandbox' }).click();
      await page.getByText(/Switched to the WeChat sandbox/).waitFor();
      // The settings reload after the switch: wait for them before reading the page.
      await page.getByText('Sandbox (Plaza’s built-in WeChat)').waitFor();
      const wechat = await page.locator('main').innerText();
      assert.match(wechat, /Sandbox \(Plaza’s built-in WeChat\)/);
      assert.match(wechat, /App secret\s+\*{4}\S{4}/);
      assert.equal((await http(base, 'GET', `/admin/v1/apps/${appId}/wechat`, { headers: bearer })).json.mode, 'sandbox');

      // Orders, charges and content: empty for this app, with their filters.
      await tab('Orders');
      await page.getByText('No orders match.').waitFor();
      await tab('Charges');
      await page.getByText('No charges match.').waitFor();
      await page.getByLabel('Kind').selectOption('force_charge');
      await page.getByText('No charges match.').waitFor();
      await tab('Content');
      await page.getByText('No content matches.').waitFor();

      // A deep link opens the tab directly.
      await page.goto(`${base}/console/apps/${appId}/access`);
      await page.getByRole('heading', { level: 1, name: 'Moonlit Tea' }).waitFor();
      // The heading comes with the app; the access lists load after it.
      const origins = page.getByLabel('Allowed origins');
      for (const until = Date.now() + 10_000; (await origins.inputValue()) === '' && Date.now() < until; ) await page.waitForTimeout(50);
      assert.equal(await origins.inputValue(), 'https://tea.example');

      // A reload keeps the session (sessionStorage); signing out drops it and revokes the token.
      const token = await inPage<string | null>(page, TOKEN);
      await page.reload();
      await page.getByRole('heading', { level: 1, name: 'Moonlit Tea' }).waitFor();
      await page.getByRole('button', { name: 'Sign out' }).click();
      await page.getByRole('heading', { level: 1, name: 'Sign in to the console' }).waitFor();
      assert.equal(await inPage<string | null>(page, TOKEN), null);
      assert.equal((await http(base, 'GET', '/admin/v1/me', { headers: { authorization: `Bearer ${token}` } })).status, 401);

      // Signing in again with a wrong password says so; the right one opens the apps.
      await page.getByLabel('Username').fill('dora');
      await page.getByLabel('Password').fill('wrong-password');
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('alert').getByText('wrong username or password').waitFor();
      await page.getByLabel('Password').fill('tea-leaves-42');
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('heading', { level: 1, name: 'Apps' }).waitFor();
      // Chromium reports the refused sign-in's 401 and the unconfigured WeChat settings' 404 as console errors (the
      // page handles both); nothing else may appear.
      assert.deepEqual(errors.filter((e) => !/status of 401/.test(e) && !/status of 404[\s\S]*\/wechat\)$/.test(e)), []);
      await page.close();
    });

    it('works on a phone: no sideways scrolling, tables become labelled cards', async () => {
      const page = await newPage(browser);
      const errors = collectPageErrors(page);
      await page.setViewportSize(PHONE);
      await signUp(page, 'pip', 'phone-pass-1');
      await noHorizontalScroll(page);
      await page.getByLabel('App name').fill('Pocket Shop');
      await page.getByRole('button', { name: 'Create app' }).click();
      await page.getByTestId('new-secret').waitFor();
      await noHorizontalScroll(page);
      await screenshot(page, 'console-phone-created');
      await page.getByRole('link', { name: 'Open Pocket Shop' }).click();
      await page.getByRole('heading', { level: 1, name: 'Pocket Shop' }).waitFor();
      await noHorizontalScroll(page);
      const appId = Number(page.url().split('/').pop());
      await page.goto(`${base}/console/apps/${appId}/webhooks`);
      await page.getByLabel('Endpoint URL').fill('https://pocket.example/hooks');
      await page.getByRole('button', { name: 'Register' }).click();
      const table = page.getByRole('table', { name: 'Webhook endpoints' });
      await table.getByText('https://pocket.example/hooks').waitFor();
      // The header row is visually hidden; each cell shows its column's name before its value.
      const label = await inPage<string>(page, `getComputedStyle(document.querySelector('table.data td'), '::before').content`);
      assert.equal(label, '"URL"');
      await noHorizontalScroll(page);
      await screenshot(page, 'console-phone-webhooks');
      assert.deepEqual(errors, []);
      await page.close();
    });

    it('is keyboard-navigable: a skip link first, Tab reaches the main actions with a visible focus ring', async () => {
      const page = await newPage(browser);
      const errors = collectPageErrors(page);
      await page.setViewportSize(DESKTOP);
      await signUp(page, 'kai', 'keyboard-only-1');
      await page.goto(`${base}/console/apps`);
      await page.getByRole('heading', { level: 1, name: 'Apps' }).waitFor();

      const first = await tabTo(page, /./, 1);
      assert.equal(first[0]!.text, 'Skip to content');
      // Fill the form and create the app with the keyboard alone.
      let stops = await tabTo(page, /^App name$/, 40);
      for (const s of stops) assert.doesNotMatch(s.outline, /^none/, `focus is visible on ${s.tag} "${s.text}"`);
      await page.keyboard.type('Keyboard Cafe');
      stops = await tabTo(page, /^Create app$/, 40);
      assert.doesNotMatch(stops.at(-1)!.outline, /^none/);
      await page.keyboard.press('Enter');
      await page.getByTestId('new-secret').waitFor();
      stops = await tabTo(page, /^Copy Secret$/, 40);
      await page.keyboard.press('Enter');
      await page.getByRole('button', { name: 'Copy Secret' }).getByText(/Copied|Copy/).waitFor();
      stops = await tabTo(page, /^Open Keyboard Cafe$/, 40);
      await page.keyboard.press('Enter');
      await page.getByRole('heading', { level: 1, name: 'Keyboard Cafe' }).waitFor();
      // After an in-app navigation focus sits on the new page's heading, so Tab continues from there.
      assert.equal((await focused(page)).tag, 'h1');
      stops = await tabTo(page, /^Webhooks$/, 40);
      assert.ok(stops.some((s) => s.text === 'Copy App key'), 'the appkey copy button is on the way');
      for (const s of stops) assert.doesNotMatch(s.outline, /^none/, `focus is visible on ${s.tag} "${s.text}"`);
      await screenshot(page, 'console-keyboard-focus');
      await page.keyboard.press('Enter');
      await page.getByLabel('Endpoint URL').waitFor();
      await tabTo(page, /^Register$/, 40);
      assert.deepEqual(errors, []);
      await page.close();
    });

    it('an admin explores the ledger: live blocks, a block, a transaction with its verified Merkle proof, an account, the volume chart', async () => {
      const s = server.services;
      await ensureAdminDeveloper(s.db, { username: 'root', password: 'root-password-1' }, identityDeps(s));
      const page = await newPage(browser);
      const errors = collectPageErrors(page);
      await page.setViewportSize(DESKTOP);
      await page.goto(`${base}/console/`);
      await page.getByLabel('Username').fill('root');
      await page.getByLabel('Password').fill('root-password-1');
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('heading', { level: 1, name: 'Apps' }).waitFor();

      // Issue through the Assets page: a real ledger transfer.
      await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Assets' }).click();
      await page.getByRole('heading', { level: 1, name: 'Assets' }).waitFor();
      const symbol = s.config.ulord.assetSymbol;
      await page.getByLabel('Asset', { exact: true }).selectOption(symbol);
      await page.getByLabel('Owner id').fill('424242');
      await page.getByLabel('Amount').fill('12.5');
      await page.getByLabel('Memo').fill('console test');
      await page.getByRole('button', { name: 'Issue', exact: true }).click();
      await page.getByText(/Issued 12\.5/).waitFor();
      // A second transfer in the same block, so the Merkle proof has a real path.
      await page.getByLabel('Amount').fill('0.75');
      await page.getByRole('button', { name: 'Issue', exact: true }).click();
      await page.getByText(/Issued 0\.75/).waitFor();

      await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Ledger' }).click();
      await page.getByRole('heading', { level: 1, name: 'Ledger explorer' }).waitFor();
      const blocks = page.getByRole('table', { name: 'Latest sealed blocks' });
      // Sealed while the page is open: the 2-second poll brings the block in without a reload.
      await page.getByText('No block sealed yet.').or(blocks).waitFor();
      const sealed = await sealBlock(s.database, s.box, s.clock);
      assert.ok(sealed, 'a block was sealed');
      await blocks.getByRole('link', { name: `#${sealed.number}` }).waitFor({ timeout: 6000 });
      await page.getByLabel('Asset').selectOption(symbol);
      await page.getByRole('img', { name: new RegExp(`Transfer volume of ${symbol}`) }).waitFor();
      assert.ok((await page.locator('svg.chart rect.bar').count()) >= 1, 'the chart has a bar');
      await screenshot(page, 'console-ledger');

      await blocks.getByRole('link', { name: `#${sealed.number}` }).click();
      await page.getByRole('heading', { level: 1, name: `Block #${sealed.number}` }).waitFor();
      const inBlock = page.getByRole('table', { name: `Transfers in block ${sealed.number}` });
      await inBlock.getByText('12.5').first().waitFor();
      await inBlock.getByRole('link').first().click();
      await page.getByRole('heading', { level: 1, name: 'Transaction' }).waitFor();
      await page.getByText(/Verified in this browser/).waitFor();
      assert.ok((await page.locator('ol.proof li').count()) >= 1, 'the proof has a path');
      await screenshot(page, 'console-transaction');

      await page.getByRole('link', { name: /^\d+$/ }).nth(1).click();
      await page.getByRole('heading', { level: 1, name: /^Account \d+$/ }).waitFor();
      await page.getByText('user 424242').waitFor();
      assert.match(await page.locator('main').innerText(), /user 424242[\s\S]*Balance\s+13\.25/);
      await page.getByRole('table', { name: /^Transfers of account/ }).getByText('+12.5', { exact: false }).waitFor();

      // Users: search and disable.
      await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Users' }).click();
      await page.getByLabel('Search users').fill('wren');
      await page.getByRole('button', { name: 'Search' }).click();
      await page.getByRole('button', { name: 'Disable wren' }).click();
      await page.getByRole('button', { name: 'Enable wren' }).waitFor();
      assert.equal((await s.db.selectFrom('end_users').select('disabled').where('username', '=', 'wren').executeTakeFirstOrThrow()).disabled ? 1 : 0, 1);

      // Paging: 27 matching users are 25 on the first page and 2 on the second; Previous goes back.
      await s.db.transaction().execute(async (trx) => {
        for (let i = 0; i < 27; i++) {
          await registerUser(trx, { username: `pager${String(i).padStart(2, '0')}`, email: null, passwordHash: 'scrypt$unusable' }, identityDeps(s));
        }
      });
      await page.getByLabel('Search users').fill('pager');
      await page.getByRole('button', { name: 'Search' }).click();
      const users = page.getByRole('table', { name: 'Users' });
      await users.getByText('pager24', { exact: true }).waitFor();
      assert.equal(await users.locator('tbody tr').count(), 25);
      await page.getByRole('button', { name: 'Next' }).click();
      await users.getByText('pager26', { exact: true }).waitFor();
      assert.equal(await users.locator('tbody tr').count(), 2);
      assert.equal(await page.getByRole('button', { name: 'Next' }).isDisabled(), true);
      await page.getByRole('button', { name: 'Previous' }).click();
      await users.getByText('pager00', { exact: true }).waitFor();
      assert.equal(await users.locator('tbody tr').count(), 25);

      // Developers and operator controls render for the admin.
      await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Developers' }).click();
      await page.getByRole('table', { name: 'Developers' }).getByText('dora').waitFor();
      await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Operator' }).click();
      await page.getByLabel('Maintenance mode').waitFor();
      assert.deepEqual(errors, []);
      await page.close();
    });

    it('a developer without the admin role sees no admin area, and the API refuses it anyway', async () => {
      const page = await newPage(browser);
      await signUp(page, 'nia', 'not-an-admin-1');
      const nav = await page.getByRole('navigation', { name: 'Console' }).innerText();
      assert.match(nav, /Apps/);
      assert.doesNotMatch(nav, /Ledger|Users|Operator/);
      await page.goto(`${base}/console/ledger`);
      await page.getByRole('heading', { level: 1, name: 'Page not found' }).waitFor();
      const token = await inPage<string | null>(page, TOKEN);
      assert.equal((await http(base, 'GET', '/admin/v1/blocks', { headers: { authorization: `Bearer ${token}` } })).status, 403);
      await page.close();
    });
  });
}

describe('ui routes without a build', () => {
  it('answer a 503 page that tells the operator to run the build', async () => {
    const missing = mkdtempSync(join(tmpdir(), 'plaza-ui-missing-'));
    const server = await startTestServer('sqlite', { dialects: [], extras: [createUiRoutes({ dir: join(missing, 'nothing') })] });
    try {
      for (const path of ['/console', '/console/apps/3', '/wallet/']) {
        const r = await http(server.baseUrl, 'GET', path);
        assert.equal(r.status, 503, path);
        assert.match(r.headers.get('content-type') ?? '', /^text\/html/);
        assert.match(r.text, /npm run build:ui/);
      }
      assert.equal((await http(server.baseUrl, 'GET', '/ui/assets/console-abc.js')).status, 404);
    } finally {
      await server.close();
      rmSync(missing, { recursive: true, force: true });
    }
  });
});
