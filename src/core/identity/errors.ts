// Identity refusals. Each is a business outcome the caller renders in its own wire format (the Ulord dialect maps
// them to errcodes in dialects/ulord/errors.ts); nothing was written when one is thrown inside a transaction, as
// long as the caller lets it roll the transaction back.
export type IdentityErrorCode =
  | 'username_taken'
  | 'phone_taken'
  | 'email_taken'
  | 'app_name_taken'
  | 'not_found'
  | 'role_not_found'
  | 'developer_not_found'
  | 'type_not_found'
  | 'parent_not_found'
  | 'app_not_found'
  | 'forbidden'
  | 'wrong_password'
  | 'unknown_user'
  | 'blocked'
  | 'builtin_role'
  | 'in_use'
  | 'cycle'
  | 'duplicate_name'
  | 'wallet_unavailable'
  // App-scoped wallet users (walletUsers.ts).
  | 'wallet_user_exists'
  | 'wallet_user_not_found'
  | 'wallet_user_disabled'
  | 'wrong_pay_password'
  | 'pay_password_locked'
  // Pay passwords of any end user (payPasswords.ts).
  | 'user_disabled'
  | 'pay_password_not_set';

export class IdentityError extends Error {
  constructor(
    readonly code: IdentityErrorCode,
    message: string = code,
  ) {
    super(message);
    this.name = 'IdentityError';
  }
}
