// What the payments module needs from the outside (time, the secret box for wallet seeds, the platform settings of
// spec/pi.md §8, the public URL for webhook `_link`s), the per-app settings read from `app.settings.pi`, and the
// payment asset (symbol configurable, precision 7) created at start-up.
import type { Kysely } from 'kysely';
import type { Clock } from '../../core/clock.js';
import type { SecretBox } from '../../core/crypto/secretbox.js';
import type { App } from '../../core/identity/apps.js';
import { ensureAsset, getAssetBySymbol } from '../../core/ledger/assets.js';
import type { Db } from '../../core/identity/deps.js';
import type { DB } from '../../db/schema.js';
import type { Services } from '../../services.js';

/** Decimal places of the payment asset (spec §5.6): 1 PI = 10 000 000 minor units. */
export const PI_PRECISION = 7;

export interface PaymentSettings {
  assetSymbol: string;
  /** T4 (§4.3). */
  approvalWindowMs: number;
  /** T8 (§4.3). */
  transactionWindowMs: number;
}

export interface PaymentsDeps {
  clock: Clock;
  box: SecretBox;
  settings: PaymentSettings;
  /** Base of the `_link` in webhook payloads (no trailing slash). */
  publicUrl: string;
}

export function paymentsDeps(services: Services): PaymentsDeps {
  const pi = services.config.pi;
  return {
    clock: services.clock,
    box: services.box,
    settings: { assetSymbol: pi.assetSymbol, approvalWindowMs: pi.approvalWindowSeconds * 1000, transactionWindowMs: pi.transactionWindowSeconds * 1000 },
    publicUrl: services.config.publicUrl.replace(/\/+$/, ''),
  };
}

export interface AppPiSettings {
  network: string;
  a2uEnabled: boolean;
  a2uMaxOpenPerApp: number;
}

export const DEFAULT_NETWORK = 'Pi Testnet';
/** §5.7: a network string is at most 64 characters. */
const MAX_NETWORK = 64;
/** Bound on the open-A2U limit (a setting outside it is treated as unset). */
const MAX_OPEN_LIMIT = 1000;

/**
 * Per-app settings from `app.settings.pi` with the defaults of §8: network `Pi Testnet`, A2U enabled, at most 1 open
 * A2U payment. A member of the wrong type or out of range counts as unset (the admin API validates on write).
 */
export function appPiSettings(app: Pick<App, 'settings'>): AppPiSettings {
  const pi = app.settings.pi ?? {};
  const network = typeof pi.network === 'string' && pi.network !== '' && pi.network.length <= MAX_NETWORK ? pi.network : DEFAULT_NETWORK;
  const a2uEnabled = typeof pi.a2uEnabled === 'boolean' ? pi.a2uEnabled : true;
  const max = pi.a2uMaxOpenPerApp;
  const a2uMaxOpenPerApp = typeof max === 'number' && Number.isInteger(max) && max >= 1 && max <= MAX_OPEN_LIMIT ? max : 1;
  return { network, a2uEnabled, a2uMaxOpenPerApp };
}

/** The payment asset (and its issuer account) exists; idempotent, called at start-up by the Pi plugin. */
export async function ensurePayments(db: Kysely<DB>, deps: PaymentsDeps): Promise<void> {
  await ensureAsset(db, { symbol: deps.settings.assetSymbol, precision: PI_PRECISION }, deps.clock);
}

/** The payment asset's id; an Error when start-up never ensured it (a deployment bug, not a user error). */
export async function paymentAssetId(db: Db, deps: PaymentsDeps): Promise<number> {
  const asset = await getAssetBySymbol(db, deps.settings.assetSymbol);
  if (!asset) throw new Error(`asset ${deps.settings.assetSymbol} is missing: ensurePayments() must run at start-up`);
  return asset.id;
}
