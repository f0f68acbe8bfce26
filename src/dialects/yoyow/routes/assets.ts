// GET /api/v2/assets/:asset (§4.4): YOYO, or an asset the operator exposed (§5.2 `yoyow.assets`), by symbol (any
// case), decimal asset id or object id `1.3.<id>`; anything else → 2006.
import { assetByName, yoyowDeps, type AssetState } from '../../../modules/yoyow/index.js';
import { YoyowRefusal } from '../errors.js';
import { readRoute, type YoyowReadContext } from '../pipeline.js';
import { renderUid } from '../render.js';

export function renderAsset(a: AssetState): Record<string, unknown> {
  const supply = a.currentSupply.toString();
  return {
    id: `1.3.${a.assetId}`,
    asset_id: a.assetId,
    symbol: a.symbol,
    precision: a.precision,
    issuer: renderUid(a.info.issuerUid),
    options: {
      max_supply: a.maxSupply.toString(),
      market_fee_percent: 0,
      max_market_fee: '1000000000000000',
      issuer_permissions: 0,
      flags: 0,
      whitelist_authorities: [],
      blacklist_authorities: [],
      whitelist_markets: [],
      blacklist_markets: [],
      description: '',
    },
    dynamic_asset_data_id: `2.2.${a.assetId}`,
    dynamic_asset_data: { id: `2.2.${a.assetId}`, asset_id: a.assetId, current_supply: supply, accumulated_fees: 0 },
    current_supply: supply,
    confidential_supply: 0,
    accumulated_fees: 0,
  };
}

async function asset(ctx: YoyowReadContext): Promise<unknown> {
  const a = await assetByName(ctx.services.db, ctx.params.asset ?? '', yoyowDeps(ctx.services));
  if (!a) throw YoyowRefusal.of('invalidAsset');
  return renderAsset(a);
}

export const ASSET_ROUTES = [readRoute('/api/v2/assets/:asset', asset)];
