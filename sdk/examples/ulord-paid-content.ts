// Example: paid content on Ulord from an app backend. An author publishes an article with a price; a reader asks
// whether it may read it and, if not, buys it once with its pay password. A retried purchase (same Idempotency-Key)
// or a second purchase pays nothing more: Ulord records one purchase per reader.
import { UlordApiError, UlordClient } from '../src/index.js';

export async function publishArticle(ulord: UlordClient, author: string, authorPayPassword: string, title: string, ipfsHash: string, price: string) {
  return ulord.publish({ author, pay_password: authorPayPassword, title, ipfs_hash: ipfsHash, content_type: '.md', price, tag: ['article'] });
}

/** The ipfs hash when the reader may read (buying it if needed), or why not. */
export async function readArticle(ulord: UlordClient, reader: string, readerPayPassword: string, claimId: string, purchaseId: string): Promise<{ ipfsHash: string } | { refused: string }> {
  const access = (await ulord.check(reader, [claimId]))[claimId];
  if (access === null || access === undefined) return { refused: 'no such article' };
  if (typeof access === 'string') return { ipfsHash: access };
  try {
    const r = await ulord.consume({ username: reader, claim_id: claimId, customer_pay_password: readerPayPassword }, { idempotencyKey: `purchase-${purchaseId}` });
    return { ipfsHash: r.ipfs_hash };
  } catch (err) {
    if (err instanceof UlordApiError && err.errcode === 20202) return { refused: err.walletReason ?? err.reason };
    throw err;
  }
}
