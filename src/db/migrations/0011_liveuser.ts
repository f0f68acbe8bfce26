// liveuser (spec/liveuser.md): WeChat identities (core/identity/wechatIdentities.ts), liveuser session families and
// their grace-window replays (core/identity/liveuserTokens.ts — the tokens themselves are rows of `user_tokens`,
// kind 'liveuser'), profiles per (app, uid) (modules/profiles), and products, snapshots, orders, order lines, prepay
// attempts, payment records, received notifications and id-generator worker leases (modules/orders).
// Order and snapshot ids come from the §7.6 generator (never auto-increment), so those keys are plain bigints.
import { sql, type Kysely } from 'kysely';
import type { MigrationContext } from '../migrate.js';

async function identities(db: Kysely<unknown>, ctx: MigrationContext): Promise<void> {
  // One row per unionid: the insert-or-nothing claim that makes two concurrent first logins of one person (two
  // mini-programs, one unionid) end on the same Plaza user.
  await db.schema
    .createTable('wechat_unions')
    .addColumn('unionid', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'bigint', (c) => c.notNull().references('end_users.id'))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('wechat_identities')
    .addColumn('id', ctx.serial, (c) => c.primaryKey())
    .addColumn('wechat_appid', 'text', (c) => c.notNull())
    .addColumn('openid', 'text', (c) => c.notNull())
    .addColumn('unionid', 'text')
    .addColumn('user_id', 'bigint', (c) => c.notNull().references('end_users.id'))
    /** The latest session_key, sealed (purpose `wechat.session_key`); never returned, never in a token. */
    .addColumn('session_key_enc', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('wechat_identities_appid_openid', ['wechat_appid', 'openid'])
    .execute();
  await db.schema.createIndex('wechat_identities_user').on('wechat_identities').columns(['user_id', 'id']).execute();

  await db.schema
    .createTable('liveuser_families')
    /** Start order: the family limit revokes the lowest first (times may tie within a millisecond). */
    .addColumn('seq', ctx.serial, (c) => c.primaryKey())
    .addColumn('id', 'text', (c) => c.notNull().unique())
    .addColumn('app_id', 'bigint', (c) => c.notNull().references('apps.id'))
    .addColumn('user_id', 'bigint', (c) => c.notNull().references('end_users.id'))
    .addColumn('identity_id', 'bigint', (c) => c.notNull().references('wechat_identities.id'))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('revoked_at', 'bigint')
    .execute();
  await db.schema.createIndex('liveuser_families_app_user').on('liveuser_families').columns(['app_id', 'user_id', 'seq']).execute();

  // The answer of one rotation, sealed, kept only for the grace window (purged afterwards).
  await db.schema
    .createTable('liveuser_replays')
    .addColumn('token_id', 'bigint', (c) => c.primaryKey())
    .addColumn('family_id', 'text', (c) => c.notNull())
    .addColumn('response_enc', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('liveuser_replays_expiry').on('liveuser_replays').column('expires_at').execute();

  await db.schema
    .createTable('liveuser_profiles')
    .addColumn('app_id', 'bigint', (c) => c.notNull().references('apps.id'))
    .addColumn('uid', 'text', (c) => c.notNull())
    .addColumn('user_id', 'bigint', (c) => c.notNull().references('end_users.id'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('agent', 'text', (c) => c.notNull())
    .addColumn('avatar', 'text', (c) => c.notNull())
    .addColumn('update_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('liveuser_profiles_pk', ['app_id', 'uid'])
    .execute();
}

async function orders(db: Kysely<unknown>, ctx: MigrationContext): Promise<void> {
  await db.schema
    .createTable('id_workers')
    .addColumn('worker', 'bigint', (c) => c.primaryKey().check(sql`worker >= 0 and worker <= 31`))
    .addColumn('holder', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('products')
    .addColumn('app_id', 'bigint', (c) => c.notNull().references('apps.id'))
    .addColumn('product_id', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('price_cent', 'bigint', (c) => c.notNull().check(sql`price_cent >= 1 and price_cent <= 2147483647`))
    .addColumn('description', 'text', (c) => c.notNull())
    /** JSON `{"asset","sub_balance","amount"}` (amount canonical decimal text), or null: no grant. */
    .addColumn('grant_json', 'text')
    /** The snapshot describing the current state (the latest one). */
    .addColumn('snapshot_id', 'bigint', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    /** 0 = live. */
    .addColumn('deleted_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('products_pk', ['app_id', 'product_id'])
    .execute();

  await db.schema
    .createTable('product_snapshots')
    .addColumn('id', 'bigint', (c) => c.primaryKey())
    .addColumn('app_id', 'bigint', (c) => c.notNull())
    .addColumn('product_id', 'text', (c) => c.notNull())
    /** The §7.3 snapshot record, compact JSON in its key order: what an order line's `detail` copies. */
    .addColumn('detail', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('product_snapshots_product').on('product_snapshots').columns(['app_id', 'product_id', 'id']).execute();

  await db.schema
    .createTable('orders')
    .addColumn('id', 'bigint', (c) => c.primaryKey())
    .addColumn('app_id', 'bigint', (c) => c.notNull().references('apps.id'))
    .addColumn('user_id', 'bigint', (c) => c.notNull().references('end_users.id'))
    /** The buyer's openid under the app's WeChat appid. */
    .addColumn('uid', 'text', (c) => c.notNull())
    .addColumn('state', 'bigint', (c) => c.notNull().check(sql`state in (0, 1)`))
    .addColumn('amount', 'bigint', (c) => c.notNull().check(sql`amount >= 1 and amount <= 2147483647`))
    .addColumn('discount', 'bigint', (c) => c.notNull())
    .addColumn('pay', 'bigint', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('pay_at', 'bigint', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addColumn('deleted_at', 'bigint', (c) => c.notNull())
    .addColumn('transaction_id', 'text')
    /** When the newest prepay_id was issued (null: never): prepay reuse and reconciliation read it. */
    .addColumn('prepay_at', 'bigint')
    .addCheckConstraint('orders_paid_fields', sql`(state = 0 and transaction_id is null) or (state = 1 and transaction_id is not null)`)
    .execute();
  await db.schema.createIndex('orders_buyer').on('orders').columns(['app_id', 'uid', 'id']).execute();
  await db.schema.createIndex('orders_unpaid_prepay').on('orders').columns(['state', 'prepay_at']).execute();

  await db.schema
    .createTable('order_lines')
    .addColumn('order_id', 'bigint', (c) => c.notNull().references('orders.id'))
    .addColumn('product_id', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('price', 'bigint', (c) => c.notNull())
    .addColumn('count', 'bigint', (c) => c.notNull().check(sql`count >= 1 and count <= 9999`))
    .addColumn('snapshot_id', 'bigint', (c) => c.notNull().references('product_snapshots.id'))
    .addColumn('detail', 'text', (c) => c.notNull())
    .addColumn('grant_asset', 'text')
    .addColumn('grant_sub', 'text')
    /** Per unit, minor units of `grant_asset`. */
    .addColumn('grant_amount_minor', 'bigint')
    .addPrimaryKeyConstraint('order_lines_pk', ['order_id', 'product_id'])
    .execute();

  // Every prepay_id WeChat issued for an order (payment attempts), appended.
  await db.schema
    .createTable('order_prepays')
    .addColumn('id', ctx.serial, (c) => c.primaryKey())
    .addColumn('order_id', 'bigint', (c) => c.notNull().references('orders.id'))
    .addColumn('prepay_id', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('order_prepays_order').on('order_prepays').columns(['order_id', 'id']).execute();

  // The payment that made an order PAID: exactly one per order (the primary key backs the once-only transition).
  await db.schema
    .createTable('order_payments')
    .addColumn('order_id', 'bigint', (c) => c.primaryKey().references('orders.id'))
    .addColumn('app_id', 'bigint', (c) => c.notNull())
    .addColumn('transaction_id', 'text', (c) => c.notNull())
    /** 'notification' (Wx.Postpay) or 'query' (reconciliation). */
    .addColumn('source', 'text', (c) => c.notNull().check(sql`source in ('notification', 'query')`))
    .addColumn('notification_id', 'text')
    .addColumn('success_at', 'bigint', (c) => c.notNull())
    .addColumn('payer_openid', 'text', (c) => c.notNull())
    .addColumn('amount_total', 'bigint', (c) => c.notNull())
    /** The transaction object as WeChat sent it (trade_type, bank_type, attach, promotion_detail…). */
    .addColumn('transaction_json', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();

  // Every verified notification with its outcome (console, audit).
  await db.schema
    .createTable('wechat_notifications')
    .addColumn('id', ctx.serial, (c) => c.primaryKey())
    .addColumn('app_id', 'bigint', (c) => c.notNull())
    .addColumn('notification_id', 'text', (c) => c.notNull())
    .addColumn('event_type', 'text', (c) => c.notNull())
    .addColumn('out_trade_no', 'text', (c) => c.notNull())
    .addColumn('transaction_id', 'text', (c) => c.notNull())
    .addColumn('outcome', 'text', (c) => c.notNull())
    .addColumn('received_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('wechat_notifications_app').on('wechat_notifications').columns(['app_id', 'id']).execute();
}

export async function up(db: Kysely<unknown>, ctx: MigrationContext): Promise<void> {
  await identities(db, ctx);
  await orders(db, ctx);
}
