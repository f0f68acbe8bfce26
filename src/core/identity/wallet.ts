// Opening the ledger wallets identity creates: one per developer (owner `developer`) and one per app (owner `app`),
// both in the configured wallet asset (Ulord's ULD). Identity only opens accounts and issues the configured
// signup grant; every movement afterwards belongs to the ledger and the modules.
import { ensureAccount } from '../ledger/accounts.js';
import { getAssetBySymbol } from '../ledger/assets.js';
import { issue } from '../ledger/transfers.js';
import { LedgerError, type Account } from '../ledger/types.js';
import type { Transaction } from 'kysely';
import type { DB } from '../../db/schema.js';
import type { Db, IdentityDeps } from './deps.js';
import { WALLET_PRECISION } from './deps.js';
import { IdentityError } from './errors.js';
import { parseDecimal } from '../money.js';

/**
 * Opens (or finds) the wallet account of `owner` in the wallet asset. A missing or disabled asset, or any ledger
 * refusal, is `wallet_unavailable` (the caller's transaction rolls back).
 */
export async function openWallet(trx: Db, owner: { kind: string; id: string }, deps: IdentityDeps): Promise<Account> {
  const asset = await getAssetBySymbol(trx, deps.wallet.assetSymbol);
  if (!asset || !asset.enabled) throw new IdentityError('wallet_unavailable', `asset ${deps.wallet.assetSymbol} is missing or disabled`);
  try {
    return await ensureAccount(trx, { owner, assetId: asset.id, sub: 'balance' }, deps.clock);
  } catch (err) {
    if (err instanceof LedgerError) throw new IdentityError('wallet_unavailable', err.message);
    throw err;
  }
}

/** Credits the configured developer signup grant (kind `ulord.grant`) when it is above zero. */
export async function grantDeveloperSignup(trx: Transaction<DB>, account: Account, developerId: number, deps: IdentityDeps): Promise<void> {
  const amount = parseDecimal(deps.wallet.developerGrant, WALLET_PRECISION);
  if (typeof amount !== 'bigint') throw new Error(`invalid developer grant setting: ${deps.wallet.developerGrant}`);
  if (amount <= 0n) return;
  try {
    await issue(trx, { assetId: account.assetId, toAccountId: account.id, amount, kind: 'ulord.grant', memo: `ulord:developer:${developerId}:ulord.grant` }, deps.clock);
  } catch (err) {
    if (err instanceof LedgerError) throw new IdentityError('wallet_unavailable', err.message);
    throw err;
  }
}
