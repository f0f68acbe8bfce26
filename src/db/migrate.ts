// Applies the migrations in order. Run at start-up and by `plaza migrate`. Migrations are TypeScript modules listed
// here, so the build ships them without file scanning.
//
// Plaza keeps its own bookkeeping (`plaza_migrations`) rather than Kysely's Migrator: the Migrator introspects every
// schema of a PostgreSQL database, so a schema dropped by another tenant (or a parallel test run) at that moment
// made it fail with "schema … does not exist". Here everything happens in the store's own schema, in ONE
// transaction under a lock: pending migrations apply all or none, and two processes starting together apply them once.
import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database, StoreKind } from './database.js';
import * as m0001 from './migrations/0001_foundation.js';
import * as m0002 from './migrations/0002_end_users.js';
import * as m0003 from './migrations/0003_content.js';
import * as m0004 from './migrations/0004_content_history.js';
import * as m0005 from './migrations/0005_users.js';
import * as m0006 from './migrations/0006_oidc.js';
import * as m0007 from './migrations/0007_billing.js';
import * as m0008 from './migrations/0008_webhooks.js';
import * as m0009 from './migrations/0009_payments.js';
import * as m0010 from './migrations/0010_pi_gateway.js';
import * as m0011 from './migrations/0011_liveuser.js';
import * as m0012 from './migrations/0012_wechat.js';
import * as m0013 from './migrations/0013_yoyow_transport.js';
import * as m0014 from './migrations/0014_yoyow_chain.js';
import * as m0015 from './migrations/0015_yoyow_keys.js';
import * as m0016 from './migrations/0016_yoyow_posts.js';
import * as m0017 from './migrations/0017_yoyow_ads.js';

export interface MigrationContext {
  store: StoreKind;
  /** The column type of an auto-increment 64-bit key on this store. */
  serial: 'integer' | 'bigserial';
}

interface PlazaMigration {
  up(db: Kysely<unknown>, ctx: MigrationContext): Promise<void>;
}

const MIGRATIONS: Record<string, PlazaMigration> = {
  '0001_foundation': m0001,
  '0002_end_users': m0002,
  '0003_content': m0003,
  '0004_content_history': m0004,
  '0005_users': m0005,
  '0006_oidc': m0006,
  '0007_billing': m0007,
  '0008_webhooks': m0008,
  '0009_payments': m0009,
  '0010_pi_gateway': m0010,
  '0011_liveuser': m0011,
  '0012_wechat': m0012,
  '0013_yoyow_transport': m0013,
  '0014_yoyow_chain': m0014,
  '0015_yoyow_keys': m0015,
  '0016_yoyow_posts': m0016,
  '0017_yoyow_ads': m0017,
};

/** Every migration, in the order they apply. */
export const MIGRATION_NAMES: readonly string[] = Object.keys(MIGRATIONS);

export interface MigrationReport {
  applied: string[];
}

/** Session-independent lock key for migrations (pg_advisory_xact_lock(int, int) with the schema's hash). */
const MIGRATION_LOCK = 1886151035;

export async function migrateToLatest(database: Database, clock: { now(): number } = { now: Date.now }): Promise<MigrationReport> {
  const ctx: MigrationContext = {
    store: database.store,
    serial: database.store === 'sqlite' ? 'integer' : 'bigserial',
  };
  // On SQLite the transaction begins immediate (database.ts), which is the lock.
  return (database.db as unknown as Kysely<unknown>).transaction().execute(async (trx: Transaction<unknown>) => {
    if (database.store === 'postgres') {
      await sql`select pg_advisory_xact_lock(${MIGRATION_LOCK}, hashtext(current_schema()))`.execute(trx);
    }
    await sql`create table if not exists plaza_migrations (name text primary key, applied_at bigint not null)`.execute(trx);
    const done = new Set((await sql<{ name: string }>`select name from plaza_migrations`.execute(trx)).rows.map((r) => r.name));
    const applied: string[] = [];
    for (const [name, migration] of Object.entries(MIGRATIONS)) {
      if (done.has(name)) continue;
      try {
        await migration.up(trx, ctx);
      } catch (err) {
        throw new Error(`migration ${name} failed: ${err instanceof Error ? err.message : String(err)}`);
      }
      await sql`insert into plaza_migrations (name, applied_at) values (${name}, ${clock.now()})`.execute(trx);
      applied.push(name);
    }
    return { applied };
  });
}
