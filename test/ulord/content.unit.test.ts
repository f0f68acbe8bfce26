// Pure parts of paid content: the §8.5 claim id (with the spec's test vector), claim bytes, the §8.3 decision table,
// and the request readers (tags, claim ids, pages). No database.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, test } from 'node:test';
import { claimBytes, claimIdOf, claimTxidOf } from '../../src/modules/content/claim.js';
import { decideConsume } from '../../src/modules/content/service.js';
import { readClaimIds, readPage, readTags } from '../../src/dialects/ulord/schemas.js';

describe('content claim id (§8.5)', () => {
  test('the spec test vector', () => {
    assert.equal(claimIdOf('4ba9370faeca247499d32815ea5be6179293c6306b8f88848691ff0e9c0cb513', 0), 'a8df870cff67e1a5c93c61e062affec6945c4c22');
  });

  test('ripemd160 from node:crypto matches the RIPEMD-160 reference vectors', () => {
    assert.equal(createHash('ripemd160').update('').digest('hex'), '9c1185a5c5e9fc54612808977ee8f548b2258d31');
    assert.equal(createHash('ripemd160').update('abc').digest('hex'), '8eb208f7e05d987a9b044a8e98c6b087f15a0bfc');
  });

  test('claim bytes are the compact JSON array; txid is SHA256d of them', () => {
    const bytes = claimBytes({
      appkey: 'k',
      author: 'alice',
      title: '标题',
      ipfsHash: 'Qm1',
      price: '0.5',
      contentType: '.txt',
      description: null,
      tags: ['a', 'b'],
      createdAt: '2026-01-01T00:00:00.000000+00:00',
      nonce: '00'.repeat(16),
    });
    assert.equal(bytes.toString('utf8'), `["plaza-ulord-claim/1","k","alice","标题","Qm1","0.5",".txt","",["a","b"],"2026-01-01T00:00:00.000000+00:00","${'00'.repeat(16)}"]`);
    const once = createHash('sha256').update(bytes).digest();
    assert.equal(claimTxidOf(bytes), createHash('sha256').update(once).digest('hex'));
    assert.match(claimIdOf(claimTxidOf(bytes)), /^[0-9a-f]{40}$/);
    assert.throws(() => claimIdOf('XYZ'));
  });
});

describe('content decision table (§8.3)', () => {
  const c = (price: bigint) => ({ author: 'alice', priceMinor: price });
  test('row by row', () => {
    assert.equal(decideConsume(c(5n), 'alice', false), 'author');
    assert.equal(decideConsume(c(-5n), 'alice', true), 'author');
    assert.equal(decideConsume(c(0n), 'bob', false), 'free');
    assert.equal(decideConsume(c(5n), 'bob', false), 'pay');
    assert.equal(decideConsume(c(5n), 'bob', true), 'recorded');
    assert.equal(decideConsume(c(-5n), 'bob', false), 'ad');
    assert.equal(decideConsume(c(-5n), 'bob', true), 'recorded');
  });
});

describe('content request readers', () => {
  test('tags: default [], single string, duplicates dropped, limits', () => {
    assert.deepEqual(readTags(undefined), []);
    assert.deepEqual(readTags(null), []);
    assert.deepEqual(readTags('a'), ['a']);
    assert.deepEqual(readTags(['b', 'a', 'b']), ['b', 'a']);
    assert.deepEqual(readTags(Array.from({ length: 32 }, (_, i) => `t${i}`))?.length, 32);
    assert.equal(readTags(Array.from({ length: 33 }, (_, i) => `t${i}`)), null);
    assert.equal(readTags(['']), null);
    assert.equal(readTags(['x'.repeat(33)]), null);
    assert.equal(readTags(['a\u0001']), null);
    assert.equal(readTags([1]), null);
    assert.equal(readTags({}), null);
  });

  test('claim ids: 0–500 strings of ≤ 64', () => {
    assert.equal(readClaimIds(undefined), 'missing');
    assert.equal(readClaimIds(null), 'missing');
    assert.deepEqual(readClaimIds([]), []);
    assert.equal(readClaimIds('abc'), null);
    assert.equal(readClaimIds(['x'.repeat(65)]), null);
    assert.equal(readClaimIds([1]), null);
    assert.equal(readClaimIds(Array.from({ length: 501 }, () => 'a')), null);
    assert.equal((readClaimIds(Array.from({ length: 500 }, () => 'a')) as string[]).length, 500);
  });

  test('pages: page ≥ 1, num 1..max, huge pages allowed', () => {
    assert.deepEqual(readPage('1', '100', 100), { page: 1n, num: 100 });
    assert.equal(readPage('0', '10', 100), null);
    assert.equal(readPage('1', '0', 100), null);
    assert.equal(readPage('1', '101', 100), null);
    assert.equal(readPage('1', '99999999999999999999', 100), null);
    assert.deepEqual(readPage('99999999999999999999', '5', 100), { page: 99999999999999999999n, num: 5 });
    assert.equal(readPage('x', '1', 100), null);
    assert.equal(readPage(undefined, '1', 100), null);
  });
});
