// Keys derived from the master key: HKDF-SHA256 with the purpose as info, one key per purpose, stable per master key.
import assert from 'node:assert/strict';
import { hkdfSync } from 'node:crypto';
import { describe, it } from 'node:test';
import { derivedKey } from '../../src/core/crypto/derive.js';

describe('derivedKey', () => {
  const master = Buffer.alloc(32, 7);
  it('is HKDF-SHA256(master, no salt, info = purpose), 32 bytes', () => {
    const expected = Buffer.from(hkdfSync('sha256', master, Buffer.alloc(0), 'plaza.web.csrf', 32));
    assert.deepEqual(derivedKey(master, 'plaza.web.csrf'), expected);
    assert.equal(derivedKey(Buffer.alloc(32, 0), 'plaza.test').length, 32);
  });
  it('gives each purpose and each master key its own key, and the same key again for the same pair', () => {
    const a = derivedKey(master, 'plaza.a');
    assert.notDeepEqual(a, derivedKey(master, 'plaza.b'));
    assert.notDeepEqual(a, derivedKey(Buffer.alloc(32, 8), 'plaza.a'));
    assert.equal(derivedKey(master, 'plaza.a'), a, 'cached: the same Buffer');
  });
});
