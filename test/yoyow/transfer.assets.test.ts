// Assets the operator exposes besides YOYO (spec/yoyow.md §5.2 `yoyow.assets`) on both stores: `/assets` by symbol,
// id and object id, an account's `assets[]` (non-zero balances only), and `/transfer` with `asset_id` (balance →
// balance in that asset's precision; the fee stays in YOYO; 2003 / 2005 / 2006).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ensureAccount } from '../../src/core/ledger/accounts.js';
import { ensureAsset } from '../../src/core/ledger/assets.js';
import { issue } from '../../src/core/ledger/transfers.js';
import { STORES } from '../support/stores.js';
import { startChainFixture, UID, type ChainFixture } from './fixture.js';

const refusal = (code: number, message: string) => ({ code, data: null, message });

for (const kind of STORES) {
  describe(`yoyow exposed assets [${kind}]`, () => {
    let fx: ChainFixture;
    before(async () => {
      fx = await startChainFixture(kind, { yoyow: { assets: [{ symbol: 'PLZ', assetId: 1 }] } });
      const s = fx.ctx.server.services;
      const asset = await ensureAsset(s.db, { symbol: 'PLZ', precision: 2 }, fx.ctx.clock);
      await s.db.transaction().execute(async (trx) => {
        const account = await ensureAccount(trx, { owner: { kind: 'app', id: String(UID.P) }, assetId: asset.id, sub: 'balance' }, fx.ctx.clock);
        await issue(trx, { assetId: asset.id, toAccountId: account.id, amount: 10_000n }, fx.ctx.clock);
      });
    });
    after(async () => {
      await fx?.close();
    });

    test('/assets names the exposed asset by symbol, id and object id; unexposed ids are 2006', async () => {
      for (const name of ['PLZ', 'plz', '1', '1.3.1']) {
        const d = (await fx.get(`/api/v2/assets/${name}`)).json.data;
        assert.equal(d.id, '1.3.1', name);
        assert.equal(d.asset_id, 1);
        assert.equal(d.symbol, 'PLZ');
        assert.equal(d.precision, 2);
        assert.equal(d.current_supply, '10000');
        assert.equal(d.dynamic_asset_data_id, '2.2.1');
      }
      assert.deepEqual((await fx.get('/api/v2/assets/2')).json, refusal(2006, '无效的资产符号或id'));
    });

    test("assets[] lists YOYO first, then exposed assets with a non-zero balance", async () => {
      const p = (await fx.get(`/api/v2/accounts/${UID.P}`)).json.data.assets;
      assert.deepEqual(p.map((a: { symbol: string }) => a.symbol), ['YOYO', 'PLZ']);
      assert.deepEqual({ ...p[1], issuer: 0 }, { amount: '10000', asset_id: 1, precision: 2, symbol: 'PLZ', description: '', max_supply: '9223372036854775807', current_supply: '10000', issuer: 0 });
      const b = (await fx.get(`/api/v2/accounts/${UID.B}`)).json.data.assets;
      assert.deepEqual(b.map((a: { symbol: string }) => a.symbol), ['YOYO']);
    });

    test('/transfer with asset_id moves balance → balance in the asset precision; the fee is YOYO csaf', async () => {
      const csaf0 = (await fx.balances(UID.P)).csaf;
      const r = await fx.post('/api/v2/transfer', { uid: UID.B, amount: '1.25', asset_id: 1 });
      assert.equal(r.json.code, 0, r.text);
      const b = (await fx.get(`/api/v2/accounts/${UID.B}`)).json.data.assets;
      assert.deepEqual(b.map((a: { symbol: string; amount: string }) => [a.symbol, a.amount]).slice(1), [['PLZ', '125']]);
      const p = (await fx.get(`/api/v2/accounts/${UID.P}`)).json.data.assets;
      assert.equal(p[1].amount, '9875');
      assert.equal(csaf0 - (await fx.balances(UID.P)).csaf, 1000n);
      const op = (await fx.get(`/api/v2/accounts/${UID.B}/histories?limit=1`)).json.data[0][1].op[1];
      assert.deepEqual(op.amount, { amount: 125, asset_id: 1 });
      assert.deepEqual(op.extensions, { from_balance: { amount: 125, asset_id: 1 }, to_balance: { amount: 125, asset_id: 1 } });
    });

    test('refusals: too precise for the asset (2003), short (2005), unexposed (2006)', async () => {
      assert.deepEqual((await fx.post('/api/v2/transfer', { uid: UID.B, amount: '1.251', asset_id: 1 })).json, refusal(2003, '无效的转账金额'));
      assert.deepEqual((await fx.post('/api/v2/transfer', { uid: UID.B, amount: '98.76', asset_id: 1 })).json, refusal(2005, '零钱不足'));
      assert.deepEqual((await fx.post('/api/v2/transfer', { uid: UID.B, amount: '1', asset_id: 2 })).json, refusal(2006, '无效的资产符号或id'));
      assert.equal((await fx.post('/api/v2/transfer', { uid: UID.B, amount: '98.75', asset_id: 1 })).json.code, 0);
    });
  });
}
