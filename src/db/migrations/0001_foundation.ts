// The foundation schema: identity (developers, roles, app types, apps), the ledger (assets, accounts, transfers,
// blocks), idempotency keys and the audit log. Written once for both stores; `serial` picks each store's
// auto-increment form. CHECK constraints are the last guard behind the ledger's conditional writes.
import { sql, type Kysely } from 'kysely';
import type { MigrationContext } from '../migrate.js';

export async function up(db: Kysely<unknown>, ctx: MigrationContext): Promise<void> {
  const serial = ctx.serial;

  await db.schema
    .createTable('settings')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('value', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('developer_roles')
    .addColumn('id', serial, (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('name_lower', 'text', (c) => c.notNull().unique())
    .addColumn('des', 'text')
    .addColumn('builtin', 'bigint', (c) => c.notNull().defaultTo(0))
    .execute();

  await db.schema
    .createTable('developers')
    .addColumn('id', serial, (c) => c.primaryKey())
    .addColumn('username', 'text', (c) => c.notNull())
    .addColumn('username_lower', 'text', (c) => c.notNull().unique())
    .addColumn('password_hash', 'text', (c) => c.notNull())
    .addColumn('email', 'text')
    .addColumn('email_lower', 'text', (c) => c.unique())
    .addColumn('phone', 'text', (c) => c.unique())
    .addColumn('role_id', 'bigint', (c) => c.notNull().references('developer_roles.id'))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint')
    .execute();

  await db.schema
    .createTable('developer_tokens')
    .addColumn('id', serial, (c) => c.primaryKey())
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('developer_id', 'bigint', (c) => c.notNull().references('developers.id'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('revoked_at', 'bigint')
    .execute();
  await db.schema.createIndex('developer_tokens_developer').on('developer_tokens').column('developer_id').execute();

  await db.schema
    .createTable('app_types')
    .addColumn('id', serial, (c) => c.primaryKey())
    .addColumn('parent_id', 'bigint', (c) => c.references('app_types.id'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('name_lower', 'text', (c) => c.notNull().unique())
    .addColumn('des', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('uid_sequence')
    .addColumn('n', serial, (c) => c.primaryKey())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('apps')
    .addColumn('id', 'bigint', (c) => c.primaryKey())
    .addColumn('developer_id', 'bigint', (c) => c.notNull().references('developers.id'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('name_lower', 'text', (c) => c.notNull())
    .addColumn('des', 'text')
    .addColumn('type_id', 'bigint', (c) => c.references('app_types.id'))
    .addColumn('appkey', 'text', (c) => c.notNull().unique())
    .addColumn('secret_enc', 'text', (c) => c.notNull())
    .addColumn('secret_hash', 'text', (c) => c.notNull().unique())
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('live', 'removed')`))
    .addColumn('banned', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('key_expires_at', 'bigint')
    .addColumn('dialects', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint')
    .addColumn('removed_at', 'bigint')
    .execute();
  await db.schema.createIndex('apps_developer').on('apps').columns(['developer_id', 'id']).execute();
  // A developer's live apps have distinct names; a removed app frees its name (Ulord M15).
  await db.schema
    .createIndex('apps_live_name')
    .on('apps')
    .columns(['developer_id', 'name_lower'])
    .unique()
    .where(sql.ref('status'), '=', 'live')
    .execute();

  await db.schema
    .createTable('assets')
    .addColumn('id', serial, (c) => c.primaryKey())
    .addColumn('symbol', 'text', (c) => c.notNull().unique())
    .addColumn('precision', 'bigint', (c) => c.notNull().check(sql`precision >= 0 and precision <= 18`))
    .addColumn('enabled', 'bigint', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('ledger_accounts')
    .addColumn('id', serial, (c) => c.primaryKey())
    .addColumn('owner_kind', 'text', (c) => c.notNull())
    .addColumn('owner_id', 'text', (c) => c.notNull())
    .addColumn('asset_id', 'bigint', (c) => c.notNull().references('assets.id'))
    .addColumn('sub', 'text', (c) => c.notNull())
    .addColumn('allow_negative', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('frozen', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('balance', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('pending_out', 'bigint', (c) => c.notNull().defaultTo(0).check(sql`pending_out >= 0`))
    .addColumn('pending_in', 'bigint', (c) => c.notNull().defaultTo(0).check(sql`pending_in >= 0`))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addCheckConstraint('ledger_accounts_no_overdraft', sql`allow_negative = 1 or balance - pending_out >= 0`)
    .addUniqueConstraint('ledger_accounts_owner', ['owner_kind', 'owner_id', 'asset_id', 'sub'])
    .execute();

  await db.schema
    .createTable('ledger_transfers')
    .addColumn('seq', serial, (c) => c.primaryKey())
    .addColumn('id', 'text', (c) => c.notNull().unique())
    .addColumn('txid', 'text', (c) => c.notNull().unique())
    .addColumn('debit_account_id', 'bigint', (c) => c.notNull().references('ledger_accounts.id'))
    .addColumn('credit_account_id', 'bigint', (c) => c.notNull().references('ledger_accounts.id'))
    .addColumn('asset_id', 'bigint', (c) => c.notNull().references('assets.id'))
    .addColumn('amount', 'bigint', (c) => c.notNull().check(sql`amount > 0`))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('memo', 'text', (c) => c.notNull())
    .addColumn('metadata', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('pending', 'posted', 'voided')`))
    .addColumn('idempotency_key', 'text', (c) => c.unique())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('posted_at', 'bigint')
    .addColumn('voided_at', 'bigint')
    .addColumn('block_number', 'bigint')
    .addCheckConstraint('ledger_transfers_two_accounts', sql`debit_account_id <> credit_account_id`)
    .execute();
  await db.schema.createIndex('ledger_transfers_debit').on('ledger_transfers').columns(['debit_account_id', 'seq']).execute();
  await db.schema.createIndex('ledger_transfers_credit').on('ledger_transfers').columns(['credit_account_id', 'seq']).execute();
  await db.schema.createIndex('ledger_transfers_block').on('ledger_transfers').columns(['block_number', 'seq']).execute();

  await db.schema
    .createTable('ledger_state')
    .addColumn('id', 'bigint', (c) => c.primaryKey())
    .addColumn('open_block', 'bigint', (c) => c.notNull())
    .execute();
  await db.insertInto('ledger_state' as never).values({ id: 1, open_block: 1 } as never).execute();

  await db.schema
    .createTable('ledger_blocks')
    .addColumn('number', 'bigint', (c) => c.primaryKey())
    .addColumn('hash', 'text', (c) => c.notNull().unique())
    .addColumn('previous', 'text', (c) => c.notNull())
    .addColumn('timestamp', 'bigint', (c) => c.notNull())
    .addColumn('merkle_root', 'text', (c) => c.notNull())
    .addColumn('entry_count', 'bigint', (c) => c.notNull())
    .addColumn('signature', 'text', (c) => c.notNull())
    .addColumn('public_key', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('idempotency_keys')
    .addColumn('scope', 'text', (c) => c.notNull())
    .addColumn('route', 'text', (c) => c.notNull())
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('fingerprint', 'text', (c) => c.notNull())
    .addColumn('status_code', 'bigint', (c) => c.notNull())
    .addColumn('headers', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('idempotency_keys_pk', ['scope', 'route', 'key'])
    .execute();
  await db.schema.createIndex('idempotency_keys_expiry').on('idempotency_keys').column('expires_at').execute();

  await db.schema
    .createTable('audit_log')
    .addColumn('id', serial, (c) => c.primaryKey())
    .addColumn('at', 'bigint', (c) => c.notNull())
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('target', 'text', (c) => c.notNull())
    .addColumn('details', 'text', (c) => c.notNull())
    .addColumn('request_id', 'text')
    .execute();
}
