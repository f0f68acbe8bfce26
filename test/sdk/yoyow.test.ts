// The SDK's YoyowClient against a real Plaza with the YOYOW dialect (the shared chain fixture: app P, users A and B
// consenting, C not), on both stores: reads (account, histories, consents, asset, blocks, posts, ads), secure writes
// encrypted by an injected node:crypto `encrypt` (transfer with an Idempotency-Key replay, licence, simple post,
// score, reward, ad create/buy/confirm), YoyowApiError with code / message / data (HTTP 200 refusals, the data-less
// transport refusals, 404), and the payout example.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { nodeEncrypt, payout, payoutConfirmed } from '../../sdk/examples/yoyow-payout.js';
import { YoyowApiError, YoyowClient } from '../../sdk/src/index.js';
import { STORES } from '../support/stores.js';
import { PLAZA_SECRET, startChainFixture, UID, UNUSED_UID, type ChainFixture } from '../yoyow/fixture.js';

async function yoyowRefusal(work: Promise<unknown>): Promise<YoyowApiError> {
  try {
    await work;
  } catch (err) {
    assert.ok(err instanceof YoyowApiError, `expected a YoyowApiError, got ${String(err)}`);
    return err;
  }
  assert.fail('expected a refusal');
}

for (const kind of STORES) {
  describe(`SDK YoyowClient against Plaza [${kind}]`, () => {
    let fx: ChainFixture;
    let yoyow: YoyowClient;
    before(async () => {
      fx = await startChainFixture(kind);
      yoyow = new YoyowClient({ baseUrl: fx.ctx.server.baseUrl, encrypt: nodeEncrypt(PLAZA_SECRET), now: () => fx.now() });
    });
    after(async () => {
      await fx?.close();
    });

    test('reads: account, consents, asset; refusals carry code, message and data', async () => {
      const a = await yoyow.account(UID.A);
      assert.deepEqual([a.uid, a.can_post, a.assets[0]!.symbol], [UID.A, true, 'YOYO']);
      const consents = await yoyow.authPermissions({ account: UID.A });
      assert.deepEqual(consents.map((c) => [c.account, c.platform, c.permission_flags, c.is_active]), [[UID.A, UID.P, 255, true]]);
      assert.deepEqual(await yoyow.authPermissions({ account: UID.C }), []);
      const asset = await yoyow.asset('yoyo');
      assert.deepEqual([asset.id, asset.symbol, asset.precision], ['1.3.0', 'YOYO', 5]);
      const badUid = await yoyowRefusal(yoyow.account(12345));
      assert.deepEqual([badUid.status, badUid.code, badUid.message, badUid.data], [200, 2002, '无效的账号', null]);
      const none = await yoyowRefusal(yoyow.account(UNUSED_UID));
      assert.deepEqual([none.code, none.message], [2001, '账号不存在']);
      const unknownAsset = await yoyowRefusal(yoyow.asset('NOPE'));
      assert.equal(unknownAsset.code, 2006);
      const limit = await yoyowRefusal(yoyow.histories(UID.A, { limit: 101 }));
      assert.deepEqual([limit.code, limit.message], [2000, 'invalid parameter: limit']);
      const unknownApp = new YoyowClient({ baseUrl: fx.ctx.server.baseUrl, appkey: 'f'.repeat(32) });
      const notFound = await yoyowRefusal(unknownApp.account(UID.A));
      assert.deepEqual([notFound.status, notFound.code, notFound.message], [404, 404, 'unknown app']);
    });

    test('transfer: exact display units, Idempotency-Key replay pays once, sealed block and history', async () => {
      const before0 = await fx.balances(UID.A);
      const first = await yoyow.transfer({ uid: UID.A, amount: '1.5' }, { idempotencyKey: 'tip-1' });
      assert.match(first.txid, /^[0-9a-f]{40}$/);
      const again = await yoyow.transfer({ uid: UID.A, amount: '1.5' }, { idempotencyKey: 'tip-1' });
      assert.deepEqual(again, first, 'replayed (re-encrypted with a fresh time, same payload)');
      assert.equal((await fx.balances(UID.A)).prepaid - before0.prepaid, 150_000n, 'paid once');
      assert.equal(await yoyow.block(first.block_num), null, 'not sealed yet');
      fx.ctx.clock.advance(3000);
      await fx.seal();
      const block = await yoyow.block(first.block_num);
      assert.ok(block?.transaction_ids.includes(first.txid));
      assert.equal(await yoyow.blockConfirmed(first.block_num), false, 'not deep enough yet');
      const history = await yoyow.histories(UID.A, { limit: 1 });
      assert.equal(history.length, 1);
      const newest = history[0]![1];
      assert.deepEqual([newest.op[0], newest.block_num], [0, first.block_num], 'the transfer (op 0) is the newest entry');
      const conflict = await yoyowRefusal(yoyow.transfer({ uid: UID.A, amount: '2' }, { idempotencyKey: 'tip-1' }));
      assert.deepEqual([conflict.status, conflict.code], [409, 409]);
      const tooPrecise = await yoyowRefusal(yoyow.transfer({ uid: UID.A, amount: '1.000001' }));
      assert.deepEqual([tooPrecise.code, tooPrecise.message], [2003, '无效的转账金额']);
      const short = await yoyowRefusal(yoyow.transfer({ uid: UID.A, amount: '100000' }));
      assert.deepEqual([short.code, short.message, short.data], [2005, '零钱不足', null]);
    });

    test('secure transport refusals: wrong secret (1005), stale time (1003), no encrypt (TypeError)', async () => {
      const wrong = new YoyowClient({ baseUrl: fx.ctx.server.baseUrl, encrypt: nodeEncrypt('0'.repeat(32)), now: () => fx.now() });
      const bad = await yoyowRefusal(wrong.transfer({ uid: UID.A, amount: '1' }));
      assert.deepEqual([bad.status, bad.code, bad.message, bad.data], [200, 1005, '无效的操作签名', null]);
      const stale = new YoyowClient({ baseUrl: fx.ctx.server.baseUrl, encrypt: nodeEncrypt(PLAZA_SECRET), now: () => fx.now() - 600_000 });
      const old = await yoyowRefusal(stale.createLicense({ title: 'late' }));
      assert.deepEqual([old.code, old.message], [1003, '请求已过期.']);
      const readOnly = new YoyowClient({ baseUrl: fx.ctx.server.baseUrl });
      await assert.rejects(readOnly.createLicense(), TypeError);
    });

    test('posts: licence, simple post for a consenting user, read back, score once, reward', async () => {
      const lic = await yoyow.createLicense({ title: 'CC', body: 'by' });
      assert.ok(lic.license.license_lid >= 2);
      const posted = await yoyow.simplePost({ poster: UID.A, title: 'Hello', body: 'text', license_lid: lic.license.license_lid });
      const pid = posted.post.post_pid as number;
      const post = await yoyow.post({ poster: UID.A, post_pid: pid });
      assert.deepEqual([post?.title, post?.body, post?.license_lid, post?.platform], ['Hello', '', lic.license.license_lid, UID.P]);
      assert.equal(await yoyow.post({ poster: UID.A, post_pid: pid + 50 }), null);
      const list = await yoyow.postList({ poster: UID.A });
      assert.equal(list[0]?.id, post?.id, 'newest first');
      await yoyow.score({ from_account: UID.B, poster: UID.A, pid, score: 5, csaf: 10 });
      const twice = await yoyowRefusal(yoyow.score({ from_account: UID.B, poster: UID.A, pid, score: 5, csaf: 10 }));
      assert.deepEqual([twice.code, twice.message], [2000, 'already scored']);
      const b0 = await fx.balances(UID.B);
      const reward = await yoyow.rewardProxy({ from_account: UID.B, poster: UID.A, pid, amount: 5000 });
      assert.match(reward.txid, /^[0-9a-f]{40}$/);
      assert.ok(b0.prepaid - (await fx.balances(UID.B)).prepaid >= 5000n);
      const noConsent = await yoyowRefusal(yoyow.rewardProxy({ from_account: UID.C, poster: UID.A, pid, amount: 1 }));
      assert.deepEqual([noConsent.code, noConsent.message], [1007, '未授权该平台']);
    });

    test('advertising: create, buy (escrow), confirm; listings', async () => {
      const created = await yoyow.createAdvertising({ description: 'banner', unit_price: 5_000_000, unit_time: 86_400 });
      const aid = created.advertising.advertising_aid;
      const ads = await yoyow.advertisings();
      assert.deepEqual(ads.filter((x) => x.advertising_aid === aid).map((x) => [x.description, x.on_sell]), [['banner', true]]);
      const start = Math.floor(fx.now() / 1000) + 3600;
      const bought = await yoyow.buyAdvertising({ account: UID.B, advertising_aid: aid, start_time: start, buy_number: 2 });
      const oid = bought.advertising.advertising_order_oid;
      const byBuyer = await yoyow.advertisingOrders({ filter: 0, purchaser: UID.B });
      assert.deepEqual(byBuyer.map((o) => [o.advertising_aid, o.status, o.released_balance]), [[aid, 'advertising_undetermined', 10_000_000]]);
      await yoyow.confirmAdvertising({ advertising_aid: aid, advertising_order_oid: oid, isconfirm: true });
      const bySlot = await yoyow.advertisingOrders({ advertising_aid_type: aid });
      assert.deepEqual(bySlot.map((o) => [o.advertising_order_oid, o.status]), [[oid, 'advertising_accepted']]);
      const handled = await yoyowRefusal(yoyow.confirmAdvertising({ advertising_aid: aid, advertising_order_oid: oid, isconfirm: false }));
      assert.deepEqual([handled.code, handled.message], [2000, 'order already handled']);
      const own = await yoyowRefusal(yoyow.buyAdvertising({ account: UID.P, advertising_aid: aid, start_time: start, buy_number: 1 }));
      assert.equal(own.code, 2000);
    });

    test('example: an idempotent payout, then its confirmation on the chain', async () => {
      const b0 = await fx.balances(UID.B);
      const paid = await payout(yoyow, UID.B, '2.5', 'p-1');
      assert.ok(paid.paid);
      assert.deepEqual(await payout(yoyow, UID.B, '2.5', 'p-1'), paid, 'the retry replays');
      assert.equal((await fx.balances(UID.B)).prepaid - b0.prepaid, 250_000n);
      assert.equal(await payoutConfirmed(yoyow, paid.txid, paid.blockNum), false);
      fx.ctx.clock.advance(3000);
      for (let i = 0; i <= fx.ctx.server.services.config.irreversibleAfterBlocks; i++) await fx.seal();
      assert.equal(await payoutConfirmed(yoyow, paid.txid, paid.blockNum), true);
      assert.deepEqual(await payout(yoyow, UID.B, '1000000', 'p-2'), { paid: false });
    });
  });
}
