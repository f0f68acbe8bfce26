// Applies the migrations in order (Kysely's Migrator keeps its own bookkeeping tables). Run at start-up and by
// `plaza migrate`. Migrations are TypeScript modules listed here, so the build ships them without file scanning.
import { Migrator, sql, type Kysely, type Migration, type MigrationProvider } from 'kysely';
import type { Database, StoreKind } from './database.js';
import * as m0001 from './migrations/0001_foundation.js';
import * as m0002 from './migrations/0002_end_users.js';
import * as m0003 from './migrations/0003_content.js';
import * as m0004 from './migrations/0004_content_history.js';

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
};

/** Every migration, in the order they apply. */
export const MIGRATION_NAMES: readonly string[] = Object.keys(MIGRATIONS);

class ListedMigrations implements MigrationProvider {
  constructor(private readonly ctx: MigrationContext) {}
  async getMigrations(): Promise<Record<string, Migration>> {
    const out: Record<string, Migration> = {};
    for (const [name, m] of Object.entries(MIGRATIONS)) out[name] = { up: (db) => m.up(db, this.ctx) };
    return out;
  }
}

export interface MigrationReport {
  applied: string[];
}

export async function migrateToLatest(database: Database): Promise<MigrationReport> {
  const ctx: MigrationContext = {
    store: database.store,
    serial: database.store === 'sqlite' ? 'integer' : 'bigserial',
  };
  // Kysely looks for its bookkeeping tables in every schema unless told which one: on PostgreSQL, a second schema
  // in the same database (another test run, another tenant) would make it skip creating its own and then fail.
  const schema =
    database.store === 'postgres'
      ? (await sql<{ schema: string }>`select current_schema() as schema`.execute(database.db)).rows[0]?.schema
      : undefined;
  const migrator = new Migrator({
    db: database.db,
    provider: new ListedMigrations(ctx),
    ...(schema ? { migrationTableSchema: schema } : {}),
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new Error(`migration ${failed} failed: ${error instanceof Error ? error.message : String(error)}`);
  }
  return { applied: (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName) };
}
