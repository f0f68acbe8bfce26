// Example: an app backend on the YOYOW dialect pays a user from the app's prepaid and confirms the payout on the
// chain. Secure writes are encrypted with the app secret by an `encrypt` function the app supplies: here Node's
// crypto in the `simple` security level (crypto-js passphrase mode: OpenSSL EVP_BytesToKey with MD5, AES-256-CBC).
import { createCipheriv, createHash, randomBytes } from 'node:crypto';
import { YoyowApiError, YoyowClient, type YoyowCipher, type YoyowEncrypt } from '../src/index.js';

/** `simple`-mode encryption with the app secret as text (spec/yoyow.md §2.4). Keep the secret on the server. */
export function nodeEncrypt(secret: string): YoyowEncrypt {
  return (payloadJson: string): YoyowCipher => {
    const passphrase = Buffer.from(secret, 'utf8');
    const salt = randomBytes(8);
    let derived = Buffer.alloc(0);
    let block = Buffer.alloc(0);
    while (derived.length < 48) {
      block = createHash('md5').update(Buffer.concat([block, passphrase, salt])).digest();
      derived = Buffer.concat([derived, block]);
    }
    const key = derived.subarray(0, 32);
    const iv = derived.subarray(32, 48);
    const cipher = createCipheriv('aes-256-cbc', key, iv);
    const ct = Buffer.concat([cipher.update(payloadJson, 'utf8'), cipher.final()]);
    return { ct: ct.toString('hex'), iv: iv.toString('hex'), s: salt.toString('hex') };
  };
}

/**
 * Pays `amountYoyo` (display units, e.g. "2.5") to `uid` once per `payoutId` — a retry replays the first answer —
 * and returns the txid and the block that seals it; `{ paid: false }` when the app's prepaid is short.
 */
export async function payout(yoyow: YoyowClient, uid: number, amountYoyo: string, payoutId: string) {
  try {
    const r = await yoyow.transfer({ uid, amount: amountYoyo, memo: `payout ${payoutId}` }, { idempotencyKey: `payout-${payoutId}` });
    return { paid: true as const, txid: r.txid, blockNum: r.block_num };
  } catch (err) {
    if (err instanceof YoyowApiError && err.code === 2005) return { paid: false as const };
    throw err;
  }
}

/** True once the block holding `txid` is sealed and irreversible. */
export async function payoutConfirmed(yoyow: YoyowClient, txid: string, blockNum: number): Promise<boolean> {
  const block = await yoyow.block(blockNum);
  return block !== null && block.transaction_ids.includes(txid) && (await yoyow.blockConfirmed(blockNum));
}
