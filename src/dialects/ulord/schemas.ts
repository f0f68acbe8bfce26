// Field validation (spec §2.4). A field is "missing" when absent, null or "" → 20100; a wrong JSON type, length,
// range or format → 20101. Required fields are checked for presence first (in table order), then every present
// field is validated (in table order). Strings are measured in code points; numbers arrive as JsonNumber
// (http/body.ts) so integers are read from their literal text.
import { parseDecimal, parseJsonNumberDecimal } from '../../core/money.js';
import { JsonNumber, type JsonObject } from '../../http/body.js';

const CONTROL = /[\u0000-\u001f\u007f]/;

export type FieldSpec =
  | {
      kind: 'string';
      required?: boolean;
      min?: number;
      max?: number;
      /** Names, titles and tags: control characters refused. */
      noControl?: boolean;
      noWhitespace?: boolean;
      pattern?: RegExp;
    }
  | {
      kind: 'integer';
      required?: boolean;
      /** Also accept a decimal string such as "7" (user_id, §3.3). */
      allowString?: boolean;
    }
  | {
      /** A ULD amount (§2.6), parsed to minor units (precision 8). */
      kind: 'decimal';
      required?: boolean;
      /** Must be > 0 (paytouser's amount). */
      positive?: boolean;
    };

type ValueOf<S extends FieldSpec> = S extends { kind: 'string' } ? string : S extends { kind: 'decimal' } ? bigint : number;
type Parsed<T extends Record<string, FieldSpec>> = {
  [K in keyof T]: T[K] extends { required: true } ? ValueOf<T[K]> : ValueOf<T[K]> | undefined;
};

export type FieldResult<T> = { ok: true; value: T } | { ok: false; errcode: 20100 | 20101 };

export function isMissing(v: unknown): boolean {
  return v === undefined || v === null || v === '';
}

export function codePoints(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

const INTEGER = /^-?[0-9]+$/;

/** An integer from a JSON number literal (or, when allowed, a decimal string); null when not one. */
export function readInteger(v: unknown, allowString = false): number | null {
  let text: string | null = null;
  if (v instanceof JsonNumber) text = v.text;
  else if (allowString && typeof v === 'string') text = v;
  if (text === null || !INTEGER.test(text)) return null;
  const n = Number(text);
  return Number.isSafeInteger(n) ? n : null;
}

/** ULD precision: every amount is a count of 10⁻⁸. */
export const ULD_PRECISION = 8;
/** §2.6: magnitude below 10¹⁰ ULD, i.e. below 10¹⁸ minor units (fits a signed 64-bit count). */
const MAX_MINOR_EXCLUSIVE = 10n ** 18n;
const DECIMAL_STRING = /^-?[0-9]+(\.[0-9]+)?$/;

/**
 * A §2.6 decimal in minor units: a JSON number (from its literal text, exponent form allowed) or a string
 * `-?digits(.digits)?`; an exact multiple of 10⁻⁸ with magnitude below 10¹⁰. Null when not one (→ 20101).
 */
export function readDecimal(v: unknown, positive = false): bigint | null {
  let minor: bigint | string;
  if (v instanceof JsonNumber) minor = parseJsonNumberDecimal(v.text, ULD_PRECISION);
  else if (typeof v === 'string' && DECIMAL_STRING.test(v)) minor = parseDecimal(v, ULD_PRECISION);
  else return null;
  if (typeof minor !== 'bigint') return null;
  if (minor >= MAX_MINOR_EXCLUSIVE || minor <= -MAX_MINOR_EXCLUSIVE) return null;
  if (positive && minor <= 0n) return null;
  return minor;
}

function readString(v: unknown, spec: Extract<FieldSpec, { kind: 'string' }>): string | null {
  if (typeof v !== 'string') return null;
  const len = codePoints(v);
  if (spec.min !== undefined && len < spec.min) return null;
  if (spec.max !== undefined && len > spec.max) return null;
  if (spec.noControl && CONTROL.test(v)) return null;
  if (spec.noWhitespace && (/\s/u.test(v) || CONTROL.test(v))) return null;
  if (spec.pattern && !spec.pattern.test(v)) return null;
  return v;
}

export function parseFields<T extends Record<string, FieldSpec>>(body: JsonObject, specs: T): FieldResult<Parsed<T>> {
  for (const [name, spec] of Object.entries(specs)) {
    if (spec.required && isMissing(body[name])) return { ok: false, errcode: 20100 };
  }
  const out: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(specs)) {
    const raw = body[name];
    if (isMissing(raw)) continue;
    const value = spec.kind === 'string' ? readString(raw, spec) : spec.kind === 'decimal' ? readDecimal(raw, spec.positive) : readInteger(raw, spec.allowString);
    if (value === null) return { ok: false, errcode: 20101 };
    out[name] = value;
  }
  return { ok: true, value: out as Parsed<T> };
}

// ---- The request tables of §6 ----

const NAME_32 = { kind: 'string', min: 1, max: 32, noControl: true } as const;

export const roleAddSchema = { name: { ...NAME_32, required: true }, des: { kind: 'string', max: 500 } } as const;
export const roleEditSchema = { id: { kind: 'integer', required: true }, name: NAME_32, des: { kind: 'string', max: 500 } } as const;
export const idSchema = { id: { kind: 'integer', required: true } } as const;
export const typeAddSchema = {
  parent_id: { kind: 'integer' },
  name: { ...NAME_32, required: true },
  des: { kind: 'string', max: 256 },
} as const;
export const typeEditSchema = {
  id: { kind: 'integer', required: true },
  name: NAME_32,
  des: { kind: 'string', max: 256 },
  parent_id: { kind: 'integer' },
} as const;
export const userRegSchema = {
  username: { kind: 'string', required: true, min: 1, max: 32, noWhitespace: true },
  password: { kind: 'string', required: true, min: 6, max: 128 },
  email: { kind: 'string', max: 128, pattern: /^[^@]+@[^@]+$/ },
  telphone: { kind: 'string', pattern: /^[0-9+\-() ]{3,24}$/ },
  role_id: { kind: 'integer' },
} as const;
export const userLoginSchema = {
  username: { kind: 'string', required: true },
  password: { kind: 'string', required: true },
} as const;
export const userEditSchema = {
  username: { kind: 'string', required: true },
  password: { kind: 'string', required: true },
  new_password: { kind: 'string', required: true, min: 6, max: 128 },
} as const;
export const appAddSchema = {
  user_id: { kind: 'integer', allowString: true },
  appname: { kind: 'string', required: true, min: 1, max: 128, noControl: true },
  apptype_id: { kind: 'integer', required: true },
  appdes: { kind: 'string', max: 500 },
} as const;
export const appListSchema = { user_id: { kind: 'integer', allowString: true } } as const;
export const appEditSchema = { id: { kind: 'integer', required: true }, user_id: { kind: 'integer', allowString: true } } as const;

// ---- The request tables of §7, X1–X3 ----

/** Wallet names (§7): 1–64 code points, case-sensitive, no control characters. */
const WALLET_NAME = { kind: 'string', min: 1, max: 64, noControl: true } as const;
/** Pay passwords: 1–128. */
const PAY_PASSWORD = { kind: 'string', min: 1, max: 128 } as const;

/** X1; `pay_password` is filled from the seed's misspelling `pay_passwrod` by the handler first. */
export const createWalletSchema = { username: { ...WALLET_NAME, required: true }, pay_password: { ...PAY_PASSWORD, required: true } } as const;
/** X2 paying from a user wallet (`is_developer` not `true`). */
export const payFromUserSchema = {
  send_user: { ...WALLET_NAME, required: true },
  pay_password: { ...PAY_PASSWORD, required: true },
  recv_user: { ...WALLET_NAME, required: true },
  amount: { kind: 'decimal', required: true, positive: true },
} as const;
/** X2 paying from the developer wallet: `send_user` and `pay_password` are ignored. */
export const payFromDeveloperSchema = {
  recv_user: { ...WALLET_NAME, required: true },
  amount: { kind: 'decimal', required: true, positive: true },
} as const;
/** X3 of a user wallet. */
export const userBalanceSchema = { username: { ...WALLET_NAME, required: true }, pay_password: { ...PAY_PASSWORD, required: true } } as const;

// ---- The request tables of §7, X4–X13 (paid content) ----

/** X4; `tag` (array or single string) is read by `readTags`, `price` is a §2.6 decimal (negative = ad). */
export const publishSchema = {
  author: { ...WALLET_NAME, required: true },
  title: { kind: 'string', required: true, min: 1, max: 64, noControl: true },
  ipfs_hash: { kind: 'string', required: true, pattern: /^[A-Za-z0-9]{1,128}$/ },
  price: { kind: 'decimal' },
  content_type: { kind: 'string', required: true, min: 1, max: 16, noControl: true },
  pay_password: { ...PAY_PASSWORD, required: true },
  description: { kind: 'string', max: 1024 },
} as const;
/** X5; `claim_ids` is read by `readClaimIds`. */
export const checkSchema = { username: { ...WALLET_NAME, required: true } } as const;
/** X6. */
export const consumeSchema = {
  username: { ...WALLET_NAME, required: true },
  claim_id: { kind: 'string', required: true, max: 64 },
  customer_pay_password: PAY_PASSWORD,
  author_pay_password: PAY_PASSWORD,
} as const;
/** X7, X10, X13. */
export const authorSchema = { author: { ...WALLET_NAME, required: true } } as const;
/** X8, X12. */
export const customerSchema = { customer: { ...WALLET_NAME, required: true } } as const;
/** X9. */
export const usernameSchema = { username: { ...WALLET_NAME, required: true } } as const;

const MAX_TAGS = 32;
const MAX_CLAIM_IDS = 500;

/** X4 `tag`: absent → []; a single string → one tag; ≤ 32 items of 1–32 code points; duplicates dropped. Null → 20101. */
export function readTags(v: unknown): string[] | null {
  if (isMissing(v)) return [];
  const items = typeof v === 'string' ? [v] : Array.isArray(v) ? v : null;
  if (items === null || items.length > MAX_TAGS) return null;
  const out: string[] = [];
  for (const t of items) {
    if (typeof t !== 'string' || readString(t, { kind: 'string', min: 1, max: 32, noControl: true }) === null) return null;
    if (!out.includes(t)) out.push(t);
  }
  return out;
}

/** X5 `claim_ids`: 0–500 strings of ≤ 64 code points. `missing` when absent or null (→ 20100), null when invalid. */
export function readClaimIds(v: unknown): string[] | 'missing' | null {
  if (v === undefined || v === null) return 'missing';
  if (!Array.isArray(v) || v.length > MAX_CLAIM_IDS) return null;
  for (const c of v) if (typeof c !== 'string' || codePoints(c) > 64) return null;
  return v as string[];
}

/** §8.6 path parameters (digits already enforced by the route): page ≥ 1, num in 1..max. Null → 20101. */
export function readPage(page: string | undefined, num: string | undefined, maxPageSize: number): { page: bigint; num: number } | null {
  if (page === undefined || num === undefined || !/^[0-9]+$/.test(page) || !/^[0-9]+$/.test(num)) return null;
  const p = BigInt(page);
  const n = BigInt(num);
  if (p < 1n || n < 1n || n > BigInt(maxPageSize)) return null;
  return { page: p, num: Number(n) };
}
