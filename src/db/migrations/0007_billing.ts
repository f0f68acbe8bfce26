// Kamiya billing (modules/billing): the daily check-ins. The UNIQUE key on (user_id, day) is the once-a-day rule of
// spec/kamiya.md §3.10, counted across all apps: of two concurrent check-ins exactly one inserts its row. Balances
// themselves live in the ledger (asset CREDIT, subs `credit` / `nc_credit`); this table only records who collected.
import { sql, type Kysely } from 'kysely';
import type { MigrationContext } from '../migrate.js';

export async function up(db: Kysely<unknown>, ctx: MigrationContext): Promise<void> {
  await db.schema
    .createTable('billing_checkins')
    .addColumn('id', ctx.serial, (c) => c.primaryKey())
    .addColumn('user_id', 'bigint', (c) => c.notNull().references('end_users.id'))
    /** The calendar date `YYYY-MM-DD` in the configured check-in time zone. */
    .addColumn('day', 'text', (c) => c.notNull())
    /** The app the check-in came through. */
    .addColumn('app_id', 'bigint', (c) => c.notNull().references('apps.id'))
    /** Minor units of CREDIT issued into the user's `nc_credit`. */
    .addColumn('reward_minor', 'bigint', (c) => c.notNull())
    /** The issuing transfer; set in the claiming transaction (null only while it runs, or when the reward is 0). */
    .addColumn('txid', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('billing_checkins_once', ['user_id', 'day'])
    .addCheckConstraint('billing_checkins_reward', sql`reward_minor >= 0`)
    .execute();
}
