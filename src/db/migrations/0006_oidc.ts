// The OpenID Connect provider's state (src/oidc/adapter.ts): authorization codes, access and refresh tokens,
// sessions, interactions and grants of oidc-provider, one row per (model, id) with the library's payload as JSON
// text. The secondary columns are the lookups the library asks for (by grant, by user code, by session uid) and the
// expiry every read checks; rows past `expires_at` are dead even before a purge deletes them.
import type { Kysely } from 'kysely';
import type { MigrationContext } from '../migrate.js';

export async function up(db: Kysely<unknown>, _ctx: MigrationContext): Promise<void> {
  await db.schema
    .createTable('oidc_payloads')
    .addColumn('model', 'text', (c) => c.notNull())
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('grant_id', 'text')
    .addColumn('user_code', 'text')
    .addColumn('uid', 'text')
    /** Epoch milliseconds; null = no expiry. */
    .addColumn('expires_at', 'bigint')
    /** Epoch milliseconds of the single use (authorization codes, rotated refresh tokens). */
    .addColumn('consumed_at', 'bigint')
    .addPrimaryKeyConstraint('oidc_payloads_pk', ['model', 'id'])
    .execute();
  await db.schema.createIndex('oidc_payloads_grant').on('oidc_payloads').columns(['model', 'grant_id']).execute();
  await db.schema.createIndex('oidc_payloads_user_code').on('oidc_payloads').columns(['model', 'user_code']).execute();
  await db.schema.createIndex('oidc_payloads_uid').on('oidc_payloads').columns(['model', 'uid']).execute();
  await db.schema.createIndex('oidc_payloads_expires').on('oidc_payloads').column('expires_at').execute();
}
