// The unkeyed transfer path folds every check into its conditional UPDATEs; these tests pin that it refuses with
// exactly the LedgerError of the keyed path (which checks first), in both account id orders, posted and pending,
// and leaves nothing behind. Also covers the SQLite statement cache of src/db/database.ts.
import assert from 'node:assert/strict';
import type BetterSqlite3 from 'better-sqlite3';
import { loadSqlite } from '../../src/db/sqliteDriver.js';
import { after, before, describe, it } from 'node:test';
import { ensureAccount, getAccount, issuerAccount, setAccountFrozen } from '../../src/core/ledger/accounts.js';
import { ensureAsset, setAssetEnabled } from '../../src/core/ledger/assets.js';
import { getTransfer, listTransfers, postPending, transfer, type TransferInput } from '../../src/core/ledger/transfers.js';
import { LedgerError } from '../../src/core/ledger/types.js';
import { verifyLedger } from '../../src/core/ledger/verify.js';
import { cachingSqliteDatabase } from '../../src/db/database.js';
import { STORES } from '../support/stores.js';
import { setup, userAccount, type LedgerFixture } from './helpers.js';

const INT8_MAX = (1n << 63n) - 1n;

async function refusal(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    if (err instanceof LedgerError) return err.code;
    throw err;
  }
  return 'ok';
}

for (const kind of STORES) {
  describe(`ledger transfer hot path (${kind})`, () => {
    let f: LedgerFixture;
    before(async () => {
      f = await setup(kind, { symbol: 'HOT' });
    });
    after(() => f.store.drop());
    const db = () => f.store.database.db;
    let keys = 0;
    /** The code of each attempt, without and with an idempotency key (and pending / posted). */
    async function codes(input: Omit<TransferInput, 'kind'>): Promise<string[]> {
      const out: string[] = [];
      for (const pending of [false, true]) {
        for (const keyed of [false, true]) {
          const t = { ...input, kind: 'hot', pending, ...(keyed ? { idempotencyKey: `hot-${++keys}` } : {}) };
          out.push(await refusal(db().transaction().execute((trx) => transfer(trx, t, f.clock))));
        }
      }
      return out;
    }
    const all = (c: string) => [c, c, c, c];

    it('refuses like the keyed path, in both id orders, and writes nothing', async () => {
      const low = await userAccount(f, 'hot-low', 100n);
      const high = await userAccount(f, 'hot-high', 100n);
      assert.ok(low.id < high.id);
      const other = await ensureAsset(db(), { symbol: 'HOT2', precision: 0 }, f.clock);
      const foreign = await ensureAccount(db(), { owner: { kind: 'user', id: 'hot-foreign' }, assetId: other.id }, f.clock);
      const before = await listTransfers(db(), { limit: 1000 });
      for (const [d, c] of [
        [low.id, high.id],
        [high.id, low.id],
      ] as const) {
        assert.deepEqual(await codes({ debitAccountId: d, creditAccountId: c, amount: 101n }), all('insufficient_funds'));
        assert.deepEqual(await codes({ debitAccountId: d, creditAccountId: 999999, amount: 1n }), all('not_found'));
        assert.deepEqual(await codes({ debitAccountId: 999999, creditAccountId: c, amount: 1n }), all('not_found'));
        assert.deepEqual(await codes({ debitAccountId: d, creditAccountId: foreign.id, amount: 1n }), all('asset_mismatch'));
        assert.deepEqual(await codes({ debitAccountId: foreign.id, creditAccountId: c, amount: 1n }), all('asset_mismatch'));
        // Several reasons at once: the checks win over funds, in checkAccounts order.
        await setAccountFrozen(db(), c, true);
        assert.deepEqual(await codes({ debitAccountId: d, creditAccountId: c, amount: 101n }), all('account_frozen'));
        await setAccountFrozen(db(), c, false);
        await setAccountFrozen(db(), d, true);
        assert.deepEqual(await codes({ debitAccountId: d, creditAccountId: c, amount: 1n }), all('account_frozen'));
        await setAssetEnabled(db(), f.asset.id, false);
        assert.deepEqual(await codes({ debitAccountId: d, creditAccountId: c, amount: 101n }), all('asset_disabled'));
        await setAssetEnabled(db(), f.asset.id, true);
        await setAccountFrozen(db(), d, false);
        assert.deepEqual(await codes({ debitAccountId: d, creditAccountId: 999999, amount: 101n }), all('not_found'));
      }
      assert.deepEqual(await listTransfers(db(), { limit: 1000 }), before);
      assert.equal((await getAccount(db(), low.id))?.balance, 100n);
      assert.equal((await getAccount(db(), high.id))?.balance, 100n);
      assert.equal((await getAccount(db(), low.id))?.pendingOut, 0n);
      assert.equal((await getAccount(db(), high.id))?.pendingIn, 0n);
    });

    it('refuses leaving the 64-bit range like the keyed path', async () => {
      // Balances of an asset sum to zero and the issuer stays >= INT8_MIN, so only the issuer's debit can leave
      // the range (a credit cannot pass INT8_MAX).
      const issuer = await issuerAccount(db(), f.asset.id);
      const small = await userAccount(f, 'hot-small');
      const issuerBalance = (await getAccount(db(), issuer.id))!.balance;
      const amount = issuerBalance + (1n << 63n) + 1n;
      assert.deepEqual(await codes({ debitAccountId: issuer.id, creditAccountId: small.id, amount }), all('invalid_amount'));
      assert.deepEqual(await codes({ debitAccountId: small.id, creditAccountId: issuer.id, amount }), all('insufficient_funds'));
      assert.equal((await getAccount(db(), small.id))?.balance, 0n);
      assert.equal((await getAccount(db(), issuer.id))?.balance, issuerBalance);
      assert.equal((await verifyLedger(f.store.database)).ok, true);
    });

    it('returns the stored transfer, posted and pending, in both id orders', async () => {
      const a = await userAccount(f, 'hot-a', 50n);
      const b = await userAccount(f, 'hot-b', 50n);
      for (const [d, c] of [
        [a.id, b.id],
        [b.id, a.id],
      ] as const) {
        for (const pending of [false, true]) {
          const t = await db().transaction().execute((trx) => transfer(trx, { debitAccountId: d, creditAccountId: c, amount: 5n, kind: 'hot', memo: 'm', metadata: { z: 1, a: [2] }, pending }, f.clock));
          assert.deepEqual(await getTransfer(db(), t.id), t);
          assert.equal(t.status, pending ? 'pending' : 'posted');
          assert.equal(t.blockNumber === null, pending);
          if (pending) assert.equal((await db().transaction().execute((trx) => postPending(trx, t.id, f.clock))).status, 'posted');
        }
      }
      assert.equal((await getAccount(db(), a.id))?.balance, 50n);
      assert.equal((await getAccount(db(), b.id))?.balance, 50n);
      assert.equal((await verifyLedger(f.store.database)).ok, true);
    });
  });
}

describe('SQLite statement cache', () => {
  it('reuses statements, stays bounded, keeps reader and iterate working', () => {
    const raw = new (loadSqlite())(':memory:');
    raw.defaultSafeIntegers(true);
    const cached = cachingSqliteDatabase(raw, 3);
    cached.prepare('create table t (x integer)').run([]);
    const insert = cached.prepare('insert into t (x) values (?)');
    assert.equal(insert.reader, false);
    for (let i = 0; i < 5; i++) assert.equal(cached.prepare('insert into t (x) values (?)'), insert);
    for (let i = 0; i < 5; i++) insert.run([BigInt(i)]);
    const select = cached.prepare('select x from t order by x');
    assert.equal(select.reader, true);
    assert.deepEqual(select.all([]), [0n, 1n, 2n, 3n, 4n].map((x) => ({ x })));
    // An open iterator keeps its statement busy: the same SQL then gets a fresh statement.
    const iter = select.iterate([]);
    assert.deepEqual(iter.next().value, { x: 0n });
    const second = cached.prepare('select x from t order by x');
    assert.notEqual(second, select);
    iter.return?.();
    assert.equal(cached.prepare('select x from t order by x'), select);
    // Bounded: three more texts evict the least recently used ones.
    for (const n of [1, 2, 3]) cached.prepare(`select ${n}`);
    assert.notEqual(cached.prepare('insert into t (x) values (?)'), insert);
    cached.close();
    assert.equal(raw.open, false);
  });

  it("turns Kysely's deferred `begin` into `begin immediate`, so a read-then-write transaction waits for the write lock", () => {
    const raw = new (loadSqlite())(':memory:');
    const cached = cachingSqliteDatabase(raw);
    const begin = cached.prepare('begin') as unknown as { source: string };
    assert.equal(begin.source, 'begin immediate');
    cached.close();
  });
});
