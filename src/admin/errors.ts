// The admin API's error catalogue: every refusal once, with its stable code and HTTP status. Handlers throw
// `adminError(code, message)`; the plugin renders `{"error":{"code","message"}}`. Ledger refusals map onto it here.
import { WebhookError } from '../core/events/webhookStore.js';
import { AppControlsError } from '../core/identity/appControls.js';
import { IdentityError, type IdentityErrorCode } from '../core/identity/errors.js';
import { LedgerError, type LedgerErrorCode } from '../core/ledger/types.js';

export const ADMIN_ERRORS = {
  invalid_json: 400,
  invalid_request: 400,
  invalid_amount: 400,
  invalid_idempotency_key: 400,
  asset_mismatch: 400,
  same_account: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  asset_exists: 409,
  insufficient_funds: 409,
  account_frozen: 409,
  asset_disabled: 409,
  invalid_state: 409,
  idempotency_conflict: 409,
  username_taken: 409,
  email_taken: 409,
  phone_taken: 409,
  app_name_taken: 409,
  payload_too_large: 413,
  rate_limited: 429,
  internal_error: 500,
} as const;

export type AdminErrorCode = keyof typeof ADMIN_ERRORS;

export class AdminError extends Error {
  constructor(
    readonly code: AdminErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'AdminError';
  }
  get status(): number {
    return ADMIN_ERRORS[this.code];
  }
}

export function adminError(code: AdminErrorCode, message: string): AdminError {
  return new AdminError(code, message);
}

const LEDGER_CODES: Record<LedgerErrorCode, AdminErrorCode> = {
  insufficient_funds: 'insufficient_funds',
  account_frozen: 'account_frozen',
  asset_disabled: 'asset_disabled',
  asset_mismatch: 'asset_mismatch',
  same_account: 'same_account',
  invalid_amount: 'invalid_amount',
  not_found: 'not_found',
  invalid_state: 'invalid_state',
  idempotency_conflict: 'idempotency_conflict',
};

function identityCode(code: IdentityErrorCode): AdminErrorCode {
  if (code === 'username_taken' || code === 'email_taken' || code === 'phone_taken' || code === 'app_name_taken') return code;
  if (code === 'forbidden' || code === 'blocked') return 'forbidden';
  if (code.endsWith('not_found') || code === 'unknown_user') return 'not_found';
  return 'invalid_state';
}

/** An AdminError for anything a handler threw, or null when it is a bug (rendered as internal_error). */
export function asAdminError(err: unknown): AdminError | null {
  if (err instanceof AdminError) return err;
  if (err instanceof LedgerError) return new AdminError(LEDGER_CODES[err.code] ?? 'invalid_state', err.message);
  if (err instanceof IdentityError) return new AdminError(identityCode(err.code), err.message);
  if (err instanceof AppControlsError) return new AdminError('invalid_request', err.message);
  if (err instanceof WebhookError) return new AdminError(err.code, err.message);
  return null;
}

export function errorBody(code: AdminErrorCode, message: string): string {
  return JSON.stringify({ error: { code, message } });
}
