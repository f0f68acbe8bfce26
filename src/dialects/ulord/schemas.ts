// Field validation (spec §2.4). A field is "missing" when absent, null or "" → 20100; a wrong JSON type, length,
// range or format → 20101. Required fields are checked for presence first (in table order), then every present
// field is validated (in table order). Strings are measured in code points; numbers arrive as JsonNumber
// (http/body.ts) so integers are read from their literal text.
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
    };

type ValueOf<S extends FieldSpec> = S extends { kind: 'string' } ? string : number;
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
    const value = spec.kind === 'string' ? readString(raw, spec) : readInteger(raw, spec.allowString);
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
