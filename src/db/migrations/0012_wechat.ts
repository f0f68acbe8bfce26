// WeChat integration (integrations/wechat, sandbox/wechat): per-app WeChat configuration, sandbox state.
// `wechat_configs`: one row per app; AppSecret, merchant private key and APIv3 key sealed with the secret box.
// `sandbox_wechat_*`: the built-in sandbox's own "WeChat side" — its seed and platform key (one row), registered
// merchants, login codes, transactions, prepay ids and notification deliveries (retries survive restarts).
import { sql, type Kysely } from 'kysely';
import type { MigrationContext } from '../migrate.js';

export async function up(db: Kysely<unknown>, ctx: MigrationContext): Promise<void> {
  await db.schema
    .createTable('wechat_configs')
    .addColumn('app_id', 'bigint', (c) => c.primaryKey())
    .addColumn('mode', 'text', (c) => c.notNull().check(sql`mode in ('live', 'sandbox')`))
    .addColumn('appid', 'text', (c) => c.notNull())
    .addColumn('app_secret_enc', 'text', (c) => c.notNull())
    .addColumn('mchid', 'text', (c) => c.notNull())
    .addColumn('merchant_serial', 'text', (c) => c.notNull())
    .addColumn('merchant_key_enc', 'text', (c) => c.notNull())
    .addColumn('api_v3_key_enc', 'text', (c) => c.notNull())
    .addColumn('platform_keys', 'text', (c) => c.notNull())
    .addColumn('notify_url', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('sandbox_wechat_state')
    .addColumn('id', 'bigint', (c) => c.primaryKey().check(sql`id = 1`))
    .addColumn('seed_enc', 'text', (c) => c.notNull())
    .addColumn('platform_key_id', 'text', (c) => c.notNull())
    .addColumn('platform_private_key_enc', 'text', (c) => c.notNull())
    .addColumn('platform_public_key', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('sandbox_wechat_merchants')
    .addColumn('appid', 'text', (c) => c.primaryKey())
    .addColumn('mchid', 'text', (c) => c.notNull().unique())
    .addColumn('app_id', 'bigint', (c) => c.notNull())
    .addColumn('app_secret_hash', 'text', (c) => c.notNull())
    .addColumn('merchant_serial', 'text', (c) => c.notNull())
    .addColumn('merchant_public_key', 'text', (c) => c.notNull())
    .addColumn('api_v3_key_enc', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('sandbox_wechat_codes')
    .addColumn('code', 'text', (c) => c.primaryKey())
    .addColumn('appid', 'text', (c) => c.notNull())
    .addColumn('user_handle', 'text', (c) => c.notNull())
    .addColumn('openid', 'text', (c) => c.notNull())
    .addColumn('unionid', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('used_at', 'bigint')
    .execute();
  // The per-openid minute quota counts recent exchanges.
  await db.schema.createIndex('sandbox_wechat_codes_used').on('sandbox_wechat_codes').columns(['openid', 'used_at']).execute();

  await db.schema
    .createTable('sandbox_wechat_transactions')
    .addColumn('mchid', 'text', (c) => c.notNull())
    .addColumn('out_trade_no', 'text', (c) => c.notNull())
    .addColumn('appid', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('notify_url', 'text', (c) => c.notNull())
    .addColumn('total', 'bigint', (c) => c.notNull())
    .addColumn('payer_openid', 'text', (c) => c.notNull())
    .addColumn('trade_state', 'text', (c) => c.notNull().check(sql`trade_state in ('NOTPAY', 'SUCCESS')`))
    .addColumn('transaction_id', 'text')
    .addColumn('success_time', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('sandbox_wechat_transactions_pk', ['mchid', 'out_trade_no'])
    .execute();

  await db.schema
    .createTable('sandbox_wechat_prepays')
    .addColumn('prepay_id', 'text', (c) => c.primaryKey())
    .addColumn('mchid', 'text', (c) => c.notNull())
    .addColumn('out_trade_no', 'text', (c) => c.notNull())
    .addColumn('appid', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('sandbox_wechat_notifications')
    .addColumn('id', ctx.serial, (c) => c.primaryKey())
    .addColumn('notification_id', 'text', (c) => c.notNull())
    .addColumn('mchid', 'text', (c) => c.notNull())
    .addColumn('out_trade_no', 'text', (c) => c.notNull())
    .addColumn('url', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('pending', 'delivered', 'failed')`))
    .addColumn('attempts', 'bigint', (c) => c.notNull())
    .addColumn('next_attempt_at', 'bigint')
    .addColumn('last_status', 'bigint')
    .addColumn('last_error', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('sandbox_wechat_notifications_due').on('sandbox_wechat_notifications').columns(['status', 'next_attempt_at']).execute();
}
