// YOYOW middleware V2 (`/api/v2/...`, spec/yoyow.md §4): chain reads (accounts, histories, consents, assets,
// blocks, posts, advertising) and the secure writes (transfer, posts, scores, rewards, licences, advertising).
// Secure writes are AES-256-CBC with an OpenSSL EVP_BytesToKey (MD5) key — WebCrypto has no MD5 — so the caller
// injects `encrypt` (see `YoyowEncrypt`). YOYOW refuses with HTTP 200 and `code` ≠ 0: this client throws
// `YoyowApiError` for those too. Types are hand-written from the spec (§3.2, §4).
import { isRecord, PlazaHttpError } from './errors.js';
import { HttpCore, queryString, type ClientOptions, type RawResponse, type RequestOptions } from './transport.js';

/**
 * YOYOW: `{"code","data","message"}` (secure-transport refusals 1003/1004/1005 carry no `data`: null here). `message`
 * is the dialect's exact text (e.g. `零钱不足`, `already scored`); branch on `code`, then `message` for code 2000.
 */
export class YoyowApiError extends PlazaHttpError {
  constructor(
    readonly code: number,
    message: string,
    readonly data: unknown,
    status: number,
    body: string,
    headers: Headers,
  ) {
    super(message, status, body, headers);
    this.name = 'YoyowApiError';
  }
}

/** The cipher triple of a secure request (§2.4): hex ciphertext, IV and salt. */
export interface YoyowCipher {
  ct: string;
  iv: string;
  s: string;
}

/**
 * Encrypts one secure payload (the JSON text this client builds, `time` included) with the app secret, in the
 * app's `security_level` (§2.4). `simple` (the default): crypto-js `AES.encrypt(payloadJson, secret)` — AES-256-CBC,
 * PKCS#7, key and IV from OpenSSL `EVP_BytesToKey(MD5, 1 round)` over the secret **as text** and a random 8-byte
 * salt. On Node:
 *
 * ```ts
 * import { createCipheriv, createHash, randomBytes } from 'node:crypto';
 * const encrypt = (text: string) => {
 *   const pass = Buffer.from(secret, 'utf8'), salt = randomBytes(8);
 *   let d = Buffer.alloc(0), prev = Buffer.alloc(0);
 *   while (d.length < 48) { prev = createHash('md5').update(Buffer.concat([prev, pass, salt])).digest(); d = Buffer.concat([d, prev]); }
 *   const c = createCipheriv('aes-256-cbc', d.subarray(0, 32), d.subarray(32, 48));
 *   return { ct: Buffer.concat([c.update(text, 'utf8'), c.final()]).toString('hex'), iv: d.subarray(32, 48).toString('hex'), s: salt.toString('hex') };
 * };
 * ```
 *
 * In a browser, crypto-js does the same. Keep the secret on your server: whoever holds it writes as the app.
 */
export type YoyowEncrypt = (payloadJson: string) => YoyowCipher | Promise<YoyowCipher>;

export interface YoyowClientOptions extends ClientOptions {
  /** Optional: name the app by mount prefix `/apps/<appkey>` (else `X-Plaza-App` or the node's default app). */
  appkey?: string;
  /** Needed by the secure writes only; reads work without it. */
  encrypt?: YoyowEncrypt;
  /** The payload `time` in ms (default `Date.now`); it must be within the app's `secure_ageing` of the server clock. */
  now?: () => number;
}

/** A uid: a JSON number, or a decimal string (uids above 2^32 are strings in chain objects). */
export type YoyowUid = number | string;
/** An int64 of a chain object: a number up to 4294967295, a decimal string beyond (§3.2). */
export type YoyowInt = number | string;

export interface YoyowWriteResult {
  /** The block that seals the operation. */
  block_num: number;
  /** 40 lowercase hex. */
  txid: string;
}

export interface YoyowFee {
  total: { amount: number; asset_id: number };
}

export interface YoyowAuthority {
  weight_threshold: number;
  account_uid_auths: Array<[{ uid: YoyowUid; auth_type: string }, number]>;
  key_auths: Array<[string, number]>;
}

export interface YoyowAccount {
  id: string;
  uid: YoyowUid;
  name: string;
  owner: YoyowAuthority;
  active: YoyowAuthority;
  secondary: YoyowAuthority;
  memo_key: string;
  reg_info: Record<string, unknown>;
  can_post: boolean;
  can_reply: boolean;
  can_rate: boolean;
  is_full_member: boolean;
  is_registrar: boolean;
  is_admin: boolean;
  create_time: string;
  last_update_time: string;
  active_data: string;
  secondary_data: string;
  /** Base units (1 YOYO = 100000). */
  statistics: { obj_id: string; core_balance: YoyowInt; prepaid: YoyowInt; csaf: YoyowInt } & Record<string, YoyowInt | string>;
  assets: Array<{ amount: string; asset_id: number; precision: number; symbol: string; description: string; max_supply: string; current_supply: string; issuer: YoyowUid }>;
}

/** `[seq, history object]`; `op` is `[op_type, fields]` (§5.12). */
export type YoyowHistoryEntry = [
  number,
  { id: string; op: [number, Record<string, unknown>]; result: unknown; block_timestamp: string; block_num: number; trx_in_block: number; op_in_trx: number; virtual_op: number },
];

export interface YoyowConsent {
  id: string;
  account: YoyowUid;
  platform: YoyowUid;
  max_limit: YoyowInt;
  cur_used: YoyowInt;
  is_active: boolean;
  permission_flags: number;
  memo?: string;
}

export interface YoyowAsset {
  id: string;
  asset_id: number;
  symbol: string;
  precision: number;
  issuer: YoyowUid;
  options: Record<string, unknown>;
  dynamic_asset_data_id: string;
  dynamic_asset_data: Record<string, unknown>;
  current_supply: string;
  confidential_supply: number;
  accumulated_fees: number;
}

export interface YoyowBlock {
  previous: string;
  timestamp: string;
  witness: YoyowUid;
  transaction_merkle_root: string;
  witness_signature: string;
  transactions: Array<Record<string, unknown>>;
  block_id: string;
  signing_key: string;
  transaction_ids: string[];
}

export interface YoyowPost {
  id: string;
  platform: YoyowUid;
  poster: YoyowUid;
  post_pid: number;
  post_type: number;
  origin_poster?: YoyowUid;
  origin_post_pid?: number;
  origin_platform?: YoyowUid;
  hash_value: string;
  extra_data: string;
  title: string;
  body: string;
  create_time: string;
  last_update_time: string;
  receiptors: Array<[YoyowUid, { cur_ratio: number; to_buyout: boolean; buyout_ratio: number; buyout_price: YoyowInt; buyout_expiration: string }]>;
  forward_price?: YoyowInt;
  license_lid: number;
  permission_flags: number;
  score_settlement: boolean;
}

export interface YoyowAdvertising {
  id: string;
  advertising_aid: number;
  platform: YoyowUid;
  on_sell: boolean;
  unit_time: YoyowInt;
  unit_price: YoyowInt;
  description: string;
  last_order_sequence: number;
  publish_time: string;
  last_update_time: string;
}

export interface YoyowAdvertisingOrder {
  id: string;
  advertising_order_oid: number;
  platform: YoyowUid;
  advertising_aid: number;
  user: YoyowUid;
  released_balance: YoyowInt;
  start_time: string;
  end_time: string;
  buy_request_time: string;
  /** `advertising_undetermined`, `advertising_accepted`, `advertising_refused`, `advertising_ransom`. */
  status: string;
  handle_time: string;
  memo?: { from: string; to: string; nonce: string; message: string };
  extra_data: string;
}

export interface YoyowTransferInput {
  /** The recipient (the sender is the app). */
  uid: YoyowUid;
  /** **Display units** (`"1.5"` YOYO); a decimal string keeps it exact. */
  amount: string | number;
  asset_id?: number;
  /** Encrypted app → recipient. */
  memo?: string;
}

export interface YoyowSimplePostInput {
  /** Default: the app posts as itself. */
  poster?: YoyowUid;
  title?: string;
  /** Hashed, stored as "". */
  body?: string;
  url?: string;
  hash_value?: string;
  license_lid: number;
}

export interface YoyowScoreInput {
  from_account: YoyowUid;
  poster: YoyowUid;
  pid: number | string;
  /** −5…5. */
  score: number;
  /** Base units. */
  csaf: number | string;
}

export interface YoyowRewardInput {
  from_account: YoyowUid;
  poster: YoyowUid;
  pid: number | string;
  /** Base units. */
  amount: number | string;
}

export interface YoyowLicenseInput {
  type?: number;
  hash_value?: string;
  title?: string;
  body?: string;
  extra_data?: string;
}

export interface YoyowAdCreateInput {
  description?: string;
  /** Base units per unit. */
  unit_price: number | string;
  /** Seconds. */
  unit_time: number | string;
}

export interface YoyowAdBuyInput {
  /** The buyer: uid or account name. */
  account: YoyowUid;
  advertising_aid: number | string;
  /** Unix seconds, ms, or `YYYY-MM-DDTHH:MM:SS`. */
  start_time: number | string;
  buy_number: number | string;
  extra_data?: string;
  memo?: string;
}

export interface YoyowAdConfirmInput {
  advertising_aid: number | string;
  advertising_order_oid: number | string;
  /** true accepts the order, false refuses it (the buyer is refunded). */
  isconfirm: boolean;
}

function yoyowError(r: RawResponse): PlazaHttpError {
  const b = isRecord(r.json) ? r.json : {};
  return new YoyowApiError(typeof b.code === 'number' ? b.code : r.status, typeof b.message === 'string' ? b.message : `HTTP ${r.status}`, b.data ?? null, r.status, r.text, r.headers);
}

/** YOYOW refuses with HTTP 200 and `code` ≠ 0 (§3.1). */
function isYoyowError(r: RawResponse): boolean {
  return r.status < 200 || r.status >= 300 || !isRecord(r.json) || r.json.code !== 0;
}

export class YoyowClient {
  private readonly http: HttpCore;
  private readonly prefix: string;
  private readonly encrypt: YoyowEncrypt | null;
  private readonly now: () => number;

  constructor(options: YoyowClientOptions) {
    this.http = new HttpCore(options);
    this.prefix = options.appkey ? `/apps/${encodeURIComponent(options.appkey)}` : '';
    this.encrypt = options.encrypt ?? null;
    this.now = options.now ?? Date.now;
  }

  private async get<T>(path: string, query?: Record<string, unknown>, options?: RequestOptions): Promise<T> {
    const r = await this.http.request('GET', `${this.prefix}/api/v2${path}${queryString(query)}`, { options }, yoyowError, isYoyowError);
    return (r.json as { data: T }).data;
  }

  /** A secure request: the fields plus `time`, encrypted by the injected `encrypt`. */
  private async secure<T>(path: string, fields: object, options?: RequestOptions): Promise<T> {
    if (this.encrypt === null) throw new TypeError('secure writes need options.encrypt');
    const cipher = await this.encrypt(JSON.stringify({ ...fields, time: this.now() }));
    const r = await this.http.request('POST', `${this.prefix}/api/v2${path}`, { body: { ct: cipher.ct, iv: cipher.iv, s: cipher.s }, options }, yoyowError, isYoyowError);
    return (r.json as { data: T }).data;
  }

  private static seg(v: YoyowUid | number): string {
    return encodeURIComponent(String(v));
  }

  /** §4.1 `GET /accounts/:uid` (2002 bad uid, 2001 no account). */
  account(uid: YoyowUid, options?: RequestOptions): Promise<YoyowAccount> {
    return this.get(`/accounts/${YoyowClient.seg(uid)}`, undefined, options);
  }

  /** §4.2 `GET /accounts/:uid/histories`, newest first. */
  histories(uid: YoyowUid, query: { op_type?: number; start?: number; limit?: number } = {}, options?: RequestOptions): Promise<YoyowHistoryEntry[]> {
    return this.get(`/accounts/${YoyowClient.seg(uid)}/histories`, query, options);
  }

  /** §4.3 `GET /authPermissions`: `[]` or the account's active consent to the platform (default: the app). */
  authPermissions(query: { account?: YoyowUid; platform?: YoyowUid }, options?: RequestOptions): Promise<YoyowConsent[]> {
    return this.get('/authPermissions', query, options);
  }

  /** §4.4 `GET /assets/:asset` by symbol, id or `1.3.<id>` (2006 unknown). */
  asset(asset: string | number, options?: RequestOptions): Promise<YoyowAsset> {
    return this.get(`/assets/${YoyowClient.seg(asset)}`, undefined, options);
  }

  /** §4.5 `GET /blocks/:block_num`: null when not sealed. */
  block(blockNum: number, options?: RequestOptions): Promise<YoyowBlock | null> {
    return this.get(`/blocks/${YoyowClient.seg(blockNum)}`, undefined, options);
  }

  /** §4.6 `GET /blocks/:block_num/confirmed`: sealed and deep enough; never an error. */
  blockConfirmed(blockNum: number, options?: RequestOptions): Promise<boolean> {
    return this.get(`/blocks/${YoyowClient.seg(blockNum)}/confirmed`, undefined, options);
  }

  /** §4.7 `GET /posts`: the post, or null. */
  post(query: { poster: YoyowUid; post_pid: number; platform?: YoyowUid }, options?: RequestOptions): Promise<YoyowPost | null> {
    return this.get('/posts', query, options);
  }

  /** §4.8 `GET /posts/getPostList`, newest first; next page: the last id as `lower_bound` (repeated). */
  postList(query: { platform?: YoyowUid; poster?: YoyowUid; lower_bound?: string; start?: string; limit?: number } = {}, options?: RequestOptions): Promise<YoyowPost[]> {
    return this.get('/posts/getPostList', query, options);
  }

  /** §4.21 `GET /advertisings`, ascending aid. */
  advertisings(query: { platform?: YoyowUid; lower_bound_advertising?: number | string; limit?: number } = {}, options?: RequestOptions): Promise<YoyowAdvertising[]> {
    return this.get('/advertisings', query, options);
  }

  /** §4.22 `GET /advertising_orders`: `filter: 0` by `purchaser`, else by platform and `advertising_aid_type`. */
  advertisingOrders(
    query: { filter?: number; purchaser?: YoyowUid; platform?: YoyowUid; advertising_aid_type?: number; lower_bound_advertising_order?: number; limit?: number },
    options?: RequestOptions,
  ): Promise<YoyowAdvertisingOrder[]> {
    return this.get('/advertising_orders', query, options);
  }

  /** §4.23 `POST /transfer` from the app (prepaid) to `uid`; `amount` in display units. */
  transfer(input: YoyowTransferInput, options?: RequestOptions): Promise<YoyowWriteResult> {
    return this.secure('/transfer', input, options);
  }

  /** §4.11 `POST /posts/simple` (the poster's consent needs the Post bit when poster ≠ the app). */
  simplePost(input: YoyowSimplePostInput, options?: RequestOptions): Promise<YoyowWriteResult & { post: Record<string, unknown> }> {
    return this.secure('/posts/simple', input, options);
  }

  /** §4.13 `POST /posts/score`: once per account and post (`already scored`). */
  score(input: YoyowScoreInput, options?: RequestOptions): Promise<YoyowWriteResult> {
    return this.secure('/posts/score', input, options);
  }

  /** §4.14 `POST /posts/reward-proxy`: `from_account` pays `amount` (base units) to the post's receiptors. */
  rewardProxy(input: YoyowRewardInput, options?: RequestOptions): Promise<YoyowWriteResult> {
    return this.secure('/posts/reward-proxy', input, options);
  }

  /** §4.15 `POST /create_license`: the app's next licence. */
  createLicense(input: YoyowLicenseInput = {}, options?: RequestOptions): Promise<YoyowWriteResult & { license: Record<string, unknown> & { license_lid: number } }> {
    return this.secure('/create_license', input, options);
  }

  /** §4.16 `POST /advertisings`: a slot on sale. */
  createAdvertising(input: YoyowAdCreateInput, options?: RequestOptions): Promise<YoyowWriteResult & { advertising: Record<string, unknown> & { advertising_aid: number } }> {
    return this.secure('/advertisings', input, options);
  }

  /** §4.18 `POST /advertising/buy`: the buyer's prepaid goes to escrow until the app confirms or refuses. */
  buyAdvertising(input: YoyowAdBuyInput, options?: RequestOptions): Promise<YoyowWriteResult & { advertising: Record<string, unknown> & { advertising_order_oid: number } }> {
    return this.secure('/advertising/buy', input, options);
  }

  /** §4.19 `POST /advertising/confirm`: accept (`isconfirm: true`) or refuse an undetermined order. */
  confirmAdvertising(input: YoyowAdConfirmInput, options?: RequestOptions): Promise<YoyowWriteResult & { advertising: Record<string, unknown> }> {
    return this.secure('/advertising/confirm', input, options);
  }
}
