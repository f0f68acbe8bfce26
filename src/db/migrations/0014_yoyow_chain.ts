// YOYOW chain state (modules/yoyow): account state, csaf, consents, operation records and their object ids.
import type { Kysely } from 'kysely';
import type { MigrationContext } from '../migrate.js';

export async function up(_db: Kysely<unknown>, _ctx: MigrationContext): Promise<void> {}
