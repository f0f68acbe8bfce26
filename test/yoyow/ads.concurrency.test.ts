// Advertising under concurrency (spec/yoyow.md §3.4, §5.9): parallel confirms of overlapping orders have exactly one
// accepted; parallel buys never overdraw the buyer and get distinct oids; a confirm racing a ransom has exactly one
// winner; escrow always nets to what undetermined orders hold (zero once all are settled).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { STORES } from '../support/stores.js';
import { createAd, escrowBalance } from './adsKit.js';
import { startChainFixture, UID, YOYO, type ChainFixture } from './fixture.js';

const DAY = 86_400;

for (const kind of STORES) {
  describe(`yoyow advertising concurrency [${kind}]`, () => {
    let fx: ChainFixture;
    before(async () => {
      fx = await startChainFixture(kind);
    });
    after(async () => {
      await fx?.close();
    });
    const nowS = () => Math.floor(fx.now() / 1000);

    test('parallel buys never overdraw the buyer; oids are distinct and gapless', async () => {
      const aid = await createAd(fx, { unit_price: 3_000_000, unit_time: 60 });
      const b0 = await fx.balances(UID.B);
      assert.equal(b0.prepaid, 1000n * YOYO);
      // each costs 30000000: 3 fit in 100000000
      const results = await Promise.all(
        Array.from({ length: 12 }, (_, i) => fx.post('/api/v2/advertising/buy', { account: UID.B, advertising_aid: aid, start_time: nowS() + 1000 + i * 600, buy_number: 10 })),
      );
      const codes = results.map((r) => r.json.code);
      assert.equal(codes.filter((c) => c === 0).length, 3, JSON.stringify(codes));
      assert.equal(codes.filter((c) => c === 2005).length, 9);
      const oids = results.filter((r) => r.json.code === 0).map((r) => r.json.data.advertising.advertising_order_oid as number);
      assert.deepEqual([...oids].sort(), [1, 2, 3]);
      const b1 = await fx.balances(UID.B);
      assert.equal(b1.prepaid, 1000n * YOYO - 3n * 30_000_000n);
      assert.equal(await escrowBalance(fx), 3n * 30_000_000n);
      const consent = (await fx.get(`/api/v2/authPermissions?account=${UID.B}`)).json.data[0];
      assert.equal(consent.cur_used, 90_000_000);
      // settle them all: escrow back to zero
      for (const oid of oids) assert.equal((await fx.post('/api/v2/advertising/confirm', { advertising_aid: aid, advertising_order_oid: oid, isconfirm: oid !== 2 })).json.code, 0);
      assert.equal(await escrowBalance(fx), 0n);
    });

    test('parallel confirms of two overlapping orders: exactly one accepted, the other refused and refunded', async () => {
      await fx.issue(UID.B, '1000', 'prepaid');
      await fx.issue(UID.A, '1000', 'prepaid');
      for (let round = 0; round < 4; round++) {
        const aid = await createAd(fx, { unit_price: 3_000_000, unit_time: 100 });
        const start = nowS() + 500;
        assert.equal((await fx.post('/api/v2/advertising/buy', { account: UID.B, advertising_aid: aid, start_time: start, buy_number: 2 })).json.code, 0);
        assert.equal((await fx.post('/api/v2/advertising/buy', { account: UID.A, advertising_aid: aid, start_time: start + 100, buy_number: 2 })).json.code, 0);
        const p0 = await fx.balances(UID.P);
        const [a0, b0] = [await fx.balances(UID.A), await fx.balances(UID.B)];
        const results = await Promise.all([1, 2].map((oid) => fx.post('/api/v2/advertising/confirm', { advertising_aid: aid, advertising_order_oid: oid, isconfirm: true })));
        const codes = results.map((r) => r.json);
        assert.equal(codes.filter((c) => c.code === 0).length, 1, JSON.stringify(codes));
        assert.deepEqual(codes.find((c) => c.code !== 0), { code: 2000, data: null, message: 'order already handled' });
        const orders = (await fx.get(`/api/v2/advertising_orders?advertising_aid_type=${aid}`)).json.data;
        const statuses = orders.map((o: { status: string }) => o.status).sort();
        assert.deepEqual(statuses, ['advertising_accepted', 'advertising_refused']);
        assert.equal((await fx.balances(UID.P)).balance - p0.balance, 6_000_000n - 2_000_000n);
        const refunded = (await fx.balances(UID.A)).prepaid - a0.prepaid + ((await fx.balances(UID.B)).prepaid - b0.prepaid);
        assert.equal(refunded, 6_000_000n, 'the refused buyer got the price back');
        assert.equal(await escrowBalance(fx), 0n);
      }
    });

    test('a confirm racing a ransom: exactly one wins', async () => {
      const aid = await createAd(fx, { unit_price: 3_000_000, unit_time: 100 });
      const n = 4;
      for (let i = 0; i < n; i++) {
        assert.equal((await fx.post('/api/v2/advertising/buy', { account: UID.B, advertising_aid: aid, start_time: nowS() + 1000 + i * 1000, buy_number: 1 })).json.code, 0);
      }
      fx.ctx.clock.advance((7 * DAY + 1) * 1000);
      const b0 = await fx.balances(UID.B);
      const p0 = await fx.balances(UID.P);
      let ransomed = 0;
      let accepted = 0;
      for (let oid = 1; oid <= n; oid++) {
        const [c, r] = await Promise.all([
          fx.post('/api/v2/advertising/confirm', { advertising_aid: aid, advertising_order_oid: oid, isconfirm: true }),
          fx.post('/api/v2/advertising/ransom', { from_account: UID.B, advertising_aid: aid, advertising_order_oid: oid }),
        ]);
        const codes = [c.json.code, r.json.code];
        assert.equal(codes.filter((x) => x === 0).length, 1, JSON.stringify([c.json, r.json]));
        const loser = c.json.code === 0 ? r.json : c.json;
        assert.deepEqual(loser, { code: 2000, data: null, message: 'order already handled' });
        if (c.json.code === 0) accepted++;
        else ransomed++;
      }
      const orders = (await fx.get(`/api/v2/advertising_orders?advertising_aid_type=${aid}`)).json.data;
      assert.equal(orders.filter((o: { status: string }) => o.status === 'advertising_accepted').length, accepted);
      assert.equal(orders.filter((o: { status: string }) => o.status === 'advertising_ransom').length, ransomed);
      assert.equal((await fx.balances(UID.B)).prepaid - b0.prepaid, BigInt(ransomed) * 3_000_000n);
      assert.equal((await fx.balances(UID.P)).balance - p0.balance, BigInt(accepted) * 1_000_000n);
      assert.equal(await escrowBalance(fx), 0n);
    });
  });
}
