// Hosted pages, refusals: wrong password and unknown user (one generic message), a disabled user, field errors
// next to their fields, taken usernames, the sign-in rate limit (429 page), bad verification and reset links. Each
// is a clear HTML answer, never a 500, and writes nothing. Both stores.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { setUserDisabled } from '../../src/core/identity/users.js';
import { SIGN_IN_LIMITS } from '../../src/web/signIn.js';
import { STORES } from '../support/stores.js';
import { createAgent, extractCsrf } from './browser.js';
import { PASSWORD, startWeb, type WebCtx } from './support.js';

const GENERIC = 'That username or email and password do not match an account.';

for (const store of STORES) {
  describe(`hosted pages, refusals [${store}]`, () => {
    let c: WebCtx;
    before(async () => {
      c = await startWeb(store);
      await c.signUp('grace');
    });
    after(() => c.close());
    beforeEach(() => c.freshWindow());

    it('a wrong password and an unknown user get the same generic message and no session', async () => {
      const sessions = await c.count('user_sessions');
      const wrong = await createAgent(c.server.baseUrl).submit('/signin', { login: 'grace', password: 'not the password' });
      const unknown = await createAgent(c.server.baseUrl).submit('/signin', { login: 'nobody', password: 'not the password' });
      for (const r of [wrong, unknown]) {
        assert.equal(r.status, 400);
        assert.ok(r.text.includes(GENERIC), r.text);
        assert.match(r.text, /role="alert"/);
        assert.ok(!r.setCookies.some((l) => l.startsWith('plaza_session=')));
      }
      assert.match(wrong.text, /name="login" type="text" value="grace"/, 'the login is kept, the password is not');
      assert.equal(await c.count('user_sessions'), sessions);
    });

    it('a disabled user is told so (after a correct password) and gets no session', async () => {
      const agent = await c.signUp('heidi');
      const db = c.server.services.db;
      const heidi = await c.userId('heidi');
      await db.transaction().execute((trx) => setUserDisabled(trx, heidi, true, c.clock));
      assert.equal((await agent.get('/account')).status, 303, 'disabling ended the open session');
      const r = await createAgent(c.server.baseUrl).submit('/signin', { login: 'heidi', password: PASSWORD });
      assert.equal(r.status, 403);
      assert.match(r.text, /This account has been disabled/);
      const wrong = await createAgent(c.server.baseUrl).submit('/signin', { login: 'heidi', password: 'guessing' });
      assert.equal(wrong.status, 400, 'without the password the account state is not revealed');
      assert.ok(wrong.text.includes(GENERIC));
    });

    it('sign-up field errors sit next to their fields and nothing is written', async () => {
      const users = await c.count('end_users');
      const r = await createAgent(c.server.baseUrl).submit('/signup', { username: 'x', email: 'not-an-email', password: 'short' });
      assert.equal(r.status, 400);
      for (const f of ['username', 'email', 'password']) {
        assert.match(r.text, new RegExp(`id="f-${f}"[^>]*aria-invalid="true"[^>]*aria-describedby="[^"]*f-${f}-error"`));
        assert.match(r.text, new RegExp(`<p class="error" id="f-${f}-error">`));
      }
      assert.equal(await c.count('end_users'), users);
    });

    it('a taken username or email is refused with 409 and writes nothing', async () => {
      const users = await c.count('end_users');
      const mails = await c.count('sandbox_mail');
      const name = await createAgent(c.server.baseUrl).submit('/signup', { username: 'GRACE', email: 'other@example.com', password: PASSWORD });
      assert.equal(name.status, 409);
      assert.match(name.text, /That username is taken/);
      const email = await createAgent(c.server.baseUrl).submit('/signup', { username: 'grace2', email: 'Grace@Example.com', password: PASSWORD });
      assert.equal(email.status, 409);
      assert.match(email.text, /An account already uses this email/);
      assert.equal(await c.count('end_users'), users);
      assert.equal(await c.count('sandbox_mail'), mails);
    });

    it('empty sign-in fields are named, not checked', async () => {
      const r = await createAgent(c.server.baseUrl).submit('/signin', { login: '', password: '' });
      assert.equal(r.status, 400);
      assert.match(r.text, /Enter your username or email\./);
      assert.match(r.text, /Enter your password\./);
    });

    it('brute force: more sign-ins for one login than the limit get a 429 page, even with the right password', async () => {
      const agent = createAgent(c.server.baseUrl);
      const form = await agent.get('/signin');
      const csrf = extractCsrf(form.text);
      for (let i = 0; i < SIGN_IN_LIMITS.perLoginPerMinute; i++) {
        const r = await agent.postForm('/signin', { csrf, login: 'grace', password: `guess-${i}` });
        assert.equal(r.status, 400);
      }
      const limited = await agent.postForm('/signin', { csrf, login: 'grace', password: PASSWORD });
      assert.equal(limited.status, 429);
      assert.match(limited.text, /Too many sign-in attempts\. Wait \d+ seconds? and try again\./);
      assert.match(limited.headers.get('retry-after') ?? '', /^[1-9][0-9]*$/);
      assert.equal(limited.headers.get('content-security-policy'), "frame-ancestors 'none'; default-src 'self'");
      assert.ok(!limited.setCookies.some((l) => l.startsWith('plaza_session=')));
      c.freshWindow();
      const later = await agent.postForm('/signin', { csrf, login: 'grace', password: PASSWORD });
      assert.equal(later.status, 303);
    });

    it('brute force across logins: the per-address limit applies too', async () => {
      const agent = createAgent(c.server.baseUrl);
      const csrf = extractCsrf((await agent.get('/signin')).text);
      let status = 0;
      for (let i = 0; i <= SIGN_IN_LIMITS.perIpPerMinute; i++) {
        status = (await agent.postForm('/signin', { csrf, login: `spray${i}`, password: 'x' })).status;
      }
      assert.equal(status, 429);
    });

    it('an unknown or malformed verification link is a 400 page', async () => {
      for (const path of ['/verify-email', '/verify-email?token=nope', `/verify-email?token=${'a'.repeat(5000)}`]) {
        const r = await createAgent(c.server.baseUrl).get(path);
        assert.equal(r.status, 400, path);
        assert.match(r.text, /This link does not work/);
      }
    });

    it('a reset with an unknown token or a weak password changes nothing', async () => {
      const agent = createAgent(c.server.baseUrl);
      const form = await agent.get('/reset-password?token=forged');
      const weak = await agent.postForm('/reset-password', { csrf: extractCsrf(form.text), token: 'forged', password: 'short' });
      assert.equal(weak.status, 400);
      assert.match(weak.text, /<p class="error" id="f-password-error">Use at least 8 characters\.<\/p>/);
      const forged = await agent.postForm('/reset-password', { csrf: extractCsrf(form.text), token: 'forged', password: 'long enough pw' });
      assert.equal(forged.status, 400);
      assert.match(forged.text, /invalid, has expired or was already used/);
      const still = await createAgent(c.server.baseUrl).submit('/signin', { login: 'grace', password: PASSWORD });
      assert.equal(still.status, 303);
    });

    it('a reset request with a bad address is a field error; too many requests are a 429', async () => {
      const bad = await createAgent(c.server.baseUrl).submit('/reset-password', { email: 'nope' });
      assert.equal(bad.status, 400);
      assert.match(bad.text, /id="f-email-error"/);
      let last = 0;
      for (let i = 0; i < 6; i++) last = (await createAgent(c.server.baseUrl).submit('/reset-password', { email: 'grace@example.com' })).status;
      assert.equal(last, 429);
    });

    it('revoking a grant that is not yours (or not there) is a 404 page', async () => {
      const agent = await c.signUp('ivan');
      const page = await agent.get('/account');
      for (const id of ['999999', 'abc']) {
        const r = await agent.postForm(`/account/grants/${id}/revoke`, { csrf: extractCsrf(page.text) });
        assert.equal(r.status, 404);
        assert.match(r.text, /Nothing to revoke/);
      }
    });
  });
}
