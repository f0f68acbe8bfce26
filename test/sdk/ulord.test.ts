// The SDK's UlordClient against a real Plaza with the Ulord dialect, on both stores: wallets (create, pay, balance,
// developer wallet with and without the secret), paid content (publish, check, consume once, ads), the record and
// content lists, UlordApiError carrying errcode / reason / wallet_reason (HTTP 200 refusals included), an
// Idempotency-Key replay paying once, parallel purchases paying once, and the paid-content example.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { publishArticle, readArticle } from '../../sdk/examples/ulord-paid-content.js';
import { UlordApiError, UlordClient } from '../../sdk/src/index.js';
import { fastPasswords } from '../ulord/content.support.js';
import { setup, type Ctx, type Dev } from '../ulord/helpers.js';
import { fundDeveloper, fundUser, newApp, type TestApp } from '../ulord/walletFixtures.js';
import { STORES } from '../support/stores.js';

async function ulordRefusal(work: Promise<unknown>): Promise<UlordApiError> {
  try {
    await work;
  } catch (err) {
    assert.ok(err instanceof UlordApiError, `expected a UlordApiError, got ${String(err)}`);
    return err;
  }
  assert.fail('expected a refusal');
}

for (const kind of STORES) {
  describe(`SDK UlordClient against Plaza [${kind}]`, () => {
    let c: Ctx;
    let dev: Dev;
    let A: TestApp;
    let ulord: UlordClient;

    before(async () => {
      c = await setup(kind);
      c.server.services.passwords = fastPasswords;
      dev = await c.dev('owner');
      A = await newApp(c, dev, 'reader-app');
      ulord = new UlordClient({ baseUrl: c.server.baseUrl, appkey: A.appkey, secret: A.secret });
    });
    after(() => c.close());

    test('wallets: create, pay (idempotent), balance, developer wallet with the secret', async () => {
      assert.deepEqual(await ulord.createWallet('alice', 'pw-a'), { id: 'alice' });
      await ulord.createWallet('bob', 'pw-b');
      await fundUser(c, A, 'alice', '10');
      const paid = await ulord.payToUser({ send_user: 'alice', pay_password: 'pw-a', recv_user: 'bob', amount: '2.5' }, { idempotencyKey: 'pay-1' });
      assert.match(paid.txid, /^[0-9a-f]{64}$/);
      const again = await ulord.payToUser({ send_user: 'alice', pay_password: 'pw-a', recv_user: 'bob', amount: '2.5' }, { idempotencyKey: 'pay-1' });
      assert.equal(again.txid, paid.txid, 'replayed, not paid twice');
      const a = await ulord.balance('alice', 'pw-a');
      assert.equal(a.total, '7.5');
      assert.equal((await ulord.balance('bob', 'pw-b')).total, '2.5');

      await fundDeveloper(c, dev, '5');
      assert.equal((await ulord.developerBalance()).total, '5');
      await ulord.payFromDeveloper('bob', 1);
      assert.equal((await ulord.developerBalance()).total, '4');
      assert.equal((await ulord.balance('bob', 'pw-b')).total, '3.5');
    });

    test('refusals carry errcode, reason and wallet_reason (HTTP 200 and HTTP 4xx alike)', async () => {
      await ulord.createWallet('carol', 'pw-c');
      const taken = await ulordRefusal(ulord.createWallet('carol', 'other'));
      assert.deepEqual([taken.status, taken.errcode, taken.reason, taken.walletReason], [200, 20204, '创建钱包失败.', 'user_exists']);
      assert.deepEqual(taken.result, { wallet_reason: 'user_exists' });
      const short = await ulordRefusal(ulord.payToUser({ send_user: 'carol', pay_password: 'pw-c', recv_user: 'alice', amount: '1' }));
      assert.deepEqual([short.errcode, short.walletReason], [20206, 'insufficient_balance']);
      const wrong = await ulordRefusal(ulord.balance('carol', 'nope'));
      assert.deepEqual([wrong.errcode, wrong.walletReason], [20203, 'wrong_pay_password']);
      const bad = await ulordRefusal(ulord.payToUser({ send_user: 'carol', pay_password: 'pw-c', recv_user: 'alice', amount: '0.000000001' }));
      assert.deepEqual([bad.errcode, bad.reason, bad.result], [20101, '参数长度不符.', undefined]);

      const noSecret = new UlordClient({ baseUrl: c.server.baseUrl, appkey: A.appkey });
      await assert.rejects(noSecret.developerBalance(), TypeError);
      const wrongSecret = new UlordClient({ baseUrl: c.server.baseUrl, appkey: A.appkey, secret: 'f'.repeat(32) });
      assert.equal((await ulordRefusal(wrongSecret.developerBalance())).errcode, 10002);
      const unknownKey = new UlordClient({ baseUrl: c.server.baseUrl, appkey: '0'.repeat(32) });
      assert.deepEqual([(await ulordRefusal(unknownKey.balance('carol', 'pw-c'))).errcode], [10001]);

      const pageZero = await ulordRefusal(ulord.listContent(0, 10));
      assert.equal(pageZero.errcode, 20101);
      const conflict = await ulordRefusal(ulord.createWallet('dave', 'x', { idempotencyKey: 'w-1' }).then(() => ulord.createWallet('erin', 'x', { idempotencyKey: 'w-1' })));
      assert.deepEqual([conflict.status, conflict.errcode, conflict.reason], [400, 400, 'Bad Request.']);
    });

    test('paid content: publish, check, consume once (also in parallel), ads, lists and aggregates', async () => {
      const B = await newApp(c, dev, 'content-app');
      const u = new UlordClient({ baseUrl: c.server.baseUrl, appkey: B.appkey });
      for (const [name, pw] of [['writer', 'pw-w'], ['reader', 'pw-r'], ['viewer', 'pw-v']] as const) await u.createWallet(name, pw);
      await fundUser(c, B, 'writer', '5');
      await fundUser(c, B, 'reader', '3');
      const paid = await u.publish({ author: 'writer', pay_password: 'pw-w', title: 'Essay', ipfs_hash: 'QmEssay', content_type: '.txt', price: '0.5', tag: ['a', 'a', 'b'], description: 'long read' });
      assert.match(paid.claim_id, /^[0-9a-f]{40}$/);
      const ad = await u.publish({ author: 'writer', pay_password: 'pw-w', title: 'Ad', ipfs_hash: 'QmAd', content_type: '.png', price: -0.25 });

      assert.deepEqual(await u.check('reader', [paid.claim_id, ad.claim_id, 'f'.repeat(40)]), { [paid.claim_id]: false, [ad.claim_id]: false, ['f'.repeat(40)]: null });
      const unpaid = await ulordRefusal(u.consume({ username: 'reader', claim_id: paid.claim_id }));
      assert.deepEqual([unpaid.errcode, unpaid.reason], [20008, '资源需付费.']);
      const missing = await ulordRefusal(u.consume({ username: 'reader', claim_id: 'nope' }));
      assert.equal(missing.errcode, 20007);

      const buys = await Promise.all([1, 2, 3, 4].map(() => u.consume({ username: 'reader', claim_id: paid.claim_id, customer_pay_password: 'pw-r' })));
      assert.ok(buys.every((b) => b.ipfs_hash === 'QmEssay'));
      assert.equal((await u.balance('reader', 'pw-r')).total, '2.5', 'paid once');
      assert.equal((await u.check('reader', [paid.claim_id]))[paid.claim_id], 'QmEssay');
      assert.deepEqual(await u.consume({ username: 'viewer', claim_id: ad.claim_id, author_pay_password: 'pw-w' }), { ipfs_hash: 'QmAd' });
      assert.equal((await u.balance('viewer', 'pw-v')).total, '0.25');

      const sales = await u.publisherAccount('writer', 1, 10);
      assert.deepEqual([sales.total, sales.pages, sales.records.map((r) => [r.customer, r.price, r.id === r.claim_id])], [2, 1, [['reader', 0.5, true], ['viewer', -0.25, true]]]);
      const bought = await u.customerAccount('reader');
      assert.deepEqual(bought.records.map((r) => r.title), ['Essay']);
      const io = await u.inout('writer');
      assert.deepEqual([io.publisher_income, io.publisher_expenditure, io.customer_income], [{ count: 1, sum: 0.5 }, { count: 1, sum: -0.25 }, { count: 0, sum: null }]);
      assert.equal(await u.publishCount('writer'), 2);
      const list = await u.listContent(1, 1); // views counts every successful consume by a non-author (4 above)
      assert.deepEqual([list.total, list.pages, list.data.map((d) => [d.title, d.tags, d.des, d.views])], [2, 2, [['Essay', ['a', 'b'], 'long read', 4]]]);
      const consumed = await u.consumedContent('viewer');
      assert.deepEqual([consumed.ads.map((d) => d.title), consumed.consumes, consumed.total], [['Ad'], [], 1]);
      const mine = await u.publishedContent('writer', 2, 1);
      assert.deepEqual(mine.data.map((d) => [d.title, d.price]), [['Ad', -0.25]]);
    });

    test('example: publish an article and read it, buying once', async () => {
      const E = await newApp(c, dev, 'example-app');
      const u = new UlordClient({ baseUrl: c.server.baseUrl, appkey: E.appkey });
      await u.createWallet('ann', 'pw-ann');
      await u.createWallet('ben', 'pw-ben');
      await u.createWallet('cat', 'pw-cat');
      await fundUser(c, E, 'ben', '1');
      const { claim_id } = await publishArticle(u, 'ann', 'pw-ann', 'Notes', 'QmNotes', '0.75');
      assert.deepEqual(await readArticle(u, 'ben', 'pw-ben', claim_id, 'p1'), { ipfsHash: 'QmNotes' });
      assert.deepEqual(await readArticle(u, 'ben', 'pw-ben', claim_id, 'p2'), { ipfsHash: 'QmNotes' });
      assert.equal((await u.balance('ben', 'pw-ben')).total, '0.25');
      assert.equal((await u.balance('ann', 'pw-ann')).total, '0.75');
      assert.deepEqual(await readArticle(u, 'cat', 'pw-cat', claim_id, 'p3'), { refused: 'insufficient_balance' });
      assert.deepEqual(await readArticle(u, 'cat', 'pw-cat', 'e'.repeat(40), 'p4'), { refused: 'no such article' });
    });
  });
}
