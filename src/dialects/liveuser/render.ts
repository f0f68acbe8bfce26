// Response encoding of the liveuser dialect (spec/liveuser.md §2.3, §5): snake_case keys in the order of the seed's
// tables, every documented field always present (zero values included), integers as JSON numbers (ids < 2^53),
// `expiry` in seconds and every other time in milliseconds. Objects are built key by key in that order and
// serialised once, so the same answer always has the same bytes (a grace-window replay is byte-identical).
import type { IssuedTokens } from '../../core/identity/liveuserTokens.js';
import type { WireResponse } from '../../http/idempotency.js';
import type { PayParams } from '../../integrations/wechat/index.js';
import type { OrderLineView, OrderView } from '../../modules/orders/orders.js';
import type { Profile } from '../../modules/profiles/service.js';
import { JSON_CONTENT_TYPE } from './errors.js';

export function ok(body: unknown): WireResponse {
  return { statusCode: 200, headers: { 'content-type': JSON_CONTENT_TYPE }, body: JSON.stringify(body) };
}

/** Methods whose response is empty answer `{}`. */
export function empty(): WireResponse {
  return ok({});
}

export function userRecord(p: Profile) {
  return { uid: p.uid, name: p.name, agent: p.agent, update_at: p.updateAt, avatar: p.avatar };
}

export function orderProduct(l: OrderLineView) {
  return { order_id: l.orderId, product_id: l.productId, name: l.name, price: l.price, count: l.count, product_snapshot: l.productSnapshot, detail: l.detail };
}

export function orderRecord(o: OrderView) {
  return {
    id: o.id,
    uid: o.uid,
    state: o.state,
    amount: o.amount,
    discount: o.discount,
    pay: o.pay,
    pay_at: o.payAt,
    products: o.products.map(orderProduct),
    created_at: o.createdAt,
    updated_at: o.updatedAt,
    deleted_at: o.deletedAt,
  };
}

/** Wx.Login: `{access_token, refresh_token, expiry, uid}`. */
export function loginAnswer(t: IssuedTokens, uid: string) {
  return { access_token: t.accessToken, refresh_token: t.refreshToken, expiry: t.expiry, uid };
}

/** Wx.RenewToken: `{access_token, refresh_token, expiry}`. */
export function renewAnswer(t: IssuedTokens) {
  return { access_token: t.accessToken, refresh_token: t.refreshToken, expiry: t.expiry };
}

/** Wx.Prepay (extension of the seed's empty response): `{order_id, prepay_id, pay_params}`. */
export function prepayAnswer(r: { orderId: number; prepayId: string; payParams: PayParams }) {
  const p = r.payParams;
  return {
    order_id: r.orderId,
    prepay_id: r.prepayId,
    pay_params: { appId: p.appId, timeStamp: p.timeStamp, nonceStr: p.nonceStr, package: p.package, signType: p.signType, paySign: p.paySign },
  };
}
