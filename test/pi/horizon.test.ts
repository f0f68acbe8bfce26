// The ledger gateway at /horizon (spec/pi.md §3.18, §5.3–§5.8) on both stores: every route, every refusal of
// `POST /horizon/transactions` in the order of steps 1–10 (each leaving the payment, the balances and the source's
// sequence number untouched), replays, Idempotency-Key, concurrent submissions, and `_link` read without credentials.
// Envelopes are built and signed here with @stellar/stellar-base, as a Stellar client would.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import {
  Account,
  Asset,
  Keypair,
  Memo,
  MuxedAccount,
  Operation,
  TransactionBuilder,
  xdr,
  type FeeBumpTransaction,
  type Transaction,
} from '@stellar/stellar-base';
import { defaultPiSettings } from '../../src/config.js';
import { manualClock } from '../../src/core/clock.js';
import { setAppControls } from '../../src/core/identity/appControls.js';
import { getWalletOf, revealWalletSeed } from '../../src/core/identity/walletKeys.js';
import { ensureAccount } from '../../src/core/ledger/accounts.js';
import { getAssetBySymbol } from '../../src/core/ledger/assets.js';
import { sealBlock } from '../../src/core/ledger/blocks.js';
import { issue, listTransfers } from '../../src/core/ledger/transfers.js';
import { horizonDialect } from '../../src/dialects/pi/horizon/plugin.js';
import { piDialect } from '../../src/dialects/pi/plugin.js';
import { staticControls } from '../../src/http/controls.js';
import { createRateLimiter } from '../../src/http/rateLimit.js';
import { FIXTURE_START, startPiFixture, type PiFixture, type PiFixtureApp } from '../payments/fixture.js';
import { http, type HttpResult } from '../support/server.js';
import { STORES } from '../support/stores.js';

const TESTNET = 'Pi Testnet';
const NOW_S = Math.floor(FIXTURE_START / 1000);
const PROBLEM = 'application/problem+json; charset=utf-8';
const UNKNOWN_ID = 'A'.repeat(28);

interface EnvelopeSpec {
  /** Signs the envelope (default: the app wallet); `[]` leaves it unsigned. */
  signers?: Keypair[];
  /** The transaction source (default: the first signer's address). */
  source?: string | MuxedAccount;
  sequence: bigint;
  destination?: string;
  amount?: string;
  memo?: string | Memo;
  passphrase?: string;
  timebounds?: { minTime: number; maxTime: number };
  /** Replaces the one payment operation. */
  operations?: xdr.Operation[];
}

function memoOf(m: string | Memo): Memo {
  return typeof m === 'string' ? Memo.text(m) : m;
}

function problemOf(r: HttpResult, kind: string, status: number): void {
  assert.equal(r.status, status, r.text);
  assert.equal(r.headers.get('content-type'), PROBLEM);
  assert.equal(r.headers.get('access-control-allow-origin'), '*');
  assert.ok(r.headers.get('date'));
  assert.equal(r.json.type, `https://stellar.org/horizon-errors/${kind}`);
  assert.equal(r.json.status, status);
  assert.equal(typeof r.json.title, 'string');
  assert.equal(typeof r.json.detail, 'string');
}

function refusedWith(r: HttpResult, transaction: string, operation?: string, verificationError?: string): void {
  problemOf(r, 'transaction_failed', 400);
  assert.deepEqual(Object.keys(r.json), ['type', 'title', 'status', 'detail', 'extras']);
  assert.deepEqual(r.json.extras.result_codes, operation ? { transaction, operations: [operation] } : { transaction });
  assert.equal(r.json.extras.verification_error, verificationError);
  assert.equal(typeof r.json.extras.envelope_xdr, 'string');
}

for (const kind of STORES) {
  describe(`pi ledger gateway /horizon [${kind}]`, () => {
    let f: PiFixture;
    let base: string;
    let appKey: Keypair;
    const clock = manualClock(FIXTURE_START);

    const defaultSigners = () => [appKey];
    function build(spec: EnvelopeSpec): Transaction {
      const signers = spec.signers ?? defaultSigners();
      const source = spec.source ?? (signers[0] ?? appKey).publicKey();
      const account = typeof source === 'string' ? new Account(source, String(spec.sequence - 1n)) : source;
      const builder = new TransactionBuilder(account, {
        fee: '100',
        networkPassphrase: spec.passphrase ?? TESTNET,
        ...(spec.timebounds ? { timebounds: spec.timebounds } : {}),
      });
      const ops = spec.operations ?? [
        Operation.payment({ destination: spec.destination ?? f.bob.address, asset: Asset.native(), amount: spec.amount ?? '1.5' }),
      ];
      for (const op of ops) builder.addOperation(op);
      if (spec.memo !== undefined) builder.addMemo(memoOf(spec.memo));
      if (!spec.timebounds) builder.setTimeout(0);
      const tx = builder.build();
      for (const k of signers) tx.sign(k);
      return tx;
    }
    const envelope = (spec: EnvelopeSpec): string => build(spec).toEnvelope().toXDR('base64');

    const submit = (tx: string, options: { headers?: Record<string, string>; path?: string } = {}) =>
      http(base, 'POST', options.path ?? '/horizon/transactions', {
        body: `tx=${encodeURIComponent(tx)}`,
        headers: { 'content-type': 'application/x-www-form-urlencoded', ...options.headers },
      });
    const appHeaders = () => ({ authorization: `Key ${f.app.secret}` });
    const account = (address: string) => http(base, 'GET', `/horizon/accounts/${address}`);
    const sequenceOf = async (address: string): Promise<bigint> => BigInt((await account(address)).json.sequence);
    const getPayment = async (id: string, app: PiFixtureApp = f.app) =>
      (await http(base, 'GET', `/v2/payments/${id}`, { headers: { authorization: `Key ${app.secret}` } })).json;

    /** A new A2U payment of the fixture's app to bob (open limit raised in `before`). */
    async function a2u(amount = '1.5', app: PiFixtureApp = f.app, uid = f.bob.pairwiseUid): Promise<{ identifier: string; amount: number }> {
      const r = await http(base, 'POST', '/v2/payments', {
        headers: { authorization: `Key ${app.secret}` },
        body: { payment: { amount, memo: 'Refund', metadata: { n: 1 }, uid } },
      });
      assert.equal(r.status, 200, r.text);
      return r.json;
    }

    /** The payment is still approved without a transaction and the app wallet's sequence and balance did not move. */
    async function unchanged(identifier: string, before: { sequence: bigint; balance: bigint }): Promise<void> {
      const p = await getPayment(identifier);
      assert.equal(p.status.transaction_verified, false);
      assert.equal(p.transaction, null);
      assert.equal(await sequenceOf(f.app.address), before.sequence);
      assert.equal(await f.balance('app'), before.balance);
    }
    /** Issues `minor` units of the payment asset to another app's wallet. */
    async function fundApp(app: PiFixtureApp, minor: bigint): Promise<void> {
      const s = f.server.services;
      await s.db.transaction().execute(async (trx) => {
        const assetId = (await getAssetBySymbol(trx, s.config.pi.assetSymbol))!.id;
        const w = (await getWalletOf(trx, { kind: 'app', appId: app.id }))!;
        await issue(trx, { assetId, toAccountId: w.accountId, amount: minor }, clock);
      });
    }
    const snapshot = async () => ({ sequence: await sequenceOf(f.app.address), balance: await f.balance('app') });

    before(async () => {
      f = await startPiFixture(kind, { dialects: [piDialect, horizonDialect], clock });
      base = f.server.baseUrl;
      const s = f.server.services;
      await s.db.transaction().execute((trx) => setAppControls(trx, f.app.id, { settings: { pi: { a2uMaxOpenPerApp: 1000 } } }, { clock }));
      appKey = Keypair.fromSecret(await revealWalletSeed(s.db, { kind: 'app', appId: f.app.id }, s.box));
      await f.fund('app', '1000');
    });
    after(() => f.close());
    beforeEach(() => {
      const s = f.server.services;
      s.controls = staticControls({ ...s.config.operator, perIpPerMinute: 0, perKeyPerMinute: 0 });
      s.limiter = createRateLimiter(s.clock);
    });

    test('GET /horizon: version, network, latest ledger; Date from the server clock, CORS *', async () => {
      const r = await http(base, 'GET', '/horizon');
      assert.equal(r.status, 200, r.text);
      assert.equal(r.headers.get('content-type'), 'application/json; charset=utf-8');
      assert.equal(r.headers.get('access-control-allow-origin'), '*');
      assert.equal(r.headers.get('date'), new Date(clock.now()).toUTCString());
      assert.deepEqual(Object.keys(r.json), ['horizon_version', 'network_passphrase', 'history_latest_ledger']);
      assert.match(r.json.horizon_version, /^plaza-\d+\.\d+\.\d+/);
      assert.equal(r.json.network_passphrase, TESTNET);
      assert.equal(r.json.history_latest_ledger, 0);
      const block = await sealBlock(f.server.store.database, f.server.services.box, clock);
      assert.ok(block);
      assert.equal((await http(base, 'GET', '/horizon/')).json.history_latest_ledger, block.number);
      assert.equal((await http(base, 'GET', '/horizon/fee_stats')).text, `{"last_ledger":"${block.number}","last_ledger_base_fee":"100"}`);
      // An app named by the mount (or X-Plaza-App) speaks its own network; an unknown one changes nothing.
      const mainnet = await f.createApp('Mainnet Shop');
      await f.server.services.db.transaction().execute((trx) => setAppControls(trx, mainnet.id, { settings: { pi: { network: 'Pi Network' } } }, { clock }));
      assert.equal((await http(base, 'GET', `/apps/${mainnet.appkey}/horizon`)).json.network_passphrase, 'Pi Network');
      assert.equal((await http(base, 'GET', '/horizon', { headers: { 'x-plaza-app': mainnet.appkey } })).json.network_passphrase, 'Pi Network');
      assert.equal((await http(base, 'GET', `/apps/${'0'.repeat(32)}/horizon`)).json.network_passphrase, TESTNET);
    });

    test('GET /horizon/accounts/{address}: the wallet resource; unknown and malformed addresses → 404', async () => {
      const r = await account(f.alice.address);
      assert.equal(r.status, 200, r.text);
      const balance = await f.balance(f.alice);
      assert.equal(
        r.text,
        JSON.stringify({
          id: f.alice.address,
          account_id: f.alice.address,
          sequence: '0',
          subentry_count: 0,
          balances: [{ balance: (Number(balance) / 1e7).toFixed(7), asset_type: 'native' }],
          signers: [{ key: f.alice.address, weight: 1, type: 'ed25519_public_key' }],
          thresholds: { low_threshold: 0, med_threshold: 0, high_threshold: 0 },
          flags: { auth_required: false, auth_revocable: false, auth_immutable: false },
          data_attr: {},
          last_modified_ledger: r.json.last_modified_ledger,
        }),
      );
      assert.equal(typeof r.json.last_modified_ledger, 'number');
      await f.fund(f.alice, '0.0000001');
      assert.equal((await account(f.alice.address)).json.balances[0].balance, ((Number(balance) + 1) / 1e7).toFixed(7));
      assert.equal((await account(f.app.address)).json.balances[0].balance, '1000.0000000');
      problemOf(await account(Keypair.random().publicKey()), 'not_found', 404);
      problemOf(await account('GNOTANADDRESS'), 'not_found', 404);
      problemOf(await account(appKey.secret()), 'not_found', 404);
    });

    test('POST /horizon/transactions: an A2U payment is transferred, linked and verified; the sequence advances', async () => {
      const p = await a2u('3.14');
      const bobBefore = await f.balance(f.bob);
      const appBefore = await f.balance('app');
      const seq = (await sequenceOf(f.app.address)) + 1n;
      const tx = envelope({ sequence: seq, amount: '3.14', memo: p.identifier });
      const r = await submit(tx);
      assert.equal(r.status, 200, r.text);
      assert.equal(r.headers.get('content-type'), 'application/json; charset=utf-8');
      assert.equal(r.headers.get('access-control-allow-origin'), '*');
      assert.equal(r.headers.get('date'), new Date(clock.now()).toUTCString());
      const txid: string = r.json.id;
      assert.match(txid, /^[0-9a-f]{64}$/);
      const link = `http://127.0.0.1:3000/horizon/transactions/${txid}`;
      assert.equal(
        r.text,
        JSON.stringify({
          id: txid,
          hash: txid,
          successful: true,
          ledger: null,
          created_at: '2026-03-01T09:22:07Z',
          source_account: f.app.address,
          memo_type: 'text',
          memo: p.identifier,
          fee_charged: '0',
          operation_count: 1,
          _links: { self: { href: link }, operations: { href: `${link}/operations` } },
          envelope_xdr: tx,
        }),
      );
      assert.equal(await f.balance(f.bob), bobBefore + 31_400_000n);
      assert.equal(await f.balance('app'), appBefore - 31_400_000n);
      assert.equal(await sequenceOf(f.app.address), seq);
      const paid = await getPayment(p.identifier);
      assert.equal(paid.status.transaction_verified, true);
      assert.deepEqual(paid.transaction, { txid, verified: true, _link: link });
      // The app completes with the returned id.
      const done = await http(base, 'POST', `/v2/payments/${p.identifier}/complete`, { headers: appHeaders(), body: { txid } });
      assert.equal(done.status, 200, done.text);
      assert.equal(done.json.status.developer_completed, true);
    });

    test('also as JSON {"tx"}, under /apps/<appkey>, and as a legacy v0 envelope (the same transaction replays)', async () => {
      const p1 = await a2u('1');
      const seq1 = (await sequenceOf(f.app.address)) + 1n;
      const r1 = await http(base, 'POST', `/apps/${f.app.appkey}/horizon/transactions/`, { body: { tx: envelope({ sequence: seq1, amount: '1', memo: p1.identifier }) } });
      assert.equal(r1.status, 200, r1.text);
      assert.equal(r1.json.memo, p1.identifier);

      const p2 = await a2u('2');
      const v1 = build({ sequence: seq1 + 1n, amount: '2', memo: p2.identifier });
      const v1Tx = v1.toEnvelope().v1().tx();
      const cond = v1Tx.cond();
      const v0 = xdr.TransactionEnvelope.envelopeTypeTxV0(
        new xdr.TransactionV0Envelope({
          tx: new xdr.TransactionV0({
            sourceAccountEd25519: appKey.rawPublicKey(),
            fee: v1Tx.fee(),
            seqNum: v1Tx.seqNum(),
            timeBounds: cond.switch().name === 'precondTime' ? cond.timeBounds() : null,
            memo: v1Tx.memo(),
            operations: v1Tx.operations(),
            ext: new xdr.TransactionV0Ext(0),
          }),
          signatures: v1.signatures,
        }),
      ).toXDR('base64');
      const r2 = await submit(v0);
      assert.equal(r2.status, 200, r2.text);
      assert.equal(r2.json.envelope_xdr, v0);
      // The v1 form of the same transaction is the same transaction: the first answer, byte for byte.
      const again = await submit(v1.toEnvelope().toXDR('base64'));
      assert.equal(again.status, 200);
      assert.equal(again.text, r2.text);
      assert.equal(await sequenceOf(f.app.address), seq1 + 1n);
    });

    test('resubmitting an accepted envelope replays the first response; nothing moves twice', async () => {
      const p = await a2u('1.25');
      const seq = (await sequenceOf(f.app.address)) + 1n;
      const tx = build({ sequence: seq, amount: '1.25', memo: p.identifier });
      const first = await submit(tx.toEnvelope().toXDR('base64'));
      assert.equal(first.status, 200, first.text);
      const after1 = await snapshot();
      const bob1 = await f.balance(f.bob);
      // Re-signed (an extra signature does not make it another transaction), later, without the first's signature.
      tx.sign(Keypair.random());
      clock.advance(1000);
      try {
        const second = await submit(tx.toEnvelope().toXDR('base64'));
        assert.equal(second.status, 200);
        assert.equal(second.text, first.text);
        assert.equal(second.headers.get('idempotent-replayed'), null);
      } finally {
        clock.advance(-1000);
      }
      assert.deepEqual(await snapshot(), after1);
      assert.equal(await f.balance(f.bob), bob1);
      const transfers = await listTransfers(f.server.services.db, { kind: 'pi.payment', limit: 1000 });
      assert.equal(transfers.filter((t) => t.memo === p.identifier).length, 1);
    });

    test('step 1: tx missing or not decodable → 400 transaction_malformed', async () => {
      const before = await snapshot();
      problemOf(await http(base, 'POST', '/horizon/transactions', { body: '', headers: { 'content-type': 'application/x-www-form-urlencoded' } }), 'transaction_malformed', 400);
      problemOf(await submit('not base64!'), 'transaction_malformed', 400);
      problemOf(await submit('AAAAAgAAAAA='), 'transaction_malformed', 400);
      problemOf(await submit(Buffer.from('hello world, this is not XDR').toString('base64')), 'transaction_malformed', 400);
      problemOf(await http(base, 'POST', '/horizon/transactions', { body: { tx: 5 } }), 'transaction_malformed', 400);
      problemOf(await http(base, 'POST', '/horizon/transactions', { body: '{"tx":', headers: { 'content-type': 'application/json' } }), 'transaction_malformed', 400);
      const r = await submit('AAAAAgAAAAA=');
      assert.equal(r.json.extras.envelope_xdr, 'AAAAAgAAAAA=');
      problemOf(await http(base, 'POST', '/horizon/transactions', { body: `tx=${'A'.repeat(70 * 1024)}`, headers: { 'content-type': 'application/x-www-form-urlencoded' } }), 'payload_too_large', 413);
      assert.deepEqual(await snapshot(), before);
    });

    test('step 3: outside the supported subset → tx_malformed (fee bump, muxed, operations, asset, memo, op source)', async () => {
      const p = await a2u('1');
      const before = await snapshot();
      const seq = before.sequence + 1n;
      const pay = (extra: { destination?: string; asset?: Asset; source?: string } = {}) =>
        Operation.payment({ destination: extra.destination ?? f.bob.address, asset: extra.asset ?? Asset.native(), amount: '1', ...(extra.source ? { source: extra.source } : {}) });
      const inner = build({ sequence: seq, amount: '1', memo: p.identifier });
      const feeBump: FeeBumpTransaction = TransactionBuilder.buildFeeBumpTransaction(appKey, '200', inner, TESTNET);
      feeBump.sign(appKey);
      const muxedSource = new MuxedAccount(new Account(appKey.publicKey(), String(seq - 1n)), '42');
      const muxedBob = new MuxedAccount(new Account(f.bob.address, '0'), '7').accountId();
      const cases: Array<[string, string]> = [
        ['fee bump', feeBump.toEnvelope().toXDR('base64')],
        ['muxed source', envelope({ sequence: seq, source: muxedSource, memo: p.identifier, amount: '1' })],
        ['muxed destination', envelope({ sequence: seq, destination: muxedBob, memo: p.identifier, amount: '1' })],
        ['two operations', envelope({ sequence: seq, memo: p.identifier, operations: [pay(), pay()] })],
        ['no operation', (() => {
          const t = build({ sequence: seq, memo: p.identifier, amount: '1' }).toEnvelope();
          t.v1().tx().operations([]);
          return t.toXDR('base64');
        })()],
        ['not a payment', envelope({ sequence: seq, memo: p.identifier, operations: [Operation.createAccount({ destination: Keypair.random().publicKey(), startingBalance: '1' })] })],
        ['non-native asset', envelope({ sequence: seq, memo: p.identifier, operations: [pay({ asset: new Asset('PI', f.bob.address) })] })],
        ['memo id', envelope({ sequence: seq, memo: Memo.id('42'), amount: '1' })],
        ['memo hash', envelope({ sequence: seq, memo: Memo.hash('a'.repeat(64)), amount: '1' })],
        ['no memo', envelope({ sequence: seq, amount: '1' })],
        ['operation source ≠ transaction source', envelope({ sequence: seq, memo: p.identifier, operations: [pay({ source: f.alice.address })] })],
      ];
      for (const [name, tx] of cases) {
        const r = await submit(tx);
        refusedWith(r, 'tx_malformed');
        assert.equal(r.json.extras.envelope_xdr, tx, name);
      }
      await unchanged(p.identifier, before);
      // An operation source equal to the transaction source is fine.
      const ok = await submit(envelope({ sequence: seq, memo: p.identifier, operations: [pay({ source: appKey.publicKey() })] }));
      assert.equal(ok.status, 200, ok.text);
    });

    test('step 4: a source that is not a Plaza wallet → tx_no_source_account', async () => {
      const p = await a2u('1');
      const before = await snapshot();
      const stranger = Keypair.random();
      refusedWith(await submit(envelope({ signers: [stranger], sequence: 1n, amount: '1', memo: p.identifier })), 'tx_no_source_account');
      await unchanged(p.identifier, before);
    });

    test('step 5: no valid signature by the source → tx_bad_auth (unsigned, another key, the wrong passphrase)', async () => {
      const p = await a2u('1');
      const before = await snapshot();
      const seq = before.sequence + 1n;
      refusedWith(await submit(envelope({ signers: [], source: appKey.publicKey(), sequence: seq, amount: '1', memo: p.identifier })), 'tx_bad_auth');
      refusedWith(await submit(envelope({ signers: [Keypair.random()], source: appKey.publicKey(), sequence: seq, amount: '1', memo: p.identifier })), 'tx_bad_auth');
      refusedWith(await submit(envelope({ sequence: seq, amount: '1', memo: p.identifier, passphrase: 'Pi Network' })), 'tx_bad_auth');
      // A valid signature whose hint is not the key's counts for nothing, as in Stellar.
      const t = build({ sequence: seq, amount: '1', memo: p.identifier });
      const env = t.toEnvelope();
      const sig = env.v1().signatures()[0]!;
      env.v1().signatures([new xdr.DecoratedSignature({ hint: Buffer.from([0, 0, 0, 0]), signature: sig.signature() })]);
      refusedWith(await submit(env.toXDR('base64')), 'tx_bad_auth');
      await unchanged(p.identifier, before);
    });

    test('step 5: the passphrase is the named payment\'s network (the app\'s), else the default network', async () => {
      const mainnet = await f.createApp('Mainnet Payer');
      const s = f.server.services;
      await s.db.transaction().execute((trx) => setAppControls(trx, mainnet.id, { settings: { pi: { network: 'Pi Network' } } }, { clock }));
      const carol = await f.createUser('carol', ['username', 'payments', 'wallet_address'], mainnet);
      await fundApp(mainnet, 100_000_000n);
      const key = Keypair.fromSecret(await revealWalletSeed(s.db, { kind: 'app', appId: mainnet.id }, s.box));
      const p = await a2u('1', mainnet, carol.pairwiseUid);
      assert.equal((await getPayment(p.identifier, mainnet)).network, 'Pi Network');
      const spec = { signers: [key], sequence: 1n, destination: carol.address, amount: '1', memo: p.identifier };
      refusedWith(await submit(envelope({ ...spec, passphrase: TESTNET })), 'tx_bad_auth');
      // A memo naming no payment: the default network decides (then step 9 refuses).
      refusedWith(await submit(envelope({ ...spec, memo: UNKNOWN_ID, passphrase: 'Pi Network' })), 'tx_bad_auth');
      refusedWith(await submit(envelope({ ...spec, memo: UNKNOWN_ID, passphrase: TESTNET })), 'tx_failed', 'op_payment_mismatch', 'payment_not_found');
      // …or the app the request names.
      refusedWith(
        await submit(envelope({ ...spec, memo: UNKNOWN_ID, passphrase: 'Pi Network' }), { path: `/apps/${mainnet.appkey}/horizon/transactions` }),
        'tx_failed',
        'op_payment_mismatch',
        'payment_not_found',
      );
      const r = await submit(envelope({ ...spec, passphrase: 'Pi Network' }));
      assert.equal(r.status, 200, r.text);
      assert.equal(await sequenceOf(mainnet.address), 1n);
    });

    test('step 6: time bounds → tx_too_early / tx_too_late; the bounds themselves are inside', async () => {
      const p = await a2u('1');
      const before = await snapshot();
      const seq = before.sequence + 1n;
      const spec = { sequence: seq, amount: '1', memo: p.identifier };
      refusedWith(await submit(envelope({ ...spec, timebounds: { minTime: NOW_S + 1, maxTime: 0 } })), 'tx_too_early');
      refusedWith(await submit(envelope({ ...spec, timebounds: { minTime: 0, maxTime: NOW_S - 1 } })), 'tx_too_late');
      // Time bounds come before the sequence check.
      refusedWith(await submit(envelope({ ...spec, sequence: seq + 5n, timebounds: { minTime: 0, maxTime: NOW_S - 1 } })), 'tx_too_late');
      await unchanged(p.identifier, before);
      const r = await submit(envelope({ ...spec, timebounds: { minTime: NOW_S, maxTime: NOW_S } }));
      assert.equal(r.status, 200, r.text);
    });

    test('step 7: seqNum ≠ current + 1 → tx_bad_seq', async () => {
      const p = await a2u('1');
      const before = await snapshot();
      for (const seq of [before.sequence, before.sequence + 2n, before.sequence + 1000n]) {
        refusedWith(await submit(envelope({ sequence: seq, amount: '1', memo: p.identifier })), 'tx_bad_seq');
      }
      await unchanged(p.identifier, before);
    });

    test('step 8: a destination that is not a Plaza wallet → tx_failed / op_no_destination', async () => {
      const p = await a2u('1');
      const before = await snapshot();
      refusedWith(await submit(envelope({ sequence: before.sequence + 1n, destination: Keypair.random().publicKey(), amount: '1', memo: p.identifier })), 'tx_failed', 'op_no_destination');
      await unchanged(p.identifier, before);
    });

    test('step 9: op_payment_mismatch with each verification_error; nothing moves', async () => {
      const s = f.server.services;
      const p = await a2u('2');
      const before = await snapshot();
      const seq = before.sequence + 1n;
      const mismatch = async (spec: Partial<EnvelopeSpec>, error: string) =>
        refusedWith(await submit(envelope({ sequence: seq, amount: '2', memo: p.identifier, ...spec })), 'tx_failed', 'op_payment_mismatch', error);
      await mismatch({ memo: UNKNOWN_ID }, 'payment_not_found');
      await mismatch({ memo: 'not an identifier' }, 'payment_not_found');
      await mismatch({ amount: '2.0000001' }, 'tx_amount_mismatch');
      await mismatch({ amount: '1.9999999' }, 'tx_amount_mismatch');
      await mismatch({ destination: f.alice.address }, 'tx_destination_mismatch');
      await unchanged(p.identifier, before);

      // Another app's wallet paying this app's payment.
      const other = await f.createApp('Other Payer');
      const otherKey = Keypair.fromSecret(await revealWalletSeed(s.db, { kind: 'app', appId: other.id }, s.box));
      refusedWith(await submit(envelope({ signers: [otherKey], sequence: 1n, amount: '2', memo: p.identifier })), 'tx_failed', 'op_payment_mismatch', 'tx_source_mismatch');
      assert.equal(await sequenceOf(other.address), 0n);

      // A U2A payment not yet approved.
      const u2a = await http(base, 'POST', '/v2/payments/user_to_app', {
        headers: { authorization: `Bearer ${f.alice.accessToken}` },
        body: { amount: 2, memo: 'kitten', metadata: {} },
      });
      assert.equal(u2a.status, 200, u2a.text);
      await mismatch({ memo: u2a.json.identifier, destination: f.app.address }, 'payment_not_approved');

      // A cancelled payment.
      const c = await a2u('2');
      assert.equal((await http(base, 'POST', `/v2/payments/${c.identifier}/cancel`, { headers: appHeaders() })).status, 200);
      await mismatch({ memo: c.identifier }, 'cancelled_payment');

      // A payment already paid: another envelope naming it.
      const paid = await submit(envelope({ sequence: seq, amount: '2', memo: p.identifier }));
      assert.equal(paid.status, 200, paid.text);
      refusedWith(await submit(envelope({ sequence: seq + 1n, amount: '2', memo: p.identifier })), 'tx_failed', 'op_payment_mismatch', 'payment_already_linked_with_a_tx');
      assert.equal(await sequenceOf(f.app.address), seq);
    });

    test('step 10: source balance < amount → op_underfunded; the refused sequence number stays free', async () => {
      const s = f.server.services;
      const poor = await f.createApp('Poor App');
      await s.db.transaction().execute((trx) => setAppControls(trx, poor.id, { settings: { pi: { a2uMaxOpenPerApp: 10 } } }, { clock }));
      const dave = await f.createUser('dave', ['username', 'wallet_address'], poor);
      const key = Keypair.fromSecret(await revealWalletSeed(s.db, { kind: 'app', appId: poor.id }, s.box));
      const p = await a2u('5', poor, dave.pairwiseUid);
      const tx = envelope({ signers: [key], sequence: 1n, destination: dave.address, amount: '5', memo: p.identifier });
      refusedWith(await submit(tx), 'tx_failed', 'op_underfunded');
      assert.equal(await sequenceOf(poor.address), 0n);
      assert.equal((await getPayment(p.identifier, poor)).transaction, null);
      // Nothing was recorded: once funded, the very same envelope goes through with the same sequence number.
      await fundApp(poor, 50_000_000n);
      const r = await submit(tx);
      assert.equal(r.status, 200, r.text);
      assert.equal(await sequenceOf(poor.address), 1n);
      assert.equal((await account(poor.address)).json.balances[0].balance, '0.0000000');
    });

    test('Idempotency-Key: scoped to the source; replay, conflict (409), malformed (400 after the signature check)', async () => {
      const p = await a2u('1');
      const seq = (await sequenceOf(f.app.address)) + 1n;
      const bad = envelope({ sequence: seq + 3n, amount: '1', memo: p.identifier });
      // A refusal from step 6 on is the key's final answer.
      const k1 = { 'idempotency-key': 'order-1 attempt' };
      refusedWith(await submit(bad, { headers: k1 }), 'tx_bad_seq');
      const replay = await submit(bad, { headers: k1 });
      refusedWith(replay, 'tx_bad_seq');
      assert.equal(replay.headers.get('idempotent-replayed'), 'true');
      // The same key with another envelope of the same source: conflict.
      const good = envelope({ sequence: seq, amount: '1', memo: p.identifier });
      problemOf(await submit(good, { headers: k1 }), 'idempotency_key_reused', 409);
      assert.equal((await getPayment(p.identifier)).transaction, null);
      // A fresh key: accepted; its repeat replays (the accepted transaction's own replay comes first).
      const k2 = { 'idempotency-key': 'order-1 attempt 2' };
      const ok = await submit(good, { headers: k2 });
      assert.equal(ok.status, 200, ok.text);
      assert.equal((await submit(good, { headers: k2 })).text, ok.text);
      // Malformed keys are refused after steps 1–5 (a bad signature is still tx_bad_auth).
      for (const key of ['', 'x'.repeat(256), 'naïve']) {
        const unsigned = envelope({ signers: [], source: appKey.publicKey(), sequence: seq + 1n, amount: '1', memo: p.identifier });
        refusedWith(await submit(unsigned, { headers: { 'idempotency-key': key } }), 'tx_bad_auth');
        problemOf(await submit(envelope({ sequence: seq + 1n, amount: '1', memo: p.identifier }), { headers: { 'idempotency-key': key } }), 'bad_request', 400);
      }
      // Keys are per source: another wallet may use the same key.
      const s = f.server.services;
      const other = await f.createApp('Key Sharer');
      const otherKey = Keypair.fromSecret(await revealWalletSeed(s.db, { kind: 'app', appId: other.id }, s.box));
      refusedWith(await submit(envelope({ signers: [otherKey], sequence: 9n, amount: '1', memo: p.identifier }), { headers: k1 }), 'tx_bad_seq');
    });

    test('concurrency: identical submissions → one transfer, every answer the same; rival envelopes for one sequence → one winner', async () => {
      const p = await a2u('0.5');
      const before = await snapshot();
      const seq = before.sequence + 1n;
      const tx = envelope({ sequence: seq, amount: '0.5', memo: p.identifier });
      const answers = await Promise.all(Array.from({ length: 6 }, () => submit(tx)));
      for (const r of answers) assert.equal(r.status, 200, r.text);
      assert.equal(new Set(answers.map((r) => r.text)).size, 1);
      assert.equal(await sequenceOf(f.app.address), seq);
      assert.equal(await f.balance('app'), before.balance - 5_000_000n);
      const transfers = await listTransfers(f.server.services.db, { kind: 'pi.payment', limit: 1000 });
      assert.equal(transfers.filter((t) => t.memo === p.identifier).length, 1);

      // Rival envelopes (different payments) with the same sequence number: exactly one is accepted.
      const rivals = await Promise.all(Array.from({ length: 4 }, () => a2u('0.5')));
      const results = await Promise.all(rivals.map((q) => submit(envelope({ sequence: seq + 1n, amount: '0.5', memo: q.identifier }))));
      assert.equal(results.filter((r) => r.status === 200).length, 1, results.map((r) => r.text).join('\n'));
      for (const r of results.filter((x) => x.status !== 200)) refusedWith(r, 'tx_bad_seq');
      assert.equal(await sequenceOf(f.app.address), seq + 1n);
      assert.equal(await f.balance('app'), before.balance - 10_000_000n);
    });

    test('GET /horizon/transactions/{txid} and /operations without credentials; the `_link` of a U2A payment', async () => {
      await f.fund(f.alice, '10');
      const u2a = await http(base, 'POST', '/v2/payments/user_to_app', {
        headers: { authorization: `Bearer ${f.alice.accessToken}` },
        body: { amount: 3.14, memo: 'Digital kitten #1234', metadata: { orderId: 1234 } },
      });
      assert.equal(u2a.status, 200, u2a.text);
      const id: string = u2a.json.identifier;
      assert.equal((await http(base, 'POST', `/v2/payments/${id}/approve`, { headers: appHeaders() })).status, 200);
      const paid = await http(base, 'POST', `/v2/payments/${id}/transaction`, { headers: { authorization: `Bearer ${await f.walletToken(f.alice)}` } });
      assert.equal(paid.status, 200, paid.text);
      const { txid, _link } = paid.json.transaction;
      assert.equal(_link, `http://127.0.0.1:3000/horizon/transactions/${txid}`);
      const path = new URL(_link).pathname;

      const r = await http(base, 'GET', path);
      assert.equal(r.status, 200, r.text);
      assert.equal(r.headers.get('access-control-allow-origin'), '*');
      assert.deepEqual(Object.keys(r.json), ['id', 'hash', 'successful', 'ledger', 'created_at', 'source_account', 'memo_type', 'memo', 'fee_charged', 'operation_count', '_links']);
      assert.equal(r.json.id, txid);
      assert.equal(r.json.hash, txid);
      assert.equal(r.json.successful, true);
      assert.equal(r.json.ledger, null);
      assert.equal(r.json.created_at, '2026-03-01T09:22:07Z');
      assert.equal(r.json.source_account, f.alice.address);
      assert.equal(r.json.memo_type, 'text');
      assert.equal(r.json.memo, id);
      assert.equal(r.json.fee_charged, '0');
      assert.equal(r.json.operation_count, 1);
      assert.deepEqual(r.json._links, { self: { href: _link }, operations: { href: `${_link}/operations` } });
      // Case-insensitive txid, trailing slash and the /apps mount read the same transaction.
      assert.equal((await http(base, 'GET', `${path.toUpperCase().replace('/HORIZON/TRANSACTIONS/', '/horizon/transactions/')}/`)).text, r.text);
      assert.equal((await http(base, 'GET', `/apps/${f.app.appkey}${path}`)).text, r.text);

      const ops = await http(base, 'GET', `${path}/operations`);
      assert.equal(ops.status, 200, ops.text);
      assert.deepEqual(ops.json, {
        _embedded: {
          records: [
            {
              id: `${txid}-1`,
              type: 'payment',
              type_i: 1,
              transaction_hash: txid,
              transaction_successful: true,
              source_account: f.alice.address,
              from: f.alice.address,
              to: f.app.address,
              asset_type: 'native',
              amount: '3.1400000',
              created_at: '2026-03-01T09:22:07Z',
            },
          ],
        },
      });

      // Once its block is sealed, `ledger` is the block number.
      const block = await sealBlock(f.server.store.database, f.server.services.box, clock);
      assert.ok(block);
      const sealed = (await http(base, 'GET', path)).json;
      assert.equal(typeof sealed.ledger, 'number');
      assert.ok(sealed.ledger <= block.number && sealed.ledger >= 1);
    });

    test('GET transactions: issuance has no source; other assets and unknown or malformed txids → 404', async () => {
      const s = f.server.services;
      await f.fund(f.alice, '1');
      const issued = (await listTransfers(s.db, { kind: 'issue', limit: 1000 })).filter((t) => t.memo === 'test funding');
      const last = issued[issued.length - 1]!;
      const r = await http(base, 'GET', `/horizon/transactions/${last.txid}`);
      assert.equal(r.status, 200, r.text);
      assert.equal(r.json.source_account, null);
      assert.equal(r.json.memo, 'test funding');
      const ops = await http(base, 'GET', `/horizon/transactions/${last.txid}/operations`);
      assert.equal(ops.json._embedded.records[0].from, null);
      assert.equal(ops.json._embedded.records[0].to, f.alice.address);
      assert.equal(ops.json._embedded.records[0].amount, '1.0000000');

      const uld = (await getAssetBySymbol(s.db, s.config.ulord.assetSymbol))!;
      const other = await s.db.transaction().execute(async (trx) => {
        const acct = await ensureAccount(trx, { owner: { kind: 'user', id: String(f.alice.uid) }, assetId: uld.id }, clock);
        return issue(trx, { assetId: uld.id, toAccountId: acct.id, amount: 5n }, clock);
      });
      problemOf(await http(base, 'GET', `/horizon/transactions/${other.txid}`), 'not_found', 404);
      problemOf(await http(base, 'GET', `/horizon/transactions/${other.txid}/operations`), 'not_found', 404);
      problemOf(await http(base, 'GET', `/horizon/transactions/${'0'.repeat(64)}`), 'not_found', 404);
      problemOf(await http(base, 'GET', `/horizon/transactions/${last.id}`), 'not_found', 404);
      problemOf(await http(base, 'GET', '/horizon/transactions/xyz'), 'not_found', 404);
    });

    test('unknown paths, other methods and preflights answer in the gateway\'s shape', async () => {
      for (const path of ['/horizon/ledgers', '/horizon/accounts', `/horizon/accounts/${f.app.address}/payments`, `/apps/${f.app.appkey}/horizon/nope`]) {
        problemOf(await http(base, 'GET', path), 'not_found', 404);
      }
      const del = await http(base, 'DELETE', `/horizon/accounts/${f.app.address}`);
      problemOf(del, 'method_not_allowed', 405);
      assert.equal(del.headers.get('allow'), 'GET, HEAD, OPTIONS');
      const get = await http(base, 'GET', '/horizon/transactions');
      problemOf(get, 'method_not_allowed', 405);
      assert.equal(get.headers.get('allow'), 'POST, OPTIONS');
      for (const path of ['/horizon/transactions', '/horizon/anything/at/all', `/apps/${f.app.appkey}/horizon/fee_stats`]) {
        const pre = await http(base, 'OPTIONS', path, { headers: { origin: 'https://shop.example', 'access-control-request-method': 'POST' } });
        assert.equal(pre.status, 204, path);
        assert.equal(pre.headers.get('access-control-allow-origin'), '*');
        assert.equal(pre.headers.get('access-control-allow-methods'), 'GET, POST, OPTIONS');
        assert.match(pre.headers.get('access-control-allow-headers') ?? '', /Idempotency-Key/);
      }
    });

    test('per-IP rate limit → 429 rate_limit_exceeded with Retry-After', async () => {
      const s = f.server.services;
      s.controls = staticControls({ ...s.config.operator, perIpPerMinute: 2, perKeyPerMinute: 0 });
      assert.equal((await http(base, 'GET', '/horizon')).status, 200);
      assert.equal((await http(base, 'GET', '/horizon/fee_stats')).status, 200);
      const r = await http(base, 'GET', '/horizon');
      problemOf(r, 'rate_limit_exceeded', 429);
      assert.ok(Number(r.headers.get('retry-after')) > 0);
    });
  });

  describe(`pi ledger gateway with pi.gatewayPublicBalances = false [${kind}]`, () => {
    let f: PiFixture;
    before(async () => {
      f = await startPiFixture(kind, { dialects: [piDialect, horizonDialect], config: { pi: { ...defaultPiSettings(), gatewayPublicBalances: false } } });
    });
    after(() => f.close());

    test('accounts show no balances', async () => {
      await f.fund(f.alice, '10');
      const r = await http(f.server.baseUrl, 'GET', `/horizon/accounts/${f.alice.address}`);
      assert.equal(r.status, 200, r.text);
      assert.deepEqual(r.json.balances, []);
      assert.equal(r.json.sequence, '0');
    });
  });
}
