// Pi payments (modules/payments): wallet keys, wallet tokens and payments.
import type { Kysely } from 'kysely';
import type { MigrationContext } from '../migrate.js';

export async function up(_db: Kysely<unknown>, _ctx: MigrationContext): Promise<void> {}
