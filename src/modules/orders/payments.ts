// WeChat Pay for orders (spec/liveuser.md §6.5, §6.6, §7.4, §8.4–§8.8): prepay (with reuse of a recent prepay_id),
// the checks of a verified notification that concern the order (checks 10–14), and the one transition
// CREATED → PAID. The transition is a conditional update (`state = 0`), so of any number of concurrent deliveries
// (notifications, resends, the reconciliation query) exactly one wins; in the same transaction it writes the
// payment record, issues each line's credit grant from the asset's issuer (`liveuser.order_grant`) and emits
// `order.paid`. If a grant cannot be written the whole transition rolls back (the notification is answered 500 and
// WeChat retries). Outbound calls (JSAPI) never run inside a database transaction: `planPrepay` runs before it,
// `recordPrepay` inside it.
import type { Kysely, Transaction } from 'kysely';
import type { Clock } from '../../core/clock.js';
import type { SecretBox } from '../../core/crypto/secretbox.js';
import { recordAudit } from '../../core/events/audit.js';
import { emitEvent } from '../../core/events/outbox.js';
import { getUser } from '../../core/identity/users.js';
import { ensureAccount } from '../../core/ledger/accounts.js';
import { getAssetBySymbol } from '../../core/ledger/assets.js';
import { issue } from '../../core/ledger/transfers.js';
import { formatCanonical } from '../../core/money.js';
import type { DB } from '../../db/schema.js';
import { toBig, toNum } from '../../db/values.js';
import {
  getWechatConfig,
  notifyUrlFor,
  payParams,
  wechatPayConfigured,
  type PayParams,
  type WechatAppConfig,
  type WechatClient,
  type WechatTransaction,
} from '../../integrations/wechat/index.js';
import { OrderError } from './errors.js';
import { findBuyerOrder, getOrderRow, STATE_CREATED, STATE_PAID, type Buyer, type OrderRow } from './orders.js';

export const GRANT_KIND = 'liveuser.order_grant';
/** A decimal order id, as WeChat echoes it in `out_trade_no`. */
const OUT_TRADE_NO = /^[1-9][0-9]{0,15}$/;

export interface PrepayDeps {
  db: Kysely<DB>;
  box: SecretBox;
  clock: Clock;
  client: WechatClient;
  /** `<publicBaseUrl>` of the notify URL. */
  publicUrl: string;
  prepayReuseSeconds: number;
}

export interface PrepayPlan {
  order: OrderRow;
  cfg: WechatAppConfig;
  prepayId: string;
  /** A new prepay_id from WeChat (recorded by `recordPrepay`), or a recent one reused. */
  fresh: boolean;
}

/**
 * §6.5 steps 2–6, outside any transaction: the buyer's order (`orderId` null = their newest CREATED one), not PAID,
 * the app's WeChat Pay configuration, then a prepay_id younger than the reuse time or a new JSAPI prepay with the
 * same body as before. Refusals: OrderError `not_found` (`no such order` / `no unpaid order`), `already_paid`
 * (also for WeChat's ORDERPAID), `not_configured`, `invalid` (`wechat pay: <code> <message>`); WeChat's outages and
 * bad replies are thrown by the client (WechatUnavailable, WechatBadReply).
 */
export async function planPrepay(input: { buyer: Pick<Buyer, 'appId' | 'uid'>; appkey: string; orderId: number | null }, deps: PrepayDeps): Promise<PrepayPlan> {
  const order = await findBuyerOrder(deps.db, input.buyer, input.orderId);
  if (!order) throw new OrderError('not_found', input.orderId === null ? 'no unpaid order' : 'no such order');
  if (order.state === STATE_PAID) throw new OrderError('already_paid', 'order already paid');
  const cfg = await getWechatConfig(deps.db, input.buyer.appId, deps.box);
  if (!wechatPayConfigured(cfg)) throw new OrderError('not_configured', 'wechat pay not configured');
  const now = deps.clock.now();
  if (order.prepayAt !== null && now - order.prepayAt < deps.prepayReuseSeconds * 1000) {
    const recent = await deps.db
      .selectFrom('order_prepays')
      .select(['prepay_id'])
      .where('order_id', '=', order.id)
      .orderBy('id', 'desc')
      .limit(1)
      .executeTakeFirst();
    if (recent) return { order, cfg, prepayId: recent.prepay_id, fresh: false };
  }
  const answer = await deps.client.jsapiPrepay(cfg, {
    description: order.description,
    outTradeNo: String(order.id),
    notifyUrl: notifyUrlFor(cfg, deps.publicUrl, input.appkey),
    totalFen: order.pay,
    payerOpenid: order.uid,
  });
  if (!answer.ok) {
    if (answer.code === 'ORDERPAID') throw new OrderError('already_paid', 'order already paid');
    throw new OrderError('invalid', `wechat pay: ${answer.code} ${answer.message}`.trimEnd());
  }
  return { order, cfg, prepayId: answer.prepayId, fresh: true };
}

/** §6.5 step 7 in the caller's transaction: records a fresh prepay_id, then builds new client pay parameters. */
export async function recordPrepay(trx: Transaction<DB>, plan: PrepayPlan, clock: Clock): Promise<{ orderId: number; prepayId: string; payParams: PayParams }> {
  const now = clock.now();
  if (plan.fresh) {
    await trx.insertInto('order_prepays').values({ order_id: plan.order.id, prepay_id: plan.prepayId, created_at: now }).execute();
    await trx.updateTable('orders').set({ prepay_at: now }).where('id', '=', plan.order.id).execute();
  }
  return { orderId: plan.order.id, prepayId: plan.prepayId, payParams: payParams(plan.cfg, plan.prepayId, now) };
}

export type PaidOutcome = 'paid' | 'already_paid' | 'duplicate_payment';

/** One line's grant: `amount × count` from the issuer to the buyer's account (created when missing). */
async function grantLine(
  trx: Transaction<DB>,
  order: OrderRow,
  buyerUid: number,
  line: { product_id: string; count: bigint | number; grant_asset: string; grant_sub: string; grant_amount_minor: bigint | number },
  clock: Clock,
): Promise<{ product_id: string; asset: string; sub_balance: string; amount: string; txid: string }> {
  const asset = await getAssetBySymbol(trx, line.grant_asset);
  if (!asset) throw new Error(`order ${order.id}: grant asset ${line.grant_asset} is missing`);
  const account = await ensureAccount(trx, { owner: { kind: 'user', id: String(buyerUid) }, assetId: asset.id, sub: line.grant_sub }, clock);
  const amount = toBig(line.grant_amount_minor) * toBig(line.count);
  const t = await issue(
    trx,
    {
      assetId: asset.id,
      toAccountId: account.id,
      amount,
      kind: GRANT_KIND,
      memo: `liveuser:order:${order.id}:${line.product_id}`,
      metadata: { order_id: order.id, product_id: line.product_id, count: toNum(line.count) },
    },
    clock,
  );
  return { product_id: line.product_id, asset: asset.symbol, sub_balance: line.grant_sub, amount: formatCanonical(amount, asset.precision), txid: t.txid };
}

/**
 * §7.4: CREATED → PAID once. `paid`: this call made the transition (payment record, grants, `order.paid`).
 * `already_paid`: it was PAID by this same transaction id before (nothing written). `duplicate_payment`: PAID by
 * another transaction — the buyer paid twice; audited as `wechatpay.duplicate_payment` for the operator to refund.
 */
export async function markOrderPaid(
  trx: Transaction<DB>,
  input: { order: OrderRow; transaction: WechatTransaction; source: 'notification' | 'query'; notificationId: string | null; requestId?: string | null },
  clock: Clock,
): Promise<PaidOutcome> {
  const { order, transaction } = input;
  const now = clock.now();
  const payAt = transaction.successTimeMs ?? now;
  const won = await trx
    .updateTable('orders')
    .set({ state: STATE_PAID, pay_at: payAt, updated_at: now, transaction_id: transaction.transactionId })
    .where('id', '=', order.id)
    .where('state', '=', STATE_CREATED)
    .executeTakeFirst();
  if (Number(won.numUpdatedRows) !== 1) {
    const current = await getOrderRow(trx, order.id);
    if (current?.transactionId === transaction.transactionId) return 'already_paid';
    await recordAudit(
      trx,
      {
        actor: 'wechatpay',
        action: 'wechatpay.duplicate_payment',
        target: `order:${order.id}`,
        details: { order_id: order.id, paid_by: current?.transactionId ?? null, duplicate: transaction.transactionId, amount_total: transaction.amountTotal, source: input.source },
        requestId: input.requestId ?? null,
      },
      clock,
    );
    return 'duplicate_payment';
  }
  await trx
    .insertInto('order_payments')
    .values({
      order_id: order.id,
      app_id: order.appId,
      transaction_id: transaction.transactionId,
      source: input.source,
      notification_id: input.notificationId,
      success_at: payAt,
      payer_openid: transaction.payerOpenid,
      amount_total: transaction.amountTotal ?? order.pay,
      transaction_json: JSON.stringify(transaction.raw),
      created_at: now,
    })
    .execute();
  const buyer = await getUser(trx, order.userId);
  if (!buyer) throw new Error(`order ${order.id}: buyer ${order.userId} is missing`);
  const lines = await trx.selectFrom('order_lines').selectAll().where('order_id', '=', order.id).orderBy('product_id').execute();
  const grants = [];
  for (const line of lines) {
    if (line.grant_asset === null || line.grant_sub === null || line.grant_amount_minor === null) continue;
    grants.push(await grantLine(trx, order, buyer.uid, { ...line, grant_asset: line.grant_asset, grant_sub: line.grant_sub, grant_amount_minor: line.grant_amount_minor }, clock));
  }
  await emitEvent(
    trx,
    {
      appId: order.appId,
      type: 'order.paid',
      payload: { order_id: order.id, uid: order.uid, pay: order.pay, pay_at: payAt, transaction_id: transaction.transactionId, source: input.source, grants },
    },
    clock,
  );
  return 'paid';
}

/** The answer to a notification: 204, or `{"code":"FAIL","message"}` with the status. */
export type NotificationOutcome = { status: 204 } | { status: 400 | 404; message: string };

async function recordNotification(
  trx: Transaction<DB>,
  input: { appId: number; notificationId: string; eventType: string; transaction: WechatTransaction | null },
  outcome: string,
  clock: Clock,
): Promise<void> {
  await trx
    .insertInto('wechat_notifications')
    .values({
      app_id: input.appId,
      notification_id: input.notificationId,
      event_type: input.eventType,
      out_trade_no: input.transaction?.outTradeNo ?? '',
      transaction_id: input.transaction?.transactionId ?? '',
      outcome,
      received_at: clock.now(),
    })
    .execute();
}

/** An event other than TRANSACTION.SUCCESS (§6.6 check 7): recorded, nothing else changes. */
export async function recordIgnoredNotification(trx: Transaction<DB>, input: { appId: number; notificationId: string; eventType: string }, clock: Clock): Promise<void> {
  await recordNotification(trx, { ...input, transaction: null }, 'ignored', clock);
}

/** Whether a transaction WeChat reports is exactly this order's payment (§6.6 check 12, §8.8). */
function matchesOrder(order: OrderRow, t: WechatTransaction): boolean {
  return t.payerOpenid === order.uid && t.amountTotal === order.pay && t.currency === 'CNY';
}

/**
 * §6.6 checks 10–14 for a notification whose signature verified and whose resource decrypted, in the caller's
 * transaction; the notification is recorded with its outcome. A storage failure throws (the caller answers 500).
 */
export async function applyNotification(
  trx: Transaction<DB>,
  input: { appId: number; cfg: WechatAppConfig; notificationId: string; eventType: string; transaction: WechatTransaction; requestId?: string | null },
  clock: Clock,
): Promise<NotificationOutcome> {
  const { transaction: t } = input;
  const refuse = async (status: 400 | 404, message: string, outcome: string): Promise<NotificationOutcome> => {
    await recordNotification(trx, input, outcome, clock);
    return { status, message };
  };
  if (t.appid !== input.cfg.appid || t.mchid !== input.cfg.mchid) return refuse(400, 'merchant mismatch', 'merchant_mismatch');
  const order = OUT_TRADE_NO.test(t.outTradeNo) ? await getOrderRow(trx, Number(t.outTradeNo)) : null;
  if (!order || order.appId !== input.appId) return refuse(404, 'order not found', 'order_not_found');
  if (!matchesOrder(order, t)) {
    await recordAudit(
      trx,
      {
        actor: 'wechatpay',
        action: 'wechatpay.payment_mismatch',
        target: `order:${order.id}`,
        details: { order_id: order.id, notification_id: input.notificationId, payer: t.payerOpenid, amount_total: t.amountTotal, currency: t.currency },
        requestId: input.requestId ?? null,
      },
      clock,
    );
    return refuse(400, 'payment mismatch', 'payment_mismatch');
  }
  if (t.tradeState !== 'SUCCESS') {
    await recordNotification(trx, input, `trade_state_${t.tradeState.toLowerCase() || 'missing'}`, clock);
    return { status: 204 };
  }
  const outcome = await markOrderPaid(trx, { order, transaction: t, source: 'notification', notificationId: input.notificationId, requestId: input.requestId ?? null }, clock);
  await recordNotification(trx, input, outcome, clock);
  return { status: 204 };
}

/**
 * §8.8 for one order, in the caller's transaction: a SUCCESS answer of the order query that matches the app's
 * merchant and the order (openid, amount) makes the same transition as a notification; anything else changes nothing.
 */
export async function applyQueriedTransaction(trx: Transaction<DB>, input: { orderId: number; cfg: WechatAppConfig; transaction: WechatTransaction }, clock: Clock): Promise<PaidOutcome | 'no_change'> {
  const { transaction: t } = input;
  const order = await getOrderRow(trx, input.orderId);
  if (!order || order.state !== STATE_CREATED) return 'no_change';
  if (t.tradeState !== 'SUCCESS' || t.appid !== input.cfg.appid || t.mchid !== input.cfg.mchid || t.outTradeNo !== String(order.id) || !matchesOrder(order, t)) {
    return 'no_change';
  }
  return markOrderPaid(trx, { order, transaction: t, source: 'query', notificationId: null }, clock);
}

/** How the app's configuration reads for a notification (§6.6 check 1). */
export async function notificationConfig(db: Kysely<DB>, appId: number, box: SecretBox): Promise<WechatAppConfig | null> {
  const cfg = await getWechatConfig(db, appId, box);
  return wechatPayConfigured(cfg) ? cfg : null;
}
