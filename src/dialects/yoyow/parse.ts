// Input parsing of the YOYOW dialect (spec/yoyow.md §3.2) and the stage helpers of §3.4. Query values are strings;
// payload values are what the lossless JSON parser produced (JSON numbers as `JsonNumber`, never floats). Every
// parser throws a `YoyowRefusal` with the code and text §3.2 fixes; `undefined` is a missing field everywhere.
//
// Write routes check in stages (§3.4): A shape (`required`/`optional` + the typed parsers below, in the field order
// of the endpoint's table) → B uid checksums (`checkUids`) → C existence (`checkAccountsExist`) → D authority
// (`checkPlatform`, consent in the module) → E fee → F endpoint rules. Uid fields are only checked for presence in
// stage A (`required`), their checksum in stage B: send one defect at a time and the first stage that fails answers.
import { isValidUid } from '../../core/identity/uid.js';
import { JsonNumber } from '../../http/body.js';
import { invalidParameter, missingParameter, YoyowRefusal } from './errors.js';

export type FieldSource = Readonly<Record<string, unknown>>;

/** Stage A: the value of a required field; absent (or JSON null) → `2000 missing parameter: <name>`. */
export function required(source: FieldSource, name: string): unknown {
  const v = source[name];
  if (v === undefined || v === null) throw missingParameter(name);
  return v;
}

/** Stage A: the value of an optional field, or undefined (absent or JSON null). */
export function optional(source: FieldSource, name: string): unknown {
  const v = source[name];
  return v === undefined || v === null ? undefined : v;
}

/** The decimal text of a JSON number or a string; null for anything else. */
function textOf(v: unknown): string | null {
  if (v instanceof JsonNumber) return v.text;
  if (typeof v === 'string') return v;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  return null;
}

const UID_LIMIT = 2n ** 53n;

/** Stage B: a uid (§3.2, §5.1): decimal digits, < 2^53, valid checksum; else `2002 无效的账号`. Missing → 2000. */
export function parseUid(v: unknown, name: string): number {
  if (v === undefined || v === null) throw missingParameter(name);
  const t = textOf(v);
  if (t === null || !/^[0-9]+$/.test(t) || BigInt(t) >= UID_LIMIT) throw YoyowRefusal.of('invalidAccount');
  const uid = Number(t);
  if (!isValidUid(uid)) throw YoyowRefusal.of('invalidAccount');
  return uid;
}

/** Stage B: every uid field in order; the first bad one answers 2002. */
export function checkUids(fields: ReadonlyArray<readonly [value: unknown, name: string]>): number[] {
  return fields.map(([v, name]) => parseUid(v, name));
}

/** Stage C: every named account exists (in order), else `2001 账号不存在`. `exists` is the module's lookup. */
export async function checkAccountsExist(uids: readonly number[], exists: (uid: number) => Promise<boolean>): Promise<void> {
  for (const uid of uids) {
    if (!(await exists(uid))) throw YoyowRefusal.of('accountNotFound');
  }
}

/** Stage D: an explicit `platform` must be the request's app (§2.2, Plaza decision) → else 1007. */
export function checkPlatform(platformUid: number, appUid: number): void {
  if (platformUid !== appUid) throw YoyowRefusal.of('platformNotAuthorized');
}

const SAFE_MAX = BigInt(Number.MAX_SAFE_INTEGER);

/**
 * An integer (§3.2) as a bigint: a JSON integer or a decimal-digit string, within [min, max]; a JSON number above
 * 2^53−1 is refused (it may have been rounded by the client: send a string). Else `2000 invalid parameter: <name>`.
 */
export function parseBigInteger(v: unknown, name: string, min: bigint, max: bigint): bigint {
  if (v === undefined || v === null) throw missingParameter(name);
  let n: bigint;
  if (v instanceof JsonNumber || typeof v === 'number') {
    const t = textOf(v);
    if (t === null || !/^-?[0-9]+$/.test(t)) throw invalidParameter(name);
    n = BigInt(t);
    if (n > SAFE_MAX || n < -SAFE_MAX) throw invalidParameter(name);
  } else if (typeof v === 'string' && /^[0-9]{1,40}$/.test(v)) {
    n = BigInt(v);
  } else {
    throw invalidParameter(name);
  }
  if (n < min || n > max) throw invalidParameter(name);
  return n;
}

/** An integer within [min, max] (both safe integers), as a number. */
export function parseInteger(v: unknown, name: string, min: number, max: number): number {
  return Number(parseBigInteger(v, name, BigInt(min), BigInt(max)));
}

/** A boolean: `true`/`false`, `"true"`/`"false"`, `1`/`0`, `"1"`/`"0"`; else `2000 invalid parameter: <name>`. */
export function parseBool(v: unknown, name: string): boolean {
  if (v === undefined || v === null) throw missingParameter(name);
  if (typeof v === 'boolean') return v;
  const t = textOf(v);
  if (t === 'true' || t === '1') return true;
  if (t === 'false' || t === '0') return false;
  throw invalidParameter(name);
}

export interface StringLimits {
  /** Largest length in UTF-8 bytes. */
  maxBytes?: number;
  /** Largest length in characters (code points). */
  maxChars?: number;
  /** Whether "" is refused (default: allowed). */
  nonEmpty?: boolean;
}

/** A string; a JSON number becomes its decimal text (leniency); limits per field; else `2000 invalid parameter`. */
export function parseString(v: unknown, name: string, limits: StringLimits = {}): string {
  if (v === undefined || v === null) throw missingParameter(name);
  const t = typeof v === 'string' ? v : v instanceof JsonNumber ? v.text : null;
  if (t === null) throw invalidParameter(name);
  if (limits.nonEmpty && t === '') throw invalidParameter(name);
  if (limits.maxBytes !== undefined && Buffer.byteLength(t, 'utf8') > limits.maxBytes) throw invalidParameter(name);
  if (limits.maxChars !== undefined && [...t].length > limits.maxChars) throw invalidParameter(name);
  return t;
}

export interface ObjectId {
  space: number;
  type: number;
  instance: number;
}

/** An object id `space.type.instance` (§5.11), optionally of a given space and type; else `2000 invalid parameter`. */
export function parseObjectId(v: unknown, name: string, expect?: { space: number; type: number }): ObjectId {
  if (v === undefined || v === null) throw missingParameter(name);
  const m = typeof v === 'string' ? /^([0-9]{1,15})\.([0-9]{1,15})\.([0-9]{1,15})$/.exec(v) : null;
  if (!m) throw invalidParameter(name);
  const id = { space: Number(m[1]), type: Number(m[2]), instance: Number(m[3]) };
  if (expect && (id.space !== expect.space || id.type !== expect.type)) throw invalidParameter(name);
  return id;
}
