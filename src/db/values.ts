// Conversions at the repository edge: the stores hand back 64-bit integers as bigint (database.ts).

/** A database integer as a JS number; asserts it is safe (ids, counts, times). */
export function toNum(v: bigint | number | string | null | undefined): number {
  if (v === null || v === undefined) throw new Error('expected an integer, got null');
  const n = typeof v === 'number' ? v : Number(v);
  if (!Number.isSafeInteger(n)) throw new Error(`integer out of safe range: ${String(v)}`);
  return n;
}

export function toNumOrNull(v: bigint | number | string | null | undefined): number | null {
  return v === null || v === undefined ? null : toNum(v);
}

/** A database integer as bigint (money). */
export function toBig(v: bigint | number | string | null | undefined): bigint {
  if (v === null || v === undefined) throw new Error('expected an integer, got null');
  return typeof v === 'bigint' ? v : BigInt(v);
}

export function toBool(v: bigint | number | boolean | null | undefined): boolean {
  return v === true || v === 1 || v === 1n;
}

export function flag(b: boolean): 0 | 1 {
  return b ? 1 : 0;
}
