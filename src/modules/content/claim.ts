// Claim ids (spec/ulord.md §8.5), pure functions. The claim txid is a content hash of the published fields (not a
// ledger transfer); the claim id follows the LBRY-derived rule the original chain used, so anyone holding the txid
// can recompute it: RIPEMD160(SHA256(reverse(txid bytes) ‖ uint32_be(nout))), byte-reversed, hex.
import { createHash } from 'node:crypto';

export const CLAIM_FORMAT = 'plaza-ulord-claim/1';

function sha256(bytes: Uint8Array): Buffer {
  return createHash('sha256').update(bytes).digest();
}

/** hex(SHA256(SHA256(claim bytes))): 64 lowercase hex. */
export function claimTxidOf(claimBytes: Uint8Array): string {
  return sha256(sha256(claimBytes)).toString('hex');
}

/** §8.5: 40 lowercase hex. node:crypto's OpenSSL provides ripemd160 (the test vector in test/ulord pins it). */
export function claimIdOf(claimTxid: string, nout = 0): string {
  if (!/^[0-9a-f]{64}$/.test(claimTxid)) throw new Error(`claim txid must be 64 lowercase hex, got ${claimTxid}`);
  if (!Number.isInteger(nout) || nout < 0 || nout > 0xffffffff) throw new Error(`nout out of range: ${nout}`);
  const out = Buffer.alloc(4);
  out.writeUInt32BE(nout);
  const inner = sha256(Buffer.concat([Buffer.from(claimTxid, 'hex').reverse(), out]));
  return createHash('ripemd160').update(inner).digest().reverse().toString('hex');
}

export interface ClaimFields {
  appkey: string;
  author: string;
  title: string;
  ipfsHash: string;
  /** Canonical decimal text (§2.5), e.g. "0.5", "-0.02". */
  price: string;
  contentType: string;
  description: string | null;
  tags: readonly string[];
  /** The timestamp text of render.timestamp (§2.5). */
  createdAt: string;
  /** 32 lowercase hex (16 random bytes): republishing the same fields gives a new claim. */
  nonce: string;
}

/** UTF-8 of the compact JSON array of §8.5. */
export function claimBytes(f: ClaimFields): Buffer {
  const array = [CLAIM_FORMAT, f.appkey, f.author, f.title, f.ipfsHash, f.price, f.contentType, f.description ?? '', f.tags, f.createdAt, f.nonce];
  return Buffer.from(JSON.stringify(array), 'utf8');
}
