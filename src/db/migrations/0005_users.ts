// Global end users and what they grant apps (core/identity): end users gain an email, a password, a role and an
// email-verified flag; hosted-page sessions; per-(app, user) grants with their pairwise uid; access, refresh and
// one-time login tokens; email tokens (verify / reset); the development mailbox; and per-app redirect URIs and
// allowed origins. Every secret column holds a hash (SHA-256, or HMAC-SHA256 for login tokens), never a token.
import { sql, type Kysely } from 'kysely';
import type { MigrationContext } from '../migrate.js';

export async function up(db: Kysely<unknown>, ctx: MigrationContext): Promise<void> {
  await db.schema.alterTable('end_users').addColumn('email', 'text').execute();
  await db.schema.alterTable('end_users').addColumn('email_lower', 'text').execute();
  /** scrypt; null for app-scoped wallet users, who sign in through their app. */
  await db.schema.alterTable('end_users').addColumn('password_hash', 'text').execute();
  await db.schema.alterTable('end_users').addColumn('role', 'text', (c) => c.notNull().defaultTo('Normal')).execute();
  await db.schema.alterTable('end_users').addColumn('email_verified', 'bigint', (c) => c.notNull().defaultTo(0)).execute();
  await db.schema
    .createIndex('end_users_email')
    .on('end_users')
    .column('email_lower')
    .unique()
    .where(sql.ref('email_lower'), 'is not', null)
    .execute();

  await db.schema.alterTable('apps').addColumn('redirect_uris', 'text').execute();
  await db.schema.alterTable('apps').addColumn('allowed_origins', 'text').execute();

  await db.schema
    .createTable('user_sessions')
    .addColumn('id', ctx.serial, (c) => c.primaryKey())
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('user_id', 'bigint', (c) => c.notNull().references('end_users.id'))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('revoked_at', 'bigint')
    .execute();
  await db.schema.createIndex('user_sessions_user').on('user_sessions').columns(['user_id', 'id']).execute();

  // One pairwise uid per (app, user), assigned once and never changed: grants of every kind copy it, so a revoke
  // and a re-grant (or an OIDC grant beside a Pi grant) show the app the same id.
  await db.schema
    .createTable('pairwise_uids')
    .addColumn('app_id', 'bigint', (c) => c.notNull().references('apps.id'))
    .addColumn('user_id', 'bigint', (c) => c.notNull().references('end_users.id'))
    .addColumn('pairwise_uid', 'text', (c) => c.notNull().unique())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('pairwise_uids_pk', ['app_id', 'user_id'])
    .execute();

  await db.schema
    .createTable('app_grants')
    .addColumn('id', ctx.serial, (c) => c.primaryKey())
    .addColumn('app_id', 'bigint', (c) => c.notNull().references('apps.id'))
    .addColumn('user_id', 'bigint', (c) => c.notNull().references('end_users.id'))
    /** The flow that granted it: 'pi' | 'kamiya' | 'oidc'. */
    .addColumn('kind', 'text', (c) => c.notNull())
    /** JSON array of strings. */
    .addColumn('scopes', 'text', (c) => c.notNull())
    .addColumn('spending_limit_minor', 'bigint')
    /** JSON object of boolean flags. */
    .addColumn('permissions', 'text', (c) => c.notNull())
    .addColumn('pairwise_uid', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint')
    .addColumn('revoked_at', 'bigint')
    .addUniqueConstraint('app_grants_app_user_kind', ['app_id', 'user_id', 'kind'])
    .execute();
  await db.schema.createIndex('app_grants_user').on('app_grants').columns(['user_id', 'id']).execute();
  await db.schema.createIndex('app_grants_pairwise').on('app_grants').columns(['app_id', 'pairwise_uid']).execute();

  await db.schema
    .createTable('user_tokens')
    .addColumn('id', ctx.serial, (c) => c.primaryKey())
    /** SHA-256 (access, refresh) or HMAC-SHA256 under a key derived from the master key (login), hex. */
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('token_type', 'text', (c) => c.notNull())
    /** The flow it belongs to: 'pi' | 'kamiya' | 'oidc'. */
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('app_id', 'bigint', (c) => c.notNull().references('apps.id'))
    .addColumn('user_id', 'bigint', (c) => c.notNull().references('end_users.id'))
    .addColumn('grant_id', 'bigint', (c) => c.notNull().references('app_grants.id'))
    .addColumn('scopes', 'text', (c) => c.notNull())
    /** Refresh rotation family (and the access tokens issued with it); null for lone tokens. */
    .addColumn('family_id', 'text')
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    /** Rotated (refresh) or redeemed (login). */
    .addColumn('used_at', 'bigint')
    .addColumn('revoked_at', 'bigint')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addCheckConstraint('user_tokens_type', sql`token_type in ('access', 'refresh', 'login')`)
    .execute();
  await db.schema.createIndex('user_tokens_grant').on('user_tokens').columns(['grant_id', 'id']).execute();
  await db.schema.createIndex('user_tokens_user').on('user_tokens').columns(['user_id', 'id']).execute();
  await db.schema.createIndex('user_tokens_family').on('user_tokens').columns(['family_id']).execute();

  await db.schema
    .createTable('email_tokens')
    .addColumn('id', ctx.serial, (c) => c.primaryKey())
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('user_id', 'bigint', (c) => c.notNull().references('end_users.id'))
    .addColumn('purpose', 'text', (c) => c.notNull())
    /** The address the token was sent to (lowercase): a verify token proves only that address. */
    .addColumn('email_lower', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('used_at', 'bigint')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addCheckConstraint('email_tokens_purpose', sql`purpose in ('verify', 'reset')`)
    .execute();

  await db.schema
    .createTable('sandbox_mail')
    .addColumn('id', ctx.serial, (c) => c.primaryKey())
    .addColumn('to_address', 'text', (c) => c.notNull())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('html', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('sandbox_mail_to').on('sandbox_mail').columns(['to_address', 'id']).execute();
}
