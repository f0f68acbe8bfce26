// The refusals of the billing rules (spec/kamiya.md §3.2, §4.2). The Kamiya dialect maps each code to its
// `{status, message}`; a thrown BillingError means: roll back (nothing of the call stays).
export type BillingErrorCode = 'user_not_found' | 'user_not_active' | 'insufficient_credit' | 'already_checkin';

export class BillingError extends Error {
  constructor(
    readonly code: BillingErrorCode,
    message: string = code,
  ) {
    super(message);
    this.name = 'BillingError';
  }
}
