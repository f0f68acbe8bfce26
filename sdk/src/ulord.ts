// Ulord external API (`/v1/transactions/*`, `/v1/content/*`, spec/ulord.md §7): wallets (create, pay, balance) and
// paid content (publish, check, consume, lists) of one app, named by the `appkey` header. Developer-wallet calls
// also send the app secret (§3.1). Ulord answers most refusals with HTTP 200 and a non-zero `errcode`: this client
// throws `UlordApiError` for those too. Types are hand-written from the spec (§2.5, §7).
import { isRecord, PlazaHttpError } from './errors.js';
import { HttpCore, type ClientOptions, type RawResponse, type RequestOptions } from './transport.js';

/** Ulord: `{"errcode","reason","result"?}`; branch on `errcode` and, for 202xx, `walletReason`. */
export class UlordApiError extends PlazaHttpError {
  constructor(
    readonly errcode: number,
    readonly reason: string,
    /** `{"wallet_reason": …}` for 202xx (spec §4.3), else undefined. */
    readonly result: unknown,
    status: number,
    body: string,
    headers: Headers,
  ) {
    super(`${errcode} ${reason}`, status, body, headers);
    this.name = 'UlordApiError';
  }

  /** `result.wallet_reason` of a wallet refusal (`insufficient_balance`, `wrong_pay_password`, …), or null. */
  get walletReason(): UlordWalletReason | null {
    return isRecord(this.result) && typeof this.result.wallet_reason === 'string' ? this.result.wallet_reason : null;
  }
}

/** `wallet_reason` values (spec §4.3). */
export type UlordWalletReason =
  | 'user_not_found'
  | 'user_exists'
  | 'wrong_pay_password'
  | 'pay_password_locked'
  | 'insufficient_balance'
  | 'same_account'
  | 'ledger_refused'
  | 'wallet_unavailable'
  | (string & {});

export interface UlordClientOptions extends ClientOptions {
  /** The app's appkey, sent as the `appkey` header. */
  appkey: string;
  /** The app secret: only the developer-wallet calls (`payFromDeveloper`, `developerBalance`) send it. */
  secret?: string;
}

/**
 * A decimal ULD amount (§2.6): a string such as `"0.5"` keeps every digit; a JSON number is accepted too. At most
 * 8 decimals.
 */
export type UlordAmount = string | number;

/** Four decimal strings (§8.2); `total` = confirmed + unconfirmed + unmatured. */
export interface UlordBalance {
  confirmed: string;
  unconfirmed: string;
  unmatured: string;
  total: string;
}

export interface UlordPayInput {
  send_user: string;
  /** The sender's pay password. */
  pay_password: string;
  recv_user: string;
  /** > 0. */
  amount: UlordAmount;
}

export interface UlordPublishInput {
  /** A wallet user of the app. */
  author: string;
  title: string;
  /** Deduplicated, at most 32. */
  tag?: string[];
  ipfs_hash: string;
  /** Default 0; negative = an advertisement that pays its readers. */
  price?: UlordAmount;
  /** A file suffix such as `.txt`. */
  content_type: string;
  /** The author's pay password. */
  pay_password: string;
  description?: string;
}

export interface UlordPublished {
  /** 40 hex. */
  claim_id: string;
  id: number;
  /** The claim txid (64 hex). */
  txid: string;
}

export interface UlordConsumeInput {
  /** The reader. */
  username: string;
  claim_id: string;
  /** Needed only for paid content the reader has not bought yet (else errcode 20008). */
  customer_pay_password?: string;
  /** The author's: needed only for an advertisement this reader has not viewed yet. */
  author_pay_password?: string;
}

/** A resource (X11–X13). `price` is a JSON number written exactly; values beyond 2^53 minor units may round. */
export interface UlordContent {
  author: string;
  claim_id: string;
  content_type: string;
  create_timed: string;
  currency: string;
  des: string | null;
  id: number;
  price: number;
  status: number;
  tags: string[];
  title: string;
  update_timed: string | null;
  views: number;
}

/** A purchase or ad view (X7, X8); `id` repeats `claim_id`; `price` is negative for ads. */
export interface UlordConsumeRecord {
  author: string;
  claim_id: string;
  create_timed: string;
  customer: string;
  id: string;
  price: number;
  title: string;
  txid: string;
}

export interface UlordPage {
  pages: number;
  total: number;
}

export interface UlordInoutEntry {
  count: number;
  /** null when `count` is 0. */
  sum: number | null;
}

export interface UlordInout {
  customer_expenditure: UlordInoutEntry;
  customer_income: UlordInoutEntry;
  publisher_expenditure: UlordInoutEntry;
  publisher_income: UlordInoutEntry;
}

function ulordError(r: RawResponse): PlazaHttpError {
  const b = isRecord(r.json) ? r.json : {};
  return new UlordApiError(
    typeof b.errcode === 'number' ? b.errcode : r.status,
    typeof b.reason === 'string' ? b.reason : `HTTP ${r.status}`,
    b.result,
    r.status,
    r.text,
    r.headers,
  );
}

/** Ulord refuses with HTTP 200 and `errcode` ≠ 0 (§2.3). */
function isUlordError(r: RawResponse): boolean {
  return r.status < 200 || r.status >= 300 || !isRecord(r.json) || r.json.errcode !== 0;
}

/** A `<page>/<num>` pair (§8.6): 1-based page, 1–100 per page. */
function pagePath(page: number, num: number): string {
  if (!Number.isInteger(page) || page < 0 || !Number.isInteger(num) || num < 0) throw new TypeError('page and num must be non-negative integers');
  return `${page}/${num}/`;
}

export class UlordClient {
  private readonly http: HttpCore;
  private readonly appkey: string;
  private readonly secret: string | null;

  constructor(options: UlordClientOptions) {
    this.http = new HttpCore(options);
    this.appkey = options.appkey;
    this.secret = options.secret ?? null;
  }

  private async call<T>(method: 'GET' | 'POST', path: string, body: Record<string, unknown> | undefined, developer: boolean, options?: RequestOptions): Promise<T> {
    const headers: Record<string, string> = { appkey: this.appkey };
    if (developer) {
      if (this.secret === null) throw new TypeError('developer-wallet calls need options.secret');
      headers.secret = this.secret;
    }
    const r = await this.http.request(method, `/v1/${path}`, { body, headers, options }, ulordError, isUlordError);
    return (r.json as { result?: T }).result as T;
  }

  /** X1 `createwallet`: a wallet user of this app; resolves to its name. `20204 user_exists` when taken. */
  async createWallet(username: string, payPassword: string, options?: RequestOptions): Promise<{ id: string }> {
    return this.call('POST', 'transactions/createwallet/', { username, pay_password: payPassword }, false, options);
  }

  /** X2 `paytouser` between two wallet users of this app; atomic, never overdraws (`20206 insufficient_balance`). */
  payToUser(input: UlordPayInput, options?: RequestOptions): Promise<{ txid: string }> {
    return this.call('POST', 'transactions/paytouser/', { ...input }, false, options);
  }

  /** X2 `paytouser` with `is_developer: true`: from the app owner's developer wallet (sends the secret). */
  payFromDeveloper(recvUser: string, amount: UlordAmount, options?: RequestOptions): Promise<{ txid: string }> {
    return this.call('POST', 'transactions/paytouser/', { is_developer: true, recv_user: recvUser, amount }, true, options);
  }

  /** X3 `balance` of a wallet user (its pay password proves ownership). */
  balance(username: string, payPassword: string, options?: RequestOptions): Promise<UlordBalance> {
    return this.call('POST', 'transactions/balance/', { username, pay_password: payPassword }, false, options);
  }

  /** X3 `balance` with `is_developer: true`: the app owner's developer wallet (sends the secret). */
  developerBalance(options?: RequestOptions): Promise<UlordBalance> {
    return this.call('POST', 'transactions/balance/', { is_developer: true }, true, options);
  }

  /** X4 `publish`: a resource by `author` (pays the publish fee, if configured). */
  publish(input: UlordPublishInput, options?: RequestOptions): Promise<UlordPublished> {
    return this.call('POST', 'transactions/publish/', { ...input }, false, options);
  }

  /**
   * X5 `check`: per claim id, the ipfs hash when `username` may read it, `false` when it must pay (or view the ad)
   * first, `null` when this app has no such enabled content.
   */
  check(username: string, claimIds: readonly string[], options?: RequestOptions): Promise<Record<string, string | false | null>> {
    return this.call('POST', 'transactions/check/', { username, claim_ids: [...claimIds] }, false, options);
  }

  /** X6 `consume`: pays once if needed (reader → author, or author → reader for ads) and returns the ipfs hash. */
  consume(input: UlordConsumeInput, options?: RequestOptions): Promise<{ ipfs_hash: string }> {
    return this.call('POST', 'transactions/consume/', { ...input }, false, options);
  }

  /** X7: consume records on `author`'s resources (sales and ad payouts), oldest first. */
  publisherAccount(author: string, page = 1, num = 20, options?: RequestOptions): Promise<UlordPage & { records: UlordConsumeRecord[] }> {
    return this.call('POST', `transactions/publisher/account/${pagePath(page, num)}`, { author }, false, options);
  }

  /** X8: consume records of `customer` (purchases and ad rewards), oldest first. */
  customerAccount(customer: string, page = 1, num = 20, options?: RequestOptions): Promise<UlordPage & { records: UlordConsumeRecord[] }> {
    return this.call('POST', `transactions/customer/account/${pagePath(page, num)}`, { customer }, false, options);
  }

  /** X9 `publish/inout`: counts and sums of `username`'s records as publisher and customer. */
  inout(username: string, options?: RequestOptions): Promise<UlordInout> {
    return this.call('POST', 'transactions/publish/inout/', { username }, false, options);
  }

  /** X10 `publish/count`: resources by `author`, enabled or not. */
  async publishCount(author: string, options?: RequestOptions): Promise<number> {
    return (await this.call<{ count: number }>('POST', 'transactions/publish/count/', { author }, false, options)).count;
  }

  /** X11 `content/list`: this app's enabled resources, ascending id. */
  listContent(page = 1, num = 20, options?: RequestOptions): Promise<UlordPage & { data: UlordContent[] }> {
    return this.call('GET', `content/list/${pagePath(page, num)}`, undefined, false, options);
  }

  /** X12 `content/consume/list`: what `customer` bought (`consumes`) or viewed as ads (`ads`). */
  consumedContent(customer: string, page = 1, num = 20, options?: RequestOptions): Promise<UlordPage & { consumes: UlordContent[]; ads: UlordContent[] }> {
    return this.call('POST', `content/consume/list/${pagePath(page, num)}`, { customer }, false, options);
  }

  /** X13 `content/publish/list`: `author`'s resources, disabled ones included. */
  publishedContent(author: string, page = 1, num = 20, options?: RequestOptions): Promise<UlordPage & { data: UlordContent[] }> {
    return this.call('POST', `content/publish/list/${pagePath(page, num)}`, { author }, false, options);
  }
}
