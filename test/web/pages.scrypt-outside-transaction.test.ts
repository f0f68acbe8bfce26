// Regression guard: the hosted pages' password work (sign-up hash, sign-in verify, reset hash, the account password
// check and the new pay password's hash on /account/pay-password) must run outside any
// database transaction. On SQLite Kysely has one connection, so a hash inside a transaction would queue every other
// request behind it. A gated hasher holds one call open while another request must still be answered. Also: a
// failing mailer never fails the page that sends mail.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { scryptPasswords, type PasswordHasher } from '../../src/core/crypto/passwords.js';
import { createAgent, extractCsrf, type Agent } from './browser.js';
import { PASSWORD, startWeb, type WebCtx } from './support.js';

function gate(c: WebCtx, which: 'hash' | 'verify', password: string): { entered: Promise<void>; open(): void } {
  let signal!: () => void;
  let open!: () => void;
  const entered = new Promise<void>((r) => (signal = r));
  const opened = new Promise<void>((r) => (open = r));
  let armed = true;
  const hasher: PasswordHasher = {
    async hash(pw) {
      if (which === 'hash' && armed && pw === password) {
        armed = false;
        signal();
        await opened;
      }
      return scryptPasswords.hash(pw);
    },
    async verify(pw, stored) {
      if (which === 'verify' && armed && pw === password) {
        armed = false;
        signal();
        await opened;
      }
      return scryptPasswords.verify(pw, stored);
    },
  };
  c.server.services.passwords = hasher;
  return { entered, open };
}

function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} still waiting after ${ms} ms: is password work inside a transaction?`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

describe('hosted pages: password work outside the transaction, mail failures [sqlite]', () => {
  let c: WebCtx;
  let bystander: Agent;
  let payer: Agent;
  before(async () => {
    c = await startWeb('sqlite');
    bystander = await c.signUp('bystander');
    payer = await c.signUp('payer', 'payer password 1');
  });
  after(async () => {
    delete c.server.services.passwords;
    await c.close();
  });
  beforeEach(() => c.freshWindow());

  const cases: Array<{ name: string; which: 'hash' | 'verify'; pw: string; run: () => Promise<number> }> = [
    { name: 'sign-up (hash)', which: 'hash', pw: 'fresh password 9', run: async () => (await createAgent(c.server.baseUrl).submit('/signup', { username: 'newbie', email: 'newbie@example.com', password: 'fresh password 9' })).status },
    { name: 'sign-in (verify)', which: 'verify', pw: PASSWORD, run: async () => (await createAgent(c.server.baseUrl).submit('/signin', { login: 'bystander', password: PASSWORD })).status },
    { name: 'pay password (verify of the account password)', which: 'verify', pw: 'payer password 1', run: () => setPay('pay secret 1') },
    { name: 'pay password (hash of the new one)', which: 'hash', pw: 'pay secret 2', run: () => setPay('pay secret 2') },
  ];
  async function setPay(payPassword: string): Promise<number> {
    const fields = { current_password: 'payer password 1', pay_password: payPassword, pay_password_confirm: payPassword };
    return (await payer.submit('/account', fields, '/account/pay-password')).status;
  }
  for (const k of cases) {
    it(`${k.name}: another request is answered while the password call is in flight`, async () => {
      const g = gate(c, k.which, k.pw);
      const pending = k.run();
      await g.entered;
      try {
        const other = await within(bystander.get('/account'), 2000, 'GET /account');
        assert.equal(other.status, 200);
      } finally {
        g.open();
      }
      assert.equal(await pending, 303);
      delete c.server.services.passwords;
    });
  }

  it('password reset (hash): another request is answered while the new password is hashed', async () => {
    await createAgent(c.server.baseUrl).submit('/reset-password', { email: 'bystander@example.com' });
    const link = await c.mailedLink('bystander@example.com', '/reset-password?token=');
    const agent = createAgent(c.server.baseUrl);
    const form = await agent.get(link);
    const token = new URL(link, 'http://x').searchParams.get('token')!;
    const g = gate(c, 'hash', 'reset password 7');
    const pending = agent.postForm('/reset-password', { csrf: extractCsrf(form.text), token, password: 'reset password 7' });
    await g.entered;
    try {
      const other = await within(createAgent(c.server.baseUrl).get('/signin'), 2000, 'GET /signin');
      assert.equal(other.status, 200);
    } finally {
      g.open();
    }
    assert.equal((await pending).status, 303);
    delete c.server.services.passwords;
  });

  it('a failing mailer does not fail sign-up, and the resend button says the mail could not be sent', async () => {
    const real = c.server.services.mailer;
    c.server.services.mailer = { send: async () => Promise.reject(new Error('smtp down')) };
    try {
      const agent = await c.signUp('unlucky');
      const r = await agent.submit('/account', {}, '/verify-email/resend');
      assert.equal(r.status, 303);
      assert.equal(r.location, '/account?notice=mail_failed');
      assert.match((await agent.get('/account?notice=mail_failed')).text, /could not send the email/);
    } finally {
      c.server.services.mailer = real;
    }
  });
});
