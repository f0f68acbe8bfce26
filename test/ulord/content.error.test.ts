// X4–X13 errors in the order of §7, one defect at a time; publish fee; pay-once under concurrency (§8.4).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { setAccountFrozen } from '../../src/core/ledger/accounts.js';
import { findWalletUser, walletAccountOf } from '../../src/core/identity/walletUsers.js';
import { identityDeps } from '../../src/dialects/ulord/management.js';
import { STORES } from '../support/stores.js';
import { ULD, world, type World } from './content.support.js';

const wr = (errcode: number, reason: string, wallet_reason: string) => ({ errcode, reason, result: { wallet_reason } });

for (const kind of STORES) {
  describe(`ulord content errors [${kind}]`, () => {
    let w: World;
    let paid: string;
    let ad: string;
    const code = async (path: string, body?: unknown) => (await w.x(path, body)).json.errcode;
    before(async () => {
      w = await world(kind, { ulord: { ...(await import('../../src/config.js')).defaultUlordSettings(), publishFee: '0.1' } });
      await w.wallet('alice', 'pa', '1');
      await w.wallet('bob', 'pb', '0.5');
      await w.wallet('poor', 'pp');
      paid = (await w.publish({ author: 'alice', pay_password: 'pa', price: 0.3 })).claim_id;
      ad = (await w.publish({ author: 'alice', pay_password: 'pa', price: -0.25 })).claim_id;
    });
    after(() => w.close());

    test('X4 publish: fee to the platform account; 20100, 20101, wallet refusals in order', async () => {
      const fee = await w.c.server.services.db.selectFrom('ledger_transfers').select(['amount', 'memo']).where('kind', '=', 'ulord.publish_fee').execute();
      assert.equal(fee.length, 2);
      assert.equal(BigInt(fee[0]!.amount), ULD / 10n);
      assert.equal(await w.balance('alice'), ULD - ULD / 5n);
      const ok = { author: 'alice', title: 't', ipfs_hash: 'Qm1', content_type: '.txt', pay_password: 'pa' };
      const P = '/v1/transactions/publish';
      for (const f of ['author', 'title', 'ipfs_hash', 'content_type', 'pay_password']) {
        assert.equal(await code(P, { ...ok, [f]: undefined }), 20100, f);
        assert.equal(await code(P, { ...ok, [f]: '' }), 20100, f);
      }
      // Missing beats invalid.
      assert.equal(await code(P, { ...ok, title: undefined, tag: 5 }), 20100);
      for (const bad of [
        { author: 'x'.repeat(65) }, { title: 'x'.repeat(65) }, { title: 'a\nb' }, { tag: 5 }, { tag: [''] }, { ipfs_hash: 'Qm-1' },
        { ipfs_hash: 'a'.repeat(129) }, { price: '1e3' }, { price: 0.000000001 }, { price: '10000000000' }, { price: true },
        { content_type: 'x'.repeat(17) }, { pay_password: 'p'.repeat(129) }, { description: 'd'.repeat(1025) }, { author: 7 },
      ]) assert.equal(await code(P, { ...ok, ...bad }), 20101, JSON.stringify(bad));
      assert.deepEqual((await w.x(P, { ...ok, author: 'ghost' })).json, wr(20201, '资源发布失败.', 'user_not_found'));
      assert.deepEqual((await w.x(P, { ...ok, pay_password: 'nope' })).json, wr(20201, '资源发布失败.', 'wrong_pay_password'));
      assert.deepEqual((await w.x(P, { ...ok, author: 'poor', pay_password: 'pp' })).json, wr(20201, '资源发布失败.', 'insufficient_balance'));
      assert.equal(await code('/v1/transactions/publish/count', { author: 'poor' }), 0);
      assert.equal((await w.x('/v1/transactions/publish/count', { author: 'poor' })).json.result.count, 0);
    });

    test('X5 check: 20100, 20101', async () => {
      const P = '/v1/transactions/check';
      assert.equal(await code(P, { claim_ids: [] }), 20100);
      assert.equal(await code(P, { username: 'bob' }), 20100);
      assert.equal(await code(P, { username: 'bob', claim_ids: null }), 20100);
      assert.equal(await code(P, { username: 'bob', claim_ids: 'x' }), 20101);
      assert.equal(await code(P, { username: 'b\u0000', claim_ids: [] }), 20101);
      assert.deepEqual((await w.x(P, { username: 'bob', claim_ids: [] })).json, { errcode: 0, reason: 'success', result: {} });
      // Duplicates collapse; a key such as "__proto__" stays an ordinary key.
      const r = (await w.x(P, { username: 'bob', claim_ids: ['__proto__', paid, paid] })).json.result;
      assert.deepEqual(Object.keys(r).sort(), ['__proto__', paid].sort());
      assert.equal(Object.getOwnPropertyDescriptor(r, '__proto__')?.value, null);
      assert.equal(r[paid], false);
    });

    test('X6 consume: 20100, 20101, 20007, 20008, then wallet refusals in order; nothing half-written', async () => {
      const P = '/v1/transactions/consume';
      assert.equal(await code(P, { claim_id: paid }), 20100);
      assert.equal(await code(P, { username: 'bob' }), 20100);
      assert.equal(await code(P, { username: 'bob', claim_id: 'x'.repeat(65) }), 20101);
      assert.equal(await code(P, { username: 'bob', claim_id: paid, customer_pay_password: 5 }), 20101);
      assert.deepEqual((await w.x(P, { username: 'bob', claim_id: 'nope' })).json, { errcode: 20007, reason: '资源不存在.' });
      assert.equal(await code(P, { username: 'bob', claim_id: paid, customer_pay_password: '' }), 20008);
      assert.deepEqual((await w.x(P, { username: 'ghost', claim_id: paid, customer_pay_password: 'x' })).json, wr(20202, '资源消费失败.', 'user_not_found'));
      assert.deepEqual((await w.x(P, { username: 'bob', claim_id: paid, customer_pay_password: 'x' })).json, wr(20202, '资源消费失败.', 'wrong_pay_password'));
      assert.deepEqual((await w.x(P, { username: 'poor', claim_id: paid, customer_pay_password: 'pp' })).json, wr(20202, '资源消费失败.', 'insufficient_balance'));
      // Ads: author password missing → 20100; reader wallet missing; author password wrong; reader disabled.
      assert.equal(await code(P, { username: 'bob', claim_id: ad }), 20100);
      assert.deepEqual((await w.x(P, { username: 'ghost', claim_id: ad, author_pay_password: 'pa' })).json, wr(20202, '资源消费失败.', 'user_not_found'));
      assert.deepEqual((await w.x(P, { username: 'bob', claim_id: ad, author_pay_password: 'no' })).json, wr(20202, '资源消费失败.', 'wrong_pay_password'));
      const db = w.c.server.services.db;
      await db.updateTable('end_users').set({ disabled: 1 }).where('username', '=', 'poor').execute();
      assert.deepEqual((await w.x(P, { username: 'poor', claim_id: ad, author_pay_password: 'pa' })).json, { errcode: 20006, reason: '用户被禁用.' });
      await db.updateTable('end_users').set({ disabled: 0 }).where('username', '=', 'poor').execute();
      // A frozen receiving account: 20200 ledger_refused, and nothing of the consume stays.
      const s = w.c.server.services;
      const bobAccount = await walletAccountOf(s.db, (await findWalletUser(s.db, w.appId, 'bob'))!, identityDeps(s));
      await setAccountFrozen(s.db, bobAccount.id, true);
      const alice0 = await w.balance('alice');
      assert.deepEqual((await w.x(P, { username: 'bob', claim_id: ad, author_pay_password: 'pa' })).json, wr(20200, '调用钱包接口失败.', 'ledger_refused'));
      await setAccountFrozen(s.db, bobAccount.id, false);
      assert.equal(await w.balance('alice'), alice0);
      assert.equal((await db.selectFrom('content_purchases').selectAll().execute()).length, 0);
      assert.equal((await db.selectFrom('content').select('views').where('claim_id', '=', ad).executeTakeFirstOrThrow()).views, 0n);
    });

    test('X7–X13: page/num range (20101) before the body (20100, 20101)', async () => {
      for (const p of ['/v1/transactions/publisher/account', '/v1/content/publish/list']) {
        assert.equal(await code(`${p}/0/10`, {}), 20101);
        assert.equal(await code(`${p}/1/101`, {}), 20101);
        assert.equal(await code(`${p}/1/10`, {}), 20100);
        assert.equal(await code(`${p}/1/10`, { author: 'x'.repeat(65) }), 20101);
      }
      for (const p of ['/v1/transactions/customer/account', '/v1/content/consume/list']) {
        assert.equal(await code(`${p}/1/0`, {}), 20101);
        assert.equal(await code(`${p}/1/10`, { customer: '' }), 20100);
        assert.equal(await code(`${p}/1/10`, { customer: ['x'] }), 20101);
      }
      assert.equal(await code('/v1/transactions/publish/inout', {}), 20100);
      assert.equal(await code('/v1/transactions/publish/inout', { username: 1 }), 20101);
      assert.equal(await code('/v1/transactions/publish/count', {}), 20100);
      assert.equal(await code('/v1/transactions/publish/count', { author: 1 }), 20101);
      assert.equal(await code('/v1/transactions/publish/count', 'not json'), 20102);
      // No appkey: the common checks come first.
      assert.equal((await w.c.call('/v1/content/list/0/10', undefined, { method: 'GET' })).json.errcode, 10012);
    });

    test('§8.4 pay once: 20 parallel consumes by one customer → one transfer, one record', async () => {
      await w.wallet('rich', 'pr', '5');
      const rich0 = await w.balance('rich');
      const results = await Promise.all(
        Array.from({ length: 20 }, () => w.x('/v1/transactions/consume', { username: 'rich', claim_id: paid, customer_pay_password: 'pr' })),
      );
      for (const r of results) assert.deepEqual(r.json, { errcode: 0, reason: 'success', result: { ipfs_hash: 'QmHash' } });
      assert.equal(rich0 - (await w.balance('rich')), 30_000_000n);
      const db = w.c.server.services.db;
      const transfers = await db.selectFrom('ledger_transfers').select('txid').where('kind', '=', 'ulord.purchase').where('memo', 'like', `%${paid}`).execute();
      assert.equal(transfers.length, 1);
      const records = await db.selectFrom('content_purchases').select('txid').where('customer', '=', 'rich').execute();
      assert.deepEqual(records.map((r) => r.txid), [transfers[0]!.txid]);
      assert.equal((await db.selectFrom('content').select('views').where('claim_id', '=', paid).executeTakeFirstOrThrow()).views, 20n);
    });
  });
}
