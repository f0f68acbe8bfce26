// The secure request scheme's cipher (spec/yoyow.md §2.4): AES-256-CBC with PKCS#7 padding, keyed either like
// crypto-js's passphrase mode (OpenSSL EVP_BytesToKey, MD5, one round; the transmitted IV is ignored) or by
// PBKDF2-HMAC-SHA1 (100 iterations) with an explicit IV. `node:crypto` only. Decryption either yields a JSON object
// or null: step 1 of §2.4 has one answer (1005) for every failure, so no reason leaks to the caller.
import { createCipheriv, createDecipheriv, createHash, pbkdf2Sync, randomBytes } from 'node:crypto';
import { parse as parseLossless } from 'lossless-json';
import { JsonNumber, type JsonObject } from '../../http/body.js';

export type SecurityLevel = 'simple' | 'standard';

/** The three cipher fields as received (any JSON type; validated here). */
export interface CipherFields {
  ct?: unknown;
  iv?: unknown;
  s?: unknown;
}

/** What decryption produced: the payload and the normalised fields the replay key is made of (§2.5). */
export interface Decrypted {
  payload: JsonObject;
  /** Lowercase hex; `iv` is '' in simple mode (ignored there, so it cannot make a ciphertext "new"). */
  ct: string;
  iv: string;
  s: string;
}

const PBKDF2_ITERATIONS = 100;
const KEY_BYTES = 32;
const IV_BYTES = 16;

/** OpenSSL EVP_BytesToKey with MD5 and one round: D1 = MD5(P‖salt), Di = MD5(Di−1‖P‖salt); key ‖ iv = D1‖D2‖D3. */
export function evpBytesToKey(passphrase: Buffer, salt: Buffer): { key: Buffer; iv: Buffer } {
  const blocks: Buffer[] = [];
  let prev = Buffer.alloc(0);
  while (blocks.length * 16 < KEY_BYTES + IV_BYTES) {
    prev = createHash('md5').update(Buffer.concat([prev, passphrase, salt])).digest();
    blocks.push(prev);
  }
  const all = Buffer.concat(blocks);
  return { key: all.subarray(0, KEY_BYTES), iv: all.subarray(KEY_BYTES, KEY_BYTES + IV_BYTES) };
}

/** Standard mode: PBKDF2-HMAC-SHA1(P, salt, 100 iterations, 32 bytes). */
export function pbkdf2Key(passphrase: Buffer, salt: Buffer): Buffer {
  return pbkdf2Sync(passphrase, salt, PBKDF2_ITERATIONS, KEY_BYTES, 'sha1');
}

/** Non-empty, even-length hex (either case) → bytes; else null. */
function hexBytes(v: unknown): Buffer | null {
  if (typeof v !== 'string' || v.length === 0 || v.length % 2 !== 0 || !/^[0-9a-fA-F]+$/.test(v)) return null;
  return Buffer.from(v, 'hex');
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Key and IV for `mode`, or null when the fields are not well-formed for it. */
function keyAndIv(mode: SecurityLevel, passphrase: Buffer, fields: CipherFields): { key: Buffer; iv: Buffer; salt: Buffer } | null {
  const salt = hexBytes(fields.s);
  if (salt === null) return null;
  if (mode === 'simple') return { ...evpBytesToKey(passphrase, salt), salt };
  const iv = hexBytes(fields.iv);
  if (iv === null || iv.length !== IV_BYTES) return null;
  return { key: pbkdf2Key(passphrase, salt), iv, salt };
}

/**
 * §2.4 step 1: decrypts the cipher fields with the app secret (as text: its 32 hex characters as UTF-8) and parses
 * the plaintext as a JSON object (numbers kept lossless). Null for every failure.
 */
export function decryptPayload(mode: SecurityLevel, secretText: string, fields: CipherFields): Decrypted | null {
  const ct = hexBytes(fields.ct);
  if (ct === null || ct.length % 16 !== 0) return null;
  const passphrase = Buffer.from(secretText, 'utf8');
  const k = keyAndIv(mode, passphrase, fields);
  if (k === null) return null;
  let plain: Buffer;
  try {
    const decipher = createDecipheriv('aes-256-cbc', k.key, k.iv);
    plain = Buffer.concat([decipher.update(ct), decipher.final()]);
  } catch {
    return null; // bad padding (a wrong key almost always ends here)
  }
  let value: unknown;
  try {
    value = parseLossless(strictUtf8.decode(plain), null, (literal: string) => new JsonNumber(literal));
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value) || value instanceof JsonNumber) return null;
  return {
    payload: value as JsonObject,
    ct: ct.toString('hex'),
    iv: mode === 'simple' ? '' : k.iv.toString('hex'),
    s: k.salt.toString('hex'),
  };
}

/**
 * Encrypts `text` the way a client does (tests, examples, hosted pages): simple mode with a random 8-byte salt
 * unless given; standard mode with a random 16-byte salt and IV unless given. Returns the three fields as hex.
 */
export function encryptPayload(mode: SecurityLevel, secretText: string, text: string, given: { salt?: Buffer; iv?: Buffer } = {}): { ct: string; iv: string; s: string } {
  const passphrase = Buffer.from(secretText, 'utf8');
  const salt = given.salt ?? randomBytes(mode === 'simple' ? 8 : 16);
  const { key, iv } = mode === 'simple' ? evpBytesToKey(passphrase, salt) : { key: pbkdf2Key(passphrase, salt), iv: given.iv ?? randomBytes(IV_BYTES) };
  const cipher = createCipheriv('aes-256-cbc', key, iv);
  const ct = Buffer.concat([cipher.update(text, 'utf8'), cipher.final()]);
  return { ct: ct.toString('hex'), iv: iv.toString('hex'), s: salt.toString('hex') };
}
