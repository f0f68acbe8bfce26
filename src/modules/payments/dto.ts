// PaymentDTO (spec/pi.md §3.6): the exact JSON text every route answers with, and the same document as a plain object
// for webhook payloads. Key order is §3.6's; `amount` is written as plain decimal text (never exponent form, §5.6:
// 1 minor unit is `0.0000001`); `metadata` is the stored JSON text verbatim, so key order and number literals are
// exactly what the app sent.
import { parse as parseLossless } from 'lossless-json';
import { formatCanonical } from '../../core/money.js';
import { PI_PRECISION } from './settings.js';
import { paymentFlags, type Payment } from './types.js';

/** `<base>/horizon/transactions/<txid>` (§5.8). */
export function transactionLink(linkBase: string, txid: string): string {
  return `${linkBase.replace(/\/+$/, '')}/horizon/transactions/${txid}`;
}

/** The amount as JSON number text: `3.14`, `1`, `0.0000001`. */
export function amountText(minor: bigint): string {
  return formatCanonical(minor, PI_PRECISION);
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/** Exact PaymentDTO text. */
export function paymentDtoJson(p: Payment, linkBase: string): string {
  const f = paymentFlags(p);
  const transaction = p.txid === null ? 'null' : `{"txid":${JSON.stringify(p.txid)},"verified":true,"_link":${JSON.stringify(transactionLink(linkBase, p.txid))}}`;
  return (
    `{"identifier":${JSON.stringify(p.identifier)},"user_uid":${JSON.stringify(p.userUid)},"amount":${amountText(p.amount)},` +
    `"memo":${JSON.stringify(p.memo)},"metadata":${p.metadataJson},"from_address":${JSON.stringify(p.fromAddress)},` +
    `"to_address":${JSON.stringify(p.toAddress)},"direction":${JSON.stringify(p.direction)},"created_at":${JSON.stringify(iso(p.createdAt))},` +
    `"network":${JSON.stringify(p.network)},"status":{"developer_approved":${f.developer_approved},"transaction_verified":${f.transaction_verified},` +
    `"developer_completed":${f.developer_completed},"cancelled":${f.cancelled},"user_cancelled":${f.user_cancelled}},"transaction":${transaction}}`
  );
}

/**
 * Metadata as plain JSON values. Numbers that a double cannot hold at all (`1e400`) are kept as their literal text,
 * so a payload can always be encoded; every other number becomes the nearest double, as any JSON reader would.
 */
function metadataObject(text: string): Record<string, unknown> {
  return parseLossless(text, null, (literal: string) => {
    const n = Number(literal);
    return Number.isFinite(n) ? n : literal;
  }) as Record<string, unknown>;
}

/** The PaymentDTO as an object (webhook payloads): `amount` as a JS number, the same fields and values. */
export function paymentDtoObject(p: Payment, linkBase: string): Record<string, unknown> {
  return {
    identifier: p.identifier,
    user_uid: p.userUid,
    amount: Number(amountText(p.amount)),
    memo: p.memo,
    metadata: metadataObject(p.metadataJson),
    from_address: p.fromAddress,
    to_address: p.toAddress,
    direction: p.direction,
    created_at: iso(p.createdAt),
    network: p.network,
    status: { ...paymentFlags(p) },
    transaction: p.txid === null ? null : { txid: p.txid, verified: true, _link: transactionLink(linkBase, p.txid) },
  };
}
