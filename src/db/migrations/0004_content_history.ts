// Content history (owned by modules/content): one row per change of a resource — its publish and every operator
// disable / enable — written in the transaction that made the change, so the history holds exactly what committed.
// `snapshot` is the canonical JSON of the resource's public fields right after the change.
import { sql, type Kysely } from 'kysely';
import type { MigrationContext } from '../migrate.js';

export async function up(db: Kysely<unknown>, ctx: MigrationContext): Promise<void> {
  await db.schema
    .createTable('content_history')
    .addColumn('id', ctx.serial, (c) => c.primaryKey())
    .addColumn('content_id', 'bigint', (c) => c.notNull().references('content.id'))
    .addColumn('app_id', 'bigint', (c) => c.notNull().references('apps.id'))
    .addColumn('action', 'text', (c) => c.notNull())
    /** Who made the change: `app:<id>` for a publish, `developer:<id>` for an admin API change. */
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('snapshot', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addCheckConstraint('content_history_action', sql`action in ('publish', 'disable', 'enable')`)
    .execute();
  await db.schema.createIndex('content_history_content').on('content_history').columns(['content_id', 'id']).execute();
}
