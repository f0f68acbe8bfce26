// YOYOW advertising (modules/ads, spec/yoyow.md §4.16–§4.22, §5.9): slots and orders. Prices in escrow are ledger
// balances of the `escrow` system account (modules/yoyow); these tables hold what the chain keeps beside them.
import { sql, type Kysely } from 'kysely';
import type { MigrationContext } from '../migrate.js';

export async function up(db: Kysely<unknown>, ctx: MigrationContext): Promise<void> {
  // One row per advertising slot: `2.18.<instance>`, numbered per platform by `aid` (last + 1, from 1).
  await db.schema
    .createTable('yoyow_ads')
    .addColumn('id', ctx.serial, (c) => c.primaryKey())
    .addColumn('instance', 'bigint', (c) => c.notNull().unique())
    .addColumn('platform_uid', 'bigint', (c) => c.notNull())
    .addColumn('aid', 'bigint', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    /** Base units per unit of time. */
    .addColumn('unit_price', 'bigint', (c) => c.notNull())
    /** Seconds. */
    .addColumn('unit_time', 'bigint', (c) => c.notNull())
    .addColumn('on_sell', 'integer', (c) => c.notNull())
    /** The last order oid given on this slot (orders number 1, 2, …). */
    .addColumn('last_order_sequence', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('publish_time', 'bigint', (c) => c.notNull())
    .addColumn('last_update_time', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('yoyow_ads_platform_aid', ['platform_uid', 'aid'])
    .addCheckConstraint('yoyow_ads_positive', sql`unit_price > 0 and unit_time > 0 and aid > 0`)
    .execute();

  // One row per purchase: `2.19.<instance>`, numbered per slot by `oid`. Status moves only away from
  // 'advertising_undetermined' (conditional updates), once.
  await db.schema
    .createTable('yoyow_ad_orders')
    .addColumn('id', ctx.serial, (c) => c.primaryKey())
    .addColumn('instance', 'bigint', (c) => c.notNull().unique())
    .addColumn('platform_uid', 'bigint', (c) => c.notNull())
    .addColumn('aid', 'bigint', (c) => c.notNull())
    .addColumn('oid', 'bigint', (c) => c.notNull())
    .addColumn('buyer_uid', 'bigint', (c) => c.notNull())
    /** The price paid (base units), held in escrow while undetermined. */
    .addColumn('price', 'bigint', (c) => c.notNull())
    .addColumn('buy_number', 'bigint', (c) => c.notNull())
    /** Seconds: the purchased period [start_time, end_time). */
    .addColumn('start_time', 'bigint', (c) => c.notNull())
    .addColumn('end_time', 'bigint', (c) => c.notNull())
    /** ms. */
    .addColumn('buy_request_time', 'bigint', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    /** ms; null until handled. */
    .addColumn('handle_time', 'bigint')
    /** The encrypted memo object (JSON text) or null. */
    .addColumn('memo', 'text')
    .addColumn('extra_data', 'text', (c) => c.notNull())
    .addUniqueConstraint('yoyow_ad_orders_slot_oid', ['platform_uid', 'aid', 'oid'])
    .addCheckConstraint(
      'yoyow_ad_orders_status',
      sql`status in ('advertising_undetermined', 'advertising_accepted', 'advertising_refused', 'advertising_ransom')`,
    )
    .addCheckConstraint('yoyow_ad_orders_period', sql`price > 0 and end_time > start_time`)
    .execute();
  await db.schema.createIndex('yoyow_ad_orders_buyer').on('yoyow_ad_orders').columns(['buyer_uid', 'instance']).execute();
  await db.schema.createIndex('yoyow_ad_orders_slot_status').on('yoyow_ad_orders').columns(['platform_uid', 'aid', 'status']).execute();
}
