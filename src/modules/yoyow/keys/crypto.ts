// YOYOW key and signature primitives (spec/yoyow.md §6.1, §6.2, §6.6): `YYW` public-key text, WIF import, the
// yoyowjs-lib signature scheme reproduced byte for byte, and memo encryption. Pure functions: no database, no clock.
// All curve and field arithmetic is @noble/curves' (Point, Point.Fn); the RFC 6979 nonce is its HMAC-DRBG keyed with
// @noble/hashes' HMAC-SHA256. Nothing here is hand-written elliptic-curve code.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { bytesToNumberBE, createHmacDrbg, numberToBytesBE } from '@noble/curves/utils.js';
import { hmac } from '@noble/hashes/hmac.js';
import { ripemd160 } from '@noble/hashes/legacy.js';
import { sha256, sha512 } from '@noble/hashes/sha2.js';
import { base58 } from '@scure/base';

const Point = secp256k1.Point;
const Fn = Point.Fn;
const N = Fn.ORDER;
const HALF_N = N >> 1n;
/** DER encodes r and s in exactly 32 bytes iff 2^248 ≤ v < 2^255 (no leading zero, no sign padding). */
const DER32_MIN = 1n << 248n;
const DER32_LIMIT = 1n << 255n;

export const YYW_PREFIX = 'YYW';

const utf8 = new TextEncoder();

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex');
}

// ---- key texts (§6.2) ----------------------------------------------------------------------------------------

/** A random valid private key (32 bytes). */
export function randomPrivateKey(): Uint8Array {
  return secp256k1.utils.randomSecretKey();
}

export function isValidPrivateKey(key: Uint8Array): boolean {
  return key.length === 32 && secp256k1.utils.isValidSecretKey(key);
}

/** The 33-byte compressed public key of a private key. */
export function publicKeyOf(privateKey: Uint8Array): Uint8Array {
  return secp256k1.getPublicKey(privateKey, true);
}

/** `YYW` + Base58(compressed key ‖ RIPEMD-160(compressed key)[0..4)). */
export function toYywPublicKey(compressed: Uint8Array): string {
  if (compressed.length !== 33) throw new RangeError('a compressed public key is 33 bytes');
  return YYW_PREFIX + base58.encode(concat(compressed, ripemd160(compressed).subarray(0, 4)));
}

/** The compressed key of a `YYW…` text, or null for a wrong prefix, bad Base58, a wrong checksum or a non-point. */
export function parseYywPublicKey(text: string): Uint8Array | null {
  if (typeof text !== 'string' || !text.startsWith(YYW_PREFIX) || text.length > 80) return null;
  let raw: Uint8Array;
  try {
    raw = base58.decode(text.slice(YYW_PREFIX.length));
  } catch {
    return null;
  }
  if (raw.length !== 37) return null;
  const key = raw.subarray(0, 33);
  if (!sameBytes(ripemd160(key).subarray(0, 4), raw.subarray(33))) return null;
  if (!secp256k1.utils.isValidPublicKey(key, true)) return null;
  return Uint8Array.from(key);
}

/** The private key of a WIF (`0x80 ‖ key ‖ SHA256d checksum`, Base58), or null when malformed. */
export function wifToPrivateKey(wif: string): Uint8Array | null {
  if (typeof wif !== 'string' || wif.length > 60) return null;
  let raw: Uint8Array;
  try {
    raw = base58.decode(wif.trim());
  } catch {
    return null;
  }
  if (raw.length !== 37 || raw[0] !== 0x80) return null;
  const body = raw.subarray(0, 33);
  if (!sameBytes(sha256(sha256(body)).subarray(0, 4), raw.subarray(33))) return null;
  const key = Uint8Array.from(raw.subarray(1, 33));
  return isValidPrivateKey(key) ? key : null;
}

export function privateKeyToWif(privateKey: Uint8Array): string {
  const body = concat(Uint8Array.of(0x80), privateKey);
  return base58.encode(concat(body, sha256(sha256(body)).subarray(0, 4)));
}

// ---- signatures (§6.1) ---------------------------------------------------------------------------------------

interface RawSignature {
  r: bigint;
  s: bigint;
  /** 0–3: which of the candidate points R is (y parity, and whether R.x ≥ n), after low-S normalisation. */
  recid: number;
}

const drbg = createHmacDrbg<RawSignature>(32, 32, (key: Uint8Array, ...msgs: Uint8Array[]) => hmac(sha256, key, concat(...msgs)));

/**
 * One yoyowjs-lib `ecdsa.sign` attempt: RFC 6979 over (private key, `h_j` taken as it is — no reduction mod n, as
 * yoyowjs-lib), candidates with r = 0 or s = 0 rejected inside the DRBG loop, the signature over the ORIGINAL
 * digest, s normalised to low-S.
 */
function signAttempt(privateKey: Uint8Array, digest: Uint8Array, attempt: number): RawSignature {
  const h = attempt === 0 ? digest : sha256(concat(digest, new Uint8Array(attempt)));
  const d = bytesToNumberBE(privateKey);
  const e = Fn.create(bytesToNumberBE(digest));
  const sig = drbg(concat(privateKey, h), (v) => {
    const k = bytesToNumberBE(v);
    if (k <= 0n || k >= N) return undefined;
    const R = Point.BASE.multiply(k).toAffine();
    const r = Fn.create(R.x);
    if (r === 0n) return undefined;
    const s = Fn.mul(Fn.inv(k), Fn.add(e, Fn.mul(d, r)));
    if (s === 0n) return undefined;
    return { r, s, recid: (R.y & 1n ? 1 : 0) | (R.x >= N ? 2 : 0) };
  });
  // Negating s corresponds to the point −R, whose y has the other parity.
  return sig.s > HALF_N ? { r: sig.r, s: N - sig.s, recid: sig.recid ^ 1 } : sig;
}

/**
 * §6.1: 130 hex `[27+4+recid][r][s]`, identical to yoyowjs-lib `Signature.signBuffer`. Its recovery parameter is
 * the first candidate that gives back the signing key, which is the recid of R computed here (the tests recover
 * every signature they make to hold this).
 */
export function signDigest(privateKey: Uint8Array, digest: Uint8Array): string {
  if (!isValidPrivateKey(privateKey)) throw new RangeError('invalid private key');
  for (let attempt = 0; ; attempt++) {
    const { r, s, recid } = signAttempt(privateKey, digest, attempt);
    if (r < DER32_MIN || r >= DER32_LIMIT || s < DER32_MIN || s >= DER32_LIMIT) continue;
    return toHex(concat(Uint8Array.of(27 + 4 + recid), numberToBytesBE(r, 32), numberToBytesBE(s, 32)));
  }
}

export function signMessage(privateKey: Uint8Array, message: string): string {
  return signDigest(privateKey, sha256(utf8.encode(message)));
}

interface ParsedSignature {
  header: number;
  r: bigint;
  s: bigint;
}

/** The parts of a 130-hex signature with `h` in 27–34 and r, s in [1, n−1]; null otherwise. */
export function parseSignature(signatureHex: string): ParsedSignature | null {
  if (typeof signatureHex !== 'string' || !/^[0-9a-fA-F]{130}$/.test(signatureHex)) return null;
  const raw = Buffer.from(signatureHex, 'hex');
  const header = raw[0]!;
  if (header < 27 || header > 34) return null;
  const r = bytesToNumberBE(raw.subarray(1, 33));
  const s = bytesToNumberBE(raw.subarray(33, 65));
  if (r <= 0n || r >= N || s <= 0n || s >= N) return null;
  return { header, r, s };
}

/** Plain ECDSA verification against one key (no low-S requirement; the header does not select the key). */
export function verifyMessageWithKey(signatureHex: string, message: string, publicKey: Uint8Array): boolean {
  const sig = parseSignature(signatureHex);
  if (sig === null) return false;
  try {
    const compact = new secp256k1.Signature(sig.r, sig.s).toBytes('compact');
    return secp256k1.verify(compact, sha256(utf8.encode(message)), publicKey, { prehash: false, lowS: false });
  } catch {
    return false;
  }
}

export function verifyMessage(signatureHex: string, message: string, publicKeyText: string): boolean {
  const key = parseYywPublicKey(publicKeyText);
  return key !== null && verifyMessageWithKey(signatureHex, message, key);
}

/** The public key a signature's header recovers (recid = (h − 27) mod 4), or null. Diagnostic only. */
export function recoverPublicKeyText(signatureHex: string, message: string): string | null {
  const sig = parseSignature(signatureHex);
  if (sig === null) return null;
  try {
    const point = new secp256k1.Signature(sig.r, sig.s, (sig.header - 27) & 3).recoverPublicKey(sha256(utf8.encode(message)));
    return toYywPublicKey(point.toBytes(true));
  } catch {
    return null;
  }
}

// ---- memos (§6.6) --------------------------------------------------------------------------------------------

export interface EncryptedMemo {
  from: string;
  to: string;
  /** uint64 decimal. */
  nonce: string;
  /** Ciphertext hex. */
  message: string;
}

const UINT64_LIMIT = 1n << 64n;

function memoKey(privateKey: Uint8Array, otherPublic: Uint8Array, nonce: string): { key: Buffer; iv: Buffer } {
  const shared = secp256k1.getSharedSecret(privateKey, otherPublic, true).subarray(1);
  const S = sha512(shared);
  const H = sha512(utf8.encode(nonce + toHex(S)));
  return { key: Buffer.from(H.subarray(0, 32)), iv: Buffer.from(H.subarray(32, 48)) };
}

function randomNonce(): bigint {
  return randomBytes(8).readBigUInt64BE();
}

/** Encrypts `memo` from the sender's memo key to the recipient's memo public key (`nonce` random when omitted). */
export function encryptMemo(senderPriv: Uint8Array, recipientPubText: string, memo: string, nonce?: bigint): EncryptedMemo {
  const recipient = parseYywPublicKey(recipientPubText);
  if (recipient === null) throw new RangeError('invalid recipient memo key');
  const n = nonce ?? randomNonce();
  if (n < 0n || n >= UINT64_LIMIT) throw new RangeError('memo nonce is a uint64');
  const nonceText = n.toString();
  const { key, iv } = memoKey(senderPriv, recipient, nonceText);
  const body = utf8.encode(memo);
  const plain = concat(sha256(body).subarray(0, 4), body);
  const cipher = createCipheriv('aes-256-cbc', key, iv);
  const ct = Buffer.concat([cipher.update(plain), cipher.final()]);
  return { from: toYywPublicKey(publicKeyOf(senderPriv)), to: recipientPubText, nonce: nonceText, message: ct.toString('hex') };
}

/**
 * Decrypts a memo with one side's private key and the other side's public key (`S` is the same both ways); null
 * when it does not decrypt or its checksum does not match.
 */
export function decryptMemo(privateKey: Uint8Array, otherPubText: string, memo: Pick<EncryptedMemo, 'nonce' | 'message'>): string | null {
  const other = parseYywPublicKey(otherPubText);
  if (other === null || !/^\d{1,20}$/.test(memo.nonce) || !/^(?:[0-9a-fA-F]{32})+$/.test(memo.message)) return null;
  try {
    const { key, iv } = memoKey(privateKey, other, memo.nonce);
    const decipher = createDecipheriv('aes-256-cbc', key, iv);
    const plain = Buffer.concat([decipher.update(Buffer.from(memo.message, 'hex')), decipher.final()]);
    if (plain.length < 4) return null;
    const body = plain.subarray(4);
    if (!sameBytes(sha256(body).subarray(0, 4), plain.subarray(0, 4))) return null;
    return new TextDecoder('utf-8', { fatal: true }).decode(body);
  } catch {
    return null;
  }
}
