// Request decoding of the liveuser dialect (spec/liveuser.md §2.2): field names in snake_case or lowerCamelCase
// (snake_case wins when both are present), proto3 defaults for absent fields (and for `null`), 64-bit fields as a
// JSON number or a decimal string, int32 fields likewise; anything else is a 400 naming the field. Numbers arrive as
// their literal text (http/body.ts), so a 64-bit id is never rounded through a float.
import { JsonNumber, type JsonObject } from '../../http/body.js';
import { badRequest } from './errors.js';

const UINT64_LIMIT = 1n << 64n;
const INT32_MIN = -(2n ** 31n);
const INT32_MAX = 2n ** 31n - 1n;

export function camelCase(snake: string): string {
  return snake.replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase());
}

export function snakeCase(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

/** The value of `name` (snake_case) or its lowerCamelCase alias; undefined when neither is present. */
export function field(obj: JsonObject, name: string): unknown {
  const v = obj[name];
  if (v !== undefined) return v;
  return obj[camelCase(name)];
}

/** A string field; absent or null → `""`. */
export function readString(obj: JsonObject, name: string, label = name): string {
  const v = field(obj, name);
  if (v === undefined || v === null) return '';
  if (typeof v !== 'string') throw badRequest(`${label} must be a string`);
  return v;
}

function integerText(v: unknown): string | null {
  if (v instanceof JsonNumber) return /^-?(0|[1-9][0-9]*)$/.test(v.text) ? v.text : null;
  if (typeof v === 'string') return /^-?[0-9]{1,40}$/.test(v) ? v : null;
  return null;
}

/** A uint64 field (`cursor`, `order_id`): a whole JSON number or decimal string in 0..2^64−1; absent → 0. */
export function readUint64(obj: JsonObject, name: string, label = name): bigint {
  const v = field(obj, name);
  if (v === undefined || v === null) return 0n;
  const text = integerText(v);
  if (text === null || text.startsWith('-')) throw badRequest(`invalid ${label}: an unsigned 64-bit integer is required`);
  const n = BigInt(text);
  if (n >= UINT64_LIMIT) throw badRequest(`invalid ${label}: an unsigned 64-bit integer is required`);
  return n;
}

/** An int32 field (`count`): a whole JSON number or decimal string in −2^31..2^31−1; absent → 0. */
export function readInt32(obj: JsonObject, name: string, label = name): number {
  const v = field(obj, name);
  if (v === undefined || v === null) return 0;
  const text = integerText(v);
  const n = text === null ? null : BigInt(text);
  if (n === null || n < INT32_MIN || n > INT32_MAX) throw badRequest(`invalid ${label}: a 32-bit integer is required`);
  return Number(n);
}

/** An object field; absent or null → null; anything else than an object → null as well (the caller names it). */
export function readObject(obj: JsonObject, name: string): JsonObject | null {
  const v = field(obj, name);
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof JsonNumber) ? (v as JsonObject) : null;
}

/**
 * The body as the Idempotency-Key fingerprint sees it (§2.5): every field name in snake_case at every level, the
 * snake_case spelling winning over its camelCase alias; the canonical JSON (sorted keys) is taken afterwards.
 */
export function normaliseFieldNames(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(normaliseFieldNames);
  if (typeof value !== 'object' || value === null || value instanceof JsonNumber) return value;
  const out: JsonObject = {};
  const entries = Object.entries(value as JsonObject);
  // Aliases first, so that a snake_case key written by the client overrides its alias.
  for (const [k, v] of entries) if (snakeCase(k) !== k) out[snakeCase(k)] = normaliseFieldNames(v);
  for (const [k, v] of entries) if (snakeCase(k) === k) out[k] = normaliseFieldNames(v);
  return out;
}
