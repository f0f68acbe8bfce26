// WeChat Pay notifications (spec/liveuser.md §6.6 checks 2–9, §8.7): signature over the raw body with the platform
// key named by `Wechatpay-Serial`, the timestamp window, the envelope, then AES-256-GCM decryption of the resource
// with the APIv3 key. Pure: the caller passes the time and gets back either the decrypted transaction or the exact
// refusal to send. Checks 10–14 (merchant, order, amounts, transition) belong to the orders module.
import { aeadDecrypt, verifyResponseSignature } from './crypto.js';
import type {
  NotificationEnvelope,
  NotificationHeaders,
  NotificationResult,
  NotificationSignatureResult,
  WechatAppConfig,
  WechatTransaction,
} from './types.js';

function header(headers: NotificationHeaders, name: string): string | undefined {
  const v = headers[name] ?? headers[name.toLowerCase()];
  const one = Array.isArray(v) ? v[0] : v;
  return one === undefined || one === '' ? undefined : one;
}

/** §6.6 checks 2–5. `rawBody` must be the bytes as received. */
export function verifyNotificationSignature(
  cfg: WechatAppConfig,
  headers: NotificationHeaders,
  rawBody: Buffer | string,
  nowMs: number,
  toleranceSeconds: number,
): NotificationSignatureResult {
  const check = verifyResponseSignature(
    cfg.platformKeys,
    {
      timestamp: header(headers, 'wechatpay-timestamp'),
      nonce: header(headers, 'wechatpay-nonce'),
      signature: header(headers, 'wechatpay-signature'),
      serial: header(headers, 'wechatpay-serial'),
    },
    rawBody,
    nowMs,
    toleranceSeconds,
  );
  return check.ok ? { ok: true } : { ok: false, status: 401, message: check.reason };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/** A WeChat Pay transaction object read leniently (types.ts WechatTransaction). */
export function parseTransaction(raw: Record<string, unknown>): WechatTransaction {
  const payer = isObject(raw.payer) ? raw.payer : {};
  const amount = isObject(raw.amount) ? raw.amount : {};
  const successTime = str(raw.success_time);
  const parsed = RFC3339.test(successTime) ? Date.parse(successTime) : NaN;
  return {
    appid: str(raw.appid),
    mchid: str(raw.mchid),
    outTradeNo: str(raw.out_trade_no),
    transactionId: str(raw.transaction_id),
    tradeState: str(raw.trade_state),
    tradeStateDesc: str(raw.trade_state_desc),
    successTime,
    successTimeMs: Number.isFinite(parsed) ? parsed : null,
    payerOpenid: str(payer.openid),
    amountTotal: Number.isSafeInteger(amount.total) ? (amount.total as number) : null,
    currency: str(amount.currency),
    raw,
  };
}

/** §6.6 checks 6–9, on a body whose signature already verified. */
export function openNotification(cfg: WechatAppConfig, rawBody: Buffer | string): NotificationResult {
  let body: unknown;
  try {
    body = JSON.parse(Buffer.isBuffer(rawBody) ? rawBody.toString('utf8') : rawBody);
  } catch {
    return { ok: false, status: 400, message: 'malformed notification' };
  }
  if (
    !isObject(body) ||
    typeof body.id !== 'string' ||
    typeof body.event_type !== 'string' ||
    typeof body.resource_type !== 'string' ||
    !isObject(body.resource)
  ) {
    return { ok: false, status: 400, message: 'malformed notification' };
  }
  const envelope: NotificationEnvelope = {
    id: body.id,
    eventType: body.event_type,
    resourceType: body.resource_type,
    createTime: str(body.create_time),
    summary: str(body.summary),
  };
  if (envelope.eventType !== 'TRANSACTION.SUCCESS') return { ok: true, kind: 'ignored', envelope };
  const resource = body.resource;
  if (envelope.resourceType !== 'encrypt-resource' || resource.algorithm !== 'AEAD_AES_256_GCM') {
    return { ok: false, status: 400, message: 'unsupported resource' };
  }
  if (typeof resource.ciphertext !== 'string' || typeof resource.nonce !== 'string' || cfg.apiV3Key.length === 0) {
    return { ok: false, status: 400, message: 'decrypt failed' };
  }
  const plaintext = aeadDecrypt(cfg.apiV3Key, resource.nonce, str(resource.associated_data), resource.ciphertext);
  if (plaintext === null) return { ok: false, status: 400, message: 'decrypt failed' };
  let transaction: unknown;
  try {
    transaction = JSON.parse(plaintext);
  } catch {
    return { ok: false, status: 400, message: 'decrypt failed' };
  }
  if (!isObject(transaction)) return { ok: false, status: 400, message: 'decrypt failed' };
  return { ok: true, kind: 'transaction', envelope, transaction: parseTransaction(transaction) };
}

/** §6.6 checks 2–9 in order. */
export function verifyNotification(
  cfg: WechatAppConfig,
  headers: NotificationHeaders,
  rawBody: Buffer | string,
  nowMs: number,
  toleranceSeconds: number,
): NotificationResult {
  const signature = verifyNotificationSignature(cfg, headers, rawBody, nowMs, toleranceSeconds);
  if (!signature.ok) return signature;
  return openNotification(cfg, rawBody);
}
