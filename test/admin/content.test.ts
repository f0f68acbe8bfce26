// The operator's content switch (spec ulord §8.3 last bullet) through the admin API, on both stores: resources are
// published through the real Ulord endpoints (X4), then read, disabled and re-enabled with GET / PATCH
// /admin/v1/content/:id. Disabled content leaves X5, X6 and X11 but stays in X7, X8 and X13; every change is in the
// content's history (publish by `app:<id>`, admin changes by `developer:<id>`) and in the audit log.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createAdminApi } from '../../src/admin/plugin.js';
import { STORES } from '../support/stores.js';
import { ADMIN, type Dev } from '../ulord/helpers.js';
import { world, type World } from '../ulord/content.support.js';

const HASH = 'QmUH2NbKrURA6hAmJnhfP4VTDtkjUs3fVCN2L7DoE3JLmm';

for (const kind of STORES) {
  describe(`admin API: paid content [${kind}]`, () => {
    let w: World;
    let root: Dev;
    let plain: Dev;
    let id: number;
    let C: string;

    const admin = (method: string, path: string, body?: unknown, token = root.token, headers: Record<string, string> = {}) =>
      w.c.call(path, body, { method, token, headers });
    const history = async () => (await admin('GET', `/admin/v1/content/${id}`)).json.history.map((h: { action: string; actor: string }) => [h.action, h.actor]);

    before(async () => {
      w = await world(kind, undefined, [createAdminApi({ assertResponses: true })]);
      root = await w.c.dev('root', { roleId: ADMIN });
      plain = await w.c.dev('plain');
      await w.wallet('alice', 'a-secret');
      await w.wallet('bob', 'b-secret', '10');
      await w.wallet('carol', 'c-secret', '10');
      const r = await w.publish({ author: 'alice', title: 'paid', ipfs_hash: HASH, price: 0.5, pay_password: 'a-secret' });
      id = r.id;
      C = r.claim_id;
      const paid = await w.x('/v1/transactions/consume/', { username: 'bob', claim_id: C, customer_pay_password: 'b-secret' });
      assert.equal(paid.json.errcode, 0, paid.text);
    });
    after(() => w.close());

    test('publish writes one publish history row, by the app, with a snapshot of the public fields', async () => {
      const rows = await w.c.server.services.db.selectFrom('content_history').selectAll().where('content_id', '=', id).execute();
      assert.equal(rows.length, 1);
      assert.equal(rows[0]!.action, 'publish');
      assert.equal(rows[0]!.actor, `app:${w.appId}`);
      const snapshot = JSON.parse(rows[0]!.snapshot);
      assert.deepEqual(Object.keys(snapshot), [...Object.keys(snapshot)].sort(), 'canonical: keys sorted');
      assert.equal(snapshot.claim_id, C);
      assert.equal(snapshot.price_minor, '50000000');
      assert.equal(snapshot.enabled, true);
      assert.equal(snapshot.ipfs_hash, undefined, 'the paid hash is not part of the snapshot');
    });

    test('GET answers the content with its history', async () => {
      const r = await admin('GET', `/admin/v1/content/${id}`);
      assert.equal(r.status, 200, r.text);
      assert.deepEqual({ ...r.json, created_at: 'x', history: r.json.history.length }, {
        id, app_id: w.appId, author: 'alice', claim_id: C, title: 'paid', price: '0.50000000', price_minor: '50000000',
        enabled: true, views: 1, created_at: 'x', history: 1,
      });
      assert.match(r.json.created_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      assert.deepEqual(await history(), [['publish', `app:${w.appId}`]]);
    });

    test('PATCH enabled=false hides it from X5, X6 and X11; X7, X8 and X13 still show it', async () => {
      const r = await admin('PATCH', `/admin/v1/content/${id}`, { enabled: false });
      assert.equal(r.status, 200, r.text);
      assert.equal(r.json.enabled, false);
      assert.equal(r.json.id, id);
      assert.deepEqual((await w.x('/v1/transactions/check/', { username: 'bob', claim_ids: [C] })).json.result, { [C]: null });
      assert.deepEqual((await w.x('/v1/transactions/consume/', { username: 'carol', claim_id: C, customer_pay_password: 'c-secret' })).json, { errcode: 20007, reason: '资源不存在.' });
      assert.equal(await w.balance('carol'), 10n * 100_000_000n, 'nothing paid');
      const list = (await w.x('/v1/content/list/1/100', undefined, { method: 'GET' })).json.result;
      assert.deepEqual([list.total, list.data.length], [0, 0]);
      const x7 = (await w.x('/v1/transactions/publisher/account/1/10/', { author: 'alice' })).json.result;
      assert.deepEqual(x7.records.map((x: { claim_id: string }) => x.claim_id), [C]);
      const x8 = (await w.x('/v1/transactions/customer/account/1/10/', { customer: 'bob' })).json.result;
      assert.deepEqual(x8.records.map((x: { claim_id: string }) => x.claim_id), [C]);
      const x13 = (await w.x('/v1/content/publish/list/1/10/', { author: 'alice' })).json.result;
      assert.deepEqual(x13.data.map((x: { claim_id: string }) => x.claim_id), [C]);
      // The switch is not an author's update: update_timed stays null.
      assert.equal(x13.data[0].update_timed, null);
    });

    test('the same state again answers the content and writes no history', async () => {
      const r = await admin('PATCH', `/admin/v1/content/${id}`, { enabled: false });
      assert.equal(r.status, 200, r.text);
      assert.equal(r.json.enabled, false);
      assert.deepEqual(r.json.history.map((h: { action: string }) => h.action), ['publish', 'disable']);
    });

    test('PATCH enabled=true restores it; the history holds disable then enable by the admin', async () => {
      const r = await admin('PATCH', `/admin/v1/content/${id}`, { enabled: true });
      assert.equal(r.status, 200, r.text);
      assert.equal(r.json.enabled, true);
      assert.deepEqual((await w.x('/v1/transactions/check/', { username: 'bob', claim_ids: [C] })).json.result, { [C]: HASH });
      assert.deepEqual((await w.x('/v1/content/list/1/100', undefined, { method: 'GET' })).json.result.data.map((x: { claim_id: string }) => x.claim_id), [C]);
      const ok = await w.x('/v1/transactions/consume/', { username: 'carol', claim_id: C, customer_pay_password: 'c-secret' });
      assert.deepEqual(ok.json, { errcode: 0, reason: 'success', result: { ipfs_hash: HASH } });
      const actor = `developer:${root.id}`;
      assert.deepEqual(await history(), [['publish', `app:${w.appId}`], ['disable', actor], ['enable', actor]]);
      const rows = await w.c.server.services.db.selectFrom('content_history').select(['action', 'snapshot']).where('content_id', '=', id).orderBy('id').execute();
      assert.deepEqual(rows.map((x) => JSON.parse(x.snapshot).enabled), [true, false, true]);
    });

    test('each change is in the audit log; an Idempotency-Key replays without a second change', async () => {
      const log = await admin('GET', '/admin/v1/audit?limit=10');
      assert.equal(log.status, 200, log.text);
      const entries = log.json.filter((e: { action: string }) => e.action === 'admin.updateContent');
      assert.deepEqual(entries.map((e: { details: unknown }) => e.details), [{ enabled: true }, { enabled: false }, { enabled: false }]);
      for (const e of entries) {
        assert.equal(e.actor, `developer:${root.id}`);
        assert.equal(e.target, `id:${id}`);
      }
      const headers = { 'idempotency-key': 'disable-once' };
      const first = await admin('PATCH', `/admin/v1/content/${id}`, { enabled: false }, root.token, headers);
      const again = await admin('PATCH', `/admin/v1/content/${id}`, { enabled: false }, root.token, headers);
      assert.equal(again.headers.get('idempotent-replayed'), 'true');
      assert.equal(again.text, first.text);
      const restored = await admin('PATCH', `/admin/v1/content/${id}`, { enabled: true });
      assert.deepEqual(restored.json.history.map((h: { action: string }) => h.action), ['publish', 'disable', 'enable', 'disable', 'enable']);
    });

    test('refuses non-admins (403), unknown content (404) and a bad body (400), writing nothing', async () => {
      for (const [method, body] of [['GET', undefined], ['PATCH', { enabled: false }]] as const) {
        const r = await admin(method, `/admin/v1/content/${id}`, body, plain.token);
        assert.equal(r.status, 403, r.text);
        assert.equal(r.json.error.code, 'forbidden');
        const none = await admin(method, '/admin/v1/content/999999', body);
        assert.equal(none.status, 404, none.text);
        assert.equal(none.json.error.code, 'not_found');
      }
      for (const body of [{}, { enabled: 'false' }, { enabled: false, title: 'x' }]) {
        const r = await admin('PATCH', `/admin/v1/content/${id}`, body);
        assert.equal(r.status, 400, r.text);
        assert.equal(r.json.error.code, 'invalid_request');
      }
      const current = await admin('GET', `/admin/v1/content/${id}`);
      assert.equal(current.json.enabled, true);
      assert.equal(current.json.history.length, 5);
    });
  });
}
