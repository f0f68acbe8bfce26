// WeChat integration (integrations/wechat, sandbox/wechat): per-app WeChat configuration, sandbox state.
import type { Kysely } from 'kysely';
import type { MigrationContext } from '../migrate.js';

export async function up(_db: Kysely<unknown>, _ctx: MigrationContext): Promise<void> {}
