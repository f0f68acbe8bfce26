// Step 5 of §3.3 for the payment routes: the body's fields, checked in the order of spec/pi.md §3.8 (`payment`
// wrapper, amount, memo, metadata, uid), each refusal the catalogue's 400. Runs before the Idempotency-Key checks and
// outside any transaction, so its answers are never stored under a key.
import { JsonNumber, type JsonObject } from '../../http/body.js';
import { parsePiAmount } from './amounts.js';
import { PiRefusal } from './errors.js';
import { memberJson } from './rawJson.js';

/** §3.8: memo of 0–1000 Unicode code points (Plaza decision). */
export const MAX_MEMO_CODE_POINTS = 1000;
/** §3.8: metadata of at most 8192 bytes serialised (UTF-8 of the minified JSON text). */
export const MAX_METADATA_BYTES = 8192;

export interface PaymentFields {
  amount: bigint;
  memo: string;
  /** The metadata object's JSON text exactly as received, minified (rawJson.ts). */
  metadataJson: string;
}

export interface AppToUserFields extends PaymentFields {
  uid: string;
}

function refuse(code: 'invalid_arguments' | 'invalid_amount' | 'invalid_metadata' | 'missing_txid', message: string): never {
  throw new PiRefusal(code, { message });
}

function isPlainObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof JsonNumber);
}

/**
 * A memo both stores keep exactly: no U+0000 (PostgreSQL text cannot hold it) and no lone surrogate (it would be
 * stored as U+FFFD, so the memo read back would differ from the one given).
 */
function memoOk(memo: string): boolean {
  if (memo.includes('\u0000') || /\p{Cs}/u.test(memo)) return false;
  let codePoints = 0;
  for (const _ of memo) if (++codePoints > MAX_MEMO_CODE_POINTS) return false;
  return true;
}

/** The parsed value's JSON text with numbers as written, in the parsed key order (when the raw cut is unavailable). */
function losslessText(value: unknown): string {
  if (value instanceof JsonNumber) return value.text;
  if (Array.isArray(value)) return `[${value.map(losslessText).join(',')}]`;
  if (isPlainObject(value)) return `{${Object.entries(value).map(([k, v]) => `${JSON.stringify(k)}:${losslessText(v)}`).join(',')}}`;
  return JSON.stringify(value);
}

/** amount, memo, metadata of the object at `path` in the body (`[]`: the body itself; `['payment']`: A2U). */
function paymentFields(fields: JsonObject, raw: string, path: readonly string[]): PaymentFields {
  const amount = parsePiAmount(fields.amount);
  if (amount === null) refuse('invalid_amount', 'Invalid amount: a number (or decimal string) above 0, at most 7 decimals and at most 99999999.9999999 is required.');
  const memo = fields.memo;
  if (typeof memo !== 'string') refuse('invalid_arguments', 'Invalid arguments: "memo" must be a string.');
  if (!memoOk(memo)) refuse('invalid_arguments', `Invalid arguments: "memo" must be at most ${MAX_MEMO_CODE_POINTS} characters of valid text.`);
  const metadata = fields.metadata;
  if (!isPlainObject(metadata)) refuse('invalid_metadata', 'Invalid metadata: "metadata" must be a JSON object.');
  const metadataJson = memberJson(raw, [...path, 'metadata']) ?? losslessText(metadata);
  if (Buffer.byteLength(metadataJson, 'utf8') > MAX_METADATA_BYTES) {
    refuse('invalid_metadata', `Invalid metadata: at most ${MAX_METADATA_BYTES} bytes of JSON are accepted.`);
  }
  return { amount, memo, metadataJson };
}

/** `POST /v2/payments` (§3.8): `{"payment": {amount, memo, metadata, uid}}`. */
export function parseAppToUser(body: JsonObject, raw: string): AppToUserFields {
  const payment = body.payment;
  if (!isPlainObject(payment)) refuse('invalid_arguments', 'Invalid arguments: the body must be {"payment": {"amount", "memo", "metadata", "uid"}}.');
  const fields = paymentFields(payment, raw, ['payment']);
  const uid = payment.uid;
  if (typeof uid !== 'string' || uid === '') refuse('invalid_arguments', 'Invalid arguments: "uid" must be the recipient\'s uid (a string).');
  return { ...fields, uid };
}

/** `POST /v2/payments/user_to_app` (§3.14): `{amount, memo, metadata}`; a `uid` is ignored (the payer is the token's user). */
export function parseUserToApp(body: JsonObject, raw: string): PaymentFields {
  return paymentFields(body, raw, []);
}

/** `POST /v2/payments/{id}/complete` (§3.12): a non-empty string `txid`, surrounding whitespace trimmed. */
export function parseComplete(body: JsonObject): { txid: string } {
  const txid = typeof body.txid === 'string' ? body.txid.trim() : '';
  if (txid === '') refuse('missing_txid', 'Missing txid: send {"txid": "<the transaction id>"}.');
  return { txid };
}
