// YOYOW chain state (modules/yoyow): account state, csaf, consents, operation records and their object ids.
// Balances themselves live in the ledger (asset YOYO, subs `balance` / `prepaid` / `csaf`); these tables hold what
// the chain keeps beside them. See src/modules/yoyow/README.md for the invariants.
import { sql, type Kysely } from 'kysely';
import type { MigrationContext } from '../migrate.js';

export async function up(db: Kysely<unknown>, ctx: MigrationContext): Promise<void> {
  // One row per user, app or system account that took part in a chain operation (opened on first use).
  await db.schema
    .createTable('yoyow_accounts')
    .addColumn('uid', 'bigint', (c) => c.primaryKey())
    .addColumn('kind', 'text', (c) => c.notNull())
    /** 'issuer' or 'node' for the system accounts; null for users and apps. */
    .addColumn('system_role', 'text', (c) => c.unique())
    .addColumn('can_post', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('can_reply', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('can_rate', 'integer', (c) => c.notNull().defaultTo(1))
    /** Seconds: the last csaf settlement (§5.3). */
    .addColumn('csaf_settled_at', 'bigint', (c) => c.notNull())
    /** Coin-seconds not yet worth one csaf unit (< R). */
    .addColumn('csaf_carry', 'bigint', (c) => c.notNull().defaultTo(0))
    /** The last history sequence given to this account (histories number 1, 2, …). */
    .addColumn('history_seq', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    /** Last change of keys, consents or flags (ms). */
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addCheckConstraint('yoyow_accounts_kind', sql`kind in ('user', 'app', 'system')`)
    .addCheckConstraint('yoyow_accounts_carry', sql`csaf_carry >= 0`)
    .execute();

  // Node-wide object id counters (§5.11): name = "space.type", next = the next instance.
  await db.schema
    .createTable('yoyow_counters')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('next_instance', 'bigint', (c) => c.notNull())
    .execute();

  // One record per write (§5.10). `instance` is the `1.10.<i>` id, taken from a counter row locked until commit, so
  // instances follow commit order; `txid` = SHA-256 of the canonical record (its transfers' txids included).
  await db.schema
    .createTable('yoyow_operations')
    .addColumn('seq', ctx.serial, (c) => c.primaryKey())
    .addColumn('instance', 'bigint', (c) => c.notNull().unique())
    .addColumn('txid', 'text', (c) => c.notNull().unique())
    /** 16 random bytes (hex): two otherwise identical operations get distinct txids. */
    .addColumn('nonce', 'text', (c) => c.notNull())
    .addColumn('op_type', 'integer', (c) => c.notNull())
    /** The operation's fields as rendered, in the chain's order (JSON text). */
    .addColumn('fields', 'text', (c) => c.notNull())
    /** JSON array of the uids whose histories list it. */
    .addColumn('involved', 'text', (c) => c.notNull())
    /** Created object id (`[1,"<id>"]` result) or null (`[0,{}]`). */
    .addColumn('result', 'text')
    /** JSON array of the ledger transfers' txids, in the order they were made. */
    .addColumn('transfer_txids', 'text', (c) => c.notNull())
    .addColumn('block_number', 'bigint', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('yoyow_operations_block').on('yoyow_operations').columns(['block_number', 'instance']).execute();

  // Per-account histories (§4.2): seq is the account's own sequence, over all op types.
  await db.schema
    .createTable('yoyow_history')
    .addColumn('account_uid', 'bigint', (c) => c.notNull())
    .addColumn('seq', 'bigint', (c) => c.notNull())
    .addColumn('op_instance', 'bigint', (c) => c.notNull())
    .addColumn('op_type', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('yoyow_history_pk', ['account_uid', 'seq'])
    .execute();
  await db.schema.createIndex('yoyow_history_type').on('yoyow_history').columns(['account_uid', 'op_type', 'seq']).execute();

  // Consents (§5.5): one active row per (user, app); a revoke keeps the row (status 'revoked'), a fresh grant makes
  // a new row with a new `2.22.<i>` instance.
  await db.schema
    .createTable('yoyow_consents')
    .addColumn('id', ctx.serial, (c) => c.primaryKey())
    .addColumn('instance', 'bigint', (c) => c.notNull().unique())
    .addColumn('user_uid', 'bigint', (c) => c.notNull())
    .addColumn('app_uid', 'bigint', (c) => c.notNull())
    /** Base units; null = unlimited. */
    .addColumn('max_limit', 'bigint')
    .addColumn('cur_used', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('permission_flags', 'integer', (c) => c.notNull())
    .addColumn('memo', 'text')
    .addColumn('suspended', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addCheckConstraint('yoyow_consents_status', sql`status in ('active', 'revoked')`)
    .addCheckConstraint('yoyow_consents_used', sql`cur_used >= 0 and (max_limit is null or max_limit >= 0)`)
    .execute();
  await db.schema
    .createIndex('yoyow_consents_live')
    .on('yoyow_consents')
    .columns(['user_uid', 'app_uid'])
    .unique()
    .where(sql.ref('status'), '=', 'active')
    .execute();
  await db.schema.createIndex('yoyow_consents_app').on('yoyow_consents').columns(['app_uid', 'user_uid']).execute();
}
