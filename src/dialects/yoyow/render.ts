// YOYOW wire formats (spec/yoyow.md §3.1, §3.2): the success envelope, the chain's int64 rule, chain timestamps.
// `data` is serialised in the key order the handler built it; a bigint anywhere in it follows the int64 rule, so a
// handler that forgets `chainInt` still never answers 500 for a large balance.
import type { WireResponse } from '../../http/idempotency.js';
import { CONTENT_TYPE } from './errors.js';

/** Largest integer the chain's JSON writer emits as a JSON number (§3.2). */
export const INT64_NUMBER_MAX = 4294967295n;

/** An unlimited amount (e.g. a consent's `max_limit`), rendered `"9223372036854775807"`. */
export const INT64_MAX = 9223372036854775807n;

/** §3.2: "not set". */
export const TIME_NOT_SET = '1970-01-01T00:00:00';

/** §3.2: the receiptor field `buyout_expiration` with no expiration. */
export const TIME_MAX = '1969-12-31T23:59:59';

/** §3.2 int64 rule: magnitude ≤ 4294967295 → JSON number, larger → decimal string. */
export function chainInt(n: bigint | number): number | string {
  const b = typeof n === 'bigint' ? n : BigInt(n);
  const mag = b < 0n ? -b : b;
  return mag <= INT64_NUMBER_MAX ? Number(b) : b.toString();
}

/** A uid as the chain renders it (int64 rule). */
export function renderUid(uid: number | bigint): number | string {
  return chainInt(uid);
}

/** `"YYYY-MM-DDTHH:MM:SS"` UTC, whole seconds (floor), no zone suffix; 0 → "not set". */
export function chainTime(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().slice(0, 19);
}

function replacer(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? chainInt(value) : value;
}

/** The JSON text of `data` (bigints by the int64 rule; JsonNumbers as written values). */
export function renderData(data: unknown): string {
  return JSON.stringify(data === undefined ? null : data, replacer);
}

/** §3.1 success: `{"code":0,"data":<data>,"message":"操作成功"}`, HTTP 200. */
export function yoyowOk(data: unknown): WireResponse {
  return { statusCode: 200, headers: { 'content-type': CONTENT_TYPE }, body: `{"code":0,"data":${renderData(data)},"message":"操作成功"}` };
}
