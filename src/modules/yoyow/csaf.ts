// csaf accrual (spec §5.3), pure. The account earns coin-seconds on its YOYO `balance` since its last settlement
// (at most W seconds), one csaf unit per R coin-seconds, never past CAP; the remainder is carried.
import type { CsafSettings } from './settings.js';

export interface CsafState {
  /** The YOYO `balance` sub-balance (base units). */
  balance: bigint;
  /** The csaf sub-balance. */
  csaf: bigint;
  /** Seconds. */
  settledAt: number;
  /** Coin-seconds below R. */
  carry: bigint;
}

export interface Accrual {
  /** earned' of §5.3: what a settlement moves (and what reads add). */
  earned: bigint;
  /** The carry after settlement. */
  carry: bigint;
}

export function accrue(state: CsafState, nowSeconds: number, s: CsafSettings): Accrual {
  const elapsed = Math.max(0, nowSeconds - state.settledAt);
  const delta = BigInt(s.window > 0 ? Math.min(elapsed, s.window) : elapsed);
  // A negative balance (only the issuer's) earns nothing.
  const held = state.balance > 0n ? state.balance : 0n;
  const cs = state.carry + held * delta;
  const earned = cs / s.rate;
  const carry = cs % s.rate;
  const room = s.maxPerAccount - state.csaf > 0n ? s.maxPerAccount - state.csaf : 0n;
  if (earned > room) return { earned: room, carry: 0n };
  return { earned, carry };
}

export function nowSeconds(ms: number): number {
  return Math.floor(ms / 1000);
}
