// Prices of liveuser products are integer fen (1/100 CNY). The console shows and reads them as CNY with exactly two
// decimals by moving the decimal point in the text: no float ever holds an amount of money.

/** 1234 → "12.34", 5 → "0.05". */
export function fenToCny(fen: number | string): string {
  const digits = String(fen);
  if (!/^\d+$/.test(digits)) return digits;
  const padded = digits.padStart(3, '0');
  return `${padded.slice(0, -2).replace(/^0+(?=\d)/, '')}.${padded.slice(-2)}`;
}

/** "12.34" → 1234, "12" → 1200, "0.5" → 50; null when the text is not a CNY amount with at most two decimals. */
export function cnyToFen(text: string): number | null {
  const m = /^(\d{1,8})(?:\.(\d{1,2}))?$/.exec(text.trim());
  if (!m) return null;
  // At most 10 digits: far below 2^53, so the integer is exact.
  return Number(`${m[1]}${(m[2] ?? '').padEnd(2, '0')}`);
}
