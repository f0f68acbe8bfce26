// The payment sweeper as lifecycle.ts runs it (spec/pi.md §4.3): startPlaza applies overdue timeouts every
// `pi.sweepIntervalSeconds` without any request touching the payment, emits the one `payment.cancelled`, and close()
// stops it before the store closes.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { identityDeps } from '../../src/admin/deps.js';
import { defaultPiSettings, testConfig } from '../../src/config.js';
import { manualClock } from '../../src/core/clock.js';
import { createApp } from '../../src/core/identity/apps.js';
import { hashNewPassword, registerDeveloper } from '../../src/core/identity/developers.js';
import { ensureBuiltinRoles } from '../../src/core/identity/roles.js';
import { registerUser } from '../../src/core/identity/users.js';
import { ensureAsset } from '../../src/core/ledger/assets.js';
import { startPlaza } from '../../src/lifecycle.js';
import { createCliStore } from '../cli/support.js';
import { STORES } from '../support/stores.js';
import { FIXTURE_START } from './fixture.js';

for (const kind of STORES) {
  describe(`payment sweeper in startPlaza [${kind}]`, () => {
    test('cancels an overdue payment nobody reads, once, and stops on close', async () => {
      const store = await createCliStore(kind);
      const clock = manualClock(FIXTURE_START);
      try {
        const plaza = await startPlaza(testConfig({ databaseUrl: store.databaseUrl, pi: { ...defaultPiSettings(), sweepIntervalSeconds: 1 } }), { clock, dialects: [] });
        try {
          const db = plaza.database.db;
          const ids = identityDeps(plaza.server.services);
          await ensureBuiltinRoles(db);
          await ensureAsset(db, { symbol: 'ULD', precision: 8 }, clock);
          const passwordHash = await hashNewPassword('dev-password-1', ids);
          const { appId, userId } = await db.transaction().execute(async (trx) => {
            const dev = await registerDeveloper(trx, { username: 'sweeps', passwordHash }, ids);
            const { app } = await createApp(trx, { developerId: dev.id, name: 'Swept' }, ids);
            const user = await registerUser(trx, { username: 'idle', email: null, passwordHash: 'unused' }, ids);
            return { appId: app.id, userId: user.id };
          });
          const now = clock.now();
          await db
            .insertInto('payments')
            .values({ identifier: 'S'.repeat(28), app_id: appId, user_id: userId, user_uid: 'u', direction: 'user_to_app', amount_minor: 1, memo: '', metadata_json: '{}', from_address: 'G', to_address: 'G', network: 'Pi Testnet', state: 'created', cancel_reason: null, developer_approved: 0, txid: null, created_at: now, approved_at: null, verified_at: null, completed_at: null, cancelled_at: null, approval_deadline: now + 60_000, transaction_deadline: null })
            .execute();
          const state = async () => (await db.selectFrom('payments').select(['state', 'cancel_reason']).where('identifier', '=', 'S'.repeat(28)).executeTakeFirstOrThrow());
          await sleep(1500);
          assert.equal((await state()).state, 'created', 'not due yet');
          clock.advance(60_000);
          const deadline = Date.now() + 5000;
          while ((await state()).state !== 'cancelled' && Date.now() < deadline) await sleep(100);
          assert.deepEqual(await state(), { state: 'cancelled', cancel_reason: 'approval_timeout' });
          await sleep(1200);
          const events = await db.selectFrom('events_outbox').select(['type', 'payload']).where('app_id', '=', appId).execute();
          assert.deepEqual(events.map((e) => e.type), ['payment.cancelled']);
          assert.equal(JSON.parse(events[0]!.payload).payment.identifier, 'S'.repeat(28));
        } finally {
          await plaza.close();
        }
      } finally {
        await store.drop();
      }
    });
  });
}
