// Opaque bearer tokens and random identifiers. A token is 32 CSPRNG bytes (base64url, 43 characters); only its
// SHA-256 is stored, and lookups go by that hash, so the database never holds a usable token.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

export function sha256Hex(value: string | Buffer): string {
  return createHash('sha256').update(value).digest('hex');
}

/** Random lowercase hex of `bytes` bytes (app keys and secrets: 16 bytes → 32 hex). */
export function randomHex(bytes: number): string {
  return randomBytes(bytes).toString('hex');
}

/** Constant-time string equality (lengths may differ: that alone is not secret). */
export function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}
