// Typed errors. Every answer Plaza refuses becomes a `PlazaHttpError` subclass that keeps the HTTP status, the raw
// body and the dialect's own envelope, so callers branch on the same codes the dialect documents.

/** Base class of everything this SDK throws on purpose (bad options, timeouts, HTTP refusals). */
export class PlazaError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PlazaError';
  }
}

/** A refused request: the status, headers and body as Plaza sent them. */
export class PlazaHttpError extends PlazaError {
  constructor(
    message: string,
    readonly status: number,
    readonly body: string,
    readonly headers: Headers,
  ) {
    super(message);
    this.name = 'PlazaHttpError';
  }

  /** Seconds from `Retry-After` (429 answers), or null. */
  get retryAfterSeconds(): number | null {
    const v = this.headers.get('retry-after');
    return v !== null && /^[0-9]+$/.test(v) ? Number(v) : null;
  }
}

/** Native admin API: `{"error":{"code","message"}}`. `code` is one of `AdminErrorCode` (generated/admin.ts). */
export class AdminApiError extends PlazaHttpError {
  constructor(
    readonly code: string,
    message: string,
    status: number,
    body: string,
    headers: Headers,
  ) {
    super(`${code}: ${message}`, status, body, headers);
    this.name = 'AdminApiError';
  }
}

/** Pi Platform API: `{"error","error_message"}` plus `payment` or `verification_error` where Pi documents them. */
export class PiApiError extends PlazaHttpError {
  constructor(
    readonly error: string,
    readonly errorMessage: string,
    readonly payment: unknown,
    readonly verificationError: string | null,
    status: number,
    body: string,
    headers: Headers,
  ) {
    super(`${error}: ${errorMessage}`, status, body, headers);
    this.name = 'PiApiError';
  }
}

/** Kamiya: `{"status","message"}` with the HTTP status equal to `status`; branch on `status`, then `message`. */
export class KamiyaApiError extends PlazaHttpError {
  constructor(
    readonly kamiyaStatus: number,
    readonly kamiyaMessage: string,
    status: number,
    body: string,
    headers: Headers,
  ) {
    super(`${kamiyaStatus} ${kamiyaMessage}`, status, body, headers);
    this.name = 'KamiyaApiError';
  }
}

/** liveuser: `{"id":"E0001","code":400,"detail","status"}`; branch on `id` / `code`, not on `detail`. */
export class LiveuserApiError extends PlazaHttpError {
  constructor(
    readonly id: string,
    readonly code: number,
    readonly detail: string,
    status: number,
    body: string,
    headers: Headers,
  ) {
    super(`${id} ${detail}`, status, body, headers);
    this.name = 'LiveuserApiError';
  }
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
