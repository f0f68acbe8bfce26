// POST /account/pay-password, the paths that work: a global user sets a pay password from the account page (it then
// verifies in core), changes it (the old one stops working), and setting one lifts a lock-out. Both stores.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { checkUserPayPassword } from '../../src/core/identity/payPasswords.js';
import { STORES } from '../support/stores.js';
import type { Agent } from './browser.js';
import { PASSWORD, startWeb, type WebCtx } from './support.js';

for (const store of STORES) {
  describe(`account page, pay password, happy paths [${store}]`, () => {
    let c: WebCtx;
    before(async () => {
      c = await startWeb(store);
    });
    after(() => c.close());
    beforeEach(() => c.freshWindow());

    const policy = { maxFailures: 3, lockSeconds: 60 };
    const check = async (username: string, pw: string) => (await checkUserPayPassword(c.server.services.db, await c.userId(username), pw, { ...c.deps, ...policy })).kind;
    const setPay = (agent: Agent, pw: string) => agent.submit('/account', { current_password: PASSWORD, pay_password: pw, pay_password_confirm: pw }, '/account/pay-password');

    it('the account page offers to set one; setting it redirects with a banner and it verifies', async () => {
      const agent = await c.signUp('payer');
      const page = await agent.get('/account');
      assert.equal(page.status, 200);
      assert.match(page.text, /<h2 id="pay-password">Pay password<\/h2>/);
      assert.match(page.text, /You have not set a pay password yet\./);
      assert.match(page.text, /<form method="post" action="\/account\/pay-password" novalidate>/);
      assert.match(page.text, /<label for="f-current_password">Your account password<\/label>/);
      assert.match(page.text, /<input id="f-pay_password" name="pay_password" type="password"/);
      assert.match(page.text, /<input id="f-pay_password_confirm" name="pay_password_confirm" type="password"/);
      assert.match(page.text, />Set pay password<\/button>/);

      const r = await setPay(agent, 'pay secret 1');
      assert.equal(r.status, 303, r.text);
      assert.equal(r.location, '/account?notice=pay_password_set');
      const after = await agent.get(r.location!);
      assert.match(after.text, /role="status">Your pay password is set\. Apps will ask for it/);
      assert.match(after.text, />Change pay password<\/button>/);
      assert.doesNotMatch(after.text, /pay secret 1/);
      assert.equal(await check('payer', 'pay secret 1'), 'ok');
      assert.equal(await check('payer', 'pay secret 2'), 'wrong');
    });

    it('changing it replaces the old one', async () => {
      const agent = await c.signUp('changer');
      assert.equal((await setPay(agent, 'first pay 1')).status, 303);
      c.freshWindow();
      const r = await setPay(agent, 'second pay 2');
      assert.equal(r.status, 303, r.text);
      assert.equal(r.location, '/account?notice=pay_password_changed');
      assert.match((await agent.get(r.location!)).text, /Your pay password was changed\./);
      assert.equal(await check('changer', 'first pay 1'), 'wrong');
      assert.equal(await check('changer', 'second pay 2'), 'ok');
    });

    it('a locked pay password is shown as locked, and setting a new one lifts the lock', async () => {
      const agent = await c.signUp('locked');
      assert.equal((await setPay(agent, 'pay secret 1')).status, 303);
      for (let i = 0; i < policy.maxFailures; i++) assert.equal(await check('locked', `bad ${i}`), 'wrong');
      assert.equal(await check('locked', 'pay secret 1'), 'locked');
      assert.match((await agent.get('/account')).text, /locked after too many wrong attempts until 2026-/);
      assert.equal((await setPay(agent, 'pay secret 2')).status, 303);
      assert.equal(await check('locked', 'pay secret 2'), 'ok');
    });
  });
}
