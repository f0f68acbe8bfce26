// Merkle trees over a block's entries (Bitcoin style). Leaves are the entries' txids as 32 raw bytes, in block
// order; a parent is SHA-256(left ‖ right); a level with an odd count pairs its last node with itself. A single
// leaf is its own root (no extra hashing), and an empty block has the root of 64 zeros. Known property of this
// scheme (CVE-2012-2459): duplicating the trailing entries of an odd level yields the same root, so a verifier must
// also check the block's entry_count — verifyLedger does.
import { createHash } from 'node:crypto';

export const ZERO_HASH = '0'.repeat(64);
const HEX64 = /^[0-9a-f]{64}$/;

export interface MerkleStep {
  /** The sibling's hash (hex). */
  hash: string;
  /** Which side the sibling sits on. */
  position: 'left' | 'right';
}

export interface MerkleProof {
  blockNumber: number;
  txid: string;
  root: string;
  path: MerkleStep[];
}

function parent(left: Buffer, right: Buffer): Buffer {
  return createHash('sha256').update(left).update(right).digest();
}

function leaves(txids: readonly string[]): Buffer[] {
  return txids.map((t) => {
    if (!HEX64.test(t)) throw new Error(`not a txid: ${t}`);
    return Buffer.from(t, 'hex');
  });
}

function nextLevel(level: Buffer[]): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i < level.length; i += 2) out.push(parent(level[i]!, level[i + 1] ?? level[i]!));
  return out;
}

export function merkleRoot(txids: readonly string[]): string {
  if (txids.length === 0) return ZERO_HASH;
  let level = leaves(txids);
  while (level.length > 1) level = nextLevel(level);
  return level[0]!.toString('hex');
}

/** The path from leaf `index` to the root. */
export function merklePath(txids: readonly string[], index: number): MerkleStep[] {
  if (!Number.isInteger(index) || index < 0 || index >= txids.length) throw new RangeError('leaf index out of range');
  const path: MerkleStep[] = [];
  let level = leaves(txids);
  let i = index;
  while (level.length > 1) {
    const isRight = i % 2 === 1;
    const sibling = isRight ? level[i - 1]! : (level[i + 1] ?? level[i]!);
    path.push({ hash: sibling.toString('hex'), position: isRight ? 'left' : 'right' });
    level = nextLevel(level);
    i = Math.floor(i / 2);
  }
  return path;
}

/** Pure check: does the path lead from the txid to the root? */
export function verifyMerkleProof(proof: Pick<MerkleProof, 'txid' | 'root' | 'path'>): boolean {
  if (!HEX64.test(proof.txid) || !HEX64.test(proof.root) || !Array.isArray(proof.path) || proof.path.length > 64) return false;
  let node: Buffer = Buffer.from(proof.txid, 'hex');
  for (const step of proof.path) {
    if (!step || typeof step.hash !== 'string' || !HEX64.test(step.hash)) return false;
    const sibling = Buffer.from(step.hash, 'hex');
    if (step.position === 'left') node = parent(sibling, node);
    else if (step.position === 'right') node = parent(node, sibling);
    else return false;
  }
  return node.toString('hex') === proof.root;
}
