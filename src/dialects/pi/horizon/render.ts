// Horizon's wire format for the ledger gateway (spec/pi.md §3.18, §5.5, §5.6): JSON resources in Horizon's key
// order, errors as `application/problem+json` `{type, title, status, detail, extras?}`, amounts and balances as
// strings with exactly 7 decimals, times as `YYYY-MM-DDTHH:mm:ssZ`, CORS `*` on every answer (§2.3).
import type { WireResponse } from '../../../http/idempotency.js';
import { formatFixed } from '../../../core/money.js';
import type { GatewayAccount, GatewayOperationCode, GatewayTransaction, GatewayTransactionCode } from '../../../modules/gateway/service.js';
import type { VerificationError } from '../../../modules/payments/index.js';
import { CORS_HEADERS, PREFLIGHT_HEADERS } from '../render.js';

const JSON_TYPE = 'application/json; charset=utf-8';
const PROBLEM_TYPE = 'application/problem+json; charset=utf-8';
/** Stellar amounts: int64 units of 10⁻⁷, the payment asset's precision. */
const STELLAR_PRECISION = 7;

/** Every problem kind the gateway answers, once, with its status, title and default detail. */
export const HORIZON_PROBLEMS = {
  not_found: {
    status: 404,
    title: 'Resource Missing',
    detail:
      'The resource at the url requested was not found.  This usually occurs for one of two reasons:  The url requested is not valid, or no data in our database could be found with the parameters provided.',
  },
  bad_request: { status: 400, title: 'Bad Request', detail: 'The request you sent was invalid in some way.' },
  transaction_malformed: {
    status: 400,
    title: 'Transaction Malformed',
    detail:
      'Horizon could not decode the transaction envelope in this request. A transaction should be an XDR TransactionEnvelope struct encoded using base64, sent as the form field `tx`.  The envelope read from this request is echoed in the `extras.envelope_xdr` field of this response for your convenience.',
  },
  transaction_failed: {
    status: 400,
    title: 'Transaction Failed',
    detail:
      'The transaction failed when submitted to the ledger. The `extras.result_codes` field on this response contains further details; nothing was changed and the sequence number was not consumed.',
  },
  method_not_allowed: { status: 405, title: 'Method Not Allowed', detail: 'This resource does not support the request method.' },
  idempotency_key_reused: {
    status: 409,
    title: 'Idempotency Key Reused',
    detail: 'This Idempotency-Key was already used with a different transaction by this source account.',
  },
  payload_too_large: { status: 413, title: 'Payload Too Large', detail: 'The request body is larger than 64 KiB; one transaction envelope is far smaller.' },
  rate_limit_exceeded: { status: 429, title: 'Rate Limit Exceeded', detail: 'Too many requests from this address; retry after the number of seconds in Retry-After.' },
  server_error: {
    status: 500,
    title: 'Internal Server Error',
    detail: 'An error occurred while processing this request. Nothing was changed; the request may be retried.',
  },
} as const;

export type HorizonProblemKind = keyof typeof HORIZON_PROBLEMS;

export function problem(
  kind: HorizonProblemKind,
  options: { detail?: string; extras?: Record<string, unknown>; headers?: Record<string, string> } = {},
): WireResponse {
  const p = HORIZON_PROBLEMS[kind];
  const body: Record<string, unknown> = { type: `https://stellar.org/horizon-errors/${kind}`, title: p.title, status: p.status, detail: options.detail ?? p.detail };
  if (options.extras !== undefined) body.extras = options.extras;
  return { statusCode: p.status, headers: { 'content-type': PROBLEM_TYPE, ...CORS_HEADERS, ...options.headers }, body: JSON.stringify(body) };
}

/** The 400 `transaction_failed` answer (§3.18): result codes, and the verification error of `op_payment_mismatch`. */
export function transactionFailed(
  envelopeXdr: string,
  code: GatewayTransactionCode,
  operation: GatewayOperationCode | null = null,
  verificationError: VerificationError | null = null,
): WireResponse {
  const resultCodes: Record<string, unknown> = { transaction: code };
  if (operation !== null) resultCodes.operations = [operation];
  const extras: Record<string, unknown> = { envelope_xdr: envelopeXdr, result_codes: resultCodes };
  if (verificationError !== null) extras.verification_error = verificationError;
  return problem('transaction_failed', { extras });
}

export function ok(body: string): WireResponse {
  return { statusCode: 200, headers: { 'content-type': JSON_TYPE, ...CORS_HEADERS }, body };
}

export function preflight(): WireResponse {
  return { statusCode: 204, headers: { ...PREFLIGHT_HEADERS, 'content-type': 'text/plain; charset=utf-8' }, body: '' };
}

/** `2026-03-01T09:15:27Z`: Horizon's form, whole seconds. */
export function horizonTime(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19)}Z`;
}

export function stellarAmount(minor: bigint): string {
  return formatFixed(minor, STELLAR_PRECISION);
}

export function rootResource(input: { version: string; networkPassphrase: string; latestLedger: number }): string {
  return JSON.stringify({ horizon_version: `plaza-${input.version}`, network_passphrase: input.networkPassphrase, history_latest_ledger: input.latestLedger });
}

export function feeStatsResource(latestLedger: number): string {
  return JSON.stringify({ last_ledger: String(latestLedger), last_ledger_base_fee: '100' });
}

export function accountResource(a: GatewayAccount): string {
  return JSON.stringify({
    id: a.address,
    account_id: a.address,
    sequence: a.sequence.toString(),
    subentry_count: 0,
    balances: a.balance === null ? [] : [{ balance: stellarAmount(a.balance), asset_type: 'native' }],
    signers: [{ key: a.address, weight: 1, type: 'ed25519_public_key' }],
    thresholds: { low_threshold: 0, med_threshold: 0, high_threshold: 0 },
    flags: { auth_required: false, auth_revocable: false, auth_immutable: false },
    data_attr: {},
    last_modified_ledger: a.latestLedger,
  });
}

function transactionHref(base: string, txid: string): string {
  return `${base}/horizon/transactions/${txid}`;
}

function transactionObject(tx: GatewayTransaction, base: string): Record<string, unknown> {
  const self = transactionHref(base, tx.txid);
  return {
    id: tx.txid,
    hash: tx.txid,
    successful: true,
    ledger: tx.ledger,
    created_at: horizonTime(tx.createdAt),
    source_account: tx.source,
    memo_type: 'text',
    memo: tx.memo,
    fee_charged: '0',
    operation_count: 1,
    _links: { self: { href: self }, operations: { href: `${self}/operations` } },
  };
}

/** `GET /horizon/transactions/{txid}`; `base` is the public base URL (§5.8). */
export function transactionResource(tx: GatewayTransaction, base: string): string {
  return JSON.stringify(transactionObject(tx, base));
}

/** The 200 of `POST /horizon/transactions`: the transaction resource plus the envelope as submitted. */
export function submittedResource(tx: GatewayTransaction, base: string, envelopeXdr: string): string {
  return JSON.stringify({ ...transactionObject(tx, base), envelope_xdr: envelopeXdr });
}

export function operationsResource(tx: GatewayTransaction): string {
  return JSON.stringify({
    _embedded: {
      records: [
        {
          id: `${tx.txid}-1`,
          type: 'payment',
          type_i: 1,
          transaction_hash: tx.txid,
          transaction_successful: true,
          source_account: tx.source,
          from: tx.source,
          to: tx.destination,
          asset_type: 'native',
          amount: stellarAmount(tx.amount),
          created_at: horizonTime(tx.createdAt),
        },
      ],
    },
  });
}
