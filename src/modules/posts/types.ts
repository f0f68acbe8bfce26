// The shapes modules/posts hands to its callers (spec/yoyow.md §4.7–§4.15, §5.6–§5.8), its refusals and its deps.
import type { Services } from '../../services.js';
import { YoyowChainError, yoyowDeps, type WriteDeps } from '../yoyow/index.js';

/** A post's receiptor (§5.6): ratios in basis points; `buyoutExpiration` in unix seconds, null = none. */
export interface Receiptor {
  uid: number;
  curRatio: number;
  toBuyout: boolean;
  buyoutRatio: number;
  buyoutPrice: bigint;
  buyoutExpiration: number | null;
}

export interface PostOrigin {
  platformUid: number;
  posterUid: number;
  postPid: number;
}

/** A stored post (`1.7.<instance>`). */
export interface Post {
  instance: number;
  platformUid: number;
  posterUid: number;
  postPid: number;
  postType: number;
  origin: PostOrigin | null;
  hashValue: string;
  extraData: string;
  title: string;
  body: string;
  /** ms */
  createdAt: number;
  updatedAt: number;
  /** Ascending uid; the defaults are stored when none were given. */
  receiptors: Receiptor[];
  forwardPrice: bigint | null;
  licenseLid: number;
  permissionFlags: number;
}

/** A stored licence (`2.17.<instance>`). */
export interface License {
  instance: number;
  platformUid: number;
  licenseLid: number;
  type: number;
  hashValue: string;
  extraData: string;
  title: string;
  body: string;
  createdAt: number;
}

/** A stored score (`2.16.<instance>`); award periods are not emulated (period_sequence 0, profits 0). */
export interface Score {
  instance: number;
  fromAccountUid: number;
  platformUid: number;
  posterUid: number;
  postPid: number;
  score: number;
  csaf: bigint;
  createdAt: number;
}

/** Post permission bits (§5.6). */
export const POST_FLAGS = { forward: 1, liked: 2, buyout: 4, comment: 8, reward: 16 } as const;
export const DEFAULT_POST_FLAGS = 255;
export const MAX_POST_FLAGS = 4294967295;
export const RATIO_TOTAL = 10000;

export const POST_TYPE = { post: 0, comment: 1, forward: 2, forwardAndModify: 3 } as const;

/** Ledger transfer kinds of this module (§5.3). */
export const POSTS_KIND = { forward: 'yoyow.forward', score: 'yoyow.score', reward: 'yoyow.reward' } as const;

/** The endpoint codes of §3.3 only this module produces. */
export const POST_ERRORS = {
  scoreCsafShort: [2010, '打分失败，积分不足'],
  forwardPrepaidShort: [2011, '转发失败，零钱不足'],
  rewardShort: [2012, '打赏失败，零钱/余额不足'],
  pidMismatch: [3001, '文章ID必须为该平台该发文人的上一篇文章ID +1'],
} as const;

export function postError(which: keyof typeof POST_ERRORS): YoyowChainError {
  const [code, message] = POST_ERRORS[which];
  return new YoyowChainError(code, message);
}

/** The chain write deps plus this module's node settings (Appendix A). */
export interface PostsDeps extends WriteDeps {
  /** `yoyow.max_csaf_per_approval`: the largest `csaf` of one score, base units. */
  maxCsafPerApproval: bigint;
  /** `yoyow.default_license`: each platform starts with licence 1. */
  defaultLicense: boolean;
}

export function postsDeps(services: Pick<Services, 'config' | 'clock' | 'box'>): PostsDeps {
  return { ...yoyowDeps(services), maxCsafPerApproval: BigInt(services.config.yoyow.maxCsafPerApproval), defaultLicense: services.config.yoyow.defaultLicense };
}
