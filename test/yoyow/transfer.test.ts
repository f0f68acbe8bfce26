// POST /api/v2/transfer (spec/yoyow.md §4.23, examples 8–9): display amounts parsed exactly, memos encrypted to the
// recipient, `to_balance`, fees with `use_csaf` on and off, every refusal in the order of §4.23, replay, and
// concurrency (parallel transfers never overdraw the platform; parallel fees never take csaf negative).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { decryptMemo, privateKeyOf, publicKeysOf } from '../../src/modules/yoyow/keys/index.js';
import { http } from '../support/server.js';
import { STORES } from '../support/stores.js';
import { enc, startChainFixture, UID, UNUSED_UID, YOYO, type ChainFixture } from './fixture.js';
import { CJ3 } from './transportKit.js';

const refusal = (code: number, message: string) => ({ code, data: null, message });
const FEE = 1000n;

for (const kind of STORES) {
  describe(`yoyow transfer [${kind}]`, () => {
    let fx: ChainFixture;
    before(async () => {
      fx = await startChainFixture(kind);
    });
    after(async () => {
      await fx?.close();
    });

    test('example 8: 1.5 YOYO with a memo; the same ciphertext again is a replay (1003)', async () => {
      const before = { p: await fx.balances(UID.P), b: await fx.balances(UID.B) };
      const body = enc({ uid: UID.B, amount: '1.5', memo: 'hi', time: fx.now() });
      const first = fx.ctx.server.baseUrl;
      const r1 = await http(first, 'POST', '/api/v2/transfer', { body });
      assert.equal(r1.status, 200);
      assert.deepEqual(Object.keys(r1.json), ['code', 'data', 'message']);
      assert.equal(r1.json.code, 0, r1.text);
      assert.deepEqual(Object.keys(r1.json.data), ['block_num', 'txid']);
      assert.match(r1.json.data.txid, /^[0-9a-f]{40}$/);
      assert.equal(typeof r1.json.data.block_num, 'number');
      const r2 = await http(first, 'POST', '/api/v2/transfer', { body });
      assert.deepEqual(r2.json, { code: 1003, message: '请求已过期.' });
      const after = { p: await fx.balances(UID.P), b: await fx.balances(UID.B) };
      assert.equal(after.b.prepaid - before.b.prepaid, 150000n);
      assert.equal(before.p.prepaid - after.p.prepaid, 150000n);
      assert.equal(before.p.csaf - after.p.csaf, FEE, 'the fee comes from the platform csaf (use_csaf default true)');
      // The history of B shows op 0 with the memo encrypted platform → B (decryptable with B's memo key).
      const h = (await fx.get(`/api/v2/accounts/${UID.B}/histories?op_type=0&limit=1`)).json.data[0][1];
      const op = h.op[1];
      assert.deepEqual(Object.keys(op), ['fee', 'from', 'to', 'amount', 'memo', 'extensions']);
      assert.deepEqual(op.fee, { total: { amount: 1000, asset_id: 0 }, options: { from_csaf: { amount: 1000, asset_id: 0 } } });
      assert.equal(op.from, UID.P);
      assert.deepEqual(op.amount, { amount: 150000, asset_id: 0 });
      assert.deepEqual(op.extensions, { from_prepaid: { amount: 150000, asset_id: 0 }, to_prepaid: { amount: 150000, asset_id: 0 } });
      const s = fx.ctx.server.services;
      const pKeys = await publicKeysOf(s.db, UID.P);
      assert.equal(op.memo.from, pKeys!.memo);
      const bPriv = await privateKeyOf(s.db, UID.B, 'memo', s.box);
      assert.equal(decryptMemo(bPriv!, op.memo.from, op.memo), 'hi');
      assert.equal(h.block_num, r1.json.data.block_num);
    });

    test('JSON number amounts are read through their decimal text', async () => {
      const before = await fx.balances(UID.A);
      // `0.00001` as a JSON number (not a string) in the encrypted text.
      const text = `{"uid":${UID.A},"amount":0.00001,"time":${fx.now()}}`;
      const e = CJ3.AES.encrypt(text, fx.P.secret);
      const r = await http(fx.ctx.server.baseUrl, 'POST', '/api/v2/transfer', { body: { ct: e.ciphertext.toString(), iv: e.iv.toString(), s: e.salt.toString() } });
      assert.equal(r.json.code, 0, r.text);
      assert.equal((await fx.balances(UID.A)).prepaid - before.prepaid, 1n);
      const r2 = await fx.post('/api/v2/transfer', { uid: UID.A, amount: 2 });
      assert.equal(r2.json.code, 0, r2.text);
      assert.equal((await fx.balances(UID.A)).prepaid - before.prepaid, 200001n);
    });

    test('example 9 and the order of §4.23: 2000 uid → 2003 → asset_id → 2002 → 2001 → 1007 → self → 2006', async () => {
      const post = (p: Record<string, unknown>) => fx.post('/api/v2/transfer', p).then((r) => r.json);
      assert.deepEqual(await post({ uid: UID.B, amount: '0.000001' }), refusal(2003, '无效的转账金额'));
      assert.deepEqual(await post({ uid: 30834, amount: 1 }), refusal(2002, '无效的账号'));
      assert.deepEqual(await post({ amount: 'x', asset_id: 'y' }), refusal(2000, 'missing parameter: uid'));
      for (const amount of [undefined, 0, '0', -1, '-1', 'abc', '1e3', ' 1', '92233720368547.75808', true, null]) {
        assert.deepEqual(await post({ uid: 30834, ...(amount === undefined ? {} : { amount }), asset_id: 'y' }), refusal(2003, '无效的转账金额'), String(amount));
      }
      assert.deepEqual(await post({ uid: 30834, amount: 1, asset_id: 'y' }), refusal(2000, 'invalid parameter: asset_id'));
      assert.deepEqual(await post({ uid: UID.B, amount: 1, memo: 'x'.repeat(2049) }), refusal(2000, 'invalid parameter: memo'));
      assert.deepEqual(await post({ uid: 30834, amount: 1, asset_id: 7 }), refusal(2002, '无效的账号'));
      assert.deepEqual(await post({ uid: UNUSED_UID, amount: 1, asset_id: 7 }), refusal(2001, '账号不存在'));
      assert.deepEqual(await post({ uid: UID.B, amount: 1, platform: UNUSED_UID, asset_id: 7 }), refusal(2001, '账号不存在'));
      assert.deepEqual(await post({ uid: UID.B, amount: 1, platform: UID.A, asset_id: 7 }), refusal(1007, '未授权该平台'));
      assert.deepEqual(await post({ uid: UID.P, amount: 1, asset_id: 7 }), refusal(2000, 'cannot transfer to self'));
      assert.deepEqual(await post({ uid: UID.B, amount: 1, asset_id: 7 }), refusal(2006, '无效的资产符号或id'));
      assert.deepEqual(await post({ uid: UID.B, amount: '1000000' }), refusal(2005, '零钱不足'));
      // explicit platform = the app is fine
      assert.equal((await post({ uid: UID.B, amount: 1, platform: UID.P, asset_id: 0 })).code, 0);
    });

    test('2004: fee above the platform csaf (no fallback to prepaid); then use_csaf false charges prepaid', async () => {
      const p0 = await fx.balances(UID.P);
      await fx.setYoyow(UID.P, { fees: { transfer: Number(p0.csaf + 1n) } });
      assert.deepEqual((await fx.post('/api/v2/transfer', { uid: UID.B, amount: 1 })).json, refusal(2004, '零钱和积分不足支付操作手续费'));
      assert.deepEqual(await fx.balances(UID.P), p0, 'nothing moved');
      await fx.setYoyow(UID.P, { use_csaf: false, fees: { transfer: 5000 } });
      const r = await fx.post('/api/v2/transfer', { uid: UID.B, amount: 1 });
      assert.equal(r.json.code, 0, r.text);
      const p1 = await fx.balances(UID.P);
      assert.equal(p0.prepaid - p1.prepaid, YOYO + 5000n);
      assert.equal(p1.csaf, p0.csaf);
      const h = (await fx.get(`/api/v2/accounts/${UID.P}/histories?limit=1`)).json.data[0][1];
      assert.deepEqual(h.op[1].fee, { total: { amount: 5000, asset_id: 0 }, options: { from_prepaid: { amount: 5000, asset_id: 0 } } });
      // prepaid enough for the fee but not fee + amount → 2005; not even the fee → 2004
      await fx.setYoyow(UID.P, { fees: { transfer: Number(p1.prepaid) } });
      assert.deepEqual((await fx.post('/api/v2/transfer', { uid: UID.B, amount: 1 })).json, refusal(2005, '零钱不足'));
      await fx.setYoyow(UID.P, { fees: { transfer: Number(p1.prepaid + 1n) } });
      assert.deepEqual((await fx.post('/api/v2/transfer', { uid: UID.B, amount: 1 })).json, refusal(2004, '零钱和积分不足支付操作手续费'));
      await fx.setYoyow(UID.P, { use_csaf: true, fees: {} });
    });

    test('to_balance: the recipient balance is credited (after settling its csaf); fee 0 has no options', async () => {
      await fx.setYoyow(UID.P, { to_balance: true, fees: { transfer: 0 } });
      const a0 = await fx.balances(UID.A);
      const r = await fx.post('/api/v2/transfer', { uid: UID.A, amount: '10' });
      assert.equal(r.json.code, 0, r.text);
      const a1 = await fx.balances(UID.A);
      assert.equal(a1.balance - a0.balance, 10n * YOYO);
      assert.equal(a1.prepaid, a0.prepaid);
      const h = (await fx.get(`/api/v2/accounts/${UID.A}/histories?limit=1`)).json.data[0][1];
      assert.deepEqual(h.op[1].fee, { total: { amount: 0, asset_id: 0 } });
      assert.deepEqual(h.op[1].extensions, { from_prepaid: { amount: Number(10n * YOYO), asset_id: 0 }, to_balance: { amount: Number(10n * YOYO), asset_id: 0 } });
      await fx.setYoyow(UID.P, { to_balance: false, fees: {} });
    });

    test('Idempotency-Key: a re-encrypted retry replays the answer and moves nothing more', async () => {
      const b0 = await fx.balances(UID.B);
      const headers = { 'idempotency-key': 'transfer-once-1' };
      const r1 = await fx.post('/api/v2/transfer', { uid: UID.B, amount: '2' }, { headers });
      fx.ctx.clock.advance(1000);
      const r2 = await fx.post('/api/v2/transfer', { uid: UID.B, amount: '2' }, { headers });
      assert.equal(r1.json.code, 0, r1.text);
      assert.equal(r2.text, r1.text);
      assert.equal(r2.headers.get('idempotent-replayed'), 'true');
      assert.equal((await fx.balances(UID.B)).prepaid - b0.prepaid, 2n * YOYO);
    });

    test('2008: a memo while the platform has no memo key (an operator removed it)', async () => {
      const s = fx.ctx.server.services;
      await s.db.deleteFrom('yoyow_keys').where('uid', '=', UID.P).where('role', '=', 'memo').execute();
      assert.deepEqual((await fx.post('/api/v2/transfer', { uid: UID.B, amount: 1, memo: 'm' })).json, refusal(2008, '无效的备注私钥'));
      assert.equal((await fx.post('/api/v2/transfer', { uid: UID.B, amount: 1 })).json.code, 0, 'without a memo it still works');
    });
  });

  describe(`yoyow transfer concurrency [${kind}]`, () => {
    let fx: ChainFixture;
    before(async () => {
      fx = await startChainFixture(kind);
    });
    after(async () => {
      await fx?.close();
    });

    test('parallel transfers from one platform never overdraw its prepaid', async () => {
      const p0 = await fx.balances(UID.P);
      assert.equal(p0.prepaid, 1000n * YOYO);
      const results = await Promise.all(Array.from({ length: 24 }, (_, i) => fx.post('/api/v2/transfer', { uid: i % 2 ? UID.A : UID.B, amount: '100' })));
      const codes = results.map((r) => r.json.code);
      assert.equal(codes.filter((c) => c === 0).length, 10, JSON.stringify(codes));
      assert.equal(codes.filter((c) => c === 2005).length, 14);
      const p1 = await fx.balances(UID.P);
      assert.equal(p1.prepaid, 0n);
      assert.equal(p0.csaf - p1.csaf, 10n * FEE);
      const txids = results.filter((r) => r.json.code === 0).map((r) => r.json.data.txid);
      assert.equal(new Set(txids).size, 10);
    });

    test('parallel fee charges never take the platform csaf negative', async () => {
      await fx.issue(UID.P, '10', 'prepaid');
      const c0 = (await fx.balances(UID.P)).csaf;
      const fee = c0 / 3n;
      await fx.setYoyow(UID.P, { fees: { transfer: Number(fee) } });
      const results = await Promise.all(Array.from({ length: 12 }, () => fx.post('/api/v2/transfer', { uid: UID.B, amount: '0.00001' })));
      const codes = results.map((r) => r.json.code);
      assert.equal(codes.filter((c) => c === 0).length, 3, JSON.stringify(codes));
      assert.equal(codes.filter((c) => c === 2004).length, 9);
      const c1 = (await fx.balances(UID.P)).csaf;
      assert.equal(c1, c0 - 3n * fee);
      assert.ok(c1 >= 0n);
    });
  });
}
