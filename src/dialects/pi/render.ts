// Pi wire formatting (spec/pi.md §3.1, §5.5): JSON bodies built from objects whose key order is the documented
// one, UTF-8, CORS headers on every `/v2` answer (§2.3), timestamps in JavaScript's toISOString form.
import type { WireResponse } from '../../http/idempotency.js';

export const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';

/** §2.3: any origin, no credentials (cookies are never used on these routes). */
export const CORS_HEADERS: Readonly<Record<string, string>> = {
  'access-control-allow-origin': '*',
};

export const PREFLIGHT_HEADERS: Readonly<Record<string, string>> = {
  ...CORS_HEADERS,
  'access-control-allow-methods': 'GET, POST, OPTIONS',
  'access-control-allow-headers': 'Authorization, Content-Type, Idempotency-Key, X-Plaza-App',
  'access-control-max-age': '600',
};

/** 200 with `body` serialised in its own key order. */
export function ok(body: unknown): WireResponse {
  return { statusCode: 200, headers: { 'content-type': JSON_CONTENT_TYPE, ...CORS_HEADERS }, body: JSON.stringify(body) };
}

/** 200 with a body already rendered as JSON text (PaymentDTOs keep their exact amount and metadata text). */
export function okJson(text: string): WireResponse {
  return { statusCode: 200, headers: { 'content-type': JSON_CONTENT_TYPE, ...CORS_HEADERS }, body: text };
}

/** The answer to a CORS preflight (`OPTIONS` on any `/v2` path). */
export function preflight(): WireResponse {
  return { statusCode: 204, headers: { ...PREFLIGHT_HEADERS, 'content-type': 'text/plain; charset=utf-8' }, body: '' };
}

/** `2026-03-02T09:22:07.000Z`. */
export function iso8601(ms: number): string {
  return new Date(ms).toISOString();
}

/** Integer Unix seconds (§3.6 `valid_until.timestamp`). */
export function unixSeconds(ms: number): number {
  return Math.floor(ms / 1000);
}
