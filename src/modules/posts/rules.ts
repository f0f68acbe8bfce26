// The static post rules of §5.6 (checked in stage A, before any uid or state is looked at) and the §5.8 split of a
// reward or forward payment over a post's receiptors. Pure functions: no storage, no clock.
import { chainRule } from '../yoyow/index.js';
import { POST_TYPE, RATIO_TOTAL, type PostOrigin, type Receiptor } from './types.js';

const RECEIPTORS = 'invalid parameter: extensions.receiptors';

/**
 * §5.6 receiptors: 1–5 distinct entries, ratios summing to exactly 10000; platform ≠ poster: platform with exactly
 * 2500 and poster with ≥ 2500; platform = poster: platform with ≥ 5000; a buyout offer has a price and
 * 0 < buyout_ratio ≤ cur_ratio, no offer has both 0. uids that are not numbers (NaN) simply match nobody; their
 * checksum is stage B's.
 */
export function checkReceiptors(receiptors: readonly Receiptor[], platformUid: number, posterUid: number): void {
  const bad = () => chainRule(RECEIPTORS);
  if (receiptors.length < 1 || receiptors.length > 5) throw bad();
  const seen = new Set<number>();
  let total = 0;
  for (const r of receiptors) {
    if (seen.has(r.uid) || !Number.isInteger(r.curRatio) || r.curRatio <= 0 || r.curRatio > RATIO_TOTAL) throw bad();
    seen.add(r.uid);
    total += r.curRatio;
    if (r.toBuyout ? r.buyoutPrice <= 0n || r.buyoutRatio <= 0 || r.buyoutRatio > r.curRatio : r.buyoutPrice !== 0n || r.buyoutRatio !== 0) throw bad();
  }
  if (total !== RATIO_TOTAL) throw bad();
  const ratioOf = (uid: number) => receiptors.find((r) => r.uid === uid)?.curRatio;
  const platform = ratioOf(platformUid);
  if (platformUid === posterUid) {
    if (platform === undefined || platform < 5000) throw bad();
  } else {
    const poster = ratioOf(posterUid);
    if (platform !== 2500 || poster === undefined || poster < 2500) throw bad();
  }
}

/** §5.6 defaults: platform 2500 + poster 7500; the platform posting as itself gets 10000. */
export function defaultReceiptors(platformUid: number, posterUid: number): Receiptor[] {
  const entry = (uid: number, curRatio: number): Receiptor => ({ uid, curRatio, toBuyout: false, buyoutRatio: 0, buyoutPrice: 0n, buyoutExpiration: null });
  if (platformUid === posterUid) return [entry(posterUid, RATIO_TOTAL)];
  return [entry(platformUid, 2500), entry(posterUid, 7500)].sort((a, b) => a.uid - b.uid);
}

/**
 * §5.6 origin rules: comments and forwards name their origin; a comment stays on its platform. The all-or-none
 * rule of the three `origin_*` fields is the parser's (it knows which one is missing).
 */
export function checkOrigin(postType: number, origin: PostOrigin | null, platformUid: number): void {
  if (postType !== POST_TYPE.post && origin === null) throw chainRule('missing parameter: origin_post_pid');
  if (postType === POST_TYPE.comment && origin !== null && origin.platformUid !== platformUid) throw chainRule('invalid parameter: origin_platform');
}

/**
 * §5.8: every receiptor other than the post's platform gets floor(A × cur_ratio / 10000); the platform gets the
 * remainder. Shares of 0 are left out. The shares sum to exactly `amount`.
 */
export function splitPayment(amount: bigint, receiptors: readonly Receiptor[], platformUid: number): Array<{ uid: number; amount: bigint }> {
  const shares: Array<{ uid: number; amount: bigint }> = [];
  let given = 0n;
  for (const r of receiptors) {
    if (r.uid === platformUid) continue;
    const share = (amount * BigInt(r.curRatio)) / BigInt(RATIO_TOTAL);
    given += share;
    if (share > 0n) shares.push({ uid: r.uid, amount: share });
  }
  if (amount - given > 0n) shares.push({ uid: platformUid, amount: amount - given });
  return shares.sort((a, b) => a.uid - b.uid);
}
