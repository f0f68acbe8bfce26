// Concurrency (spec §7 X2: "concurrent payments never overdraw"): 50 parallel paytouser from one wallet funded for
// 20 → exactly 20 succeed, the others answer 20206 insufficient_balance, and the balance never goes negative.
// A fast password scheme keeps the test about the ledger, not scrypt.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { STORES } from '../support/stores.js';
import { setup, type Ctx } from './helpers.js';
import { TX, ext, fundUser, minor, newApp, postedBalance, type TestApp } from './walletFixtures.js';

const fastHasher = {
  hash: async (pw: string) => `plain$${pw}`,
  verify: async (pw: string, stored: string) => stored === `plain$${pw}`,
};

for (const kind of STORES) {
  describe(`ulord paytouser concurrency [${kind}]`, () => {
    let c: Ctx;
    let k: TestApp;
    before(async () => {
      c = await setup(kind);
      c.server.services.passwords = fastHasher;
      k = await newApp(c, await c.dev('owner'));
      for (const u of ['payer', 'payee']) assert.equal((await ext(c, k, TX.create, { username: u, pay_password: 'pw' })).json.errcode, 0);
      await fundUser(c, k, 'payer', '20');
    });
    after(() => c.close());

    test('50 parallel payments of 1 from a wallet holding 20: exactly 20 succeed', async () => {
      const body = { send_user: 'payer', pay_password: 'pw', recv_user: 'payee', amount: 1 };
      const results = await Promise.all(Array.from({ length: 50 }, () => ext(c, k, TX.pay, body)));
      const codes = results.map((r) => `${r.json.errcode}:${r.json.result?.wallet_reason ?? r.json.result?.txid?.length ?? ''}`);
      assert.equal(codes.filter((x) => x === '0:64').length, 20, codes.join(' '));
      assert.equal(codes.filter((x) => x === '20206:insufficient_balance').length, 30, codes.join(' '));
      assert.equal(await postedBalance(c, k, 'payer'), 0n);
      assert.equal(await postedBalance(c, k, 'payee'), minor('20'));
      const bal = await ext(c, k, TX.balance, { username: 'payer', pay_password: 'pw' });
      assert.equal(bal.json.result.total, '0');
      const rows = await c.server.services.db.selectFrom('ledger_accounts').select('balance').where('owner_kind', '=', 'user').execute();
      assert.ok(rows.every((r) => BigInt(r.balance as never) >= 0n));
    });
  });
}
