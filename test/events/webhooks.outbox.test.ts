// The outbox: an event and its deliveries are written in the caller's transaction, or not at all.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { manualClock } from '../../src/core/clock.js';
import { emitEvent } from '../../src/core/events/outbox.js';
import { createTestStore, STORES, type TestStore } from '../support/stores.js';

for (const kind of STORES) {
  describe(`outbox (${kind})`, () => {
    let store: TestStore;
    const clock = manualClock();
    before(async () => {
      store = await createTestStore(kind);
    });
    after(async () => {
      await store.drop();
    });

    async function addEndpoint(appId: number, eventTypes: string[] | null, status: 'active' | 'disabled' = 'active'): Promise<number> {
      const row = await store.database.db
        .insertInto('webhook_endpoints')
        .values({
          app_id: appId,
          url: 'http://127.0.0.1:9/hook',
          event_types: eventTypes === null ? null : JSON.stringify(eventTypes),
          secret_enc: 'v1.x.y',
          status,
          created_at: clock.now(),
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      return Number(row.id);
    }

    test('an event emitted in a rolled-back transaction leaves no event and no delivery', async () => {
      await addEndpoint(501, null);
      await assert.rejects(
        store.database.db.transaction().execute(async (trx) => {
          await emitEvent(trx, { appId: 501, type: 'payment.completed', payload: { amount: '1' } }, clock);
          throw new Error('roll back');
        }),
        /roll back/,
      );
      const events = await store.database.db.selectFrom('events_outbox').selectAll().where('app_id', '=', 501).execute();
      assert.equal(events.length, 0);
      const deliveries = await store.database.db.selectFrom('webhook_deliveries').selectAll().execute();
      assert.equal(deliveries.length, 0);
    });

    test('a committed event gets one pending delivery per active endpoint that wants its type', async () => {
      const all = await addEndpoint(502, null);
      const payments = await addEndpoint(502, ['payment.completed']);
      await addEndpoint(502, ['payment.cancelled']);
      await addEndpoint(502, null, 'disabled');
      await addEndpoint(503, null);
      await store.database.db.transaction().execute(async (trx) => {
        await emitEvent(trx, { appId: 502, type: 'payment.completed', payload: { b: 2, a: 1 } }, clock);
      });
      const [event] = await store.database.db.selectFrom('events_outbox').selectAll().where('app_id', '=', 502).execute();
      assert.ok(event);
      assert.match(event.id, /^evt_[0-9a-f]{24}$/);
      assert.equal(event.payload, '{"a":1,"b":2}');
      assert.equal(Number(event.created_at), clock.now());
      const deliveries = await store.database.db.selectFrom('webhook_deliveries').selectAll().where('event_id', '=', event.id).orderBy('endpoint_id').execute();
      assert.deepEqual(
        deliveries.map((d) => [Number(d.endpoint_id), d.status, Number(d.attempts), Number(d.next_attempt_at)]),
        [
          [all, 'pending', 0, clock.now()],
          [payments, 'pending', 0, clock.now()],
        ],
      );
    });

    test('an invalid event type is refused', async () => {
      await assert.rejects(
        store.database.db.transaction().execute((trx) => emitEvent(trx, { appId: 1, type: 'Bad Type', payload: {} }, clock)),
        /invalid event type/,
      );
    });
  });
}
