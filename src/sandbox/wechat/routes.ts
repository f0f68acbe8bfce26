// The WeChat sandbox's endpoints under /_sandbox/wechat (spec/liveuser.md §9.2–§9.7): the server side of WeChat
// login and WeChat Pay with real keys, signatures and encryption, so Plaza's client code runs unchanged against it.
// Its state is in the database (state.ts); notifications go out over real HTTP (notifier.ts). Error answers and
// check orders follow the spec's tables exactly.
import { randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { alnumNonce, paySignMessage, verifyRsaSha256 } from '../../integrations/wechat/crypto.js';
import { toNum } from '../../db/values.js';
import type { Services } from '../../services.js';
import { deliverNotification, queueNotification, transactionObject, type DeliveryOutcome, type NotifierDeps } from './notifier.js';
import { ensureSandboxState, merchantByAppid, merchantByMchid, sandboxOpenid, sandboxUnionid, secretHash, type SandboxState } from './state.js';
import { chinaTime, newPrepayId, newTransactionId, payError, rid, sendSigned, verifyMerchant, type PayError } from './wire.js';

const CODE_TTL_MS = 300_000;
const PREPAY_TTL_MS = 2 * 3600_000;
const EXCHANGES_PER_MINUTE = 100;

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The body as a JSON object; {} when empty; null when it is not a JSON object. */
function jsonBody(request: FastifyRequest): Json | null {
  const raw = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
  if (raw.length === 0) return {};
  try {
    const v: unknown = JSON.parse(raw.toString('utf8'));
    return isObject(v) ? v : null;
  } catch {
    return null;
  }
}

function rawBody(request: FastifyRequest): Buffer {
  return Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
}

function json(reply: FastifyReply, status: number, payload: unknown): FastifyReply {
  return reply.code(status).header('content-type', 'application/json; charset=utf-8').send(JSON.stringify(payload));
}

function header(request: FastifyRequest, name: string): string | undefined {
  const v = request.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

function chars(s: string): number {
  return Array.from(s).length;
}

const OUT_TRADE_NO = /^[0-9A-Za-z_\-|*]{6,32}$/;

function validNotifyUrl(v: unknown): boolean {
  if (typeof v !== 'string' || v.length === 0 || v.length > 255) return false;
  try {
    const u = new URL(v);
    return (u.protocol === 'http:' || u.protocol === 'https:') && u.search === '' && !v.includes('?');
  } catch {
    return false;
  }
}

export function wechatSandboxRoutes(app: FastifyInstance, services: Services, notifier: NotifierDeps, track: (work: Promise<unknown>) => void): void {
  const { db, box, clock } = services;
  const tolerance = () => services.config.wechat.notifyToleranceSeconds;
  let stateCache: SandboxState | null = null;
  const state = async (): Promise<SandboxState> => (stateCache ??= await ensureSandboxState(db, box, clock));

  // §9.2 — stands in for wx.login().
  const login = async (request: FastifyRequest, reply: FastifyReply) => {
    const input = request.method === 'GET' ? ((request.query ?? {}) as Json) : jsonBody(request);
    const fail = (errcode: number, errmsg: string) => json(reply, 400, { errcode, errmsg });
    if (input === null) return fail(47001, 'data format error');
    const appid = input.appid;
    if (typeof appid !== 'string' || appid === '') return fail(41002, 'appid missing');
    if ((await merchantByAppid(db, box, appid)) === null) return fail(40013, 'invalid appid');
    const user = input.user;
    if (typeof user !== 'string' || user === '' || chars(user) > 64) return fail(47001, 'data format error');
    const w = input.with_unionid;
    const withUnionid = w === true || w === 1 || w === '1' || w === 'true';
    const { seed } = await state();
    const openid = sandboxOpenid(seed, appid, user);
    const unionid = withUnionid ? sandboxUnionid(seed, user) : null;
    const code = alnumNonce(32);
    const now = clock.now();
    await db
      .insertInto('sandbox_wechat_codes')
      .values({ code, appid, user_handle: user, openid, unionid, created_at: now, expires_at: now + CODE_TTL_MS, used_at: null })
      .execute();
    return json(reply, 200, { code, openid, ...(unionid !== null ? { unionid } : {}), expires_in: CODE_TTL_MS / 1000 });
  };
  app.post('/_sandbox/wechat/login', login);
  app.get('/_sandbox/wechat/login', login);

  // §9.3 — auth.code2Session. Always HTTP 200.
  app.get('/_sandbox/wechat/api/sns/jscode2session', async (request, reply) => {
    const q = (request.query ?? {}) as Json;
    const fail = (errcode: number, errmsg: string) => json(reply, 200, { errcode, errmsg: `${errmsg}, rid: ${rid()}` });
    const param = (name: string) => (typeof q[name] === 'string' ? (q[name] as string) : '');
    const appid = param('appid');
    if (appid === '') return fail(41002, 'appid missing');
    const merchant = await merchantByAppid(db, box, appid);
    if (merchant === null) return fail(40013, 'invalid appid');
    const secret = param('secret');
    if (secret === '') return fail(41004, 'appsecret missing');
    if (secretHash(secret) !== merchant.appSecretHash) return fail(40125, 'invalid appsecret');
    if (param('grant_type') !== 'authorization_code') return fail(40002, 'invalid grant_type');
    const code = param('js_code');
    if (code === '') return fail(41008, 'missing code');
    const now = clock.now();
    const row = await db.selectFrom('sandbox_wechat_codes').selectAll().where('code', '=', code).executeTakeFirst();
    if (row === undefined || row.appid !== appid || toNum(row.expires_at) <= now) return fail(40029, 'invalid code');
    if (row.used_at !== null) return fail(40163, 'code been used');
    const recent = await db
      .selectFrom('sandbox_wechat_codes')
      .select((eb) => eb.fn.countAll<string | number | bigint>().as('n'))
      .where('openid', '=', row.openid)
      .where('used_at', '>', now - 60_000)
      .executeTakeFirstOrThrow();
    if (Number(recent.n) >= EXCHANGES_PER_MINUTE) return fail(45011, 'api minute-quota reach limit');
    // Single use even under concurrency: only the update that finds used_at null wins.
    const used = await db.updateTable('sandbox_wechat_codes').set({ used_at: now }).where('code', '=', code).where('used_at', 'is', null).executeTakeFirst();
    if (Number(used.numUpdatedRows) !== 1) return fail(40163, 'code been used');
    return json(reply, 200, {
      openid: row.openid,
      session_key: randomBytes(16).toString('base64'),
      ...(row.unionid !== null ? { unionid: row.unionid } : {}),
    });
  });

  const merchantCheck = (request: FastifyRequest) =>
    verifyMerchant(
      {
        method: request.method,
        pathAndQuery: request.url,
        authorization: header(request, 'authorization'),
        rawBody: rawBody(request),
        nowMs: clock.now(),
        toleranceSeconds: tolerance(),
      },
      (mchid) => merchantByMchid(db, box, mchid),
    );

  const sendPayError = async (reply: FastifyReply, e: PayError) => sendSigned(reply, await state(), clock.now(), e.status, { code: e.code, message: e.message });

  // §9.4 — JSAPI prepay.
  app.post('/_sandbox/wechat/pay/v3/pay/transactions/jsapi', async (request, reply) => {
    const auth = await merchantCheck(request);
    if (!auth.ok) return sendPayError(reply, auth.error);
    const mchid = auth.merchant.mchid;
    const body = jsonBody(request);
    const param = (message: string) => sendPayError(reply, payError(400, 'PARAM_ERROR', message));
    if (body === null || rawBody(request).length === 0) return param('request body is not a JSON object');
    const { appid, description, out_trade_no: outTradeNo, notify_url: notifyUrl } = body;
    if (typeof appid !== 'string' || appid === '') return param('appid is required');
    if (body.mchid !== mchid) return param('mchid must equal the mchid of the request signature');
    if (typeof description !== 'string' || chars(description) < 1 || chars(description) > 127) return param('description must be 1-127 characters');
    if (typeof outTradeNo !== 'string' || !OUT_TRADE_NO.test(outTradeNo)) return param('out_trade_no must be 6-32 of [0-9A-Za-z_-|*]');
    if (!validNotifyUrl(notifyUrl)) return param('notify_url must be an absolute http(s) URL of at most 255 characters without a query');
    const amount = isObject(body.amount) ? body.amount : null;
    const total = amount?.total;
    if (typeof total !== 'number' || !Number.isSafeInteger(total) || total < 1) return param('amount.total must be an integer >= 1');
    if (amount?.currency !== undefined && amount.currency !== 'CNY') return param('amount.currency must be CNY');
    const payer = isObject(body.payer) ? body.payer : null;
    const openid = payer?.openid;
    if (typeof openid !== 'string' || openid === '') return param('payer.openid is required');
    const bound = await merchantByAppid(db, box, appid);
    if (bound === null || bound.mchid !== mchid) return sendPayError(reply, payError(400, 'APPID_MCHID_NOT_MATCH', 'appid and mchid do not match'));
    // A sandbox openid of this appid is one the sandbox minted a login code for.
    const known = await db.selectFrom('sandbox_wechat_codes').select('code').where('appid', '=', appid).where('openid', '=', openid).limit(1).executeTakeFirst();
    if (known === undefined) return param('payer.openid is not an openid of this appid');
    const now = clock.now();
    await db
      .insertInto('sandbox_wechat_transactions')
      .values({
        mchid,
        out_trade_no: outTradeNo,
        appid,
        description,
        notify_url: notifyUrl as string,
        total,
        payer_openid: openid,
        trade_state: 'NOTPAY',
        transaction_id: null,
        success_time: null,
        created_at: now,
        updated_at: now,
      })
      .onConflict((oc) => oc.columns(['mchid', 'out_trade_no']).doNothing())
      .execute();
    const t = await db.selectFrom('sandbox_wechat_transactions').selectAll().where('mchid', '=', mchid).where('out_trade_no', '=', outTradeNo).executeTakeFirstOrThrow();
    if (t.trade_state === 'SUCCESS') return sendPayError(reply, payError(403, 'ORDERPAID', 'order already paid'));
    if (t.description !== description || toNum(t.total) !== total || t.payer_openid !== openid || t.notify_url !== notifyUrl || t.appid !== appid) {
      return sendPayError(reply, payError(400, 'INVALID_REQUEST', 'out_trade_no exists with different parameters'));
    }
    const prepayId = newPrepayId(now);
    await db.insertInto('sandbox_wechat_prepays').values({ prepay_id: prepayId, mchid, out_trade_no: outTradeNo, appid, created_at: now }).execute();
    return sendSigned(reply, await state(), clock.now(), 200, { prepay_id: prepayId });
  });

  // §9.5 — order query by out_trade_no.
  app.get('/_sandbox/wechat/pay/v3/pay/transactions/out-trade-no/:outTradeNo', async (request, reply) => {
    const auth = await merchantCheck(request);
    if (!auth.ok) return sendPayError(reply, auth.error);
    const q = (request.query ?? {}) as Json;
    if (q.mchid !== auth.merchant.mchid) return sendPayError(reply, payError(400, 'PARAM_ERROR', 'mchid must equal the mchid of the request signature'));
    const { outTradeNo } = request.params as { outTradeNo: string };
    const t = await db.selectFrom('sandbox_wechat_transactions').selectAll().where('mchid', '=', auth.merchant.mchid).where('out_trade_no', '=', outTradeNo).executeTakeFirst();
    if (t === undefined) return sendPayError(reply, payError(404, 'ORDER_NOT_EXIST', 'order does not exist'));
    return sendSigned(reply, await state(), clock.now(), 200, transactionObject(t));
  });

  // §9.6 — "the user pays".
  app.post('/_sandbox/wechat/requestPayment', async (request, reply) => {
    const fail = (reason: string) => json(reply, 400, { errMsg: `requestPayment:fail ${reason}` });
    const body = jsonBody(request);
    if (body === null) return fail('invalid request');
    const str = (name: string) => (typeof body[name] === 'string' ? (body[name] as string) : '');
    const pkg = str('package');
    const prepayId = pkg.startsWith('prepay_id=') ? pkg.slice('prepay_id='.length) : '';
    const prepay = prepayId === '' ? undefined : await db.selectFrom('sandbox_wechat_prepays').selectAll().where('prepay_id', '=', prepayId).executeTakeFirst();
    if (prepay === undefined) return fail('prepay_id not found');
    const now = clock.now();
    if (now - toNum(prepay.created_at) > PREPAY_TTL_MS) return fail('prepay_id expired');
    if (str('appId') !== prepay.appid) return fail('appId mismatch');
    if (str('signType') !== 'RSA') return fail('invalid signType');
    const merchant = await merchantByMchid(db, box, prepay.mchid);
    const message = paySignMessage(str('appId'), str('timeStamp'), str('nonceStr'), pkg);
    if (merchant === null || !verifyRsaSha256(merchant.merchantPublicKeyPem, message, str('paySign'))) return fail('invalid paySign');
    const t = await db.selectFrom('sandbox_wechat_transactions').selectAll().where('mchid', '=', prepay.mchid).where('out_trade_no', '=', prepay.out_trade_no).executeTakeFirstOrThrow();
    if (str('openid') !== t.payer_openid) return fail('payer mismatch');
    const delivery = body.delivery === undefined ? 'sync' : body.delivery;
    if (delivery !== 'sync' && delivery !== 'async') return fail('invalid delivery');
    const transactionId = newTransactionId();
    // Pays once even when two requests race: the conditional update has one winner.
    const paid = await db
      .updateTable('sandbox_wechat_transactions')
      .set({ trade_state: 'SUCCESS', transaction_id: transactionId, success_time: chinaTime(now), updated_at: now })
      .where('mchid', '=', t.mchid)
      .where('out_trade_no', '=', t.out_trade_no)
      .where('trade_state', '=', 'NOTPAY')
      .executeTakeFirst();
    if (Number(paid.numUpdatedRows) !== 1) return fail('order paid');
    const notificationId = await queueNotification(db, clock, t);
    const answer = (notify: { url: string; status: number | null; attempt: number }) =>
      json(reply, 200, { errMsg: 'requestPayment:ok', transaction_id: transactionId, out_trade_no: t.out_trade_no, notify });
    if (delivery === 'async') {
      // Sent once the answer has left, so the caller sees the payment before the merchant does.
      reply.raw.once('finish', () => track(deliverNotification(notifier, notificationId)));
      return answer({ url: t.notify_url, status: null, attempt: 1 });
    }
    const outcome: DeliveryOutcome = await deliverNotification(notifier, notificationId);
    return answer(outcome);
  });

  // §9.7 — resend a fresh notification for a paid transaction.
  app.post('/_sandbox/wechat/notify/resend', async (request, reply) => {
    const body = jsonBody(request) ?? {};
    const mchid = typeof body.mchid === 'string' ? body.mchid : '';
    const outTradeNo = typeof body.out_trade_no === 'string' ? body.out_trade_no : '';
    const t = await db.selectFrom('sandbox_wechat_transactions').selectAll().where('mchid', '=', mchid).where('out_trade_no', '=', outTradeNo).executeTakeFirst();
    if (t === undefined || t.trade_state !== 'SUCCESS') return json(reply, 404, { code: 'ORDER_NOT_EXIST', message: 'no paid transaction with this mchid and out_trade_no' });
    const outcome = await deliverNotification(notifier, await queueNotification(db, clock, t));
    return json(reply, 200, { status: outcome.status });
  });
}
