// Regression: Kysely's Migrator introspected every schema of the database, so a schema dropped by a parallel run at
// that moment failed the migration ("schema … does not exist"). Plaza's migrator stays in its own schema, applies
// all pending migrations in one locked transaction, and two processes starting together apply each migration once.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { dropPostgresSchema, openDatabase } from '../../src/db/database.js';
import { MIGRATION_NAMES, migrateToLatest } from '../../src/db/migrate.js';
import { PG_URL, STORES } from '../support/stores.js';

for (const kind of STORES) {
  test(`two processes migrating one fresh store apply each migration once (${kind})`, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'plaza-migrate-'));
    const schema = `t_${randomBytes(6).toString('hex')}`;
    const url = kind === 'sqlite' ? `sqlite:${join(dir, 'plaza.db')}` : PG_URL;
    const a = await openDatabase(url, kind === 'postgres' ? { schema } : {});
    const b = await openDatabase(url, kind === 'postgres' ? { schema } : {});
    // Another schema appearing and disappearing meanwhile must not matter.
    const churn = kind === 'postgres' ? churnSchemas() : Promise.resolve();
    try {
      const [ra, rb] = kind === 'postgres' ? await Promise.all([migrateToLatest(a), migrateToLatest(b)]) : [await migrateToLatest(a), await migrateToLatest(b)];
      assert.deepEqual([...ra.applied, ...rb.applied].sort(), [...MIGRATION_NAMES].sort());
      assert.deepEqual((await migrateToLatest(a)).applied, []);
    } finally {
      await churn;
      await a.close();
      await b.close();
      if (kind === 'postgres') await dropPostgresSchema(PG_URL, schema);
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

async function churnSchemas(): Promise<void> {
  for (let i = 0; i < 5; i++) {
    const other = `t_${randomBytes(6).toString('hex')}`;
    const db = await openDatabase(PG_URL, { schema: other });
    await db.close();
    await dropPostgresSchema(PG_URL, other);
  }
}
