// Ledger assets other than YOYO that the operator exposes to the dialect (§5.2 `yoyow.assets`): each gets a YOYOW
// `asset_id` ≥ 1, appears in `/assets`, in an account's `assets[]` when its balance is not zero, and can be sent
// with `/transfer` (balance → balance; the fee stays in YOYO). Their accounts are the owner's `balance` account in
// that ledger asset (owner user/<uid> or app/<uid>, the same accounts other dialects use).
import { findAccount, issuerAccount } from '../../core/ledger/accounts.js';
import { getAssetBySymbol } from '../../core/ledger/assets.js';
import { toBig } from '../../db/values.js';
import { ledgerOwner } from './accounts.js';
import type { YoyowChainSettings } from './settings.js';
import type { Db, YoyowAccountRef } from './types.js';

export interface ExposedAsset {
  /** The YOYOW asset_id (≥ 1). */
  assetId: number;
  ledgerAssetId: number;
  symbol: string;
  precision: number;
}

/** The exposed asset with that YOYOW asset_id, when configured and present in the ledger; null otherwise. */
export async function exposedAsset(db: Db, settings: Pick<YoyowChainSettings, 'assets'>, assetId: number): Promise<ExposedAsset | null> {
  const entry = settings.assets.find((a) => a.assetId === assetId);
  if (!entry) return null;
  const asset = await getAssetBySymbol(db, entry.symbol);
  return asset ? { assetId, ledgerAssetId: asset.id, symbol: asset.symbol, precision: asset.precision } : null;
}

/** By symbol (case-insensitive), decimal asset id or object id `1.3.<id>`. */
export async function exposedAssetByName(db: Db, settings: Pick<YoyowChainSettings, 'assets'>, text: string): Promise<ExposedAsset | null> {
  const id = /^[0-9]{1,10}$/.test(text) ? Number(text) : /^1\.3\.[0-9]{1,10}$/.test(text) ? Number(text.slice(4)) : null;
  if (id !== null) return id >= 1 ? exposedAsset(db, settings, id) : null;
  const entry = settings.assets.find((a) => a.symbol.toUpperCase() === text.toUpperCase());
  return entry ? exposedAsset(db, settings, entry.assetId) : null;
}

export async function exposedAssets(db: Db, settings: Pick<YoyowChainSettings, 'assets'>): Promise<ExposedAsset[]> {
  const out: ExposedAsset[] = [];
  for (const a of [...settings.assets].sort((x, y) => x.assetId - y.assetId)) {
    const found = await exposedAsset(db, settings, a.assetId);
    if (found) out.push(found);
  }
  return out;
}

/** Units outside the ledger asset's issuer (every asset's balances sum to zero). */
export async function exposedSupply(db: Db, asset: ExposedAsset): Promise<bigint> {
  const issuer = await issuerAccount(db, asset.ledgerAssetId);
  return -issuer.balance;
}

/** The account's spendable balance in the asset (0 without an account). */
export async function exposedBalance(db: Db, ref: YoyowAccountRef, asset: ExposedAsset): Promise<bigint> {
  if (ref.kind === 'system') return 0n;
  const account = await findAccount(db, ledgerOwner(ref), asset.ledgerAssetId, 'balance');
  return account ? toBig(account.balance) - toBig(account.pendingOut) : 0n;
}
