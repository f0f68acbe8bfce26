// Decoding and signature checking of the Stellar envelopes `POST /horizon/transactions` receives (spec/pi.md §3.18
// steps 1, 3 and 5). Wire format only: the envelope is reduced to the one payment it may carry (a GatewaySubmission)
// plus what the signature check needs; the lookups and the effect are the gateway module's.
//
// The transaction is identified by its XDR in the ENVELOPE_TYPE_TX form, signatures aside: a legacy v0 envelope is
// read as the v1 transaction it stands for (as Stellar itself hashes it), so both forms of one transaction share
// one replay key and one signature payload.
import { Keypair, StrKey, hash, xdr } from '@stellar/stellar-base';
import type { GatewaySubmission } from '../../../modules/gateway/service.js';

export interface DecodedEnvelope {
  /** The envelope as received (base64), echoed in `envelope_xdr`. */
  envelopeXdr: string;
  /** The transaction XDR (ENVELOPE_TYPE_TX form) the signatures cover. */
  transactionXdr: Buffer;
  submission: GatewaySubmission;
  signatures: readonly xdr.DecoratedSignature[];
}

export type DecodeResult =
  /** Step 1: not base64 XDR of a TransactionEnvelope. */
  | { kind: 'undecodable' }
  /** Step 3: a valid envelope outside the supported subset (`tx_malformed`); `reason` is for the `detail` text. */
  | { kind: 'unsupported'; envelopeXdr: string; reason: string }
  | { kind: 'ok'; envelope: DecodedEnvelope };

/** XDR caps a DecoratedSignature list at 20; anything longer fails decoding already. */
const MAX_SIGNATURES = 20;
/** A transaction with one payment is a few hundred bytes; 64 KiB of base64 cannot be one. */
const MAX_ENVELOPE_CHARS = 64 * 1024;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

class Unsupported extends Error {}

function unsupported(reason: string): never {
  throw new Unsupported(reason);
}

/** An account that is a plain Ed25519 key (muxed `M…` accounts are outside the subset). */
function plainKey(account: xdr.MuxedAccount, what: string): Buffer {
  if (account.switch().name !== 'keyTypeEd25519') unsupported(`the ${what} is a muxed (M…) account`);
  return account.ed25519();
}

/** The legacy v0 transaction as the v1 transaction Stellar hashes it as. */
function fromV0(tx: xdr.TransactionV0): xdr.Transaction {
  const timeBounds = tx.timeBounds();
  return new xdr.Transaction({
    sourceAccount: xdr.MuxedAccount.keyTypeEd25519(tx.sourceAccountEd25519()),
    fee: tx.fee(),
    seqNum: tx.seqNum(),
    cond: timeBounds ? xdr.Preconditions.precondTime(timeBounds) : xdr.Preconditions.precondNone(),
    memo: tx.memo(),
    operations: tx.operations(),
    ext: new xdr.TransactionExt(0),
  });
}

function unpack(envelope: xdr.TransactionEnvelope): { tx: xdr.Transaction; signatures: xdr.DecoratedSignature[] } {
  switch (envelope.switch().name) {
    case 'envelopeTypeTx':
      return { tx: envelope.v1().tx(), signatures: envelope.v1().signatures() };
    case 'envelopeTypeTxV0':
      return { tx: fromV0(envelope.v0().tx()), signatures: envelope.v0().signatures() };
    default:
      return unsupported('fee-bump envelopes are not supported');
  }
}

/** Time bounds in Unix seconds (maxTime 0 = none); preconditions other than time bounds are outside the subset. */
function timeBounds(cond: xdr.Preconditions): { minTime: bigint; maxTime: bigint } {
  const name = cond.switch().name;
  if (name === 'precondNone') return { minTime: 0n, maxTime: 0n };
  // Absent optional XDR fields read back as undefined or null depending on how the value was made: test with `!= null`.
  let bounds: xdr.TimeBounds | null | undefined;
  if (name === 'precondTime') {
    bounds = cond.timeBounds();
  } else {
    const v2 = cond.v2();
    const extra =
      v2.ledgerBounds() != null || v2.minSeqNum() != null || v2.minSeqAge().toString() !== '0' || v2.minSeqLedgerGap() !== 0 || v2.extraSigners().length > 0;
    if (extra) unsupported('preconditions other than time bounds are not supported');
    bounds = v2.timeBounds();
  }
  return bounds != null ? { minTime: BigInt(bounds.minTime().toString()), maxTime: BigInt(bounds.maxTime().toString()) } : { minTime: 0n, maxTime: 0n };
}

function memoText(memo: xdr.Memo): string {
  if (memo.switch().name !== 'memoText') unsupported('the memo must be of type text');
  const value = memo.text();
  return Buffer.isBuffer(value) ? value.toString('utf8') : String(value);
}

function submissionOf(tx: xdr.Transaction, transactionXdr: Buffer): GatewaySubmission {
  const source = plainKey(tx.sourceAccount(), 'transaction source');
  if (tx.ext().switch() !== 0) unsupported('Soroban transaction data is not supported');
  const { minTime, maxTime } = timeBounds(tx.cond());
  const memo = memoText(tx.memo());
  const operations = tx.operations();
  if (operations.length !== 1) unsupported(`exactly one operation is supported, got ${operations.length}`);
  const op = operations[0]!;
  const opSource = op.sourceAccount();
  if (opSource != null && !plainKey(opSource, 'operation source').equals(source)) {
    unsupported('the operation source differs from the transaction source');
  }
  if (op.body().switch().name !== 'payment') unsupported(`only payment operations are supported, got ${op.body().switch().name}`);
  const payment = op.body().paymentOp();
  const destination = plainKey(payment.destination(), 'destination');
  if (payment.asset().switch().name !== 'assetTypeNative') unsupported('only the native asset is supported');
  const amount = BigInt(payment.amount().toString());
  if (amount <= 0n) unsupported('the amount must be positive');
  return {
    transactionHash: hash(transactionXdr).toString('hex'),
    source: StrKey.encodeEd25519PublicKey(source),
    sequence: BigInt(tx.seqNum().toString()),
    minTime,
    maxTime,
    memo,
    destination: StrKey.encodeEd25519PublicKey(destination),
    amount,
  };
}

/** Steps 1 and 3: the envelope's one payment, or why it cannot be read. */
export function decodeEnvelope(text: string): DecodeResult {
  const envelopeXdr = text.trim();
  if (envelopeXdr === '' || envelopeXdr.length > MAX_ENVELOPE_CHARS || !BASE64.test(envelopeXdr)) return { kind: 'undecodable' };
  let envelope: xdr.TransactionEnvelope;
  try {
    envelope = xdr.TransactionEnvelope.fromXDR(envelopeXdr, 'base64');
  } catch {
    return { kind: 'undecodable' };
  }
  try {
    const { tx, signatures } = unpack(envelope);
    const transactionXdr = tx.toXDR();
    return { kind: 'ok', envelope: { envelopeXdr, transactionXdr, submission: submissionOf(tx, transactionXdr), signatures } };
  } catch (err) {
    if (err instanceof Unsupported) return { kind: 'unsupported', envelopeXdr, reason: err.message };
    // A union arm the XDR allows but this reader does not know (a future envelope or operation type).
    return { kind: 'unsupported', envelopeXdr, reason: 'this transaction is outside the supported subset' };
  }
}

/** The Stellar transaction hash: SHA-256(SHA-256(passphrase) ‖ ENVELOPE_TYPE_TX ‖ transaction XDR). */
export function transactionSignatureHash(transactionXdr: Buffer, passphrase: string): Buffer {
  const networkId = hash(Buffer.from(passphrase, 'utf8'));
  // The tag of the TransactionSignaturePayload union: an XDR enum is a 4-byte big-endian int.
  const tag = Buffer.alloc(4);
  tag.writeInt32BE(xdr.EnvelopeType.envelopeTypeTx().value);
  return hash(Buffer.concat([networkId, tag, transactionXdr]));
}

/**
 * Step 5: some signature is a valid Ed25519 signature by `publicKey` over the transaction hash under `passphrase`.
 * As in Stellar, a signature counts only when its hint is the key's last four bytes.
 */
export function signedBy(envelope: DecodedEnvelope, publicKey: Buffer, passphrase: string): boolean {
  const signed = transactionSignatureHash(envelope.transactionXdr, passphrase);
  const signer = Keypair.fromPublicKey(StrKey.encodeEd25519PublicKey(publicKey));
  const hint = publicKey.subarray(publicKey.length - 4);
  return envelope.signatures.slice(0, MAX_SIGNATURES).some((s) => s.hint().equals(hint) && signer.verify(signed, s.signature()));
}
