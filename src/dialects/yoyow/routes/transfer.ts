// POST /api/v2/transfer (§4.23): the platform sends YOYO to an account. Checks in the order of §4.23:
// `missing parameter: uid` → 2003 (amount) → `invalid parameter: asset_id` (and memo's shape) → 2002 → then the
// module: 2001 → 1007 → `cannot transfer to self` → 2006 → 2008 → 2004 → 2005.
import type { Transaction } from 'kysely';
import { parseDecimal, parseJsonNumberDecimal } from '../../../core/money.js';
import type { DB } from '../../../db/schema.js';
import { JsonNumber } from '../../../http/body.js';
import { INT64_MAX, platformTransfer, transferPrecision, yoyowDeps, YOYO_PRECISION } from '../../../modules/yoyow/index.js';
import { YoyowRefusal } from '../errors.js';
import { optional, parseInteger, parseString, parseUid, required } from '../parse.js';
import { secureRoute, type YoyowContext } from '../pipeline.js';

/** Largest memo, UTF-8 bytes. */
export const MAX_MEMO_BYTES = 2048;

/**
 * A display-unit amount (§4.23), exactly: a JSON number through its written decimal text, or a decimal string;
 * > 0, at most 5 decimals, ≤ 2^63−1 base units. Anything else (missing included) → 2003.
 */
export function parseDisplayAmount(v: unknown, precision = YOYO_PRECISION): bigint {
  let minor: bigint | string;
  if (v instanceof JsonNumber) minor = parseJsonNumberDecimal(v.text, precision);
  else if (typeof v === 'string') minor = parseDecimal(v, precision);
  else minor = 'malformed';
  if (typeof minor !== 'bigint' || minor <= 0n || minor > INT64_MAX) throw YoyowRefusal.of('invalidTransferAmount');
  return minor;
}

function peekInteger(v: unknown): number | null {
  try {
    return parseInteger(v, 'asset_id', 0, 0xffffffff);
  } catch {
    return null;
  }
}

async function transferHandler(ctx: YoyowContext): Promise<unknown> {
  const p = ctx.payload;
  // Stage A: shape, in the order §4.23 lists.
  const uidValue = required(p, 'uid');
  // The amount is in display units of the asset sent: its precision decides 2003, which comes before the asset_id
  // checks, so a well-formed asset_id is peeked at first (an exposed asset's precision, else YOYO's).
  const deps = yoyowDeps(ctx.services);
  const assetValue = optional(p, 'asset_id');
  const peeked = assetValue === undefined ? 0 : peekInteger(assetValue);
  const precision = peeked === null ? YOYO_PRECISION : await transferPrecision(ctx.db, peeked, deps);
  const amount = parseDisplayAmount(optional(p, 'amount'), precision);
  const assetId = assetValue === undefined ? 0 : parseInteger(assetValue, 'asset_id', 0, 0xffffffff);
  const memoValue = optional(p, 'memo');
  const memo = memoValue === undefined ? undefined : parseString(memoValue, 'memo', { maxBytes: MAX_MEMO_BYTES });
  // Stage B: uid checksums (platform, then the recipient).
  const platformValue = optional(p, 'platform');
  const platformUid = platformValue === undefined ? ctx.app.id : parseUid(platformValue, 'platform');
  const uid = parseUid(uidValue, 'uid');
  // Stages C–F: the module.
  return platformTransfer(ctx.db as Transaction<DB>, ctx.app, { platformUid, uid, amount, assetId, ...(memo !== undefined ? { memo } : {}) }, deps);
}

export const TRANSFER_ROUTES = [secureRoute('/api/v2/transfer', transferHandler)];
