// The shapes modules/ads hands to its callers.
import type { Config } from '../../config.js';
import type { Services } from '../../services.js';
import { yoyowDeps, type WriteDeps, type WriteResult } from '../yoyow/index.js';

export const ORDER_STATUS = {
  undetermined: 'advertising_undetermined',
  accepted: 'advertising_accepted',
  refused: 'advertising_refused',
  ransom: 'advertising_ransom',
} as const;
export type OrderStatus = (typeof ORDER_STATUS)[keyof typeof ORDER_STATUS];

/** Ledger transfer kinds of §5.3 this module makes. */
export const KIND = {
  escrow: 'yoyow.ad_escrow',
  settle: 'yoyow.ad_settle',
  refund: 'yoyow.ad_refund',
} as const;

/** §5.9: the furthest start and the longest period, in seconds. */
export const TEN_YEARS_SECONDS = 10 * 365 * 86_400;

/** `yoyow.advertising.*` (Appendix A, §5.9). */
export interface AdvertisingSettings {
  /** Basis points. */
  confirmedFeeRate: bigint;
  /** Base units. */
  confirmedMinFee: bigint;
  ransomAfterSeconds: number;
}

export interface AdsDeps extends WriteDeps {
  advertising: AdvertisingSettings;
}

export function advertisingSettings(config: Config): AdvertisingSettings {
  const a = config.yoyow.advertising;
  return { confirmedFeeRate: BigInt(a.confirmedFeeRate), confirmedMinFee: BigInt(a.confirmedMinFee), ransomAfterSeconds: a.ransomAfter };
}

export function adsDeps(services: Pick<Services, 'config' | 'clock' | 'box'>): AdsDeps {
  return { ...yoyowDeps(services), advertising: advertisingSettings(services.config) };
}

/** An account named by uid (checksum already checked) or by its §5.1 name. */
export type AccountSpec = { uid: number } | { name: string };

/** What a write answers: `{block_num, txid}` plus the fee charged (the echo's `fee.total.amount`). */
export interface AdWrite extends WriteResult {
  fee: bigint;
}

export interface AdView {
  instance: number;
  aid: number;
  platformUid: number;
  onSell: boolean;
  unitTime: bigint;
  unitPrice: bigint;
  description: string;
  lastOrderSequence: number;
  /** ms */
  publishTime: number;
  lastUpdateTime: number;
}

export interface OrderView {
  instance: number;
  oid: number;
  platformUid: number;
  aid: number;
  buyerUid: number;
  price: bigint;
  buyNumber: bigint;
  /** Seconds. */
  startTime: number;
  endTime: number;
  /** ms */
  buyRequestTime: number;
  status: OrderStatus;
  /** ms; null until handled. */
  handleTime: number | null;
  memo: Record<string, unknown> | null;
  extraData: string;
}
