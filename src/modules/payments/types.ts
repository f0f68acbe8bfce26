// The payments module's public shapes (spec/pi.md §4): one state and a cancel reason per payment, the refusals, and
// who is looking at a payment.
export type PaymentState = 'created' | 'approved' | 'verified' | 'completed' | 'cancelled';
export type CancelReason = 'developer' | 'approval_timeout' | 'expired' | 'superseded' | 'user';
export type Direction = 'user_to_app' | 'app_to_user';

export interface Payment {
  /** 28 characters [0-9A-Za-z], CSPRNG. */
  identifier: string;
  appId: number;
  /** end_users.id of the payer (U2A) / recipient (A2U). */
  userId: number;
  /** Pairwise uid of that user for the app. */
  userUid: string;
  direction: Direction;
  /** Minor units, precision 7. */
  amount: bigint;
  memo: string;
  /** The metadata object's JSON text exactly as received (key order, number literals kept). */
  metadataJson: string;
  fromAddress: string;
  toAddress: string;
  network: string;
  state: PaymentState;
  cancelReason: CancelReason | null;
  /** Survives a cancel ("as before cancel", §4.1). */
  developerApproved: boolean;
  txid: string | null;
  createdAt: number;
  approvedAt: number | null;
  verifiedAt: number | null;
  completedAt: number | null;
  cancelledAt: number | null;
}

export type VerificationError =
  | 'tx_not_found'
  | 'tx_memo_payment_identifier_mismatch'
  | 'tx_amount_mismatch'
  | 'tx_source_mismatch'
  | 'tx_destination_mismatch'
  | 'payment_not_approved'
  | 'payment_already_linked_with_a_tx'
  | 'payment_not_found'
  | 'cancelled_payment';

export type PaymentErrorCode =
  | 'feature_not_available'
  | 'user_not_found'
  | 'missing_scope'
  | 'payment_not_found'
  | 'forbidden'
  | 'ongoing_payment_found'
  | 'already_completed'
  | 'cancelled_payment'
  | 'payment_tx_present'
  | 'txid_mismatch'
  | 'verification_failed'
  | 'payment_not_approved'
  | 'insufficient_funds';

/** Thrown to refuse; nothing was written (the caller rolls back). `payment` is the DTO subject where §3.2 says so. */
export class PaymentError extends Error {
  constructor(
    readonly code: PaymentErrorCode,
    readonly payment?: Payment,
    readonly verificationError?: VerificationError,
  ) {
    super(verificationError ? `${code}: ${verificationError}` : code);
    this.name = 'PaymentError';
  }
}

/** Who asks (spec §2.1): the app (Key), one user through one app (access token), or the user's wallet page. */
export type PaymentViewer =
  | { kind: 'app'; appId: number }
  | { kind: 'app_user'; appId: number; userId: number }
  | { kind: 'wallet'; userId: number };

/** The §4.1 flags, derived from the state and cancel reason (never stored). */
export interface PaymentFlags {
  developer_approved: boolean;
  transaction_verified: boolean;
  developer_completed: boolean;
  cancelled: boolean;
  user_cancelled: boolean;
}

export function paymentFlags(p: Pick<Payment, 'state' | 'cancelReason' | 'developerApproved'>): PaymentFlags {
  const paid = p.state === 'verified' || p.state === 'completed';
  const cancelled = p.state === 'cancelled';
  return {
    developer_approved: p.developerApproved,
    transaction_verified: paid,
    developer_completed: p.state === 'completed',
    cancelled: cancelled && p.cancelReason !== 'user',
    user_cancelled: cancelled && p.cancelReason === 'user',
  };
}
