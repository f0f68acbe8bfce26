// Pure parts of the payments module: the PaymentDTO text (spec/pi.md §3.6, §5.6: key order, plain decimal amounts,
// metadata verbatim), the webhook object, the §4.1 flags of every state, per-app settings with their defaults, and
// the PLAZA_PI_* configuration (§8).
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { ConfigError, defaultPiSettings, loadConfig, testConfig } from '../../src/config.js';
import { appPiSettings, paymentDtoJson, paymentDtoObject, paymentFlags, paymentsDeps, type Payment } from '../../src/modules/payments/index.js';
import type { Services } from '../../src/services.js';

const base: Payment = {
  identifier: 'bpT4r5yHUig43kiJfahqSIjOugM1',
  appId: 7,
  userId: 3,
  userUid: '3f6c1c9e-8a0b-4a51-9d2e-5b7f0c2a4e11',
  direction: 'user_to_app',
  amount: 31_400_000n,
  memo: 'Digital kitten #1234',
  metadataJson: '{"orderId":1234,"itemIds":[11,42]}',
  fromAddress: 'GCQJL4QPSOKWKDHZHAFY5WZCJJVSJCQ6SJHI7UFOFYNJJEVDGBPRQH3S',
  toAddress: 'GBJPEJTFUYGBFUUJDBOZKDXIQE3ASFTPNMIT2F4NNQH5HEA76I42CH5P',
  network: 'Pi Testnet',
  state: 'created',
  cancelReason: null,
  developerApproved: false,
  txid: null,
  createdAt: Date.UTC(2026, 2, 1, 9, 15, 27, 102),
  approvedAt: null,
  verifiedAt: null,
  completedAt: null,
  cancelledAt: null,
};
const TXID = 'a'.repeat(64);

describe('PaymentDTO', () => {
  test('exact text, §3.6 key order (example 3)', () => {
    assert.equal(
      paymentDtoJson(base, 'http://127.0.0.1:3000'),
      '{"identifier":"bpT4r5yHUig43kiJfahqSIjOugM1","user_uid":"3f6c1c9e-8a0b-4a51-9d2e-5b7f0c2a4e11","amount":3.14,"memo":"Digital kitten #1234",' +
        '"metadata":{"orderId":1234,"itemIds":[11,42]},"from_address":"GCQJL4QPSOKWKDHZHAFY5WZCJJVSJCQ6SJHI7UFOFYNJJEVDGBPRQH3S",' +
        '"to_address":"GBJPEJTFUYGBFUUJDBOZKDXIQE3ASFTPNMIT2F4NNQH5HEA76I42CH5P","direction":"user_to_app","created_at":"2026-03-01T09:15:27.102Z",' +
        '"network":"Pi Testnet","status":{"developer_approved":false,"transaction_verified":false,"developer_completed":false,"cancelled":false,"user_cancelled":false},' +
        '"transaction":null}',
    );
  });

  test('amounts are plain decimal text, never exponent form, and read back exactly', () => {
    const cases: Array<[bigint, string]> = [
      [31_400_000n, '3.14'],
      [10_000_000n, '1'],
      [1n, '0.0000001'],
      [10n, '0.000001'],
      [5_000_000n, '0.5'],
      [100_000_000_000n, '10000'],
      [1_000_000_000_000_000n - 1n, '99999999.9999999'],
      [123_456_789n, '12.3456789'],
    ];
    for (const [minor, text] of cases) {
      const json = paymentDtoJson({ ...base, amount: minor }, 'http://x');
      assert.ok(json.includes(`"amount":${text},`), `${minor} → ${text}`);
      assert.equal(JSON.parse(json).amount, Number(text));
      assert.equal(paymentDtoObject({ ...base, amount: minor }, 'http://x').amount, Number(text));
    }
  });

  test('metadata is written verbatim: key order, number literals, escapes, nesting', () => {
    const meta = '{"z":1,"a":1.50,"big":12345678901234567890123,"e":1E+2,"n":{"b":[1,2.0,-0],"a":null,"t":true},"s":"\\u00e9\\"","":{}}';
    const json = paymentDtoJson({ ...base, metadataJson: meta }, 'http://x');
    assert.ok(json.includes(`"metadata":${meta},"from_address"`));
    assert.deepEqual(Object.keys(JSON.parse(json).metadata), ['z', 'a', 'big', 'e', 'n', 's', '']);
  });

  test('transaction object once linked: txid, verified true, absolute _link without a doubled slash', () => {
    const p: Payment = { ...base, state: 'verified', developerApproved: true, txid: TXID };
    const d = JSON.parse(paymentDtoJson(p, 'https://plaza.example/'));
    assert.deepEqual(d.transaction, { txid: TXID, verified: true, _link: `https://plaza.example/horizon/transactions/${TXID}` });
    assert.deepEqual(Object.keys(d), ['identifier', 'user_uid', 'amount', 'memo', 'metadata', 'from_address', 'to_address', 'direction', 'created_at', 'network', 'status', 'transaction']);
  });

  test('the webhook object is the same document; numbers no double can hold stay as their literal', () => {
    const p: Payment = { ...base, state: 'completed', developerApproved: true, txid: TXID, metadataJson: '{"k":[1,2.5],"huge":1e400,"order":{"b":1,"a":2}}' };
    const o = paymentDtoObject(p, 'http://127.0.0.1:3000');
    const fromText = JSON.parse(paymentDtoJson({ ...p, metadataJson: '{}' }, 'http://127.0.0.1:3000'));
    assert.deepEqual({ ...o, metadata: {} }, fromText);
    assert.deepEqual(o.metadata, { k: [1, 2.5], huge: '1e400', order: { b: 1, a: 2 } });
    assert.deepEqual(Object.keys(o), Object.keys(fromText));
  });
});

describe('derived flags (§4.1)', () => {
  test('every state and cancel reason', () => {
    const rows: Array<[Partial<Payment>, [boolean, boolean, boolean, boolean, boolean]]> = [
      [{ state: 'created', developerApproved: false }, [false, false, false, false, false]],
      [{ state: 'approved', developerApproved: true }, [true, false, false, false, false]],
      [{ state: 'verified', developerApproved: true }, [true, true, false, false, false]],
      [{ state: 'completed', developerApproved: true }, [true, true, true, false, false]],
      [{ state: 'cancelled', cancelReason: 'developer', developerApproved: true }, [true, false, false, true, false]],
      [{ state: 'cancelled', cancelReason: 'approval_timeout', developerApproved: false }, [false, false, false, true, false]],
      [{ state: 'cancelled', cancelReason: 'expired', developerApproved: true }, [true, false, false, true, false]],
      [{ state: 'cancelled', cancelReason: 'superseded', developerApproved: false }, [false, false, false, true, false]],
      [{ state: 'cancelled', cancelReason: 'user', developerApproved: false }, [false, false, false, false, true]],
      [{ state: 'cancelled', cancelReason: 'user', developerApproved: true }, [true, false, false, false, true]],
    ];
    for (const [patch, expected] of rows) {
      const f = paymentFlags({ ...base, ...patch });
      assert.deepEqual([f.developer_approved, f.transaction_verified, f.developer_completed, f.cancelled, f.user_cancelled], expected, JSON.stringify(patch));
    }
  });
});

describe('settings', () => {
  test('per-app settings: defaults, overrides, and values of the wrong type or range count as unset', () => {
    assert.deepEqual(appPiSettings({ settings: {} }), { network: 'Pi Testnet', a2uEnabled: true, a2uMaxOpenPerApp: 1 });
    assert.deepEqual(appPiSettings({ settings: { pi: { network: 'Pi Network', a2uEnabled: false, a2uMaxOpenPerApp: 3 } } }), { network: 'Pi Network', a2uEnabled: false, a2uMaxOpenPerApp: 3 });
    const bad = { network: 'x'.repeat(65), a2uEnabled: 'no', a2uMaxOpenPerApp: 0 } as unknown as { network: string };
    assert.deepEqual(appPiSettings({ settings: { pi: bad } }), { network: 'Pi Testnet', a2uEnabled: true, a2uMaxOpenPerApp: 1 });
    assert.equal(appPiSettings({ settings: { pi: { a2uMaxOpenPerApp: 1.5 } } }).a2uMaxOpenPerApp, 1);
  });

  test('paymentsDeps takes the windows in ms and the public URL without a trailing slash', () => {
    const config = testConfig({ publicUrl: 'https://plaza.example/', pi: { ...defaultPiSettings(), approvalWindowSeconds: 30, assetSymbol: 'TPI' } });
    const deps = paymentsDeps({ config, clock: { now: () => 0 }, box: {} } as unknown as Services);
    assert.deepEqual(deps.settings, { assetSymbol: 'TPI', approvalWindowMs: 30_000, transactionWindowMs: 600_000 });
    assert.equal(deps.publicUrl, 'https://plaza.example');
  });

  const env = { PLAZA_DATA_DIR: mkdtempSync(join(tmpdir(), 'plaza-config-')), PLAZA_MASTER_KEY: '07'.repeat(32) };

  test('PLAZA_PI_* defaults (§8), also in testConfig', () => {
    const expected = {
      accessTokenTtlSeconds: 86400,
      assetSymbol: 'PI',
      approvalWindowSeconds: 60,
      transactionWindowSeconds: 600,
      sweepIntervalSeconds: 5,
      walletTokenTtlSeconds: 600,
      gatewayPublicBalances: true,
    };
    assert.deepEqual(loadConfig(env).pi, expected);
    assert.deepEqual(testConfig().pi, expected);
  });

  test('PLAZA_PI_* variables map to their settings; bad values name the variable', () => {
    const pi = loadConfig({
      ...env,
      PLAZA_PI_ASSET_SYMBOL: 'TESTPI',
      PLAZA_PI_APPROVAL_WINDOW_SECONDS: '30',
      PLAZA_PI_TRANSACTION_WINDOW_SECONDS: '120',
      PLAZA_PI_SWEEP_INTERVAL_SECONDS: '1',
      PLAZA_PI_WALLET_TOKEN_TTL_SECONDS: '300',
      PLAZA_PI_GATEWAY_PUBLIC_BALANCES: 'false',
    }).pi;
    assert.deepEqual(pi, {
      accessTokenTtlSeconds: 86400,
      assetSymbol: 'TESTPI',
      approvalWindowSeconds: 30,
      transactionWindowSeconds: 120,
      sweepIntervalSeconds: 1,
      walletTokenTtlSeconds: 300,
      gatewayPublicBalances: false,
    });
    for (const [name, value] of [
      ['PLAZA_PI_ASSET_SYMBOL', 'P I'],
      ['PLAZA_PI_ASSET_SYMBOL', '-PI'],
      ['PLAZA_PI_APPROVAL_WINDOW_SECONDS', '0'],
      ['PLAZA_PI_TRANSACTION_WINDOW_SECONDS', '1.5'],
      ['PLAZA_PI_SWEEP_INTERVAL_SECONDS', '0'],
      ['PLAZA_PI_WALLET_TOKEN_TTL_SECONDS', '10'],
      ['PLAZA_PI_GATEWAY_PUBLIC_BALANCES', 'maybe'],
    ] as const) {
      assert.throws(() => loadConfig({ ...env, [name]: value }), (err: unknown) => err instanceof ConfigError && err.variable === name, `${name}=${value}`);
    }
  });
});
