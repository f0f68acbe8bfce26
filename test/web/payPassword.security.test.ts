// POST /account/pay-password, attacks: without (or with another browser's) CSRF token it is a 403 page that writes
// nothing; without a session it sends to sign-in. Both stores.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { getPayPasswordState } from '../../src/core/identity/payPasswords.js';
import { STORES } from '../support/stores.js';
import { createAgent, extractCsrf } from './browser.js';
import { PASSWORD, startWeb, type WebCtx } from './support.js';

for (const store of STORES) {
  describe(`account page, pay password, security [${store}]`, () => {
    let c: WebCtx;
    before(async () => {
      c = await startWeb(store);
    });
    after(() => c.close());
    beforeEach(() => c.freshWindow());

    const fields = { current_password: PASSWORD, pay_password: 'pay secret 1', pay_password_confirm: 'pay secret 1' };

    it('CSRF: without a token, with an empty one or another browser\'s, a 403 page and nothing is set', async () => {
      const victim = await c.signUp('victim');
      const attacker = await c.signUp('attacker');
      const attackerToken = extractCsrf((await attacker.get('/account')).text);
      for (const r of [
        await victim.postForm('/account/pay-password', fields),
        await victim.postForm('/account/pay-password', { ...fields, csrf: '' }),
        await victim.postForm('/account/pay-password', { ...fields, csrf: attackerToken }),
      ]) {
        assert.equal(r.status, 403);
        assert.match(r.text, /This form has expired/);
        assert.equal(r.headers.get('x-frame-options'), 'DENY');
      }
      assert.equal((await getPayPasswordState(c.server.services.db, await c.userId('victim'), c.clock))?.set, false);
    });

    it('without a session (a valid CSRF token) it redirects to sign-in and sets nothing', async () => {
      const anon = createAgent(c.server.baseUrl);
      const csrf = extractCsrf((await anon.get('/signin')).text);
      const r = await anon.postForm('/account/pay-password', { ...fields, csrf });
      assert.equal(r.status, 303);
      assert.equal(r.location, '/signin?next=%2Faccount');
    });
  });
}
