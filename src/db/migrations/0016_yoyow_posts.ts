// YOYOW posts (modules/posts, spec/yoyow.md §5.6–§5.8): licences (`2.17.<i>`), posts (`1.7.<i>`) and scores
// (`2.16.<i>`). Rewards and forward payments are ledger transfers plus operation records; they need no table.
// Numbering rules (licence per platform, pid per poster across platforms, one score per account per post) are
// decided under the chain's write lock; the unique indexes below are the last guard.
import type { Kysely } from 'kysely';
import type { MigrationContext } from '../migrate.js';

export async function up(db: Kysely<unknown>, ctx: MigrationContext): Promise<void> {
  await db.schema
    .createTable('yoyow_licenses')
    .addColumn('id', ctx.serial, (c) => c.primaryKey())
    .addColumn('instance', 'bigint', (c) => c.notNull().unique())
    .addColumn('platform_uid', 'bigint', (c) => c.notNull())
    .addColumn('license_lid', 'bigint', (c) => c.notNull())
    .addColumn('type', 'integer', (c) => c.notNull())
    .addColumn('hash_value', 'text', (c) => c.notNull())
    .addColumn('extra_data', 'text', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('yoyow_licenses_lid').on('yoyow_licenses').columns(['platform_uid', 'license_lid']).unique().execute();

  await db.schema
    .createTable('yoyow_posts')
    .addColumn('id', ctx.serial, (c) => c.primaryKey())
    .addColumn('instance', 'bigint', (c) => c.notNull().unique())
    .addColumn('platform_uid', 'bigint', (c) => c.notNull())
    .addColumn('poster_uid', 'bigint', (c) => c.notNull())
    .addColumn('post_pid', 'bigint', (c) => c.notNull())
    .addColumn('post_type', 'integer', (c) => c.notNull())
    .addColumn('origin_platform', 'bigint')
    .addColumn('origin_poster', 'bigint')
    .addColumn('origin_post_pid', 'bigint')
    .addColumn('hash_value', 'text', (c) => c.notNull())
    .addColumn('extra_data', 'text', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    /** JSON: [[uid, {cur_ratio, to_buyout, buyout_ratio, buyout_price (decimal text), buyout_expiration (s or null)}], …] ascending uid. */
    .addColumn('receiptors', 'text', (c) => c.notNull())
    .addColumn('forward_price', 'bigint')
    .addColumn('license_lid', 'bigint', (c) => c.notNull())
    .addColumn('permission_flags', 'bigint', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  // The pid sequence is per poster across all platforms (§5.6).
  await db.schema.createIndex('yoyow_posts_pid').on('yoyow_posts').columns(['poster_uid', 'post_pid']).unique().execute();
  await db.schema.createIndex('yoyow_posts_platform').on('yoyow_posts').columns(['platform_uid', 'instance']).execute();

  await db.schema
    .createTable('yoyow_scores')
    .addColumn('id', ctx.serial, (c) => c.primaryKey())
    .addColumn('instance', 'bigint', (c) => c.notNull().unique())
    .addColumn('post_instance', 'bigint', (c) => c.notNull())
    .addColumn('from_account_uid', 'bigint', (c) => c.notNull())
    .addColumn('platform_uid', 'bigint', (c) => c.notNull())
    .addColumn('poster_uid', 'bigint', (c) => c.notNull())
    .addColumn('post_pid', 'bigint', (c) => c.notNull())
    .addColumn('score', 'integer', (c) => c.notNull())
    .addColumn('csaf', 'bigint', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  // One score per account per post (§5.7): a lost race answers `already scored`.
  await db.schema.createIndex('yoyow_scores_once').on('yoyow_scores').columns(['post_instance', 'from_account_uid']).unique().execute();
}
