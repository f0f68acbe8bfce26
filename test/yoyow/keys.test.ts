// YOYOW keys and signatures (spec/yoyow.md §6): the known-answer vectors S1–S3, the WIFs, the memo vector, key
// texts and their refusals, and the key store on both stores (generation, idempotent concurrent first use, sealing,
// registered keys, WIF import).
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { manualClock } from '../../src/core/clock.js';
import { createSecretBox } from '../../src/core/crypto/secretbox.js';
import {
  decryptMemo,
  encryptMemo,
  parseSignature,
  parseYywPublicKey,
  privateKeyToWif,
  publicKeyOf,
  recoverPublicKeyText,
  signMessage,
  toYywPublicKey,
  verifyMessage,
  wifToPrivateKey,
} from '../../src/modules/yoyow/keys/crypto.js';
import {
  KEY_PURPOSE,
  activePublicKeys,
  ensureYoyowKeys,
  importAppKeyWif,
  privateKeyOf,
  publicKeysOf,
  registerActiveKey,
  removeActiveKey,
  signAs,
  verifyByActiveKey,
  YoyowKeyError,
} from '../../src/modules/yoyow/keys/index.js';
import { createTestStore, STORES, type TestStore } from '../support/stores.js';

const sha = (text: string) => new Uint8Array(createHash('sha256').update(text).digest());

const S1 = {
  message: '{"platform":217895094,"time":"1521003258415"}',
  signature:
    '1f226c9a767cae068148fda17f18ef685caca0bfb53c38e017a70cb1cebe8eb6a71f6ce32bf01745d17b22bea5459cd06109dd910a24a542be1f5e2e0326aa230e',
  key: 'YYW7QRaS8wdFYQMjnLA5V3wp91Qa2x7UNQKrHvw9a4pKG1AZFi9aK',
};
const S2 = {
  priv: sha('plaza-yoyow-test-platform-secondary'),
  wif: '5HxBfcA3VzctvonDe9yn6vvMNQ4HYxj88XdxLrSkbBraambgM8Y',
  message: '{"platform":"33313","time":"1600000000000"}',
  signature:
    '1f67ca8f0978a65ca7fd291ade02d785111f8e0f03811a7851790b5038e191ed7a601ab0406a450796c2558148575cabf4234254489cb7057176e2875b80583cd4',
  key: 'YYW7eSZ467Je6fxUYGzUMn3PnWG9Jqh7YM4vunh4ini4tuv8WDczc',
};
const S3 = {
  priv: sha('plaza-yoyow-test-user-active'),
  wif: '5JWGpHY4jCAekJ6xycvVC9YFb3kR44wkZDNjF39kTNJ36yNoWEm',
  message: '{"yoyow":"30833","time":"1600000000000"}',
  signature:
    '1f0d57305e648652953e34fecccc57e9d5d7d5449f9ee4421214a715b5a2a6c2320b02aa4d5c3513b8c168a8e3b44d6075e4465cee7eb7c1d562a2b6a8aae4f68f',
  key: 'YYW54F73XAiQg124fpB6AhgQFbZYt5kCiaN2KYULH9tHGumVu2ATr',
};

/** Flips one hex digit at `at`. */
function flip(hex: string, at: number): string {
  const c = hex[at] === '0' ? '1' : '0';
  return hex.slice(0, at) + c + hex.slice(at + 1);
}

describe('yoyow signature vectors (§6.5)', () => {
  test('S1 verifies; the same values with the platform as a string do not; header 31 recovers the key', () => {
    assert.equal(verifyMessage(S1.signature, S1.message, S1.key), true);
    assert.equal(verifyMessage(S1.signature, '{"platform":"217895094","time":"1521003258415"}', S1.key), false);
    assert.equal(parseSignature(S1.signature)!.header, 31);
    assert.equal(recoverPublicKeyText(S1.signature, S1.message), S1.key);
    // Uppercase hex is accepted as well.
    assert.equal(verifyMessage(S1.signature.toUpperCase(), S1.message, S1.key), true);
  });

  test('S2: the private key, its WIF and public key, and the exact signature (attempt 1: the retry rule)', () => {
    assert.equal(privateKeyToWif(S2.priv), S2.wif);
    assert.deepEqual(wifToPrivateKey(S2.wif), S2.priv);
    assert.equal(toYywPublicKey(publicKeyOf(S2.priv)), S2.key);
    assert.equal(signMessage(S2.priv, S2.message), S2.signature);
    assert.equal(verifyMessage(S2.signature, S2.message, S2.key), true);
  });

  test('S3: attempt 0, exact signature, WIF round trip', () => {
    assert.equal(privateKeyToWif(S3.priv), S3.wif);
    assert.deepEqual(wifToPrivateKey(S3.wif), S3.priv);
    assert.equal(toYywPublicKey(publicKeyOf(S3.priv)), S3.key);
    assert.equal(signMessage(S3.priv, S3.message), S3.signature);
    assert.equal(verifyMessage(S3.signature, S3.message, S3.key), true);
    // Signing is deterministic.
    assert.equal(signMessage(S3.priv, S3.message), S3.signature);
  });

  test('every signature Plaza makes has 32-byte r and s, low S, header 31 or 32, and verifies', () => {
    const n = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
    for (let i = 0; i < 48; i++) {
      const priv = new Uint8Array(randomBytes(32));
      const message = `{"yoyow":"30833","time":"${1600000000000 + i}"}`;
      const sig = signMessage(priv, message);
      assert.match(sig, /^(1f|20)[0-9a-f]{128}$/);
      const { r, s } = parseSignature(sig)!;
      assert.ok(r >= 1n << 248n && r < 1n << 255n && s >= 1n << 248n && s < 1n << 255n);
      assert.ok(s <= n >> 1n);
      const key = toYywPublicKey(publicKeyOf(priv));
      assert.equal(verifyMessage(sig, message, key), true);
      assert.equal(recoverPublicKeyText(sig, message), key);
      assert.equal(verifyMessage(sig, message + ' ', key), false);
    }
  });

  test('verification refuses malformed signatures, wrong keys and out-of-range parts; accepts headers 27–34', () => {
    assert.equal(verifyMessage(S3.signature, S3.message, S2.key), false);
    assert.equal(verifyMessage(S3.signature.slice(0, 128), S3.message, S3.key), false);
    assert.equal(verifyMessage(S3.signature + '00', S3.message, S3.key), false);
    assert.equal(verifyMessage('zz' + S3.signature.slice(2), S3.message, S3.key), false);
    assert.equal(verifyMessage(flip(S3.signature, 40), S3.message, S3.key), false);
    // The header does not choose the key: any h in 27–34 verifies, others are malformed.
    for (let h = 27; h <= 34; h++) assert.equal(verifyMessage(h.toString(16) + S3.signature.slice(2), S3.message, S3.key), true, `h=${h}`);
    assert.equal(verifyMessage('1a' + S3.signature.slice(2), S3.message, S3.key), false);
    assert.equal(verifyMessage('23' + S3.signature.slice(2), S3.message, S3.key), false);
    // r = 0, s = 0, s = n are refused.
    const zero = '00'.repeat(32);
    assert.equal(verifyMessage('1f' + zero + S3.signature.slice(66), S3.message, S3.key), false);
    assert.equal(verifyMessage(S3.signature.slice(0, 66) + zero, S3.message, S3.key), false);
    assert.equal(verifyMessage(S3.signature.slice(0, 66) + 'fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141', S3.message, S3.key), false);
    // High-S (the malleated twin) still verifies: no low-S requirement (§6.1).
    const n = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
    const { s } = parseSignature(S3.signature)!;
    const high = S3.signature.slice(0, 66) + (n - s).toString(16).padStart(64, '0');
    assert.equal(verifyMessage(high, S3.message, S3.key), true);
  });
});

describe('yoyow key texts (§6.2)', () => {
  test('YYW public keys: prefix, checksum, length, point validity', () => {
    assert.ok(parseYywPublicKey(S2.key));
    assert.equal(parseYywPublicKey('GPH' + S2.key.slice(3)), null);
    assert.equal(parseYywPublicKey(S2.key.slice(0, -1) + (S2.key.endsWith('c') ? 'd' : 'c')), null);
    assert.equal(parseYywPublicKey(S2.key.slice(0, -2)), null);
    assert.equal(parseYywPublicKey('YYW0OIl'), null);
    assert.equal(parseYywPublicKey(''), null);
  });

  test('WIF: checksum, version byte, length', () => {
    assert.equal(wifToPrivateKey(S2.wif.slice(0, -1) + (S2.wif.endsWith('Y') ? 'Z' : 'Y')), null);
    assert.equal(wifToPrivateKey(S2.wif.slice(1)), null);
    assert.equal(wifToPrivateKey('not a wif'), null);
    assert.equal(wifToPrivateKey(''), null);
  });
});

describe('yoyow memos (§6.6)', () => {
  const sender = sha('plaza-yoyow-test-platform-memo');
  const recipient = sha('plaza-yoyow-test-user-memo');
  const recipientKey = toYywPublicKey(publicKeyOf(recipient));

  test('the memo vector', () => {
    const memo = encryptMemo(sender, recipientKey, 'hello yoyow', 2307413863269517774n);
    assert.deepEqual(memo, {
      from: toYywPublicKey(publicKeyOf(sender)),
      to: recipientKey,
      nonce: '2307413863269517774',
      message: 'aec9f9f35ae1e5a3c5342e2323d385f7',
    });
    assert.equal(decryptMemo(recipient, memo.from, memo), 'hello yoyow');
    assert.equal(decryptMemo(sender, recipientKey, memo), 'hello yoyow');
  });

  test('random nonces, unicode, and refusals (wrong key, tampered ciphertext, wrong nonce)', () => {
    const a = encryptMemo(sender, recipientKey, '你好，YOYOW');
    const b = encryptMemo(sender, recipientKey, '你好，YOYOW');
    assert.notEqual(a.nonce, b.nonce);
    assert.equal(decryptMemo(recipient, a.from, a), '你好，YOYOW');
    assert.equal(decryptMemo(sha('someone else'), a.from, a), null);
    assert.equal(decryptMemo(recipient, a.from, { ...a, message: flip(a.message, 3) }), null);
    assert.equal(decryptMemo(recipient, a.from, { ...a, nonce: '1' }), null);
    assert.throws(() => encryptMemo(sender, 'YYWnope', 'x'));
  });
});

for (const kind of STORES) {
  describe(`yoyow key store [${kind}]`, () => {
    let store: TestStore;
    const box = createSecretBox(randomBytes(32));
    const clock = manualClock();
    const deps = { box, clock };

    before(async () => {
      store = await createTestStore(kind);
    });
    after(async () => {
      await store?.drop();
    });

    test('a key set is generated once; concurrent first uses agree; private keys are sealed', async () => {
      const db = store.database.db;
      assert.equal(await publicKeysOf(db, 30833), null);
      const results = await Promise.all(
        Array.from({ length: 6 }, () => db.transaction().execute((trx) => ensureYoyowKeys(trx, { kind: 'user', uid: 30833 }, deps))),
      );
      for (const r of results) assert.deepEqual(r, results[0]);
      const keys = results[0]!;
      assert.equal(new Set(Object.values(keys)).size, 4);
      for (const k of Object.values(keys)) assert.ok(parseYywPublicKey(k));
      assert.deepEqual(await publicKeysOf(db, 30833), { owner: [keys.owner], active: [keys.active], secondary: [keys.secondary], memo: keys.memo });
      const rows = await db.selectFrom('yoyow_keys').selectAll().where('uid', '=', 30833).execute();
      assert.equal(rows.length, 4);
      for (const row of rows) {
        assert.match(row.private_key_enc, /^v1\./);
        const priv = new Uint8Array(Buffer.from(box.open(row.private_key_enc, KEY_PURPOSE), 'hex'));
        assert.equal(toYywPublicKey(publicKeyOf(priv)), row.public_key);
        assert.throws(() => box.open(row.private_key_enc, 'another.purpose'));
      }
      // Signing with the held active key verifies against the published one.
      const sig = await signAs(db, 30833, 'active', S3.message.replace('30833', '30833'), box);
      assert.equal(verifyMessage(sig, S3.message, keys.active), true);
      assert.equal(await verifyByActiveKey(db, 30833, sig, S3.message), true);
      await assert.rejects(signAs(db, 1264, 'active', 'x', box), (e: unknown) => e instanceof YoyowKeyError && e.reason === 'no_keys');
    });

    test('registered active keys follow the Plaza-held one, in order; duplicates are idempotent; removal', async () => {
      const db = store.database.db;
      const keys = await db.transaction().execute((trx) => ensureYoyowKeys(trx, { kind: 'user', uid: 31479 }, deps));
      const own = toYywPublicKey(publicKeyOf(S3.priv));
      const other = toYywPublicKey(publicKeyOf(sha('second wallet')));
      assert.equal(await db.transaction().execute((trx) => registerActiveKey(trx, 31479, own, clock)), true);
      assert.equal(await db.transaction().execute((trx) => registerActiveKey(trx, 31479, other, clock)), true);
      assert.equal(await db.transaction().execute((trx) => registerActiveKey(trx, 31479, own, clock)), false);
      assert.deepEqual(await activePublicKeys(db, 31479), [keys.active, own, other]);
      assert.deepEqual((await publicKeysOf(db, 31479))!.active, [keys.active, own, other]);
      // A signature by a registered key verifies for the account; by an unrelated key it does not.
      const message = '{"yoyow":"31479","time":"1600000000000"}';
      assert.equal(await verifyByActiveKey(db, 31479, signMessage(S3.priv, message), message), true);
      assert.equal(await verifyByActiveKey(db, 31479, signMessage(sha('stranger'), message), message), false);
      await assert.rejects(
        db.transaction().execute((trx) => registerActiveKey(trx, 31479, 'YYWbogus', clock)),
        (e: unknown) => e instanceof YoyowKeyError && e.reason === 'invalid_public_key',
      );
      assert.equal(await db.transaction().execute((trx) => removeActiveKey(trx, 31479, own)), true);
      assert.equal(await db.transaction().execute((trx) => removeActiveKey(trx, 31479, own)), false);
      assert.equal(await db.transaction().execute((trx) => removeActiveKey(trx, 31479, keys.active)), false);
      assert.deepEqual(await activePublicKeys(db, 31479), [keys.active, other]);
      assert.equal(await verifyByActiveKey(db, 31479, signMessage(S3.priv, message), message), false);
    });

    test('WIF import replaces one app key; the others stay; users and bad WIFs are refused', async () => {
      const db = store.database.db;
      const before = await db.transaction().execute((trx) => ensureYoyowKeys(trx, { kind: 'app', uid: 33313 }, deps));
      const imported = await db.transaction().execute((trx) => importAppKeyWif(trx, { kind: 'app', uid: 33313 }, 'secondary', S2.wif, deps));
      assert.equal(imported, S2.key);
      const after = (await publicKeysOf(db, 33313))!;
      assert.deepEqual(after, { owner: [before.owner], active: [before.active], secondary: [S2.key], memo: before.memo });
      assert.deepEqual(await privateKeyOf(db, 33313, 'secondary', box), S2.priv);
      // Byte-exact signatures once the fixture key is imported.
      assert.equal(await signAs(db, 33313, 'secondary', S2.message, box), S2.signature);
      await assert.rejects(
        db.transaction().execute((trx) => importAppKeyWif(trx, { kind: 'app', uid: 33313 }, 'memo', S2.wif.slice(0, -1) + 'Z', deps)),
        (e: unknown) => e instanceof YoyowKeyError && e.reason === 'invalid_wif',
      );
      await assert.rejects(
        db.transaction().execute((trx) => importAppKeyWif(trx, { kind: 'user', uid: 30833 }, 'active', S3.wif, deps)),
        (e: unknown) => e instanceof YoyowKeyError && e.reason === 'not_an_app',
      );
      // Import into an app without keys yet completes its set.
      await db.transaction().execute((trx) => importAppKeyWif(trx, { kind: 'app', uid: 25638 }, 'memo', S3.wif, deps));
      const fresh = (await publicKeysOf(db, 25638))!;
      assert.equal(fresh.memo, S3.key);
      assert.equal(fresh.owner.length, 1);
    });
  });
}
