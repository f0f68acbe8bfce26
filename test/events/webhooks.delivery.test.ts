// The webhook worker against a real receiver on 127.0.0.1: signed deliveries, retries with backoff on a manual
// clock, giving up after a day, claims that two workers never share, disabled endpoints, and the sealed secret.
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { manualClock } from '../../src/core/clock.js';
import { createSecretBox } from '../../src/core/crypto/secretbox.js';
import { emitEvent } from '../../src/core/events/outbox.js';
import { createWebhookEndpoint, disableWebhookEndpoint, listWebhookDeliveries, resendWebhookDelivery } from '../../src/core/events/webhookStore.js';
import { afterAttempt, backoffMs, startWebhookWorker, verifyPlazaSignature, type WebhookWorker } from '../../src/core/events/webhooks.js';
import { createTestStore, STORES, type TestStore } from '../support/stores.js';

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
}

/** A receiver answering with the queued status codes (then 200), recording every request. */
async function startReceiver(): Promise<{ url: string; received: Received[]; answers: number[]; close(): Promise<void> }> {
  const received: Received[] = [];
  const answers: number[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.statusCode = answers.shift() ?? 200;
      res.end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    received,
    answers,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const quietLogger = { warn: () => undefined, debug: () => undefined };

test('backoff doubles from 10 s, is capped at 6 h, and a failure at or after the window gives up', () => {
  assert.equal(backoffMs(1, 0.5), 10_000);
  assert.equal(backoffMs(2, 0.5), 20_000);
  assert.equal(backoffMs(3, 0), 32_000);
  assert.equal(backoffMs(40, 0.5), 6 * 3600_000);
  assert.deepEqual(afterAttempt({ ok: true, attempts: 9, retryUntil: 0, now: 5, random: 0.5 }), { status: 'succeeded' });
  assert.deepEqual(afterAttempt({ ok: false, attempts: 1, retryUntil: 100_000, now: 0, random: 0.5 }), { status: 'pending', nextAttemptAt: 10_000 });
  assert.deepEqual(afterAttempt({ ok: false, attempts: 20, retryUntil: 100, now: 100, random: 0.5 }), { status: 'failed' });
});

test('verifyPlazaSignature refuses a wrong secret, a changed body, an old timestamp and garbage', () => {
  const body = '{"a":1}';
  const t = 1_767_225_600;
  const header = `t=${t},v1=${createHmac('sha256', 's3cret').update(`${t}.${body}`).digest('hex')}`;
  assert.equal(verifyPlazaSignature(header, body, 's3cret', 300, t * 1000), true);
  assert.equal(verifyPlazaSignature(`v1=00,${header}`, Buffer.from(body), 's3cret', 300, t * 1000 + 299_000), true);
  assert.equal(verifyPlazaSignature(header, body, 'other', 300, t * 1000), false);
  assert.equal(verifyPlazaSignature(header, '{"a":2}', 's3cret', 300, t * 1000), false);
  assert.equal(verifyPlazaSignature(header, body, 's3cret', 300, (t + 301) * 1000), false);
  assert.equal(verifyPlazaSignature('nonsense', body, 's3cret', 300, t * 1000), false);
  assert.equal(verifyPlazaSignature(undefined, body, 's3cret', 300, t * 1000), false);
});

for (const kind of STORES) {
  describe(`webhook delivery (${kind})`, () => {
    let store: TestStore;
    let receiver: Awaited<ReturnType<typeof startReceiver>>;
    const clock = manualClock(Date.UTC(2026, 0, 1, 12));
    const box = createSecretBox(Buffer.alloc(32, 7));
    let nextApp = 900;
    const workers: WebhookWorker[] = [];

    before(async () => {
      store = await createTestStore(kind);
      receiver = await startReceiver();
    });
    after(async () => {
      await Promise.all(workers.map((w) => w.stop()));
      await receiver.close();
      await store.drop();
    });

    const db = () => store.database.db;
    function worker(): WebhookWorker {
      // A long interval: the tests drive batches with runOnce().
      const w = startWebhookWorker({ db: db(), box, clock, logger: quietLogger, intervalMs: 3600_000, random: () => 0.5 });
      workers.push(w);
      return w;
    }
    async function endpointFor(eventTypes: string[] | null = null) {
      const appId = nextApp++;
      const created = await db().transaction().execute((trx) => createWebhookEndpoint(trx, { appId, url: receiver.url, eventTypes }, { box, clock }));
      return { appId, ...created };
    }
    async function emit(appId: number, type = 'payment.completed', payload: Record<string, unknown> = { amount: '3.5', identifier: 'p1' }) {
      await db().transaction().execute((trx) => emitEvent(trx, { appId, type, payload }, clock));
    }

    test('a delivery is POSTed with the right headers and a signature verifyPlazaSignature accepts', async () => {
      const { appId, endpoint, secret } = await endpointFor();
      await emit(appId);
      receiver.received.length = 0;
      assert.equal(await worker().runOnce(), 1);
      assert.equal(receiver.received.length, 1);
      const { headers, body } = receiver.received[0]!;
      assert.equal(headers['content-type'], 'application/json');
      assert.equal(headers['plaza-event'], 'payment.completed');
      const [delivery] = await listWebhookDeliveries(db(), endpoint.id, { limit: 10 });
      assert.ok(delivery);
      assert.equal(headers['plaza-delivery'], String(delivery.id));
      assert.match(String(headers['plaza-signature']), new RegExp(`^t=${Math.floor(clock.now() / 1000)},v1=[0-9a-f]{64}$`));
      assert.equal(verifyPlazaSignature(headers['plaza-signature'] as string, body, secret, 300, clock.now()), true);
      assert.equal(verifyPlazaSignature(headers['plaza-signature'] as string, body, 'whsec_wrong', 300, clock.now()), false);
      const event = JSON.parse(body) as Record<string, unknown>;
      assert.deepEqual(Object.keys(event), ['id', 'type', 'created_at', 'app_id', 'data']);
      assert.equal(event.type, 'payment.completed');
      assert.equal(event.app_id, appId);
      assert.equal(event.id, delivery.eventId);
      assert.equal(event.created_at, new Date(clock.now()).toISOString());
      assert.deepEqual(event.data, { amount: '3.5', identifier: 'p1' });
      assert.equal(delivery.status, 'succeeded');
      assert.equal(delivery.attempts, 1);
      assert.equal(delivery.attemptLog.length, 1);
      assert.equal(delivery.attemptLog[0]!.statusCode, 200);
    });

    test('a 500 is retried with backoff, then succeeds; every attempt is recorded', async () => {
      const { appId, endpoint } = await endpointFor(['payment.completed']);
      await emit(appId);
      const w = worker();
      receiver.received.length = 0;
      receiver.answers.push(500);
      assert.equal(await w.runOnce(), 1);
      let [d] = await listWebhookDeliveries(db(), endpoint.id, { limit: 10 });
      assert.equal(d!.status, 'pending');
      assert.equal(d!.lastStatusCode, 500);
      assert.equal(d!.nextAttemptAt, clock.now() + 10_000);
      clock.advance(9_999);
      assert.equal(await w.runOnce(), 0, 'not due before the backoff');
      clock.advance(1);
      assert.equal(await w.runOnce(), 1);
      [d] = await listWebhookDeliveries(db(), endpoint.id, { limit: 10 });
      assert.equal(d!.status, 'succeeded');
      assert.equal(d!.attempts, 2);
      assert.deepEqual(d!.attemptLog.map((a) => [a.statusCode, a.error]), [
        [500, 'HTTP 500'],
        [200, null],
      ]);
      assert.equal(receiver.received.length, 2);
      assert.equal(receiver.received[0]!.headers['plaza-delivery'], receiver.received[1]!.headers['plaza-delivery']);
    });

    test('a delivery that keeps failing is given up once a day has passed, not before', async () => {
      const { appId, endpoint } = await endpointFor();
      await emit(appId);
      const start = clock.now();
      const w = worker();
      let attempts = 0;
      for (let i = 0; i < 100; i++) {
        receiver.answers.push(503);
        const [d] = await listWebhookDeliveries(db(), endpoint.id, { limit: 1 });
        if (d!.status !== 'pending') break;
        clock.set(Math.max(clock.now(), d!.nextAttemptAt!));
        attempts += await w.runOnce();
      }
      receiver.answers.length = 0;
      const [d] = await listWebhookDeliveries(db(), endpoint.id, { limit: 1 });
      assert.equal(d!.status, 'failed');
      assert.equal(d!.attempts, attempts);
      assert.equal(d!.attemptLog.length, attempts);
      const last = d!.attemptLog.at(-1)!.at;
      const beforeLast = d!.attemptLog.at(-2)!.at;
      assert.ok(last - start >= 24 * 3600_000, 'retried for at least a day');
      assert.ok(beforeLast - start < 24 * 3600_000, 'gave up at the first failure after the day');
      assert.ok(d!.attemptLog.every((a, i) => i === 0 || a.at - d!.attemptLog[i - 1]!.at <= 6 * 3600_000 * 1.2));
      // ...and a resend queues it again, with a fresh window.
      await db().transaction().execute((trx) => resendWebhookDelivery(trx, d!.id, clock));
      assert.equal(await w.runOnce(), 1);
      const [again] = await listWebhookDeliveries(db(), endpoint.id, { limit: 1 });
      assert.equal(again!.status, 'succeeded');
    });

    test('two workers on one store never send the same attempt twice', async () => {
      const { appId } = await endpointFor();
      for (let i = 0; i < 30; i++) await emit(appId, 'payment.completed', { n: i });
      receiver.received.length = 0;
      const a = worker();
      const b = worker();
      // Both workers read the same due rows at once; each row must be claimed by exactly one of them.
      for (let round = 0; round < 10; round++) {
        const [x, y] = await Promise.all([a.runOnce(), b.runOnce()]);
        if (x + y === 0) break;
      }
      const ids = receiver.received.map((r) => r.headers['plaza-delivery']);
      assert.equal(ids.length, 30);
      assert.equal(new Set(ids).size, 30);
    });

    test('a disabled endpoint gets nothing: no new deliveries, and pending ones are given up', async () => {
      const { appId, endpoint } = await endpointFor();
      await emit(appId);
      await db().transaction().execute((trx) => disableWebhookEndpoint(trx, endpoint.id, clock));
      await emit(appId);
      receiver.received.length = 0;
      assert.equal(await worker().runOnce(), 0);
      assert.equal(receiver.received.length, 0);
      const list = await listWebhookDeliveries(db(), endpoint.id, { limit: 10 });
      assert.deepEqual(list.map((d) => [d.status, d.lastError]), [['failed', 'endpoint disabled']]);
      await assert.rejects(db().transaction().execute((trx) => resendWebhookDelivery(trx, list[0]!.id, clock)), /disabled/);
    });

    test('the signing secret is stored sealed, never in plain text', async () => {
      const { endpoint, secret } = await endpointFor();
      const row = await db().selectFrom('webhook_endpoints').selectAll().where('id', '=', endpoint.id).executeTakeFirstOrThrow();
      assert.ok(!JSON.stringify(row, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)).includes(secret));
      assert.match(row.secret_enc, /^v1\./);
      assert.equal(box.open(row.secret_enc, 'webhook.secret'), secret);
      assert.throws(() => box.open(row.secret_enc, 'app.secret'));
    });
  });
}
