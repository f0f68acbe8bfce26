// The Ulord error catalogue (spec/ulord.md §4.1): every errcode once, with its exact reason text and HTTP status.
// Envelopes are built fresh per response (§9.1.1: the original shared and mutated its error objects).
import type { IdentityErrorCode } from '../../core/identity/errors.js';
import type { LedgerErrorCode } from '../../core/ledger/types.js';

export interface CatalogueEntry {
  reason: string;
  http: number;
}

export const ULORD_ERRORS = {
  0: { reason: 'success', http: 200 },
  400: { reason: 'Bad Request.', http: 400 },
  403: { reason: 'Forbidden.', http: 403 },
  404: { reason: 'Not found.', http: 404 },
  405: { reason: 'Method Not Allowed.', http: 405 },
  500: { reason: 'Internal Server Error.', http: 500 },
  10001: { reason: '错误的请求KEY.', http: 200 },
  10002: { reason: '该KEY无请求权限.', http: 200 },
  10003: { reason: 'KEY过期.', http: 200 },
  10004: { reason: '被禁止的IP.', http: 200 },
  10005: { reason: '被禁止的KEY.', http: 200 },
  10006: { reason: '当前IP请求超过限制.', http: 200 },
  10007: { reason: '请求超过次数限制.', http: 200 },
  10008: { reason: '系统内部异常.', http: 200 },
  10009: { reason: '接口维护.', http: 200 },
  10010: { reason: '接口停用.', http: 200 },
  10011: { reason: '当前没有登录用户,请登录.', http: 200 },
  10012: { reason: '缺少应用KEY值.', http: 200 },
  10013: { reason: '无权限进行此操作.', http: 200 },
  20000: { reason: '用户已存在.', http: 200 },
  20001: { reason: '邮箱已存在.', http: 200 },
  20002: { reason: '应用名已存在.', http: 200 },
  20003: { reason: '用户不存在.', http: 200 },
  20004: { reason: '密码错误.', http: 200 },
  20005: { reason: '数据不存在.', http: 200 },
  20006: { reason: '用户被禁用.', http: 200 },
  20007: { reason: '资源不存在.', http: 200 },
  20008: { reason: '资源需付费.', http: 200 },
  20100: { reason: '缺少参数.', http: 200 },
  20101: { reason: '参数长度不符.', http: 200 },
  20102: { reason: '参数必须为json格式.', http: 200 },
  20200: { reason: '调用钱包接口失败.', http: 200 },
  20201: { reason: '资源发布失败.', http: 200 },
  20202: { reason: '资源消费失败.', http: 200 },
  20203: { reason: '查询余额失败.', http: 200 },
  20204: { reason: '创建钱包失败.', http: 200 },
  20205: { reason: '用户注册失败,因为没有成功创建ulord钱包.', http: 200 },
  20206: { reason: '支付失败.', http: 200 },
} as const satisfies Record<number, CatalogueEntry>;

export type Errcode = keyof typeof ULORD_ERRORS;

/** §4.3: why a wallet operation (202xx) was refused. */
export type WalletReason =
  | 'user_not_found'
  | 'user_exists'
  | 'wrong_pay_password'
  | 'pay_password_locked'
  | 'insufficient_balance'
  | 'same_account'
  | 'ledger_refused'
  | 'wallet_unavailable';

export interface Envelope {
  errcode: number;
  reason: string;
  result?: unknown;
}

/** A fresh error envelope; only wallet failures (202xx) carry `result.wallet_reason`. */
export function errorEnvelope(code: Errcode, walletReason?: WalletReason): Envelope {
  const env: Envelope = { errcode: code, reason: ULORD_ERRORS[code].reason };
  if (walletReason !== undefined && code >= 20200 && code < 20300) env.result = { wallet_reason: walletReason };
  return env;
}

export function httpStatusOf(code: Errcode): number {
  return ULORD_ERRORS[code].http;
}

/** A refusal the dialect answers with: the errcode and, for wallet failures, the wallet reason. */
export interface UlordFailure {
  errcode: Errcode;
  walletReason?: WalletReason;
}

/**
 * Identity refusals → errcodes. Context matters only for `unknown_user` vs a missing record: identity uses
 * distinct codes, so the mapping is one table.
 */
export const IDENTITY_ERRCODES: Record<IdentityErrorCode, UlordFailure> = {
  username_taken: { errcode: 20000 },
  phone_taken: { errcode: 20000 },
  email_taken: { errcode: 20001 },
  app_name_taken: { errcode: 20002 },
  unknown_user: { errcode: 20003 },
  wrong_password: { errcode: 20004 },
  not_found: { errcode: 20005 },
  role_not_found: { errcode: 20005 },
  developer_not_found: { errcode: 20005 },
  type_not_found: { errcode: 20005 },
  parent_not_found: { errcode: 20005 },
  app_not_found: { errcode: 20005 },
  blocked: { errcode: 20006 },
  forbidden: { errcode: 10013 },
  builtin_role: { errcode: 10013 },
  in_use: { errcode: 10013 },
  cycle: { errcode: 20101 },
  duplicate_name: { errcode: 400 },
  wallet_unavailable: { errcode: 20205, walletReason: 'wallet_unavailable' },
  // Wallet users: the 202xx code is the endpoint's own (its route's `walletErrcode`, see walletFailure); 20206 here.
  wallet_user_exists: { errcode: 20204, walletReason: 'user_exists' },
  wallet_user_not_found: { errcode: 20206, walletReason: 'user_not_found' },
  wrong_pay_password: { errcode: 20206, walletReason: 'wrong_pay_password' },
  pay_password_locked: { errcode: 20206, walletReason: 'pay_password_locked' },
  wallet_user_disabled: { errcode: 20006 },
  // Global users' pay passwords (not reachable from Ulord endpoints, which use the wallet codes above).
  user_disabled: { errcode: 20006 },
  pay_password_not_set: { errcode: 20206, walletReason: 'wrong_pay_password' },
};

/** The errcode each wallet endpoint answers its wallet refusals with (§4.1): publish, consume, balance, createwallet, paytouser. */
export type WalletErrcode = 20201 | 20202 | 20203 | 20204 | 20206;

/** Wallet refusals whose errcode is the endpoint's (§4.3: the same reason under 20201/20202/20203/20206). */
const ENDPOINT_WALLET_REASONS: ReadonlySet<WalletReason> = new Set(['user_not_found', 'wrong_pay_password', 'pay_password_locked', 'insufficient_balance', 'same_account']);

/** Ledger refusals: a balance too low is the endpoint's wallet failure; a disabled asset or frozen account is 20200. */
export function ledgerFailure(code: LedgerErrorCode): UlordFailure | null {
  if (code === 'insufficient_funds') return { errcode: 20206, walletReason: 'insufficient_balance' };
  if (code === 'same_account') return { errcode: 20206, walletReason: 'same_account' };
  if (code === 'asset_disabled' || code === 'account_frozen') return { errcode: 20200, walletReason: 'ledger_refused' };
  return null;
}

/** `f` with its errcode replaced by the endpoint's when it is one of the endpoint-specific wallet refusals. */
export function walletFailure(f: UlordFailure, walletErrcode: WalletErrcode | undefined): UlordFailure {
  if (walletErrcode === undefined || f.walletReason === undefined || !ENDPOINT_WALLET_REASONS.has(f.walletReason)) return f;
  return { errcode: walletErrcode, walletReason: f.walletReason };
}

/**
 * A refusal a handler decides itself and throws, so that whatever it wrote in the transaction rolls back; the
 * pipeline renders it (and stores it under an Idempotency-Key, like every final answer).
 */
export class UlordRefusal extends Error {
  constructor(readonly failure: UlordFailure) {
    super(`ulord refusal ${failure.errcode}${failure.walletReason ? ` (${failure.walletReason})` : ''}`);
    this.name = 'UlordRefusal';
  }
}
