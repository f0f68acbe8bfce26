// The YOYOW answer catalogue (spec/yoyow.md §3.1, §3.3, §3.5). Every answer is HTTP 200 `{"code","data","message"}`
// in that key order, except the secure-request transport answers of §2.4 (steps 1, 3–6: `{"code","message"}`, no
// `data`), and Plaza's transport errors 404/403/409/413/429 and the internal failure (HTTP 500, code 2000), whose
// HTTP status is the code (or 500). Messages are byte-exact, including the ASCII full stop of `请求已过期.`.
import type { WireResponse } from '../../http/idempotency.js';

export const CONTENT_TYPE = 'application/json; charset=utf-8';

/** §3.3, one entry per row; the handled errors a handler may throw as `new YoyowRefusal(...YOYOW_ERRORS.x)`. */
export const YOYOW_ERRORS = {
  invalidSignatureType: [1001, '无效的签名类型'],
  invalidSignTime: [1002, '无效的签名时间'],
  /** Secure requests (§2.4 steps 4 and 6): rendered without `data`. */
  requestExpired: [1003, '请求已过期.'],
  /** `/auth/verify` (§4.25). */
  signExpired: [1003, '请求已经过期'],
  invalidOperationTime: [1004, '无效的操作时间'],
  invalidOperationSignature: [1005, '无效的操作签名'],
  accountMismatch: [1006, '账号信息与链上不匹配'],
  platformNotAuthorized: [1007, '未授权该平台'],
  internal: [2000, 'api底层异常'],
  accountNotFound: [2001, '账号不存在'],
  invalidAccount: [2002, '无效的账号'],
  invalidTransferAmount: [2003, '无效的转账金额'],
  feeNotPayable: [2004, '零钱和积分不足支付操作手续费'],
  insufficientPrepaid: [2005, '零钱不足'],
  invalidAsset: [2006, '无效的资产符号或id'],
  invalidMemoKey: [2008, '无效的备注私钥'],
  scoreInsufficientCsaf: [2010, '打分失败，积分不足'],
  forwardInsufficientPrepaid: [2011, '转发失败，零钱不足'],
  rewardInsufficient: [2012, '打赏失败，零钱/余额不足'],
  postPidMismatch: [3001, '文章ID必须为该平台该发文人的上一篇文章ID +1'],
} as const satisfies Record<string, readonly [number, string]>;

export type YoyowErrorName = keyof typeof YOYOW_ERRORS;

/**
 * A handled refusal (`{"code","data":null,"message"}`, HTTP 200). Thrown by a handler it rolls the route's
 * transaction back; the pipeline renders it and stores it under an Idempotency-Key (it is a final answer).
 */
export class YoyowRefusal extends Error {
  constructor(
    readonly code: number,
    override readonly message: string,
  ) {
    super(message);
    this.name = 'YoyowRefusal';
  }

  static of(name: YoyowErrorName): YoyowRefusal {
    const [code, message] = YOYOW_ERRORS[name];
    return new YoyowRefusal(code, message);
  }
}

/** `2000 missing parameter: <name>` (§3.5; dotted path for nested fields). */
export function missingParameter(name: string): YoyowRefusal {
  return new YoyowRefusal(2000, `missing parameter: ${name}`);
}

/** `2000 invalid parameter: <name>` (§3.5). */
export function invalidParameter(name: string): YoyowRefusal {
  return new YoyowRefusal(2000, `invalid parameter: ${name}`);
}

/** A 2000 refusal with one of the other texts of §3.5 (`post not found`, `cannot transfer to self`, …). */
export function chainRule(message: string): YoyowRefusal {
  return new YoyowRefusal(2000, message);
}

/**
 * A secure-request transport refusal (§2.4 steps 1 and 3–6): `{"code","message"}` without `data`. Never stored
 * under an Idempotency-Key (the client re-encrypts with a fresh `time` and may keep its key).
 */
export type SecureFailure = 'requestExpired' | 'invalidOperationTime' | 'invalidOperationSignature';

export class YoyowTransportRefusal extends Error {
  constructor(readonly kind: SecureFailure) {
    super(YOYOW_ERRORS[kind][1]);
    this.name = 'YoyowTransportRefusal';
  }
}

/** Plaza's transport errors (§2.1–§2.7): HTTP status = code. */
export const YOYOW_TRANSPORT = {
  notFound: [404, 'Not Found'],
  unknownApp: [404, 'unknown app'],
  appDisabled: [403, 'app disabled'],
  idempotencyConflict: [409, 'idempotency key reused with different input'],
  payloadTooLarge: [413, 'payload too large'],
  tooManyRequests: [429, 'too many requests'],
} as const satisfies Record<string, readonly [number, string]>;

export type YoyowTransportName = keyof typeof YOYOW_TRANSPORT;

function wire(statusCode: number, body: unknown, headers: Record<string, string> = {}): WireResponse {
  return { statusCode, headers: { 'content-type': CONTENT_TYPE, ...headers }, body: JSON.stringify(body) };
}

/** `{"code","data":null,"message"}`, HTTP 200. */
export function yoyowError(code: number, message: string): WireResponse {
  return wire(200, { code, data: null, message });
}

/** §2.4 steps 1, 3–6: `{"code","message"}`, HTTP 200, no `data`. */
export function secureError(name: SecureFailure): WireResponse {
  const [code, message] = YOYOW_ERRORS[name];
  return wire(200, { code, message });
}

/** 404/403/409/413/429 with HTTP status = code. */
export function transportError(name: YoyowTransportName, headers: Record<string, string> = {}): WireResponse {
  const [code, message] = YOYOW_TRANSPORT[name];
  return wire(code, { code, data: null, message }, headers);
}

/** 429 with `Retry-After`. */
export function tooManyRequests(retryAfterSeconds: number): WireResponse {
  return transportError('tooManyRequests', { 'retry-after': String(retryAfterSeconds) });
}

/** §3.1: unexpected failure or internal timeout, HTTP 500, never HTML nor a stack trace. */
export function internalError(): WireResponse {
  return wire(500, { code: 2000, data: null, message: YOYOW_ERRORS.internal[1] });
}
