// The admin API's answers as the console reads them (see /openapi/admin.json for the full schemas).
/** A developer (GET /me, GET /developers). */
export interface Developer {
  id: number;
  username: string;
  email: string | null;
  phone: string | null;
  role_id: number;
  role: string;
  is_admin: boolean;
  blocked: boolean;
  created_at: string;
}

export type Me = Developer;

export interface AppSummary {
  id: number;
  developer_id: number;
  name: string;
  description: string | null;
  type_id: number | null;
  appkey: string;
  banned: boolean;
  created_at: string;
}

export interface AppType {
  id: number;
  parent_id: number | null;
  name: string;
  description: string | null;
  children: AppType[];
}

export interface Role {
  id: number;
  name: string;
  description: string | null;
  builtin: boolean;
}

export interface Volume {
  asset: string;
  bucket: 'hour' | 'day';
  from: string;
  to: string;
  points: Array<{ start: string; count: number; amount: string; amount_minor: string }>;
}

/** The answer to creating an app (or rotating its secret): the only time the secret is shown. */
export interface AppCreated extends AppSummary {
  secret: string;
}

export interface Access {
  app_id: number;
  redirect_uris: string[];
  allowed_origins: string[];
}

export interface PiSettings {
  app_id: number;
  network: string;
  a2u_enabled: boolean;
  a2u_max_open_per_app: number;
  wallet_address: string | null;
}

export interface WechatSettings {
  mode: 'live' | 'sandbox';
  appid: string;
  app_secret: string;
  mchid: string;
  merchant_serial: string;
  merchant_private_key: string;
  api_v3_key: string;
  notify_url: string | null;
  effective_notify_url: string;
  login_configured: boolean;
  pay_configured: boolean;
  updated_at: string;
}

export interface Webhook {
  id: number;
  app_id: number;
  url: string;
  events: string[] | null;
  status: 'active' | 'disabled';
  created_at: string;
  disabled_at: string | null;
  secret?: string;
}

export interface Delivery {
  id: number;
  endpoint_id: number;
  event_id: string;
  event_type: string;
  status: 'pending' | 'succeeded' | 'failed';
  attempts: number;
  next_attempt_at: string | null;
  last_status_code: number | null;
  last_error: string | null;
  created_at: string;
  updated_at: string;
  attempt_log?: Array<{ at: string; status_code: number | null; error: string | null; duration_ms: number }>;
}

export interface Payment {
  identifier: string;
  direction: 'user_to_app' | 'app_to_user';
  user_uid: string;
  amount: string;
  memo: string;
  state: string;
  txid: string | null;
  created_at: string;
}

export interface User {
  id: number;
  uid: number;
  username: string;
  email: string | null;
  role: string;
  disabled: boolean;
  email_verified: boolean;
  created_at: string;
}

export interface Asset {
  id: number;
  symbol: string;
  precision: number;
  enabled: boolean;
  created_at: string;
}

export interface Transfer {
  seq: number;
  id: string;
  txid: string;
  debit_account_id: number;
  credit_account_id: number;
  asset: string;
  amount: string;
  kind: string;
  memo: string;
  status: string;
  created_at: string;
  posted_at: string | null;
  block_number: number | null;
}

export interface Account {
  id: number;
  owner_kind: string;
  owner_id: string;
  asset: string;
  sub: string;
  frozen: boolean;
  allow_negative: boolean;
  balance: string;
  available: string;
  pending_in: string;
  pending_out: string;
  created_at: string;
}

export interface Block {
  number: number;
  hash: string;
  previous: string;
  timestamp: string;
  merkle_root: string;
  entry_count: number;
  signature: string;
  public_key: string;
}

export interface Proof {
  txid: string;
  block_number: number;
  merkle_root: string;
  path: Array<{ hash: string; position: 'left' | 'right' }>;
}

export interface OperatorControls {
  maintenance: boolean;
  maintenance_endpoints: string[];
  disabled_endpoints: string[];
  ip_deny_list: string[];
  per_ip_per_minute: number;
  per_key_per_minute: number;
  overridden: string[];
  refresh_seconds: number;
}

export interface AppControls {
  app_id: number;
  banned: boolean;
  key_expires_at: string | null;
  dialects: string[] | null;
}

export type Row = Record<string, unknown>;

export interface Order {
  id: number;
  uid: string;
  state: 'created' | 'paid';
  amount: number;
  discount: number;
  pay: number;
  paid_at: string | null;
  deleted: boolean;
  lines: Array<{ product_id: string; name: string; price: number; count: number }>;
  created_at: string;
}

export interface ContentItem {
  id: number;
  author: string;
  claim_id: string;
  title: string;
  price: string;
  enabled: boolean;
  views: number;
  created_at: string;
}

/** A liveuser product (GET /apps/:id/products); prices are integer fen. */
export interface ProductGrant {
  asset: string;
  sub_balance: string;
  amount: string;
}

export interface Product {
  product_id: string;
  app_id: number;
  name: string;
  price_cent: number;
  description: string;
  grant: ProductGrant | null;
  snapshot: number;
  created_at: string;
  updated_at: string;
  deleted_at: string | null;
}

export interface ProductSnapshot {
  snapshot: number;
  created_at: string;
  detail: string;
}

export interface ProductWithSnapshots extends Product {
  snapshots: ProductSnapshot[];
}

/** One audit log entry (GET /audit). */
export interface AuditEntry {
  id: number;
  at: string;
  actor: string;
  action: string;
  target: string;
  details: Record<string, unknown>;
  request_id: string | null;
}
