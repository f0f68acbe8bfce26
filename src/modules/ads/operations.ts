// The advertising writes of spec/yoyow.md §4.16–§4.20 and §5.9 (ops 42–46): create and update a slot, buy it
// (the price goes from the buyer's prepaid into the `escrow` system account), confirm (accept: escrow → the
// platform's balance minus the confirmation fee burned into the issuer, and every other undetermined order of the
// slot whose period overlaps is refused and refunded; refuse: refund) and ransom (the buyer takes the price back
// after `ransom_after`). Each follows the chain's write shape: beginChainWrite → accounts / consent → fee → rows and
// ledger transfers → recordOperation last. Checks from stage C of §3.4 on; the dialect did stages A and B.
import type { Transaction } from 'kysely';
import type { StoredApp } from '../../core/identity/apps.js';
import { transfer } from '../../core/ledger/transfers.js';
import { LedgerError } from '../../core/ledger/types.js';
import type { DB } from '../../db/schema.js';
import { toBig, toNum } from '../../db/values.js';
import {
  activeConsent,
  beginChainWrite,
  chainError,
  chainInt,
  chainRule,
  chainTime,
  chargeFee,
  ensureYoyowChain,
  feeField,
  nextInstance,
  objectId,
  openAccount,
  PERMISSION,
  readSubBalances,
  recordOperation,
  requireConsent,
  resolveAccount,
  settleCsaf,
  spendThroughConsent,
  usablePrepaid,
  type ChainInfo,
  type Consent,
  type YoyowAccountRef,
} from '../yoyow/index.js';
import { encryptMemo, privateKeyOf, publicKeysOf } from '../yoyow/keys/index.js';
import { findAd, findOrder, resolveAccountSpec } from './store.js';
import { KIND, ORDER_STATUS, TEN_YEARS_SECONDS, type AccountSpec, type AdsDeps, type AdWrite, type OrderStatus } from './types.js';

type Trx = Transaction<DB>;

function platformRef(app: StoredApp): YoyowAccountRef {
  return { kind: 'app', uid: app.id, appId: app.id };
}

function escrowRef(info: ChainInfo): YoyowAccountRef {
  return { kind: 'system', uid: info.escrowUid, systemRole: 'escrow' };
}

function issuerRef(info: ChainInfo): YoyowAccountRef {
  return { kind: 'system', uid: info.issuerUid, systemRole: 'issuer' };
}

/** Stages C and D for the platform field: 2001 when it names no account, 1007 when it is not the app. */
async function requirePlatform(trx: Trx, app: StoredApp, platformUid: number, info: ChainInfo, deps: AdsDeps): Promise<YoyowAccountRef> {
  if (platformUid !== app.id && !(await resolveAccount(trx, platformUid))) throw chainError('accountNotFound');
  if (platformUid !== app.id) throw chainError('notAuthorised');
  const ref = platformRef(app);
  await openAccount(trx, ref, info, deps);
  return ref;
}

function fieldsFee(fee: { fee: bigint; from: 'csaf' | 'prepaid' }): Record<string, unknown> {
  return feeField(fee.fee, fee.from);
}

// ---- create / update (ops 42, 43) ----

export interface CreateAdInput {
  platformUid: number;
  description: string;
  /** ≥ 1, base units. */
  unitPrice: bigint;
  /** ≥ 1, seconds. */
  unitTime: number;
}

/** §4.16: a new slot, `aid` = the platform's last + 1, on sale. Op 42, fee payer platform. */
export async function createAdvertising(trx: Trx, app: StoredApp, input: CreateAdInput, deps: AdsDeps): Promise<AdWrite & { aid: number }> {
  await beginChainWrite(trx);
  const info = await ensureYoyowChain(trx, deps.clock);
  const platform = await requirePlatform(trx, app, input.platformUid, info, deps);
  const fee = await chargeFee(trx, platform, 'advertising_create', app, deps);
  const last = await trx.selectFrom('yoyow_ads').select((eb) => eb.fn.max('aid').as('m')).where('platform_uid', '=', platform.uid).executeTakeFirst();
  const aid = (last?.m == null ? 0 : toNum(last.m as bigint | number)) + 1;
  const instance = await nextInstance(trx, '2.18');
  const now = deps.clock.now();
  await trx
    .insertInto('yoyow_ads')
    .values({
      instance,
      platform_uid: platform.uid,
      aid,
      description: input.description,
      unit_price: input.unitPrice,
      unit_time: input.unitTime,
      on_sell: 1,
      last_order_sequence: 0,
      publish_time: now,
      last_update_time: now,
    })
    .execute();
  const rec = await recordOperation(
    trx,
    {
      type: 42,
      fields: {
        fee: fieldsFee(fee),
        advertising_aid: aid,
        platform: chainInt(platform.uid),
        unit_time: chainInt(input.unitTime),
        unit_price: chainInt(input.unitPrice),
        description: input.description,
      },
      involved: [platform.uid],
      resultObjectId: objectId(2, 18, instance),
      transferTxids: fee.txids,
    },
    deps,
  );
  return { block_num: rec.blockNum, txid: rec.txid, fee: fee.fee, aid };
}

export interface UpdateAdInput {
  platformUid: number;
  aid: number;
  description?: string;
  unitPrice?: bigint;
  unitTime?: number;
  onSell?: boolean;
}

/** §4.17: changes the fields sent (the dialect refused an empty update). Op 43, fee payer platform. */
export async function updateAdvertising(trx: Trx, app: StoredApp, input: UpdateAdInput, deps: AdsDeps): Promise<AdWrite> {
  if (input.description === undefined && input.unitPrice === undefined && input.unitTime === undefined && input.onSell === undefined) throw chainRule('nothing to update');
  await beginChainWrite(trx);
  const info = await ensureYoyowChain(trx, deps.clock);
  const platform = await requirePlatform(trx, app, input.platformUid, info, deps);
  const fee = await chargeFee(trx, platform, 'advertising_update', app, deps);
  const ad = await findAd(trx, platform.uid, input.aid);
  if (!ad) throw chainRule('advertising not found');
  if (input.onSell !== undefined && input.onSell === ad.onSell) throw chainRule('on_sell unchanged');
  await trx
    .updateTable('yoyow_ads')
    .set({
      ...(input.description !== undefined ? { description: input.description } : {}),
      ...(input.unitPrice !== undefined ? { unit_price: input.unitPrice } : {}),
      ...(input.unitTime !== undefined ? { unit_time: input.unitTime } : {}),
      ...(input.onSell !== undefined ? { on_sell: input.onSell ? 1 : 0 } : {}),
      last_update_time: deps.clock.now(),
    })
    .where('instance', '=', ad.instance)
    .execute();
  const rec = await recordOperation(
    trx,
    {
      type: 43,
      fields: {
        fee: fieldsFee(fee),
        platform: chainInt(platform.uid),
        advertising_aid: input.aid,
        ...(input.description !== undefined ? { description: input.description } : {}),
        ...(input.unitPrice !== undefined ? { unit_price: chainInt(input.unitPrice) } : {}),
        ...(input.unitTime !== undefined ? { unit_time: chainInt(input.unitTime) } : {}),
        ...(input.onSell !== undefined ? { on_sell: input.onSell } : {}),
      },
      involved: [platform.uid],
      transferTxids: fee.txids,
    },
    deps,
  );
  return { block_num: rec.blockNum, txid: rec.txid, fee: fee.fee };
}

// ---- buy (op 44) ----

export interface BuyAdInput {
  buyer: AccountSpec;
  platformUid: number;
  aid: number;
  /** Unix seconds (the dialect converted ms and timestamp text). */
  startTime: number;
  /** ≥ 1. */
  buyNumber: bigint;
  extraData: string;
  memo?: string;
}

/**
 * §4.18: stage C (platform, buyer) → buyer ≠ platform (a name resolving to the platform) → D (1007: platform, consent
 * with Transfer) → 2008 (memo) → E (2004, the buyer pays) → F in the order of §4.18, 2005 last. Effect: price from
 * the buyer's prepaid into escrow (`cur_used += price`), a new undetermined order `2.19.<i>`.
 */
export async function buyAdvertising(trx: Trx, app: StoredApp, input: BuyAdInput, deps: AdsDeps): Promise<AdWrite & { oid: number; buyerUid: number }> {
  await beginChainWrite(trx);
  const info = await ensureYoyowChain(trx, deps.clock);
  if (input.platformUid !== app.id && !(await resolveAccount(trx, input.platformUid))) throw chainError('accountNotFound');
  const buyer = await resolveAccountSpec(trx, input.buyer);
  if (!buyer) throw chainError('accountNotFound');
  if (buyer.uid === input.platformUid) throw chainRule('platform cannot buy its own advertising');
  if (input.platformUid !== app.id) throw chainError('notAuthorised');
  const platform = platformRef(app);
  await openAccount(trx, platform, info, deps);
  const consent = await requireConsent(trx, buyer.uid, app.id, PERMISSION.transfer);
  const buyerSubs = await openAccount(trx, buyer, info, deps);
  let memo: Record<string, unknown> | undefined;
  if (input.memo !== undefined) {
    const senderKey = await privateKeyOf(trx, buyer.uid, 'memo', deps.box);
    const recipientKeys = await publicKeysOf(trx, platform.uid);
    if (!senderKey || !recipientKeys) throw chainError('noMemoKey');
    memo = { ...encryptMemo(senderKey, recipientKeys.memo, input.memo) };
  }
  const fee = await chargeFee(trx, buyer, 'advertising_buy', app, deps, consent ?? undefined);

  const ad = await findAd(trx, platform.uid, input.aid);
  if (!ad) throw chainRule('advertising not found');
  if (!ad.onSell) throw chainRule('advertising not on sale');
  const nowMs = deps.clock.now();
  // The 60 s grace (Plaza leniency) lets a client send "now" that is a little old by the time it arrives.
  if (input.startTime * 1000 < nowMs - 60_000 || input.startTime * 1000 > nowMs + TEN_YEARS_SECONDS * 1000) throw chainRule('start_time out of range');
  const period = ad.unitTime * input.buyNumber;
  if (period > BigInt(TEN_YEARS_SECONDS)) throw chainRule('purchase period too long');
  const start = input.startTime;
  const end = start + Number(period);
  const clash = await trx
    .selectFrom('yoyow_ad_orders')
    .select('instance')
    .where('platform_uid', '=', platform.uid)
    .where('aid', '=', input.aid)
    .where('status', '=', ORDER_STATUS.accepted)
    .where('start_time', '<', end)
    .where('end_time', '>', start)
    .executeTakeFirst();
  if (clash) throw chainRule('purchase period conflicts with an accepted order');
  const price = ad.unitPrice * input.buyNumber;
  if (price <= deps.advertising.confirmedMinFee) throw chainRule('price must exceed the minimum confirmation fee');
  const balances = await readSubBalances(trx, buyer, info.assetId);
  // The fee may have been spent through the consent: its cur_used is read again.
  const liveConsent: Consent | null = consent ? await activeConsent(trx, buyer.uid, app.id) : null;
  if (balances.prepaid < price || usablePrepaid(balances.prepaid, liveConsent) < price) throw chainError('prepaidShort');
  if (liveConsent && !(await spendThroughConsent(trx, liveConsent, price))) throw chainError('prepaidShort');

  // The slot's order counter moves by a conditional update (one winner per oid even without the chain lock).
  const oid = ad.lastOrderSequence + 1;
  const bumped = await trx
    .updateTable('yoyow_ads')
    .set({ last_order_sequence: oid })
    .where('instance', '=', ad.instance)
    .where('last_order_sequence', '=', ad.lastOrderSequence)
    .executeTakeFirst();
  if (Number(bumped.numUpdatedRows) !== 1) throw new Error('advertising order sequence moved under the chain lock');
  const instance = await nextInstance(trx, '2.19');
  const order = objectId(2, 19, instance);
  const escrow = await openAccount(trx, escrowRef(info), info, deps);
  const txids = [...fee.txids];
  try {
    const t = await transfer(
      trx,
      {
        debitAccountId: buyerSubs.prepaid.id,
        creditAccountId: escrow.prepaid.id,
        amount: price,
        kind: KIND.escrow,
        metadata: { order, platform: platform.uid, aid: input.aid, oid, buyer: buyer.uid, ...(input.memo !== undefined ? { memo: input.memo } : {}) },
      },
      deps.clock,
    );
    txids.push(t.txid);
  } catch (err) {
    if (err instanceof LedgerError && err.code === 'insufficient_funds') throw chainError('prepaidShort');
    throw err;
  }
  await trx
    .insertInto('yoyow_ad_orders')
    .values({
      instance,
      platform_uid: platform.uid,
      aid: input.aid,
      oid,
      buyer_uid: buyer.uid,
      price,
      buy_number: input.buyNumber,
      start_time: start,
      end_time: end,
      buy_request_time: nowMs,
      status: ORDER_STATUS.undetermined,
      handle_time: null,
      memo: memo ? JSON.stringify(memo) : null,
      extra_data: input.extraData,
    })
    .execute();
  const rec = await recordOperation(
    trx,
    {
      type: 44,
      fields: {
        fee: fieldsFee(fee),
        advertising_order_oid: oid,
        from_account: chainInt(buyer.uid),
        platform: chainInt(platform.uid),
        advertising_aid: input.aid,
        start_time: chainTime(start * 1000),
        buy_number: chainInt(input.buyNumber),
        extra_data: input.extraData,
        ...(memo ? { memo } : {}),
      },
      involved: [buyer.uid, platform.uid],
      resultObjectId: order,
      transferTxids: txids,
    },
    deps,
  );
  return { block_num: rec.blockNum, txid: rec.txid, fee: fee.fee, oid, buyerUid: buyer.uid };
}

// ---- transitions out of advertising_undetermined ----

/** The one way an order leaves `advertising_undetermined`: false when another request handled it first. */
async function transition(trx: Trx, instance: number, to: OrderStatus, deps: AdsDeps): Promise<boolean> {
  const r = await trx
    .updateTable('yoyow_ad_orders')
    .set({ status: to, handle_time: deps.clock.now() })
    .where('instance', '=', instance)
    .where('status', '=', ORDER_STATUS.undetermined)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** Escrow → the buyer's prepaid (refusal or ransom). */
async function refund(trx: Trx, o: { instance: number; buyerUid: number; price: bigint; platformUid: number; aid: number; oid: number }, reason: string, info: ChainInfo, deps: AdsDeps): Promise<string> {
  const buyer = await resolveAccount(trx, o.buyerUid);
  if (!buyer) throw new Error(`advertising order ${o.instance}: buyer ${o.buyerUid} vanished`);
  const buyerSubs = await openAccount(trx, buyer, info, deps);
  const escrow = await openAccount(trx, escrowRef(info), info, deps);
  const t = await transfer(
    trx,
    {
      debitAccountId: escrow.prepaid.id,
      creditAccountId: buyerSubs.prepaid.id,
      amount: o.price,
      kind: KIND.refund,
      metadata: { order: objectId(2, 19, o.instance), platform: o.platformUid, aid: o.aid, oid: o.oid, buyer: o.buyerUid, reason },
    },
    deps.clock,
  );
  return t.txid;
}

export interface ConfirmAdInput {
  platformUid: number;
  aid: number;
  oid: number;
  isConfirm: boolean;
}

/** The confirmation fee of §5.9: max(floor(price × rate / 10000), min), never more than the price. */
export function confirmationFee(price: bigint, deps: Pick<AdsDeps, 'advertising'>): bigint {
  const byRate = (price * deps.advertising.confirmedFeeRate) / 10_000n;
  const fee = byRate > deps.advertising.confirmedMinFee ? byRate : deps.advertising.confirmedMinFee;
  return fee < price ? fee : price;
}

/**
 * §4.19: stage C/D (platform) → E (the platform pays) → F: ad, order, still undetermined. Accept: escrow → platform
 * balance (price − confirmation fee) and escrow → issuer balance (the fee); every other undetermined order of the
 * slot whose period overlaps is refused and refunded. Refuse: refund. Op 45.
 */
export async function confirmAdvertising(trx: Trx, app: StoredApp, input: ConfirmAdInput, deps: AdsDeps): Promise<AdWrite & { refused: number[] }> {
  await beginChainWrite(trx);
  const info = await ensureYoyowChain(trx, deps.clock);
  const platform = await requirePlatform(trx, app, input.platformUid, info, deps);
  const fee = await chargeFee(trx, platform, 'advertising_confirm', app, deps);
  const ad = await findAd(trx, platform.uid, input.aid);
  if (!ad) throw chainRule('advertising not found');
  const order = await findOrder(trx, platform.uid, input.aid, input.oid);
  if (!order) throw chainRule('advertising order not found');
  if (order.status !== ORDER_STATUS.undetermined) throw chainRule('order already handled');
  if (!(await transition(trx, order.instance, input.isConfirm ? ORDER_STATUS.accepted : ORDER_STATUS.refused, deps))) throw chainRule('order already handled');
  const txids = [...fee.txids];
  const involved = [platform.uid, order.buyerUid];
  const refused: number[] = [];
  if (!input.isConfirm) {
    txids.push(await refund(trx, order, 'refused', info, deps));
  } else {
    const platformSubs = await openAccount(trx, platform, info, deps);
    // The platform's balance grows: its csaf is settled first, at the old balance (§5.3).
    txids.push(...(await settleCsaf(trx, platform, platformSubs, info, deps)));
    const escrow = await openAccount(trx, escrowRef(info), info, deps);
    const issuer = await openAccount(trx, issuerRef(info), info, deps);
    const cut = confirmationFee(order.price, deps);
    const meta = { order: objectId(2, 19, order.instance), platform: platform.uid, aid: order.aid, oid: order.oid, buyer: order.buyerUid };
    if (order.price - cut > 0n) {
      txids.push((await transfer(trx, { debitAccountId: escrow.prepaid.id, creditAccountId: platformSubs.balance.id, amount: order.price - cut, kind: KIND.settle, metadata: { ...meta, part: 'revenue' } }, deps.clock)).txid);
    }
    if (cut > 0n) {
      txids.push((await transfer(trx, { debitAccountId: escrow.prepaid.id, creditAccountId: issuer.balance.id, amount: cut, kind: KIND.settle, metadata: { ...meta, part: 'confirmation_fee' } }, deps.clock)).txid);
    }
    const overlapping = await trx
      .selectFrom('yoyow_ad_orders')
      .select(['instance', 'oid', 'buyer_uid', 'price'])
      .where('platform_uid', '=', platform.uid)
      .where('aid', '=', order.aid)
      .where('status', '=', ORDER_STATUS.undetermined)
      .where('instance', '!=', order.instance)
      .where('start_time', '<', order.endTime)
      .where('end_time', '>', order.startTime)
      .orderBy('instance')
      .execute();
    for (const o of overlapping) {
      const other = { instance: toNum(o.instance), oid: toNum(o.oid), buyerUid: toNum(o.buyer_uid), price: toBig(o.price), platformUid: platform.uid, aid: order.aid };
      if (!(await transition(trx, other.instance, ORDER_STATUS.refused, deps))) continue;
      txids.push(await refund(trx, other, 'overlaps an accepted order', info, deps));
      involved.push(other.buyerUid);
      refused.push(other.oid);
    }
  }
  const rec = await recordOperation(
    trx,
    {
      type: 45,
      fields: {
        fee: fieldsFee(fee),
        platform: chainInt(platform.uid),
        advertising_aid: input.aid,
        advertising_order_oid: input.oid,
        isconfirm: input.isConfirm,
      },
      involved,
      transferTxids: txids,
    },
    deps,
  );
  return { block_num: rec.blockNum, txid: rec.txid, fee: fee.fee, refused };
}

export interface RansomAdInput {
  from: AccountSpec;
  platformUid: number;
  aid: number;
  oid: number;
}

/**
 * §4.20: stage C (platform, from_account) → D (1007: platform; an active consent when from_account ≠ platform, no
 * bit) → E (from_account pays) → F: ad, order, buyer, `ransom_after`, still undetermined. Refund. Op 46.
 */
export async function ransomAdvertising(trx: Trx, app: StoredApp, input: RansomAdInput, deps: AdsDeps): Promise<AdWrite & { fromUid: number }> {
  await beginChainWrite(trx);
  const info = await ensureYoyowChain(trx, deps.clock);
  if (input.platformUid !== app.id && !(await resolveAccount(trx, input.platformUid))) throw chainError('accountNotFound');
  const from = await resolveAccountSpec(trx, input.from);
  if (!from) throw chainError('accountNotFound');
  if (input.platformUid !== app.id) throw chainError('notAuthorised');
  const platform = platformRef(app);
  await openAccount(trx, platform, info, deps);
  const consent = await requireConsent(trx, from.uid, app.id);
  await openAccount(trx, from, info, deps);
  const fee = await chargeFee(trx, from, 'advertising_ransom', app, deps, consent ?? undefined);
  const ad = await findAd(trx, platform.uid, input.aid);
  if (!ad) throw chainRule('advertising not found');
  const order = await findOrder(trx, platform.uid, input.aid, input.oid);
  if (!order) throw chainRule('advertising order not found');
  if (order.buyerUid !== from.uid) throw chainRule('not the buyer of this order');
  if (!(deps.clock.now() > order.buyRequestTime + deps.advertising.ransomAfterSeconds * 1000)) throw chainRule('ransom not allowed yet');
  if (order.status !== ORDER_STATUS.undetermined) throw chainRule('order already handled');
  if (!(await transition(trx, order.instance, ORDER_STATUS.ransom, deps))) throw chainRule('order already handled');
  const txids = [...fee.txids, await refund(trx, order, 'ransom', info, deps)];
  const rec = await recordOperation(
    trx,
    {
      type: 46,
      fields: {
        fee: fieldsFee(fee),
        from_account: chainInt(from.uid),
        platform: chainInt(platform.uid),
        advertising_aid: input.aid,
        advertising_order_oid: input.oid,
      },
      involved: [from.uid, platform.uid],
      transferTxids: txids,
    },
    deps,
  );
  return { block_num: rec.blockNum, txid: rec.txid, fee: fee.fee, fromUid: from.uid };
}

