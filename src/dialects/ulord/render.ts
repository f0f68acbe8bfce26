// Output formatting (spec §2.5): keys of every object in alphabetical order, timestamps as ISO-8601 UTC with six
// fractional digits and `+00:00`, UTF-8 JSON. Every response is built from a fresh object.
import type { WireResponse } from '../../http/idempotency.js';
import { errorEnvelope, httpStatusOf, type Envelope, type Errcode, type UlordFailure } from './errors.js';

export const CONTENT_TYPE = 'application/json; charset=utf-8';

/** A decimal written as a JSON number exactly as given (never through a binary float): ULD prices and sums. */
export class RawNumber {
  constructor(readonly text: string) {
    if (!/^-?[0-9]+(\.[0-9]+)?$/.test(text)) throw new Error(`not a decimal: ${text}`);
  }
}

/** JSON with object keys sorted at every level; `undefined` members are left out. */
export function sortedJson(value: unknown): string {
  if (value instanceof RawNumber) return value.text;
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error('non-finite number in a response');
    return JSON.stringify(value);
  }
  if (typeof value === 'bigint') return value.toString();
  if (typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(sortedJson).join(',')}]`;
  const obj = value as Record<string, unknown>;
  const parts: string[] = [];
  for (const k of Object.keys(obj).sort()) {
    if (obj[k] === undefined) continue;
    parts.push(`${JSON.stringify(k)}:${sortedJson(obj[k])}`);
  }
  return `{${parts.join(',')}}`;
}

/** `2018-04-12T10:56:19.394000+00:00`; null stays null. */
export function timestamp(ms: number | null): string | null {
  if (ms === null) return null;
  return new Date(ms).toISOString().replace(/Z$/, '000+00:00');
}

export function envelopeResponse(envelope: Envelope, statusCode: number, headers: Record<string, string> = {}): WireResponse {
  return { statusCode, headers: { 'content-type': CONTENT_TYPE, ...headers }, body: sortedJson(envelope) };
}

/** `{"errcode":0,"reason":"success"}` plus `result` when there is one. */
export function success(result?: unknown): WireResponse {
  const env: Envelope = { errcode: 0, reason: 'success' };
  if (result !== undefined) env.result = result;
  return envelopeResponse(env, 200);
}

export function failure(code: Errcode | UlordFailure, headers: Record<string, string> = {}): WireResponse {
  const f: UlordFailure = typeof code === 'number' ? { errcode: code } : code;
  return envelopeResponse(errorEnvelope(f.errcode, f.walletReason), httpStatusOf(f.errcode), headers);
}
