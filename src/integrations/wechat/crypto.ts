// The cryptography of WeChat Pay APIv3 (spec/liveuser.md §8.3–§8.7), on node:crypto only: the request-signing
// message and Authorization header, RSA-SHA256 (PKCS#1 v1.5) signing and verification, response verification,
// AEAD_AES_256_GCM as WeChat uses it, `paySign`, key generation for the sandbox. Pure functions: no I/O, no clock
// (callers pass the time), so the sandbox and the client share one implementation of each rule.
import {
  createCipheriv,
  createDecipheriv,
  createPrivateKey,
  createPublicKey,
  createSign,
  createVerify,
  generateKeyPairSync,
  randomBytes,
  randomInt,
  timingSafeEqual,
} from 'node:crypto';
import type { PayParams, PlatformKey, WechatAppConfig } from './types.js';

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** `length` characters of [A-Za-z0-9] from the CSPRNG (uniform: randomInt rejects biased draws). */
export function alnumNonce(length = 32): string {
  let out = '';
  for (let i = 0; i < length; i++) out += ALNUM[randomInt(ALNUM.length)];
  return out;
}

/** `length` upper-case hex characters from the CSPRNG (§8.3 NONCE: 32). */
export function hexNonce(length = 32): string {
  return randomBytes(Math.ceil(length / 2))
    .toString('hex')
    .slice(0, length)
    .toUpperCase();
}

/** §8.3: METHOD \n URL \n TIMESTAMP \n NONCE \n BODY \n — URL is path + query as sent, base-URL prefix included. */
export function buildSignMessage(method: string, pathAndQuery: string, timestamp: string, nonce: string, body: string): string {
  return `${method.toUpperCase()}\n${pathAndQuery}\n${timestamp}\n${nonce}\n${body}\n`;
}

/** base64(RSASSA-PKCS1-v1_5 / SHA-256 over the UTF-8 message). */
export function signMessage(privateKeyPem: string, message: string): string {
  return createSign('RSA-SHA256').update(message, 'utf8').sign(privateKeyPem, 'base64');
}

/** Verifies a base64 RSA-SHA256 signature; false for any malformed input (never throws). */
export function verifyRsaSha256(publicKeyPem: string, message: string | Buffer, signatureB64: string): boolean {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(signatureB64)) return false;
  try {
    return createVerify('RSA-SHA256').update(message).verify(publicKeyPem, Buffer.from(signatureB64, 'base64'));
  } catch {
    return false;
  }
}

/** The §8.3 Authorization header value. */
export function authorizationHeader(p: { mchid: string; nonce: string; signature: string; timestamp: string; serial: string }): string {
  return `WECHATPAY2-SHA256-RSA2048 mchid="${p.mchid}",nonce_str="${p.nonce}",signature="${p.signature}",timestamp="${p.timestamp}",serial_no="${p.serial}"`;
}

/** The `Wechatpay-*` headers of a response or notification (missing = undefined). */
export interface ResponseSignatureHeaders {
  timestamp: string | undefined;
  nonce: string | undefined;
  signature: string | undefined;
  serial: string | undefined;
}

export type ResponseSignatureCheck =
  | { ok: true }
  | { ok: false; reason: 'missing signature headers' | 'unknown platform key' | 'timestamp out of range' | 'invalid signature' };

/** Finds the platform key by serial (exact match; serials are compared case-insensitively as WeChat's hex may vary). */
export function platformKeyFor(keys: readonly PlatformKey[], serial: string): PlatformKey | undefined {
  const want = serial.toUpperCase();
  return keys.find((k) => k.serial.toUpperCase() === want);
}

/**
 * §8.6 / §8.7 checks 2–5, in that order: headers present → serial known → |now − timestamp| ≤ tolerance → RSA-SHA256
 * over `timestamp\nnonce\nbody\n` (the body as received, bytes, never re-serialised).
 */
export function verifyResponseSignature(
  keys: readonly PlatformKey[],
  headers: ResponseSignatureHeaders,
  body: Buffer | string,
  nowMs: number,
  toleranceSeconds: number,
): ResponseSignatureCheck {
  const { timestamp, nonce, signature, serial } = headers;
  if (!timestamp || !nonce || !signature || !serial) return { ok: false, reason: 'missing signature headers' };
  const key = platformKeyFor(keys, serial);
  if (key === undefined) return { ok: false, reason: 'unknown platform key' };
  if (!/^[0-9]{1,12}$/.test(timestamp) || Math.abs(Math.floor(nowMs / 1000) - Number(timestamp)) > toleranceSeconds) {
    return { ok: false, reason: 'timestamp out of range' };
  }
  const message = Buffer.concat([Buffer.from(`${timestamp}\n${nonce}\n`, 'utf8'), Buffer.isBuffer(body) ? body : Buffer.from(body, 'utf8'), Buffer.from('\n')]);
  return verifyRsaSha256(key.publicKeyPem, message, signature) ? { ok: true } : { ok: false, reason: 'invalid signature' };
}

/**
 * AEAD_AES_256_GCM as WeChat Pay uses it (§8.7): key = the 32 bytes of the APIv3 key, IV = the UTF-8 nonce, AAD =
 * associated_data, output base64(ciphertext ‖ 16-byte tag).
 */
export function aeadEncrypt(apiV3Key: string, nonce: string, associatedData: string, plaintext: string): string {
  const cipher = createCipheriv('aes-256-gcm', apiV3KeyBytes(apiV3Key), Buffer.from(nonce, 'utf8'));
  cipher.setAAD(Buffer.from(associatedData, 'utf8'));
  return Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final(), cipher.getAuthTag()]).toString('base64');
}

/** The inverse of aeadEncrypt; null when the key, nonce or tag do not authenticate (or the input is malformed). */
export function aeadDecrypt(apiV3Key: string, nonce: string, associatedData: string, ciphertextB64: string): string | null {
  try {
    const key = apiV3KeyBytes(apiV3Key);
    const iv = Buffer.from(nonce, 'utf8');
    if (iv.length === 0) return null;
    const data = Buffer.from(ciphertextB64, 'base64');
    if (data.length < 16) return null;
    const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: 16 });
    decipher.setAAD(Buffer.from(associatedData, 'utf8'));
    decipher.setAuthTag(data.subarray(data.length - 16));
    return Buffer.concat([decipher.update(data.subarray(0, data.length - 16)), decipher.final()]).toString('utf8');
  } catch {
    return null;
  }
}

function apiV3KeyBytes(apiV3Key: string): Buffer {
  const key = Buffer.from(apiV3Key, 'utf8');
  if (key.length !== 32) throw new Error('the APIv3 key must be 32 bytes');
  return key;
}

/** §8.5: the four-line string `paySign` covers. */
export function paySignMessage(appId: string, timeStamp: string, nonceStr: string, pkg: string): string {
  return `${appId}\n${timeStamp}\n${nonceStr}\n${pkg}\n`;
}

/** §8.5: fresh client payment parameters for a prepay_id (new timestamp and nonce on every call). */
export function payParams(cfg: WechatAppConfig, prepayId: string, nowMs: number): PayParams {
  const timeStamp = String(Math.floor(nowMs / 1000));
  const nonceStr = alnumNonce(32);
  const pkg = `prepay_id=${prepayId}`;
  return {
    appId: cfg.appid,
    timeStamp,
    nonceStr,
    package: pkg,
    signType: 'RSA',
    paySign: signMessage(cfg.merchantPrivateKeyPem, paySignMessage(cfg.appid, timeStamp, nonceStr, pkg)),
  };
}

/** §6.6: the app's override, else `<publicBaseUrl>/apps/<appkey>/liveuser/Wx/Postpay`. */
export function notifyUrlFor(cfg: WechatAppConfig, publicBaseUrl: string, appkey: string): string {
  return cfg.notifyUrl ?? `${publicBaseUrl.replace(/\/+$/, '')}/apps/${encodeURIComponent(appkey)}/liveuser/Wx/Postpay`;
}

/** §8.4: product names joined with ", ", cut to 127 characters (code points, never half a surrogate pair). */
export function orderDescription(names: readonly string[]): string {
  return Array.from(names.join(', ')).slice(0, 127).join('');
}

/** A merchant key pair and certificate serial as WeChat issues them: RSA-2048, PKCS#8 PEM, 40 upper-case hex. */
export function generateMerchantKeys(): { privateKeyPem: string; publicKeyPem: string; serial: string } {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  return { privateKeyPem: privateKey, publicKeyPem: publicKey, serial: randomBytes(20).toString('hex').toUpperCase() };
}

/** The SPKI PEM of a private key's public half; null when the PEM is not an RSA private key. */
export function publicKeyOf(privateKeyPem: string): string | null {
  try {
    const key = createPrivateKey(privateKeyPem);
    if (key.asymmetricKeyType !== 'rsa') return null;
    return createPublicKey(key).export({ type: 'spki', format: 'pem' }).toString();
  } catch {
    return null;
  }
}

/** True when the PEM parses as an RSA public key. */
export function isRsaPublicKey(publicKeyPem: string): boolean {
  try {
    return createPublicKey(publicKeyPem).asymmetricKeyType === 'rsa';
  } catch {
    return false;
  }
}

/** Constant-time string equality (lengths may differ). */
export function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}
