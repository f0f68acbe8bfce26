// The WeChat sandbox's payment notifications (spec/liveuser.md §9.6, §9.7): the paid transaction encrypted with the
// merchant's APIv3 key (AES-256-GCM), wrapped in WeChat's envelope, signed with the sandbox platform key and POSTed
// to the transaction's notify_url. A delivery that does not answer 200/204 is retried on the configured schedule;
// the schedule lives in `sandbox_wechat_notifications`, so retries survive restarts. Each attempt re-encrypts and
// re-signs (fresh timestamp) under the same notification id, as WeChat does.
import { randomUUID } from 'node:crypto';
import type { FastifyBaseLogger } from 'fastify';
import type { Kysely, Selectable } from 'kysely';
import type { Clock } from '../../core/clock.js';
import type { SecretBox } from '../../core/crypto/secretbox.js';
import type { DB, SandboxWechatTransactionsTable } from '../../db/schema.js';
import { toNum } from '../../db/values.js';
import { aeadEncrypt, alnumNonce } from '../../integrations/wechat/crypto.js';
import { HttpFailure, send } from '../../integrations/wechat/http.js';
import { ensureSandboxState, merchantByMchid } from './state.js';
import { chinaTime, platformSignatureHeaders } from './wire.js';

export interface NotifierDeps {
  db: Kysely<DB>;
  box: SecretBox;
  clock: Clock;
  logger: FastifyBaseLogger;
  /** Delays before retries 1, 2, …, seconds; after the last the notification is `failed`. */
  retrySeconds: readonly number[];
}

const DELIVERY_TIMEOUT_MS = 5000;
/** A claimed delivery is not claimed again for this long (a crashed sender's claim expires). */
const CLAIM_LEASE_MS = 60_000;

type TransactionRow = Pick<
  Selectable<SandboxWechatTransactionsTable>,
  'appid' | 'mchid' | 'out_trade_no' | 'transaction_id' | 'trade_state' | 'success_time' | 'payer_openid' | 'total'
>;

/** The §9.5 transaction object (field order as WeChat Pay prints it). */
export function transactionObject(t: TransactionRow): Record<string, unknown> {
  const paid = t.trade_state === 'SUCCESS';
  const total = toNum(t.total);
  return {
    appid: t.appid,
    mchid: t.mchid,
    out_trade_no: t.out_trade_no,
    ...(paid ? { transaction_id: t.transaction_id } : {}),
    trade_type: 'JSAPI',
    trade_state: t.trade_state,
    trade_state_desc: paid ? '支付成功' : '订单未支付',
    ...(paid ? { bank_type: 'OTHERS', success_time: t.success_time } : {}),
    payer: { openid: t.payer_openid },
    amount: paid ? { total, payer_total: total, currency: 'CNY', payer_currency: 'CNY' } : { total, currency: 'CNY', payer_currency: 'CNY' },
  };
}

export interface DeliveryOutcome {
  url: string;
  /** The merchant's HTTP status; null when it could not be reached. */
  status: number | null;
  attempt: number;
}

/** Creates a notification row for a paid transaction; the caller delivers it (now or after answering). */
export async function queueNotification(db: Kysely<DB>, clock: Clock, t: { mchid: string; out_trade_no: string; notify_url: string }): Promise<number> {
  const now = clock.now();
  const row = await db
    .insertInto('sandbox_wechat_notifications')
    .values({
      notification_id: randomUUID(),
      mchid: t.mchid,
      out_trade_no: t.out_trade_no,
      url: t.notify_url,
      status: 'pending',
      attempts: 0,
      // Claimed by its creator: the retry worker leaves it alone while the first attempt runs.
      next_attempt_at: now + CLAIM_LEASE_MS,
      created_at: now,
      updated_at: now,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return toNum(row.id);
}

/** Builds and POSTs one attempt of notification `id`, then records the outcome and the next retry. */
export async function deliverNotification(deps: NotifierDeps, id: number): Promise<DeliveryOutcome> {
  const { db, box, clock } = deps;
  const n = await db.selectFrom('sandbox_wechat_notifications').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  const t = await db
    .selectFrom('sandbox_wechat_transactions')
    .selectAll()
    .where('mchid', '=', n.mchid)
    .where('out_trade_no', '=', n.out_trade_no)
    .executeTakeFirstOrThrow();
  const merchant = await merchantByMchid(db, box, n.mchid);
  const state = await ensureSandboxState(db, box, clock);
  const now = clock.now();
  const resourceNonce = alnumNonce(12);
  const body = JSON.stringify({
    id: n.notification_id,
    create_time: chinaTime(now),
    resource_type: 'encrypt-resource',
    event_type: 'TRANSACTION.SUCCESS',
    summary: '支付成功',
    resource: {
      original_type: 'transaction',
      algorithm: 'AEAD_AES_256_GCM',
      ciphertext: aeadEncrypt(merchant?.apiV3Key ?? '', resourceNonce, 'transaction', JSON.stringify(transactionObject(t))),
      associated_data: 'transaction',
      nonce: resourceNonce,
    },
  });
  // Timestamp, 32-character nonce, signature over `timestamp\nnonce\nbody\n`, platform key id (§9.6).
  const signed = platformSignatureHeaders(state, body, now);
  let status: number | null = null;
  let error: string | null = null;
  try {
    const answer = await send({
      method: 'POST',
      url: n.url,
      headers: {
        ...signed,
        'wechatpay-signature-type': 'WECHATPAY2-SHA256-RSA2048',
        'content-type': 'application/json',
        'user-agent': 'Mozilla/4.0 (Plaza WeChat Pay sandbox)',
      },
      body,
      connectTimeoutMs: DELIVERY_TIMEOUT_MS,
      totalTimeoutMs: DELIVERY_TIMEOUT_MS,
      maxBodyBytes: 64 * 1024,
    });
    status = answer.status;
  } catch (err) {
    error = err instanceof HttpFailure ? err.reason : 'network error';
  }
  const attempt = toNum(n.attempts) + 1;
  const delivered = status === 200 || status === 204;
  const delay = deps.retrySeconds[attempt - 1];
  const after = clock.now();
  await db
    .updateTable('sandbox_wechat_notifications')
    .set({
      attempts: attempt,
      status: delivered ? 'delivered' : delay === undefined ? 'failed' : 'pending',
      next_attempt_at: delivered || delay === undefined ? null : after + delay * 1000,
      last_status: status,
      last_error: error ?? (delivered ? null : `HTTP ${status}`),
      updated_at: after,
    })
    .where('id', '=', id)
    .execute();
  if (!delivered) deps.logger.info({ notification: n.notification_id, attempt, status, error }, 'wechat sandbox: notification not accepted');
  return { url: n.url, status, attempt };
}

/** Delivers every due retry once; each is claimed with a conditional update so two processes never both send. */
export async function deliverDueNotifications(deps: NotifierDeps, limit = 20): Promise<number> {
  const now = deps.clock.now();
  const due = await deps.db
    .selectFrom('sandbox_wechat_notifications')
    .select(['id', 'next_attempt_at'])
    .where('status', '=', 'pending')
    .where('next_attempt_at', '<=', now)
    .orderBy('next_attempt_at')
    .limit(limit)
    .execute();
  let sent = 0;
  for (const row of due) {
    const claimed = await deps.db
      .updateTable('sandbox_wechat_notifications')
      .set({ next_attempt_at: now + CLAIM_LEASE_MS })
      .where('id', '=', row.id)
      .where('status', '=', 'pending')
      .where('next_attempt_at', '=', row.next_attempt_at)
      .executeTakeFirst();
    if (Number(claimed.numUpdatedRows) !== 1) continue;
    await deliverNotification(deps, toNum(row.id));
    sent++;
  }
  return sent;
}

/** Runs deliverDueNotifications every `intervalMs` until stopped; stop() waits for a running pass. */
export function startNotificationRetries(deps: NotifierDeps, intervalMs = 5000): { stop(): Promise<void> } {
  let running: Promise<unknown> | null = null;
  const timer = setInterval(() => {
    running ??= deliverDueNotifications(deps)
      .catch((err: unknown) => deps.logger.warn({ err }, 'wechat sandbox: notification retry pass failed'))
      .finally(() => {
        running = null;
      });
  }, intervalMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
