// A transfer's txid: SHA-256 of the UTF-8 of the canonical JSON array
//   ["plaza-transfer/1", id, debit_account_id, credit_account_id, asset_id, amount (decimal string), kind, memo,
//    metadata (canonical JSON object, embedded as JSON, not as a string), created_at]
// Status, posting time and block number are deliberately left out: a pending transfer keeps its txid when posted.
// `id` is 16 random bytes, so two otherwise identical transfers still get distinct txids.
import { createHash, randomFillSync } from 'node:crypto';

export interface TxidFields {
  id: string;
  debitAccountId: number;
  creditAccountId: number;
  assetId: number;
  amount: bigint;
  kind: string;
  memo: string;
  /** The canonical JSON text of the metadata object, exactly as stored. */
  metadataJson: string;
  createdAt: number;
}

export function transferEncoding(f: TxidFields): string {
  const head = JSON.stringify([
    'plaza-transfer/1',
    f.id,
    f.debitAccountId,
    f.creditAccountId,
    f.assetId,
    f.amount.toString(),
    f.kind,
    f.memo,
  ]);
  // Splice the metadata object in raw: equal to canonicalJson of the whole array with the object in place.
  return `${head.slice(0, -1)},${f.metadataJson},${JSON.stringify(f.createdAt)}]`;
}

export function computeTxid(f: TxidFields): string {
  return createHash('sha256').update(transferEncoding(f), 'utf8').digest('hex');
}

const ID_BYTES = 16;
// CSPRNG bytes are drawn 4 KiB at a time (as crypto.randomUUID does): each id takes the next 16 unused bytes, so
// ids stay 16 independent random bytes while the per-call cost of a small randomBytes() goes away.
const idPool = Buffer.alloc(256 * ID_BYTES);
let idOffset = idPool.length;

/** A fresh transfer id: 16 CSPRNG bytes as 32 lowercase hex. */
export function newTransferId(): string {
  if (idOffset === idPool.length) {
    randomFillSync(idPool);
    idOffset = 0;
  }
  const start = idOffset;
  idOffset += ID_BYTES;
  return idPool.toString('hex', start, idOffset);
}
