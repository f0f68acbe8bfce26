// The Kamiya status and message catalogue (spec/kamiya.md §3.2). Every answer is `{"status", "message"?, "data"?}`
// with the keys in that order and the HTTP status equal to `status`. The seed fixes `insufficient credit`,
// `user not active`, `already checkin` and `Bad Request`; the other texts are Plaza's.
import type { WireResponse } from '../../http/idempotency.js';

export interface KamiyaCatalogueEntry {
  status: number;
  message: string;
}

export const KAMIYA_ERRORS = {
  bad_request: { status: 400, message: 'Bad Request' },
  already_checkin: { status: 400, message: 'already checkin' },
  unauthorized: { status: 401, message: 'Unauthorized' },
  user_not_active: { status: 403, message: 'user not active' },
  insufficient_credit: { status: 403, message: 'insufficient credit' },
  token_not_found: { status: 404, message: 'token not found' },
  user_not_found: { status: 404, message: 'user not found' },
  not_found: { status: 404, message: 'Not Found' },
  method_not_allowed: { status: 405, message: 'Method Not Allowed' },
  idempotency_key_reused: { status: 409, message: 'Idempotency-Key reused' },
  payload_too_large: { status: 413, message: 'Payload Too Large' },
  too_many_requests: { status: 429, message: 'Too Many Requests' },
  internal: { status: 500, message: 'Internal Server Error' },
} as const satisfies Record<string, KamiyaCatalogueEntry>;

export type KamiyaErrorCode = keyof typeof KAMIYA_ERRORS;

export const CONTENT_TYPE = 'application/json; charset=utf-8';

/** `{"status", "message"?, "data"?}` in that key order; HTTP status = `status`. */
export function kamiyaResponse(status: number, message?: string, data?: unknown, headers: Record<string, string> = {}): WireResponse {
  const body: { status: number; message?: string; data?: unknown } = { status };
  if (message !== undefined) body.message = message;
  if (data !== undefined) body.data = data;
  return { statusCode: status, headers: { 'content-type': CONTENT_TYPE, ...headers }, body: JSON.stringify(body) };
}

export function kamiyaError(code: KamiyaErrorCode, headers: Record<string, string> = {}): WireResponse {
  const e = KAMIYA_ERRORS[code];
  return kamiyaResponse(e.status, e.message, undefined, headers);
}

/** `{"status":200,"message":"OK"}` plus `data` (billing); verify answers `kamiyaResponse(200, undefined, data)`. */
export function kamiyaOk(data?: unknown): WireResponse {
  return kamiyaResponse(200, 'OK', data);
}

/** A refusal a handler throws so its transaction rolls back; the pipeline renders (and stores) it. */
export class KamiyaRefusal extends Error {
  constructor(readonly code: KamiyaErrorCode) {
    super(`kamiya refusal ${code}`);
    this.name = 'KamiyaRefusal';
  }
}
