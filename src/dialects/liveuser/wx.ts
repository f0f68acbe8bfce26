// Wx.Login, Wx.RenewToken and Wx.Prepay (spec/liveuser.md §6.3–§6.5): wire format only. The outbound WeChat calls
// (code2Session, JSAPI prepay) run in the route's `prepare`, outside any database transaction; the identity,
// token and order rules live in core/identity and modules/orders.
import type { Transaction } from 'kysely';
import { loginLiveuser, renewLiveuserTokens } from '../../core/identity/liveuserTokens.js';
import type { DB } from '../../db/schema.js';
import type { WireResponse } from '../../http/idempotency.js';
import { getWechatConfig, wechatLoginConfigured, type WechatAppConfig } from '../../integrations/wechat/index.js';
import { planPrepay, recordPrepay, type PrepayPlan } from '../../modules/orders/payments.js';
import { badRequest, liveuserError, LiveuserRefusal } from './errors.js';
import { readString, readUint64 } from './parse.js';
import { sessionOf, type LiveuserContext } from './pipeline.js';
import { loginAnswer, ok, prepayAnswer, renewAnswer } from './render.js';

const MAX_CODE_LENGTH = 128;

export interface LoginPrepared {
  cfg: WechatAppConfig;
  openid: string;
  unionid: string | null;
  sessionKey: string;
}

/** §6.3 steps 2–4: the code, the app's WeChat configuration, then code2Session. */
export async function loginPrepare(ctx: LiveuserContext): Promise<LoginPrepared> {
  const code = readString(ctx.body, 'code');
  if (code === '') throw badRequest('empty code');
  if (code.length > MAX_CODE_LENGTH) throw badRequest(`code too long: at most ${MAX_CODE_LENGTH} characters`);
  const cfg = await getWechatConfig(ctx.services.db, ctx.app.id, ctx.services.box);
  if (!wechatLoginConfigured(cfg)) throw new LiveuserRefusal('E0000', 'wechat not configured');
  const r = await ctx.deps.client.code2Session(cfg, code);
  if (!r.ok) throw badRequest(`wx.login: auth.code2Session: errcode(${r.errcode}) ${r.errmsg}`);
  return { cfg, openid: r.openid, unionid: r.unionid, sessionKey: r.sessionKey };
}

/** §6.3 steps 5–6. */
export async function login(ctx: LiveuserContext, trx: Transaction<DB>, p: LoginPrepared): Promise<WireResponse> {
  const { services } = ctx;
  const result = await loginLiveuser(
    trx,
    { appId: ctx.app.id, login: { wechatAppid: p.cfg.appid, openid: p.openid, unionid: p.unionid, sessionKey: p.sessionKey } },
    ctx.deps.tokens,
    { clock: services.clock, box: services.box },
  );
  if (result.kind === 'user_disabled') throw new LiveuserRefusal('E0003', 'user disabled');
  return ok(loginAnswer(result.tokens, result.uid));
}

/** §6.4. A reused token's family revocation must commit, so that answer is returned, not thrown. */
export async function renewToken(ctx: LiveuserContext, trx: Transaction<DB>): Promise<WireResponse> {
  const refreshToken = readString(ctx.body, 'refresh_token');
  if (refreshToken === '') throw badRequest('empty refresh token');
  const { services } = ctx;
  const r = await renewLiveuserTokens(trx, { appId: ctx.app.id, refreshToken }, ctx.deps.tokens, { clock: services.clock, box: services.box });
  switch (r.kind) {
    case 'renewed':
    case 'replayed':
      return ok(renewAnswer(r.tokens));
    case 'reused':
      return liveuserError('E0002', 'refresh token reused');
    case 'user_disabled':
      throw new LiveuserRefusal('E0003', 'user disabled');
    case 'invalid':
      throw new LiveuserRefusal('E0002', 'invalid refresh token');
  }
}

/** §6.5 steps 1–6: `order_id` (absent or 0 = the newest unpaid order), then the order and WeChat's prepay_id. */
export async function prepayPrepare(ctx: LiveuserContext): Promise<PrepayPlan> {
  const s = sessionOf(ctx);
  const id = readUint64(ctx.body, 'order_id');
  const { services } = ctx;
  // Every real order id is below 2^53; a larger one names no order of this buyer.
  const orderId = id === 0n ? null : id <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(id) : -1;
  return planPrepay(
    { buyer: { appId: s.app.id, uid: s.uid }, appkey: s.app.appkey, orderId },
    {
      db: services.db,
      box: services.box,
      clock: services.clock,
      client: ctx.deps.client,
      publicUrl: services.config.publicUrl,
      prepayReuseSeconds: services.config.wechat.prepayReuseSeconds,
    },
  );
}

/** §6.5 step 7. */
export async function prepay(ctx: LiveuserContext, trx: Transaction<DB>, plan: PrepayPlan): Promise<WireResponse> {
  return ok(prepayAnswer(await recordPrepay(trx, plan, ctx.services.clock)));
}
