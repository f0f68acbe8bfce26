// Advertising (spec/yoyow.md §4.16–§4.22): create / update a slot, buy, confirm, ransom (secure writes) and the
// slot and order listings (public reads). Stages A (shape, in each table's field order) and B (uid checksums) are
// here; stages C–F are the module's (modules/ads). Echoes carry exactly the fields §4 lists, in its key order.
import { adsDeps, buyAdvertising, confirmAdvertising, createAdvertising, listAds, listOrders, ransomAdvertising, updateAdvertising, type AccountSpec, type AdView, type OrderView } from '../../../modules/ads/index.js';
import { INT64_MAX, resolveAccount } from '../../../modules/yoyow/index.js';
import { YoyowRefusal, invalidParameter, missingParameter } from '../errors.js';
import { optional, parseBigInteger, parseBool, parseInteger, parseObjectId, parseString, parseUid, required } from '../parse.js';
import { platformParam, readRoute, secureRoute, type YoyowReadContext, type YoyowWriteContext } from '../pipeline.js';
import { chainInt, chainTime, renderUid, TIME_NOT_SET } from '../render.js';
import { JsonNumber } from '../../../http/body.js';
import { MAX_MEMO_BYTES } from './transfer.js';

const MAX_DESCRIPTION_BYTES = 4096;
const MAX_EXTRA_DATA_BYTES = 8192;
const MAX_ID = Number.MAX_SAFE_INTEGER;
const UINT32_MAX = 4294967295;
/** §4.18: a numeric `start_time` at or above this is in ms. */
const MS_THRESHOLD = 100_000_000_000n;

const fee = (amount: bigint) => ({ total: { amount: chainInt(amount), asset_id: 0 } });

/** The decimal text of a JSON number or digit string, else null. */
function digitsOf(v: unknown): string | null {
  const t = v instanceof JsonNumber ? v.text : typeof v === 'string' ? v : null;
  return t !== null && /^[0-9]+$/.test(t) ? t : null;
}

/** Stage A for an account given by uid or name: the uid's digits (checksum in stage B) or a non-empty name. */
function accountField(v: unknown, name: string): { digits: string } | { name: string } {
  const digits = digitsOf(v);
  if (digits !== null) return { digits };
  if (typeof v === 'string' && v.length > 0 && v.length <= 64) return { name: v };
  throw invalidParameter(name);
}

function accountSpec(f: { digits: string } | { name: string }, name: string): AccountSpec {
  return 'digits' in f ? { uid: parseUid(f.digits, name) } : { name: f.name };
}

/** Stage A: the platform's uid text as given (checksum in stage B), defaulting to the app. */
function platformField(ctx: YoyowWriteContext): unknown {
  return optional(ctx.payload, 'platform');
}

function platformUid(ctx: YoyowWriteContext, value: unknown): number {
  return value === undefined ? ctx.app.id : parseUid(value, 'platform');
}

/**
 * `start_time` (§4.18): unix seconds, ms (values ≥ 10^11), or a timestamp text `YYYY-MM-DDTHH:MM:SS` (UTC; a
 * fraction and a `Z` are tolerated). Returns whole seconds (ms are floored).
 */
export function parseStartTime(v: unknown): number {
  if (v === undefined || v === null) throw missingParameter('start_time');
  const digits = digitsOf(v);
  if (digits !== null) {
    const n = BigInt(digits);
    if (n > BigInt(Number.MAX_SAFE_INTEGER)) throw invalidParameter('start_time');
    return Number(n >= MS_THRESHOLD ? n / 1000n : n);
  }
  if (typeof v === 'string' && /^[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,3})?Z?$/.test(v)) {
    const ms = Date.parse(`${v.replace(' ', 'T').replace(/Z$/, '')}Z`);
    if (Number.isFinite(ms) && ms >= 0) return Math.floor(ms / 1000);
  }
  throw invalidParameter('start_time');
}

// ---- POST /api/v2/advertisings (§4.16) ----

async function createHandler(ctx: YoyowWriteContext): Promise<unknown> {
  const p = ctx.payload;
  const platformValue = platformField(ctx);
  const descValue = optional(p, 'description');
  const description = descValue === undefined ? '' : parseString(descValue, 'description', { maxBytes: MAX_DESCRIPTION_BYTES });
  const unitPrice = parseBigInteger(required(p, 'unit_price'), 'unit_price', 1n, INT64_MAX);
  const unitTime = parseInteger(required(p, 'unit_time'), 'unit_time', 1, UINT32_MAX);
  const platform = platformUid(ctx, platformValue);
  const r = await createAdvertising(ctx.db, ctx.app, { platformUid: platform, description, unitPrice, unitTime }, adsDeps(ctx.services));
  return {
    block_num: r.block_num,
    txid: r.txid,
    advertising: { platform: renderUid(platform), description, unit_price: chainInt(unitPrice), unit_time: unitTime, advertising_aid: r.aid, fee: fee(r.fee) },
  };
}

// ---- POST /api/v2/advertising/update (§4.17) ----

async function updateHandler(ctx: YoyowWriteContext): Promise<unknown> {
  const p = ctx.payload;
  const platformValue = platformField(ctx);
  const aid = parseInteger(required(p, 'advertising_aid'), 'advertising_aid', 1, MAX_ID);
  const descValue = optional(p, 'description');
  const description = descValue === undefined ? undefined : parseString(descValue, 'description', { maxBytes: MAX_DESCRIPTION_BYTES });
  const priceValue = optional(p, 'unit_price');
  const unitPrice = priceValue === undefined ? undefined : parseBigInteger(priceValue, 'unit_price', 1n, INT64_MAX);
  const timeValue = optional(p, 'unit_time');
  const unitTime = timeValue === undefined ? undefined : parseInteger(timeValue, 'unit_time', 1, UINT32_MAX);
  const sellValue = optional(p, 'on_sell');
  const onSell = sellValue === undefined ? undefined : parseBool(sellValue, 'on_sell');
  if (description === undefined && unitPrice === undefined && unitTime === undefined && onSell === undefined) throw new YoyowRefusal(2000, 'nothing to update');
  const platform = platformUid(ctx, platformValue);
  const r = await updateAdvertising(
    ctx.db,
    ctx.app,
    {
      platformUid: platform,
      aid,
      ...(description !== undefined ? { description } : {}),
      ...(unitPrice !== undefined ? { unitPrice } : {}),
      ...(unitTime !== undefined ? { unitTime } : {}),
      ...(onSell !== undefined ? { onSell } : {}),
    },
    adsDeps(ctx.services),
  );
  return {
    block_num: r.block_num,
    txid: r.txid,
    advertising: {
      platform: renderUid(platform),
      advertising_aid: aid,
      ...(description !== undefined ? { description } : {}),
      ...(unitPrice !== undefined ? { unit_price: chainInt(unitPrice) } : {}),
      ...(unitTime !== undefined ? { unit_time: unitTime } : {}),
      ...(onSell !== undefined ? { on_sell: onSell } : {}),
      fee: fee(r.fee),
    },
  };
}

// ---- POST /api/v2/advertising/buy (§4.18) ----

async function buyHandler(ctx: YoyowWriteContext): Promise<unknown> {
  const p = ctx.payload;
  const accountValue = optional(p, 'account') ?? optional(p, 'from_account');
  if (accountValue === undefined) throw missingParameter('account');
  const account = accountField(accountValue, 'account');
  const platformValue = platformField(ctx);
  const aid = parseInteger(required(p, 'advertising_aid'), 'advertising_aid', 1, MAX_ID);
  const startTime = parseStartTime(optional(p, 'start_time'));
  const buyNumber = parseBigInteger(required(p, 'buy_number'), 'buy_number', 1n, INT64_MAX);
  const extraValue = optional(p, 'extra_data');
  const extraData = extraValue === undefined ? '' : parseString(extraValue, 'extra_data', { maxBytes: MAX_EXTRA_DATA_BYTES });
  const memoValue = optional(p, 'memo');
  const memo = memoValue === undefined ? undefined : parseString(memoValue, 'memo', { maxBytes: MAX_MEMO_BYTES });
  // Stage A: buyer ≠ platform (a name naming the platform is caught once resolved, in the module).
  const platformDigits = platformValue === undefined ? String(ctx.app.id) : digitsOf(platformValue);
  if ('digits' in account && platformDigits !== null && BigInt(account.digits) === BigInt(platformDigits)) throw new YoyowRefusal(2000, 'platform cannot buy its own advertising');
  // Stage B: platform, then the buyer.
  const platform = platformUid(ctx, platformValue);
  const buyer = accountSpec(account, 'account');
  const r = await buyAdvertising(
    ctx.db,
    ctx.app,
    { buyer, platformUid: platform, aid, startTime, buyNumber, extraData, ...(memo !== undefined ? { memo } : {}) },
    adsDeps(ctx.services),
  );
  return {
    block_num: r.block_num,
    txid: r.txid,
    advertising: {
      platform: renderUid(platform),
      advertising_aid: aid,
      advertising_order_oid: r.oid,
      from_account: renderUid(r.buyerUid),
      start_time: chainTime(startTime * 1000),
      buy_number: chainInt(buyNumber),
      extra_data: extraData,
      fee: fee(r.fee),
    },
  };
}

// ---- POST /api/v2/advertising/confirm (§4.19) ----

async function confirmHandler(ctx: YoyowWriteContext): Promise<unknown> {
  const p = ctx.payload;
  const platformValue = platformField(ctx);
  const aid = parseInteger(required(p, 'advertising_aid'), 'advertising_aid', 1, MAX_ID);
  const oid = parseInteger(required(p, 'advertising_order_oid'), 'advertising_order_oid', 1, MAX_ID);
  const isConfirm = parseBool(required(p, 'isconfirm'), 'isconfirm');
  const platform = platformUid(ctx, platformValue);
  const r = await confirmAdvertising(ctx.db, ctx.app, { platformUid: platform, aid, oid, isConfirm }, adsDeps(ctx.services));
  return {
    block_num: r.block_num,
    txid: r.txid,
    advertising: { platform: renderUid(platform), advertising_aid: aid, advertising_order_oid: oid, isconfirm: isConfirm, fee: fee(r.fee) },
  };
}

// ---- POST /api/v2/advertising/ransom (§4.20) ----

async function ransomHandler(ctx: YoyowWriteContext): Promise<unknown> {
  const p = ctx.payload;
  const fromValue = required(p, 'from_account');
  const from = accountField(fromValue, 'from_account');
  const platformValue = platformField(ctx);
  const aid = parseInteger(required(p, 'advertising_aid'), 'advertising_aid', 1, MAX_ID);
  const oid = parseInteger(required(p, 'advertising_order_oid'), 'advertising_order_oid', 1, MAX_ID);
  const platform = platformUid(ctx, platformValue);
  const spec = accountSpec(from, 'from_account');
  const r = await ransomAdvertising(ctx.db, ctx.app, { from: spec, platformUid: platform, aid, oid }, adsDeps(ctx.services));
  return {
    block_num: r.block_num,
    txid: r.txid,
    advertising: { from_account: renderUid(r.fromUid), platform: renderUid(platform), advertising_aid: aid, advertising_order_oid: oid, fee: fee(r.fee) },
  };
}

// ---- reads (§4.21, §4.22) ----

function limitParam(ctx: YoyowReadContext): number {
  const t = ctx.query.limit;
  return t === undefined ? 100 : parseInteger(t, 'limit', 1, 100);
}

async function requireExisting(ctx: YoyowReadContext, uid: number): Promise<void> {
  if (!(await resolveAccount(ctx.db, uid))) throw YoyowRefusal.of('accountNotFound');
}

function adObject(a: AdView): Record<string, unknown> {
  return {
    id: `2.18.${a.instance}`,
    advertising_aid: a.aid,
    platform: renderUid(a.platformUid),
    on_sell: a.onSell,
    unit_time: chainInt(a.unitTime),
    unit_price: chainInt(a.unitPrice),
    description: a.description,
    last_order_sequence: a.lastOrderSequence,
    publish_time: chainTime(a.publishTime),
    last_update_time: chainTime(a.lastUpdateTime),
  };
}

function orderObject(o: OrderView): Record<string, unknown> {
  return {
    id: `2.19.${o.instance}`,
    advertising_order_oid: o.oid,
    platform: renderUid(o.platformUid),
    advertising_aid: o.aid,
    user: renderUid(o.buyerUid),
    released_balance: chainInt(o.price),
    start_time: chainTime(o.startTime * 1000),
    end_time: chainTime(o.endTime * 1000),
    buy_request_time: chainTime(o.buyRequestTime),
    status: o.status,
    handle_time: o.handleTime === null ? TIME_NOT_SET : chainTime(o.handleTime),
    ...(o.memo !== null ? { memo: o.memo } : {}),
    extra_data: o.extraData,
  };
}

async function listAdsHandler(ctx: YoyowReadContext): Promise<unknown> {
  const platform = platformParam(ctx);
  const lb = ctx.query.lower_bound_advertising;
  let fromAid = 0;
  let fromInstance = 0;
  if (lb !== undefined) {
    if (/^[0-9]{1,15}$/.test(lb)) fromAid = Number(lb);
    else {
      const id = parseObjectId(lb, 'lower_bound_advertising');
      if (id.space === 2 && id.type === 18) fromInstance = id.instance;
      else if (id.space !== 0 || id.type !== 0 || id.instance !== 0) throw invalidParameter('lower_bound_advertising');
    }
  }
  const limit = limitParam(ctx);
  await requireExisting(ctx, platform);
  return (await listAds(ctx.db, { platformUid: platform, fromAid, fromInstance, limit })).map(adObject);
}

async function listOrdersHandler(ctx: YoyowReadContext): Promise<unknown> {
  const byPurchaser = ctx.query.filter === '0';
  const purchaserText = ctx.query.purchaser;
  let purchaser: number | null = null;
  let platform: number | null = null;
  let aid = 0;
  if (byPurchaser) {
    if (purchaserText === undefined) throw missingParameter('purchaser');
    purchaser = parseUid(purchaserText, 'purchaser');
  } else {
    platform = platformParam(ctx);
    const aidText = ctx.query.advertising_aid_type;
    if (aidText === undefined) throw missingParameter('advertising_aid_type');
    aid = parseInteger(aidText, 'advertising_aid_type', 1, MAX_ID);
  }
  // The seed's misspelling is accepted too; the correct name wins when both are sent.
  const lbName = ctx.query.lower_bound_advertising_order !== undefined ? 'lower_bound_advertising_order' : 'lower_bound_advertiing_order';
  const lbText = ctx.query[lbName];
  const lowerBound = lbText === undefined ? 0 : parseInteger(lbText, lbName, 0, MAX_ID);
  const limit = limitParam(ctx);
  if (purchaser !== null) {
    await requireExisting(ctx, purchaser);
    return (await listOrders(ctx.db, { by: 'purchaser', buyerUid: purchaser, fromInstance: lowerBound, limit })).map(orderObject);
  }
  await requireExisting(ctx, platform!);
  return (await listOrders(ctx.db, { by: 'advertising', platformUid: platform!, aid, fromOid: lowerBound, limit })).map(orderObject);
}

export const AD_ROUTES = [
  secureRoute('/api/v2/advertisings', createHandler),
  secureRoute('/api/v2/advertising', createHandler),
  secureRoute('/api/v2/advertising/update', updateHandler),
  secureRoute('/api/v2/advertising/buy', buyHandler),
  secureRoute('/api/v2/advertising/confirm', confirmHandler),
  secureRoute('/api/v2/advertising/ransom', ransomHandler),
  readRoute('/api/v2/advertisings', listAdsHandler),
  readRoute('/api/v2/advertising', listAdsHandler),
  readRoute('/api/v2/advertising_orders', listOrdersHandler),
];
