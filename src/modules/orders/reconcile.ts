// Reconciliation (spec/liveuser.md §8.8): notifications can be lost, so CREATED orders whose newest prepay_id was
// issued between 5 minutes and 24 hours ago are looked up with WeChat Pay's order query; a matching SUCCESS makes
// the same transition as a notification (payments.ts). The query runs outside any transaction; each order's
// transition runs in a transaction of its own, so one failure (logged) never holds back the others.
import type { FastifyBaseLogger } from 'fastify';
import type { Kysely } from 'kysely';
import type { Clock } from '../../core/clock.js';
import type { SecretBox } from '../../core/crypto/secretbox.js';
import type { DB } from '../../db/schema.js';
import { toNum } from '../../db/values.js';
import { getWechatConfig, wechatPayConfigured, type WechatAppConfig, type WechatClient } from '../../integrations/wechat/index.js';
import { STATE_CREATED } from './orders.js';
import { applyQueriedTransaction } from './payments.js';

export const RECONCILE_MIN_AGE_MS = 5 * 60_000;
export const RECONCILE_MAX_AGE_MS = 24 * 3600_000;
const BATCH = 100;
/** Bound on one run: the rest waits for the next interval. */
const MAX_PER_RUN = 1000;

export interface ReconcileDeps {
  db: Kysely<DB>;
  box: SecretBox;
  clock: Clock;
  client: WechatClient;
  logger?: Pick<FastifyBaseLogger, 'warn' | 'info'>;
}

export interface ReconcileReport {
  checked: number;
  paid: number;
}

/** One pass over the orders due for a query, oldest id first. */
export async function reconcileOrders(deps: ReconcileDeps): Promise<ReconcileReport> {
  const now = deps.clock.now();
  const configs = new Map<number, WechatAppConfig | null>();
  const report: ReconcileReport = { checked: 0, paid: 0 };
  let afterId = 0;
  while (report.checked < MAX_PER_RUN) {
    const due = await deps.db
      .selectFrom('orders')
      .select(['id', 'app_id'])
      .where('state', '=', STATE_CREATED)
      .where('prepay_at', '<=', now - RECONCILE_MIN_AGE_MS)
      .where('prepay_at', '>=', now - RECONCILE_MAX_AGE_MS)
      .where('id', '>', afterId)
      .orderBy('id', 'asc')
      .limit(BATCH)
      .execute();
    for (const row of due) {
      const orderId = toNum(row.id);
      const appId = toNum(row.app_id);
      afterId = orderId;
      report.checked += 1;
      if (!configs.has(appId)) configs.set(appId, await getWechatConfig(deps.db, appId, deps.box));
      const cfg = configs.get(appId) ?? null;
      if (!wechatPayConfigured(cfg)) continue;
      try {
        const answer = await deps.client.queryOrder(cfg, String(orderId));
        if (!answer.ok) continue;
        const outcome = await deps.db.transaction().execute((trx) => applyQueriedTransaction(trx, { orderId, cfg, transaction: answer.transaction }, deps.clock));
        if (outcome === 'paid') {
          report.paid += 1;
          deps.logger?.info({ orderId }, 'reconciliation: order paid without a notification');
        }
      } catch (err) {
        deps.logger?.warn({ err, orderId }, 'reconciliation: order query failed');
      }
    }
    if (due.length < BATCH) break;
  }
  return report;
}
