// POST /account/pay-password, refusals: a wrong account password, a confirmation that differs, a pay password too
// short or equal to the account password — each a 400 re-render with the error next to its field, nothing written —
// and the rate limit (429 with Retry-After). Both stores.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { getPayPasswordState } from '../../src/core/identity/payPasswords.js';
import { STORES } from '../support/stores.js';
import type { Agent } from './browser.js';
import { PAY_PASSWORD_LIMITS } from '../../src/web/account.js';
import { PASSWORD, startWeb, type WebCtx } from './support.js';

for (const store of STORES) {
  describe(`account page, pay password, refusals [${store}]`, () => {
    let c: WebCtx;
    let agent: Agent;
    before(async () => {
      c = await startWeb(store);
      agent = await c.signUp('ivan');
    });
    after(() => c.close());
    beforeEach(() => c.freshWindow());

    const post = (fields: Record<string, string>) => agent.submit('/account', fields, '/account/pay-password');
    const isSet = async () => (await getPayPasswordState(c.server.services.db, await c.userId('ivan'), c.clock))?.set;

    it('a wrong account password is a field error on that field, and nothing is set', async () => {
      const r = await post({ current_password: 'not my password', pay_password: 'pay secret 1', pay_password_confirm: 'pay secret 1' });
      assert.equal(r.status, 400);
      assert.match(r.text, /<p class="error" id="f-current_password-error">That is not your account password\.<\/p>/);
      assert.match(r.text, /id="f-current_password" name="current_password" type="password" autocomplete="current-password" required aria-invalid="true"/);
      assert.doesNotMatch(r.text, /pay secret 1|not my password/, 'no password is echoed');
      assert.equal(await isSet(), false);
    });

    it('a confirmation that differs is a field error on the confirmation, and nothing is set', async () => {
      const r = await post({ current_password: PASSWORD, pay_password: 'pay secret 1', pay_password_confirm: 'pay secret 2' });
      assert.equal(r.status, 400);
      assert.match(r.text, /<p class="error" id="f-pay_password_confirm-error">The two pay passwords differ\./);
      assert.equal(await isSet(), false);
    });

    it('too short, too long, missing fields, or the account password itself: field errors', async () => {
      const cases: Array<[Record<string, string>, string, RegExp]> = [
        [{ current_password: PASSWORD, pay_password: '12345', pay_password_confirm: '12345' }, 'pay_password', /Use at least 6 characters\./],
        [{ current_password: PASSWORD, pay_password: 'x'.repeat(129), pay_password_confirm: 'x'.repeat(129) }, 'pay_password', /Use at most 128 characters\./],
        [{ current_password: '', pay_password: 'pay secret 1', pay_password_confirm: 'pay secret 1' }, 'current_password', /Enter your account password\./],
        [{ current_password: PASSWORD, pay_password: PASSWORD, pay_password_confirm: PASSWORD }, 'pay_password', /different from your account password\./],
      ];
      for (const [fields, name, message] of cases) {
        c.freshWindow();
        const r = await post(fields);
        assert.equal(r.status, 400, `${name}: ${r.text.slice(0, 200)}`);
        const error = new RegExp(`<p class="error" id="f-${name}-error">([^<]*)</p>`).exec(r.text);
        assert.ok(error, `no error next to ${name}`);
        assert.match(error[1]!, message);
      }
      assert.equal(await isSet(), false);
    });

    it(`more than ${PAY_PASSWORD_LIMITS.perUserPerMinute} attempts a minute: 429 with Retry-After, before any password check`, async () => {
      const fields = { current_password: 'guess', pay_password: 'pay secret 1', pay_password_confirm: 'pay secret 1' };
      for (let i = 0; i < PAY_PASSWORD_LIMITS.perUserPerMinute; i++) assert.equal((await post(fields)).status, 400);
      const r = await post({ ...fields, current_password: PASSWORD });
      assert.equal(r.status, 429);
      assert.ok(Number(r.headers.get('retry-after')) > 0);
      assert.match(r.text, /role="alert">Too many attempts\. Wait/);
      assert.equal(await isSet(), false, 'even the right password is not checked while limited');
      c.freshWindow();
      assert.equal((await post({ ...fields, current_password: PASSWORD })).status, 303);
      assert.equal(await isSet(), true);
    });
  });
}
