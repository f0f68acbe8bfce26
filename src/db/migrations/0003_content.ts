// Paid content (Ulord X4–X13, owned by modules/content): the resources an app's wallet users publish, and the
// consume records that prove a reader paid (or was paid for viewing an ad). The UNIQUE key on
// (app_id, content_id, customer) is the pay-once rule of spec §8.4; prices are bigint minor units.
import { sql, type Kysely } from 'kysely';
import type { MigrationContext } from '../migrate.js';

export async function up(db: Kysely<unknown>, ctx: MigrationContext): Promise<void> {
  await db.schema
    .createTable('content')
    .addColumn('id', ctx.serial, (c) => c.primaryKey())
    .addColumn('app_id', 'bigint', (c) => c.notNull().references('apps.id'))
    /** The author's wallet user name in the app's namespace (as stored for that wallet user). */
    .addColumn('author', 'text', (c) => c.notNull())
    .addColumn('claim_id', 'text', (c) => c.notNull())
    .addColumn('claim_txid', 'text', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('ipfs_hash', 'text', (c) => c.notNull())
    /** Minor units of the wallet asset; negative = an advertisement (the author pays the reader). */
    .addColumn('price_minor', 'bigint', (c) => c.notNull())
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('content_type', 'text', (c) => c.notNull())
    .addColumn('des', 'text')
    /** JSON array of strings, in publish order. */
    .addColumn('tags', 'text', (c) => c.notNull())
    .addColumn('status', 'bigint', (c) => c.notNull().defaultTo(1))
    .addColumn('enabled', 'bigint', (c) => c.notNull().defaultTo(1))
    .addColumn('views', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint')
    .addUniqueConstraint('content_app_claim', ['app_id', 'claim_id'])
    .addCheckConstraint('content_enabled_flag', sql`enabled in (0, 1)`)
    .execute();
  await db.schema.createIndex('content_app_author').on('content').columns(['app_id', 'author', 'id']).execute();

  await db.schema
    .createTable('content_purchases')
    .addColumn('id', ctx.serial, (c) => c.primaryKey())
    .addColumn('app_id', 'bigint', (c) => c.notNull().references('apps.id'))
    .addColumn('content_id', 'bigint', (c) => c.notNull().references('content.id'))
    .addColumn('customer', 'text', (c) => c.notNull())
    /** The price actually paid (negative for an ad reward), fixed at the time of the consume. */
    .addColumn('price_minor', 'bigint', (c) => c.notNull())
    /** The ledger transfer that paid it: every record has one (free content is never recorded). */
    .addColumn('txid', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('content_purchases_once', ['app_id', 'content_id', 'customer'])
    .addCheckConstraint('content_purchases_not_free', sql`price_minor <> 0`)
    .execute();
  await db.schema
    .createIndex('content_purchases_customer')
    .on('content_purchases')
    .columns(['app_id', 'customer', 'created_at', 'txid'])
    .execute();
  await db.schema.createIndex('content_purchases_content').on('content_purchases').columns(['content_id', 'created_at', 'txid']).execute();
}
