// Reads of modules/ads: slots and orders by their numbers, the §4.21/§4.22 listings, and accounts named by uid or
// by their §5.1 name (`/advertising/buy` and `/advertising/ransom` accept either).
import { getUserByUsername } from '../../core/identity/users.js';
import { toBig, toNum } from '../../db/values.js';
import { nameOf, resolveAccount, type Db, type YoyowAccountRef } from '../yoyow/index.js';
import type { AccountSpec, AdView, OrderStatus, OrderView } from './types.js';

type AdRow = {
  instance: bigint | number;
  aid: bigint | number;
  platform_uid: bigint | number;
  on_sell: number;
  unit_time: bigint | number;
  unit_price: bigint | number;
  description: string;
  last_order_sequence: bigint | number;
  publish_time: bigint | number;
  last_update_time: bigint | number;
};

const AD_COLUMNS = ['instance', 'aid', 'platform_uid', 'on_sell', 'unit_time', 'unit_price', 'description', 'last_order_sequence', 'publish_time', 'last_update_time'] as const;

function toAd(r: AdRow): AdView {
  return {
    instance: toNum(r.instance),
    aid: toNum(r.aid),
    platformUid: toNum(r.platform_uid),
    onSell: toNum(r.on_sell) === 1,
    unitTime: toBig(r.unit_time),
    unitPrice: toBig(r.unit_price),
    description: r.description,
    lastOrderSequence: toNum(r.last_order_sequence),
    publishTime: toNum(r.publish_time),
    lastUpdateTime: toNum(r.last_update_time),
  };
}

type OrderRow = {
  instance: bigint | number;
  oid: bigint | number;
  platform_uid: bigint | number;
  aid: bigint | number;
  buyer_uid: bigint | number;
  price: bigint | number;
  buy_number: bigint | number;
  start_time: bigint | number;
  end_time: bigint | number;
  buy_request_time: bigint | number;
  status: OrderStatus;
  handle_time: bigint | number | null;
  memo: string | null;
  extra_data: string;
};

const ORDER_COLUMNS = ['instance', 'oid', 'platform_uid', 'aid', 'buyer_uid', 'price', 'buy_number', 'start_time', 'end_time', 'buy_request_time', 'status', 'handle_time', 'memo', 'extra_data'] as const;

function toOrder(r: OrderRow): OrderView {
  return {
    instance: toNum(r.instance),
    oid: toNum(r.oid),
    platformUid: toNum(r.platform_uid),
    aid: toNum(r.aid),
    buyerUid: toNum(r.buyer_uid),
    price: toBig(r.price),
    buyNumber: toBig(r.buy_number),
    startTime: toNum(r.start_time),
    endTime: toNum(r.end_time),
    buyRequestTime: toNum(r.buy_request_time),
    status: r.status,
    handleTime: r.handle_time === null ? null : toNum(r.handle_time),
    memo: r.memo === null ? null : (JSON.parse(r.memo) as Record<string, unknown>),
    extraData: r.extra_data,
  };
}

export async function findAd(db: Db, platformUid: number, aid: number): Promise<AdView | null> {
  const r = await db.selectFrom('yoyow_ads').select(AD_COLUMNS).where('platform_uid', '=', platformUid).where('aid', '=', aid).executeTakeFirst();
  return r ? toAd(r) : null;
}

export async function findOrder(db: Db, platformUid: number, aid: number, oid: number): Promise<OrderView | null> {
  const r = await db
    .selectFrom('yoyow_ad_orders')
    .select(ORDER_COLUMNS)
    .where('platform_uid', '=', platformUid)
    .where('aid', '=', aid)
    .where('oid', '=', oid)
    .executeTakeFirst();
  return r ? toOrder(r) : null;
}

/** §4.21: a platform's slots, ascending aid, from `aid ≥ fromAid` and `instance ≥ fromInstance`. */
export async function listAds(db: Db, q: { platformUid: number; fromAid: number; fromInstance: number; limit: number }): Promise<AdView[]> {
  const rows = await db
    .selectFrom('yoyow_ads')
    .select(AD_COLUMNS)
    .where('platform_uid', '=', q.platformUid)
    .where('aid', '>=', q.fromAid)
    .where('instance', '>=', q.fromInstance)
    .orderBy('aid')
    .limit(q.limit)
    .execute();
  return rows.map(toAd);
}

export type OrderQuery =
  | { by: 'purchaser'; buyerUid: number; fromInstance: number; limit: number }
  | { by: 'advertising'; platformUid: number; aid: number; fromOid: number; limit: number };

/** §4.22: a purchaser's orders by ascending id, or a slot's by ascending oid. */
export async function listOrders(db: Db, q: OrderQuery): Promise<OrderView[]> {
  let query = db.selectFrom('yoyow_ad_orders').select(ORDER_COLUMNS);
  query =
    q.by === 'purchaser'
      ? query.where('buyer_uid', '=', q.buyerUid).where('instance', '>=', q.fromInstance).orderBy('instance')
      : query.where('platform_uid', '=', q.platformUid).where('aid', '=', q.aid).where('oid', '>=', q.fromOid).orderBy('oid');
  return (await query.limit(q.limit).execute()).map(toOrder);
}

const YOYO_NAME = /^yoyo([0-9]{1,16})$/;

/**
 * An account by uid, or by its §5.1 name: `yoyo<uid>` when that is the account's name, else a global user's
 * username (the name rule makes it lowercase). null = no such account (2001).
 */
export async function resolveAccountSpec(db: Db, spec: AccountSpec): Promise<YoyowAccountRef | null> {
  if ('uid' in spec) return resolveAccount(db, spec.uid);
  const m = YOYO_NAME.exec(spec.name);
  if (m) {
    const ref = await resolveAccount(db, Number(m[1]));
    if (ref && nameOf(ref) === spec.name) return ref;
  }
  // Otherwise a global user's username (the §5.1 name is the username itself when it fits).
  const user = await getUserByUsername(db, spec.name);
  if (!user) return null;
  const ref = await resolveAccount(db, user.uid);
  return ref && nameOf(ref) === spec.name ? ref : null;
}
