// The webhook admin API: register (secret shown once), list, deliveries with attempts, resend, disable; owners and
// admins only; unknown or foreign ids are 404; the OpenAPI document lists every route.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { emitEvent } from '../../src/core/events/outbox.js';
import { startWebhookWorker } from '../../src/core/events/webhooks.js';
import { startAdminFixture, type AdminFixture } from '../admin/support.js';
import { STORES } from '../support/stores.js';

for (const store of STORES) {
  describe(`webhook admin API (${store})`, () => {
    let f: AdminFixture;
    let appId: number;
    let otherAppId: number;
    before(async () => {
      f = await startAdminFixture(store);
      appId = await f.createApp(f.dev.developer.id, 'hooked');
      otherAppId = await f.createApp(f.other.developer.id, 'bobs');
    });
    after(() => f.close());

    const base = () => `/admin/v1/apps/${appId}/webhooks`;

    it('registers an endpoint, shows its secret once, lists it without, and shows deliveries with attempts', async () => {
      const created = await f.call('POST', base(), { token: f.dev.token, body: { url: 'http://127.0.0.1:9/hook', events: ['payment.completed'] } });
      assert.equal(created.status, 201, created.text);
      assert.match(created.json.secret, /^whsec_[A-Za-z0-9_-]{32}$/);
      assert.deepEqual(created.json.events, ['payment.completed']);
      assert.equal(created.json.status, 'active');
      const list = await f.call('GET', base(), { token: f.dev.token });
      assert.equal(list.status, 200);
      assert.equal(list.json.length, 1);
      assert.equal(list.json[0].secret, undefined);
      assert.ok(!list.text.includes(created.json.secret));

      const s = f.server.services;
      await s.db.transaction().execute((trx) => emitEvent(trx, { appId, type: 'payment.completed', payload: { id: 'p1' } }, s.clock));
      // Port 9 (discard) refuses: the attempt is recorded with its error and the delivery stays pending.
      const worker = startWebhookWorker({ db: s.db, box: s.box, clock: s.clock, logger: s.logger, intervalMs: 3600_000 });
      assert.equal(await worker.runOnce(), 1);
      await worker.stop();
      const deliveries = await f.call('GET', `${base()}/${created.json.id}/deliveries`, { token: f.dev.token });
      assert.equal(deliveries.status, 200, deliveries.text);
      assert.equal(deliveries.json.length, 1);
      const [d] = deliveries.json;
      assert.equal(d.status, 'pending');
      assert.equal(d.event_type, 'payment.completed');
      assert.equal(d.attempts, 1);
      assert.equal(d.attempt_log.length, 1);
      assert.equal(d.attempt_log[0].status_code, null);
      assert.ok(d.attempt_log[0].error);

      const resent = await f.call('POST', `/admin/v1/webhook-deliveries/${d.id}/resend`, { token: f.dev.token, body: {} });
      assert.equal(resent.status, 200, resent.text);
      assert.equal(resent.json.status, 'pending');
      assert.ok(Date.parse(resent.json.next_attempt_at) <= s.clock.now(), 'due at once');

      const disabled = await f.call('POST', `${base()}/${created.json.id}/disable`, { token: f.admin.token, body: {} });
      assert.equal(disabled.status, 200, disabled.text);
      assert.equal(disabled.json.status, 'disabled');
      const again = await f.call('POST', `/admin/v1/webhook-deliveries/${d.id}/resend`, { token: f.dev.token, body: {} });
      assert.equal(again.status, 409);
    });

    it('refuses invalid URLs and event types', async () => {
      for (const url of ['/relative', 'ftp://example.com/x', 'https://user:pw@example.com/x', 'not a url']) {
        const r = await f.call('POST', base(), { token: f.dev.token, body: { url } });
        assert.equal(r.status, 400, url);
        assert.equal(r.json.error.code, 'invalid_request');
      }
      const r = await f.call('POST', base(), { token: f.dev.token, body: { url: 'https://example.com/x', events: ['Payment Completed'] } });
      assert.equal(r.status, 400);
    });

    it("is forbidden on another developer's app and needs a token", async () => {
      const foreign = `/admin/v1/apps/${otherAppId}/webhooks`;
      assert.equal((await f.call('POST', foreign, { token: f.dev.token, body: { url: 'https://example.com/x' } })).status, 403);
      assert.equal((await f.call('GET', foreign, { token: f.dev.token })).status, 403);
      assert.equal((await f.call('GET', foreign, { token: null })).status, 401);
      assert.equal((await f.call('GET', foreign, { token: f.blocked.token })).status, 403);
      // An admin may act on any app.
      const byAdmin = await f.call('POST', foreign, { token: f.admin.token, body: { url: 'https://example.com/x' } });
      assert.equal(byAdmin.status, 201, byAdmin.text);
      assert.equal((await f.call('GET', `${foreign}/${byAdmin.json.id}/deliveries`, { token: f.dev.token })).status, 403);
      assert.equal((await f.call('POST', `${foreign}/${byAdmin.json.id}/disable`, { token: f.dev.token, body: {} })).status, 403);
      // The endpoint exists, but not under the caller's app: 404, not a leak of another app's endpoint.
      assert.equal((await f.call('GET', `${base()}/${byAdmin.json.id}/deliveries`, { token: f.dev.token })).status, 404);
    });

    it('answers 404 for unknown apps, endpoints and deliveries', async () => {
      assert.equal((await f.call('GET', '/admin/v1/apps/99999999/webhooks', { token: f.dev.token })).status, 404);
      assert.equal((await f.call('GET', `${base()}/999999/deliveries`, { token: f.dev.token })).status, 404);
      assert.equal((await f.call('POST', `${base()}/999999/disable`, { token: f.dev.token, body: {} })).status, 404);
      assert.equal((await f.call('POST', '/admin/v1/webhook-deliveries/999999/resend', { token: f.dev.token, body: {} })).status, 404);
    });

    it('documents every webhook route in /openapi/admin.json', async () => {
      const doc = await f.call('GET', '/openapi/admin.json', { token: null });
      assert.equal(doc.status, 200);
      const ops = Object.values(doc.json.paths as Record<string, Record<string, { operationId: string }>>).flatMap((p) => Object.values(p).map((o) => o.operationId));
      for (const op of ['createWebhookEndpoint', 'listWebhookEndpoints', 'disableWebhookEndpoint', 'listWebhookDeliveries', 'resendWebhookDelivery']) {
        assert.ok(ops.includes(op), op);
      }
    });
  });
}
