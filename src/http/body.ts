// Request bodies reach every handler as the raw bytes (the server registers a catch-all content-type parser), so
// each dialect decides how to read them: Ulord ignores the Content-Type and treats an empty body as `{}`, signature
// checks need the exact bytes, and idempotency fingerprints the parsed value.
import type { FastifyRequest } from 'fastify';
import { parse as parseLossless } from 'lossless-json';

/**
 * A JSON number as it was written. Bodies are parsed without ever turning a number into a binary float, so
 * decimal money (`"amount": 0.1`) and large integers arrive exactly; validators read `.text`.
 */
export class JsonNumber {
  constructor(readonly text: string) {}
  toJSON(): number {
    return Number(this.text);
  }
}

export type JsonObject = { [key: string]: unknown };

export type ParsedBody = { ok: true; value: JsonObject } | { ok: false; reason: 'not_json' | 'not_object' };

export function rawBody(request: FastifyRequest): Buffer {
  const b = request.body;
  if (b === undefined || b === null) return Buffer.alloc(0);
  if (Buffer.isBuffer(b)) return b;
  return Buffer.from(typeof b === 'string' ? b : JSON.stringify(b));
}

/** Parses a JSON object body; an empty (or all-whitespace) body is `{}`. */
export function parseJsonObject(raw: Buffer): ParsedBody {
  const text = raw.toString('utf8');
  if (text.trim() === '') return { ok: true, value: {} };
  let value: unknown;
  try {
    value = parseLossless(text, null, (literal: string) => new JsonNumber(literal));
  } catch {
    return { ok: false, reason: 'not_json' };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value) || value instanceof JsonNumber) {
    return { ok: false, reason: 'not_object' };
  }
  return { ok: true, value: value as JsonObject };
}

/** Canonical JSON of a parsed body: object keys sorted at every level, no insignificant whitespace, numbers as written. */
export function canonicalJson(value: unknown): string {
  if (value instanceof JsonNumber) return value.text;
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.keys(value as JsonObject)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as JsonObject)[k])}`);
  return `{${entries.join(',')}}`;
}
