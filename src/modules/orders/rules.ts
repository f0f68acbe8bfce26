// The pure rules of Order.Create (spec/liveuser.md §6.7 steps 2–4, 6): line checks in request order, merging of
// repeated product ids, and the int32 bound on the total. No I/O: orders.ts applies them, tests call them directly.
import { invalid } from './errors.js';

export const MAX_ORDER_LINES = 50;
export const MAX_LINE_COUNT = 9999;
export const MAX_PRODUCT_ID_LENGTH = 64;
/** Amounts are int32 fen on the wire. */
export const MAX_ORDER_AMOUNT = 2_147_483_647;

/** A field the wire format could not read (wrong type, not an integer): reported at its place in the check order. */
export interface Unreadable {
  problem: string;
}

/** A line as the client sent it (`count` is any int32; absent = 0), with any field the dialect could not read. */
export interface RequestedLine {
  productId: string | Unreadable;
  count: number | Unreadable;
}

/** A checked line. */
export interface OrderLineRequest {
  productId: string;
  count: number;
}

function readable<T>(v: T | Unreadable): T {
  if (typeof v === 'object' && v !== null && 'problem' in v) throw invalid(v.problem);
  return v;
}

/**
 * Steps 2–4: `no product` / too many lines, then per line in order: its product id (unreadable, `empty product
 * identity`, too long), then its count (unreadable, `product count is zero`, `product count must be positive`, too
 * large). Lines naming one product are merged with their counts added (first appearance keeps its place), and a
 * merged count above the line maximum is refused too.
 */
export function checkOrderLines(lines: readonly RequestedLine[]): OrderLineRequest[] {
  if (lines.length === 0) throw invalid('no product');
  if (lines.length > MAX_ORDER_LINES) throw invalid(`too many products: at most ${MAX_ORDER_LINES} lines`);
  const merged = new Map<string, number>();
  for (const line of lines) {
    const productId = readable(line.productId);
    if (productId === '') throw invalid('empty product identity');
    if (productId.length > MAX_PRODUCT_ID_LENGTH) throw invalid(`product identity too long: at most ${MAX_PRODUCT_ID_LENGTH} characters`);
    const count = readable(line.count);
    if (count === 0) throw invalid('product count is zero');
    if (count < 0) throw invalid('product count must be positive');
    if (count > MAX_LINE_COUNT) throw invalid(`product count too large: at most ${MAX_LINE_COUNT}`);
    merged.set(productId, (merged.get(productId) ?? 0) + count);
  }
  const out = [...merged].map(([productId, count]) => ({ productId, count }));
  const over = out.find((l) => l.count > MAX_LINE_COUNT);
  if (over) throw invalid(`product count too large: at most ${MAX_LINE_COUNT} of ${over.productId} in one order`);
  return out;
}

/** Step 6: Σ price × count, refused above int32. */
export function orderAmount(lines: ReadonlyArray<{ price: number; count: number }>): number {
  let total = 0n;
  for (const l of lines) total += BigInt(l.price) * BigInt(l.count);
  if (total > BigInt(MAX_ORDER_AMOUNT)) throw invalid('amount too large');
  return Number(total);
}

/** Code-point order of product ids (the order of `products` in an OrderRecord). */
export function compareProductIds(a: string, b: string): number {
  const x = Array.from(a);
  const y = Array.from(b);
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const d = x[i]!.codePointAt(0)! - y[i]!.codePointAt(0)!;
    if (d !== 0) return d;
  }
  return x.length - y.length;
}
