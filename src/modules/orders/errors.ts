// Refusals of the orders module. `kind` says what went wrong in words any wire format can map (the liveuser
// dialect: E0001 / E0102 / E0004 / E0000; the admin API: invalid_request / not_found / invalid_state); `message`
// is the English detail the contract prints (spec/liveuser.md §6.5, §6.7, §7.3), shown as-is.
export type OrderErrorKind =
  /** The input breaks a rule (400). */
  | 'invalid'
  /** No such product / order for this caller (404). */
  | 'not_found'
  /** The product id is live already (admin create). */
  | 'exists'
  /** The order is PAID (409). */
  | 'already_paid'
  /** The app's WeChat Pay configuration is incomplete (500). */
  | 'not_configured';

export class OrderError extends Error {
  constructor(
    readonly kind: OrderErrorKind,
    message: string,
  ) {
    super(message);
    this.name = 'OrderError';
  }
}

export function invalid(message: string): OrderError {
  return new OrderError('invalid', message);
}
