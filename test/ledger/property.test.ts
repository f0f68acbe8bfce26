// Random sequences of issue / transfer / hold / post / void / seal against a pure model of the balances.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import type { Transaction } from 'kysely';
import type { DB } from '../../src/db/schema.js';
import { ensureAccount, getAccount } from '../../src/core/ledger/accounts.js';
import { ensureAsset } from '../../src/core/ledger/assets.js';
import { sealBlock } from '../../src/core/ledger/blocks.js';
import { issue, postPending, transfer, voidPending } from '../../src/core/ledger/transfers.js';
import { LedgerError } from '../../src/core/ledger/types.js';
import { verifyLedger } from '../../src/core/ledger/verify.js';
import { STORES } from '../support/stores.js';
import { setup, type LedgerFixture } from './helpers.js';

const N = 4;
type Op =
  | { t: 'issue'; to: number; amount: bigint }
  | { t: 'transfer'; from: number; to: number; amount: bigint; pending: boolean }
  | { t: 'post' | 'void'; pick: number }
  | { t: 'seal' };

const amount = fc.bigInt({ min: 1n, max: 60n });
const idx = fc.integer({ min: 0, max: N - 1 });
const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ t: fc.constant('issue' as const), to: idx, amount }),
  fc.record({ t: fc.constant('transfer' as const), from: idx, to: idx, amount, pending: fc.boolean() }),
  fc.record({ t: fc.constantFrom('post' as const, 'void' as const), pick: fc.nat() }),
  fc.record({ t: fc.constant('seal' as const) }),
);

interface Model {
  balance: bigint[];
  pendingOut: bigint[];
  pendingIn: bigint[];
  holds: { id: string; from: number; to: number; amount: bigint }[];
}

for (const kind of STORES) {
  describe(`ledger property (${kind})`, () => {
    let f: LedgerFixture;
    before(async () => {
      f = await setup(kind);
    });
    after(() => f.store.drop());

    it('random operations keep the ledger consistent with a pure model', async () => {
      let run = 0;
      await fc.assert(
        fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 25 }), async (ops) => {
          const db = f.store.database.db;
          const asset = await ensureAsset(db, { symbol: `P${run++}`, precision: 2 }, f.clock);
          const ids: number[] = [];
          for (let i = 0; i < N; i++) ids.push((await ensureAccount(db, { owner: { kind: 'user', id: `u${i}` }, assetId: asset.id }, f.clock)).id);
          const m: Model = { balance: Array(N).fill(0n), pendingOut: Array(N).fill(0n), pendingIn: Array(N).fill(0n), holds: [] };
          const tx = <T>(fn: (trx: Transaction<DB>) => Promise<T>) => db.transaction().execute(fn);
          for (const o of ops) {
            if (o.t === 'issue') {
              await tx((trx) => issue(trx, { assetId: asset.id, toAccountId: ids[o.to]!, amount: o.amount }, f.clock));
              m.balance[o.to]! += o.amount;
            } else if (o.t === 'transfer') {
              const expectOk = o.from !== o.to && m.balance[o.from]! - m.pendingOut[o.from]! >= o.amount;
              try {
                const t = await tx((trx) =>
                  transfer(trx, { debitAccountId: ids[o.from]!, creditAccountId: ids[o.to]!, amount: o.amount, kind: 'p', pending: o.pending }, f.clock),
                );
                assert.ok(expectOk, 'transfer should have been refused');
                if (o.pending) {
                  m.pendingOut[o.from]! += o.amount;
                  m.pendingIn[o.to]! += o.amount;
                  m.holds.push({ id: t.id, from: o.from, to: o.to, amount: o.amount });
                } else {
                  m.balance[o.from]! -= o.amount;
                  m.balance[o.to]! += o.amount;
                }
              } catch (err) {
                if (!(err instanceof LedgerError)) throw err;
                assert.ok(!expectOk, `unexpected refusal ${err.code}`);
                assert.equal(err.code, o.from === o.to ? 'same_account' : 'insufficient_funds');
              }
            } else if (o.t === 'post' || o.t === 'void') {
              if (m.holds.length === 0) continue;
              const [h] = m.holds.splice(o.pick % m.holds.length, 1);
              await tx((trx) => (o.t === 'post' ? postPending : voidPending)(trx, h!.id, f.clock));
              m.pendingOut[h!.from]! -= h!.amount;
              m.pendingIn[h!.to]! -= h!.amount;
              if (o.t === 'post') {
                m.balance[h!.from]! -= h!.amount;
                m.balance[h!.to]! += h!.amount;
              }
            } else {
              await sealBlock(f.store.database, f.box, f.clock);
            }
          }
          for (let i = 0; i < N; i++) {
            const acc = (await getAccount(db, ids[i]!))!;
            assert.equal(acc.balance, m.balance[i]);
            assert.equal(acc.pendingOut, m.pendingOut[i]);
            assert.equal(acc.pendingIn, m.pendingIn[i]);
            assert.ok(acc.balance - acc.pendingOut >= 0n);
          }
          const report = await verifyLedger(f.store.database);
          assert.deepEqual(report.problems, []);
        }),
        { numRuns: 30 },
      );
    });
  });
}
