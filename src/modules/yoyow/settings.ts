// Settings of the chain rules (spec Appendix A): node-wide values from the `yoyow` config section, per-app
// overrides from `app.settings.yoyow` (`use_csaf`, `to_balance`, `fees`).
import type { Config } from '../../config.js';
import type { StoredApp } from '../../core/identity/apps.js';

/** The fee-bearing operations of §5.4. */
export const FEE_OPS = [
  'transfer',
  'post',
  'score_create',
  'reward_proxy',
  'license_create',
  'advertising_create',
  'advertising_update',
  'advertising_confirm',
  'advertising_buy',
  'advertising_ransom',
] as const;
export type FeeOp = (typeof FEE_OPS)[number];

export interface CsafSettings {
  /** R: coin-seconds per csaf unit. */
  rate: bigint;
  /** CAP: accrual stops at this csaf balance. */
  maxPerAccount: bigint;
  /** W: at most this many seconds accrue between settlements; 0 = no cap. */
  window: number;
  /** csaf granted once to each new account (op 6); 0 disables. */
  welcomeGrant: bigint;
}

export interface YoyowChainSettings {
  /** Base units. */
  maxSupply: bigint;
  csaf: CsafSettings;
  fees: Record<FeeOp, bigint>;
  /** Other ledger assets exposed to the dialect (§5.2 `yoyow.assets`): ledger symbol → YOYOW asset_id ≥ 1. */
  assets: ReadonlyArray<{ symbol: string; assetId: number }>;
  /** K of §5.10 (the core's confirmation depth). */
  irreversibleAfterBlocks: number;
}

export function defaultChainSettings(): YoyowChainSettings {
  return {
    maxSupply: 200_000_000_000_000n,
    csaf: { rate: 864_000_000n, maxPerAccount: 100_000_000n, window: 604_800, welcomeGrant: 1_000_000n },
    fees: {
      transfer: 1000n,
      post: 1000n,
      score_create: 1000n,
      reward_proxy: 1000n,
      license_create: 1000n,
      advertising_create: 1000n,
      advertising_update: 1000n,
      advertising_confirm: 1000n,
      advertising_buy: 1000n,
      advertising_ransom: 0n,
    },
    assets: [],
    irreversibleAfterBlocks: 1,
  };
}

/** The node's chain settings from the `yoyow` config section (checked whole numbers there), K from the core. */
export function chainSettings(config: Config): YoyowChainSettings {
  const y = config.yoyow;
  const fees = {} as Record<FeeOp, bigint>;
  for (const op of FEE_OPS) fees[op] = BigInt(y.fees[op]);
  return {
    maxSupply: BigInt(y.maxSupply),
    csaf: {
      rate: BigInt(y.csaf.rate),
      maxPerAccount: BigInt(y.csaf.maxPerAccount),
      window: y.csaf.window,
      welcomeGrant: BigInt(y.csaf.welcomeGrant),
    },
    fees,
    assets: y.assets.map((a) => ({ symbol: a.symbol, assetId: a.assetId })),
    irreversibleAfterBlocks: config.irreversibleAfterBlocks,
  };
}

/** Per-app YOYOW settings read by the chain rules (the rest of `app.settings.yoyow` belongs to the dialect). */
export interface AppChainSettings {
  useCsaf: boolean;
  toBalance: boolean;
  fees: Partial<Record<FeeOp, bigint>>;
}

function record(v: unknown): Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

/** A stored fee override: a non-negative integer (JSON number or decimal-digit string) in base units. */
function feeValue(v: unknown): bigint | undefined {
  if (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) return BigInt(v);
  if (typeof v === 'string' && /^[0-9]{1,18}$/.test(v)) return BigInt(v);
  return undefined;
}

export function appChainSettings(app: Pick<StoredApp, 'settings'>): AppChainSettings {
  const y = record(app.settings.yoyow);
  const fees: Partial<Record<FeeOp, bigint>> = {};
  const stored = record(y.fees);
  for (const op of FEE_OPS) {
    const v = feeValue(stored[op]);
    if (v !== undefined) fees[op] = v;
  }
  return { useCsaf: y.use_csaf !== false, toBalance: y.to_balance === true, fees };
}

/** The fee of `op` for this app: its override, else the node's. */
export function feeFor(op: FeeOp, app: Pick<StoredApp, 'settings'>, settings: YoyowChainSettings): bigint {
  return appChainSettings(app).fees[op] ?? settings.fees[op];
}
