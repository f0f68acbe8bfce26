// What identity functions need from the outside world: time, the master-key box for app secrets, and the wallet
// settings (which asset a developer's and an app's wallet is opened in, and the signup grant), and the password scheme.
import type { Kysely, Transaction } from 'kysely';
import type { Clock } from '../clock.js';
import { scryptPasswords, type PasswordHasher } from '../crypto/passwords.js';
import type { SecretBox } from '../crypto/secretbox.js';
import type { DB } from '../../db/schema.js';

/** Either the database or an open transaction: reads work on both. */
export type Db = Kysely<DB> | Transaction<DB>;

export interface WalletSettings {
  /** Symbol of the asset developer and app wallets are opened in (Ulord: `ULD`, precision 8). */
  assetSymbol: string;
  /** Decimal string, credited to a new developer's wallet (kind `ulord.grant`) when > 0. */
  developerGrant: string;
}

export interface IdentityDeps {
  clock: Clock;
  box: SecretBox;
  wallet: WalletSettings;
  /** Password hashing; absent = scrypt (crypto/passwords.ts). */
  passwords?: PasswordHasher;
}

export function passwordsOf(deps: { passwords?: PasswordHasher | undefined }): PasswordHasher {
  return deps.passwords ?? scryptPasswords;
}

/** Precision of the wallet asset (ULD): 8 decimals. */
export const WALLET_PRECISION = 8;
