// The YOYOW uid rule: uid = n·256 + SHA256(uint64_le(n))[0].
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isValidUid, uidFromSequence } from '../../src/core/identity/uid.js';

describe('uid checksum', () => {
  test('known examples', () => {
    const examples: Array<[number, number]> = [[0, 175], [1, 380], [4, 1264], [42, 10989], [100, 25638], [120, 30833]];
    for (const [n, uid] of examples) {
      assert.equal(uidFromSequence(n), uid, `n=${n}`);
      assert.equal(isValidUid(uid), true);
    }
  });

  test('every other low byte is invalid', () => {
    for (const n of [0, 1, 4, 42, 100, 120, 99_999]) {
      const uid = uidFromSequence(n);
      for (let low = 0; low < 256; low++) {
        const candidate = n * 256 + low;
        assert.equal(isValidUid(candidate), candidate === uid);
      }
    }
  });

  test('rejects non-integers, negatives and out-of-range sequences', () => {
    assert.equal(isValidUid(-1), false);
    assert.equal(isValidUid(1.5), false);
    assert.equal(isValidUid(Number.MAX_SAFE_INTEGER + 2), false);
    assert.throws(() => uidFromSequence(-1), RangeError);
    assert.throws(() => uidFromSequence(2 ** 50), RangeError);
  });
});
