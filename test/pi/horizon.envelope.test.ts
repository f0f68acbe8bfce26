// The gateway's envelope reader (dialects/pi/horizon/envelope.ts) against the reference implementation: the
// submission it extracts, the Stellar transaction hash it signs over (equal to stellar-base's `Transaction.hash()`),
// and the signature check under the right and the wrong passphrase. Pure: no store.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, test } from 'node:test';
import { Account, Asset, Keypair, Memo, Operation, TransactionBuilder, xdr } from '@stellar/stellar-base';
import { decodeEnvelope, signedBy, transactionSignatureHash, type DecodedEnvelope } from '../../src/dialects/pi/horizon/envelope.js';

const source = Keypair.random();
const destination = Keypair.random().publicKey();

function built(options: { passphrase?: string; amount?: string; timebounds?: { minTime: number; maxTime: number } } = {}) {
  const builder = new TransactionBuilder(new Account(source.publicKey(), '41'), {
    fee: '100',
    networkPassphrase: options.passphrase ?? 'Pi Testnet',
    ...(options.timebounds ? { timebounds: options.timebounds } : {}),
  })
    .addOperation(Operation.payment({ destination, asset: Asset.native(), amount: options.amount ?? '3.14' }))
    .addMemo(Memo.text('bpT4r5yHUig43kiJfahqSIjOugM1'));
  if (!options.timebounds) builder.setTimeout(0);
  const tx = builder.build();
  tx.sign(source);
  return tx;
}

function decoded(text: string): DecodedEnvelope {
  const r = decodeEnvelope(text);
  assert.equal(r.kind, 'ok', r.kind === 'unsupported' ? r.reason : r.kind);
  return (r as { envelope: DecodedEnvelope }).envelope;
}

describe('horizon envelope reader', () => {
  test('extracts the one payment exactly (amount in 10⁻⁷ units, sequence, memo, time bounds)', () => {
    const tx = built({ amount: '99999999.9999999', timebounds: { minTime: 5, maxTime: 1772443327 } });
    const e = decoded(tx.toEnvelope().toXDR('base64'));
    assert.deepEqual(e.submission, {
      transactionHash: createHash('sha256').update(tx.toEnvelope().v1().tx().toXDR()).digest('hex'),
      source: source.publicKey(),
      sequence: 42n,
      minTime: 5n,
      maxTime: 1772443327n,
      memo: 'bpT4r5yHUig43kiJfahqSIjOugM1',
      destination,
      amount: 999_999_999_999_999n,
    });
    assert.equal(decoded(built().toEnvelope().toXDR('base64')).submission.maxTime, 0n);
  });

  test('the signature hash is Stellar\'s transaction hash for that passphrase', () => {
    for (const passphrase of ['Pi Testnet', 'Pi Network', 'Test SDF Network ; September 2015', 'ünïcode']) {
      const tx = built({ passphrase });
      const e = decoded(tx.toEnvelope().toXDR('base64'));
      assert.deepEqual(transactionSignatureHash(e.transactionXdr, passphrase), tx.hash());
      assert.equal(signedBy(e, source.rawPublicKey(), passphrase), true);
      assert.equal(signedBy(e, source.rawPublicKey(), `${passphrase} `), false);
      assert.equal(signedBy(e, Keypair.random().rawPublicKey(), passphrase), false);
    }
  });

  test('a signature over another transaction or by another key does not count; neither does a wrong hint', () => {
    const tx = built();
    const other = built({ amount: '3.15' });
    const env = tx.toEnvelope();
    env.v1().signatures(other.signatures);
    assert.equal(signedBy(decoded(env.toXDR('base64')), source.rawPublicKey(), 'Pi Testnet'), false);
    const sig = tx.signatures[0]!;
    env.v1().signatures([new xdr.DecoratedSignature({ hint: Buffer.from('abcd'), signature: sig.signature() })]);
    assert.equal(signedBy(decoded(env.toXDR('base64')), source.rawPublicKey(), 'Pi Testnet'), false);
    env.v1().signatures([]);
    assert.equal(signedBy(decoded(env.toXDR('base64')), source.rawPublicKey(), 'Pi Testnet'), false);
  });

  test('undecodable text and unsupported envelopes are told apart', () => {
    for (const text of ['', '   ', '%%%', 'AAAA', 'AAAAAgAAAAA=', Buffer.alloc(300, 7).toString('base64')]) {
      assert.equal(decodeEnvelope(text).kind, 'undecodable', text);
    }
    // Trailing bytes after a valid envelope make it undecodable too.
    const withTrailer = Buffer.concat([built().toEnvelope().toXDR(), Buffer.alloc(4)]).toString('base64');
    assert.equal(decodeEnvelope(withTrailer).kind, 'undecodable');
    const tx = built().toEnvelope();
    tx.v1().tx().memo(xdr.Memo.memoNone());
    const r = decodeEnvelope(tx.toXDR('base64'));
    assert.equal(r.kind, 'unsupported');
    assert.match((r as { reason: string }).reason, /memo/);
  });
});
