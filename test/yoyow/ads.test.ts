// Advertising (spec/yoyow.md §4.16–§4.22, §5.9, examples 15–16): slots, buy with escrow, confirm (fee arithmetic,
// overlap refusals), refuse, ransom timing with the controllable clock, every refusal in the order of §3.4 (one
// defect at a time), listings and their filters, histories of ops 42–46, and escrow netting to zero.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { STORES } from '../support/stores.js';
import { decryptMemo, privateKeyOf, publicKeysOf } from '../../src/modules/yoyow/keys/index.js';
import { createAd, escrowBalance } from './adsKit.js';
import { startChainFixture, UID, UNUSED_UID, type ChainFixture } from './fixture.js';

const refusal = (code: number, message: string) => ({ code, data: null, message });
const DAY = 86_400;

const nowS = (fx: ChainFixture) => Math.floor(fx.now() / 1000);

for (const kind of STORES) {
  describe(`yoyow advertising [${kind}]`, () => {
    let fx: ChainFixture;
    before(async () => {
      fx = await startChainFixture(kind);
    });
    after(async () => {
      await fx?.close();
    });

    test('example 15: create, buy, confirm; the order is listed by purchaser', async () => {
      const p0 = await fx.balances(UID.P);
      const r1 = await fx.post('/api/v2/advertisings', { description: 'V', unit_price: 5000000, unit_time: 86400 });
      assert.equal(r1.json.code, 0, r1.text);
      assert.deepEqual(Object.keys(r1.json.data), ['block_num', 'txid', 'advertising']);
      assert.match(r1.json.data.txid, /^[0-9a-f]{40}$/);
      const aid = r1.json.data.advertising.advertising_aid;
      assert.equal(aid, 1, 'the platform had no slot: last + 1');
      assert.deepEqual(r1.json.data.advertising, { platform: UID.P, description: 'V', unit_price: 5000000, unit_time: 86400, advertising_aid: 1, fee: { total: { amount: 1000, asset_id: 0 } } });
      const p1 = await fx.balances(UID.P);
      assert.equal(p0.csaf - p1.csaf, 1000n);

      const b0 = await fx.balances(UID.B);
      const start = nowS(fx) + 3600;
      const r2 = await fx.post('/api/v2/advertising/buy', { account: 31479, advertising_aid: aid, start_time: start, buy_number: 2 });
      assert.equal(r2.json.code, 0, r2.text);
      assert.deepEqual(r2.json.data.advertising, {
        platform: UID.P,
        advertising_aid: aid,
        advertising_order_oid: 1,
        from_account: UID.B,
        start_time: new Date(start * 1000).toISOString().slice(0, 19),
        buy_number: 2,
        extra_data: '',
        fee: { total: { amount: 1000, asset_id: 0 } },
      });
      const b1 = await fx.balances(UID.B);
      assert.equal(b0.prepaid - b1.prepaid, 10_000_000n);
      assert.equal(b0.csaf - b1.csaf, 1000n, 'the buyer pays the fee (csaf)');
      assert.equal(await escrowBalance(fx), 10_000_000n);
      const consent = (await fx.get(`/api/v2/authPermissions?account=${UID.B}`)).json.data[0];
      assert.equal(consent.cur_used, 10_000_000);
      let orders = (await fx.get(`/api/v2/advertising_orders?filter=0&purchaser=31479`)).json;
      assert.equal(orders.code, 0);
      assert.equal(orders.data.length, 1);
      assert.equal(orders.data[0].status, 'advertising_undetermined');
      assert.equal(orders.data[0].handle_time, '1970-01-01T00:00:00');

      const r3 = await fx.post('/api/v2/advertising/confirm', { advertising_aid: aid, advertising_order_oid: 1, isconfirm: true });
      assert.equal(r3.json.code, 0, r3.text);
      assert.deepEqual(r3.json.data.advertising, { platform: UID.P, advertising_aid: aid, advertising_order_oid: 1, isconfirm: true, fee: { total: { amount: 1000, asset_id: 0 } } });
      const p2 = await fx.balances(UID.P);
      assert.equal(p2.balance - p1.balance, 8_000_000n, 'price − max(0.1 %, 20 YOYO)');
      assert.equal(await escrowBalance(fx), 0n, 'escrow nets to zero after settlement');
      orders = (await fx.get(`/api/v2/advertising_orders?filter=0&purchaser=31479`)).json;
      const o = orders.data[0];
      assert.deepEqual(Object.keys(o), ['id', 'advertising_order_oid', 'platform', 'advertising_aid', 'user', 'released_balance', 'start_time', 'end_time', 'buy_request_time', 'status', 'handle_time', 'extra_data']);
      assert.match(o.id, /^2\.19\.[0-9]+$/);
      assert.equal(o.status, 'advertising_accepted');
      assert.equal(o.user, UID.B);
      assert.equal(o.released_balance, 10_000_000);
      assert.equal(o.end_time, new Date((start + 2 * DAY) * 1000).toISOString().slice(0, 19));
      assert.equal(o.handle_time, new Date(Math.floor(fx.now() / 1000) * 1000).toISOString().slice(0, 19));

      // Histories: op 44 in B's and P's, op 45 in B's.
      const hb = (await fx.get(`/api/v2/accounts/${UID.B}/histories?limit=2`)).json.data.map((e: [number, { op: [number, Record<string, unknown>] }]) => e[1].op);
      assert.equal(hb[0][0], 45);
      assert.deepEqual(Object.keys(hb[0][1]), ['fee', 'platform', 'advertising_aid', 'advertising_order_oid', 'isconfirm']);
      assert.equal(hb[1][0], 44);
      assert.deepEqual(Object.keys(hb[1][1]), ['fee', 'advertising_order_oid', 'from_account', 'platform', 'advertising_aid', 'start_time', 'buy_number', 'extra_data']);
      const hp = (await fx.get(`/api/v2/accounts/${UID.P}/histories?op_type=42&limit=1`)).json.data[0][1];
      assert.deepEqual(Object.keys(hp.op[1]), ['fee', 'advertising_aid', 'platform', 'unit_time', 'unit_price', 'description']);
      assert.deepEqual(hp.result, [1, `2.18.${(await fx.get('/api/v2/advertisings')).json.data[0].id.split('.')[2]}`]);
    });

    test('fee arithmetic: 0.1 % above the minimum; the alias routes; update echoes only the fields sent', async () => {
      const r = await fx.post('/api/v2/advertising', { unit_price: '3000000000', unit_time: 60 });
      assert.equal(r.json.code, 0, r.text);
      const aid = r.json.data.advertising.advertising_aid;
      assert.equal(r.json.data.advertising.description, '');
      const u = await fx.post('/api/v2/advertising/update', { advertising_aid: String(aid), unit_time: 120, on_sell: 'false' });
      assert.equal(u.json.code, 0, u.text);
      assert.deepEqual(u.json.data.advertising, { platform: UID.P, advertising_aid: aid, unit_time: 120, on_sell: false, fee: { total: { amount: 1000, asset_id: 0 } } });
      assert.deepEqual((await fx.post('/api/v2/advertising/buy', { account: UID.B, advertising_aid: aid, start_time: nowS(fx), buy_number: 1 })).json, refusal(2000, 'advertising not on sale'));
      assert.equal((await fx.post('/api/v2/advertising/update', { advertising_aid: aid, on_sell: true })).json.code, 0);
      await fx.issue(UID.B, '100000', 'prepaid');
      const p0 = await fx.balances(UID.P);
      const buy = await fx.post('/api/v2/advertising/buy', { from_account: 'bob', advertising_aid: aid, start_time: new Date((nowS(fx) + 10) * 1000).toISOString().slice(0, 19), buy_number: 1, extra_data: 'x' });
      assert.equal(buy.json.code, 0, buy.text);
      assert.equal(buy.json.data.advertising.from_account, UID.B);
      assert.equal((await fx.post('/api/v2/advertising/confirm', { advertising_aid: aid, advertising_order_oid: 1, isconfirm: 1 })).json.code, 0);
      // price 3000000000; fee = 3000000 (0.1 %) > 2000000
      assert.equal((await fx.balances(UID.P)).balance - p0.balance, 3_000_000_000n - 3_000_000n);
      assert.equal(await escrowBalance(fx), 0n);
      const ads = (await fx.get(`/api/v2/advertising?platform=${UID.P}`)).json.data;
      const slot = ads.find((a: { advertising_aid: number }) => a.advertising_aid === aid);
      assert.deepEqual(Object.keys(slot), ['id', 'advertising_aid', 'platform', 'on_sell', 'unit_time', 'unit_price', 'description', 'last_order_sequence', 'publish_time', 'last_update_time']);
      assert.equal(slot.unit_price, 3000000000);
      assert.equal(slot.unit_time, 120);
      assert.equal(slot.last_order_sequence, 1);
      assert.equal(slot.on_sell, true);
    });

    test('confirm refuses and refunds every undetermined order whose period overlaps; isconfirm false refunds', async () => {
      const aid = await createAd(fx, { unit_price: 3_000_000, unit_time: 100 });
      const t = nowS(fx) + 1000;
      const buy = (start: number, n = 1, account: number = UID.B) => fx.post('/api/v2/advertising/buy', { account, advertising_aid: aid, start_time: start, buy_number: n });
      const b0 = await fx.balances(UID.B);
      for (const [start, n] of [
        [t, 2], // oid 1: [t, t+200)
        [t + 100, 1], // oid 2: [t+100, t+200) overlaps 1
        [t + 200, 1], // oid 3: [t+200, t+300) touches 1: no overlap
        [t - 50, 1], // oid 4: [t-50, t+50) overlaps 1
        [t + 300, 1], // oid 5
      ] as const) {
        const r = await buy(start, n);
        assert.equal(r.json.code, 0, r.text);
      }
      assert.equal(await escrowBalance(fx), 6n * 3_000_000n);
      const c = await fx.post('/api/v2/advertising/confirm', { advertising_aid: aid, advertising_order_oid: 1, isconfirm: true });
      assert.equal(c.json.code, 0, c.text);
      const list = (await fx.get(`/api/v2/advertising_orders?advertising_aid_type=${aid}`)).json.data;
      assert.deepEqual(
        list.map((o: { advertising_order_oid: number; status: string }) => [o.advertising_order_oid, o.status]),
        [
          [1, 'advertising_accepted'],
          [2, 'advertising_refused'],
          [3, 'advertising_undetermined'],
          [4, 'advertising_refused'],
          [5, 'advertising_undetermined'],
        ],
      );
      assert.notEqual(list[1].handle_time, '1970-01-01T00:00:00');
      // The refused buyer is refunded: B paid 6 units, 2 refunded, 2 settled, 2 still in escrow.
      assert.equal(b0.prepaid - (await fx.balances(UID.B)).prepaid, 4n * 3_000_000n);
      assert.equal(await escrowBalance(fx), 2n * 3_000_000n);
      // B's history lists the confirm once (buyer of 1 and of the refused orders).
      const h = (await fx.get(`/api/v2/accounts/${UID.B}/histories?op_type=45&limit=5`)).json.data;
      assert.equal(h[0][1].op[1].advertising_order_oid, 1);
      // a buy overlapping the accepted order is refused
      assert.deepEqual((await buy(t + 199)).json, refusal(2000, 'purchase period conflicts with an accepted order'));
      assert.deepEqual((await buy(t - 99)).json, refusal(2000, 'purchase period conflicts with an accepted order'));
      // refuse 3, handled twice
      const before = (await fx.balances(UID.B)).prepaid;
      const p0 = await fx.balances(UID.P);
      const r = await fx.post('/api/v2/advertising/confirm', { advertising_aid: aid, advertising_order_oid: 3, isconfirm: false });
      assert.equal(r.json.code, 0, r.text);
      assert.equal(r.json.data.advertising.isconfirm, false);
      assert.equal((await fx.balances(UID.B)).prepaid - before, 3_000_000n);
      assert.equal((await fx.balances(UID.P)).balance, p0.balance);
      assert.deepEqual((await fx.post('/api/v2/advertising/confirm', { advertising_aid: aid, advertising_order_oid: 3, isconfirm: true })).json, refusal(2000, 'order already handled'));
      assert.deepEqual((await fx.post('/api/v2/advertising/confirm', { advertising_aid: aid, advertising_order_oid: 2, isconfirm: true })).json, refusal(2000, 'order already handled'));
      assert.equal((await fx.post('/api/v2/advertising/confirm', { advertising_aid: aid, advertising_order_oid: 5, isconfirm: false })).json.code, 0);
      assert.equal(await escrowBalance(fx), 0n);
    });

    test('example 16: ransom only after 7 days, only by the buyer, only while undetermined', async () => {
      const aid = await createAd(fx, { unit_price: 3_000_000, unit_time: 100 });
      const buy = await fx.post('/api/v2/advertising/buy', { account: UID.B, advertising_aid: aid, start_time: nowS(fx) + 10, buy_number: 1 });
      assert.equal(buy.json.code, 0, buy.text);
      const ransom = (from: unknown = UID.B, oid = 1) => fx.post('/api/v2/advertising/ransom', { from_account: from, advertising_aid: aid, advertising_order_oid: oid }).then((r) => r.json);
      assert.deepEqual(await ransom(), refusal(2000, 'ransom not allowed yet'));
      fx.ctx.clock.advance(7 * DAY * 1000);
      assert.deepEqual(await ransom(), refusal(2000, 'ransom not allowed yet'), 'exactly 7 days is not "more than"');
      fx.ctx.clock.advance(1000);
      assert.deepEqual(await ransom(UID.A), refusal(2000, 'not the buyer of this order'));
      assert.deepEqual(await ransom(UID.C), refusal(1007, '未授权该平台'));
      assert.deepEqual(await ransom(UID.P), refusal(2000, 'not the buyer of this order'));
      assert.deepEqual(await ransom(UID.B, 9), refusal(2000, 'advertising order not found'));
      const b0 = await fx.balances(UID.B);
      const r = await ransom('bob');
      assert.equal(r.code, 0, JSON.stringify(r));
      assert.deepEqual(r.data.advertising, { from_account: UID.B, platform: UID.P, advertising_aid: aid, advertising_order_oid: 1, fee: { total: { amount: 0, asset_id: 0 } } });
      assert.equal((await fx.balances(UID.B)).prepaid - b0.prepaid, 3_000_000n);
      const o = (await fx.get(`/api/v2/advertising_orders?advertising_aid_type=${aid}`)).json.data[0];
      assert.equal(o.status, 'advertising_ransom');
      assert.deepEqual(await ransom(), refusal(2000, 'order already handled'));
      assert.deepEqual((await fx.post('/api/v2/advertising/confirm', { advertising_aid: aid, advertising_order_oid: 1, isconfirm: true })).json, refusal(2000, 'order already handled'));
      const h = (await fx.get(`/api/v2/accounts/${UID.P}/histories?op_type=46&limit=1`)).json.data[0][1].op;
      assert.deepEqual(Object.keys(h[1]), ['fee', 'from_account', 'platform', 'advertising_aid', 'advertising_order_oid']);
      assert.equal(await escrowBalance(fx), 0n);
    });

    test('buy: every refusal in the order of §3.4, one defect at a time', async () => {
      const aid = await createAd(fx, { unit_price: 1_000_000, unit_time: 100 });
      const post = (p: Record<string, unknown>) => fx.post('/api/v2/advertising/buy', p).then((r) => r.json);
      const ok = { account: UID.B, advertising_aid: aid, start_time: nowS(fx) + 100, buy_number: 3 };
      const without = (k: string) => Object.fromEntries(Object.entries(ok).filter(([key]) => key !== k));
      // A: shape, in the table's field order
      assert.deepEqual(await post({ ...without('account'), advertising_aid: 0 }), refusal(2000, 'missing parameter: account'));
      assert.deepEqual(await post({ ...ok, account: true, advertising_aid: 0 }), refusal(2000, 'invalid parameter: account'));
      assert.deepEqual(await post({ ...without('advertising_aid'), start_time: 'x' }), refusal(2000, 'missing parameter: advertising_aid'));
      assert.deepEqual(await post({ ...ok, advertising_aid: 0, start_time: 'x' }), refusal(2000, 'invalid parameter: advertising_aid'));
      assert.deepEqual(await post({ ...without('start_time'), buy_number: 0 }), refusal(2000, 'missing parameter: start_time'));
      for (const bad of ['x', '2026-13-01T00:00:00', -5, 1.5, true]) assert.deepEqual(await post({ ...ok, start_time: bad, buy_number: 0 }), refusal(2000, 'invalid parameter: start_time'), String(bad));
      assert.deepEqual(await post({ ...without('buy_number'), extra_data: 5 }), refusal(2000, 'missing parameter: buy_number'));
      assert.deepEqual(await post({ ...ok, buy_number: 0 }), refusal(2000, 'invalid parameter: buy_number'));
      assert.deepEqual(await post({ ...ok, extra_data: 'x'.repeat(8193) }), refusal(2000, 'invalid parameter: extra_data'));
      assert.deepEqual(await post({ ...ok, memo: 'x'.repeat(2049), account: UID.P }), refusal(2000, 'invalid parameter: memo'));
      assert.deepEqual(await post({ ...ok, account: UID.P, advertising_aid: 999 }), refusal(2000, 'platform cannot buy its own advertising'));
      assert.deepEqual(await post({ ...ok, account: 30834, platform: '30834' }), refusal(2000, 'platform cannot buy its own advertising'), 'stage A before B');
      // B: platform, then account
      assert.deepEqual(await post({ ...ok, platform: 30834 }), refusal(2002, '无效的账号'));
      assert.deepEqual(await post({ ...ok, account: 30834 }), refusal(2002, '无效的账号'));
      assert.deepEqual(await post({ ...ok, account: 30834, platform: UNUSED_UID }), refusal(2002, '无效的账号'));
      // C
      assert.deepEqual(await post({ ...ok, platform: UNUSED_UID }), refusal(2001, '账号不存在'));
      assert.deepEqual(await post({ ...ok, account: UNUSED_UID }), refusal(2001, '账号不存在'));
      assert.deepEqual(await post({ ...ok, account: UNUSED_UID, platform: UID.A }), refusal(2001, '账号不存在'));
      assert.deepEqual(await post({ ...ok, account: 'nobody' }), refusal(2001, '账号不存在'));
      assert.deepEqual(await post({ ...ok, account: `yoyo${UID.P}` }), refusal(2000, 'platform cannot buy its own advertising'));
      // D
      assert.deepEqual(await post({ ...ok, platform: UID.A }), refusal(1007, '未授权该平台'));
      assert.deepEqual(await post({ ...ok, account: UID.C }), refusal(1007, '未授权该平台'));
      assert.equal((await fx.consent(UID.A, UID.P, { permission_flags: 255 - 32 })).status, 200);
      assert.deepEqual(await post({ ...ok, account: UID.A }), refusal(1007, '未授权该平台'));
      assert.equal((await fx.consent(UID.A, UID.P, { permission_flags: 255 })).status, 200);
      // E
      const csaf = (await fx.balances(UID.B)).csaf;
      await fx.setYoyow(UID.P, { fees: { advertising_buy: Number(csaf + 1n) } });
      assert.deepEqual(await post({ ...ok, advertising_aid: 999 }), refusal(2004, '零钱和积分不足支付操作手续费'));
      await fx.setYoyow(UID.P, { fees: {} });
      // F, in the order of §4.18
      assert.deepEqual(await post({ ...ok, advertising_aid: 999, start_time: 1 }), refusal(2000, 'advertising not found'));
      assert.deepEqual(await post({ ...ok, start_time: nowS(fx) - 61, buy_number: 10 ** 9 }), refusal(2000, 'start_time out of range'));
      assert.deepEqual(await post({ ...ok, start_time: nowS(fx) + 10 * 365 * DAY + 1 }), refusal(2000, 'start_time out of range'));
      assert.deepEqual(await post({ ...ok, buy_number: 10 * 365 * DAY / 100 + 1, account: UID.A }), refusal(2000, 'purchase period too long'));
      assert.deepEqual(await post({ ...ok, buy_number: 2 }), refusal(2000, 'price must exceed the minimum confirmation fee'));
      assert.deepEqual(await post({ ...ok, account: UID.A, buy_number: 3 }), refusal(2005, '零钱不足'), 'A has not enough prepaid');
      // a consent limit below the price → 2005 too
      assert.equal((await fx.consent(UID.B, UID.P, { max_limit: String((await fx.get(`/api/v2/authPermissions?account=${UID.B}`)).json.data[0].cur_used + 2_999_999) })).status, 200);
      assert.deepEqual(await post(ok), refusal(2005, '零钱不足'));
      assert.equal((await fx.consent(UID.B, UID.P, { max_limit: null })).status, 200);
      // the 60 s grace, ms and timestamp text
      const b0 = await fx.balances(UID.B);
      assert.equal((await post({ ...ok, start_time: nowS(fx) - 60 })).code, 0);
      assert.equal((await post({ ...ok, start_time: fx.now() + 5 * DAY * 1000 })).code, 0);
      assert.equal((await post({ ...ok, start_time: String(nowS(fx) + 9 * DAY), memo: 'hello' })).code, 0);
      assert.equal(b0.prepaid - (await fx.balances(UID.B)).prepaid, 9_000_000n);
      const orders = (await fx.get(`/api/v2/advertising_orders?platform=${UID.P}&advertising_aid_type=${aid}`)).json.data;
      assert.equal(orders.length, 3);
      assert.equal(orders[1].start_time, new Date((nowS(fx) + 5 * DAY) * 1000).toISOString().slice(0, 19));
      assert.deepEqual(Object.keys(orders[2].memo), ['from', 'to', 'nonce', 'message']);
      assert.equal(orders[0].memo, undefined);
      // the memo is encrypted buyer → platform: the platform's memo key reads it
      const s = fx.ctx.server.services;
      const pPriv = await privateKeyOf(s.db, UID.P, 'memo', s.box);
      assert.equal(decryptMemo(pPriv!, orders[2].memo.from, orders[2].memo), 'hello');
      assert.equal(orders[2].memo.from, (await publicKeysOf(s.db, UID.B))!.memo);
    });

    test('use_csaf false: the buyer pays the fee from prepaid, counted in cur_used with the price', async () => {
      const aid = await createAd(fx, { unit_price: 3_000_000, unit_time: 100 });
      await fx.setYoyow(UID.P, { use_csaf: false, fees: { advertising_buy: 5000 } });
      const b0 = await fx.balances(UID.B);
      const used0 = (await fx.get(`/api/v2/authPermissions?account=${UID.B}`)).json.data[0].cur_used;
      const r = await fx.post('/api/v2/advertising/buy', { account: UID.B, advertising_aid: aid, start_time: nowS(fx) + 100, buy_number: 1 });
      assert.equal(r.json.code, 0, r.text);
      assert.deepEqual(r.json.data.advertising.fee, { total: { amount: 5000, asset_id: 0 } });
      const b1 = await fx.balances(UID.B);
      assert.equal(b0.prepaid - b1.prepaid, 3_005_000n);
      assert.equal(b1.csaf, b0.csaf);
      assert.equal((await fx.get(`/api/v2/authPermissions?account=${UID.B}`)).json.data[0].cur_used - used0, 3_005_000);
      await fx.setYoyow(UID.P, { use_csaf: true, fees: {} });
      // refusal: the price is refunded, cur_used is not lowered (§5.5)
      assert.equal((await fx.post('/api/v2/advertising/confirm', { advertising_aid: aid, advertising_order_oid: 1, isconfirm: false })).json.code, 0);
      assert.equal((await fx.balances(UID.B)).prepaid, b1.prepaid + 3_000_000n);
      assert.equal((await fx.get(`/api/v2/authPermissions?account=${UID.B}`)).json.data[0].cur_used - used0, 3_005_000);
    });

    test('2008: a buy memo while the buyer has no memo key', async () => {
      const aid = await createAd(fx, { unit_price: 3_000_000, unit_time: 100 });
      await fx.ctx.server.services.db.deleteFrom('yoyow_keys').where('uid', '=', UID.A).where('role', '=', 'memo').execute();
      await fx.issue(UID.A, '100', 'prepaid');
      const ok = { account: UID.A, advertising_aid: aid, start_time: nowS(fx) + 100, buy_number: 1 };
      assert.deepEqual((await fx.post('/api/v2/advertising/buy', { ...ok, memo: 'm' })).json, refusal(2008, '无效的备注私钥'));
      assert.equal((await fx.post('/api/v2/advertising/buy', ok)).json.code, 0, 'without a memo it works');
    });

    test('update, confirm, create: refusals in order', async () => {
      const aid = await createAd(fx);
      const up = (p: Record<string, unknown>) => fx.post('/api/v2/advertising/update', p).then((r) => r.json);
      assert.deepEqual(await up({ unit_price: 0 }), refusal(2000, 'missing parameter: advertising_aid'));
      assert.deepEqual(await up({ advertising_aid: 'a' }), refusal(2000, 'invalid parameter: advertising_aid'));
      assert.deepEqual(await up({ advertising_aid: aid, unit_price: 0 }), refusal(2000, 'invalid parameter: unit_price'));
      assert.deepEqual(await up({ advertising_aid: aid, unit_time: 4294967296 }), refusal(2000, 'invalid parameter: unit_time'));
      assert.deepEqual(await up({ advertising_aid: aid, on_sell: 'yes' }), refusal(2000, 'invalid parameter: on_sell'));
      assert.deepEqual(await up({ advertising_aid: aid, platform: 30834 }), refusal(2000, 'nothing to update'));
      assert.deepEqual(await up({ advertising_aid: aid, platform: 30834, on_sell: true }), refusal(2002, '无效的账号'));
      assert.deepEqual(await up({ advertising_aid: aid, platform: UNUSED_UID, on_sell: true }), refusal(2001, '账号不存在'));
      assert.deepEqual(await up({ advertising_aid: aid, platform: UID.A, on_sell: true }), refusal(1007, '未授权该平台'));
      assert.deepEqual(await up({ advertising_aid: 999, on_sell: true }), refusal(2000, 'advertising not found'));
      assert.deepEqual(await up({ advertising_aid: aid, on_sell: true }), refusal(2000, 'on_sell unchanged'));
      assert.equal((await up({ advertising_aid: aid, description: 'new', unit_price: '7' })).code, 0);

      const cf = (p: Record<string, unknown>) => fx.post('/api/v2/advertising/confirm', p).then((r) => r.json);
      assert.deepEqual(await cf({ advertising_order_oid: 1, isconfirm: true }), refusal(2000, 'missing parameter: advertising_aid'));
      assert.deepEqual(await cf({ advertising_aid: aid, isconfirm: true }), refusal(2000, 'missing parameter: advertising_order_oid'));
      assert.deepEqual(await cf({ advertising_aid: aid, advertising_order_oid: 1 }), refusal(2000, 'missing parameter: isconfirm'));
      assert.deepEqual(await cf({ advertising_aid: aid, advertising_order_oid: 1, isconfirm: 'maybe' }), refusal(2000, 'invalid parameter: isconfirm'));
      assert.deepEqual(await cf({ advertising_aid: aid, advertising_order_oid: 1, isconfirm: true, platform: UID.A }), refusal(1007, '未授权该平台'));
      assert.deepEqual(await cf({ advertising_aid: 999, advertising_order_oid: 1, isconfirm: true }), refusal(2000, 'advertising not found'));
      assert.deepEqual(await cf({ advertising_aid: aid, advertising_order_oid: 1, isconfirm: true }), refusal(2000, 'advertising order not found'));
      const p = await fx.balances(UID.P);
      await fx.setYoyow(UID.P, { fees: { advertising_confirm: Number(p.csaf + 1n) } });
      assert.deepEqual(await cf({ advertising_aid: 999, advertising_order_oid: 1, isconfirm: true }), refusal(2004, '零钱和积分不足支付操作手续费'));
      await fx.setYoyow(UID.P, { fees: {} });

      const cr = (q: Record<string, unknown>) => fx.post('/api/v2/advertisings', q).then((r) => r.json);
      assert.deepEqual(await cr({ description: 5, unit_time: 1 }), refusal(2000, 'missing parameter: unit_price'));
      assert.deepEqual(await cr({ description: 'x'.repeat(4097), unit_price: 1, unit_time: 1 }), refusal(2000, 'invalid parameter: description'));
      assert.deepEqual(await cr({ unit_price: 1 }), refusal(2000, 'missing parameter: unit_time'));
      assert.deepEqual(await cr({ unit_price: 1, unit_time: 0 }), refusal(2000, 'invalid parameter: unit_time'));
      assert.deepEqual(await cr({ unit_price: 1, unit_time: 1, platform: 12345 }), refusal(2002, '无效的账号'));
      assert.deepEqual(await cr({ unit_price: 1, unit_time: 1, platform: UID.B }), refusal(1007, '未授权该平台'));
    });

    test('lists: bounds, limits, filters and their refusals', async () => {
      const all = (await fx.get('/api/v2/advertisings')).json.data;
      assert.ok(all.length >= 5);
      assert.deepEqual(all.map((a: { advertising_aid: number }) => a.advertising_aid), all.map((_: unknown, i: number) => i + 1));
      assert.deepEqual((await fx.get('/api/v2/advertisings?lower_bound_advertising=3&limit=2')).json.data.map((a: { advertising_aid: number }) => a.advertising_aid), [3, 4]);
      assert.deepEqual((await fx.get(`/api/v2/advertisings?lower_bound_advertising=${all[2].id}&limit=1`)).json.data[0].advertising_aid, 3);
      assert.equal((await fx.get('/api/v2/advertisings?lower_bound_advertising=0.0.0')).json.data.length, all.length);
      assert.deepEqual((await fx.get(`/api/v2/advertisings?platform=${UID.A}`)).json.data, []);
      assert.deepEqual((await fx.get('/api/v2/advertisings?lower_bound_advertising=1.2.3')).json, refusal(2000, 'invalid parameter: lower_bound_advertising'));
      assert.deepEqual((await fx.get('/api/v2/advertisings?limit=101')).json, refusal(2000, 'invalid parameter: limit'));
      assert.deepEqual((await fx.get('/api/v2/advertisings?platform=30834')).json, refusal(2002, '无效的账号'));
      assert.deepEqual((await fx.get(`/api/v2/advertisings?platform=${UNUSED_UID}`)).json, refusal(2001, '账号不存在'));

      const mine = (await fx.get(`/api/v2/advertising_orders?filter=0&purchaser=${UID.B}`)).json.data;
      assert.ok(mine.length >= 5);
      const ids = mine.map((o: { id: string }) => Number(o.id.split('.')[2]));
      assert.deepEqual(ids, [...ids].sort((a, b) => a - b));
      const third = ids[2];
      assert.deepEqual((await fx.get(`/api/v2/advertising_orders?filter=0&purchaser=${UID.B}&lower_bound_advertising_order=${third}&limit=1`)).json.data[0].id, `2.19.${third}`);
      assert.deepEqual((await fx.get(`/api/v2/advertising_orders?filter=0&purchaser=${UID.B}&lower_bound_advertiing_order=${third}&limit=1`)).json.data[0].id, `2.19.${third}`);
      assert.deepEqual((await fx.get(`/api/v2/advertising_orders?advertising_aid_type=3&lower_bound_advertising_order=2`)).json.data.map((o: { advertising_order_oid: number }) => o.advertising_order_oid), [2, 3, 4, 5]);
      assert.deepEqual((await fx.get(`/api/v2/advertising_orders?filter=0&purchaser=${UID.C}`)).json.data, []);
      assert.deepEqual((await fx.get('/api/v2/advertising_orders?filter=0')).json, refusal(2000, 'missing parameter: purchaser'));
      assert.deepEqual((await fx.get('/api/v2/advertising_orders?filter=0&purchaser=12345')).json, refusal(2002, '无效的账号'));
      assert.deepEqual((await fx.get(`/api/v2/advertising_orders?filter=0&purchaser=${UNUSED_UID}`)).json, refusal(2001, '账号不存在'));
      assert.deepEqual((await fx.get('/api/v2/advertising_orders?filter=1')).json, refusal(2000, 'missing parameter: advertising_aid_type'));
      assert.deepEqual((await fx.get('/api/v2/advertising_orders?advertising_aid_type=0')).json, refusal(2000, 'invalid parameter: advertising_aid_type'));
      assert.deepEqual((await fx.get('/api/v2/advertising_orders?advertising_aid_type=1&lower_bound_advertiing_order=x')).json, refusal(2000, 'invalid parameter: lower_bound_advertiing_order'));
      assert.deepEqual((await fx.get('/api/v2/advertising_orders?advertising_aid_type=1&limit=0')).json, refusal(2000, 'invalid parameter: limit'));
      assert.deepEqual((await fx.get(`/api/v2/advertising_orders?advertising_aid_type=1&platform=${UNUSED_UID}`)).json, refusal(2001, '账号不存在'));
    });
  });
}
