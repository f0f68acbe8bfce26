// Compatibility target: the real npm `pi-backend@0.1.3` against a running Plaza (spec/pi.md §6.4, §9 example 11), on
// both stores. The package is used exactly as an app backend would, constructed with `{ baseUrl }` and the app
// wallet's revealed seed; only its Horizon client is redirected to Plaza's gateway (`getHorizonClient` replaced, as
// §6.4 describes), through stellar-sdk@10 — the package's own dependency — with `allowHttp`.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import piBackend from 'pi-backend';
import * as StellarSdk from 'stellar-sdk';
import { revealWalletSeed } from '../../src/core/identity/walletKeys.js';
import { horizonDialect } from '../../src/dialects/pi/horizon/plugin.js';
import { piDialect } from '../../src/dialects/pi/plugin.js';
import { startPiFixture, type PiFixture } from '../payments/fixture.js';
import { STORES } from '../support/stores.js';

// CommonJS: from ESM the class is the module's `default` property (§6.4).
const PiNetwork = piBackend.default;
type PiNetworkInstance = InstanceType<typeof PiNetwork>;

interface AxiosLikeError {
  response?: { status: number; data: any };
}

/** What the test reaches into: the Horizon client factory §6.4 tells tests to replace. */
interface HorizonHooks {
  getHorizonClient: (network: string) => StellarSdk.Server;
  NETWORK_PASSPHRASE: string;
}

async function rejection(work: Promise<unknown>): Promise<{ status: number; data: any }> {
  try {
    await work;
  } catch (err) {
    const response = (err as AxiosLikeError).response;
    assert.ok(response, `expected an HTTP error, got ${String(err)}`);
    return response;
  }
  assert.fail('expected a rejection');
}

for (const kind of STORES) {
  describe(`pi-backend@0.1.3 against Plaza [${kind}]`, () => {
    let f: PiFixture;
    let seed: string;
    /** Every transaction pi-backend submitted, as it signed it. */
    const submitted: StellarSdk.Transaction[] = [];
    let horizon: StellarSdk.Server;
    /** The id submitPayment returned in the first test (the one the app completed with). */
    let completedTxid = '';

    function redirect(pi: PiNetworkInstance): void {
      const hooks = pi as unknown as HorizonHooks;
      hooks.getHorizonClient = (network: string) => {
        hooks.NETWORK_PASSPHRASE = network;
        const server = new StellarSdk.Server(`${f.server.baseUrl}/horizon`, { allowHttp: true });
        const submit = server.submitTransaction.bind(server);
        server.submitTransaction = (tx, opts) => {
          submitted.push(tx as StellarSdk.Transaction);
          return submit(tx, opts);
        };
        return server;
      };
    }

    function client(baseUrl = f.server.baseUrl): PiNetworkInstance {
      const pi = new PiNetwork(f.app.secret, seed, { baseUrl });
      redirect(pi);
      return pi;
    }

    before(async () => {
      f = await startPiFixture(kind, { dialects: [piDialect, horizonDialect] });
      const s = f.server.services;
      seed = await revealWalletSeed(s.db, { kind: 'app', appId: f.app.id }, s.box);
      await f.fund('app', '10');
      horizon = new StellarSdk.Server(`${f.server.baseUrl}/horizon`, { allowHttp: true });
    });
    after(() => f.close());

    test('example 11: createPayment → submitPayment → completePayment ends developer_completed; getPayment reads it', async () => {
      const pi = client();
      const bobBefore = await f.balance(f.bob);
      const id = await pi.createPayment({ amount: 3.14, memo: 'Refund for order 7', metadata: { orderId: 7 }, uid: f.bob.pairwiseUid });
      assert.match(id, /^[0-9A-Za-z]{28}$/);

      // The wrapper quirk: the package returns the body unwrapped although it is typed as an array.
      const incomplete = (await pi.getIncompleteServerPayments()) as unknown as { incomplete_server_payments: Array<{ identifier: string }> };
      assert.deepEqual(
        incomplete.incomplete_server_payments.map((p) => p.identifier),
        [id],
      );

      const txid = await pi.submitPayment(id);
      assert.match(txid, /^[0-9a-f]{64}$/);
      completedTxid = txid;
      assert.equal(submitted.length, 1);
      assert.equal(await f.balance(f.bob), bobBefore + 31_400_000n);
      assert.equal(await f.balance('app'), 100_000_000n - 31_400_000n);

      const done = await pi.completePayment(id, txid);
      assert.equal(done.identifier, id);
      assert.equal(done.status.developer_completed, true);
      assert.equal(done.status.transaction_verified, true);
      assert.equal(done.transaction?.txid, txid);

      const read = await pi.getPayment(id);
      assert.equal(read.amount, 3.14);
      assert.equal(read.from_address, f.app.address);
      assert.equal(read.to_address, f.bob.address);
      assert.equal(read.status.developer_completed, true);
      assert.deepEqual(read.metadata, { orderId: 7 });
      assert.deepEqual(((await pi.getIncompleteServerPayments()) as unknown as { incomplete_server_payments: unknown[] }).incomplete_server_payments, []);

      // The `_link` is public: the memo is the payment identifier, as the Pi demo backend checks.
      const link = await fetch(`${f.server.baseUrl}${new URL(read.transaction!._link).pathname}`);
      assert.equal(link.status, 200);
      assert.equal(((await link.json()) as { memo: string }).memo, id);
    });

    test('example 11: resubmitting the same signed envelope → the same id; a new envelope reusing the sequence → 400 tx_bad_seq', async () => {
      const first = submitted[0];
      assert.ok(first, 'the previous test submitted a transaction');
      const sequenceBefore = (await horizon.loadAccount(f.app.address)).sequenceNumber();
      const again = (await horizon.submitTransaction(first)) as unknown as { id: string };
      assert.equal(again.id, completedTxid);
      const original = (await horizon.transactions().transaction(again.id).call()) as unknown as { memo: string };
      assert.equal(original.memo, (first.memo.value as Buffer | string).toString());
      assert.equal((await horizon.loadAccount(f.app.address)).sequenceNumber(), sequenceBefore);

      const keypair = StellarSdk.Keypair.fromSecret(seed);
      // Another transaction (another fee; the payment and the clock are the same) with the spent sequence number.
      const reused = new StellarSdk.TransactionBuilder(new StellarSdk.Account(f.app.address, String(BigInt(first.sequence) - 1n)), {
        fee: '200',
        networkPassphrase: 'Pi Testnet',
        timebounds: await horizon.fetchTimebounds(180),
      })
        .addOperation(StellarSdk.Operation.payment({ destination: f.bob.address, asset: StellarSdk.Asset.native(), amount: '3.14' }))
        .addMemo(StellarSdk.Memo.text(String(first.memo.value)))
        .build();
      reused.sign(keypair);
      const refused = await rejection(horizon.submitTransaction(reused));
      assert.equal(refused.status, 400);
      assert.equal(refused.data.type, 'https://stellar.org/horizon-errors/transaction_failed');
      assert.equal(refused.data.extras.result_codes.transaction, 'tx_bad_seq');
      assert.equal((await horizon.loadAccount(f.app.address)).sequenceNumber(), sequenceBefore);

      // Still the first answer after the refusal.
      const replayed = (await horizon.submitTransaction(first)) as unknown as { id: string; envelope_xdr: string };
      assert.equal(replayed.id, completedTxid);
      assert.equal(replayed.envelope_xdr, first.toEnvelope().toXDR('base64'));
    });

    test('cancelPayment of another A2U payment (empty JSON body); errors surface as axios errors with the Pi body', async () => {
      const pi = client(`${f.server.baseUrl}/apps/${f.app.appkey}`);
      const id = await pi.createPayment({ amount: 1, memo: 'Never sent', metadata: {}, uid: f.bob.pairwiseUid });
      const cancelled = await pi.cancelPayment(id);
      assert.equal(cancelled.identifier, id);
      assert.equal(cancelled.status.cancelled, true);
      assert.equal(cancelled.status.developer_approved, true);
      assert.equal(cancelled.transaction, null);

      const missing = await rejection(pi.getPayment('A'.repeat(28)));
      assert.equal(missing.status, 404);
      assert.equal(missing.data.error, 'payment_not_found');
      const again = await rejection(pi.cancelPayment(id));
      assert.equal(again.status, 409);
      assert.equal(again.data.error, 'cancelled_payment');
      assert.equal(again.data.payment.identifier, id);
      // A cancelled payment cannot be submitted: pi-backend's own flow is refused by the gateway, nothing moves.
      const appBefore = await f.balance('app');
      const refused = await rejection(pi.submitPayment(id));
      assert.equal(refused.status, 400);
      assert.deepEqual(refused.data.extras.result_codes, { transaction: 'tx_failed', operations: ['op_payment_mismatch'] });
      assert.equal(refused.data.extras.verification_error, 'cancelled_payment');
      assert.equal(await f.balance('app'), appBefore);
    });
  });
}
