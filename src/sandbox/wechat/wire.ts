// Wire helpers of the WeChat sandbox: China-time formatting, WeChat-shaped identifiers, the merchant signature check
// every WeChat Pay endpoint runs first (spec/liveuser.md §9.4 checks 1–5) and the platform-signed answers.
import { randomBytes, randomInt } from 'node:crypto';
import type { FastifyReply } from 'fastify';
import { buildSignMessage, hexNonce, signMessage, verifyRsaSha256 } from '../../integrations/wechat/crypto.js';
import type { SandboxMerchant, SandboxState } from './state.js';

const CHINA_OFFSET_MS = 8 * 3600_000;

/** RFC 3339 in UTC+8, seconds precision: `2025-05-01T20:10:05+08:00`. */
export function chinaTime(ms: number): string {
  return new Date(ms + CHINA_OFFSET_MS).toISOString().slice(0, 19) + '+08:00';
}

/** `wx` + yyyyMMddHHmmss (UTC+8) + 20 lower-case hex (§9.4). */
export function newPrepayId(nowMs: number): string {
  const stamp = new Date(nowMs + CHINA_OFFSET_MS).toISOString().slice(0, 19).replace(/[-T:]/g, '');
  return `wx${stamp}${randomBytes(10).toString('hex')}`;
}

/** `42000` + 23 digits (§9.6). */
export function newTransactionId(): string {
  let out = '42000';
  for (let i = 0; i < 23; i++) out += String(randomInt(10));
  return out;
}

/** WeChat's `rid` suffix: 24 hex. */
export function rid(): string {
  return randomBytes(12).toString('hex');
}

/** Headers that sign `body` with the sandbox platform key (§8.6 as WeChat Pay produces them). */
export function platformSignatureHeaders(state: SandboxState, body: string, nowMs: number): Record<string, string> {
  const timestamp = String(Math.floor(nowMs / 1000));
  const nonce = hexNonce(32);
  return {
    'wechatpay-timestamp': timestamp,
    'wechatpay-nonce': nonce,
    'wechatpay-signature': signMessage(state.platformPrivateKeyPem, `${timestamp}\n${nonce}\n${body}\n`),
    'wechatpay-serial': state.platformKeyId,
  };
}

/** A WeChat Pay answer, signed with the platform key and carrying a Request-ID, as every §9.4/§9.5 answer is. */
export function sendSigned(reply: FastifyReply, state: SandboxState, nowMs: number, status: number, payload: unknown): FastifyReply {
  const body = JSON.stringify(payload);
  reply.code(status);
  for (const [k, v] of Object.entries(platformSignatureHeaders(state, body, nowMs))) reply.header(k, v);
  reply.header('request-id', randomBytes(16).toString('hex').toUpperCase());
  reply.header('content-type', 'application/json; charset=utf-8');
  return reply.send(body);
}

/** A WeChat Pay error answer `{code, message}`. */
export interface PayError {
  status: number;
  code: string;
  message: string;
}

export function payError(status: number, code: string, message: string): PayError {
  return { status, code, message };
}

/** The parameters of a `WECHATPAY2-SHA256-RSA2048` Authorization header, or null when it is not one. */
export function parseAuthorization(value: string | undefined): Record<string, string> | null {
  if (value === undefined) return null;
  const m = /^WECHATPAY2-SHA256-RSA2048\s+(.*)$/.exec(value.trim());
  if (m === null) return null;
  const params: Record<string, string> = {};
  for (const part of (m[1] ?? '').matchAll(/([a-z_]+)="([^"]*)"/g)) params[part[1] as string] = part[2] as string;
  return params;
}

/**
 * §9.4 checks 1–5: the merchant's request signature, exactly as WeChat Pay verifies it. `pathAndQuery` is the
 * request target as received; `rawBody` the bytes received (empty for GET).
 */
export async function verifyMerchant(
  input: { method: string; pathAndQuery: string; authorization: string | undefined; rawBody: Buffer; nowMs: number; toleranceSeconds: number },
  findMerchant: (mchid: string) => Promise<SandboxMerchant | null>,
): Promise<{ ok: true; merchant: SandboxMerchant } | { ok: false; error: PayError }> {
  const auth = parseAuthorization(input.authorization);
  const { mchid, nonce_str: nonce, timestamp, serial_no: serial, signature } = auth ?? {};
  if (!mchid || !nonce || !timestamp || !serial || !signature) {
    return { ok: false, error: payError(401, 'SIGN_ERROR', 'Authorization header missing or malformed') };
  }
  const merchant = await findMerchant(mchid);
  if (merchant === null) return { ok: false, error: payError(400, 'MCH_NOT_EXISTS', 'merchant does not exist') };
  if (serial.toUpperCase() !== merchant.merchantSerial.toUpperCase()) {
    return { ok: false, error: payError(401, 'SIGN_ERROR', 'serial_no does not match the merchant certificate') };
  }
  if (!/^[0-9]{1,12}$/.test(timestamp) || Math.abs(Math.floor(input.nowMs / 1000) - Number(timestamp)) > input.toleranceSeconds) {
    return { ok: false, error: payError(401, 'SIGN_ERROR', 'timestamp out of range') };
  }
  const head = buildSignMessage(input.method, input.pathAndQuery, timestamp, nonce, '');
  // head ends with "\n\n" (empty body + final line feed): splice the raw body bytes in between.
  const message = Buffer.concat([Buffer.from(head.slice(0, -1), 'utf8'), input.rawBody, Buffer.from('\n')]);
  if (!verifyRsaSha256(merchant.merchantPublicKeyPem, message, signature)) {
    return { ok: false, error: payError(401, 'SIGN_ERROR', 'signature verification failed') };
  }
  return { ok: true, merchant };
}
