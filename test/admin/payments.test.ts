// The admin API's Pi routes (spec/pi.md §5.4, §8): an app's Pi settings (owner or admin; their effect on the Pi
// routes), the wallet seed reveal (owner only, password re-entered, audited without secrets), and the payment list
// and detail for the console (filters, paging, lazy expiry, ownership). Responses are checked against their declared
// schemas. Both stores.
import assert from 'node:assert/strict';
import { Keypair } from '@stellar/stellar-base';
import { after, before, describe, test } from 'node:test';
import { identityDeps } from '../../src/admin/deps.js';
import { createAdminApi } from '../../src/admin/plugin.js';
import { ADMIN_ROUTES } from '../../src/admin/routes.js';
import { createApp, getApp } from '../../src/core/identity/apps.js';
import { ensureAdminDeveloper, hashNewPassword, registerDeveloper } from '../../src/core/identity/developers.js';
import { issueDeveloperToken } from '../../src/core/identity/devTokens.js';
import { piDialect } from '../../src/dialects/pi/plugin.js';
import { adminOpenApiDocument } from '../../src/http/openapi.js';
import { assertPiError, startPayCtx, type PayCtx } from '../pi/paymentsSupport.js';
import type { HttpResult } from '../support/server.js';
import { STORES } from '../support/stores.js';

function assertAdminError(r: HttpResult, status: number, code: string): void {
  assert.equal(r.status, status, r.text);
  assert.equal(r.json.error.code, code, r.text);
}

for (const kind of STORES) {
  describe(`admin API: Pi settings, wallet seed, payments [${kind}]`, () => {
    let c: PayCtx;
    let owner: string;
    let stranger: string;
    let admin: string;
    const as = (token: string | null, method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
      c.call(method, path, { auth: token === null ? null : `Bearer ${token}`, headers, ...(body !== undefined ? { body } : {}) });

    before(async () => {
      c = await startPayCtx(kind, { dialects: [piDialect, createAdminApi({ assertResponses: true })] });
      const s = c.server.services;
      const deps = identityDeps(s);
      const token = async (developerId: number) => (await issueDeveloperToken(s.db, developerId, c.clock, 7 * 86400)).token;
      owner = await token((await getApp(s.db, c.app.id))!.developerId);
      const hash = await hashNewPassword('stranger-pass', deps);
      stranger = await token((await s.db.transaction().execute((trx) => registerDeveloper(trx, { username: 'stranger', passwordHash: hash }, deps))).id);
      admin = await token((await ensureAdminDeveloper(s.db, { username: 'root', password: 'rootpass' }, deps)).id);
      await c.fund(c.alice, '100');
      await c.fund('app', '100');
    });
    after(() => c.close());

    const settings = () => `/admin/v1/apps/${c.app.id}/pi`;

    test('GET settings: the defaults and the app wallet; owner and admin only', async () => {
      const r = await as(owner, 'GET', settings());
      assert.equal(r.status, 200, r.text);
      assert.deepEqual(r.json, { app_id: c.app.id, network: 'Pi Testnet', a2u_enabled: true, a2u_max_open_per_app: 1, wallet_address: c.app.address });
      assert.equal((await as(admin, 'GET', settings())).status, 200);
      assertAdminError(await as(stranger, 'GET', settings()), 403, 'forbidden');
      assertAdminError(await as(null, 'GET', settings()), 401, 'unauthorized');
      assertAdminError(await as(owner, 'GET', '/admin/v1/apps/99999999/pi'), 404, 'not_found');
    });

    test('PATCH settings: validated, merged, in force at once on the Pi routes, audited', async () => {
      for (const body of [{ network: 'x'.repeat(65) }, { network: '' }, { a2u_max_open_per_app: 0 }, { a2u_max_open_per_app: 1001 }, { a2u_enabled: 'no' }, { other: 1 }]) {
        assertAdminError(await as(owner, 'PATCH', settings(), body), 400, 'invalid_request');
      }
      assertAdminError(await as(stranger, 'PATCH', settings(), { a2u_enabled: false }), 403, 'forbidden');

      const off = await as(owner, 'PATCH', settings(), { a2u_enabled: false });
      assert.equal(off.status, 200, off.text);
      assert.equal(off.json.a2u_enabled, false);
      assert.equal(off.json.network, 'Pi Testnet', 'absent fields are kept');
      const a2u = (i: number) => c.call('POST', '/v2/payments', { auth: c.key(), body: `{"payment":{"amount":1,"memo":"m${i}","metadata":{},"uid":"${c.bob.pairwiseUid}"}}` });
      assertPiError(await a2u(0), 403, 'feature_not_available');

      const on = await as(admin, 'PATCH', settings(), { a2u_enabled: true, a2u_max_open_per_app: 2, network: 'Pi Network' });
      assert.equal(on.status, 200, on.text);
      assert.deepEqual(on.json, { app_id: c.app.id, network: 'Pi Network', a2u_enabled: true, a2u_max_open_per_app: 2, wallet_address: c.app.address });
      const first = await a2u(1);
      const second = await a2u(2);
      assert.equal(first.status, 200, first.text);
      assert.equal(second.status, 200, second.text);
      assert.equal(first.json.network, 'Pi Network');
      assertPiError(await a2u(3), 409, 'ongoing_payment_found', ['payment']);
      for (const p of [first, second]) await c.call('POST', `/v2/payments/${p.json.identifier}/cancel`, { auth: c.key() });
      await as(owner, 'PATCH', settings(), { a2u_max_open_per_app: 1, network: 'Pi Testnet' });

      const audit = await as(admin, 'GET', '/admin/v1/audit?limit=10');
      const actions = (audit.json as Array<{ action: string; target: string }>).filter((e) => e.action === 'admin.updateAppPiSettings');
      assert.equal(actions.length, 3);
      assert.equal(actions[0]!.target, `id:${c.app.id}`);
      // The operator's app controls show (and accept) the same settings.
      const controls = await as(admin, 'GET', `/admin/v1/apps/${c.app.id}/controls`);
      assert.equal(controls.status, 200, controls.text);
      assert.deepEqual(controls.json.settings.pi, { a2uEnabled: true, a2uMaxOpenPerApp: 1, network: 'Pi Testnet' });
    });

    test('reveal the wallet seed: the owner with the password gets the S-seed of the app wallet; audited without it', async () => {
      const path = `/admin/v1/apps/${c.app.id}/pi/wallet/reveal-seed`;
      const r = await as(owner, 'POST', path, { password: 'dev-password-1' }, { 'idempotency-key': 'reveal-1' });
      assert.equal(r.status, 200, r.text);
      assert.equal(r.json.app_id, c.app.id);
      assert.equal(r.json.address, c.app.address);
      assert.match(r.json.seed, /^S[A-Z2-7]{55}$/);
      assert.equal(Keypair.fromSecret(r.json.seed).publicKey(), c.app.address);
      // A replay repeats it; the stored answer is sealed, never plain text.
      const replay = await as(owner, 'POST', path, { password: 'dev-password-1' }, { 'idempotency-key': 'reveal-1' });
      assert.equal(replay.headers.get('idempotent-replayed'), 'true');
      assert.equal(replay.json.seed, r.json.seed);
      const db = c.server.services.db;
      const stored = await db.selectFrom('idempotency_keys').select('body').execute();
      assert.ok(stored.every((row) => !row.body.includes(r.json.seed)));

      const audit = await db.selectFrom('audit_log').selectAll().where('action', '=', 'admin.revealAppWalletSeed').execute();
      assert.equal(audit.length, 1);
      assert.deepEqual(JSON.parse(audit[0]!.details), { password: '[redacted]' });
      const everything = await db.selectFrom('audit_log').select(['details', 'target', 'action']).execute();
      assert.ok(everything.every((e) => !JSON.stringify(e).includes(r.json.seed) && !JSON.stringify(e).includes('dev-password-1')));
    });

    test('reveal refusals: wrong or missing password, not the owner (admins included), unknown app; nothing audited', async () => {
      const path = `/admin/v1/apps/${c.app.id}/pi/wallet/reveal-seed`;
      assertAdminError(await as(owner, 'POST', path, { password: 'wrong-password' }), 403, 'forbidden');
      assertAdminError(await as(owner, 'POST', path, {}), 400, 'invalid_request');
      assertAdminError(await as(owner, 'POST', path, { password: 'dev-password-1', extra: 1 }), 400, 'invalid_request');
      assertAdminError(await as(admin, 'POST', path, { password: 'rootpass' }), 403, 'forbidden');
      assertAdminError(await as(stranger, 'POST', path, { password: 'stranger-pass' }), 403, 'forbidden');
      assertAdminError(await as(null, 'POST', path, { password: 'dev-password-1' }), 401, 'unauthorized');
      assertAdminError(await as(owner, 'POST', '/admin/v1/apps/99999999/pi/wallet/reveal-seed', { password: 'dev-password-1' }), 404, 'not_found');
      const audit = await c.server.services.db.selectFrom('audit_log').select('id').where('action', '=', 'admin.revealAppWalletSeed').execute();
      assert.equal(audit.length, 1, 'only the earlier successful reveal');
    });

    test('reveal creates the wallet of an app that never needed one', async () => {
      const s = c.server.services;
      const developerId = (await getApp(s.db, c.app.id))!.developerId;
      const { app } = await s.db.transaction().execute((trx) => createApp(trx, { developerId, name: 'Walletless' }, identityDeps(s)));
      assert.equal((await as(owner, 'GET', `/admin/v1/apps/${app.id}/pi`)).json.wallet_address, null);
      const r = await as(owner, 'POST', `/admin/v1/apps/${app.id}/pi/wallet/reveal-seed`, { password: 'dev-password-1' });
      assert.equal(r.status, 200, r.text);
      assert.equal((await as(owner, 'GET', `/admin/v1/apps/${app.id}/pi`)).json.wallet_address, r.json.address);
    });

    test('payments: list newest first with filters and paging; get one; expiry applied; owner or admin only', async () => {
      const completed = await c.createU2A(c.alice);
      await c.approve(completed.identifier);
      const paid = await c.payAs(c.alice, completed.identifier);
      await c.call('POST', `/v2/payments/${completed.identifier}/complete`, { auth: c.key(), body: { txid: paid.json.transaction.txid } });
      const refund = await c.createA2U(c.bob.pairwiseUid);
      const pending = await c.createU2A(c.alice);

      const list = (query = '', token = owner) => as(token, 'GET', `/admin/v1/apps/${c.app.id}/payments${query}`);
      const all = await list();
      assert.equal(all.status, 200, all.text);
      const ids = (all.json as Array<{ identifier: string }>).map((p) => p.identifier);
      assert.deepEqual(ids.slice(0, 3), [pending.identifier, refund.identifier, completed.identifier]);
      const view = (all.json as any[]).find((p) => p.identifier === completed.identifier);
      assert.equal(view.state, 'completed');
      assert.equal(view.amount, '3.1400000');
      assert.equal(view.amount_minor, '31400000');
      assert.equal(view.metadata_json, '{"orderId":1234,"itemIds":[11,42]}');
      assert.equal(view.txid, paid.json.transaction.txid);
      assert.equal(view.user_uid, c.alice.pairwiseUid);
      assert.equal(view.status.developer_completed, true);

      const a2u = (await list('?direction=app_to_user')).json as any[];
      assert.equal(a2u.length, 3, 'the refund and the two cancelled by the settings test');
      assert.ok(a2u.every((p) => p.direction === 'app_to_user'));
      assert.deepEqual((await list('?direction=app_to_user&state=approved')).json.map((p: any) => p.identifier), [refund.identifier]);
      assert.ok((await list('?state=completed')).json.every((p: any) => p.state === 'completed'));
      const page1 = await list('?limit=2');
      assert.deepEqual(page1.json.map((p: any) => p.identifier), ids.slice(0, 2));
      const page2 = await list(`?limit=2&after=${ids[1]}`);
      assert.deepEqual(page2.json.map((p: any) => p.identifier), ids.slice(2, 4));
      assertAdminError(await list('?after=AAAAAAAAAAAAAAAAAAAAAAAAAAAA'), 400, 'invalid_request');
      assertAdminError(await list('?state=paid'), 400, 'invalid_request');
      assertAdminError(await list('?limit=0'), 400, 'invalid_request');
      assertAdminError(await list('', stranger), 403, 'forbidden');
      assert.equal((await list('', admin)).status, 200);

      const one = (id: string, token = owner) => as(token, 'GET', `/admin/v1/apps/${c.app.id}/payments/${id}`);
      const got = await one(refund.identifier);
      assert.equal(got.status, 200, got.text);
      assert.equal(got.json.direction, 'app_to_user');
      assert.equal(got.json.state, 'approved');
      assertAdminError(await one(refund.identifier, stranger), 403, 'forbidden');
      assertAdminError(await one('AAAAAAAAAAAAAAAAAAAAAAAAAAAA'), 404, 'not_found');
      assertAdminError(await one('not-an-id'), 400, 'invalid_request');
      const other = await c.createApp('Other');
      assertAdminError(await as(owner, 'GET', `/admin/v1/apps/${other.id}/payments/${refund.identifier}`), 404, 'not_found');

      // The console never sees an overdue payment as open.
      c.clock.advance(60_000);
      const expired = await one(pending.identifier);
      assert.equal(expired.json.state, 'cancelled');
      assert.equal(expired.json.cancel_reason, 'approval_timeout');
      await c.call('POST', `/v2/payments/${refund.identifier}/cancel`, { auth: c.key() });
    });

    test('every Pi admin route is in the OpenAPI document', () => {
      const doc = adminOpenApiDocument(ADMIN_ROUTES, 'http://127.0.0.1:3000') as { paths: Record<string, Record<string, { operationId: string }>> };
      const ops = Object.values(doc.paths).flatMap((p) => Object.values(p).map((o) => o.operationId));
      for (const op of ['getAppPiSettings', 'updateAppPiSettings', 'revealAppWalletSeed', 'listAppPayments', 'getAppPayment']) assert.ok(ops.includes(op), op);
    });
  });
}
