// The shapes modules/yoyow hands to its callers, and its one error type.
import type { Kysely, Transaction } from 'kysely';
import type { Clock } from '../../core/clock.js';
import type { DB } from '../../db/schema.js';
import type { YoyowChainSettings } from './settings.js';

export const YOYO_SYMBOL = 'YOYO';
export const YOYO_PRECISION = 5;
/** 2^63 − 1: the chain's "unlimited" (rendered as a string by the int64 rule). */
export const INT64_MAX = (1n << 63n) - 1n;

export type Db = Kysely<DB> | Transaction<DB>;

/** A chain account: a global user, an app (its uid is its id) or one of the node's system accounts. */
export interface YoyowAccountRef {
  kind: 'user' | 'app' | 'system';
  uid: number;
  /** end_users.id of a user. */
  userId?: number;
  /** apps.id of an app (= its uid). */
  appId?: number;
  /** The Plaza username of a user (for §5.1 names). */
  username?: string;
  /** A user disabled in Plaza (counts as having no active consent, §5.5). */
  disabled?: boolean;
  /** `issuer` or `node` for system accounts. */
  systemRole?: string;
  /** When the user or app was created (ms); system accounts: when the node created them. */
  createdAt?: number;
}

export interface Consent {
  /** Instance of the `2.22.<i>` object id. */
  instance: number;
  userUid: number;
  appUid: number;
  /** null = unlimited (rendered "9223372036854775807"). */
  maxLimit: bigint | null;
  curUsed: bigint;
  permissionFlags: number;
  memo: string | null;
  suspended: boolean;
}

/** The error codes of spec §3.3 a chain rule can produce; the dialect maps them to its refusals. */
export class YoyowChainError extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
    this.name = 'YoyowChainError';
  }
}

export const CHAIN_ERRORS = {
  accountNotFound: [2001, '账号不存在'],
  invalidAccount: [2002, '无效的账号'],
  invalidAmount: [2003, '无效的转账金额'],
  feeUnpaid: [2004, '零钱和积分不足支付操作手续费'],
  prepaidShort: [2005, '零钱不足'],
  invalidAsset: [2006, '无效的资产符号或id'],
  noMemoKey: [2008, '无效的备注私钥'],
  notAuthorised: [1007, '未授权该平台'],
} as const;

export function chainError(which: keyof typeof CHAIN_ERRORS): YoyowChainError {
  const [code, message] = CHAIN_ERRORS[which];
  return new YoyowChainError(code, message);
}

/** A 2000 refusal with one of the §3.5 texts. */
export function chainRule(message: string): YoyowChainError {
  return new YoyowChainError(2000, message);
}

export interface ChainDeps {
  clock: Clock;
  settings: YoyowChainSettings;
}

/** An operation as recorded (§5.10) and listed in histories and blocks (§5.12). */
export interface OperationInput {
  type: number;
  /** The op's fields in the chain's order (§5.12), `fee` first, already in chain rendering (chainValue). */
  fields: Record<string, unknown>;
  /** uids whose histories list the operation (duplicates are ignored). */
  involved: number[];
  /** `[1,"<id>"]` result; absent = `[0,{}]`. */
  resultObjectId?: string;
  /** The ledger transfers this operation made, in order. */
  transferTxids: string[];
}

export interface RecordedOperation {
  /** 40 hex: the YOYOW txid. */
  txid: string;
  /** 64 hex: Plaza's txid (the sealed entry). */
  fullTxid: string;
  blockNum: number;
  /** The `1.10.<i>` instance. */
  instance: number;
}

/** What an operation answers a write route (§4: `{block_num, txid}`). */
export interface WriteResult {
  block_num: number;
  txid: string;
}
