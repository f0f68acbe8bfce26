// Assets: what the ledger counts (symbol, precision in decimal places). Each asset owns one issuer account that may
// go negative; issuing is a transfer out of it, so the balances of an asset always sum to zero.
import type { Clock } from '../clock.js';
import { flag } from '../../db/values.js';
import { ensureAccount, ISSUER_OWNER, ISSUER_SUB } from './accounts.js';
import { assetFromRow, type Db } from './rows.js';
import type { Asset } from './types.js';

const SYMBOL = /^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$/;

/** Creates the asset (and its issuer account) when missing; returns the stored one. Safe to race. */
export async function ensureAsset(db: Db, input: { symbol: string; precision: number }, clock: Clock): Promise<Asset> {
  if (!SYMBOL.test(input.symbol)) throw new Error(`invalid asset symbol ${JSON.stringify(input.symbol)}`);
  if (!Number.isInteger(input.precision) || input.precision < 0 || input.precision > 18) {
    throw new Error(`invalid asset precision ${input.precision} (expected 0..18)`);
  }
  await db
    .insertInto('assets')
    .values({ symbol: input.symbol, precision: input.precision, enabled: 1, created_at: clock.now() })
    .onConflict((oc) => oc.column('symbol').doNothing())
    .execute();
  const asset = await getAssetBySymbol(db, input.symbol);
  if (!asset) throw new Error(`asset ${input.symbol} vanished after insert`);
  if (asset.precision !== input.precision) {
    throw new Error(`asset ${input.symbol} exists with precision ${asset.precision}, not ${input.precision}`);
  }
  await ensureAccount(db, { owner: ISSUER_OWNER, assetId: asset.id, sub: ISSUER_SUB, allowNegative: true }, clock);
  return asset;
}

export async function getAsset(db: Db, id: number): Promise<Asset | null> {
  const row = await db.selectFrom('assets').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? assetFromRow(row) : null;
}

export async function getAssetBySymbol(db: Db, symbol: string): Promise<Asset | null> {
  const row = await db.selectFrom('assets').selectAll().where('symbol', '=', symbol).executeTakeFirst();
  return row ? assetFromRow(row) : null;
}

export async function listAssets(db: Db): Promise<Asset[]> {
  const rows = await db.selectFrom('assets').selectAll().orderBy('id').execute();
  return rows.map(assetFromRow);
}

/** A disabled asset refuses new transfers; pending holds can still be posted or voided. */
export async function setAssetEnabled(db: Db, id: number, enabled: boolean): Promise<void> {
  await db.updateTable('assets').set({ enabled: flag(enabled) }).where('id', '=', id).execute();
}
