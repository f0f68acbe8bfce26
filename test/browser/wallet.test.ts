// The end-user wallet (/wallet/, web/ui/src/wallet) in a real Chromium on a phone-sized viewport, walked as a person
// would: opening it signed out goes to the hosted sign-in and back; the PI issued to the user shows as a balance and
// in the history; the pay password is set from the wallet (with the keyboard); an app is revoked through the confirm
// dialog, reached and answered by keyboard — after which the app's access token is refused by GET /v2/me; and a
// waiting payment's "Review and pay" opens the hosted approval page. Screenshots: test-output/screenshots/wallet-*.png.
//
// As in console.test.ts, the UI is built from its current sources into a temporary folder before the suite (Vite's
// API, offline, ~2 s; here the wallet entry only) and served by ui.ts's routes pointed at that folder — never into
// dist/ui, which another test or the operator may be serving.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { build } from 'vite';
import uiConfig from '../../web/ui/vite.config.js';
import { identityDeps } from '../../src/admin/deps.js';
import { setAppAllowedOrigins } from '../../src/core/identity/appAccess.js';
import { createApp, revealAppSecret, getApp } from '../../src/core/identity/apps.js';
import { hashNewPassword, registerDeveloper } from '../../src/core/identity/developers.js';
import { upsertGrant } from '../../src/core/identity/grants.js';
import { checkUserPayPassword } from '../../src/core/identity/payPasswords.js';
import { ensureBuiltinRoles } from '../../src/core/identity/roles.js';
import { issueAccessToken } from '../../src/core/identity/userTokens.js';
import { registerUser } from '../../src/core/identity/users.js';
import { ensureWalletKey } from '../../src/core/identity/walletKeys.js';
import { ensureAccount } from '../../src/core/ledger/accounts.js';
import { ensureAsset } from '../../src/core/ledger/assets.js';
import { issue } from '../../src/core/ledger/transfers.js';
import { piDialect } from '../../src/dialects/pi/plugin.js';
import { paymentAssetId, paymentsDeps } from '../../src/modules/payments/index.js';
import { webPages } from '../../src/web/plugin.js';
import { createUiRoutes } from '../../src/web/ui.js';
import { collectPageErrors, launchBrowser, PAGE_TIMEOUT_MS, screenshot, type Browser, type Page } from '../support/browser.js';
import { http, startTestServer, type TestServer } from '../support/server.js';

const UI_ROOT = new URL('../../web/ui/', import.meta.url).pathname;
const PASSWORD = 'wendy account pw 1';
const PAY_PASSWORD = 'wendy pay 123';
const SHOP_ORIGIN = 'https://kittens.example';
/** A phone: 390 × 844 CSS pixels (an iPhone 12–15), touch, mobile meta viewport honoured. */
const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true } as const;

/**
 * Builds the wallet entry of web/ui into `outDir` with web/ui/vite.config.ts's own settings (imported, so they never
 * drift), only the input narrowed to the wallet: a console page under construction cannot break this suite.
 */
async function buildWallet(outDir: string): Promise<void> {
  await build({
    ...uiConfig,
    configFile: false,
    logLevel: 'error',
    build: {
      ...uiConfig.build,
      outDir,
      emptyOutDir: true,
      rolldownOptions: { ...uiConfig.build?.rolldownOptions, input: { wallet: `${UI_ROOT}wallet/index.html` } },
    },
  });
}

/** The browser's globals this test reads (the server's tsconfig has no DOM lib). */
interface PageGlobals {
  document: { activeElement: unknown; documentElement: { scrollWidth: number } };
  innerWidth: number;
}

describe('browser: the wallet on a phone — sign in, balance, pay password, revoke', () => {
  let browser: Browser;
  let server: TestServer;
  let uiDir: string;
  let accessToken: string;
  let userId: number;
  let paymentId: string;

  before(async () => {
    uiDir = mkdtempSync(join(tmpdir(), 'plaza-wallet-ui-'));
    await buildWallet(uiDir);
    browser = await launchBrowser();
    server = await startTestServer('sqlite', { dialects: [piDialect], extras: [webPages, createUiRoutes({ dir: uiDir })] });
    const s = server.services;
    const ids = identityDeps(s);
    const clock = s.clock;
    await ensureBuiltinRoles(s.db);
    await ensureAsset(s.db, { symbol: s.config.ulord.assetSymbol, precision: 8 }, clock);
    const devHash = await hashNewPassword('dev-password-1', ids);
    const userHash = await hashNewPassword(PASSWORD, ids);
    const assetId = await paymentAssetId(s.db, paymentsDeps(s));
    const setup = await s.db.transaction().execute(async (trx) => {
      const dev = await registerDeveloper(trx, { username: 'kittens', passwordHash: devHash }, ids);
      const { app } = await createApp(trx, { developerId: dev.id, name: 'Kitten Shop' }, ids);
      await setAppAllowedOrigins(trx, app.id, [SHOP_ORIGIN], clock);
      const user = await registerUser(trx, { username: 'wendy', email: 'wendy@example.com', passwordHash: userHash }, ids);
      const grant = await upsertGrant(trx, { appId: app.id, userId: user.id, kind: 'pi', scopes: ['username', 'payments'] }, clock);
      const access = await issueAccessToken(trx, { grant, scopes: grant.scopes, kind: 'pi', ttlSeconds: 3600 }, clock);
      await ensureWalletKey(trx, { kind: 'app', appId: app.id }, { box: s.box, clock, assetId });
      const wallet = await ensureWalletKey(trx, { kind: 'user', userId: user.id }, { box: s.box, clock, assetId });
      await issue(trx, { assetId, toAccountId: wallet.accountId, amount: 425_000_000n, memo: 'welcome PI' }, clock);
      // A second asset on a credit sub-balance, issued in ten steps: the history then runs over two pages.
      const credit = await ensureAsset(trx, { symbol: 'CREDIT', precision: 2 }, clock);
      const creditAccount = await ensureAccount(trx, { owner: { kind: 'user', id: String(user.uid) }, assetId: credit.id, sub: 'credit' }, clock);
      for (let i = 1; i <= 10; i++) await issue(trx, { assetId: credit.id, toAccountId: creditAccount.id, amount: 125n, kind: 'kamiya.grant', memo: `credit #${i}` }, clock);
      return { appId: app.id, userId: user.id, token: access.token };
    });
    accessToken = setup.token;
    userId = setup.userId;
    // A payment the app has approved: the wallet lists it with its "Review and pay" link.
    const secret = revealAppSecret(s.box, (await getApp(s.db, setup.appId))!);
    const created = await http(server.baseUrl, 'POST', '/v2/payments/user_to_app', {
      headers: { authorization: `Bearer ${accessToken}` },
      body: '{"amount":1.5,"memo":"A ball of yarn","metadata":{}}',
    });
    assert.equal(created.status, 200, created.text);
    paymentId = created.json.identifier as string;
    const approved = await http(server.baseUrl, 'POST', `/v2/payments/${paymentId}/approve`, { headers: { authorization: `Key ${secret}` } });
    assert.equal(approved.status, 200, approved.text);
  });

  after(async () => {
    await browser?.close();
    await server?.close();
    if (uiDir) rmSync(uiDir, { recursive: true, force: true });
  });

  async function phonePage(): Promise<Page> {
    const page = await browser.newPage({ locale: 'en-US', timezoneId: 'UTC', ...PHONE });
    page.setDefaultTimeout(PAGE_TIMEOUT_MS);
    return page;
  }

  /** Presses Tab until `target` has the focus (at most `max` times): proves it is reachable by keyboard. */
  async function tabTo(page: Page, target: ReturnType<Page['locator']>, max = 60): Promise<void> {
    for (let i = 0; i < max; i++) {
      if (await target.evaluate((el) => el === (globalThis as unknown as PageGlobals).document.activeElement)) return;
      await page.keyboard.press('Tab');
    }
    assert.fail(`not reachable with ${max} presses of Tab`);
  }

  const noSideways = (page: Page) =>
    page.evaluate(() => {
      const g = globalThis as unknown as PageGlobals;
      return g.document.documentElement.scrollWidth <= g.innerWidth;
    });
  const focusedText = (page: Page) => page.evaluate(() => ((globalThis as unknown as PageGlobals).document.activeElement as { textContent: string | null } | null)?.textContent);

  it('a user signs in to the wallet, sees a balance, sets a pay password and revokes an app', async () => {
    const base = server.baseUrl;
    const page = await phonePage();
    const errors = collectPageErrors(page);
    const me = () => http(base, 'GET', '/v2/me', { headers: { authorization: `Bearer ${accessToken}` } });
    assert.equal((await me()).status, 200, 'the app token works before the revoke');

    // Signed out: the wallet hands over to the hosted sign-in, which comes back to /wallet/.
    await page.goto(`${base}/wallet/`);
    await page.waitForURL(/\/signin\?next=%2Fwallet%2F$/);
    await page.getByLabel('Username or email').fill('wendy');
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${base}/wallet/`);
    // The signed-out first load's 401s are expected; from here on nothing may fail.
    errors.length = 0;

    await page.getByRole('heading', { level: 1, name: 'Your wallet' }).waitFor();
    assert.equal(await page.getByTestId('username').textContent(), 'wendy');
    const pi = page.getByTestId('balance-PI-balance');
    await pi.waitFor();
    assert.match(await pi.innerText(), /42\.5\s*PI/);
    const credit = page.getByTestId('balance-CREDIT-credit');
    assert.match(await credit.innerText(), /Credit[\s\S]*12\.5\s*CREDIT/);
    // History: the ten credits on page 1 (newest first), the PI issue on page 2.
    const history = page.getByRole('region', { name: 'Transfers, newest first' });
    await history.waitFor();
    assert.match(await history.innerText(), /credit #10[\s\S]*credit #1\b/);
    assert.doesNotMatch(await history.innerText(), /welcome PI/);
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByText('Page 2').waitFor();
    await history.getByText('welcome PI').waitFor();
    assert.match(await history.innerText(), /Issued[\s\S]*from Plaza[\s\S]*welcome PI[\s\S]*\+42\.5 PI/);
    assert.ok(await page.getByRole('button', { name: 'Next' }).isDisabled());
    await page.getByRole('button', { name: 'Previous' }).click();
    await history.getByText('credit #10').waitFor();
    const pending = page.getByTestId(`payment-${paymentId}`);
    assert.match(await pending.innerText(), /1\.5 PI[\s\S]*Kitten Shop[\s\S]*A ball of yarn/);
    assert.ok(await noSideways(page), 'nothing scrolls sideways on a phone');
    await screenshot(page, 'wallet-phone-overview');

    // The pay password, typed and submitted with the keyboard only.
    assert.match(await page.getByTestId('pay-password-state').innerText(), /not set a pay password yet/);
    const current = page.getByLabel('Your account password');
    await tabTo(page, current);
    await page.keyboard.type(PASSWORD);
    await page.keyboard.press('Tab');
    await page.keyboard.type(PAY_PASSWORD);
    await page.keyboard.press('Tab'); // the hint is text, so the next stop is the repeat field
    await page.keyboard.type(PAY_PASSWORD);
    await page.keyboard.press('Enter');
    await page.getByRole('status').filter({ hasText: 'Your pay password is set.' }).waitFor();
    await page.getByRole('button', { name: 'Change pay password' }).waitFor();
    await screenshot(page, 'wallet-phone-pay-password');
    const policy = { ...identityDeps(server.services), maxFailures: 5, lockSeconds: 60 };
    assert.equal((await checkUserPayPassword(server.services.db, userId, PAY_PASSWORD, policy)).kind, 'ok');

    // Revoke, by keyboard: the button, then the dialog (Cancel has the focus; Tab to the confirm, Enter).
    const revoke = page.getByRole('button', { name: 'Revoke access of Kitten Shop' });
    await tabTo(page, revoke);
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: 'Revoke Kitten Shop?' });
    await dialog.waitFor();
    assert.equal(await focusedText(page), 'Cancel');
    await screenshot(page, 'wallet-phone-revoke-dialog');
    // Escape cancels and changes nothing.
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    assert.equal((await me()).status, 200);
    await revoke.focus();
    await page.keyboard.press('Enter');
    await dialog.waitFor();
    await page.keyboard.press('Tab');
    assert.equal(await focusedText(page), 'Revoke access');
    await page.keyboard.press('Enter');
    await page.getByRole('status').filter({ hasText: 'Access revoked. Kitten Shop can no longer act for you.' }).waitFor();
    await page.getByText('You have not granted any app access.').waitFor();
    await screenshot(page, 'wallet-phone-revoked');

    const refused = await me();
    assert.equal(refused.status, 401, `the app's token is refused after the revoke: ${refused.text}`);
    await page.setViewportSize({ width: 1280, height: 860 });
    await screenshot(page, 'wallet-desktop');
    await page.setViewportSize(PHONE.viewport);

    // The waiting payment's link opens the hosted approval page.
    await page.getByRole('link', { name: /Review and pay 1\.5 PI to Kitten Shop/ }).click();
    await page.getByRole('heading', { level: 1, name: 'Pay Kitten Shop' }).waitFor();
    assert.match(new URL(page.url()).search, new RegExp(`payment=${paymentId}`));
    await screenshot(page, 'wallet-phone-review-payment');
    assert.deepEqual(errors, []);
    await page.close();
  });

  it('an unknown /wallet/api path stays a JSON 404 beside the wallet app\'s client-side routes', async () => {
    const r = await http(server.baseUrl, 'GET', '/wallet/api/nothing/here');
    assert.equal(r.status, 404);
    assert.deepEqual(r.json, { error: 'not_found' });
    const app = await http(server.baseUrl, 'GET', '/wallet/anything');
    assert.equal(app.status, 200);
    assert.match(app.headers.get('content-type') ?? '', /^text\/html/);
  });
});
