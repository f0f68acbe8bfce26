// X1–X3 (spec §7): createwallet, paytouser, balance — acceptance examples of §10, every error in its order (one
// defect at a time), developer-wallet proof (§3.1), pay-password lock-out, app isolation, the balance split (§8.2).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { manualClock } from '../../src/core/clock.js';
import { getAssetBySymbol, setAssetEnabled } from '../../src/core/ledger/assets.js';
import { setAccountFrozen } from '../../src/core/ledger/accounts.js';
import { sealBlock } from '../../src/core/ledger/blocks.js';
import { findWalletUser, walletAccountOf } from '../../src/core/identity/walletUsers.js';
import { identityDeps } from '../../src/dialects/ulord/management.js';
import { STORES } from '../support/stores.js';
import { keysSorted, setup, type Ctx, type Dev } from './helpers.js';
import { TX, ext, fundDeveloper, fundUser, minor, newApp, postedBalance, setAppColumns, setUserDisabled, type TestApp } from './walletFixtures.js';

const ZERO = { confirmed: '0', total: '0', unconfirmed: '0', unmatured: '0' };

for (const kind of STORES) {
  describe(`ulord wallets X1–X3 [${kind}]`, () => {
    const clock = manualClock(Date.UTC(2026, 2, 1));
    let c: Ctx;
    let owner: Dev;
    let other: Dev;
    let k: TestApp;
    let k2: TestApp;
    const call = (path: string, body: unknown, headers: Record<string, string> = {}) => ext(c, k, path, body, headers);
    const reason = (r: { json: { result?: { wallet_reason?: string } } }) => r.json.result?.wallet_reason;
    before(async () => {
      c = await setup(kind, { clock });
      [owner, other] = [await c.dev('owner'), await c.dev('other')];
      [k, k2] = [await newApp(c, owner, 'k'), await newApp(c, owner, 'k2')];
      // alice and bob: the §10 cast; carol is funded for the error tests.
      for (const [u, pw] of [['bob', 'b-secret'], ['carol', 'c-secret']] as const) {
        assert.equal((await call(TX.create, { username: u, pay_password: pw })).json.errcode, 0);
      }
    });
    after(() => c.close());

    test('§10.3 createwallet (seed spelling pay_passwrod), repeat → 20204 user_exists; §10.4 balance', async () => {
      const r = await call(TX.create, { username: 'alice', pay_passwrod: 'a-secret' });
      assert.equal(r.text, '{"errcode":0,"reason":"success","result":{"id":"alice"}}');
      const again = await call(TX.create, { username: 'alice', pay_passwrod: 'a-secret' });
      assert.equal(again.text, '{"errcode":20204,"reason":"创建钱包失败.","result":{"wallet_reason":"user_exists"}}');
      const bal = await call(TX.balance, { username: 'alice', pay_password: 'a-secret' });
      assert.equal(bal.text, '{"errcode":0,"reason":"success","result":{"confirmed":"0","total":"0","unconfirmed":"0","unmatured":"0"}}');
      const wrong = await call(TX.balance, { username: 'alice', pay_password: 'nope' });
      assert.equal(wrong.text, '{"errcode":20203,"reason":"查询余额失败.","result":{"wallet_reason":"wrong_pay_password"}}');
    });

    test('§10.5 developer payment: 10002 without secret; with secret → txid; unconfirmed then confirmed after a block', async () => {
      await fundDeveloper(c, owner, '100');
      const body = { is_developer: true, recv_user: 'alice', amount: 10 };
      assert.equal((await call(TX.pay, body)).text, '{"errcode":10002,"reason":"该KEY无请求权限."}');
      const paid = await call(TX.pay, body, { secret: k.secret });
      assert.equal(paid.json.errcode, 0);
      assert.match(paid.json.result.txid, /^[0-9a-f]{64}$/);
      assert.ok(keysSorted(paid.json));
      const before = await call(TX.balance, { username: 'alice', pay_password: 'a-secret' });
      assert.deepEqual(before.json.result, { confirmed: '0', total: '10', unconfirmed: '10', unmatured: '0' });
      await sealBlock(c.server.store.database, c.server.services.box, clock);
      const afterBlock = await call(TX.balance, { username: 'alice', pay_password: 'a-secret' });
      assert.deepEqual(afterBlock.json.result, { confirmed: '10', total: '10', unconfirmed: '0', unmatured: '0' });
      // An unsealed payment out of a sealed balance: unconfirmed goes negative (§8.2).
      assert.equal((await call(TX.pay, { send_user: 'alice', pay_password: 'a-secret', recv_user: 'bob', amount: '2.5' })).json.errcode, 0);
      const split = await call(TX.balance, { username: 'alice', pay_password: 'a-secret' });
      assert.deepEqual(split.json.result, { confirmed: '10', total: '7.5', unconfirmed: '-2.5', unmatured: '0' });
      // The developer wallet's balance, with the proof.
      const dev = await call(TX.balance, { is_developer: true }, { secret: k.secret });
      assert.equal(dev.json.result.total, '90');
      assert.equal((await call(TX.balance, { is_developer: true })).json.errcode, 10002);
    });

    test('§10.6 amount "0" → 20101; amounts are exact (§2.6)', async () => {
      const pay = (amount: unknown) => call(TX.pay, { send_user: 'alice', pay_password: 'a-secret', recv_user: 'bob', amount });
      assert.equal((await pay('0')).text, '{"errcode":20101,"reason":"参数长度不符."}');
      for (const bad of [0, -1, '-1', '0.000000001', '1e-8', '1.', '.5', ' 1', true, [1], { v: 1 }, 1e10, '10000000000', '1,5']) {
        assert.equal((await pay(bad)).json.errcode, 20101, JSON.stringify(bad));
      }
      const raw = (literal: string) =>
        call(TX.pay, `{"send_user":"alice","pay_password":"a-secret","recv_user":"bob","amount":${literal}}`);
      assert.equal((await raw('1e-9')).json.errcode, 20101);
      assert.equal((await raw('1E10')).json.errcode, 20101);
      const before = await postedBalance(c, k, 'bob');
      assert.equal((await raw('1e-8')).json.errcode, 0);
      assert.equal((await raw('0.10000000')).json.errcode, 0);
      assert.equal((await raw('2.5E-1')).json.errcode, 0);
      assert.equal((await pay('0.00000001')).json.errcode, 0);
      assert.equal(await postedBalance(c, k, 'bob'), before + 1n + 10_000_000n + 25_000_000n + 1n);
      // Just under the bound is a valid amount (and then too much for alice).
      assert.equal(reason(await pay('9999999999.99999999')), 'insufficient_balance');
    });

    test('createwallet errors in order: 20100, 20101, 20204; pay_password wins over pay_passwrod', async () => {
      const cases: Array<[unknown, number]> = [
        [{}, 20100],
        [{ username: 'x' }, 20100],
        [{ pay_password: 'x' }, 20100],
        [{ username: '', pay_password: 'x' }, 20100],
        [{ username: null, pay_password: 'x' }, 20100],
        [{ username: 'x'.repeat(65), pay_password: 'x' }, 20101],
        [{ username: 'a\u0001b', pay_password: 'x' }, 20101],
        [{ username: 7, pay_password: 'x' }, 20101],
        [{ username: 'x', pay_password: 'p'.repeat(129) }, 20101],
        [{ username: 'x', pay_password: 12345 }, 20101],
        [{ username: 'x'.repeat(65) }, 20100],
      ];
      for (const [body, code] of cases) assert.equal((await call(TX.create, body)).json.errcode, code, JSON.stringify(body));
      assert.equal((await call(TX.create, { username: '😀'.repeat(64), pay_password: 'x' })).json.errcode, 0);
      assert.equal((await call(TX.create, { username: 'both', pay_password: 'right', pay_passwrod: 'typo' })).json.errcode, 0);
      assert.equal((await call(TX.balance, { username: 'both', pay_password: 'right' })).json.errcode, 0);
      assert.equal(reason(await call(TX.balance, { username: 'both', pay_password: 'typo' })), 'wrong_pay_password');
      // Names are case-sensitive, but two names differing only in case cannot coexist.
      assert.equal(reason(await call(TX.create, { username: 'BOB', pay_password: 'x' })), 'user_exists');
      assert.equal(reason(await call(TX.balance, { username: 'BOB', pay_password: 'b-secret' })), 'user_not_found');
    });

    test('createwallet with the ULD asset disabled → 20200 ledger_refused, nothing written; a grant is issued', async () => {
      const s = c.server.services;
      const asset = (await getAssetBySymbol(s.db, 'ULD'))!;
      await setAssetEnabled(s.db, asset.id, false);
      try {
        const r = await call(TX.create, { username: 'nowallet', pay_password: 'x' });
        assert.equal(r.text, '{"errcode":20200,"reason":"调用钱包接口失败.","result":{"wallet_reason":"ledger_refused"}}');
        assert.equal(await findWalletUser(s.db, k.app.id, 'nowallet'), null);
      } finally {
        await setAssetEnabled(s.db, asset.id, true);
      }
      s.config.ulord.walletGrant = '1.5';
      try {
        assert.equal((await call(TX.create, { username: 'granted', pay_password: 'x' })).json.errcode, 0);
      } finally {
        s.config.ulord.walletGrant = '0';
      }
      assert.equal((await call(TX.balance, { username: 'granted', pay_password: 'x' })).json.result.total, '1.5');
      const memo = await s.db.selectFrom('ledger_transfers').select(['memo', 'kind']).where('kind', '=', 'ulord.grant').execute();
      assert.deepEqual(memo, [{ memo: `ulord:${k.appkey}:ulord.grant`, kind: 'ulord.grant' }]);
    });

    test('paytouser errors in order, one defect at a time', async () => {
      await fundUser(c, k, 'carol', '5');
      const ok = { send_user: 'carol', pay_password: 'c-secret', recv_user: 'bob', amount: '1' };
      const pay = (patch: Record<string, unknown>, headers: Record<string, string> = {}) => call(TX.pay, { ...ok, ...patch }, headers);
      const without = (field: string) => {
        const b: Record<string, unknown> = { ...ok };
        delete b[field];
        return call(TX.pay, b);
      };
      for (const f of ['send_user', 'pay_password', 'recv_user', 'amount']) assert.equal((await without(f)).json.errcode, 20100, f);
      // 20100 for every field before 20101 for any.
      assert.equal((await call(TX.pay, { send_user: 'x'.repeat(65), pay_password: 'c-secret', recv_user: 'bob' })).json.errcode, 20100);
      assert.equal((await pay({ send_user: 'x'.repeat(65) })).json.errcode, 20101);
      assert.equal((await pay({ recv_user: 5 })).json.errcode, 20101);
      assert.equal((await pay({ amount: '-0.5' })).json.errcode, 20101);
      // is_developer other than JSON true is a user payment.
      assert.equal((await pay({ is_developer: 'true' })).json.errcode, 0);
      assert.equal((await pay({ is_developer: 1 })).json.errcode, 0);
      // Developer payment: fields, then 10002.
      assert.equal((await call(TX.pay, { is_developer: true, recv_user: 'bob' })).json.errcode, 20100);
      assert.equal((await call(TX.pay, { is_developer: true, recv_user: 'bob', amount: 0 }, { secret: k.secret })).json.errcode, 20101);
      assert.equal((await call(TX.pay, { is_developer: true, recv_user: 'nobody', amount: 1 })).json.errcode, 10002);
      // Sender: user_not_found, disabled (20006), locked, wrong.
      const r1 = await pay({ send_user: 'nobody' });
      assert.equal(r1.text, '{"errcode":20206,"reason":"支付失败.","result":{"wallet_reason":"user_not_found"}}');
      await setUserDisabled(c, k, 'carol', true);
      assert.equal((await pay({ pay_password: 'wrong' })).text, '{"errcode":20006,"reason":"用户被禁用."}');
      await setUserDisabled(c, k, 'carol', false);
      assert.equal(reason(await pay({ pay_password: 'wrong', recv_user: 'nobody' })), 'wrong_pay_password');
      // Receiver, then same_account, then insufficient_balance.
      assert.equal(reason(await pay({ recv_user: 'nobody', amount: '1000' })), 'user_not_found');
      assert.equal(reason(await pay({ recv_user: 'carol', amount: '1000' })), 'same_account');
      const poor = await pay({ amount: '1000' });
      assert.equal(poor.text, '{"errcode":20206,"reason":"支付失败.","result":{"wallet_reason":"insufficient_balance"}}');
      // A frozen account → 20200 ledger_refused.
      const s = c.server.services;
      const bob = (await findWalletUser(s.db, k.app.id, 'bob'))!;
      const bobAccount = await walletAccountOf(s.db, bob, identityDeps(s));
      await setAccountFrozen(s.db, bobAccount.id, true);
      try {
        assert.equal((await pay({})).text, '{"errcode":20200,"reason":"调用钱包接口失败.","result":{"wallet_reason":"ledger_refused"}}');
      } finally {
        await setAccountFrozen(s.db, bobAccount.id, false);
      }
      // A disabled user may still receive.
      await setUserDisabled(c, k, 'bob', true);
      try {
        assert.equal((await pay({})).json.errcode, 0);
        assert.equal((await call(TX.balance, { username: 'bob', pay_password: 'b-secret' })).json.errcode, 20006);
      } finally {
        await setUserDisabled(c, k, 'bob', false);
      }
      const memos = await s.db.selectFrom('ledger_transfers').select('memo').where('kind', '=', 'ulord.pay').execute();
      assert.ok(memos.length > 0 && memos.every((m) => m.memo === `ulord:${k.appkey}:ulord.pay`));
    });

    test('balance errors in order: 20100, 20101, 10002 (developer), 20203 user_not_found, 20006, wrong', async () => {
      assert.equal((await call(TX.balance, {})).json.errcode, 20100);
      assert.equal((await call(TX.balance, { username: 'bob' })).json.errcode, 20100);
      assert.equal((await call(TX.balance, { pay_password: 'x' })).json.errcode, 20100);
      assert.equal((await call(TX.balance, { username: 'x'.repeat(65), pay_password: 'x' })).json.errcode, 20101);
      assert.equal((await call(TX.balance, { username: 'bob', pay_password: 'p'.repeat(129) })).json.errcode, 20101);
      assert.equal((await call(TX.balance, { is_developer: true, username: 5 })).json.errcode, 10002);
      const nf = await call(TX.balance, { username: 'nobody', pay_password: 'x' });
      assert.equal(nf.text, '{"errcode":20203,"reason":"查询余额失败.","result":{"wallet_reason":"user_not_found"}}');
    });

    test('developer-wallet proof: app secret, owner token (Bearer or token header); wrong secret, other developer → 10002', async () => {
      const body = { is_developer: true };
      assert.equal((await call(TX.balance, body, { secret: k.secret })).json.errcode, 0);
      assert.equal((await call(TX.balance, body, { authorization: `Bearer ${owner.token}` })).json.errcode, 0);
      assert.equal((await call(TX.balance, body, { token: owner.token })).json.errcode, 0);
      assert.equal((await call(TX.balance, body, { secret: k2.secret })).json.errcode, 10002);
      assert.equal((await call(TX.balance, body, { secret: 'f'.repeat(32) })).json.errcode, 10002);
      assert.equal((await call(TX.balance, body, { authorization: `Bearer ${other.token}` })).json.errcode, 10002);
      assert.equal((await call(TX.balance, body, { token: 'not-a-token' })).json.errcode, 10002);
      const pay = { is_developer: true, recv_user: 'bob', amount: '0.5' };
      assert.equal((await call(TX.pay, pay, { token: other.token })).json.errcode, 10002);
      assert.equal((await call(TX.pay, pay, { token: owner.token })).json.errcode, 0);
      // The requirement can be switched off per app (and the app setting overrides the configuration).
      await setAppColumns(c, k, { settings: JSON.stringify({ ulord: { requireSecretForDeveloperWallet: false } }) });
      assert.equal((await call(TX.balance, body)).json.errcode, 0);
      c.server.services.config.ulord.requireSecretForDeveloperWallet = false;
      await setAppColumns(c, k, { settings: JSON.stringify({ ulord: { requireSecretForDeveloperWallet: true } }) });
      assert.equal((await call(TX.balance, body)).json.errcode, 10002);
      await setAppColumns(c, k, { settings: null });
      assert.equal((await call(TX.balance, body)).json.errcode, 0);
      c.server.services.config.ulord.requireSecretForDeveloperWallet = true;
      assert.equal((await call(TX.balance, body)).json.errcode, 10002);
    });

    test('wallets of another app are invisible (user_not_found), even with the right password', async () => {
      assert.equal(reason(await ext(c, k2, TX.balance, { username: 'bob', pay_password: 'b-secret' })), 'user_not_found');
      assert.equal(reason(await ext(c, k2, TX.pay, { send_user: 'bob', pay_password: 'b-secret', recv_user: 'carol', amount: 1 })), 'user_not_found');
      // The same name is free in the other app, with its own wallet.
      assert.equal((await ext(c, k2, TX.create, { username: 'bob', pay_password: 'other-bob' })).json.errcode, 0);
      assert.deepEqual((await ext(c, k2, TX.balance, { username: 'bob', pay_password: 'other-bob' })).json.result, ZERO);
      assert.equal(reason(await ext(c, k2, TX.pay, { is_developer: true, recv_user: 'carol', amount: 1 }, { secret: k2.secret })), 'user_not_found');
    });

    test('pay password lock-out: 5 wrong → locked 15 min even for the right one; reset on success', async () => {
      await call(TX.create, { username: 'dave', pay_password: 'd-secret' });
      const bal = (pw: string) => call(TX.balance, { username: 'dave', pay_password: pw });
      // Four wrong, one right: the counter restarts.
      for (let i = 0; i < 4; i++) assert.equal(reason(await bal('bad')), 'wrong_pay_password');
      assert.equal((await bal('d-secret')).json.errcode, 0);
      for (let i = 0; i < 4; i++) assert.equal(reason(await bal('bad')), 'wrong_pay_password');
      assert.equal(reason(await bal('bad')), 'wrong_pay_password');
      assert.equal(reason(await bal('d-secret')), 'pay_password_locked');
      const locked = await call(TX.pay, { send_user: 'dave', pay_password: 'd-secret', recv_user: 'bob', amount: 1 });
      assert.equal(locked.text, '{"errcode":20206,"reason":"支付失败.","result":{"wallet_reason":"pay_password_locked"}}');
      clock.advance(899_000);
      assert.equal(reason(await bal('d-secret')), 'pay_password_locked');
      clock.advance(1_000);
      assert.equal((await bal('d-secret')).json.errcode, 0);
      // After the lock: a fresh count of five.
      for (let i = 0; i < 4; i++) assert.equal(reason(await bal('bad')), 'wrong_pay_password');
      assert.equal((await bal('d-secret')).json.errcode, 0);
    });

    test('Idempotency-Key: a replayed paytouser pays once and replays the same txid', async () => {
      await fundUser(c, k, 'carol', '3');
      const before = await postedBalance(c, k, 'bob');
      const h = { 'idempotency-key': 'pay-once-1' };
      const body = { send_user: 'carol', pay_password: 'c-secret', recv_user: 'bob', amount: '0.25' };
      const first = await call(TX.pay, body, h);
      assert.equal(first.json.errcode, 0);
      const second = await call(TX.pay, body, h);
      assert.equal(second.headers.get('idempotent-replayed'), 'true');
      assert.equal(second.text, first.text);
      assert.equal(await postedBalance(c, k, 'bob'), before + minor('0.25'));
      assert.equal((await call(TX.pay, { ...body, amount: '0.5' }, h)).status, 400);
      // A refusal is a final answer too: replayed, not re-evaluated.
      const h2 = { 'idempotency-key': 'pay-refused-1' };
      const refused = await call(TX.pay, { ...body, amount: '100000' }, h2);
      assert.equal(reason(refused), 'insufficient_balance');
      await fundUser(c, k, 'carol', '100000');
      const replay = await call(TX.pay, { ...body, amount: '100000' }, h2);
      assert.equal(replay.text, refused.text);
      assert.equal(replay.headers.get('idempotent-replayed'), 'true');
    });
  });
}
