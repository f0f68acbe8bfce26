// The pure half of billing (spec/kamiya.md §4.2): decide from balances read under lock, then write. No storage here.
// Amounts are bigint hundredths of CREDIT.
import type { KamiyaSettings } from '../../config.js';
import { parseDecimal } from '../../core/money.js';

export const CREDIT_SYMBOL = 'CREDIT';
export const CREDIT_PRECISION = 2;

export interface BillingSettings {
  checkinRewardMinor: bigint;
  checkinTimeZone: string;
  platformFeeBps: bigint;
  maxCreditMinor: bigint;
  requireEmailVerification: boolean;
}

/** The config section in minor units (config.ts has already validated it). */
export function billingSettings(k: KamiyaSettings): BillingSettings {
  const reward = parseDecimal(k.checkinReward, CREDIT_PRECISION);
  const max = parseDecimal(k.maxCreditPerCall, CREDIT_PRECISION);
  if (typeof reward !== 'bigint' || typeof max !== 'bigint') throw new Error('kamiya settings were not validated');
  return {
    checkinRewardMinor: reward,
    checkinTimeZone: k.checkinTimeZone,
    platformFeeBps: BigInt(k.platformFeeBps),
    maxCreditMinor: max,
    requireEmailVerification: k.requireEmailVerification,
  };
}

export interface Balances {
  /** User `credit` (may be negative after a forceCharge). */
  credit: bigint;
  /** User `nc_credit` (never negative). */
  nc: bigint;
}

export type ChargeDecision = { ok: true; nc: bigint; cr: bigint } | { ok: false };

const min = (a: bigint, b: bigint): bigint => (a < b ? a : b);
const max = (a: bigint, b: bigint): bigint => (a > b ? a : b);

/**
 * The §4.2 table. NC first when `allowNC` (up to its balance), the rest from `credit`. A normal charge is
 * all-or-nothing and never takes `credit` below 0 (a negative `credit` is only ever left as it is, with cr = 0);
 * a forced charge is never refused and may drive `credit` negative, never NC.
 */
export function decideCharge(b: Balances, amount: bigint, allowNC: boolean, forced: boolean): ChargeDecision {
  if (amount <= 0n) throw new RangeError('charge amount must be > 0');
  const nc = allowNC ? min(max(b.nc, 0n), amount) : 0n;
  const cr = amount - nc;
  if (!forced) {
    if (!allowNC && b.credit < amount) return { ok: false };
    if (allowNC && cr > max(b.credit, 0n)) return { ok: false };
  }
  return { ok: true, nc, cr };
}

/** `auth` succeeds when credit + NCCredit > 0. */
export function canAuthorise(b: Balances): boolean {
  return b.credit + b.nc > 0n;
}

/** The platform's share of one charged part: floor(part × bps / 10000); the app receives the rest. */
export function splitFee(part: bigint, bps: bigint): { fee: bigint; net: bigint } {
  if (part < 0n || bps < 0n || bps > 10_000n) throw new RangeError('fee split out of range');
  const fee = (part * bps) / 10_000n;
  return { fee, net: part - fee };
}

/** "Active" (§4.2): not disabled, and email verified unless the platform does not require it. */
export function isActive(user: { disabled: boolean; emailVerified: boolean }, requireEmailVerification: boolean): boolean {
  return !user.disabled && (user.emailVerified || !requireEmailVerification);
}

const dayFormats = new Map<string, Intl.DateTimeFormat>();

/** The calendar date `YYYY-MM-DD` of `epochMs` in the IANA time zone `timeZone` (§5.6). */
export function localDay(epochMs: number, timeZone: string): string {
  let f = dayFormats.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', calendar: 'gregory', numberingSystem: 'latn' });
    if (dayFormats.size < 64) dayFormats.set(timeZone, f);
  }
  const parts = Object.fromEntries(f.formatToParts(new Date(epochMs)).map((p) => [p.type, p.value]));
  return `${parts.year}-${parts.month}-${parts.day}`;
}
