// The parts of liveuser that run outside a request, on both stores: the id-worker lease (§7.6: SQLite worker 0;
// PostgreSQL processes get distinct numbers, an expired lease is taken over and its old holder re-leases), the purge
// of rotation replays after the grace window, the jobs' start and stop, and how failures map onto the catalogue
// (550 E0100 for storage, 551 E0101 for WeChat; neither stored under an Idempotency-Key).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { manualClock } from '../../src/core/clock.js';
import { createSecretBox } from '../../src/core/crypto/secretbox.js';
import { purgeLiveuserReplays } from '../../src/core/identity/liveuserTokens.js';
import { openDatabase } from '../../src/db/database.js';
import { isStorable, LIVEUSER_ERRORS } from '../../src/dialects/liveuser/errors.js';
import { classify } from '../../src/dialects/liveuser/pipeline.js';
import { WechatBadReply, WechatUnavailable } from '../../src/integrations/wechat/index.js';
import { decomposeId, idGeneratorFor, LEASE_TTL_MS, releaseIdWorker, renewIdWorker } from '../../src/modules/orders/ids.js';
import { startLiveuserJobs } from '../../src/modules/orders/jobs.js';
import { testConfig } from '../../src/config.js';
import { createTestStore, PG_URL, STORES, type TestStore } from '../support/stores.js';
import { OrderError } from '../../src/modules/orders/errors.js';

describe('liveuser failure classification', () => {
  test('storage, WeChat and module failures map onto the catalogue; 5xx answers are never stored', () => {
    assert.deepEqual(classify(Object.assign(new Error('busy'), { code: 'SQLITE_BUSY' })), { id: 'E0100', detail: 'storage unavailable, retry later', transient: true });
    assert.deepEqual(classify(Object.assign(new Error('serialization'), { code: '40001' })), { id: 'E0100', detail: 'storage unavailable, retry later', transient: true });
    assert.equal(classify(new WechatUnavailable('down'))?.id, 'E0101');
    assert.equal(classify(new WechatBadReply('bad'))?.id, 'E0000');
    assert.deepEqual(classify(new OrderError('already_paid', 'order already paid')), { id: 'E0004', detail: 'order already paid' });
    assert.equal(classify(new Error('bug')), null);
    assert.deepEqual([LIVEUSER_ERRORS.E0100, LIVEUSER_ERRORS.E0101, LIVEUSER_ERRORS.E0103], [{ code: 550, status: '' }, { code: 551, status: '' }, { code: 552, status: '' }]);
    for (const id of ['E0000', 'E0100', 'E0101'] as const) assert.equal(isStorable(id), false);
    for (const id of ['E0001', 'E0002', 'E0003', 'E0004', 'E0102'] as const) assert.equal(isStorable(id), true);
  });
});

for (const kind of STORES) {
  describe(`liveuser maintenance [${kind}]`, () => {
    let store: TestStore;
    const clock = manualClock(Date.UTC(2026, 4, 1));
    before(async () => {
      store = await createTestStore(kind);
    });
    after(() => store.drop());

    test('id worker lease: SQLite 0; PostgreSQL distinct per process, taken over after expiry', async () => {
      const gen = await idGeneratorFor(store.database, clock);
      if (kind === 'sqlite') {
        assert.equal(gen.worker, 0);
        assert.equal(decomposeId(await gen.next()).worker, 0);
        return;
      }
      const second = await openDatabase(PG_URL, { schema: store.schema! });
      try {
        const other = await idGeneratorFor(second, clock);
        assert.notEqual(other.worker, gen.worker);
        assert.equal(decomposeId(await other.next()).worker, other.worker);
        // The first process stalls past the TTL; a newcomer may take its number.
        const stalledWorker = gen.worker;
        clock.advance(LEASE_TTL_MS + 1);
        await renewIdWorker(second, clock);
        const third = await openDatabase(PG_URL, { schema: store.schema! });
        try {
          const newcomer = await idGeneratorFor(third, clock);
          assert.equal(newcomer.worker, stalledWorker);
          // The stalled process notices on renewal and moves to a free number.
          await renewIdWorker(store.database, clock);
          assert.notEqual(gen.worker, stalledWorker);
          assert.notEqual(gen.worker, other.worker);
          const rows = await store.database.db.selectFrom('id_workers').selectAll().execute();
          assert.equal(new Set(rows.map((r) => Number(r.worker))).size, 3);
          await releaseIdWorker(third);
        } finally {
          await third.close();
        }
        await releaseIdWorker(second);
        const left = await store.database.db.selectFrom('id_workers').selectAll().execute();
        assert.deepEqual(left.map((r) => Number(r.worker)), [gen.worker]);
      } finally {
        await second.close();
      }
    });

    test('replays are purged once their grace window ended', async () => {
      const db = store.database.db;
      await db.insertInto('liveuser_replays').values([
        { token_id: 1, family_id: 'f', response_enc: 'v1.x.y', expires_at: clock.now() - 1 },
        { token_id: 2, family_id: 'f', response_enc: 'v1.x.y', expires_at: clock.now() + 1000 },
      ]).execute();
      assert.equal(await purgeLiveuserReplays(db, clock), 1);
      assert.deepEqual((await db.selectFrom('liveuser_replays').select('token_id').execute()).map((r) => Number(r.token_id)), [2]);
      clock.advance(2000);
      assert.equal(await purgeLiveuserReplays(db, clock), 1);
    });

    test('the jobs start and stop (stop waits and gives the worker number back)', async () => {
      const logs: unknown[] = [];
      const logger = { warn: (o: unknown) => logs.push(o), info: () => undefined, debug: () => undefined } as never;
      const jobs = startLiveuserJobs({ database: store.database, box: createSecretBox(Buffer.alloc(32, 3)), clock, config: testConfig(), logger });
      await jobs.stop();
      assert.deepEqual(logs, []);
      if (kind === 'postgres') assert.equal((await store.database.db.selectFrom('id_workers').selectAll().execute()).length, 0);
    });
  });
}
