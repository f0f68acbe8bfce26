// The shapes the WeChat integration exchanges with its callers (liveuser dialect, orders module, admin API, sandbox).
// No behaviour here: see index.ts for the map of the integration.

/** One WeChat Pay platform public key: a platform certificate serial or a public-key id (`PUB_KEY_ID_…`). */
export interface PlatformKey {
  serial: string;
  /** SPKI PEM (`-----BEGIN PUBLIC KEY-----`). */
  publicKeyPem: string;
}

export type WechatMode = 'live' | 'sandbox';

/**
 * An app's WeChat configuration (spec/liveuser.md §8.1), secrets in clear: it exists only in memory. Login needs
 * `appid` + `appSecret`; WeChat Pay additionally needs `mchid`, `merchantSerial`, `merchantPrivateKeyPem`, `apiV3Key`
 * and at least one platform key (`wechatPayConfigured`). Empty strings mean "not set".
 */
export interface WechatAppConfig {
  mode: WechatMode;
  appid: string;
  appSecret: string;
  mchid: string;
  /** Merchant API certificate serial (`serial_no`), 40 hex. */
  merchantSerial: string;
  /** RSA-2048, PEM PKCS#8. */
  merchantPrivateKeyPem: string;
  /** 32 ASCII characters. */
  apiV3Key: string;
  platformKeys: PlatformKey[];
  /** Overrides the default notify URL (`<publicBaseUrl>/apps/<appkey>/liveuser/Wx/Postpay`); null = default. */
  notifyUrl: string | null;
}

/** What the console / admin API may show: every secret replaced by a mask (`****` + last 4 characters at most). */
export interface MaskedWechatConfig {
  mode: WechatMode;
  appid: string;
  appSecret: string;
  mchid: string;
  merchantSerial: string;
  merchantPrivateKey: string;
  /** The merchant public key (SPKI PEM) derived from the private key; '' when none. Public, so shown in full. */
  merchantPublicKeyPem: string;
  apiV3Key: string;
  platformKeys: PlatformKey[];
  notifyUrl: string | null;
  updatedAt: number;
}

/** Result of `code2Session` when WeChat answered HTTP 200 JSON. Transport failures throw `WechatUnavailable`. */
export type Code2SessionResult =
  | { ok: true; openid: string; sessionKey: string; unionid: string | null }
  /** errcode ≠ 0: the dialect answers 400 `wx.login: auth.code2Session: errcode(<errcode>) <errmsg>`. */
  | { ok: false; errcode: number; errmsg: string };

/** The order a JSAPI prepay is for (§8.4). Same input ⇒ byte-identical request body. */
export interface PrepayRequest {
  /** Product names joined with ", ", cut to 127 characters: build it with `orderDescription`. */
  description: string;
  /** The order id in decimal. */
  outTradeNo: string;
  /** Absolute notify URL: `notifyUrlFor(cfg, publicBaseUrl, appkey)`. */
  notifyUrl: string;
  /** order.pay in fen, ≥ 1. */
  totalFen: number;
  payerOpenid: string;
}

/** A 4xx answer of WeChat Pay, read for its code only (§8.6). 5xx/transport throw `WechatUnavailable`. */
export interface WechatPayRefusal {
  ok: false;
  status: number;
  /** e.g. `ORDERPAID`, `PARAM_ERROR`, `ORDER_NOT_EXIST`; '' when the body had none. */
  code: string;
  message: string;
}

export type PrepayResult = { ok: true; prepayId: string } | WechatPayRefusal;

export type QueryOrderResult = { ok: true; transaction: WechatTransaction } | WechatPayRefusal;

/** The client payment parameters handed to `wx.requestPayment` (§8.5). Keys in this order on the wire. */
export interface PayParams {
  appId: string;
  timeStamp: string;
  nonceStr: string;
  package: string;
  signType: 'RSA';
  paySign: string;
}

/**
 * A WeChat Pay transaction object (decrypted notification resource or order-query answer), fields read leniently:
 * a missing string is '', a missing number null. `raw` keeps every field for the payment record.
 */
export interface WechatTransaction {
  appid: string;
  mchid: string;
  outTradeNo: string;
  transactionId: string;
  /** `SUCCESS`, `NOTPAY`, `CLOSED`, `REFUND`, … */
  tradeState: string;
  tradeStateDesc: string;
  /** RFC 3339 with offset, as sent; '' when absent. */
  successTime: string;
  /** `successTime` in epoch ms; null when absent or not a valid RFC 3339 time. */
  successTimeMs: number | null;
  payerOpenid: string;
  /** `amount.total` when it is a safe integer, else null. */
  amountTotal: number | null;
  /** `amount.currency`; '' when absent. */
  currency: string;
  raw: Record<string, unknown>;
}

/** Headers of a notification, as Fastify gives them (lower-case names; a repeated header may be an array). */
export type NotificationHeaders = Record<string, string | string[] | undefined>;

/**
 * Why a notification is refused (§6.6 checks 2–5 and 6, 8, 9). `status` and `message` are exactly the reply the
 * dialect sends: `{"code":"FAIL","message":<message>}` with HTTP `status`.
 */
export type NotificationRefusal =
  | { ok: false; status: 401; message: 'missing signature headers' | 'unknown platform key' | 'timestamp out of range' | 'invalid signature' }
  | { ok: false; status: 400; message: 'malformed notification' | 'unsupported resource' | 'decrypt failed' };

/** The envelope fields of a notification whose signature verified. */
export interface NotificationEnvelope {
  id: string;
  eventType: string;
  resourceType: string;
  createTime: string;
  summary: string;
}

export type NotificationResult =
  | NotificationRefusal
  /** Check 7: an event other than TRANSACTION.SUCCESS → answer 204, change nothing (nothing was decrypted). */
  | { ok: true; kind: 'ignored'; envelope: NotificationEnvelope }
  | { ok: true; kind: 'transaction'; envelope: NotificationEnvelope; transaction: WechatTransaction };

/** Signature-only outcome (§6.6 checks 2–5): lets the dialect run the Idempotency-Key step between 5 and 6. */
export type NotificationSignatureResult = { ok: true } | Extract<NotificationRefusal, { status: 401 }>;
