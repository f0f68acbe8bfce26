// YOYOW posts (modules/posts): licences, posts, scores.
import type { Kysely } from 'kysely';
import type { MigrationContext } from '../migrate.js';

export async function up(_db: Kysely<unknown>, _ctx: MigrationContext): Promise<void> {}
