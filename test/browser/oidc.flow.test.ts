// The OpenID Connect provider in a real Chromium: a relying party (a node:http backend using openid-client's v6 API)
// sends the browser to Plaza with PKCE S256 and state; the visitor goes from the hosted sign-in to sign-up, consents,
// and returns to the RP, whose callback redeems the code server-side and shows the userinfo. The refresh token then
// works server-side. Each hosted page is screenshotted into test-output/screenshots/oidc-<store>-*.png.
//
// The browser part does not depend on the store; it runs on each store in STORES because it costs a second or two.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as client from 'openid-client';
import { setAppRedirectUris } from '../../src/core/identity/appAccess.js';
import { collectPageErrors, launchBrowser, newPage, screenshot, type Browser } from '../support/browser.js';
import { STORES } from '../support/stores.js';
import { discover, startOidcWorld, type OidcWorld } from '../oidc/support.js';
import { esc, redirect, sendHtml, startAppBackend, type AppBackend } from './appBackend.js';

const SCOPE = 'openid profile email offline_access';

interface RelyingParty {
  backend: AppBackend;
  config: client.Configuration;
  /** What the last callback received from the token endpoint. */
  lastTokens: (client.TokenEndpointResponse & client.TokenEndpointResponseHelpers) | null;
}

/** The RP: /login redirects to Plaza (PKCE S256, state, nonce kept server-side by state); /callback redeems the code. */
async function startRelyingParty(world: OidcWorld): Promise<RelyingParty> {
  const pending = new Map<string, { pkceCodeVerifier: string; expectedNonce: string }>();
  const rp: RelyingParty = { backend: undefined!, config: undefined!, lastTokens: null };
  rp.backend = await startAppBackend({
    '/login': async (_url, _req, res) => {
      const pkceCodeVerifier = client.randomPKCECodeVerifier();
      const state = client.randomState();
      const expectedNonce = client.randomNonce();
      pending.set(state, { pkceCodeVerifier, expectedNonce });
      const to = client.buildAuthorizationUrl(rp.config, {
        redirect_uri: `${rp.backend.baseUrl}/callback`,
        scope: SCOPE,
        // oidc-provider issues a refresh token for offline_access only when consent is asked for explicitly.
        prompt: 'consent',
        code_challenge: await client.calculatePKCECodeChallenge(pkceCodeVerifier),
        code_challenge_method: 'S256',
        state,
        nonce: expectedNonce,
      });
      redirect(res, to.href);
    },
    '/callback': async (url, _req, res) => {
      const state = url.searchParams.get('state') ?? '';
      const checks = pending.get(state);
      if (!checks) return sendHtml(res, 400, 'Unknown state', '<h1>Unknown state</h1>');
      pending.delete(state);
      const current = new URL(url.pathname + url.search, rp.backend.baseUrl);
      const tokens = await client.authorizationCodeGrant(rp.config, current, { ...checks, expectedState: state });
      rp.lastTokens = tokens;
      const sub = tokens.claims()!.sub;
      const info = await client.fetchUserInfo(rp.config, tokens.access_token, sub);
      sendHtml(
        res,
        200,
        'Signed in',
        `<h1>Signed in with Plaza</h1><dl><dt>sub</dt><dd id="sub">${esc(info.sub)}</dd>` +
          `<dt>preferred_username</dt><dd id="preferred_username">${esc(String(info.preferred_username))}</dd>` +
          `<dt>email</dt><dd id="email">${esc(String(info.email))}</dd></dl>`,
      );
    },
  });
  await world.services.db.transaction().execute((trx) => setAppRedirectUris(trx, world.app.id, [`${rp.backend.baseUrl}/callback`], world.services.clock));
  rp.config = await discover(world, world.app.appkey, client.ClientSecretBasic(world.app.secret));
  return rp;
}

describe('browser: OIDC sign-up → consent → code → relying party', () => {
  let browser: Browser;
  before(async () => {
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
  });

  for (const kind of STORES) {
    describe(kind, () => {
      let world: OidcWorld;
      let rp: RelyingParty;
      before(async () => {
        // The issuer is the URL the browser and the RP really use (support.ts reserves the port first).
        world = await startOidcWorld(kind);
        rp = await startRelyingParty(world);
      });
      after(async () => {
        await rp?.backend.close();
        await world?.close();
      });

      it('walks RP /login → sign-in → sign-up → consent in Chromium; the RP shows the userinfo; refresh works', async () => {
        const page = await newPage(browser);
        const errors = collectPageErrors(page);
        const shot = (name: string) => screenshot(page, `oidc-${kind}-${name}`);

        await page.goto(`${rp.backend.baseUrl}/login`);
        await page.waitForURL((u) => u.origin === world.baseUrl && u.pathname === '/signin');
        assert.equal(await page.locator('h1').textContent(), 'Sign in');
        await shot('signin');

        await page.getByRole('link', { name: 'Create an account' }).click();
        await page.waitForURL((u) => u.pathname === '/signup');
        await page.getByLabel('Username').fill('olga');
        await page.getByLabel('Email', { exact: true }).fill('olga@example.test');
        await page.getByLabel('Password').fill('correct horse battery');
        await shot('signup');
        await page.getByRole('button', { name: 'Create account' }).click();

        await page.waitForURL((u) => u.pathname.startsWith('/oidc/interaction/'));
        assert.equal(await page.locator('h1').textContent(), 'Acme Notes wants:');
        const consent = await page.locator('ul.scopes').innerText();
        for (const line of ['your Plaza user id', 'your username', 'your email address', 'keep access while you are away']) assert.match(consent, new RegExp(line));
        // The card names the account that consents (a person with two accounts must see which one).
        assert.match(await page.locator('main').innerText(), /Signed in as olga/);
        await shot('consent');

        await page.getByRole('button', { name: 'Confirm' }).click();
        await page.waitForURL((u) => u.origin === rp.backend.baseUrl && u.pathname === '/callback');
        const body = await page.locator('body').innerText();
        assert.equal(await page.locator('h1').textContent(), 'Signed in with Plaza', body);
        const user = await world.services.db.selectFrom('end_users').select('uid').where('username', '=', 'olga').executeTakeFirstOrThrow();
        assert.equal(await page.locator('#sub').textContent(), String(user.uid));
        assert.equal(await page.locator('#preferred_username').textContent(), 'olga');
        assert.equal(await page.locator('#email').textContent(), 'olga@example.test');
        await page.close();
        assert.deepEqual(errors, []);

        // Server-side, as the RP would later: the refresh token yields a new access token that userinfo accepts.
        const first = rp.lastTokens;
        assert.ok(first?.refresh_token, 'offline_access with consent yields a refresh token');
        const refreshed = await client.refreshTokenGrant(rp.config, first.refresh_token);
        assert.notEqual(refreshed.access_token, first.access_token);
        const info = await client.fetchUserInfo(rp.config, refreshed.access_token, String(user.uid));
        assert.equal(info.preferred_username, 'olga');
      });
    });
  }
});
