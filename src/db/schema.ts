// Row types of every table, as Kysely sees them. Every integer column is 64-bit on both stores and is read back
// as bigint (see database.ts); flags are 0/1 integers; times are epoch milliseconds. Repositories convert ids to
// `number` at their edge with `toNum` from values.ts.
import type { ColumnType, Generated } from 'kysely';

/** A 64-bit integer column: always read back as bigint at run time (typed loosely so comparisons take numbers). */
export type Int8 = ColumnType<bigint | number, bigint | number, bigint | number>;
/** An auto-increment 64-bit key. */
export type Serial = ColumnType<bigint | number, bigint | number | undefined, never>;

export interface SettingsTable {
  key: string;
  value: string;
}

export interface DeveloperRolesTable {
  id: Serial;
  name: string;
  name_lower: string;
  des: string | null;
  builtin: Int8;
}

export interface DevelopersTable {
  id: Serial;
  username: string;
  username_lower: string;
  password_hash: string;
  email: string | null;
  email_lower: string | null;
  phone: string | null;
  role_id: Int8;
  created_at: Int8;
  updated_at: Int8 | null;
}

export interface DeveloperTokensTable {
  id: Serial;
  token_hash: string;
  developer_id: Int8;
  kind: string;
  created_at: Int8;
  expires_at: Int8;
  revoked_at: Int8 | null;
}

export interface AppTypesTable {
  id: Serial;
  parent_id: Int8 | null;
  name: string;
  name_lower: string;
  des: string | null;
  created_at: Int8;
}

/** One row per number of the uid space that users and apps share (YOYOW's checksum rule, identity/uid.ts). */
export interface UidSequenceTable {
  n: Serial;
  kind: string;
  created_at: Int8;
}

export interface AppsTable {
  /** The app's numeric uid. */
  id: Int8;
  developer_id: Int8;
  name: string;
  name_lower: string;
  des: string | null;
  type_id: Int8 | null;
  appkey: string;
  /** AES-256-GCM under the master key (crypto/secretbox.ts). */
  secret_enc: string;
  /** SHA-256 of the secret, hex: finds an app by its secret without decrypting every row. */
  secret_hash: string;
  status: 'live' | 'removed';
  banned: Int8;
  key_expires_at: Int8 | null;
  /** JSON array of dialect names this app may use, or null for all. */
  dialects: string | null;
  created_at: Int8;
  updated_at: Int8 | null;
  removed_at: Int8 | null;
  /** JSON object of per-app overrides of dialect settings, or null. */
  settings: string | null;
  /** JSON array of absolute redirect URIs (OIDC, hosted sign-in), or null for none. */
  redirect_uris: string | null;
  /** JSON array of `scheme://host[:port]` origins allowed to call from a browser, or null for none. */
  allowed_origins: string | null;
}

export interface EndUsersTable {
  id: Serial;
  /** In the uid space users and apps share (identity/uid.ts). */
  uid: Int8;
  /** null for a global user; otherwise the app whose namespace holds the username. */
  app_id: Int8 | null;
  username: string;
  username_lower: string;
  /** scrypt, like every password; null when none was set. */
  pay_password_hash: string | null;
  /** Consecutive wrong pay passwords. */
  pay_failures: Int8;
  pay_locked_until: Int8 | null;
  disabled: Int8;
  created_at: Int8;
  updated_at: Int8 | null;
  /** Global users only; unique case-insensitively among non-null (`email_lower`). */
  email: ColumnType<string | null, string | null | undefined, string | null>;
  email_lower: ColumnType<string | null, string | null | undefined, string | null>;
  /** scrypt; null for app-scoped wallet users. */
  password_hash: ColumnType<string | null, string | null | undefined, string | null>;
  role: ColumnType<'Normal' | 'Administrator', 'Normal' | 'Administrator' | undefined, 'Normal' | 'Administrator'>;
  email_verified: ColumnType<bigint | number, bigint | number | undefined, bigint | number>;
}

/** A hosted-page sign-in session: only the SHA-256 of the cookie value is stored. */
export interface UserSessionsTable {
  id: Serial;
  token_hash: string;
  user_id: Int8;
  created_at: Int8;
  expires_at: Int8;
  revoked_at: Int8 | null;
}

/** The one pairwise uid of an (app, user), assigned on the first grant and never changed. */
export interface PairwiseUidsTable {
  app_id: Int8;
  user_id: Int8;
  pairwise_uid: string;
  created_at: Int8;
}

export interface AppGrantsTable {
  id: Serial;
  app_id: Int8;
  user_id: Int8;
  kind: string;
  /** JSON array of strings. */
  scopes: string;
  spending_limit_minor: Int8 | null;
  /** JSON object of boolean flags. */
  permissions: string;
  pairwise_uid: string;
  created_at: Int8;
  updated_at: Int8 | null;
  revoked_at: Int8 | null;
}

export interface UserTokensTable {
  id: Serial;
  token_hash: string;
  token_type: 'access' | 'refresh' | 'login';
  kind: string;
  app_id: Int8;
  user_id: Int8;
  grant_id: Int8;
  /** JSON array of strings. */
  scopes: string;
  family_id: string | null;
  expires_at: Int8;
  used_at: Int8 | null;
  revoked_at: Int8 | null;
  created_at: Int8;
}

export interface EmailTokensTable {
  id: Serial;
  token_hash: string;
  user_id: Int8;
  purpose: 'verify' | 'reset';
  email_lower: string;
  expires_at: Int8;
  used_at: Int8 | null;
  created_at: Int8;
}

/** The development mailbox: what the sandbox mailer "sent". */
export interface SandboxMailTable {
  id: Serial;
  to_address: string;
  subject: string;
  text: string;
  html: string | null;
  created_at: Int8;
}

export interface AssetsTable {
  id: Serial;
  symbol: string;
  precision: Int8;
  enabled: Int8;
  created_at: Int8;
}

export interface LedgerAccountsTable {
  id: Serial;
  owner_kind: string;
  owner_id: string;
  asset_id: Int8;
  sub: string;
  allow_negative: Int8;
  frozen: Int8;
  /** Posted balance, minor units. */
  balance: Int8;
  /** Sum of outbound pending holds. */
  pending_out: Int8;
  /** Sum of inbound pending holds. */
  pending_in: Int8;
  created_at: Int8;
}

export interface LedgerTransfersTable {
  seq: Serial;
  /** 32 hex, random: makes every transfer's canonical encoding (and so its txid) unique. */
  id: string;
  txid: string;
  debit_account_id: Int8;
  credit_account_id: Int8;
  asset_id: Int8;
  amount: Int8;
  kind: string;
  memo: string;
  /** Canonical JSON object. */
  metadata: string;
  status: 'pending' | 'posted' | 'voided';
  idempotency_key: string | null;
  created_at: Int8;
  posted_at: Int8 | null;
  voided_at: Int8 | null;
  /** The block that seals it: assigned at posting (the open block), never changed afterwards. */
  block_number: Int8 | null;
}

/** A single row (id = 1): the number of the block currently open for new entries. */
export interface LedgerStateTable {
  id: Int8;
  open_block: Int8;
}

export interface LedgerBlocksTable {
  number: Int8;
  hash: string;
  previous: string;
  timestamp: Int8;
  merkle_root: string;
  entry_count: Int8;
  signature: string;
  public_key: string;
}

export interface IdempotencyKeysTable {
  scope: string;
  route: string;
  key: string;
  fingerprint: string;
  status_code: Int8;
  headers: string;
  body: string;
  created_at: Int8;
  expires_at: Int8;
}

export interface AuditLogTable {
  id: Serial;
  at: Int8;
  actor: string;
  action: string;
  target: string;
  details: string;
  request_id: string | null;
}

/** A paid-content resource (modules/content; Ulord X4–X13). */
export interface ContentTable {
  id: Serial;
  app_id: Int8;
  author: string;
  claim_id: string;
  claim_txid: string;
  title: string;
  ipfs_hash: string;
  /** Minor units; negative = an advertisement. */
  price_minor: Int8;
  currency: string;
  content_type: string;
  des: string | null;
  /** JSON array of strings, publish order. */
  tags: string;
  status: Int8;
  enabled: Int8;
  views: Int8;
  created_at: Int8;
  updated_at: Int8 | null;
}

/** A consume record: one per (app, content, customer) — the pay-once rule. */
export interface ContentPurchasesTable {
  id: Serial;
  app_id: Int8;
  content_id: Int8;
  customer: string;
  price_minor: Int8;
  txid: string;
  created_at: Int8;
}

/** One change of a resource: its publish, or an operator disable / enable (modules/content). */
export interface ContentHistoryTable {
  id: Serial;
  content_id: Int8;
  app_id: Int8;
  action: 'publish' | 'disable' | 'enable';
  /** `app:<id>` (publish) or `developer:<id>` (admin API). */
  actor: string;
  /** Canonical JSON of the resource's public fields right after the change. */
  snapshot: string;
  created_at: Int8;
}

/** A domain event, written in the same transaction as the change it reports (core/events/outbox.ts). */
export interface EventsOutboxTable {
  /** `evt_` + 24 hex characters. */
  id: string;
  app_id: Int8;
  type: string;
  /** Canonical JSON object. */
  payload: string;
  created_at: Int8;
}

/** An app's webhook URL (core/events/webhooks.ts). */
export interface WebhookEndpointsTable {
  id: Serial;
  app_id: Int8;
  url: string;
  /** JSON array of event types, or null for every type. */
  event_types: string | null;
  /** The signing secret sealed with the secret box, purpose `webhook.secret`. */
  secret_enc: string;
  status: 'active' | 'disabled';
  created_at: Int8;
  disabled_at: Int8 | null;
}

/** One event to one endpoint; advanced by conditional updates (pending → succeeded | failed). */
export interface WebhookDeliveriesTable {
  id: Serial;
  endpoint_id: Int8;
  event_id: string;
  status: 'pending' | 'succeeded' | 'failed';
  attempts: Int8;
  /** When a worker may next claim it; a claim moves it forward by the lease. */
  next_attempt_at: Int8;
  /** A failed attempt at or after this time gives up (creation or resend + the retry window). */
  retry_until: Int8;
  last_status_code: Int8 | null;
  last_error: string | null;
  created_at: Int8;
  updated_at: Int8;
}

/** Every POST a worker made, appended, never edited. */
export interface WebhookAttemptsTable {
  id: Serial;
  delivery_id: Int8;
  at: Int8;
  status_code: Int8 | null;
  error: string | null;
  duration_ms: Int8;
}

/** One daily check-in (modules/billing): UNIQUE (user_id, day) is the once-a-day rule. */
export interface BillingCheckinsTable {
  id: Serial;
  user_id: Int8;
  /** `YYYY-MM-DD` in the configured check-in time zone. */
  day: string;
  app_id: Int8;
  reward_minor: Int8;
  txid: string | null;
  created_at: Int8;
}

/** One Ed25519 wallet key per user and per app (core/identity/walletKeys.ts); the seed only sealed. */
export interface WalletKeysTable {
  id: Serial;
  owner_kind: 'user' | 'app';
  /** end_users.id or apps.id. */
  owner_id: Int8;
  /** StrKey G-address. */
  address: string;
  /** Raw public key, hex. */
  public_key: string;
  /** The S-seed sealed with the secret box, purpose `wallet.seed`. */
  seed_enc: string;
  sequence: ColumnType<bigint | number, bigint | number | undefined, bigint | number>;
  /** Ledger account of the owner in the payment asset. */
  account_id: Int8;
  created_at: Int8;
}

/** A hosted wallet page credential (core/identity/walletTokens.ts): only the SHA-256 is stored. */
export interface WalletTokensTable {
  id: Serial;
  token_hash: string;
  user_id: Int8;
  expires_at: Int8;
  revoked_at: Int8 | null;
  created_at: Int8;
}

/** A Pi payment (modules/payments): one state and a cancel reason; Pi's flags are derived. */
export interface PaymentsTable {
  id: Serial;
  identifier: string;
  app_id: Int8;
  user_id: Int8;
  user_uid: string;
  direction: 'user_to_app' | 'app_to_user';
  amount_minor: Int8;
  memo: string;
  /** The metadata JSON text exactly as received. */
  metadata_json: string;
  from_address: string;
  to_address: string;
  network: string;
  state: 'created' | 'approved' | 'verified' | 'completed' | 'cancelled';
  cancel_reason: 'developer' | 'approval_timeout' | 'expired' | 'superseded' | 'user' | null;
  developer_approved: Int8;
  txid: string | null;
  created_at: Int8;
  approved_at: Int8 | null;
  verified_at: Int8 | null;
  completed_at: Int8 | null;
  cancelled_at: Int8 | null;
  approval_deadline: Int8 | null;
  transaction_deadline: Int8 | null;
}

/** An accepted YOYOW secure-request ciphertext (dialects/yoyow, spec/yoyow.md §2.5): the replay guard of step 6. */
export interface YoyowReplayKeysTable {
  /** SHA-256 hex of `<app uid>|<mode>|<s>|<iv>|<ct>` (lowercase hex; `iv` empty in simple mode). */
  key: string;
  app_id: Int8;
  created_at: Int8;
  /** `max(time, now) + secure_ageing`: after it the ciphertext is expired anyway, so the row may be purged. */
  expires_at: Int8;
}

/** A Stellar envelope the Pi ledger gateway accepted (modules/gateway): the replay record of `POST /horizon/transactions`. */
export interface PiGatewayEnvelopesTable {
  id: Serial;
  /** SHA-256 of the transaction XDR, signatures aside. */
  tx_hash: string;
  source_address: string;
  sequence: Int8;
  txid: string;
  /** The first 200 body, replayed byte for byte. */
  response: string;
  created_at: Int8;
}

/** An app's WeChat configuration (integrations/wechat/store.ts); secrets sealed with the secret box. */
export interface WechatConfigsTable {
  app_id: Int8;
  mode: 'live' | 'sandbox';
  appid: string;
  /** purpose `wechat.app_secret`. */
  app_secret_enc: string;
  mchid: string;
  merchant_serial: string;
  /** PKCS#8 PEM, purpose `wechat.merchant_key`. */
  merchant_key_enc: string;
  /** purpose `wechat.api_v3_key`. */
  api_v3_key_enc: string;
  /** JSON array of `{serial, publicKeyPem}`. */
  platform_keys: string;
  notify_url: string | null;
  created_at: Int8;
  updated_at: Int8;
}

/** The WeChat sandbox's own state (one row, id = 1): the seed of its openids and its platform key pair. */
export interface SandboxWechatStateTable {
  id: Int8;
  seed_enc: string;
  platform_key_id: string;
  platform_private_key_enc: string;
  platform_public_key: string;
  created_at: Int8;
}

/** A merchant (appid ↔ mchid) registered with the WeChat sandbox. */
export interface SandboxWechatMerchantsTable {
  appid: string;
  mchid: string;
  app_id: Int8;
  /** SHA-256 hex of the AppSecret. */
  app_secret_hash: string;
  merchant_serial: string;
  merchant_public_key: string;
  api_v3_key_enc: string;
  created_at: Int8;
}

/** A `wx.login()` code minted by the sandbox: single use, 300 s. */
export interface SandboxWechatCodesTable {
  code: string;
  appid: string;
  user_handle: string;
  openid: string;
  unionid: string | null;
  created_at: Int8;
  expires_at: Int8;
  used_at: Int8 | null;
}

export interface SandboxWechatTransactionsTable {
  mchid: string;
  out_trade_no: string;
  appid: string;
  description: string;
  notify_url: string;
  total: Int8;
  payer_openid: string;
  trade_state: 'NOTPAY' | 'SUCCESS';
  transaction_id: string | null;
  success_time: string | null;
  created_at: Int8;
  updated_at: Int8;
}

export interface SandboxWechatPrepaysTable {
  prepay_id: string;
  mchid: string;
  out_trade_no: string;
  appid: string;
  created_at: Int8;
}

/** One notification the sandbox sends (and retries) to a merchant's notify_url. */
export interface SandboxWechatNotificationsTable {
  id: Serial;
  notification_id: string;
  mchid: string;
  out_trade_no: string;
  url: string;
  status: 'pending' | 'delivered' | 'failed';
  attempts: Int8;
  next_attempt_at: Int8 | null;
  last_status: Int8 | null;
  last_error: string | null;
  created_at: Int8;
  updated_at: Int8;
}

/** liveuser (0011): the unionid claim that links every WeChat identity of one person to one Plaza user. */
export interface WechatUnionsTable {
  unionid: string;
  user_id: Int8;
  created_at: Int8;
}

/** liveuser (0011): (WeChat appid, openid) → a global end user (core/identity/wechatIdentities.ts). */
export interface WechatIdentitiesTable {
  id: Serial;
  wechat_appid: string;
  openid: string;
  unionid: string | null;
  user_id: Int8;
  /** Sealed, purpose `wechat.session_key`. */
  session_key_enc: string;
  created_at: Int8;
  updated_at: Int8;
}

/** liveuser (0011): one session family per Wx.Login (core/identity/liveuserTokens.ts). */
export interface LiveuserFamiliesTable {
  seq: Serial;
  id: string;
  app_id: Int8;
  user_id: Int8;
  identity_id: Int8;
  created_at: Int8;
  revoked_at: Int8 | null;
}

/** liveuser (0011): the sealed answer of one rotation, kept for the grace window only. */
export interface LiveuserReplaysTable {
  /** user_tokens.id of the rotated refresh token. */
  token_id: Int8;
  family_id: string;
  response_enc: string;
  expires_at: Int8;
}

/** liveuser (0011): User.Set / User.Get record per (app, uid) (modules/profiles). */
export interface LiveuserProfilesTable {
  app_id: Int8;
  uid: string;
  user_id: Int8;
  name: string;
  agent: string;
  avatar: string;
  update_at: Int8;
}

/** liveuser (0011): worker numbers of the §7.6 id generator, leased per process (modules/orders/ids.ts). */
export interface IdWorkersTable {
  worker: Int8;
  holder: string;
  expires_at: Int8;
}

/** liveuser (0011): a product of an app (modules/orders/products.ts). */
export interface ProductsTable {
  app_id: Int8;
  product_id: string;
  name: string;
  price_cent: Int8;
  description: string;
  grant_json: string | null;
  snapshot_id: Int8;
  created_at: Int8;
  updated_at: Int8;
  /** 0 = live. */
  deleted_at: Int8;
}

/** liveuser (0011): an immutable product snapshot. */
export interface ProductSnapshotsTable {
  id: Int8;
  app_id: Int8;
  product_id: string;
  detail: string;
  created_at: Int8;
}

/** liveuser (0011): an order (modules/orders/orders.ts); state 0 CREATED, 1 PAID. */
export interface OrdersTable {
  id: Int8;
  app_id: Int8;
  user_id: Int8;
  uid: string;
  state: Int8;
  amount: Int8;
  discount: Int8;
  pay: Int8;
  description: string;
  pay_at: Int8;
  created_at: Int8;
  updated_at: Int8;
  deleted_at: Int8;
  transaction_id: string | null;
  prepay_at: Int8 | null;
}

/** liveuser (0011): an order line, copied from the product snapshot at Order.Create. */
export interface OrderLinesTable {
  order_id: Int8;
  product_id: string;
  name: string;
  price: Int8;
  count: Int8;
  snapshot_id: Int8;
  detail: string;
  grant_asset: string | null;
  grant_sub: string | null;
  grant_amount_minor: Int8 | null;
}

/** liveuser (0011): a prepay_id issued for an order. */
export interface OrderPrepaysTable {
  id: Serial;
  order_id: Int8;
  prepay_id: string;
  created_at: Int8;
}

/** liveuser (0011): the payment that made an order PAID (one per order). */
export interface OrderPaymentsTable {
  order_id: Int8;
  app_id: Int8;
  transaction_id: string;
  source: 'notification' | 'query';
  notification_id: string | null;
  success_at: Int8;
  payer_openid: string;
  amount_total: Int8;
  transaction_json: string;
  created_at: Int8;
}

/** liveuser (0011): a verified WeChat Pay notification and what Plaza did with it. */
export interface WechatNotificationsTable {
  id: Serial;
  app_id: Int8;
  notification_id: string;
  event_type: string;
  out_trade_no: string;
  transaction_id: string;
  outcome: string;
  received_at: Int8;
}

/** yoyow keys (0015): one secp256k1 key per (uid, role); the private key sealed (purpose `yoyow.key`). */
export interface YoyowKeysTable {
  uid: Int8;
  role: 'owner' | 'active' | 'secondary' | 'memo';
  account_kind: 'user' | 'app';
  /** `YYW…` text. */
  public_key: string;
  private_key_enc: string;
  source: 'generated' | 'imported';
  created_at: Int8;
  updated_at: Int8;
}

/** yoyow keys (0015): active public keys a user registered for their own wallet (public only). */
export interface YoyowRegisteredKeysTable {
  id: Serial;
  uid: Int8;
  public_key: string;
  created_at: Int8;
}

/** yoyow chain (0014): chain-side state of a user, app or system account (modules/yoyow). */
export interface YoyowAccountsTable {
  uid: Int8;
  kind: 'user' | 'app' | 'system';
  system_role: string | null;
  can_post: ColumnType<bigint | number, bigint | number | undefined, bigint | number>;
  can_reply: ColumnType<bigint | number, bigint | number | undefined, bigint | number>;
  can_rate: ColumnType<bigint | number, bigint | number | undefined, bigint | number>;
  /** Seconds. */
  csaf_settled_at: Int8;
  csaf_carry: ColumnType<bigint | number, bigint | number | undefined, bigint | number>;
  history_seq: ColumnType<bigint | number, bigint | number | undefined, bigint | number>;
  created_at: Int8;
  updated_at: Int8;
}

/** yoyow chain (0014): node-wide object id counters, name = "space.type". */
export interface YoyowCountersTable {
  name: string;
  next_instance: Int8;
}

/** yoyow chain (0014): one operation record per write; sealed into blocks. */
export interface YoyowOperationsTable {
  seq: Serial;
  instance: Int8;
  txid: string;
  nonce: string;
  op_type: number;
  fields: string;
  involved: string;
  result: string | null;
  transfer_txids: string;
  block_number: Int8;
  created_at: Int8;
}

/** yoyow chain (0014): per-account history entries. */
export interface YoyowHistoryTable {
  account_uid: Int8;
  seq: Int8;
  op_instance: Int8;
  op_type: number;
}

/** yoyow chain (0014): platform authorisations (consents). */
export interface YoyowConsentsTable {
  id: Serial;
  instance: Int8;
  user_uid: Int8;
  app_uid: Int8;
  max_limit: Int8 | null;
  cur_used: ColumnType<bigint | number, bigint | number | undefined, bigint | number>;
  permission_flags: number;
  memo: string | null;
  suspended: ColumnType<bigint | number, bigint | number | undefined, bigint | number>;
  status: 'active' | 'revoked';
  created_at: Int8;
  updated_at: Int8;
}

/** yoyow advertising (0017): advertising slots (modules/ads). */
export interface YoyowAdsTable {
  id: Serial;
  instance: Int8;
  platform_uid: Int8;
  aid: Int8;
  description: string;
  unit_price: Int8;
  unit_time: Int8;
  on_sell: number;
  last_order_sequence: ColumnType<bigint | number, bigint | number | undefined, bigint | number>;
  publish_time: Int8;
  last_update_time: Int8;
}

/** yoyow advertising (0017): advertising orders (modules/ads). */
export interface YoyowAdOrdersTable {
  id: Serial;
  instance: Int8;
  platform_uid: Int8;
  aid: Int8;
  oid: Int8;
  buyer_uid: Int8;
  price: Int8;
  buy_number: Int8;
  start_time: Int8;
  end_time: Int8;
  buy_request_time: Int8;
  status: 'advertising_undetermined' | 'advertising_accepted' | 'advertising_refused' | 'advertising_ransom';
  handle_time: Int8 | null;
  memo: string | null;
  extra_data: string;
}

/** yoyow posts (0016): licences `2.17.<i>`, numbered per platform. */
export interface YoyowLicensesTable {
  id: Serial;
  instance: Int8;
  platform_uid: Int8;
  license_lid: Int8;
  type: number;
  hash_value: string;
  extra_data: string;
  title: string;
  body: string;
  created_at: Int8;
}

/** yoyow posts (0016): posts `1.7.<i>`; `receiptors` is JSON text. */
export interface YoyowPostsTable {
  id: Serial;
  instance: Int8;
  platform_uid: Int8;
  poster_uid: Int8;
  post_pid: Int8;
  post_type: number;
  origin_platform: Int8 | null;
  origin_poster: Int8 | null;
  origin_post_pid: Int8 | null;
  hash_value: string;
  extra_data: string;
  title: string;
  body: string;
  receiptors: string;
  forward_price: Int8 | null;
  license_lid: Int8;
  permission_flags: Int8;
  created_at: Int8;
  updated_at: Int8;
}

/** yoyow posts (0016): scores `2.16.<i>`, one per account per post. */
export interface YoyowScoresTable {
  id: Serial;
  instance: Int8;
  post_instance: Int8;
  from_account_uid: Int8;
  platform_uid: Int8;
  poster_uid: Int8;
  post_pid: Int8;
  score: number;
  csaf: Int8;
  created_at: Int8;
}

export interface DB {
  settings: SettingsTable;
  developer_roles: DeveloperRolesTable;
  developers: DevelopersTable;
  developer_tokens: DeveloperTokensTable;
  app_types: AppTypesTable;
  uid_sequence: UidSequenceTable;
  apps: AppsTable;
  end_users: EndUsersTable;
  assets: AssetsTable;
  ledger_accounts: LedgerAccountsTable;
  ledger_transfers: LedgerTransfersTable;
  ledger_state: LedgerStateTable;
  ledger_blocks: LedgerBlocksTable;
  idempotency_keys: IdempotencyKeysTable;
  audit_log: AuditLogTable;
  content: ContentTable;
  content_purchases: ContentPurchasesTable;
  content_history: ContentHistoryTable;
  billing_checkins: BillingCheckinsTable;
  user_sessions: UserSessionsTable;
  pairwise_uids: PairwiseUidsTable;
  app_grants: AppGrantsTable;
  user_tokens: UserTokensTable;
  email_tokens: EmailTokensTable;
  sandbox_mail: SandboxMailTable;
  events_outbox: EventsOutboxTable;
  webhook_endpoints: WebhookEndpointsTable;
  webhook_deliveries: WebhookDeliveriesTable;
  webhook_attempts: WebhookAttemptsTable;
  wechat_configs: WechatConfigsTable;
  sandbox_wechat_state: SandboxWechatStateTable;
  sandbox_wechat_merchants: SandboxWechatMerchantsTable;
  sandbox_wechat_codes: SandboxWechatCodesTable;
  sandbox_wechat_transactions: SandboxWechatTransactionsTable;
  sandbox_wechat_prepays: SandboxWechatPrepaysTable;
  sandbox_wechat_notifications: SandboxWechatNotificationsTable;
  wallet_keys: WalletKeysTable;
  yoyow_accounts: YoyowAccountsTable;
  yoyow_counters: YoyowCountersTable;
  yoyow_operations: YoyowOperationsTable;
  yoyow_history: YoyowHistoryTable;
  yoyow_consents: YoyowConsentsTable;
  wallet_tokens: WalletTokensTable;
  payments: PaymentsTable;
  pi_gateway_envelopes: PiGatewayEnvelopesTable;
  yoyow_replay_keys: YoyowReplayKeysTable;
  wechat_unions: WechatUnionsTable;
  wechat_identities: WechatIdentitiesTable;
  liveuser_families: LiveuserFamiliesTable;
  liveuser_replays: LiveuserReplaysTable;
  liveuser_profiles: LiveuserProfilesTable;
  id_workers: IdWorkersTable;
  products: ProductsTable;
  product_snapshots: ProductSnapshotsTable;
  orders: OrdersTable;
  order_lines: OrderLinesTable;
  order_prepays: OrderPrepaysTable;
  order_payments: OrderPaymentsTable;
  wechat_notifications: WechatNotificationsTable;
  yoyow_keys: YoyowKeysTable;
  yoyow_registered_keys: YoyowRegisteredKeysTable;
  yoyow_licenses: YoyowLicensesTable;
  yoyow_posts: YoyowPostsTable;
  yoyow_scores: YoyowScoresTable;
  yoyow_ads: YoyowAdsTable;
  yoyow_ad_orders: YoyowAdOrdersTable;
}
