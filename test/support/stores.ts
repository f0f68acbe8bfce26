// Every storage test runs on both stores. `forEachStore` opens a fresh SQLite file or a fresh PostgreSQL schema per
// suite, migrates it and drops it afterwards. PostgreSQL comes from PLAZA_TEST_PG_URL (default: the local `test`
// database); a missing PostgreSQL is a test failure, never a skip.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dropPostgresSchema, openDatabase, type Database, type StoreKind } from '../../src/db/database.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import { verifyLedger } from '../../src/core/ledger/verify.js';

export const PG_URL = process.env.PLAZA_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export const STORES: readonly StoreKind[] = (process.env.PLAZA_TEST_STORES?.split(',') as StoreKind[] | undefined) ?? [
  'sqlite',
  'postgres',
];

export interface TestStore {
  database: Database;
  /** The URL another process (a CLI run) can open, with its schema. */
  url: string;
  schema: string | null;
  /**
   * Verifies the ledger (as `plaza ledger verify` would) and throws on any problem, then drops the store. Only the
   * tamper tests, which break the ledger on purpose, pass `{ verify: false }`.
   */
  drop(options?: { verify?: boolean }): Promise<void>;
}

async function verifyBeforeDrop(database: Database, options: { verify?: boolean } = {}): Promise<void> {
  if (options.verify === false) return;
  const report = await verifyLedger(database);
  if (!report.ok) throw new Error(`ledger verify failed after the suite:\n${report.problems.join('\n')}`);
}

export async function createTestStore(kind: StoreKind, options: { poolSize?: number } = {}): Promise<TestStore> {
  if (kind === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'plaza-test-'));
    const url = `sqlite:${join(dir, 'plaza.db')}`;
    const database = await openDatabase(url);
    await migrateToLatest(database);
    return {
      database,
      url,
      schema: null,
      drop: async (options) => {
        try {
          await verifyBeforeDrop(database, options);
        } finally {
          await database.close().catch(() => undefined);
          rmSync(dir, { recursive: true, force: true });
        }
      },
    };
  }
  const schema = `t_${randomBytes(6).toString('hex')}`;
  const database = await openDatabase(PG_URL, { schema, poolSize: options.poolSize ?? 10 });
  await migrateToLatest(database);
  return {
    database,
    url: PG_URL,
    schema,
    drop: async (options) => {
      try {
        await verifyBeforeDrop(database, options);
      } finally {
        await database.close().catch(() => undefined);
        await dropPostgresSchema(PG_URL, schema);
      }
    },
  };
}
