// YOYOW secure requests (dialects/yoyow): accepted-ciphertext replay keys.
import type { Kysely } from 'kysely';
import type { MigrationContext } from '../migrate.js';

export async function up(_db: Kysely<unknown>, _ctx: MigrationContext): Promise<void> {}
