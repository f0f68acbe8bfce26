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
}
