// Kamiya's hosted login page in a real Chromium (spec/kamiya.md §2.2, §3.6, §3.12): an app sends the browser to
// /openIDAppLogin.html, the visitor signs up, confirms, and is sent back to the app's backend with `token` and
// `state`; the backend verifies the token server-side with its secret and shows who signed in. Each hosted page is
// screenshotted into test-output/screenshots/kamiya-<store>-*.png.
//
// The browser part (real form posts, cookies, redirects, rendering) does not depend on the store; it runs on each
// store in STORES because it costs about a second.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { kamiyaDialect } from '../../src/dialects/kamiya/plugin.js';
import { collectPageErrors, launchBrowser, newPage, screenshot, type Browser } from '../support/browser.js';
import { startIdentityServer, type IdentityCtx, type TestApp } from '../support/identityFixtures.js';
import { http, type HttpResult } from '../support/server.js';
import { STORES } from '../support/stores.js';
import { esc, sendHtml, startAppBackend, type AppBackend } from './appBackend.js';

const CALLBACK_PATH = '/kamiya/callback';

for (const kind of STORES) {
describe(`browser: Kamiya sign-up → confirm → token → app backend verifies (${kind})`, () => {
  let browser: Browser;
  let ctx: IdentityCtx;
  let backend: AppBackend;
  let app: TestApp;
  /** The tokens the backend received, in order, to prove single use afterwards. */
  const received: string[] = [];

  const verify = (token: string): Promise<HttpResult> =>
    http(ctx.server.baseUrl, 'POST', '/api/session/verifyOpenIDToken', { body: { appId: app.appkey, secret: app.secret, token } });

  before(async () => {
    browser = await launchBrowser();
    ctx = await startIdentityServer(kind, { dialects: [kamiyaDialect] });
    // The app's backend: its callback redeems the token with the app's secret (never seen by the browser).
    backend = await startAppBackend({
      [CALLBACK_PATH]: async (url, _req, res) => {
        const token = url.searchParams.get('token') ?? '';
        received.push(token);
        const verified = await verify(token);
        if (verified.status !== 200) return sendHtml(res, 502, 'Not signed in', `<h1>Not signed in</h1><pre id="error">${esc(verified.text)}</pre>`);
        const { id, email, role } = verified.json.data as { id: number; email: string; role: string };
        sendHtml(
          res,
          200,
          'Signed in',
          `<h1>Welcome back</h1><dl><dt>id</dt><dd id="id">${id}</dd><dt>email</dt><dd id="email">${esc(email)}</dd>` +
            `<dt>role</dt><dd id="role">${esc(role)}</dd><dt>state</dt><dd id="state">${esc(url.searchParams.get('state') ?? '')}</dd></dl>`,
        );
      },
    });
    app = await ctx.createApp('Moonlit Tales', { redirectUris: [`${backend.baseUrl}${CALLBACK_PATH}`] });
  });
  after(async () => {
    await browser?.close();
    await backend?.close();
    await ctx?.close();
  });

  it('walks sign-in → sign-up → confirm in Chromium and lands on the app signed in; the token then is spent', async () => {
    const page = await newPage(browser);
    const errors = collectPageErrors(page);

    const start = `${ctx.server.baseUrl}/openIDAppLogin.html?${new URLSearchParams({ appId: app.appkey, state: 's1' })}`;
    await page.goto(start);
    await page.waitForURL((u) => u.pathname === '/signin');
    assert.equal(await page.locator('h1').textContent(), 'Sign in');
    await screenshot(page, `kamiya-${kind}-signin`);

    await page.getByRole('link', { name: 'Create an account' }).click();
    await page.waitForURL((u) => u.pathname === '/signup');
    await page.getByLabel('Username').fill('kim');
    await page.getByLabel('Email', { exact: true }).fill('kim@example.com');
    await page.getByLabel('Password').fill('correct horse battery');
    await screenshot(page, `kamiya-${kind}-signup`);
    await page.getByRole('button', { name: 'Create account' }).click();

    // Signed up, the browser is back on the login page: the confirmation screen names the app and its developer.
    await page.waitForURL((u) => u.pathname === '/openIDAppLogin.html');
    assert.equal(await page.locator('h1').textContent(), 'Moonlit Tales wants:');
    const text = await page.locator('body').innerText();
    assert.match(text, /made by appmaker/);
    assert.match(text, /Signed in as kim \(kim@example\.com\)/);
    await screenshot(page, `kamiya-${kind}-confirm`);

    await page.getByRole('button', { name: 'Confirm' }).click();
    await page.waitForURL((u) => u.pathname === CALLBACK_PATH);
    const user = await ctx.server.services.db.selectFrom('end_users').select(['uid', 'email', 'role']).where('username', '=', 'kim').executeTakeFirstOrThrow();
    assert.equal(await page.locator('h1').textContent(), 'Welcome back', await page.locator('body').innerText());
    assert.equal(await page.locator('#id').textContent(), String(user.uid));
    assert.equal(await page.locator('#email').textContent(), 'kim@example.com');
    assert.equal(await page.locator('#role').textContent(), user.role);
    assert.equal(await page.locator('#state').textContent(), 's1');
    await page.close();

    assert.equal(received.length, 1);
    assert.match(received[0]!, /^[0-9A-Z]{5}-[0-9A-Z]{5}$/);
    const again = await verify(received[0]!);
    assert.equal(again.status, 404, 'a login token verifies once');
    assert.deepEqual(errors, []);
  });
});
}
