// Wallet users: end users scoped to one app (Ulord's 钱包用户), each with a uid, a scrypt pay password with a
// lock-out counter, a disabled flag and one ledger account in the wallet asset (owner `user`, id = uid, sub
// `balance`). Names are unique per app case-insensitively (the `username_lower` index, so look-alike names cannot
// coexist) but matched exactly: `Alice` does not find `alice` (Ulord §7: names are case-sensitive).
//
// Pay-password checks come in two steps, like developer passwords (developers.ts): `checkPayPassword` does the
// scrypt work and the failure counting on the root Kysely, outside any transaction (on SQLite a hash inside a
// transaction would stall the one connection for the whole server); `confirmPayPassword`, inside the caller's
// transaction, re-reads the row and acts on the check only while the hash it was compared with is still stored.
// Both resolve the wallet user and delegate to payPasswords.ts, which holds the rule for every end user.
import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../../db/schema.js';
import { toBool, toNum } from '../../db/values.js';
import { findAccount } from '../ledger/accounts.js';
import { getAssetBySymbol } from '../ledger/assets.js';
import { issue } from '../ledger/transfers.js';
import { LedgerError, type Account } from '../ledger/types.js';
import { parseDecimal } from '../money.js';
import type { App } from './apps.js';
import { WALLET_PRECISION, type Db, type IdentityDeps } from './deps.js';
import { insertEndUser } from './endUsers.js';
import { IdentityError } from './errors.js';
import { checkUserPayPassword, confirmUserPayPassword, type PayPasswordRefusals, type UserPayPasswordCheck } from './payPasswords.js';
import { openWallet } from './wallet.js';

export interface WalletUser {
  id: number;
  uid: number;
  appId: number;
  username: string;
  disabled: boolean;
  createdAt: number;
}

const COLUMNS = ['id', 'uid', 'app_id', 'username', 'pay_password_hash', 'pay_failures', 'pay_locked_until', 'disabled', 'created_at'] as const;

type Row = {
  id: bigint | number;
  uid: bigint | number;
  app_id: bigint | number | null;
  username: string;
  pay_password_hash: string | null;
  pay_failures: bigint | number;
  pay_locked_until: bigint | number | null;
  disabled: bigint | number;
  created_at: bigint | number;
};

function toWalletUser(r: Row): WalletUser {
  return { id: toNum(r.id), uid: toNum(r.uid), appId: toNum(r.app_id), username: r.username, disabled: toBool(r.disabled), createdAt: toNum(r.created_at) };
}

async function findRow(db: Db, appId: number, username: string): Promise<Row | undefined> {
  const r = await db
    .selectFrom('end_users')
    .select(COLUMNS)
    .where('app_id', '=', appId)
    .where('username_lower', '=', username.toLowerCase())
    .executeTakeFirst();
  return r && r.username === username ? r : undefined;
}

async function getRow(db: Db, id: number): Promise<Row | undefined> {
  return db.selectFrom('end_users').select(COLUMNS).where('id', '=', id).executeTakeFirst();
}

function walletOwner(user: WalletUser): { kind: string; id: string } {
  return { kind: 'user', id: String(user.uid) };
}

/**
 * X1: creates the app-scoped user, its wallet account and the configured wallet grant (kind `ulord.grant`), all in
 * the caller's transaction. `payPasswordHash` comes from the password scheme, computed before the transaction.
 * Refusals: `wallet_user_exists` (the name, case-insensitively, in this app), `wallet_unavailable` (asset missing or
 * disabled, or the ledger refused the grant).
 */
export async function createWalletUser(
  trx: Transaction<DB>,
  input: { app: App; username: string; payPasswordHash: string },
  deps: IdentityDeps & { walletGrant: string },
): Promise<{ user: WalletUser; account: Account }> {
  const lower = input.username.toLowerCase();
  const taken = await trx.selectFrom('end_users').select('id').where('app_id', '=', input.app.id).where('username_lower', '=', lower).executeTakeFirst();
  if (taken) throw new IdentityError('wallet_user_exists');
  // A concurrent createwallet of the same name may win the race for the unique index: the same refusal.
  const id = await insertEndUser(
    trx,
    { app_id: input.app.id, username: input.username, username_lower: lower, pay_password_hash: input.payPasswordHash },
    () => new IdentityError('wallet_user_exists'),
    deps.clock,
  );
  const user = toWalletUser((await getRow(trx, id))!);
  const account = await openWallet(trx, walletOwner(user), deps);
  await grantWallet(trx, account, input.app, deps);
  return { user, account };
}

async function grantWallet(trx: Transaction<DB>, account: Account, app: App, deps: IdentityDeps & { walletGrant: string }): Promise<void> {
  const amount = parseDecimal(deps.walletGrant, WALLET_PRECISION);
  if (typeof amount !== 'bigint') throw new Error(`invalid wallet grant setting: ${deps.walletGrant}`);
  if (amount <= 0n) return;
  try {
    await issue(trx, { assetId: account.assetId, toAccountId: account.id, amount, kind: 'ulord.grant', memo: `ulord:${app.appkey}:ulord.grant` }, deps.clock);
  } catch (err) {
    if (err instanceof LedgerError) throw new IdentityError('wallet_unavailable', err.message);
    throw err;
  }
}

/** The wallet user (app, username), matched exactly; null when none. */
export async function findWalletUser(db: Db, appId: number, username: string): Promise<WalletUser | null> {
  const r = await findRow(db, appId, username);
  return r ? toWalletUser(r) : null;
}

/** The account of `owner` in the wallet asset; opened when missing (a user created elsewhere may have none yet). */
async function walletAccount(db: Db, owner: { kind: string; id: string }, deps: IdentityDeps): Promise<Account> {
  const asset = await getAssetBySymbol(db, deps.wallet.assetSymbol);
  if (!asset) throw new IdentityError('wallet_unavailable', `asset ${deps.wallet.assetSymbol} is missing`);
  return (await findAccount(db, owner, asset.id, 'balance')) ?? openWallet(db, owner, deps);
}

/** The user's wallet account (asset = the wallet asset, sub `balance`). */
export function walletAccountOf(db: Db, user: WalletUser, deps: IdentityDeps): Promise<Account> {
  return walletAccount(db, walletOwner(user), deps);
}

/** The developer wallet (shared by all of the developer's apps). */
export function developerWalletAccount(db: Db, developerId: number, deps: IdentityDeps): Promise<Account> {
  return walletAccount(db, { kind: 'developer', id: String(developerId) }, deps);
}

export type PayPasswordCheck =
  | { kind: 'user_not_found' }
  | { kind: 'locked'; userId: number }
  | { kind: 'wrong'; userId: number }
  | { kind: 'ok'; user: WalletUser; hashSeen: string };

/** A wallet user's refusals for a missing or disabled user (the Ulord dialect renders them with wallet reasons). */
const WALLET_REFUSALS: PayPasswordRefusals = { notFound: 'wallet_user_not_found', disabled: 'wallet_user_disabled' };

/**
 * Step 1, expensive, OUTSIDE any transaction (`db` is the root Kysely): resolves the user (app, username), then
 * `checkUserPayPassword` (payPasswords.ts) refuses while locked, verifies and counts failures towards the lock.
 * A disabled user, or one without a pay password, is `wrong`; `confirmPayPassword` refuses a disabled one as such.
 */
export async function checkPayPassword(
  db: Kysely<DB>,
  appId: number,
  username: string,
  payPassword: string,
  deps: IdentityDeps & { maxFailures: number; lockSeconds: number },
): Promise<PayPasswordCheck> {
  const row = await findRow(db, appId, username);
  if (!row) return { kind: 'user_not_found' };
  const check = await checkUserPayPassword(db, toNum(row.id), payPassword, deps);
  switch (check.kind) {
    case 'ok':
      return { kind: 'ok', user: toWalletUser(row), hashSeen: check.hashSeen };
    case 'not_set':
      return { kind: 'wrong', userId: check.userId };
    default:
      return check;
  }
}

/**
 * Step 2, cheap, INSIDE the caller's transaction: re-reads the user and turns the check into a refusal, in the
 * order every wallet endpoint uses: `wallet_user_not_found`, `wallet_user_disabled`, `pay_password_locked`,
 * `wrong_pay_password` (also when the stored hash changed since the check). Returns the user.
 */
export async function confirmPayPassword(trx: Db, check: PayPasswordCheck): Promise<WalletUser> {
  const userCheck: UserPayPasswordCheck = check.kind === 'ok' ? { kind: 'ok', userId: check.user.id, hashSeen: check.hashSeen } : check;
  const userId = await confirmUserPayPassword(trx, userCheck, WALLET_REFUSALS);
  return toWalletUser((await getRow(trx, userId))!);
}
