// Shared set-up for the ledger tests: a migrated store, a manual clock, a secret box and one funded asset.
import { randomBytes } from 'node:crypto';
import type { StoreKind } from '../../src/db/database.js';
import { manualClock } from '../../src/core/clock.js';
import { createSecretBox } from '../../src/core/crypto/secretbox.js';
import { ensureAccount } from '../../src/core/ledger/accounts.js';
import { ensureAsset } from '../../src/core/ledger/assets.js';
import { issue } from '../../src/core/ledger/transfers.js';
import type { Account, Asset } from '../../src/core/ledger/types.js';
import { createTestStore, type TestStore } from '../support/stores.js';

export interface LedgerFixture {
  store: TestStore;
  clock: ReturnType<typeof manualClock>;
  box: ReturnType<typeof createSecretBox>;
  asset: Asset;
}

export async function setup(kind: StoreKind, options: { poolSize?: number; symbol?: string } = {}): Promise<LedgerFixture> {
  const store = await createStoreWithRetry(kind, options.poolSize);
  const clock = manualClock();
  const box = createSecretBox(randomBytes(32));
  const asset = await ensureAsset(store.database.db, { symbol: options.symbol ?? 'ULD', precision: 8 }, clock);
  return { store, clock, box, asset };
}

export async function userAccount(f: LedgerFixture, name: string, fund = 0n, assetId = f.asset.id): Promise<Account> {
  const db = f.store.database.db;
  const account = await ensureAccount(db, { owner: { kind: 'user', id: name }, assetId }, f.clock);
  if (fund > 0n) {
    await db.transaction().execute((trx) => issue(trx, { assetId, toAccountId: account.id, amount: fund }, f.clock));
  }
  return account;
}

// Kysely's Migrator looks for its bookkeeping tables in every PostgreSQL schema (introspection is not limited to
// the search_path), so two test files migrating fresh schemas at the same moment can trip over each other
// ("relation kysely_migration_lock does not exist"). Retrying the set-up sidesteps that race.
async function createStoreWithRetry(kind: StoreKind, poolSize?: number): Promise<TestStore> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await createTestStore(kind, poolSize !== undefined ? { poolSize } : {});
    } catch (err) {
      if (attempt >= 5 || !/kysely_migration/.test(String(err))) throw err;
      await new Promise((r) => setTimeout(r, 50 * attempt));
    }
  }
}
