// GET /api/v2/blocks/:block_num (§4.5) and /api/v2/blocks/:block_num/confirmed (§4.6): the core's sealed blocks in
// the chain's block shape (derivations of §5.10 in modules/yoyow).
import { blockConfirmed, blockView, yoyowDeps, type StoredOperation } from '../../../modules/yoyow/index.js';
import { parseInteger } from '../parse.js';
import { readRoute, type YoyowReadContext } from '../pipeline.js';
import { chainTime, renderUid } from '../render.js';

/** ref_block_prefix: bytes 4–7 of the previous block_id, read as a little-endian uint32. */
export function refBlockPrefix(previousId: string): number {
  return Buffer.from(previousId, 'hex').readUInt32LE(4);
}

function renderTransaction(op: StoredOperation, blockNum: number, previousId: string): Record<string, unknown> {
  return {
    ref_block_num: (blockNum - 1) & 0xffff,
    ref_block_prefix: refBlockPrefix(previousId),
    expiration: chainTime(op.createdAt + 60_000),
    operations: [[op.type, op.fields]],
    extensions: [],
    signatures: [],
    operation_results: [op.result === null ? [0, {}] : [1, op.result]],
  };
}

async function block(ctx: YoyowReadContext): Promise<unknown> {
  const num = parseInteger(ctx.params.block_num, 'block_num', 0, Number.MAX_SAFE_INTEGER);
  const v = await blockView(ctx.services.db, num, yoyowDeps(ctx.services));
  if (!v) return null;
  return {
    previous: v.previousId,
    timestamp: chainTime(v.block.timestamp),
    witness: renderUid(v.nodeUid),
    transaction_merkle_root: v.block.entryCount === 0 ? '0'.repeat(40) : v.block.merkleRoot.slice(0, 40),
    witness_signature: v.witnessSignature,
    transactions: v.operations.map((op) => renderTransaction(op, v.block.number, v.previousId)),
    block_id: v.blockId,
    signing_key: v.signingKey,
    transaction_ids: v.operations.map((op) => op.txid.slice(0, 40)),
  };
}

async function confirmed(ctx: YoyowReadContext): Promise<boolean> {
  const text = ctx.params.block_num ?? '';
  if (!/^[0-9]{1,15}$/.test(text)) return false;
  return blockConfirmed(ctx.db, Number(text), yoyowDeps(ctx.services));
}

export const BLOCK_ROUTES = [readRoute('/api/v2/blocks/:block_num', block), readRoute('/api/v2/blocks/:block_num/confirmed', confirmed)];
