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
  | 'pay_password_locked';

export class IdentityError extends Error {
  constructor(
    readonly code: IdentityErrorCode,
    message: string = code,
  ) {
    super(message);
    this.name = 'IdentityError';
  }
}

/** True when a write failed on a unique index (both stores), so a lost race maps to the same refusal as a pre-check. */
export function isUniqueViolation(err: unknown): boolean {
  const e = err as { code?: string; message?: string } | null;
  return e?.code === '23505' || /^SQLITE_CONSTRAINT_(UNIQUE|PRIMARYKEY)$/.test(e?.code ?? '') || /UNIQUE constraint failed/.test(e?.message ?? '');
}

export function isForeignKeyViolation(err: unknown): boolean {
  const e = err as { code?: string; message?: string } | null;
  return e?.code === '23503' || e?.code === 'SQLITE_CONSTRAINT_FOREIGNKEY' || /FOREIGN KEY constraint failed/.test(e?.message ?? '');
}

/** The constraint or column text of a unique violation, to tell which unique key was hit. */
export function violationDetail(err: unknown): string {
  const e = err as { constraint?: string; message?: string; detail?: string } | null;
  return `${e?.constraint ?? ''} ${e?.message ?? ''} ${e?.detail ?? ''}`;
}
