// The SDK's AdminClient against a real Plaza (test server) on both stores: sign-up, sign-in, typed calls with path,
// query and body, Idempotency-Key replays, AdminApiError carrying the admin envelope, sign-out, and the example that
// creates an app and registers a webhook.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createAppWithWebhook } from '../../sdk/examples/create-app-and-webhook.js';
import { AdminApiError, AdminClient, PlazaError, type FetchLike } from '../../sdk/src/index.js';
import { STORES } from '../support/stores.js';
import { startAdminFixture, type AdminFixture } from '../admin/support.js';

async function refusal(work: Promise<unknown>): Promise<AdminApiError> {
  try {
    await work;
  } catch (err) {
    assert.ok(err instanceof AdminApiError, `expected an AdminApiError, got ${String(err)}`);
    return err;
  }
  assert.fail('expected a refusal');
}

for (const kind of STORES) {
  describe(`SDK AdminClient against Plaza [${kind}]`, () => {
    let f: AdminFixture;
    before(async () => {
      f = await startAdminFixture(kind);
    });
    after(() => f.close());

    test('register, sign in, me, apps (create with Idempotency-Key, get, update, list), sign out', async () => {
      const c = new AdminClient({ baseUrl: f.server.baseUrl });
      const dev = await c.registerDeveloper({ body: { username: 'sdkdev', password: 'sdk-password' } });
      assert.equal(dev.username, 'sdkdev');
      const session = await c.signIn('sdkdev', 'sdk-password');
      assert.equal(c.token, session.token);
      assert.equal((await c.getMe()).id, dev.id);

      const app = await c.createApp({ body: { name: 'sdk-app', description: 'from the SDK' } }, { idempotencyKey: 'sdk-app-1' });
      const replay = await c.createApp({ body: { name: 'sdk-app', description: 'from the SDK' } }, { idempotencyKey: 'sdk-app-1' });
      assert.deepEqual(replay, app, 'a replay answers the first answer, secret included');
      assert.match(app.secret, /^[0-9a-f]{32}$/);
      const conflict = await refusal(c.createApp({ body: { name: 'other' } }, { idempotencyKey: 'sdk-app-1' }));
      assert.deepEqual([conflict.status, conflict.code], [409, 'idempotency_conflict']);

      assert.equal((await c.getApp({ params: { id: app.id } })).appkey, app.appkey);
      const updated = await c.updateApp({ params: { id: app.id }, body: { description: null } });
      assert.equal(updated.description, null);
      const list = await c.listApps({ query: { query: 'sdk', limit: 10 } });
      assert.deepEqual(list.map((a) => a.id), [app.id]);
      assert.deepEqual((await c.listApps()).map((a) => a.id), [app.id]);

      const taken = await refusal(c.createApp({ body: { name: 'SDK-APP' } }));
      assert.deepEqual([taken.status, taken.code], [409, 'app_name_taken']);
      assert.match(taken.message, /app_name_taken/);
      assert.equal(JSON.parse(taken.body).error.code, 'app_name_taken');
      const notMine = await refusal(c.getApp({ params: { id: (await f.createApp(f.other.developer.id, 'bobs')) } }));
      assert.deepEqual([notMine.status, notMine.code], [403, 'forbidden']);
      const admin = await refusal(c.listDevelopers());
      assert.deepEqual([admin.status, admin.code], [403, 'forbidden']);

      await c.signOut();
      assert.equal(c.token, null);
      const c2 = new AdminClient({ baseUrl: f.server.baseUrl, token: session.token });
      const gone = await refusal(c2.getMe());
      assert.deepEqual([gone.status, gone.code], [401, 'unauthorized']);
      const wrong = await refusal(c.signIn('sdkdev', 'not-the-password'));
      assert.deepEqual([wrong.status, wrong.code], [401, 'unauthorized']);
      assert.equal(c.token, null);
    });

    test('admin operations: assets, issue with path params, accounts with query, volume', async () => {
      const c = new AdminClient({ baseUrl: f.server.baseUrl, token: f.admin.token });
      await c.createAsset({ body: { symbol: 'SDKT', precision: 2 } });
      const t = await c.issueAsset({ params: { symbol: 'SDKT' }, body: { owner_kind: 'user', owner_id: 'sdk', amount: '12.50' } }, { idempotencyKey: 'issue-1' });
      assert.deepEqual([t.amount, t.amount_minor, t.asset], ['12.50', '1250', 'SDKT']);
      const again = await c.issueAsset({ params: { symbol: 'SDKT' }, body: { owner_kind: 'user', owner_id: 'sdk', amount: '12.50' } }, { idempotencyKey: 'issue-1' });
      assert.equal(again.txid, t.txid);
      const accounts = await c.listAccounts({ query: { owner_kind: 'user', owner_id: 'sdk', asset: 'SDKT' } });
      assert.deepEqual(accounts.map((a) => a.balance), ['12.50'], 'issued once despite the repeat');
      const from = new Date(Date.now() - 3_600_000).toISOString();
      const to = new Date(Date.now() + 3_600_000).toISOString();
      const volume = await c.getLedgerVolume({ query: { asset: 'SDKT', bucket: 'hour', from, to } });
      assert.equal(volume.points.reduce((n, p) => n + p.count, 0), 1);
      const bad = await refusal(c.issueAsset({ params: { symbol: 'SDKT' }, body: { owner_kind: 'user', owner_id: 'sdk', amount: '1.234' } }));
      assert.deepEqual([bad.status, bad.code], [400, 'invalid_amount']);
      const missing = await refusal(c.getAccount({ params: { id: 999999 } }));
      assert.deepEqual([missing.status, missing.code], [404, 'not_found']);
    });

    test('example: create an app and register a webhook', async () => {
      const { app, webhook } = await createAppWithWebhook({ baseUrl: f.server.baseUrl, username: 'alice', password: 'secret1', appName: 'example-app', webhookUrl: 'https://example.com/hooks' });
      assert.equal(app.developer_id, f.dev.developer.id);
      assert.equal(webhook.url, 'https://example.com/hooks');
      assert.deepEqual(webhook.events, ['payment.completed', 'payment.cancelled']);
      assert.ok(webhook.secret.length > 0);
      const c = new AdminClient({ baseUrl: f.server.baseUrl, token: f.dev.token });
      assert.deepEqual((await c.listWebhookEndpoints({ params: { id: app.id } })).map((w) => w.id), [webhook.id]);
    });

    test('transport: custom fetch, timeout, bad base URL', async () => {
      const seen: string[] = [];
      const spy: FetchLike = (url, init) => {
        seen.push(`${init.method} ${url} ${(init.headers as Record<string, string>)['idempotency-key'] ?? '-'}`);
        return fetch(url, init);
      };
      const c = new AdminClient({ baseUrl: `${f.server.baseUrl}/`, token: f.dev.token, fetch: spy });
      await c.listAppTypes();
      await c.revokeCurrentSession({ idempotencyKey: 'k1' }).catch(() => undefined);
      assert.deepEqual(seen, [`GET ${f.server.baseUrl}/admin/v1/app-types -`, `POST ${f.server.baseUrl}/admin/v1/sessions/current/revoke k1`]);
      const slow = new AdminClient({ baseUrl: f.server.baseUrl, timeoutMs: 5, fetch: (url, init) => new Promise((_resolve, reject) => init.signal?.addEventListener('abort', () => reject(init.signal?.reason))) });
      await assert.rejects(slow.listAppTypes(), (err: unknown) => err instanceof PlazaError && /timed out/.test(err.message));
      assert.throws(() => new AdminClient({ baseUrl: 'localhost:3000' }), TypeError);
    });
  });
}
