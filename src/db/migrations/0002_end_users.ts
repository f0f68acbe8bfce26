// End users: global, or scoped to one app (Ulord wallet users live in their app's namespace). Each has a uid in
// the space users and apps share, an optional pay password (scrypt) with its lock-out counter, and a disabled flag.
// Apps gain a JSON `settings` column for per-app overrides of dialect settings.
import { sql, type Kysely } from 'kysely';
import type { MigrationContext } from '../migrate.js';

export async function up(db: Kysely<unknown>, ctx: MigrationContext): Promise<void> {
  await db.schema
    .createTable('end_users')
    .addColumn('id', ctx.serial, (c) => c.primaryKey())
    .addColumn('uid', 'bigint', (c) => c.notNull().unique())
    /** null = a global user (hosted sign-in); otherwise the app whose namespace holds the username. */
    .addColumn('app_id', 'bigint', (c) => c.references('apps.id'))
    .addColumn('username', 'text', (c) => c.notNull())
    .addColumn('username_lower', 'text', (c) => c.notNull())
    .addColumn('pay_password_hash', 'text')
    .addColumn('pay_failures', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('pay_locked_until', 'bigint')
    .addColumn('disabled', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint')
    .execute();
  // One username per app namespace; global users (app_id null) are unique among themselves.
  await db.schema
    .createIndex('end_users_app_username')
    .on('end_users')
    .columns(['app_id', 'username_lower'])
    .unique()
    .where(sql.ref('app_id'), 'is not', null)
    .execute();
  await db.schema
    .createIndex('end_users_global_username')
    .on('end_users')
    .column('username_lower')
    .unique()
    .where(sql.ref('app_id'), 'is', null)
    .execute();

  await db.schema.alterTable('apps').addColumn('settings', 'text').execute();
}
