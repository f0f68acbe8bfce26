// The chain's JSON value rules (spec §3.2), used when operation records are written so that histories and blocks
// render them as stored: an integer of magnitude ≤ 4294967295 is a number, a larger one a decimal string; times are
// "YYYY-MM-DDTHH:MM:SS" UTC.

const UINT32_MAX = 4294967295n;

export function chainInt(n: bigint | number): number | string {
  const b = typeof n === 'bigint' ? n : BigInt(n);
  const mag = b < 0n ? -b : b;
  return mag <= UINT32_MAX ? Number(b) : b.toString();
}

export function chainTime(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().slice(0, 19);
}

/** `{"amount":…,"asset_id":0}` */
export function assetAmount(amount: bigint, assetId = 0): { amount: number | string; asset_id: number } {
  return { amount: chainInt(amount), asset_id: assetId };
}

export const NOT_SET_TIME = '1970-01-01T00:00:00';

/** "space.type.instance" */
export function objectId(space: number, type: number, instance: number | bigint): string {
  return `${space}.${type}.${instance}`;
}

/** The `n` of `1.2.n` / `2.4.n`. */
export function accountInstance(uid: number): number {
  return Math.floor(uid / 256);
}
