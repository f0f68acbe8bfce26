// Pi Platform server API (`/v2`, spec/pi.md §3), authenticated with the app's Server API Key (`Authorization: Key
// <secret>`): A2U create, get, approve, complete, cancel, incomplete server payments, and Plaza's A2U transaction
// route. Types are hand-written from the spec (§3.6) — the dialect's OpenAPI document is not yet the source.
import { isRecord, PiApiError, type PlazaHttpError } from './errors.js';
import { HttpCore, type ClientOptions, type RawResponse, type RequestOptions } from './transport.js';

/** `error` codes of the Pi catalogue (spec/pi.md §3.2). */
export type PiErrorCode =
  | 'unauthorized'
  | 'missing_scope'
  | 'forbidden'
  | 'feature_not_available'
  | 'not_found'
  | 'payment_not_found'
  | 'user_not_found'
  | 'method_not_allowed'
  | 'invalid_arguments'
  | 'invalid_amount'
  | 'invalid_metadata'
  | 'missing_txid'
  | 'verification_failed'
  | 'ongoing_payment_found'
  | 'already_completed'
  | 'cancelled_payment'
  | 'payment_tx_present'
  | 'txid_mismatch'
  | 'idempotency_key_reused'
  | 'insufficient_balance'
  | 'payload_too_large'
  | 'too_many_requests'
  | 'unknown_error'
  | (string & {});

export interface PaymentDTO {
  /** 28 characters [0-9A-Za-z]. */
  identifier: string;
  /** The user's pairwise uid for this app. */
  user_uid: string;
  /** Exact decimal with at most 7 fractional digits (a JSON number). */
  amount: number;
  memo: string;
  metadata: Record<string, unknown>;
  from_address: string;
  to_address: string;
  direction: 'user_to_app' | 'app_to_user';
  created_at: string;
  network: string;
  status: {
    developer_approved: boolean;
    transaction_verified: boolean;
    developer_completed: boolean;
    cancelled: boolean;
    user_cancelled: boolean;
  };
  transaction: null | { txid: string; verified: boolean; _link: string };
}

export interface CreateA2UPaymentInput {
  /** A number, or a decimal string to keep every digit exact (> 0, at most 7 decimals). */
  amount: number | string;
  memo: string;
  metadata: Record<string, unknown>;
  /** The recipient's pairwise uid (from `/v2/me` or your records). */
  uid: string;
}

export interface PiServerClientOptions extends ClientOptions {
  /** The app's Server API Key (its secret). */
  apiKey: string;
  /** Optional: name the app by mount prefix `/apps/<appkey>` (must be the key's app). */
  appkey?: string;
}

function piError(r: RawResponse): PlazaHttpError {
  const b = isRecord(r.json) ? r.json : {};
  return new PiApiError(
    typeof b.error === 'string' ? b.error : 'unknown_error',
    typeof b.error_message === 'string' ? b.error_message : `HTTP ${r.status}`,
    b.payment ?? null,
    typeof b.verification_error === 'string' ? b.verification_error : null,
    r.status,
    r.text,
    r.headers,
  );
}

export class PiServerClient {
  private readonly http: HttpCore;
  private readonly auth: string;
  private readonly prefix: string;

  constructor(options: PiServerClientOptions) {
    this.http = new HttpCore(options);
    this.auth = `Key ${options.apiKey}`;
    this.prefix = options.appkey ? `/apps/${encodeURIComponent(options.appkey)}` : '';
  }

  private async send<T>(method: 'GET' | 'POST', path: string, body: unknown, options?: RequestOptions): Promise<T> {
    const r = await this.http.request(method, `${this.prefix}/v2${path}`, { body, headers: { authorization: this.auth }, options }, piError);
    return r.json as T;
  }

  private static id(paymentId: string): string {
    return encodeURIComponent(paymentId);
  }

  /** `POST /v2/payments`: an app-to-user payment, created approved. */
  createA2UPayment(input: CreateA2UPaymentInput, options?: RequestOptions): Promise<PaymentDTO> {
    // A decimal string travels as a string: Plaza accepts both and a string keeps every digit.
    return this.send('POST', '/payments', { payment: input }, options);
  }

  /** `GET /v2/payments/{id}`. */
  getPayment(paymentId: string, options?: RequestOptions): Promise<PaymentDTO> {
    return this.send('GET', `/payments/${PiServerClient.id(paymentId)}`, undefined, options);
  }

  /** `POST /v2/payments/{id}/approve` (a user-to-app payment; idempotent by state). */
  approvePayment(paymentId: string, options?: RequestOptions): Promise<PaymentDTO> {
    return this.send('POST', `/payments/${PiServerClient.id(paymentId)}/approve`, {}, options);
  }

  /** `POST /v2/payments/{id}/complete` with the linked transaction's txid. */
  completePayment(paymentId: string, txid: string, options?: RequestOptions): Promise<PaymentDTO> {
    return this.send('POST', `/payments/${PiServerClient.id(paymentId)}/complete`, { txid }, options);
  }

  /** `POST /v2/payments/{id}/cancel` (developer cancel). */
  cancelPayment(paymentId: string, options?: RequestOptions): Promise<PaymentDTO> {
    return this.send('POST', `/payments/${PiServerClient.id(paymentId)}/cancel`, {}, options);
  }

  /** `GET /v2/payments/incomplete_server_payments`: A2U payments approved without a transaction or not completed. */
  async incompleteServerPayments(options?: RequestOptions): Promise<PaymentDTO[]> {
    const r = await this.send<{ incomplete_server_payments: PaymentDTO[] }>('GET', '/payments/incomplete_server_payments', undefined, options);
    return r.incomplete_server_payments;
  }

  /**
   * `POST /v2/payments/{id}/transaction` (Plaza route): pays an A2U payment from the app wallet on Plaza's ledger
   * and links the transaction; then `completePayment` with `payment.transaction.txid`.
   */
  submitA2UTransaction(paymentId: string, options?: RequestOptions): Promise<PaymentDTO> {
    return this.send('POST', `/payments/${PiServerClient.id(paymentId)}/transaction`, {}, options);
  }
}
