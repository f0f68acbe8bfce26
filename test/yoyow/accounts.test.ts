// GET /api/v2/accounts/:uid, /accounts/:uid/histories, /authPermissions and /assets/:asset (spec/yoyow.md §4.1–§4.4,
// examples 1–4) over HTTP on both stores, with the fixture of §8.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { STORES } from '../support/stores.js';
import { startChainFixture, UID, UNUSED_UID, YOYO, type ChainFixture } from './fixture.js';

const ok = (data: unknown) => ({ code: 0, data, message: '操作成功' });
const refusal = (code: number, message: string) => ({ code, data: null, message });

for (const kind of STORES) {
  describe(`yoyow accounts [${kind}]`, () => {
    let fx: ChainFixture;
    before(async () => {
      fx = await startChainFixture(kind);
    });
    after(async () => {
      await fx?.close();
    });

    test('example 1: account 30833 with statistics, assets and the consent in secondary auths', async () => {
      const r = await fx.get(`/api/v2/accounts/${UID.A}`);
      assert.equal(r.status, 200);
      assert.equal(r.json.code, 0);
      assert.equal(r.json.message, '操作成功');
      const d = r.json.data;
      assert.deepEqual(Object.keys(d), [
        'id', 'uid', 'name', 'owner', 'active', 'secondary', 'memo_key', 'reg_info', 'can_post', 'can_reply', 'can_rate',
        'is_full_member', 'is_registrar', 'is_admin', 'create_time', 'last_update_time', 'active_data', 'secondary_data', 'statistics', 'assets',
      ]);
      assert.equal(d.uid, 30833);
      assert.equal(d.id, '1.2.120');
      assert.equal(d.name, 'alice');
      assert.equal(d.statistics.obj_id, '2.4.120');
      assert.deepEqual(d.secondary.account_uid_auths, [[{ uid: UID.P, auth_type: 'secondary_auth' }, 1]]);
      assert.deepEqual(d.owner.account_uid_auths, []);
      assert.equal(d.active.key_auths.length, 1);
      assert.match(d.active.key_auths[0][0], /^YYW/);
      assert.match(d.memo_key, /^YYW/);
      assert.deepEqual([d.can_post, d.can_reply, d.can_rate, d.is_full_member, d.is_registrar, d.is_admin], [true, true, true, true, false, false]);
      assert.equal(d.statistics.core_balance, 0);
      assert.equal(d.statistics.prepaid, 0);
      assert.equal(d.statistics.csaf, 1_000_000, 'welcome csaf');
      assert.equal(d.assets[0].asset_id, 0);
      assert.equal(d.assets[0].symbol, 'YOYO');
      assert.equal(d.assets[0].precision, 5);
      assert.equal(d.assets[0].amount, '0');
      assert.equal(d.assets[0].max_supply, '200000000000000');
      assert.equal(d.assets[0].current_supply, String(2000n * YOYO));
      assert.equal(d.reg_info.buyout_percent, 10000);
      assert.match(d.create_time, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/);
    });

    test('B: prepaid 1000 YOYO is in the asset amount, csaf excluded; C without consents has no secondary auths', async () => {
      const b = (await fx.get(`/api/v2/accounts/${UID.B}`)).json.data;
      assert.equal(b.statistics.prepaid, Number(1000n * YOYO));
      assert.equal(b.assets[0].amount, String(1000n * YOYO));
      const c = (await fx.get(`/api/v2/accounts/${UID.C}`)).json.data;
      assert.deepEqual(c.secondary.account_uid_auths, []);
      assert.equal(c.statistics.csaf, 1_000_000);
      const p = (await fx.get(`/api/v2/accounts/${UID.P}`)).json.data;
      assert.equal(p.name, `yoyo${UID.P}`);
      assert.equal(p.id, '1.2.130');
    });

    test('example 2: 2002 for a bad checksum, 2001 for an unused uid; also abc and 2^53', async () => {
      assert.deepEqual((await fx.get('/api/v2/accounts/30834')).json, refusal(2002, '无效的账号'));
      assert.deepEqual((await fx.get(`/api/v2/accounts/${UNUSED_UID}`)).json, refusal(2001, '账号不存在'));
      assert.deepEqual((await fx.get('/api/v2/accounts/abc')).json, refusal(2002, '无效的账号'));
      assert.deepEqual((await fx.get('/api/v2/accounts/9007199254740992')).json, refusal(2002, '无效的账号'));
    });

    test('example 3: the YOYO asset by symbol, id and object id; NOPE → 2006', async () => {
      for (const name of ['yoyo', 'YOYO', '0', '1.3.0']) {
        const r = await fx.get(`/api/v2/assets/${name}`);
        assert.equal(r.json.code, 0, name);
        const d = r.json.data;
        assert.equal(d.id, '1.3.0');
        assert.equal(d.asset_id, 0);
        assert.equal(d.precision, 5);
        assert.equal(d.options.max_supply, '200000000000000');
        assert.equal(d.current_supply, String(2000n * YOYO));
        assert.equal(d.dynamic_asset_data.current_supply, String(2000n * YOYO));
      }
      assert.deepEqual((await fx.get('/api/v2/assets/NOPE')).json, refusal(2006, '无效的资产符号或id'));
      assert.deepEqual((await fx.get('/api/v2/assets/1.3.1')).json, refusal(2006, '无效的资产符号或id'));
    });

    test('example 4: authPermissions lists the active consent, [] without one', async () => {
      const r = await fx.get(`/api/v2/authPermissions?platform=${UID.P}&account=${UID.A}`);
      assert.equal(r.json.code, 0);
      assert.equal(r.json.data.length, 1);
      const c = r.json.data[0];
      assert.deepEqual(Object.keys(c), ['id', 'account', 'platform', 'max_limit', 'cur_used', 'is_active', 'permission_flags']);
      assert.match(c.id, /^2\.22\.\d+$/);
      assert.deepEqual({ ...c, id: 'x' }, { id: 'x', account: UID.A, platform: UID.P, max_limit: '9223372036854775807', cur_used: 0, is_active: true, permission_flags: 255 });
      assert.deepEqual((await fx.get(`/api/v2/authPermissions?platform=${UID.P}&account=${UID.C}`)).json, ok([]));
      // platform defaults to the request's app; no account → []
      assert.equal((await fx.get(`/api/v2/authPermissions?account=${UID.A}`)).json.data.length, 1);
      assert.deepEqual((await fx.get('/api/v2/authPermissions')).json, ok([]));
      assert.deepEqual((await fx.get('/api/v2/authPermissions?account=30834')).json, refusal(2002, '无效的账号'));
      assert.deepEqual((await fx.get('/api/v2/authPermissions?platform=12345&account=30833')).json, refusal(2002, '无效的账号'));
    });

    test('consent changes: limit, memo, suspension (is_active false, no secondary auth), revoke ([])', async () => {
      const created = (await fx.get(`/api/v2/accounts/${UID.C}`)).json.data;
      assert.equal(created.create_time, new Date(fx.C.createdAt).toISOString().slice(0, 19));
      assert.equal(created.last_update_time, created.create_time);
      fx.ctx.clock.advance(5000);
      let r = await fx.consent(UID.C, UID.P, { max_limit: '500000', permission_flags: 64, memo: 'hello' });
      assert.equal(r.status, 200, r.text);
      const changed = (await fx.get(`/api/v2/accounts/${UID.C}`)).json.data;
      assert.equal(changed.create_time, created.create_time);
      assert.equal(changed.last_update_time, new Date(fx.now()).toISOString().slice(0, 19));
      let list = (await fx.get(`/api/v2/authPermissions?account=${UID.C}`)).json.data;
      assert.deepEqual({ ...list[0], id: 'x' }, { id: 'x', account: UID.C, platform: UID.P, max_limit: 500000, cur_used: 0, is_active: true, permission_flags: 64, memo: 'hello' });
      const firstId = list[0].id;
      r = await fx.admin('PATCH', `/admin/v1/yoyow/consents/${UID.C}/${UID.P}/suspension`, { suspended: true });
      assert.equal(r.status, 200, r.text);
      list = (await fx.get(`/api/v2/authPermissions?account=${UID.C}`)).json.data;
      assert.equal(list[0].is_active, false);
      assert.deepEqual((await fx.get(`/api/v2/accounts/${UID.C}`)).json.data.secondary.account_uid_auths, []);
      r = await fx.admin('POST', `/admin/v1/yoyow/consents/${UID.C}/${UID.P}/revoke`, {});
      assert.equal(r.status, 200, r.text);
      assert.deepEqual((await fx.get(`/api/v2/authPermissions?account=${UID.C}`)).json, ok([]));
      r = await fx.consent(UID.C, UID.P);
      list = (await fx.get(`/api/v2/authPermissions?account=${UID.C}`)).json.data;
      assert.notEqual(list[0].id, firstId, 'a fresh grant is a new 2.22 instance');
      assert.equal(list[0].is_active, true);
      // clean up for the other tests: C has no consent again
      assert.equal((await fx.admin('POST', `/admin/v1/yoyow/consents/${UID.C}/${UID.P}/revoke`, {})).status, 200);
    });

    test('histories: newest first, per-account sequence, op_type filter, start paging, limit bounds', async () => {
      const r = await fx.get(`/api/v2/accounts/${UID.B}/histories`);
      assert.equal(r.json.code, 0, r.text);
      const entries = r.json.data as Array<[number, Record<string, any>]>;
      // B: welcome csaf (6), consent (23), issuance (0)
      assert.deepEqual(entries.map((e) => e[0]), [3, 2, 1]);
      assert.deepEqual(entries.map((e) => e[1].op[0]), [0, 23, 6]);
      const issuance = entries[0]![1];
      assert.deepEqual(Object.keys(issuance), ['id', 'op', 'result', 'block_timestamp', 'block_num', 'trx_in_block', 'op_in_trx', 'virtual_op']);
      assert.match(issuance.id, /^1\.10\.\d+$/);
      assert.deepEqual(Object.keys(issuance.op[1]), ['fee', 'from', 'to', 'amount', 'extensions']);
      assert.equal(issuance.op[1].to, UID.B);
      assert.deepEqual(issuance.op[1].amount, { amount: Number(1000n * YOYO), asset_id: 0 });
      assert.deepEqual(issuance.op[1].extensions, { from_balance: { amount: Number(1000n * YOYO), asset_id: 0 }, to_prepaid: { amount: Number(1000n * YOYO), asset_id: 0 } });
      assert.deepEqual(issuance.result, [0, {}]);
      const consent = entries[1]![1];
      assert.equal(consent.op[1].uid, UID.B);
      assert.equal(consent.op[1].extensions.limit_for_platform, '9223372036854775807');
      assert.match(consent.result[1], /^2\.22\.\d+$/);
      const welcome = entries[2]![1];
      assert.deepEqual(Object.keys(welcome.op[1]), ['fee', 'from', 'to', 'amount', 'time']);
      assert.deepEqual(welcome.op[1].amount, { amount: 1_000_000, asset_id: 0 });

      const only23 = (await fx.get(`/api/v2/accounts/${UID.B}/histories?op_type=23`)).json.data;
      assert.deepEqual(only23.map((e: [number]) => e[0]), [2]);
      assert.deepEqual((await fx.get(`/api/v2/accounts/${UID.B}/histories?op_type=99`)).json, ok([]));
      const paged = (await fx.get(`/api/v2/accounts/${UID.B}/histories?start=2&limit=1`)).json.data;
      assert.deepEqual(paged.map((e: [number]) => e[0]), [2]);
      assert.deepEqual((await fx.get(`/api/v2/accounts/${UID.B}/histories?limit=0`)).json, refusal(2000, 'invalid parameter: limit'));
      assert.deepEqual((await fx.get(`/api/v2/accounts/${UID.B}/histories?limit=101`)).json, refusal(2000, 'invalid parameter: limit'));
      assert.deepEqual((await fx.get(`/api/v2/accounts/${UID.B}/histories?start=-1`)).json, refusal(2000, 'invalid parameter: start'));
      assert.deepEqual((await fx.get(`/api/v2/accounts/${UID.B}/histories?op_type=x`)).json, refusal(2000, 'invalid parameter: op_type'));
      assert.deepEqual((await fx.get(`/api/v2/accounts/${UID.B}/histories?limit=1&limit=2`)).json, refusal(2000, 'invalid parameter: limit'));
      assert.deepEqual((await fx.get('/api/v2/accounts/30834/histories')).json, refusal(2002, '无效的账号'));
      assert.deepEqual((await fx.get(`/api/v2/accounts/${UNUSED_UID}/histories`)).json, refusal(2001, '账号不存在'));
      // limit bounds the page
      assert.equal((await fx.get(`/api/v2/accounts/${UID.B}/histories?limit=2`)).json.data.length, 2);
    });
  });
}
