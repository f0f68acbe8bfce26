// The WeChat Pay APIv3 cryptography (spec/liveuser.md §8.3–§8.7) against independent known answers (kat.ts: openssl
// and Python `cryptography`), and every refusal of response and notification verification, in the spec's order.
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { describe, it } from 'node:test';
import {
  aeadDecrypt,
  aeadEncrypt,
  authorizationHeader,
  buildSignMessage,
  notifyUrlFor,
  orderDescription,
  payParams,
  paySignMessage,
  signMessage,
  verifyNotification,
  verifyNotificationSignature,
  verifyResponseSignature,
  verifyRsaSha256,
  type WechatAppConfig,
} from '../../src/integrations/wechat/index.js';
import { KAT_GCM, KAT_PAY_SIGN, KAT_PREPAY_BODY, KAT_PRIVATE_KEY, KAT_PUBLIC_KEY, KAT_SIGN } from './kat.js';

const platform = generateKeyPairSync('rsa', {
  modulusLength: 2048,
  privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  publicKeyEncoding: { type: 'spki', format: 'pem' },
});
const other = generateKeyPairSync('rsa', {
  modulusLength: 2048,
  privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  publicKeyEncoding: { type: 'spki', format: 'pem' },
});
const SERIAL = 'PUB_KEY_ID_01142321349124100000000000000001';
const NOW = Date.UTC(2025, 4, 1, 12, 10, 5);
const NOW_S = String(Math.floor(NOW / 1000));

const cfg: WechatAppConfig = {
  mode: 'live',
  appid: 'wx1a2b3c4d5e6f7a8b',
  appSecret: '0123456789abcdef0123456789abcdef',
  mchid: '1900000109',
  merchantSerial: '5157F09EFDC096DE15EBE81A47057A7232F1B8E1',
  merchantPrivateKeyPem: KAT_PRIVATE_KEY,
  apiV3Key: KAT_GCM.apiV3Key,
  platformKeys: [{ serial: SERIAL, publicKeyPem: platform.publicKey }],
  notifyUrl: null,
};

function signedHeaders(body: string, o: { timestamp?: string; nonce?: string; key?: string; serial?: string } = {}) {
  const timestamp = o.timestamp ?? NOW_S;
  const nonce = o.nonce ?? 'N0nceN0nceN0nceN0nceN0nceN0nce12';
  return {
    'wechatpay-timestamp': timestamp,
    'wechatpay-nonce': nonce,
    'wechatpay-signature': signMessage(o.key ?? platform.privateKey, `${timestamp}\n${nonce}\n${body}\n`),
    'wechatpay-serial': o.serial ?? SERIAL,
  };
}

function notificationBody(o: { eventType?: string; resourceType?: string; algorithm?: string; plaintext?: string; key?: string; nonce?: string; ad?: string } = {}): string {
  const nonce = o.nonce ?? KAT_GCM.nonce;
  const ad = o.ad ?? 'transaction';
  return JSON.stringify({
    id: 'EV-2018022511223320873',
    create_time: '2025-05-01T20:10:05+08:00',
    resource_type: o.resourceType ?? 'encrypt-resource',
    event_type: o.eventType ?? 'TRANSACTION.SUCCESS',
    summary: '支付成功',
    resource: {
      original_type: 'transaction',
      algorithm: o.algorithm ?? 'AEAD_AES_256_GCM',
      ciphertext: o.plaintext === undefined && o.key === undefined ? KAT_GCM.ciphertext : aeadEncrypt(o.key ?? KAT_GCM.apiV3Key, nonce, ad, o.plaintext ?? KAT_GCM.plaintext),
      associated_data: ad,
      nonce,
    },
  });
}

describe('WeChat Pay request signing (§8.3)', () => {
  it('builds the exact message and signs it as openssl does (known answer)', () => {
    const message = buildSignMessage('post', KAT_SIGN.url, KAT_SIGN.timestamp, KAT_SIGN.nonce, KAT_PREPAY_BODY);
    assert.equal(message, `POST\n/v3/pay/transactions/jsapi\n1746101400\n5E1F0C2B9A7D4E3F8B6A1C0D2E4F6A8B\n${KAT_PREPAY_BODY}\n`);
    assert.equal(signMessage(KAT_PRIVATE_KEY, message), KAT_SIGN.signature);
    assert.ok(verifyRsaSha256(KAT_PUBLIC_KEY, message, KAT_SIGN.signature));
  });

  it('includes the base URL path prefix and the query, and an empty body for GET', () => {
    const m = buildSignMessage('GET', '/_sandbox/wechat/pay/v3/pay/transactions/out-trade-no/123456?mchid=1900000109', '1', 'N', '');
    assert.equal(m, 'GET\n/_sandbox/wechat/pay/v3/pay/transactions/out-trade-no/123456?mchid=1900000109\n1\nN\n\n');
  });

  it('a signature over another URL, timestamp or body does not verify', () => {
    const good = buildSignMessage('POST', KAT_SIGN.url, KAT_SIGN.timestamp, KAT_SIGN.nonce, KAT_PREPAY_BODY);
    assert.ok(verifyRsaSha256(KAT_PUBLIC_KEY, good, KAT_SIGN.signature));
    for (const bad of [
      buildSignMessage('POST', `/_sandbox/wechat/pay${KAT_SIGN.url}`, KAT_SIGN.timestamp, KAT_SIGN.nonce, KAT_PREPAY_BODY),
      buildSignMessage('POST', KAT_SIGN.url, '1746101401', KAT_SIGN.nonce, KAT_PREPAY_BODY),
      buildSignMessage('POST', KAT_SIGN.url, KAT_SIGN.timestamp, KAT_SIGN.nonce, KAT_PREPAY_BODY.replace('200', '201')),
    ]) {
      assert.equal(verifyRsaSha256(KAT_PUBLIC_KEY, bad, KAT_SIGN.signature), false);
    }
    assert.equal(verifyRsaSha256(other.publicKey, good, KAT_SIGN.signature), false);
    assert.equal(verifyRsaSha256(KAT_PUBLIC_KEY, good, 'not base64!'), false);
  });

  it('formats the Authorization header', () => {
    assert.equal(
      authorizationHeader({ mchid: '1900000109', nonce: 'N', signature: 'S=', timestamp: '1746101400', serial: 'ABC' }),
      'WECHATPAY2-SHA256-RSA2048 mchid="1900000109",nonce_str="N",signature="S=",timestamp="1746101400",serial_no="ABC"',
    );
  });
});

describe('client payment parameters (§8.5)', () => {
  it('paySign over the four lines matches openssl (known answer)', () => {
    const m = paySignMessage(KAT_PAY_SIGN.appId, KAT_PAY_SIGN.timeStamp, KAT_PAY_SIGN.nonceStr, KAT_PAY_SIGN.package);
    assert.equal(m, `${KAT_PAY_SIGN.appId}\n1746101400\n${KAT_PAY_SIGN.nonceStr}\n${KAT_PAY_SIGN.package}\n`);
    assert.equal(signMessage(KAT_PRIVATE_KEY, m), KAT_PAY_SIGN.paySign);
  });

  it('payParams: string timestamp, fresh 32-character nonce, RSA, a paySign the merchant public key verifies', () => {
    const a = payParams(cfg, 'wx202505012010003f9c1a7b2d4e6f8a0b1c', NOW);
    const b = payParams(cfg, 'wx202505012010003f9c1a7b2d4e6f8a0b1c', NOW);
    assert.deepEqual(Object.keys(a), ['appId', 'timeStamp', 'nonceStr', 'package', 'signType', 'paySign']);
    assert.equal(a.appId, cfg.appid);
    assert.equal(a.timeStamp, NOW_S);
    assert.match(a.nonceStr, /^[A-Za-z0-9]{32}$/);
    assert.notEqual(a.nonceStr, b.nonceStr);
    assert.equal(a.package, 'prepay_id=wx202505012010003f9c1a7b2d4e6f8a0b1c');
    assert.equal(a.signType, 'RSA');
    assert.ok(verifyRsaSha256(KAT_PUBLIC_KEY, paySignMessage(a.appId, a.timeStamp, a.nonceStr, a.package), a.paySign));
  });

  it('order description and notify URL (§8.4)', () => {
    assert.equal(orderDescription(['Gold pack', 'Silver']), 'Gold pack, Silver');
    const long = orderDescription(['金'.repeat(100), '😀'.repeat(100)]);
    assert.equal(Array.from(long).length, 127);
    assert.ok(long.endsWith('😀'), 'never half a surrogate pair');
    assert.equal(notifyUrlFor(cfg, 'https://plaza.example.com/', 'ak_1'), 'https://plaza.example.com/apps/ak_1/liveuser/Wx/Postpay');
    assert.equal(notifyUrlFor({ ...cfg, notifyUrl: 'https://x.example/n' }, 'https://plaza.example.com', 'ak_1'), 'https://x.example/n');
  });
});

describe('response verification (§8.6)', () => {
  const body = '{"prepay_id":"wx201410272009395522657a690389285100"}';
  const headersOf = (h: Record<string, string>) => ({
    timestamp: h['wechatpay-timestamp'],
    nonce: h['wechatpay-nonce'],
    signature: h['wechatpay-signature'],
    serial: h['wechatpay-serial'],
  });
  const check = (h: Record<string, string | undefined>, b: string | Buffer = body, now = NOW) =>
    verifyResponseSignature(cfg.platformKeys, h as never, b, now, 300);

  it('accepts a correct answer (string or bytes), within ±300 s', () => {
    const h = headersOf(signedHeaders(body));
    assert.deepEqual(check(h), { ok: true });
    assert.deepEqual(check(h, Buffer.from(body)), { ok: true });
    assert.deepEqual(check(h, body, NOW + 300_000), { ok: true });
    assert.deepEqual(check(h, body, NOW - 300_000), { ok: true });
  });

  it('refuses, in order: missing header, unknown serial, stale timestamp, tampered body or signature', () => {
    const h = headersOf(signedHeaders(body));
    assert.deepEqual(check({ ...h, nonce: undefined }), { ok: false, reason: 'missing signature headers' });
    // An unknown serial wins over a stale timestamp and a bad signature: the order is the spec's.
    assert.deepEqual(check({ ...h, serial: 'PUB_KEY_ID_9', signature: 'AAAA' }, body, NOW + 10_000_000), { ok: false, reason: 'unknown platform key' });
    assert.deepEqual(check(h, body, NOW + 301_000), { ok: false, reason: 'timestamp out of range' });
    assert.deepEqual(check(h, body, NOW - 301_000), { ok: false, reason: 'timestamp out of range' });
    assert.deepEqual(check(h, body.replace('wx2014', 'wx2015')), { ok: false, reason: 'invalid signature' });
    const sig = h.signature as string;
    const flipped = (sig[5] === 'A' ? 'B' : 'A') + '';
    assert.deepEqual(check({ ...h, signature: sig.slice(0, 5) + flipped + sig.slice(6) }), { ok: false, reason: 'invalid signature' });
    // Signed by another key but naming our serial.
    assert.deepEqual(check(headersOf(signedHeaders(body, { key: other.privateKey }))), { ok: false, reason: 'invalid signature' });
    // The timestamp is covered by the signature: moving it breaks the signature.
    assert.deepEqual(check({ ...h, timestamp: String(Number(NOW_S) + 1) }), { ok: false, reason: 'invalid signature' });
  });
});

describe('AEAD_AES_256_GCM (§8.7)', () => {
  it('decrypts the independent known answer and encrypts to it', () => {
    assert.equal(aeadDecrypt(KAT_GCM.apiV3Key, KAT_GCM.nonce, KAT_GCM.associatedData, KAT_GCM.ciphertext), KAT_GCM.plaintext);
    assert.equal(aeadEncrypt(KAT_GCM.apiV3Key, KAT_GCM.nonce, KAT_GCM.associatedData, KAT_GCM.plaintext), KAT_GCM.ciphertext);
  });

  it('fails on a wrong key, nonce, associated data, or a tampered ciphertext or tag', () => {
    const c = Buffer.from(KAT_GCM.ciphertext, 'base64');
    const flip = (i: number) => {
      const d = Buffer.from(c);
      d[i] = (d[i] as number) ^ 1;
      return d.toString('base64');
    };
    assert.equal(aeadDecrypt('Plaza0sandbox0APIv3key0123456780', KAT_GCM.nonce, 'transaction', KAT_GCM.ciphertext), null);
    assert.equal(aeadDecrypt(KAT_GCM.apiV3Key, 'fdasflkja485', 'transaction', KAT_GCM.ciphertext), null);
    assert.equal(aeadDecrypt(KAT_GCM.apiV3Key, KAT_GCM.nonce, '', KAT_GCM.ciphertext), null);
    assert.equal(aeadDecrypt(KAT_GCM.apiV3Key, KAT_GCM.nonce, 'transaction', flip(0)), null);
    assert.equal(aeadDecrypt(KAT_GCM.apiV3Key, KAT_GCM.nonce, 'transaction', flip(c.length - 1)), null);
    assert.equal(aeadDecrypt(KAT_GCM.apiV3Key, KAT_GCM.nonce, 'transaction', 'AAAA'), null);
    assert.equal(aeadDecrypt('short', KAT_GCM.nonce, 'transaction', KAT_GCM.ciphertext), null);
  });
});

describe('notifications (§6.6 checks 2–9, §8.7)', () => {
  const verify = (body: string, headers: Record<string, string | undefined>, c: WechatAppConfig = cfg, now = NOW) => verifyNotification(c, headers, Buffer.from(body), now, 300);

  it('verifies and decrypts a notification into the transaction', () => {
    const body = notificationBody();
    const r = verify(body, signedHeaders(body));
    assert.ok(r.ok && r.kind === 'transaction');
    assert.equal(r.envelope.id, 'EV-2018022511223320873');
    assert.equal(r.envelope.eventType, 'TRANSACTION.SUCCESS');
    const t = r.transaction;
    assert.equal(t.appid, 'wx1a2b3c4d5e6f7a8b');
    assert.equal(t.mchid, '1900000109');
    assert.equal(t.outTradeNo, '689032396800389');
    assert.equal(t.transactionId, '4200000000000000000000000001');
    assert.equal(t.tradeState, 'SUCCESS');
    assert.equal(t.successTime, '2025-05-01T20:10:05+08:00');
    assert.equal(t.successTimeMs, Date.UTC(2025, 4, 1, 12, 10, 5));
    assert.equal(t.payerOpenid, 'oX3kA9bQ2c8dE5fG7hJ1kL3mN5pR');
    assert.equal(t.amountTotal, 200);
    assert.equal(t.currency, 'CNY');
    assert.equal(t.raw.bank_type, 'OTHERS');
  });

  it('refuses each failure with the status and message of §6.6, in order', () => {
    const body = notificationBody();
    const h = signedHeaders(body);
    const expect = (r: unknown, status: number, message: string) => assert.deepEqual(r, { ok: false, status, message });
    for (const name of ['wechatpay-timestamp', 'wechatpay-nonce', 'wechatpay-signature', 'wechatpay-serial']) {
      expect(verify(body, { ...h, [name]: undefined }), 401, 'missing signature headers');
    }
    expect(verify(body, { ...h, 'wechatpay-serial': 'PUB_KEY_ID_0000' }), 401, 'unknown platform key');
    expect(verify(body, h, cfg, NOW + 301_000), 401, 'timestamp out of range');
    expect(verify(body, h, cfg, NOW - 301_000), 401, 'timestamp out of range');
    // WeChat's probe notifications carry a deliberately invalid signature.
    expect(verify(body, { ...h, 'wechatpay-signature': `WECHATPAY/SIGNTEST/${h['wechatpay-signature']}` }), 401, 'invalid signature');
    expect(verify(body.replace('"summary":"支付成功"', '"summary":"支付成功 "'), h), 401, 'invalid signature');
    expect(verify(body, signedHeaders(body, { key: other.privateKey })), 401, 'invalid signature');
    // The signature covers the raw bytes: re-serialising (here: spacing) breaks it.
    expect(verify(JSON.stringify(JSON.parse(body), null, 1), h), 401, 'invalid signature');

    const signedVerify = (b: string, c: WechatAppConfig = cfg) => verify(b, signedHeaders(b), c);
    expect(signedVerify('not json'), 400, 'malformed notification');
    expect(signedVerify('[]'), 400, 'malformed notification');
    expect(signedVerify(JSON.stringify({ id: 'x', event_type: 'TRANSACTION.SUCCESS', resource_type: 'encrypt-resource' })), 400, 'malformed notification');
    expect(signedVerify(notificationBody({ resourceType: 'plain' })), 400, 'unsupported resource');
    expect(signedVerify(notificationBody({ algorithm: 'AEAD_AES_128_GCM' })), 400, 'unsupported resource');
    // Wrong APIv3 key on either side.
    expect(signedVerify(notificationBody({ key: 'Another0APIv3key0000000000000000', plaintext: KAT_GCM.plaintext })), 400, 'decrypt failed');
    expect(signedVerify(notificationBody(), { ...cfg, apiV3Key: 'Another0APIv3key0000000000000000' }), 400, 'decrypt failed');
    // Tampered ciphertext (signature still valid: the sender re-signed it).
    const tampered = JSON.parse(notificationBody()) as { resource: { ciphertext: string } };
    const raw = Buffer.from(tampered.resource.ciphertext, 'base64');
    raw[3] = (raw[3] as number) ^ 0x80;
    tampered.resource.ciphertext = raw.toString('base64');
    expect(signedVerify(JSON.stringify(tampered)), 400, 'decrypt failed');
    // Decrypts, but not to a JSON object.
    expect(signedVerify(notificationBody({ plaintext: '"a string"', key: KAT_GCM.apiV3Key })), 400, 'decrypt failed');
  });

  it('ignores other event types without decrypting (check 7 → 204)', () => {
    const body = notificationBody({ eventType: 'REFUND.SUCCESS', algorithm: 'nonsense' });
    const r = verify(body, signedHeaders(body));
    assert.ok(r.ok && r.kind === 'ignored');
    assert.equal(r.envelope.eventType, 'REFUND.SUCCESS');
  });

  it('the signature step alone (for the Idempotency-Key step between checks 5 and 6)', () => {
    const body = 'not json';
    assert.deepEqual(verifyNotificationSignature(cfg, signedHeaders(body), body, NOW, 300), { ok: true });
    assert.deepEqual(verifyNotificationSignature(cfg, {}, body, NOW, 300), { ok: false, status: 401, message: 'missing signature headers' });
  });
});
