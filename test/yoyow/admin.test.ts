// The native admin API of YOYOW (spec/yoyow.md Appendix B) over HTTP on both stores: issuance (op 0) into balance
// or prepaid within the max supply, csaf grants (op 6), account flags, consents (ops 23/24), an app's YOYOW settings;
// admins only; idempotent writes; parallel issuance never passes the max supply.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { identityDeps } from '../../src/admin/deps.js';
import { hashNewPassword, registerDeveloper } from '../../src/core/identity/developers.js';
import { issueDeveloperToken } from '../../src/core/identity/devTokens.js';
import { http } from '../support/server.js';
import { STORES } from '../support/stores.js';
import { startChainFixture, UID, UNUSED_UID, YOYO, type ChainFixture } from './fixture.js';

const MAX_SUPPLY_YOYO = 3000n;

for (const kind of STORES) {
  describe(`yoyow admin API [${kind}]`, () => {
    let fx: ChainFixture;
    let devToken: string;
    before(async () => {
      fx = await startChainFixture(kind, { yoyow: { maxSupply: Number(MAX_SUPPLY_YOYO * YOYO) } });
      const s = fx.ctx.server.services;
      const deps = identityDeps(s);
      const passwordHash = await hashNewPassword('devpass1', deps);
      const dev = await s.db.transaction().execute((trx) => registerDeveloper(trx, { username: 'plaindev', passwordHash }, deps));
      devToken = (await issueDeveloperToken(s.db, dev.id, s.clock, 3600)).token;
    });
    after(async () => {
      await fx?.close();
    });

    test('issue into balance and prepaid: op 0 from the issuer, visible in balances, histories and the asset supply', async () => {
      const a0 = await fx.balances(UID.A);
      let r = await fx.issue(UID.A, '12.5', 'balance');
      assert.equal(r.status, 200, r.text);
      assert.deepEqual(Object.keys(r.json), ['block_num', 'txid']);
      assert.match(r.json.txid, /^[0-9a-f]{40}$/);
      r = await fx.issue(UID.A, '0.00001', 'prepaid');
      assert.equal(r.status, 200, r.text);
      const a1 = await fx.balances(UID.A);
      assert.equal(a1.balance - a0.balance, 1_250_000n);
      assert.equal(a1.prepaid - a0.prepaid, 1n);
      const view = await fx.admin('GET', `/admin/v1/yoyow/accounts/${UID.A}`);
      assert.equal(view.status, 200, view.text);
      assert.equal(view.json.balance, String(a1.balance));
      assert.equal(view.json.name, 'alice');
      const h = (await fx.get(`/api/v2/accounts/${UID.A}/histories?op_type=0&limit=2`)).json.data;
      assert.deepEqual(h[1][1].op[1].extensions.to_balance, { amount: 1_250_000, asset_id: 0 });
      assert.deepEqual(h[0][1].op[1].extensions.to_prepaid, { amount: 1, asset_id: 0 });
      const issuer = h[0][1].op[1].from;
      // The issuer lists its issuances too; it is a system account that cannot post.
      const iss = (await fx.get(`/api/v2/accounts/${issuer}`)).json.data;
      assert.equal(iss.can_post, false);
      assert.equal((await fx.get(`/api/v2/accounts/${issuer}/histories?op_type=0&limit=1`)).json.data[0][1].id, h[0][1].id);
      assert.equal((await fx.get('/api/v2/assets/YOYO')).json.data.issuer, issuer);
    });

    test('issue refusals: amount, unknown or invalid uid, system account, max supply', async () => {
      assert.equal((await fx.issue(UID.A, '0', 'balance')).json.error.code, 'invalid_amount');
      assert.equal((await fx.issue(UID.A, '1.000001', 'balance')).json.error.code, 'invalid_amount');
      assert.equal((await fx.issue(UID.A, '1', 'elsewhere' as 'balance')).status, 400);
      assert.equal((await fx.issue(UNUSED_UID, '1', 'balance')).status, 404);
      assert.equal((await fx.issue(30834, '1', 'balance')).status, 404);
      const issuer = (await fx.get('/api/v2/assets/YOYO')).json.data.issuer;
      assert.equal((await fx.issue(issuer, '1', 'balance')).json.error.code, 'invalid_request');
      const supply = BigInt((await fx.get('/api/v2/assets/YOYO')).json.data.current_supply);
      const room = MAX_SUPPLY_YOYO * YOYO - supply;
      const over = await fx.issue(UID.B, ((Number(room) + 1) / 100000).toFixed(5), 'prepaid');
      assert.equal(over.status, 400, over.text);
      assert.match(over.json.error.message, /max supply/);
    });

    test('parallel issuance never passes the max supply', async () => {
      const supply = BigInt((await fx.get('/api/v2/assets/YOYO')).json.data.current_supply);
      const room = MAX_SUPPLY_YOYO * YOYO - supply;
      const part = room / 3n + 1n; // two fit, the third does not
      const text = (Number(part) / 100000).toFixed(5);
      const results = await Promise.all(Array.from({ length: 6 }, () => fx.issue(UID.C, text, 'prepaid')));
      assert.equal(results.filter((r) => r.status === 200).length, 2, results.map((r) => r.status).join());
      const after = BigInt((await fx.get('/api/v2/assets/YOYO')).json.data.current_supply);
      assert.ok(after <= MAX_SUPPLY_YOYO * YOYO);
      assert.equal(after - supply, 2n * part);
    });

    test('csaf grant: op 6 from the issuer into csaf', async () => {
      const c0 = await fx.balances(UID.C);
      const r = await fx.admin('POST', `/admin/v1/yoyow/accounts/${UID.C}/csaf`, { amount: '3' });
      assert.equal(r.status, 200, r.text);
      assert.equal((await fx.balances(UID.C)).csaf - c0.csaf, 300_000n);
      const h = (await fx.get(`/api/v2/accounts/${UID.C}/histories?op_type=6&limit=1`)).json.data[0][1];
      assert.deepEqual(h.op[1].amount, { amount: 300_000, asset_id: 0 });
      assert.equal(h.op[1].to, UID.C);
    });

    test('flags: can_post / can_reply / can_rate, shown by /api/v2/accounts', async () => {
      let r = await fx.admin('PATCH', `/admin/v1/yoyow/accounts/${UID.A}/flags`, { can_post: false, can_rate: false });
      assert.equal(r.status, 200, r.text);
      assert.deepEqual([r.json.can_post, r.json.can_reply, r.json.can_rate], [false, true, false]);
      let d = (await fx.get(`/api/v2/accounts/${UID.A}`)).json.data;
      assert.deepEqual([d.can_post, d.can_reply, d.can_rate], [false, true, false]);
      r = await fx.admin('PATCH', `/admin/v1/yoyow/accounts/${UID.A}/flags`, { can_post: true });
      d = (await fx.get(`/api/v2/accounts/${UID.A}`)).json.data;
      assert.deepEqual([d.can_post, d.can_reply, d.can_rate], [true, true, false]);
      assert.equal((await fx.admin('PATCH', `/admin/v1/yoyow/accounts/${UNUSED_UID}/flags`, { can_post: true })).status, 404);
      assert.equal((await fx.admin('PATCH', `/admin/v1/yoyow/accounts/${UID.A}/flags`, { can_fly: true })).status, 400);
    });

    test('consents: refusals (unknown accounts, an app as the user), change keeps cur_used, revoke twice', async () => {
      assert.equal((await fx.consent(UNUSED_UID, UID.P)).status, 404);
      assert.equal((await fx.consent(UID.A, UNUSED_UID)).status, 404);
      assert.equal((await fx.consent(UID.P, UID.P)).json.error.code, 'invalid_request');
      assert.equal((await fx.consent(UID.A, UID.B)).json.error.code, 'invalid_request');
      assert.equal((await fx.consent(UID.A, UID.P, { permission_flags: 256 })).status, 400);
      const r = await fx.consent(UID.A, UID.P, { max_limit: '100', permission_flags: 2 });
      assert.equal(r.status, 200, r.text);
      assert.equal(r.json.max_limit, '100');
      assert.equal(r.json.permission_flags, 2);
      const got = await fx.admin('GET', `/admin/v1/yoyow/consents/${UID.A}/${UID.P}`);
      assert.equal(got.json.id, r.json.id, 'a change keeps the object id');
      assert.equal((await fx.admin('POST', `/admin/v1/yoyow/consents/${UID.C}/${UID.P}/revoke`, {})).status, 404);
      assert.equal((await fx.admin('GET', `/admin/v1/yoyow/consents/${UID.C}/${UID.P}`)).status, 404);
      // restore A's unlimited consent
      assert.equal((await fx.consent(UID.A, UID.P, { max_limit: null, permission_flags: 255 })).status, 200);
      const h = (await fx.get(`/api/v2/accounts/${UID.P}/histories?op_type=23&limit=1`)).json.data[0][1];
      assert.equal(h.op[1].uid, UID.A);
      assert.equal(h.op[1].extensions.limit_for_platform, '9223372036854775807');
    });

    test("an app's YOYOW settings: read, change, unknown app", async () => {
      let r = await fx.admin('GET', `/admin/v1/apps/${UID.P}/yoyow`);
      assert.equal(r.status, 200, r.text);
      assert.deepEqual([r.json.use_csaf, r.json.to_balance], [true, false]);
      r = await fx.admin('PATCH', `/admin/v1/apps/${UID.P}/yoyow`, { use_csaf: false, to_balance: true, fees: { transfer: 7 }, security_level: 'simple' });
      assert.equal(r.status, 200, r.text);
      assert.deepEqual([r.json.use_csaf, r.json.to_balance, r.json.settings.fees], [false, true, { transfer: 7 }]);
      const p0 = await fx.balances(UID.P);
      const t = await fx.post('/api/v2/transfer', { uid: UID.B, amount: '1' });
      assert.equal(t.json.code, 0, t.text);
      assert.equal(p0.prepaid - (await fx.balances(UID.P)).prepaid, YOYO + 7n, 'fee 7 from prepaid');
      r = await fx.admin('PATCH', `/admin/v1/apps/${UID.P}/yoyow`, { use_csaf: true, to_balance: false, fees: {} });
      assert.equal(r.status, 200, r.text);
      assert.equal((await fx.admin('PATCH', `/admin/v1/apps/${UID.P}/yoyow`, { fees: { nope: 1 } })).status, 400);
      assert.equal((await fx.admin('PATCH', `/admin/v1/apps/${UID.P}/yoyow`, { secure_ageing: 0 })).status, 400);
      assert.equal((await fx.admin('GET', `/admin/v1/apps/${UNUSED_UID}/yoyow`)).status, 404);
    });

    test('admins only: 401 without a token, 403 for a normal developer', async () => {
      const base = fx.ctx.server.baseUrl;
      assert.equal((await http(base, 'POST', `/admin/v1/yoyow/accounts/${UID.A}/issue`, { body: { amount: '1', into: 'balance' } })).status, 401);
      const forbidden = await http(base, 'POST', `/admin/v1/yoyow/accounts/${UID.A}/issue`, { body: { amount: '1', into: 'balance' }, headers: { authorization: `Bearer ${devToken}` } });
      assert.equal(forbidden.status, 403);
      assert.equal((await http(base, 'GET', `/admin/v1/yoyow/accounts/${UID.A}`, { headers: { authorization: `Bearer ${devToken}` } })).status, 403);
    });

    test('idempotent writes: the same Idempotency-Key issues once and replays the answer', async () => {
      const b0 = await fx.balances(UID.B);
      const headers = { 'idempotency-key': 'issue-b-once' };
      const r1 = await fx.admin('POST', `/admin/v1/yoyow/accounts/${UID.B}/issue`, { amount: '0.5', into: 'prepaid' }, headers);
      const r2 = await fx.admin('POST', `/admin/v1/yoyow/accounts/${UID.B}/issue`, { amount: '0.5', into: 'prepaid' }, headers);
      assert.equal(r1.status, 200, r1.text);
      assert.equal(r2.text, r1.text);
      assert.equal((await fx.balances(UID.B)).prepaid - b0.prepaid, 50_000n);
      const conflict = await fx.admin('POST', `/admin/v1/yoyow/accounts/${UID.B}/issue`, { amount: '0.6', into: 'prepaid' }, headers);
      assert.equal(conflict.status, 409);
    });
  });
}
