// YOYOW secure requests (dialects/yoyow, spec/yoyow.md §2.5): accepted-ciphertext replay keys. The primary key is
// the unique constraint that makes step 6 exact under concurrency: of two requests carrying the same ciphertext,
// one insert wins and the other answers 1003. Rows are purged once `expires_at` has passed (lifecycle.ts).
import type { Kysely } from 'kysely';
import type { MigrationContext } from '../migrate.js';

export async function up(db: Kysely<unknown>, _ctx: MigrationContext): Promise<void> {
  await db.schema
    .createTable('yoyow_replay_keys')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('app_id', 'bigint', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('yoyow_replay_keys_expires').on('yoyow_replay_keys').column('expires_at').execute();
}
