// The console's read of one app's paid content: every resource of the app, enabled or not (the dialect lists only
// enabled ones), by descending id with an exclusive cursor, optionally one author or one enabled state.
import type { Db } from './repository.js';
import { contentFromRow, type Content } from './repository.js';

/** Most resources one page returns. */
export const MAX_APP_CONTENT_PAGE = 200;

export async function listAppContent(db: Db, appId: number, filter: { author?: string; enabled?: boolean; before?: number; limit: number }): Promise<Content[]> {
  let q = db.selectFrom('content').selectAll().where('app_id', '=', appId);
  if (filter.author !== undefined) q = q.where('author', '=', filter.author);
  if (filter.enabled !== undefined) q = q.where('enabled', '=', filter.enabled ? 1 : 0);
  if (filter.before !== undefined) q = q.where('id', '<', filter.before);
  const limit = Math.max(1, Math.min(MAX_APP_CONTENT_PAGE, Math.floor(filter.limit)));
  const rows = await q.orderBy('id', 'desc').limit(limit).execute();
  return rows.map(contentFromRow);
}
