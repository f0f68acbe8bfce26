// Payment events end to end (spec/pi.md §7: `payment.*` webhooks, payload {payment: PaymentDTO}): an endpoint
// registered through the admin API, a U2A payment driven over the Pi routes, and a local receiver that checks every
// `Plaza-Signature` with the endpoint's secret. Both stores.
import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { createAdminApi } from '../../src/admin/plugin.js';
import { verifyPlazaSignature, startWebhookWorker } from '../../src/core/events/webhooks.js';
import { getApp } from '../../src/core/identity/apps.js';
import { issueDeveloperToken } from '../../src/core/identity/devTokens.js';
import { horizonDialect } from '../../src/dialects/pi/horizon/plugin.js';
import { piDialect } from '../../src/dialects/pi/plugin.js';
import { STORES } from '../support/stores.js';
import { startPayCtx, type PayCtx } from './paymentsSupport.js';

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
}

async function startReceiver(): Promise<{ url: string; received: Received[]; close(): Promise<void> }> {
  const received: Received[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/plaza`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

for (const kind of STORES) {
  describe(`pi payments: webhooks [${kind}]`, () => {
    let c: PayCtx;
    let receiver: Awaited<ReturnType<typeof startReceiver>>;
    let secret: string;

    before(async () => {
      c = await startPayCtx(kind, { dialects: [piDialect, horizonDialect, createAdminApi({ assertResponses: true })] });
      receiver = await startReceiver();
      const s = c.server.services;
      const developerId = (await getApp(s.db, c.app.id))!.developerId;
      const { token } = await issueDeveloperToken(s.db, developerId, c.clock, 3600);
      const created = await c.call('POST', `/admin/v1/apps/${c.app.id}/webhooks`, { auth: `Bearer ${token}`, body: { url: receiver.url } });
      assert.equal(created.status, 201, created.text);
      secret = created.json.secret;
      await c.fund(c.alice, '10');
    });
    after(async () => {
      await receiver.close();
      await c.close();
    });

    async function deliverAll(): Promise<void> {
      const s = c.server.services;
      const worker = startWebhookWorker({ db: s.db, box: s.box, clock: s.clock, logger: s.logger, intervalMs: 3600_000 });
      try {
        while ((await worker.runOnce()) > 0);
      } finally {
        await worker.stop();
      }
    }

    test('created, approved, transaction_verified, completed and a superseding cancel arrive signed, with the PaymentDTO', async () => {
      const old = await c.createU2A(c.alice);
      const p = await c.createU2A(c.alice);
      await c.approve(p.identifier);
      const paid = await c.payAs(c.alice, p.identifier);
      const done = await c.call('POST', `/v2/payments/${p.identifier}/complete`, { auth: c.key(), body: { txid: paid.json.transaction.txid } });
      assert.equal(done.status, 200, done.text);
      await deliverAll();

      assert.equal(receiver.received.length, 6);
      const events = receiver.received.map((r) => {
        assert.ok(verifyPlazaSignature(r.headers['plaza-signature'] as string, r.body, secret, 300, c.clock.now()), r.body);
        assert.equal(verifyPlazaSignature(r.headers['plaza-signature'] as string, r.body, 'whsec_wrong', 300, c.clock.now()), false);
        return JSON.parse(r.body) as { type: string; app_id: number; data: { payment: any } };
      });
      for (const e of events) assert.equal(e.app_id, c.app.id);
      const ofP = events.filter((e) => e.data.payment.identifier === p.identifier);
      assert.deepEqual(ofP.map((e) => e.type).sort(), ['payment.approved', 'payment.completed', 'payment.created', 'payment.transaction_verified']);
      const ofOld = events.filter((e) => e.data.payment.identifier === old.identifier).map((e) => e.type).sort();
      assert.deepEqual(ofOld, ['payment.cancelled', 'payment.created']);

      // The payload is the PaymentDTO as the routes answer it (the webhook's _link is on the configured public URL).
      const completed = ofP.find((e) => e.type === 'payment.completed')!.data.payment;
      assert.deepEqual(completed, done.json);
      assert.equal(completed.amount, 3.14);
      assert.deepEqual(completed.metadata, { orderId: 1234, itemIds: [11, 42] });
      assert.equal(completed.transaction._link, `http://127.0.0.1:3000/horizon/transactions/${paid.json.transaction.txid}`);
      const cancelled = events.find((e) => e.type === 'payment.cancelled')!.data.payment;
      assert.equal(cancelled.status.cancelled, true);
    });

    test('a lazily applied expiry emits one payment.cancelled; a refused request emits nothing', async () => {
      receiver.received.length = 0;
      const q = await c.createU2A(c.alice);
      c.clock.advance(60_000);
      const refused = await c.approve(q.identifier);
      assert.equal(refused.status, 409);
      // The refusal rolled its transaction back; the GET commits the expiry with its event.
      assert.equal((await c.events(q.identifier, 'payment.cancelled')).length, 0);
      assert.equal((await c.call('GET', `/v2/payments/${q.identifier}`, { auth: c.key() })).json.status.cancelled, true);
      assert.equal((await c.call('GET', `/v2/payments/${q.identifier}`, { auth: c.key() })).json.status.cancelled, true);
      await deliverAll();
      const types = receiver.received.map((r) => JSON.parse(r.body) as { type: string }).map((e) => e.type).sort();
      assert.deepEqual(types, ['payment.cancelled', 'payment.created']);
    });
  });
}
