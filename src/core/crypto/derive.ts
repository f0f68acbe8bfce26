// Keys derived from the server's master key, one per purpose: HKDF-SHA256 (no salt, the purpose string as `info`),
// 32 bytes. Each purpose gets a key of its own, so a key used to sign CSRF tokens can never verify anything else.
// Derivation is cheap but not free; the result is cached per (master key, purpose).
import { hkdfSync } from 'node:crypto';

const cache = new WeakMap<Buffer, Map<string, Buffer>>();

export function derivedKey(masterKey: Buffer, purpose: string): Buffer {
  let byPurpose = cache.get(masterKey);
  if (!byPurpose) {
    byPurpose = new Map();
    cache.set(masterKey, byPurpose);
  }
  let key = byPurpose.get(purpose);
  if (!key) {
    key = Buffer.from(hkdfSync('sha256', masterKey, Buffer.alloc(0), purpose, 32));
    byPurpose.set(purpose, key);
  }
  return key;
}
