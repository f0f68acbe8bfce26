// Pi payments (modules/payments, spec/pi.md §4, §5): one Ed25519 wallet key per user and per app (seed sealed with the
// secret box, never stored in plain text), the short-lived wallet tokens of the hosted wallet page (SHA-256 stored),
// and the payments. A payment holds ONE state and a cancel reason; Pi's five flags are derived from them, so the CHECKs
// below make impossible combinations unrepresentable: a txid exactly in `verified` / `completed`, a cancel reason
// exactly in `cancelled`. The deadline columns feed the sweeper's partial indexes (overdue `created`, overdue
// `approved`).
import { sql, type Kysely } from 'kysely';
import type { MigrationContext } from '../migrate.js';

export async function up(db: Kysely<unknown>, ctx: MigrationContext): Promise<void> {
  await db.schema
    .createTable('wallet_keys')
    .addColumn('id', ctx.serial, (c) => c.primaryKey())
    /** 'user' (owner_id = end_users.id) or 'app' (owner_id = apps.id). */
    .addColumn('owner_kind', 'text', (c) => c.notNull().check(sql`owner_kind in ('user', 'app')`))
    .addColumn('owner_id', 'bigint', (c) => c.notNull())
    /** StrKey G-address of the public key (56 characters). */
    .addColumn('address', 'text', (c) => c.notNull().unique())
    /** Raw Ed25519 public key, 64 lowercase hex. */
    .addColumn('public_key', 'text', (c) => c.notNull())
    /** The S-seed sealed with the secret box, purpose `wallet.seed`. */
    .addColumn('seed_enc', 'text', (c) => c.notNull())
    /** Stellar-style sequence number of the ledger gateway; advanced only by a conditional update. */
    .addColumn('sequence', 'bigint', (c) => c.notNull().defaultTo(0).check(sql`sequence >= 0`))
    /** The owner's ledger account in the payment asset (sub `balance`). */
    .addColumn('account_id', 'bigint', (c) => c.notNull().references('ledger_accounts.id'))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('wallet_keys_owner', ['owner_kind', 'owner_id'])
    .execute();

  await db.schema
    .createTable('wallet_tokens')
    .addColumn('id', ctx.serial, (c) => c.primaryKey())
    /** SHA-256 of the token, hex. */
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('user_id', 'bigint', (c) => c.notNull().references('end_users.id'))
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('revoked_at', 'bigint')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('wallet_tokens_user').on('wallet_tokens').columns(['user_id', 'id']).execute();
  await db.schema.createIndex('wallet_tokens_expiry').on('wallet_tokens').column('expires_at').execute();

  await db.schema
    .createTable('payments')
    .addColumn('id', ctx.serial, (c) => c.primaryKey())
    /** 28 characters [0-9A-Za-z] (spec §5.1). */
    .addColumn('identifier', 'text', (c) => c.notNull().unique())
    .addColumn('app_id', 'bigint', (c) => c.notNull().references('apps.id'))
    /** The payer (U2A) or the recipient (A2U): end_users.id. */
    .addColumn('user_id', 'bigint', (c) => c.notNull().references('end_users.id'))
    /** That user's pairwise uid for the app, copied at creation. */
    .addColumn('user_uid', 'text', (c) => c.notNull())
    .addColumn('direction', 'text', (c) => c.notNull().check(sql`direction in ('user_to_app', 'app_to_user')`))
    .addColumn('amount_minor', 'bigint', (c) => c.notNull().check(sql`amount_minor > 0`))
    .addColumn('memo', 'text', (c) => c.notNull())
    /** The metadata object's JSON text exactly as received (key order and number literals kept). */
    .addColumn('metadata_json', 'text', (c) => c.notNull())
    .addColumn('from_address', 'text', (c) => c.notNull())
    .addColumn('to_address', 'text', (c) => c.notNull())
    .addColumn('network', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull().check(sql`state in ('created', 'approved', 'verified', 'completed', 'cancelled')`))
    .addColumn('cancel_reason', 'text', (c) =>
      c.check(sql`cancel_reason is null or cancel_reason in ('developer', 'approval_timeout', 'expired', 'superseded', 'user')`),
    )
    /** Whether the payment was approved (kept through a cancel: the flag reads "as before cancel", §4.1). */
    .addColumn('developer_approved', 'bigint', (c) => c.notNull().defaultTo(0))
    /** The linked ledger transfer's txid. */
    .addColumn('txid', 'text', (c) => c.unique())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('approved_at', 'bigint')
    .addColumn('verified_at', 'bigint')
    .addColumn('completed_at', 'bigint')
    .addColumn('cancelled_at', 'bigint')
    /** created_at + approval window (U2A); the sweeper cancels `created` payments at or past it. */
    .addColumn('approval_deadline', 'bigint')
    /** approval (U2A) / creation (A2U) + transaction window; the sweeper cancels `approved` payments at or past it. */
    .addColumn('transaction_deadline', 'bigint')
    .addCheckConstraint('payments_cancel_reason', sql`(state = 'cancelled') = (cancel_reason is not null)`)
    .addCheckConstraint('payments_txid', sql`(state in ('verified', 'completed')) = (txid is not null)`)
    .addCheckConstraint('payments_approved', sql`state in ('created', 'cancelled') or developer_approved = 1`)
    .addCheckConstraint('payments_created_u2a', sql`state <> 'created' or direction = 'user_to_app'`)
    .execute();
  // Open payments of one (app, user, direction): U2A supersede and the "paid but not completed" check (§3.14, §3.15).
  await db.schema.createIndex('payments_app_user_open').on('payments').columns(['app_id', 'user_id', 'direction', 'state', 'id']).execute();
  // Open A2U payments per app (the open limit, incomplete_server_payments, §3.8, §3.9), oldest first.
  await db.schema.createIndex('payments_app_open').on('payments').columns(['app_id', 'direction', 'state', 'id']).execute();
  // A user's open payments across apps (the wallet's pending list).
  await db.schema.createIndex('payments_user_open').on('payments').columns(['user_id', 'direction', 'state', 'id']).execute();
  // The sweeper's scans: only the rows that can still time out are indexed.
  await db.schema
    .createIndex('payments_overdue_approval')
    .on('payments')
    .column('approval_deadline')
    .where(sql.ref('state'), '=', 'created')
    .execute();
  await db.schema
    .createIndex('payments_overdue_transaction')
    .on('payments')
    .column('transaction_deadline')
    .where(sql.ref('state'), '=', 'approved')
    .execute();
}
