// Regression: pay-password work (scrypt) must not run inside the request's transaction. On SQLite Kysely has one
// connection, so a hash inside a transaction would queue every other request of the server behind it. The hasher
// here holds one verify (or hash) on a gate the test opens, and the test proves the store stays free meanwhile.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { scryptPasswords, type PasswordHasher } from '../../src/core/crypto/passwords.js';
import { setup, type Ctx } from './helpers.js';
import { TX, ext, fundUser, newApp, type TestApp } from './walletFixtures.js';

function gated(c: Ctx, which: 'hash' | 'verify', password: string) {
  let entered!: () => void;
  let open!: () => void;
  const started = new Promise<void>((r) => (entered = r));
  const gate = new Promise<void>((r) => (open = r));
  let armed = true;
  const hasher: PasswordHasher = {
    async hash(pw) {
      if (which === 'hash' && armed && pw === password) {
        armed = false;
        entered();
        await gate;
      }
      return scryptPasswords.hash(pw);
    },
    async verify(pw, stored) {
      if (which === 'verify' && armed && pw === password) {
        armed = false;
        entered();
        await gate;
      }
      return scryptPasswords.verify(pw, stored);
    },
  };
  c.server.services.passwords = hasher;
  return { started, open };
}

function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} still waiting after ${ms} ms: is pay-password work inside a transaction?`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

describe('ulord pay-password work outside the transaction [sqlite]', () => {
  let c: Ctx;
  let k: TestApp;
  before(async () => {
    c = await setup('sqlite');
    k = await newApp(c, await c.dev('owner'));
    for (const [u, pw] of [['slow', 'slow-pw'], ['fast', 'fast-pw']]) assert.equal((await ext(c, k, TX.create, { username: u, pay_password: pw })).json.errcode, 0);
    await fundUser(c, k, 'slow', '5');
  });
  after(async () => {
    delete c.server.services.passwords;
    await c.close();
  });

  const cases = [
    { name: 'paytouser (verify)', which: 'verify', pw: 'slow-pw', path: TX.pay, body: { send_user: 'slow', pay_password: 'slow-pw', recv_user: 'fast', amount: 1 } },
    { name: 'balance (verify)', which: 'verify', pw: 'slow-pw', path: TX.balance, body: { username: 'slow', pay_password: 'slow-pw' } },
    { name: 'createwallet (hash)', which: 'hash', pw: 'new-pw', path: TX.create, body: { username: 'newbie', pay_password: 'new-pw' } },
  ] as const;

  for (const t of cases) {
    test(`while ${t.name} runs scrypt, the one SQLite connection stays free`, async () => {
      const g = gated(c, t.which, t.pw);
      const pending = ext(c, k, t.path, t.body);
      await within(g.started, 10_000, 'the gated password call');
      try {
        await within(c.server.services.db.selectFrom('end_users').select('id').execute(), 5_000, 'a query on the store');
        const other = await within(ext(c, k, TX.create, { username: `other-${t.which}-${t.path.length}`, pay_password: 'x' }), 5_000, 'another createwallet');
        assert.equal(other.json.errcode, 0);
      } finally {
        g.open();
      }
      assert.equal((await pending).json.errcode, 0);
    });
  }
});
