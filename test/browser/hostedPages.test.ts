// Every hosted page in a real Chromium, walked as a person would: sign up, read the verification mail in the
// development mailbox, follow the link, see the account page (with a granted app to revoke), sign out, request a
// password reset, set a new password from the mailed link, sign in with it. Each page is screenshotted into
// test-output/screenshots/pages-*.png (the flow itself is store-independent; SQLite keeps it quick).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { collectPageErrors, launchBrowser, newPage, screenshot, type Browser, type Page } from '../support/browser.js';
import { startIdentityServer, type IdentityCtx } from '../support/identityFixtures.js';

describe('browser: the hosted pages, one after another', () => {
  let browser: Browser;
  let ctx: IdentityCtx;
  before(async () => {
    browser = await launchBrowser();
    ctx = await startIdentityServer('sqlite', { dialects: [] });
  });
  after(async () => {
    await browser?.close();
    await ctx?.close();
  });

  /** The first link in the newest mail to `to` that contains `path`, read from the development mailbox page. */
  async function mailedLink(page: Page, to: string, path: string): Promise<string> {
    await page.goto(`${ctx.server.baseUrl}/_sandbox/mail?to=${encodeURIComponent(to)}`);
    const text = await page.locator('main').innerText();
    const match = new RegExp(`https?://\\S*${path.replace('/', '\\/')}\\S*`).exec(text);
    assert.ok(match, `a ${path} link in the mailbox:\n${text}`);
    return match[0].replace(/^https?:\/\/[^/]+/, ctx.server.baseUrl);
  }

  it('sign up → verify → account (revoke) → sign out → reset → sign in', async () => {
    const page = await newPage(browser);
    const errors = collectPageErrors(page);
    const base = ctx.server.baseUrl;

    await page.goto(`${base}/signup`);
    assert.equal(await page.locator('h1').textContent(), 'Create your account');
    await screenshot(page, 'pages-signup');
    await page.getByLabel('Username').fill('petra');
    await page.getByLabel('Email').fill('petra@example.test');
    await page.getByLabel('Password').fill('correct horse battery');
    await page.getByRole('button', { name: 'Create account' }).click();
    assert.match(await page.locator('h1').textContent() ?? '', /Your account/);

    const verifyLink = await mailedLink(page, 'petra@example.test', '/verify-email');
    await screenshot(page, 'pages-mailbox');
    await page.goto(verifyLink);
    await screenshot(page, 'pages-verify-email');
    assert.match(await page.locator('main').innerText(), /verified|confirmed/i);

    // A granted app appears on the account page with a revoke button that works.
    const user = (await ctx.server.services.db.selectFrom('end_users').select('id').where('username', '=', 'petra').executeTakeFirstOrThrow()).id;
    const { app } = await ctx.createApp('Moonlit Tales');
    await ctx.grant(app.id, Number(user), 'oidc', ['openid', 'profile']);
    await page.goto(`${base}/account`);
    assert.match(await page.locator('main').innerText(), /Moonlit Tales/);
    await screenshot(page, 'pages-account');
    await page.getByRole('button', { name: /revoke/i }).first().click();
    assert.doesNotMatch(await page.locator('main').innerText(), /Moonlit Tales[\s\S]*Revoke/);

    await page.getByRole('button', { name: /sign out/i }).first().click();
    await page.goto(`${base}/signin`);
    await screenshot(page, 'pages-signin');

    await page.goto(`${base}/reset-password`);
    assert.equal(await page.locator('h1').textContent(), 'Reset your password');
    await screenshot(page, 'pages-reset-request');
    await page.getByLabel('Email').fill('petra@example.test');
    await page.getByRole('button', { name: 'Send the link' }).click();
    const resetLink = await mailedLink(page, 'petra@example.test', '/reset-password');
    await page.goto(resetLink);
    assert.equal(await page.locator('h1').textContent(), 'Choose a new password');
    await screenshot(page, 'pages-reset-choose');
    await page.getByLabel(/new password/i).first().fill('a brand new secret');
    await page.getByRole('button', { name: 'Set the new password' }).click();

    await page.goto(`${base}/signin`);
    await page.getByLabel(/username or email/i).fill('petra');
    await page.getByLabel('Password').fill('a brand new secret');
    await page.getByRole('button', { name: /sign in/i }).click();
    assert.match(await page.locator('h1').textContent() ?? '', /Your account/);
    await page.close();
    assert.deepEqual(errors, []);
  });
});
