// The ledger's public shapes. Amounts are bigint minor units everywhere; ids of accounts and assets are numbers.
export type TransferStatus = 'pending' | 'posted' | 'voided';

export interface Asset {
  id: number;
  symbol: string;
  precision: number;
  enabled: boolean;
  createdAt: number;
}

/** Who owns an account: `developer`, `app`, `user`, `app_user`, `system`… and that owner's id as text. */
export interface AccountOwner {
  kind: string;
  id: string;
}

export interface Account {
  id: number;
  owner: AccountOwner;
  assetId: number;
  /** Sub-balance name: `balance`, `prepaid`, `csaf`, `credit`, `nc_credit`, `issuer`… */
  sub: string;
  allowNegative: boolean;
  frozen: boolean;
  /** Posted balance. */
  balance: bigint;
  pendingOut: bigint;
  pendingIn: bigint;
  createdAt: number;
}

export interface Transfer {
  seq: number;
  id: string;
  /** 64 lowercase hex: SHA-256 of the transfer's canonical encoding (ledger/txid.ts). */
  txid: string;
  debitAccountId: number;
  creditAccountId: number;
  assetId: number;
  amount: bigint;
  kind: string;
  memo: string;
  metadata: Record<string, unknown>;
  status: TransferStatus;
  idempotencyKey: string | null;
  createdAt: number;
  postedAt: number | null;
  voidedAt: number | null;
  blockNumber: number | null;
}

export interface Block {
  number: number;
  /** 64 hex: SHA-256 of the block header's canonical encoding. */
  hash: string;
  /** Previous block's hash; 64 zeros for block 1. */
  previous: string;
  timestamp: number;
  merkleRoot: string;
  entryCount: number;
  /** Ed25519 signature of the hash, hex. */
  signature: string;
  /** The block key's public key (raw 32 bytes, hex). */
  publicKey: string;
}

export type LedgerErrorCode =
  | 'insufficient_funds'
  | 'account_frozen'
  | 'asset_disabled'
  | 'asset_mismatch'
  | 'same_account'
  | 'invalid_amount'
  | 'not_found'
  | 'invalid_state'
  | 'idempotency_conflict';

/** A refusal by the ledger. Nothing was written when it is thrown (the caller's transaction rolls back). */
export class LedgerError extends Error {
  constructor(
    readonly code: LedgerErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'LedgerError';
  }
}
