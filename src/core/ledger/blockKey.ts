// The block key: one Ed25519 key pair per installation, shared by every Plaza process on the same database.
// Stored in `settings` under 'ledger.block_key' as JSON {v:1, publicKey: raw 32 bytes hex, sealed: PKCS8 DER
// (base64) sealed with the SecretBox}; the public key sits in the clear so `verifyLedger` needs no master key.
import { createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import type { SecretBox } from '../crypto/secretbox.js';
import type { Db } from './rows.js';

export const BLOCK_KEY_SETTING = 'ledger.block_key';
const PURPOSE = 'ledger.block_key';
// The fixed 12-byte DER prefix of an Ed25519 SubjectPublicKeyInfo; the raw key follows it.
const SPKI_ED25519_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

export interface BlockKey {
  privateKey: KeyObject;
  /** Raw 32-byte public key, hex. */
  publicKey: string;
}

interface StoredKey {
  v: 1;
  publicKey: string;
  sealed: string;
}

function rawPublicKey(key: KeyObject): string {
  const der = createPublicKey(key).export({ type: 'spki', format: 'der' });
  return der.subarray(SPKI_ED25519_PREFIX.length).toString('hex');
}

function publicKeyFromRaw(hex: string): KeyObject {
  return createPublicKey({ key: Buffer.concat([SPKI_ED25519_PREFIX, Buffer.from(hex, 'hex')]), format: 'der', type: 'spki' });
}

async function readStored(db: Db): Promise<StoredKey | null> {
  const row = await db.selectFrom('settings').select('value').where('key', '=', BLOCK_KEY_SETTING).executeTakeFirst();
  return row ? (JSON.parse(row.value) as StoredKey) : null;
}

/** Reads the block key, creating it on first use. Safe to race: insert-if-absent, then everyone reads the winner. */
export async function loadOrCreateBlockKey(db: Db, box: SecretBox): Promise<BlockKey> {
  let stored = await readStored(db);
  if (!stored) {
    const { privateKey } = generateKeyPairSync('ed25519');
    const der = privateKey.export({ type: 'pkcs8', format: 'der' });
    const value: StoredKey = { v: 1, publicKey: rawPublicKey(privateKey), sealed: box.seal(der.toString('base64'), PURPOSE) };
    await db
      .insertInto('settings')
      .values({ key: BLOCK_KEY_SETTING, value: JSON.stringify(value) })
      .onConflict((oc) => oc.column('key').doNothing())
      .execute();
    stored = await readStored(db);
    if (!stored) throw new Error('block key vanished after insert');
  }
  const der = Buffer.from(box.open(stored.sealed, PURPOSE), 'base64');
  const privateKey = createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
  if (rawPublicKey(privateKey) !== stored.publicKey) throw new Error('block key: stored public key does not match the private key');
  return { privateKey, publicKey: stored.publicKey };
}

/** The current block key's public key (hex), without the master key; null before the first seal. */
export async function currentBlockPublicKey(db: Db): Promise<string | null> {
  return (await readStored(db))?.publicKey ?? null;
}

export function signBlockHash(key: BlockKey, hashHex: string): string {
  return sign(null, Buffer.from(hashHex, 'hex'), key.privateKey).toString('hex');
}

export function verifyBlockSignature(publicKeyHex: string, hashHex: string, signatureHex: string): boolean {
  try {
    return verify(null, Buffer.from(hashHex, 'hex'), publicKeyFromRaw(publicKeyHex), Buffer.from(signatureHex, 'hex'));
  } catch {
    return false;
  }
}
