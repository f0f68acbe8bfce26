// The secure request cipher (spec/yoyow.md §2.4, §2.6) as unit tests: the known-answer vectors V1–V4 (keys, IVs,
// plaintexts, encryption reproducing the ciphertexts), ciphertexts made by the real crypto-js 3.3.0 and 4.2.0, and
// every failure of step 1 yielding null (the pipeline's single 1005 answer).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { decryptPayload, encryptPayload, evpBytesToKey, pbkdf2Key } from '../../src/dialects/yoyow/cipher.js';
import { JsonNumber } from '../../src/http/body.js';
import { CJ3, CJ4, cryptoJsSimple, cryptoJsStandard, simpleBytes, standardBytes, VECTOR_PLAINTEXT, VECTORS } from './transportKit.js';

const plainOf = (d: ReturnType<typeof decryptPayload>): string => JSON.stringify(d?.payload ?? 'NULL');

describe('yoyow cipher: known-answer vectors (§2.6)', () => {
  test('V1 simple: EVP_BytesToKey key and derived IV, plaintext', () => {
    const v = VECTORS.V1;
    const k = evpBytesToKey(Buffer.from(v.pass), Buffer.from(v.s, 'hex'));
    assert.equal(k.key.toString('hex'), '3c111d7f1c300bc75e5ab80b5642e775614d5d4791d59805a528105bd500439c');
    assert.equal(k.iv.toString('hex'), v.iv);
    const d = decryptPayload('simple', v.pass, v);
    assert.equal(plainOf(d), VECTOR_PLAINTEXT);
    assert.ok(d!.payload.time instanceof JsonNumber, 'numbers stay lossless');
    assert.equal(d!.iv, '', 'the simple-mode IV takes no part in the replay key');
  });

  test('V1 decrypts with the IV absent, empty, 32 zeros or garbage (it is ignored)', () => {
    const v = VECTORS.V1;
    for (const iv of [undefined, '', '0'.repeat(32), 'not hex', 12]) assert.equal(plainOf(decryptPayload('simple', v.pass, { ct: v.ct, s: v.s, iv })), VECTOR_PLAINTEXT);
  });

  test('V2 standard: PBKDF2-HMAC-SHA1 100 iterations key, plaintext', () => {
    const v = VECTORS.V2;
    assert.equal(pbkdf2Key(Buffer.from(v.pass), Buffer.from(v.s, 'hex')).toString('hex'), 'd7c5852ff8b92eeb761ad873082b27a179b05f6434bdabead84615a4159ab15e');
    assert.equal(plainOf(decryptPayload('standard', v.pass, v)), VECTOR_PLAINTEXT);
  });

  test('V3 and V4 keys and plaintexts; hex accepted in upper case', () => {
    const v3 = VECTORS.V3;
    const k3 = evpBytesToKey(Buffer.from(v3.pass), Buffer.from(v3.s, 'hex'));
    assert.equal(k3.key.toString('hex'), 'a4b1cc8c8524097f0e7781b7cf92191eef1dc53ec5f90c9cac3f2509f365e9c0');
    assert.equal(k3.iv.toString('hex'), v3.iv);
    const v4 = VECTORS.V4;
    assert.equal(pbkdf2Key(Buffer.from(v4.pass), Buffer.from(v4.s, 'hex')).toString('hex'), 'cba7d6ec59a03611b56b35b8a03609f461ba7c235196c300b81fad39ad44de5d');
    assert.equal(plainOf(decryptPayload('simple', v3.pass, { ct: v3.ct.toUpperCase(), s: v3.s.toUpperCase() })), VECTOR_PLAINTEXT);
    const d4 = decryptPayload('standard', v4.pass, { ct: v4.ct.toUpperCase(), s: v4.s, iv: v4.iv.toUpperCase() });
    assert.equal(plainOf(d4), VECTOR_PLAINTEXT);
    assert.equal(d4!.ct, v4.ct, 'normalised to lowercase for the replay key');
  });

  test('encryptPayload reproduces all four ciphertexts', () => {
    for (const v of Object.values(VECTORS)) {
      const out = encryptPayload(v.mode, v.pass, VECTOR_PLAINTEXT, { salt: Buffer.from(v.s, 'hex'), iv: Buffer.from(v.iv, 'hex') });
      assert.equal(out.ct, v.ct);
      assert.equal(out.iv, v.iv);
    }
  });

  test('the modes do not mix: V1 in standard mode and V2 in simple mode fail', () => {
    assert.equal(decryptPayload('standard', 'thisissec', VECTORS.V1), null);
    assert.equal(decryptPayload('simple', 'thisissec', VECTORS.V2), null);
  });
});

describe('yoyow cipher: real crypto-js clients', () => {
  const secret = '0123456789abcdef0123456789abcdef';
  const text = JSON.stringify({ uid: 30833, amount: '1.5', memo: '你好 ✓', time: 1767600000000 });

  test('crypto-js 3.3.0 and 4.2.0 passphrase mode (simple)', () => {
    for (const cj of [CJ3, CJ4]) {
      const c = cryptoJsSimple(cj, secret, text);
      assert.equal(c.s.length, 16, '8-byte salt');
      assert.equal(JSON.stringify(decryptPayload('simple', secret, c)!.payload), text);
    }
  });

  test('crypto-js 3.3.0 PBKDF2 default (SHA-1) and 4.2.0 with hasher SHA1, 100 iterations (standard)', () => {
    const c3 = cryptoJsStandard(CJ3, secret, text);
    assert.equal(JSON.stringify(decryptPayload('standard', secret, c3)!.payload), text);
    const c4 = cryptoJsStandard(CJ4, secret, text, { hasher: CJ4.algo.SHA1, iterations: 100 });
    assert.equal(JSON.stringify(decryptPayload('standard', secret, c4)!.payload), text);
  });

  test('crypto-js 4.2.0 with its SHA-256 default is refused (Plaza accepts SHA-1 only)', () => {
    const c4 = cryptoJsStandard(CJ4, secret, text, { iterations: 100 });
    assert.equal(decryptPayload('standard', secret, c4), null);
  });
});

describe('yoyow cipher: every step-1 failure is null', () => {
  const secret = 'fedcba9876543210fedcba9876543210';
  const good = simpleBytes(secret, Buffer.from('{"a":1}'));
  const salt16 = Buffer.alloc(16, 3);
  const iv16 = Buffer.alloc(16, 9);

  test('control: the good ciphertext decrypts', () => {
    assert.equal(plainOf(decryptPayload('simple', secret, good)), '{"a":1}');
  });

  const cases: Array<[string, () => ReturnType<typeof decryptPayload>]> = [
    ['wrong secret', () => decryptPayload('simple', '00000000000000000000000000000000', good)],
    ['secret as its 16 decoded bytes is not the passphrase', () => decryptPayload('simple', Buffer.from(secret, 'hex').toString('latin1'), good)],
    ['missing ct', () => decryptPayload('simple', secret, { ct: undefined, s: good.s, iv: '' })],
    ['empty ct', () => decryptPayload('simple', secret, { ct: '', s: good.s, iv: '' })],
    ['missing s', () => decryptPayload('simple', secret, { ct: good.ct, s: undefined, iv: '' })],
    ['empty s', () => decryptPayload('simple', secret, { ct: good.ct, s: '', iv: '' })],
    ['odd-length s', () => decryptPayload('simple', secret, { ct: good.ct, s: good.s.slice(1), iv: '' })],
    ['non-hex ct', () => decryptPayload('simple', secret, { ct: `zz${good.ct.slice(2)}`, s: good.s, iv: '' })],
    ['odd-length ct', () => decryptPayload('simple', secret, { ct: good.ct.slice(1), s: good.s, iv: '' })],
    ['ct not a multiple of 16 bytes', () => decryptPayload('simple', secret, { ct: good.ct.slice(0, 30), s: good.s, iv: '' })],
    ['ct as a number', () => decryptPayload('simple', secret, { ct: 1234, s: good.s, iv: '' })],
    ['bad padding (last block altered)', () => decryptPayload('simple', secret, { ct: good.ct.slice(0, -2) + (good.ct.endsWith('00') ? '01' : '00'), s: good.s })],
    ['invalid UTF-8 plaintext', () => decryptPayload('simple', secret, simpleBytes(secret, Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d])))],
    ['BOM before the JSON', () => decryptPayload('simple', secret, simpleBytes(secret, Buffer.from('\ufeff{"a":1}')))],
    ['malformed JSON', () => decryptPayload('simple', secret, simpleBytes(secret, Buffer.from('{"a":')))],
    ['JSON array', () => decryptPayload('simple', secret, simpleBytes(secret, Buffer.from('[1,2]')))],
    ['JSON null', () => decryptPayload('simple', secret, simpleBytes(secret, Buffer.from('null')))],
    ['JSON number', () => decryptPayload('simple', secret, simpleBytes(secret, Buffer.from('1600000000000')))],
    ['JSON string', () => decryptPayload('simple', secret, simpleBytes(secret, Buffer.from('"x"')))],
    ['empty plaintext', () => decryptPayload('simple', secret, simpleBytes(secret, Buffer.alloc(0)))],
    ['standard: missing iv', () => decryptPayload('standard', secret, { ...standardBytes(secret, Buffer.from('{}'), salt16, iv16), iv: undefined })],
    ['standard: 15-byte iv', () => decryptPayload('standard', secret, { ...standardBytes(secret, Buffer.from('{}'), salt16, iv16), iv: '00'.repeat(15) })],
    ['standard: wrong iv (garbled first block)', () => decryptPayload('standard', secret, { ...standardBytes(secret, Buffer.from('{"abcdefghijklmn":1}'), salt16, iv16), iv: '00'.repeat(16) })],
  ];
  for (const [name, run] of cases) test(name, () => assert.equal(run(), null));

  test('standard control with the right iv', () => {
    assert.equal(plainOf(decryptPayload('standard', secret, standardBytes(secret, Buffer.from('{"abcdefghijklmn":1}'), salt16, iv16))), '{"abcdefghijklmn":1}');
  });
});
