// The five billing calls (spec/kamiya.md §3.7–§3.11): wire format only. Fields are read exactly (§3.4, §5.5), the
// rules run in modules/billing inside the pipeline's transaction, and a BillingError becomes the catalogue's
// `{status, message}` (thrown as a KamiyaRefusal so the transaction rolls back and an Idempotency-Key stores it).
import type { Config } from '../../config.js';
import { formatCanonical, parseJsonNumberDecimal } from '../../core/money.js';
import { JsonNumber, type JsonObject } from '../../http/body.js';
import type { WireResponse } from '../../http/idempotency.js';
import { BillingError } from '../../modules/billing/errors.js';
import { billingSettings, CREDIT_PRECISION, type BillingSettings } from '../../modules/billing/rules.js';
import { authorise, charge, checkin, detail, type BillingDeps } from '../../modules/billing/service.js';
import type { Services } from '../../services.js';
import { CONTENT_TYPE, KamiyaRefusal, kamiyaOk } from './errors.js';
import type { KamiyaContext } from './pipeline.js';

/** §3.4: 1 ≤ id ≤ 2^53 − 1. */
const MAX_ID = (1n << 53n) - 1n;
const DIGITS = /^[0-9]{1,20}$/;

export interface UserFields {
  uid: number;
}

export interface ChargeFields extends UserFields {
  amount: bigint;
  allowNC: boolean;
}

/** `id`: a JSON number with a whole value (`10989`, `10989.0`, `1.0989e4`) or a string of decimal digits. */
export function parseId(v: unknown): number | null {
  let id: bigint;
  if (v instanceof JsonNumber) {
    const r = parseJsonNumberDecimal(v.text, 0);
    if (typeof r !== 'bigint') return null;
    id = r;
  } else if (typeof v === 'string' && DIGITS.test(v)) {
    id = BigInt(v);
  } else {
    return null;
  }
  return id >= 1n && id <= MAX_ID ? Number(id) : null;
}

/** `credit`: a JSON number or a string of the same syntax, read exactly; > 0, at most 2 places, at most `max`. */
export function parseCredit(v: unknown, maxMinor: bigint): bigint | null {
  const literal = v instanceof JsonNumber ? v.text : typeof v === 'string' ? v : null;
  if (literal === null) return null;
  const minor = parseJsonNumberDecimal(literal, CREDIT_PRECISION);
  if (typeof minor !== 'bigint' || minor <= 0n || minor > maxMinor) return null;
  return minor;
}

/** `allowNC`: boolean; absent or null = false. */
export function parseAllowNC(v: unknown): boolean | null {
  if (v === undefined || v === null) return false;
  return typeof v === 'boolean' ? v : null;
}

const settingsCache = new WeakMap<Config['kamiya'], BillingSettings>();

function depsOf(services: Services): BillingDeps {
  let settings = settingsCache.get(services.config.kamiya);
  if (!settings) {
    settings = billingSettings(services.config.kamiya);
    settingsCache.set(services.config.kamiya, settings);
  }
  return { settings, clock: services.clock };
}

export function parseUser(body: JsonObject): UserFields | null {
  const uid = parseId(body.id);
  return uid === null ? null : { uid };
}

export function parseCharge(body: JsonObject, services: Services): ChargeFields | null {
  const uid = parseId(body.id);
  const amount = parseCredit(body.credit, depsOf(services).settings.maxCreditMinor);
  const allowNC = parseAllowNC(body.allowNC);
  return uid === null || amount === null || allowNC === null ? null : { uid, amount, allowNC };
}

/** Runs a billing rule; its refusals become the dialect's catalogue entries (same names). */
async function refusing<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (err) {
    if (err instanceof BillingError) throw new KamiyaRefusal(err.code);
    throw err;
  }
}

const appOf = (ctx: KamiyaContext<unknown>) => ({ id: ctx.app.id, appkey: ctx.app.appkey });

function chargeHandler(forced: boolean) {
  return async (ctx: KamiyaContext<ChargeFields>): Promise<WireResponse> => {
    const { uid, amount, allowNC } = ctx.input;
    await refusing(charge(ctx.trx, appOf(ctx), { uid, amount, allowNC, forced }, depsOf(ctx.services)));
    return kamiyaOk();
  };
}

export const chargeRoute = chargeHandler(false);
export const forceChargeRoute = chargeHandler(true);

export async function authRoute(ctx: KamiyaContext<UserFields>): Promise<WireResponse> {
  await refusing(authorise(ctx.trx, appOf(ctx), ctx.input.uid, depsOf(ctx.services)));
  return kamiyaOk();
}

export async function checkinRoute(ctx: KamiyaContext<UserFields>): Promise<WireResponse> {
  await refusing(checkin(ctx.trx, appOf(ctx), ctx.input.uid, depsOf(ctx.services)));
  return kamiyaOk();
}

/**
 * detail: `data` keys in the order §3.5 lists; `credit` and `NCCredit` written as exact decimal JSON numbers
 * (§5.5: trailing zeros removed, no exponent), so the body is composed as text rather than through a float.
 */
export async function detailRoute(ctx: KamiyaContext<UserFields>): Promise<WireResponse> {
  const d = await refusing(detail(ctx.trx, appOf(ctx), ctx.input.uid, depsOf(ctx.services)));
  const number = (minor: bigint): string => formatCanonical(minor, CREDIT_PRECISION);
  const data =
    `{"email":${JSON.stringify(d.email)},"role":${JSON.stringify(d.role)},` +
    `"credit":${number(d.balances.credit)},"NCCredit":${number(d.balances.nc)},"active":${d.active}}`;
  return { statusCode: 200, headers: { 'content-type': CONTENT_TYPE }, body: `{"status":200,"message":"OK","data":${data}}` };
}
