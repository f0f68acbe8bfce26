// The liveuser error catalogue (spec/liveuser.md §2.4): every error once, with its HTTP status (= `code`) and reason
// phrase (`status`, empty for 550–552 as the original framework produced). The body is
// `{"id", "code", "detail", "status"}` in that key order; `detail` is a short English message clients should not
// branch on. Wx.Postpay answers WeChat in WeChat's own `{"code":"FAIL","message"}` instead (`postpayFailure`).
import type { WireResponse } from '../../http/idempotency.js';

export const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';

export const LIVEUSER_ERRORS = {
  /** Unexpected failure; WeChat not configured; a WeChat reply that fails verification. */
  E0000: { code: 500, status: 'Internal Server Error' },
  /** Invalid input; malformed Idempotency-Key; code2Session errcode ≠ 0; WeChat Pay 4xx. */
  E0001: { code: 400, status: 'Bad Request' },
  /** Missing / unknown / expired / revoked access token; token of another app; bad or reused refresh token. */
  E0002: { code: 401, status: 'Unauthorized' },
  /** User disabled; app disabled. */
  E0003: { code: 403, status: 'Forbidden' },
  /** Order already paid; Idempotency-Key reused with different input. */
  E0004: { code: 409, status: 'Conflict' },
  /** Rate limit per IP or per app (with Retry-After). */
  E0005: { code: 429, status: 'Too Many Requests' },
  /** Not POST (with Allow: POST). */
  E0006: { code: 405, status: 'Method Not Allowed' },
  /** Storage failure after Plaza's own retries. */
  E0100: { code: 550, status: '' },
  /** WeChat unreachable, timed out, or 5xx. */
  E0101: { code: 551, status: '' },
  /** Unknown route or app; User.Get before User.Set; no such order. */
  E0102: { code: 404, status: 'Not Found' },
  /** Reserved, never produced. */
  E0103: { code: 552, status: '' },
} as const satisfies Record<string, { code: number; status: string }>;

export type LiveuserErrorId = keyof typeof LIVEUSER_ERRORS;

/** Answers that must never be stored under an Idempotency-Key (§2.5): a retry is evaluated afresh. */
const NOT_STORED: ReadonlySet<LiveuserErrorId> = new Set(['E0000', 'E0100', 'E0101', 'E0005']);

export function isStorable(id: LiveuserErrorId): boolean {
  return !NOT_STORED.has(id);
}

export function liveuserErrorBody(id: LiveuserErrorId, detail: string): string {
  const e = LIVEUSER_ERRORS[id];
  return JSON.stringify({ id, code: e.code, detail, status: e.status });
}

export function liveuserError(id: LiveuserErrorId, detail: string, headers: Record<string, string> = {}): WireResponse {
  return { statusCode: LIVEUSER_ERRORS[id].code, headers: { 'content-type': JSON_CONTENT_TYPE, ...headers }, body: liveuserErrorBody(id, detail) };
}

/** A refusal a handler throws so its transaction rolls back; the pipeline renders it (and stores it when final). */
export class LiveuserRefusal extends Error {
  constructor(
    readonly id: LiveuserErrorId,
    readonly detail: string,
  ) {
    super(`liveuser ${id}: ${detail}`);
    this.name = 'LiveuserRefusal';
  }
}

export function badRequest(detail: string): LiveuserRefusal {
  return new LiveuserRefusal('E0001', detail);
}

/** Wx.Postpay's failure reply (§6.6): WeChat reads `code` and retries on its schedule. */
export function postpayFailure(status: number, message: string, headers: Record<string, string> = {}): WireResponse {
  return { statusCode: status, headers: { 'content-type': JSON_CONTENT_TYPE, ...headers }, body: JSON.stringify({ code: 'FAIL', message }) };
}
