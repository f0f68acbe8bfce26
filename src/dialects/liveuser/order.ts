// Order.Create and Order.List (spec/liveuser.md §6.7, §6.8): wire format only. Lines are read field by field; a
// field that cannot be read (wrong type, not an int32) is handed to modules/orders as `Unreadable`, so it is
// reported at its place in the contract's check order (after `no product`, after the earlier lines' checks).
import type { Transaction } from 'kysely';
import type { DB } from '../../db/schema.js';
import { JsonNumber, type JsonObject } from '../../http/body.js';
import type { WireResponse } from '../../http/idempotency.js';
import { createOrder, listOrders } from '../../modules/orders/orders.js';
import type { RequestedLine, Unreadable } from '../../modules/orders/rules.js';
import { LiveuserRefusal, badRequest } from './errors.js';
import { field, readInt32, readString, readUint64 } from './parse.js';
import { sessionOf, type LiveuserContext } from './pipeline.js';
import { ok, orderRecord } from './render.js';

function attempt<T>(read: () => T): T | Unreadable {
  try {
    return read();
  } catch (err) {
    if (err instanceof LiveuserRefusal) return { problem: err.detail };
    throw err;
  }
}

function readLine(item: unknown, index: number): RequestedLine {
  if (typeof item !== 'object' || item === null || Array.isArray(item) || item instanceof JsonNumber) {
    return { productId: { problem: `products[${index}] must be an object` }, count: 0 };
  }
  const line = item as JsonObject;
  return {
    productId: attempt(() => readString(line, 'product_id', `products[${index}].product_id`)),
    count: attempt(() => readInt32(line, 'count', `products[${index}].count`)),
  };
}

export async function orderCreate(ctx: LiveuserContext, trx: Transaction<DB>): Promise<WireResponse> {
  const s = sessionOf(ctx);
  const products = field(ctx.body, 'products');
  if (products !== undefined && products !== null && !Array.isArray(products)) throw badRequest('products must be an array');
  const lines = ((products as unknown[] | null | undefined) ?? []).map(readLine);
  const ids = await ctx.deps.ids();
  const order = await createOrder(trx, { buyer: { appId: s.app.id, userId: s.user.id, uid: s.uid }, appkey: s.app.appkey, lines }, { clock: ctx.services.clock, ids });
  return ok({ order: orderRecord(order) });
}

export async function orderList(ctx: LiveuserContext, trx: Transaction<DB>): Promise<WireResponse> {
  const s = sessionOf(ctx);
  const cursor = readUint64(ctx.body, 'cursor');
  const page = await listOrders(trx, { appId: s.app.id, uid: s.uid }, cursor);
  return ok({ orders: page.orders.map(orderRecord), cursor: page.cursor });
}
