// Hosted pages, the paths that work: sign up → verify by mail, sign in (username or email, with `next`), sign out,
// password reset end to end, the account page's grants and their revoke button, the stylesheet, page headers and
// cookie attributes. Both stores.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { getActiveGrant, upsertGrant } from '../../src/core/identity/grants.js';
import { getUser } from '../../src/core/identity/users.js';
import { STORES } from '../support/stores.js';
import { createAgent, extractCsrf } from './browser.js';
import { PASSWORD, startWeb, type WebCtx } from './support.js';

for (const store of STORES) {
  describe(`hosted pages, happy paths [${store}]`, () => {
    let c: WebCtx;
    before(async () => {
      c = await startWeb(store);
    });
    after(() => c.close());
    beforeEach(() => c.freshWindow());

    it('serves the sign-in page with labelled fields, the stylesheet and the security headers', async () => {
      const r = await createAgent(c.server.baseUrl).get('/signin');
      assert.equal(r.status, 200);
      assert.match(r.headers.get('content-type') ?? '', /^text\/html; charset=utf-8/);
      assert.equal(r.headers.get('x-frame-options'), 'DENY');
      assert.equal(r.headers.get('content-security-policy'), "frame-ancestors 'none'; default-src 'self'");
      assert.equal(r.headers.get('cache-control'), 'no-store');
      assert.match(r.text, /<label for="f-login">Username or email<\/label>/);
      assert.match(r.text, /<input id="f-login" name="login"/);
      assert.match(r.text, /<label for="f-password">Password<\/label>/);
      assert.doesNotMatch(r.text, /<script/i);
      const css = /<link rel="stylesheet" href="(\/assets\/plaza\.css\?v=[0-9a-f]+)">/.exec(r.text);
      assert.ok(css);
      const sheet = await createAgent(c.server.baseUrl).get(css[1]!);
      assert.equal(sheet.status, 200);
      assert.match(sheet.headers.get('content-type') ?? '', /^text\/css/);
      assert.match(sheet.text, /system-ui/);
      assert.match(sheet.text, /:focus-visible/);
      assert.ok(sheet.text.length < 8000, 'one small stylesheet');
    });

    it('sign up signs in, mails a verification link to the sandbox mailbox, and the link marks the email verified once', async () => {
      const agent = await c.signUp('alice');
      assert.ok(agent.cookie('plaza_session'));
      const account = await agent.get('/account');
      assert.equal(account.status, 200);
      assert.match(account.text, /alice@example\.com/);
      assert.match(account.text, /not confirmed/);

      const link = await c.mailedLink('alice@example.com', '/verify-email?token=');
      const verified = await agent.get(link);
      assert.equal(verified.status, 200, verified.text);
      assert.match(verified.text, /Email address confirmed/);
      assert.equal((await getUser(c.server.services.db, await c.userId('alice')))?.emailVerified, true);
      assert.match((await agent.get('/account')).text, /\(confirmed\)/);

      const again = await agent.get(link);
      assert.equal(again.status, 400);
      assert.match(again.text, /invalid, has expired or was already used/);
    });

    it('the account page can send the verification link again', async () => {
      const agent = await c.signUp('resender');
      const before = await c.count('sandbox_mail');
      const r = await agent.submit('/account', {}, '/verify-email/resend');
      assert.equal(r.status, 303);
      assert.equal(r.location, '/account?notice=verification_sent');
      assert.equal(await c.count('sandbox_mail'), before + 1);
      const link = await c.mailedLink('resender@example.com', '/verify-email?token=');
      assert.equal((await agent.get(link)).status, 200);
    });

    it('sign in with the username or the email lands on a same-origin next, else on /account', async () => {
      await c.signUp('bob');
      const a = createAgent(c.server.baseUrl);
      const r1 = await a.submit('/signin?next=%2Faccount%3Ftab%3D1', { login: 'BOB', password: PASSWORD, next: '/account?tab=1' });
      assert.equal(r1.status, 303, r1.text);
      assert.equal(r1.location, '/account?tab=1');
      assert.equal((await a.get('/account')).status, 200);

      const b = createAgent(c.server.baseUrl);
      const r2 = await b.submit('/signin', { login: 'bob@example.com', password: PASSWORD });
      assert.equal(r2.status, 303);
      assert.equal(r2.location, '/account');
      // Signed in already: /signin sends the user straight on.
      const again = await b.get('/signin?next=%2Faccount');
      assert.equal(again.status, 303);
      assert.equal(again.location, '/account');
    });

    it('the sign-in form keeps a same-origin next in a hidden field', async () => {
      const r = await createAgent(c.server.baseUrl).get('/signin?next=%2Foauth%2Fauthorize%3Fclient_id%3Dx%26scope%3Dopenid');
      assert.match(r.text, /<input type="hidden" name="next" value="\/oauth\/authorize\?client_id=x&amp;scope=openid">/);
    });

    it('sign out revokes the session: the old cookie no longer opens the account page', async () => {
      const agent = await c.signUp('carol');
      const token = agent.cookie('plaza_session')!;
      const out = await agent.submit('/account', {}, '/signout');
      assert.equal(out.status, 303);
      assert.equal(out.location, '/signin?notice=signed_out');
      assert.equal(agent.cookie('plaza_session'), undefined);
      assert.ok(out.setCookies.some((l) => /^plaza_session=;.*Max-Age=0/.test(l)));

      const replay = createAgent(c.server.baseUrl);
      replay.setCookie('plaza_session', token);
      const r = await replay.get('/account');
      assert.equal(r.status, 303);
      assert.equal(r.location, '/signin?next=%2Faccount');
      assert.match((await agent.get('/signin?notice=signed_out')).text, /You are signed out\./);
    });

    it('password reset end to end: link by mail, new password works, old one and old sessions do not', async () => {
      const agent = await c.signUp('dave');
      const asked = await createAgent(c.server.baseUrl).submit('/reset-password', { email: 'DAVE@example.com' });
      assert.equal(asked.status, 200);
      assert.match(asked.text, /Check your email/);

      const link = await c.mailedLink('dave@example.com', '/reset-password?token=');
      const resetter = createAgent(c.server.baseUrl);
      const form = await resetter.get(link);
      assert.equal(form.status, 200);
      assert.match(form.text, /Choose a new password/);
      const token = new URL(link, 'http://x').searchParams.get('token')!;
      const set = await resetter.postForm('/reset-password', { csrf: extractCsrf(form.text), token, password: 'brand new secret 2' });
      assert.equal(set.status, 303, set.text);
      assert.equal(set.location, '/signin?notice=password_reset');

      assert.equal((await agent.get('/account')).status, 303, 'the session from before the reset is revoked');
      const old = await createAgent(c.server.baseUrl).submit('/signin', { login: 'dave', password: PASSWORD });
      assert.equal(old.status, 400);
      const fresh = await createAgent(c.server.baseUrl).submit('/signin', { login: 'dave', password: 'brand new secret 2' });
      assert.equal(fresh.status, 303);

      const reused = await resetter.postForm('/reset-password', { csrf: extractCsrf(form.text), token, password: 'another secret 3' });
      assert.equal(reused.status, 400);
      assert.match(reused.text, /invalid, has expired or was already used/);
    });

    it('a reset request for an unknown address answers the same and sends nothing', async () => {
      const before = await c.count('sandbox_mail');
      const r = await createAgent(c.server.baseUrl).submit('/reset-password', { email: 'nobody@example.com' });
      assert.equal(r.status, 200);
      assert.match(r.text, /If an account uses nobody@example\.com/);
      assert.equal(await c.count('sandbox_mail'), before);
    });

    it('the account page lists granted apps and revokes one with its button', async () => {
      const agent = await c.signUp('erin');
      const userId = await c.userId('erin');
      const shop = await c.createApp('Corner Shop');
      const db = c.server.services.db;
      const grant = await db.transaction().execute((trx) =>
        upsertGrant(trx, { appId: shop.id, userId, kind: 'oidc', scopes: ['openid', 'email'], spendingLimitMinor: 500n }, c.clock),
      );
      const page = await agent.get('/account');
      assert.match(page.text, /Corner Shop/);
      assert.match(page.text, /openid, email/);
      assert.match(page.text, new RegExp(`action="/account/grants/${grant.id}/revoke"`));

      const r = await agent.postForm(`/account/grants/${grant.id}/revoke`, { csrf: extractCsrf(page.text) });
      assert.equal(r.status, 303);
      assert.equal(r.location, '/account?notice=revoked');
      assert.equal(await getActiveGrant(db, shop.id, userId, 'oidc'), null);
      const after = await agent.get('/account?notice=revoked');
      assert.doesNotMatch(after.text, /Corner Shop/);
      assert.match(after.text, /Access revoked/);
    });

    it('cookies are HttpOnly, SameSite=Lax, Path=/ and not Secure on an http public URL', async () => {
      const a = createAgent(c.server.baseUrl);
      const form = await a.get('/signin');
      const csrfLine = form.setCookies.find((l) => l.startsWith('plaza_csrf='));
      assert.ok(csrfLine);
      await c.signUp('frank');
      const r = await a.postForm('/signin', { csrf: extractCsrf(form.text), login: 'frank', password: PASSWORD });
      const line = r.setCookies.find((l) => l.startsWith('plaza_session='));
      assert.ok(line, r.setCookies.join('\n'));
      for (const l of [csrfLine, line]) {
        assert.match(l, /; HttpOnly/);
        assert.match(l, /; SameSite=Lax/);
        assert.match(l, /; Path=\//);
        assert.doesNotMatch(l, /Secure/);
      }
      assert.match(line, /; Max-Age=1209600/);
    });
  });

  describe(`hosted pages behind an https public URL, sandbox off [${store}]`, () => {
    let c: WebCtx;
    before(async () => {
      c = await startWeb(store, { publicUrl: 'https://plaza.example', sandbox: false });
    });
    after(() => c.close());

    it('marks cookies Secure and has no development mailbox', async () => {
      const r = await createAgent(c.server.baseUrl).get('/signup');
      const line = r.setCookies.find((l) => l.startsWith('plaza_csrf='));
      assert.match(line ?? '', /; HttpOnly; SameSite=Lax; Secure$/);
      const mail = await createAgent(c.server.baseUrl).get('/_sandbox/mail');
      assert.equal(mail.status, 404);
      assert.equal(mail.text, '{"error":"not_found"}');
    });
  });
}
