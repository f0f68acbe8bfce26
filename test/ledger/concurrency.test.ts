import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { getAccount } from '../../src/core/ledger/accounts.js';
import { sealBlock } from '../../src/core/ledger/blocks.js';
import { postPending, transfer } from '../../src/core/ledger/transfers.js';
import { LedgerError, type Transfer } from '../../src/core/ledger/types.js';
import { verifyLedger } from '../../src/core/ledger/verify.js';
import { toNum } from '../../src/db/values.js';
import { STORES } from '../support/stores.js';
import { setup, userAccount, type LedgerFixture } from './helpers.js';

for (const kind of STORES) {
  describe(`ledger concurrency (${kind})`, () => {
    let f: LedgerFixture;
    before(async () => {
      f = await setup(kind, { poolSize: 10 });
    });
    after(() => f.store.drop());
    const db = () => f.store.database.db;

    it('300 parallel debits of an account funded for 100: exactly 100 succeed', async () => {
      const amount = 7n;
      const source = await userAccount(f, 'source', 100n * amount);
      const sinks = await Promise.all(Array.from({ length: 10 }, (_, i) => userAccount(f, `sink${i}`)));
      const results = await Promise.allSettled(
        Array.from({ length: 300 }, (_, i) =>
          db().transaction().execute((trx) =>
            transfer(trx, { debitAccountId: source.id, creditAccountId: sinks[i % sinks.length]!.id, amount, kind: 'pay' }, f.clock),
          ),
        ),
      );
      const ok = results.filter((r) => r.status === 'fulfilled').length;
      const refused = results.filter((r) => r.status === 'rejected' && r.reason instanceof LedgerError && r.reason.code === 'insufficient_funds').length;
      assert.equal(ok, 100);
      assert.equal(refused, 200);
      assert.equal((await getAccount(db(), source.id))?.balance, 0n);
      assert.deepEqual((await verifyLedger(f.store.database)).problems, []);
    });

    it('transfers in both directions between the same accounts do not deadlock', async () => {
      const accs = await Promise.all(Array.from({ length: 4 }, (_, i) => userAccount(f, `ring${i}`, 1000n)));
      const results = await Promise.allSettled(
        Array.from({ length: 120 }, (_, i) => {
          const from = accs[i % 4]!;
          const to = accs[(i * 7 + 1) % 4 === i % 4 ? (i + 1) % 4 : (i * 7 + 1) % 4]!;
          return db().transaction().execute((trx) => transfer(trx, { debitAccountId: from.id, creditAccountId: to.id, amount: 3n, kind: 'pay' }, f.clock));
        }),
      );
      assert.deepEqual(results.filter((r) => r.status === 'rejected'), []);
      assert.deepEqual((await verifyLedger(f.store.database)).problems, []);
    });

    it('concurrent posts of one hold: exactly one wins', async () => {
      const a = await userAccount(f, 'holder', 50n);
      const b = await userAccount(f, 'taker');
      const hold = await db().transaction().execute((trx) => transfer(trx, { debitAccountId: a.id, creditAccountId: b.id, amount: 50n, kind: 'hold', pending: true }, f.clock));
      const results = await Promise.allSettled(Array.from({ length: 10 }, () => db().transaction().execute((trx) => postPending(trx, hold.id, f.clock))));
      assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
      for (const r of results) if (r.status === 'rejected') assert.equal((r.reason as LedgerError).code, 'invalid_state');
      assert.equal((await getAccount(db(), b.id))?.balance, 50n);
      assert.equal((await getAccount(db(), a.id))?.balance, 0n);
    });

    it('concurrent repeats of one idempotency key apply once', async () => {
      const a = await userAccount(f, 'idem-src', 50n);
      const b = await userAccount(f, 'idem-dst');
      const input = { debitAccountId: a.id, creditAccountId: b.id, amount: 5n, kind: 'pay', idempotencyKey: 'race-key' };
      const results = await Promise.all(Array.from({ length: 8 }, () => db().transaction().execute((trx) => transfer(trx, input, f.clock))));
      assert.equal(new Set(results.map((t) => t.id)).size, 1);
      assert.equal((await getAccount(db(), a.id))?.balance, 45n);
    });

    it('sealing while transfers run puts every posted transfer in exactly one sealed block', async () => {
      const accs = await Promise.all(Array.from({ length: 6 }, (_, i) => userAccount(f, `seal${i}`, 10_000n)));
      let running = true;
      const sealer = (async () => {
        let sealed = 0;
        while (running) {
          if (await sealBlock(f.store.database, f.box, f.clock)) sealed++;
          await new Promise((r) => setImmediate(r));
        }
        return sealed;
      })();
      const made: Transfer[] = [];
      await Promise.all(
        Array.from({ length: 4 }, async (_, w) => {
          for (let i = 0; i < 50; i++) {
            const from = accs[(w + i) % 6]!;
            const to = accs[(w + i + 1 + (i % 4)) % 6]!;
            made.push(await db().transaction().execute((trx) => transfer(trx, { debitAccountId: from.id, creditAccountId: to.id, amount: 1n, kind: 'pay' }, f.clock)));
          }
        }),
      );
      running = false;
      assert.ok((await sealer) >= 1);
      await sealBlock(f.store.database, f.box, f.clock);
      const posted = await db().selectFrom('ledger_transfers').select(({ fn }) => fn.countAll().as('n')).where('status', '=', 'posted').executeTakeFirstOrThrow();
      const inBlocks = await db().selectFrom('ledger_blocks').select(({ fn }) => fn.sum('entry_count').as('n')).executeTakeFirstOrThrow();
      assert.equal(toNum(inBlocks.n as bigint), toNum(posted.n as bigint));
      assert.equal(made.length, 200);
      assert.deepEqual((await verifyLedger(f.store.database)).problems, []);
    });

    it('keyed (row first) and unkeyed (balances first) transfers and a sealer together: no deadlock, no lost entry', async () => {
      const accs = await Promise.all(Array.from({ length: 4 }, (_, i) => userAccount(f, `mix${i}`, 10_000n)));
      const before = await db().selectFrom('ledger_transfers').select(({ fn }) => fn.countAll().as('n')).where('status', '=', 'posted').executeTakeFirstOrThrow();
      let running = true;
      const sealer = (async () => {
        while (running) {
          await sealBlock(f.store.database, f.box, f.clock);
          await new Promise((r) => setImmediate(r));
        }
      })();
      const made: Transfer[] = [];
      await Promise.all(
        Array.from({ length: 6 }, async (_, w) => {
          for (let i = 0; i < 40; i++) {
            const from = accs[(w + i) % 4]!;
            const to = accs[(w + i + 1 + (i % 3)) % 4]!;
            const key = (w + i) % 2 === 0 ? { idempotencyKey: `mix-${w}-${i}` } : {};
            made.push(await db().transaction().execute((trx) => transfer(trx, { debitAccountId: from.id, creditAccountId: to.id, amount: 1n, kind: 'pay', ...key }, f.clock)));
          }
        }),
      );
      running = false;
      await sealer;
      await sealBlock(f.store.database, f.box, f.clock);
      assert.equal(made.length, 240);
      const posted = await db().selectFrom('ledger_transfers').select(({ fn }) => fn.countAll().as('n')).where('status', '=', 'posted').executeTakeFirstOrThrow();
      assert.equal(toNum(posted.n as bigint) - toNum(before.n as bigint), 240);
      const inBlocks = await db().selectFrom('ledger_blocks').select(({ fn }) => fn.sum('entry_count').as('n')).executeTakeFirstOrThrow();
      assert.equal(toNum(inBlocks.n as bigint), toNum(posted.n as bigint));
      assert.deepEqual((await verifyLedger(f.store.database)).problems, []);
    });
  });
}
