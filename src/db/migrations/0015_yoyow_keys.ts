// YOYOW keys (modules/yoyow/keys): secp256k1 keys of apps and users, registered public keys.
import type { Kysely } from 'kysely';
import type { MigrationContext } from '../migrate.js';

export async function up(_db: Kysely<unknown>, _ctx: MigrationContext): Promise<void> {}
