// Orders and their lines (spec/liveuser.md §5, §6.7, §6.8, §7.4, §7.5): Order.Create copies each line from the
// product's current snapshot and inserts the order (CREATED) with its lines and the `order.created` event in the
// caller's transaction; Order.List pages the buyer's live orders newest first, ten at a time. Every read is bound to
// the buyer (app, uid): another buyer's order id behaves exactly like one that does not exist.
import type { Transaction } from 'kysely';
import type { Clock } from '../../core/clock.js';
import { emitEvent } from '../../core/events/outbox.js';
import { getAssetBySymbol } from '../../core/ledger/assets.js';
import type { Db } from '../../core/ledger/rows.js';
import { parseDecimal } from '../../core/money.js';
import type { DB } from '../../db/schema.js';
import { toNum, toNumOrNull } from '../../db/values.js';
import { orderDescription } from '../../integrations/wechat/index.js';
import { invalid } from './errors.js';
import type { IdGenerator } from './ids.js';
import { orderableProducts } from './products.js';
import { checkOrderLines, compareProductIds, orderAmount, type OrderLineRequest, type RequestedLine } from './rules.js';

export const ORDER_PAGE_SIZE = 10;
export const STATE_CREATED = 0;
export const STATE_PAID = 1;

export interface OrderLineView {
  orderId: number;
  productId: string;
  name: string;
  price: number;
  count: number;
  productSnapshot: number;
  detail: string;
}

export interface OrderView {
  id: number;
  uid: string;
  state: 0 | 1;
  amount: number;
  discount: number;
  pay: number;
  payAt: number;
  /** Sorted by product id (code points). */
  products: OrderLineView[];
  createdAt: number;
  updatedAt: number;
  deletedAt: number;
}

/** The buyer an order belongs to: the app, the Plaza user and their openid under the app's WeChat appid. */
export interface Buyer {
  appId: number;
  userId: number;
  uid: string;
}

export interface OrderDeps {
  clock: Clock;
  ids: IdGenerator;
}

/** An order row as the payment code needs it. */
export interface OrderRow {
  id: number;
  appId: number;
  userId: number;
  uid: string;
  state: 0 | 1;
  pay: number;
  description: string;
  transactionId: string | null;
  prepayAt: number | null;
  deletedAt: number;
}

type Row = {
  id: bigint | number;
  app_id: bigint | number;
  user_id: bigint | number;
  uid: string;
  state: bigint | number;
  amount: bigint | number;
  discount: bigint | number;
  pay: bigint | number;
  description: string;
  pay_at: bigint | number;
  created_at: bigint | number;
  updated_at: bigint | number;
  deleted_at: bigint | number;
  transaction_id: string | null;
  prepay_at: bigint | number | null;
};

function toOrderRow(r: Row): OrderRow {
  return {
    id: toNum(r.id),
    appId: toNum(r.app_id),
    userId: toNum(r.user_id),
    uid: r.uid,
    state: toNum(r.state) === STATE_PAID ? 1 : 0,
    pay: toNum(r.pay),
    description: r.description,
    transactionId: r.transaction_id,
    prepayAt: toNumOrNull(r.prepay_at),
    deletedAt: toNum(r.deleted_at),
  };
}

async function linesOf(db: Db, orderIds: readonly number[]): Promise<Map<number, OrderLineView[]>> {
  const out = new Map<number, OrderLineView[]>(orderIds.map((id) => [id, []]));
  if (orderIds.length === 0) return out;
  const rows = await db.selectFrom('order_lines').selectAll().where('order_id', 'in', [...orderIds]).execute();
  for (const r of rows) {
    out.get(toNum(r.order_id))?.push({
      orderId: toNum(r.order_id),
      productId: r.product_id,
      name: r.name,
      price: toNum(r.price),
      count: toNum(r.count),
      productSnapshot: toNum(r.snapshot_id),
      detail: r.detail,
    });
  }
  for (const lines of out.values()) lines.sort((a, b) => compareProductIds(a.productId, b.productId));
  return out;
}

function toView(r: Row, lines: OrderLineView[]): OrderView {
  return {
    id: toNum(r.id),
    uid: r.uid,
    state: toNum(r.state) === STATE_PAID ? 1 : 0,
    amount: toNum(r.amount),
    discount: toNum(r.discount),
    pay: toNum(r.pay),
    payAt: toNum(r.pay_at),
    products: lines,
    createdAt: toNum(r.created_at),
    updatedAt: toNum(r.updated_at),
    deletedAt: toNum(r.deleted_at),
  };
}

/** One order with its lines (any buyer: console and payment code). */
export async function getOrderView(db: Db, orderId: number): Promise<OrderView | null> {
  const r = await db.selectFrom('orders').selectAll().where('id', '=', orderId).executeTakeFirst();
  if (!r) return null;
  return toView(r, (await linesOf(db, [orderId])).get(orderId) ?? []);
}

export async function getOrderRow(db: Db, orderId: number): Promise<OrderRow | null> {
  if (!Number.isSafeInteger(orderId)) return null;
  const r = await db.selectFrom('orders').selectAll().where('id', '=', orderId).executeTakeFirst();
  return r ? toOrderRow(r) : null;
}

/**
 * The buyer's live (not soft-deleted) order `orderId`, or — `orderId` null — their newest one in state CREATED.
 * Null when there is none: another buyer's order is never returned.
 */
export async function findBuyerOrder(db: Db, buyer: Pick<Buyer, 'appId' | 'uid'>, orderId: number | null): Promise<OrderRow | null> {
  let q = db.selectFrom('orders').selectAll().where('app_id', '=', buyer.appId).where('uid', '=', buyer.uid).where('deleted_at', '=', 0);
  if (orderId !== null) {
    if (!Number.isSafeInteger(orderId)) return null;
    q = q.where('id', '=', orderId);
  } else q = q.where('state', '=', STATE_CREATED).orderBy('id', 'desc').limit(1);
  const r = await q.executeTakeFirst();
  return r ? toOrderRow(r) : null;
}

interface PricedLine {
  productId: string;
  name: string;
  price: number;
  count: number;
  snapshotId: number;
  detail: string;
  grant: { asset: string; sub: string; amountMinor: bigint } | null;
}

/** Steps 5–6: each merged line gets its product's current snapshot; the first unknown or deleted id is refused. */
async function priceLines(trx: Transaction<DB>, appId: number, merged: readonly OrderLineRequest[]): Promise<PricedLine[]> {
  const products = await orderableProducts(trx, appId, merged.map((l) => l.productId));
  const out: PricedLine[] = [];
  for (const line of merged) {
    const p = products.get(line.productId);
    if (!p) throw invalid(`unknown product: ${line.productId}`);
    let grant: PricedLine['grant'] = null;
    if (p.grant !== null) {
      const asset = await getAssetBySymbol(trx, p.grant.asset);
      const minor = asset ? parseDecimal(p.grant.amount, asset.precision) : null;
      if (typeof minor !== 'bigint') throw new Error(`product ${p.productId} grants ${p.grant.asset}, which cannot be read`);
      grant = { asset: p.grant.asset, sub: p.grant.subBalance, amountMinor: minor };
    }
    out.push({ productId: p.productId, name: p.name, price: p.priceCent, count: line.count, snapshotId: p.snapshotId, detail: p.detail, grant });
  }
  return out.sort((a, b) => compareProductIds(a.productId, b.productId));
}

/**
 * Order.Create (§6.7) in the caller's transaction: line rules (rules.ts), current snapshots, total, then the order
 * (CREATED, `created_at` now, the other times 0), its lines and `order.created`.
 */
export async function createOrder(trx: Transaction<DB>, input: { buyer: Buyer; appkey: string; lines: readonly RequestedLine[] }, deps: OrderDeps): Promise<OrderView> {
  const merged = checkOrderLines(input.lines);
  const priced = await priceLines(trx, input.buyer.appId, merged);
  const amount = orderAmount(priced);
  const id = await deps.ids.next();
  const now = deps.clock.now();
  const { buyer } = input;
  // §8.4: the JSAPI description, fixed at creation so every prepay of this order sends the same body.
  const description = orderDescription(priced.map((l) => l.name));
  await trx
    .insertInto('orders')
    .values({
      id,
      app_id: buyer.appId,
      user_id: buyer.userId,
      uid: buyer.uid,
      state: STATE_CREATED,
      amount,
      discount: 0,
      pay: amount,
      description,
      pay_at: 0,
      created_at: now,
      updated_at: 0,
      deleted_at: 0,
      transaction_id: null,
      prepay_at: null,
    })
    .execute();
  await trx
    .insertInto('order_lines')
    .values(
      priced.map((l) => ({
        order_id: id,
        product_id: l.productId,
        name: l.name,
        price: l.price,
        count: l.count,
        snapshot_id: l.snapshotId,
        detail: l.detail,
        grant_asset: l.grant?.asset ?? null,
        grant_sub: l.grant?.sub ?? null,
        grant_amount_minor: l.grant?.amountMinor ?? null,
      })),
    )
    .execute();
  await emitEvent(
    trx,
    {
      appId: buyer.appId,
      type: 'order.created',
      payload: {
        order_id: id,
        app: input.appkey,
        uid: buyer.uid,
        amount,
        pay: amount,
        products: priced.map((l) => ({ product_id: l.productId, count: l.count, price: l.price, product_snapshot: l.snapshotId })),
        created_at: now,
      },
    },
    deps.clock,
  );
  return (await getOrderView(trx, id))!;
}

/**
 * Order.List (§7.5): the buyer's live orders with `id < cursor` (0 = no bound), newest first, ORDER_PAGE_SIZE at a
 * time; the next cursor is the last id of a full page, else 0. A cursor beyond every possible id is no bound either.
 */
export async function listOrders(db: Db, buyer: Pick<Buyer, 'appId' | 'uid'>, cursor: bigint): Promise<{ orders: OrderView[]; cursor: number }> {
  let q = db.selectFrom('orders').selectAll().where('app_id', '=', buyer.appId).where('uid', '=', buyer.uid).where('deleted_at', '=', 0);
  // Ids stay below 2^53: a larger cursor bounds nothing (and could not be bound as a PostgreSQL bigint above 2^63).
  if (cursor > 0n && cursor <= BigInt(Number.MAX_SAFE_INTEGER)) q = q.where('id', '<', Number(cursor));
  const rows = await q.orderBy('id', 'desc').limit(ORDER_PAGE_SIZE).execute();
  const lines = await linesOf(db, rows.map((r) => toNum(r.id)));
  const orders = rows.map((r) => toView(r, lines.get(toNum(r.id)) ?? []));
  return { orders, cursor: orders.length === ORDER_PAGE_SIZE ? orders[orders.length - 1]!.id : 0 };
}

/** Most orders one page of `listAppOrders` returns. */
export const MAX_APP_ORDER_PAGE = 200;

/**
 * The console's view of one app's orders (the developer console and the admin API): every buyer's, soft-deleted
 * included (flagged by `deletedAt`), newest first, with `id < before` (exclusive cursor), optionally one state or one
 * buyer uid. Bound to `appId`: another app's orders never appear.
 */
export async function listAppOrders(
  db: Db,
  appId: number,
  filter: { state?: 0 | 1; uid?: string; before?: number; limit: number },
): Promise<OrderView[]> {
  let q = db.selectFrom('orders').selectAll().where('app_id', '=', appId);
  if (filter.state !== undefined) q = q.where('state', '=', filter.state);
  if (filter.uid !== undefined) q = q.where('uid', '=', filter.uid);
  if (filter.before !== undefined) q = q.where('id', '<', filter.before);
  const limit = Math.max(1, Math.min(MAX_APP_ORDER_PAGE, Math.floor(filter.limit)));
  const rows = await q.orderBy('id', 'desc').limit(limit).execute();
  const lines = await linesOf(db, rows.map((r) => toNum(r.id)));
  return rows.map((r) => toView(r, lines.get(toNum(r.id)) ?? []));
}
