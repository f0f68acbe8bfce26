// The Pi error catalogue (spec/pi.md §3.2): every `error` code once, with its HTTP status and a default English
// message. The body is `{"error", "error_message"}` plus `payment` or `verification_error` where the catalogue says
// so; clients key off `error`, the message names the likely mistake.
import type { WireResponse } from '../../http/idempotency.js';
import { CORS_HEADERS, JSON_CONTENT_TYPE } from './render.js';

export interface PiCatalogueEntry {
  http: number;
  message: string;
}

export const PI_ERRORS = {
  unauthorized: { http: 401, message: 'Unauthorized: send "Authorization: Bearer <access token>" or "Authorization: Key <server API key>" as the route requires.' },
  missing_scope: { http: 403, message: 'The user has not granted the scope this request needs.' },
  forbidden: { http: 403, message: 'This credential may not perform this action.' },
  feature_not_available: { http: 403, message: 'This feature is not available for this app.' },
  not_found: { http: 404, message: 'Not found: this route does not exist in the Pi Platform API.' },
  payment_not_found: { http: 404, message: 'Payment not found.' },
  user_not_found: { http: 404, message: 'User not found: the uid is not a user of this app.' },
  method_not_allowed: { http: 405, message: 'Method not allowed on this route; see the Allow header.' },
  invalid_arguments: { http: 400, message: 'Invalid arguments: the body must be a JSON object sent as application/json (or empty).' },
  invalid_amount: { http: 400, message: 'Invalid amount: a number above 0 with at most 7 decimals is required.' },
  invalid_metadata: { http: 400, message: 'Invalid metadata: a JSON object of at most 8192 bytes is required.' },
  missing_txid: { http: 400, message: 'Missing txid: send {"txid": "<the transaction id>"}.' },
  verification_failed: { http: 400, message: 'The transaction could not be verified for this payment.' },
  ongoing_payment_found: { http: 409, message: 'An ongoing payment must be completed or cancelled first.' },
  already_completed: { http: 409, message: 'The payment is already completed.' },
  cancelled_payment: { http: 409, message: 'The payment is cancelled.' },
  payment_tx_present: { http: 409, message: 'The payment already has a transaction and cannot be cancelled.' },
  txid_mismatch: { http: 409, message: 'The txid does not match the transaction linked to this payment.' },
  payment_not_approved: { http: 409, message: 'The payment is not approved by the app yet.' },
  insufficient_funds: { http: 409, message: 'The payer balance does not cover the amount.' },
  idempotency_key_reused: { http: 409, message: 'This Idempotency-Key was already used with a different request.' },
  payload_too_large: { http: 413, message: 'The request body is larger than 64 KiB.' },
  too_many_requests: { http: 429, message: 'Too many requests; retry after the number of seconds in Retry-After.' },
  unknown_error: { http: 500, message: 'Unexpected server failure; the request may be retried.' },
} as const satisfies Record<string, PiCatalogueEntry>;

export type PiErrorCode = keyof typeof PI_ERRORS;

/**
 * Extra members some errors carry (payment routes: the PaymentDTO; complete: the verification error). The DTO comes
 * as its exact JSON text (amount and metadata written as the payments module renders them), spliced in verbatim.
 */
export interface PiErrorExtra {
  paymentJson?: string;
  verification_error?: string;
}

/** `{"error","error_message"}` then `payment` and `verification_error` when given, as JSON text. */
export function piErrorBody(code: PiErrorCode, message?: string, extra: PiErrorExtra = {}): string {
  let body = `{"error":${JSON.stringify(code)},"error_message":${JSON.stringify(message ?? PI_ERRORS[code].message)}`;
  if (extra.paymentJson !== undefined) body += `,"payment":${extra.paymentJson}`;
  if (extra.verification_error !== undefined) body += `,"verification_error":${JSON.stringify(extra.verification_error)}`;
  return `${body}}`;
}

/** The wire answer of an error: status from the catalogue, JSON body, CORS headers (§2.3) and any extra headers. */
export function piError(code: PiErrorCode, options: { message?: string; extra?: PiErrorExtra; headers?: Record<string, string> } = {}): WireResponse {
  return {
    statusCode: PI_ERRORS[code].http,
    headers: { 'content-type': JSON_CONTENT_TYPE, ...CORS_HEADERS, ...options.headers },
    body: piErrorBody(code, options.message, options.extra),
  };
}

/** A refusal a handler throws so its transaction rolls back; the pipeline renders it (and stores it under a key). */
export class PiRefusal extends Error {
  constructor(
    readonly code: PiErrorCode,
    readonly options: { message?: string; extra?: PiErrorExtra } = {},
  ) {
    super(`pi refusal ${code}`);
    this.name = 'PiRefusal';
  }
}
