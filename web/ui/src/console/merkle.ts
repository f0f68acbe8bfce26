// Checks a Merkle proof in the browser (WebCrypto SHA-256), the same way core/ledger/merkle.ts does on the server:
// the leaf is the txid's 32 raw bytes, each step hashes (sibling ‖ node) or (node ‖ sibling), and the result must
// equal the block's root. The explorer shows the outcome, so an operator need not trust the page's word.
import type { Proof } from './types';

const HEX64 = /^[0-9a-f]{64}$/;

function bytes(hex: string): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
}

function hex(buf: ArrayBuffer): string {
  return Array.from(new Uint8Array(buf), (b) => b.toString(16).padStart(2, '0')).join('');
}

async function parent(left: Uint8Array<ArrayBuffer>, right: Uint8Array<ArrayBuffer>): Promise<Uint8Array<ArrayBuffer>> {
  const joined = new Uint8Array(left.length + right.length);
  joined.set(left, 0);
  joined.set(right, left.length);
  return new Uint8Array(await crypto.subtle.digest('SHA-256', joined));
}

/** The hashes from the leaf to the computed root (for display), and whether that root is the block's. */
export async function verifyProof(proof: Proof): Promise<{ ok: boolean; nodes: string[] }> {
  if (!HEX64.test(proof.txid) || !HEX64.test(proof.merkle_root)) return { ok: false, nodes: [] };
  let node = bytes(proof.txid);
  const nodes = [proof.txid];
  for (const step of proof.path) {
    if (!HEX64.test(step.hash)) return { ok: false, nodes };
    const sibling = bytes(step.hash);
    node = step.position === 'left' ? await parent(sibling, node) : await parent(node, sibling);
    nodes.push(hex(node.buffer));
  }
  return { ok: nodes[nodes.length - 1] === proof.merkle_root, nodes };
}
