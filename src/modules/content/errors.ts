// Content refusals: business outcomes the dialect renders in its own wire format (Ulord maps them per endpoint in
// dialects/ulord/content.ts). When one is thrown by a service function, nothing that function wrote remains.
export type ContentErrorCode =
  /** No enabled content with that claim id in this app. */
  | 'content_not_found'
  /** Paid content, not yet bought, and no customer pay password given. */
  | 'payment_required'
  /** An ad not yet viewed by this reader, and no author pay password given. */
  | 'author_password_required'
  | 'user_not_found'
  | 'user_disabled'
  | 'wrong_pay_password'
  | 'pay_password_locked'
  | 'insufficient_balance'
  /** The ledger refused for a reason outside the caller's input: asset disabled, account frozen. */
  | 'ledger_refused';

export class ContentError extends Error {
  constructor(
    readonly code: ContentErrorCode,
    message: string = code,
  ) {
    super(message);
    this.name = 'ContentError';
  }
}
