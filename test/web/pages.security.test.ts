// Hosted pages, attacks: forms without (or with a wrong) CSRF token are refused with a 403 page and write nothing;
// `next` never leaves the origin; user input and app names are escaped; the account page needs a session. Both
// stores.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { getActiveGrant, upsertGrant } from '../../src/core/identity/grants.js';
import { STORES } from '../support/stores.js';
import { createAgent, extractCsrf } from './browser.js';
import { PASSWORD, startWeb, type WebCtx } from './support.js';

const OPEN_REDIRECTS = ['//evil.com', 'https://evil.com', '/\\evil.com', '\\\\evil.com', 'javascript:alert(1)', '/\r\nLocation: https://evil.com', ' //evil.com', '/\tevil'];

for (const store of STORES) {
  describe(`hosted pages, security [${store}]`, () => {
    let c: WebCtx;
    before(async () => {
      c = await startWeb(store);
      await c.signUp('judy');
    });
    after(() => c.close());
    beforeEach(() => c.freshWindow());

    it('CSRF: sign-up without a token, or with another browser\'s token, is a 403 page and creates nothing', async () => {
      const users = await c.count('end_users');
      const attacker = createAgent(c.server.baseUrl);
      const attackerToken = extractCsrf((await attacker.get('/signup')).text);
      const victim = createAgent(c.server.baseUrl);
      await victim.get('/signup');
      const fields = { username: 'mallory', email: 'mallory@example.com', password: PASSWORD };
      for (const r of [
        await victim.postForm('/signup', fields),
        await victim.postForm('/signup', { ...fields, csrf: attackerToken }),
        await victim.postForm('/signup', { ...fields, csrf: '' }),
        await createAgent(c.server.baseUrl).postForm('/signup', { ...fields, csrf: attackerToken }),
      ]) {
        assert.equal(r.status, 403);
        assert.match(r.text, /This form has expired/);
        assert.equal(r.headers.get('x-frame-options'), 'DENY');
      }
      assert.equal(await c.count('end_users'), users);
    });

    it('CSRF: sign-in, sign-out, resend, reset and revoke refuse a missing token and change nothing', async () => {
      const agent = await c.signUp('kim');
      const userId = await c.userId('kim');
      const app = await c.createApp('Token Bank');
      const grant = await c.server.services.db.transaction().execute((trx) => upsertGrant(trx, { appId: app.id, userId, kind: 'oidc', scopes: ['openid'] }, c.clock));
      const sessions = await c.count('user_sessions');
      const mails = await c.count('sandbox_mail');
      const tokens = await c.count('email_tokens');
      for (const [path, fields] of [
        ['/signin', { login: 'kim', password: PASSWORD }],
        ['/signout', {}],
        ['/verify-email/resend', {}],
        ['/reset-password', { email: 'kim@example.com' }],
        [`/account/grants/${grant.id}/revoke`, {}],
      ] as const) {
        const r = await agent.postForm(path, { ...fields, csrf: 'forged' });
        assert.equal(r.status, 403, path);
        assert.equal(r.setCookies.length, 0, path);
      }
      assert.equal(await c.count('user_sessions'), sessions);
      assert.equal(await c.count('sandbox_mail'), mails);
      assert.equal(await c.count('email_tokens'), tokens);
      assert.ok(await getActiveGrant(c.server.services.db, app.id, userId, 'oidc'));
      assert.equal((await agent.get('/account')).status, 200, 'still signed in');
    });

    for (const next of OPEN_REDIRECTS) {
      it(`next=${JSON.stringify(next)} falls back to /account`, async () => {
        const agent = createAgent(c.server.baseUrl);
        const form = await agent.get(`/signin?next=${encodeURIComponent(next)}`);
        assert.equal(form.status, 200);
        assert.doesNotMatch(form.text, /name="next"/, 'an unsafe next is not carried in the form');
        const r = await agent.postForm('/signin', { csrf: extractCsrf(form.text), login: 'judy', password: PASSWORD, next });
        assert.equal(r.status, 303);
        assert.equal(r.location, '/account');
        const again = await agent.get(`/signin?next=${encodeURIComponent(next)}`);
        assert.equal(again.location, '/account');
      });
    }

    it('the account page without a session redirects to sign in with next=/account', async () => {
      const r = await createAgent(c.server.baseUrl).get('/account');
      assert.equal(r.status, 303);
      assert.equal(r.location, '/signin?next=%2Faccount');
      const forged = createAgent(c.server.baseUrl);
      forged.setCookie('plaza_session', 'x'.repeat(43));
      assert.equal((await forged.get('/account')).status, 303);
    });

    it('escapes user input: a <script> username is shown as text, never as markup', async () => {
      const evil = '<script>alert(1)</script>';
      const r = await createAgent(c.server.baseUrl).submit('/signup', { username: evil, email: '"><img src=x onerror=alert(1)>@x.io', password: PASSWORD });
      assert.equal(r.status, 400);
      assert.doesNotMatch(r.text, /<script>alert/);
      assert.doesNotMatch(r.text, /<img/);
      assert.ok(r.text.includes('value="&lt;script&gt;alert(1)&lt;/script&gt;"'));
      assert.ok(r.text.includes('value="&quot;&gt;&lt;img src=x onerror=alert(1)&gt;@x.io"'));
      const signIn = await createAgent(c.server.baseUrl).submit('/signin', { login: evil, password: 'whatever' });
      assert.equal(signIn.status, 400);
      assert.doesNotMatch(signIn.text, /<script>alert/);
    });

    it('escapes app names on the account page', async () => {
      const agent = await c.signUp('leo');
      const app = await c.createApp('<script>alert("app")</script>');
      const userId = await c.userId('leo');
      await c.server.services.db.transaction().execute((trx) => upsertGrant(trx, { appId: app.id, userId, kind: 'pi', scopes: ['<b>username</b>'] }, c.clock));
      const r = await agent.get('/account');
      assert.equal(r.status, 200);
      assert.doesNotMatch(r.text, /<script>/);
      assert.doesNotMatch(r.text, /<b>username/);
      assert.ok(r.text.includes('&lt;script&gt;alert(&quot;app&quot;)&lt;/script&gt;'));
    });

    it('a form body that is not urlencoded, or is oversized, is refused cleanly (never a 500)', async () => {
      const agent = createAgent(c.server.baseUrl);
      await agent.get('/signin');
      const json = await agent.postForm('/signin', {}, { 'content-type': 'application/json' });
      assert.equal(json.status, 403);
      const big = await fetch(`${c.server.baseUrl}/signin`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `a=${'x'.repeat(100_000)}` });
      assert.equal(big.status, 403);
      const bin = await fetch(`${c.server.baseUrl}/signup`, { method: 'POST', body: new Uint8Array([0xff, 0xfe, 0x00, 0x25, 0x25]) });
      assert.equal(bin.status, 403);
    });

    it('an unknown path under the pages still answers the plain JSON 404', async () => {
      const r = await createAgent(c.server.baseUrl).get('/account/nothing');
      assert.equal(r.status, 404);
      assert.equal(r.text, '{"error":"not_found"}');
    });
  });
}
