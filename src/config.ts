// One validated configuration object. Nothing else in Plaza reads process.env: every module receives the parts of
// this object it needs, so tests build a Config directly and never depend on the environment of the machine.
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { parseDecimal } from './core/money.js';
import { cidrProblem } from './http/ipFilter.js';
import { defaultOidcSettings, type OidcSettings } from './oidc/constants.js';

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

/** Operator controls shared by every dialect (Ulord §2.8 names them; the other dialects reuse them). */
export interface OperatorControls {
  /** Global maintenance switch. */
  maintenance: boolean;
  /** Route keys (e.g. `ulord:/v1/role/add`) under maintenance. */
  maintenanceEndpoints: string[];
  /** Route keys switched off. */
  disabledEndpoints: string[];
  /** CIDR ranges (IPv4 or IPv6) whose requests are refused. */
  ipDenyList: string[];
  /** Sliding-window limit per client IP, requests per minute (0 = unlimited). */
  perIpPerMinute: number;
  /** Sliding-window limit per app key (external) or per developer (management), requests per minute. */
  perKeyPerMinute: number;
}

export interface UlordSettings {
  assetSymbol: string;
  publishFee: string;
  walletGrant: string;
  developerGrant: string;
  registrationOpen: boolean;
  tokenTtlSeconds: number;
  maxPageSize: number;
  requireSecretForDeveloperWallet: boolean;
  payPasswordMaxFailures: number;
  payPasswordLockSeconds: number;
}

/** The Kamiya dialect's billing settings (spec/kamiya.md §7), read from the `kamiya` section of PLAZA_CONFIG_FILE. */
export interface KamiyaSettings {
  /** NC credit issued by one daily check-in, decimal with at most 2 places (>= 0). */
  checkinReward: string;
  /** IANA time zone whose calendar day bounds a check-in. */
  checkinTimeZone: string;
  /** Platform fee on every charged part, in basis points (0..10000), rounded down. */
  platformFeeBps: number;
  /** Largest `credit` one charge or forceCharge may ask for, decimal (0 < max <= 1 000 000 000 000). */
  maxCreditPerCall: string;
  /** Whether a user must have verified their email to count as "active". */
  requireEmailVerification: boolean;
}

/** The Pi dialect's settings (spec/pi.md). */
export interface PiSettings {
  /** Lifetime of the access tokens the authenticate page issues (§2.2, §8: 24 h). */
  accessTokenTtlSeconds: number;
  /** Symbol of the payment asset (precision 7), created at first start (§1, §8). */
  assetSymbol: string;
  /** T4: a U2A payment not approved this long after creation is cancelled (§4.3). */
  approvalWindowSeconds: number;
  /** T8: an approved payment without a transaction this long after approval (U2A) / creation (A2U) is cancelled. */
  transactionWindowSeconds: number;
  /** How often the sweeper applies overdue timeouts (they are also applied lazily on every access). */
  sweepIntervalSeconds: number;
  /** Lifetime of the hosted wallet page's wallet tokens (§3.17, §8: 10 min). */
  walletTokenTtlSeconds: number;
  /** Whether the ledger gateway shows wallet balances to anyone (§3.18). */
  gatewayPublicBalances: boolean;
}

export interface Config {
  host: string;
  port: number;
  publicUrl: string;
  dataDir: string;
  /** `sqlite:<absolute file path>` or a `postgres://` URL. */
  databaseUrl: string;
  adminUsername: string | null;
  adminPassword: string | null;
  /** 32 bytes; encrypts recoverable secrets at rest (AES-256-GCM). */
  masterKey: Buffer;
  blockIntervalMs: number;
  /** A transfer is irreversible once its block is followed by this many sealed blocks. */
  irreversibleAfterBlocks: number;
  sandbox: boolean;
  logLevel: LogLevel;
  bodyLimitBytes: number;
  idempotencyRetentionMs: number;
  shutdownGraceMs: number;
  /** `redis://` / `rediss://` URL of a Redis shared by every Plaza process for rate limits; null = in-process limits. */
  redisUrl: string | null;
  /** `smtp://` / `smtps://` URL of the mail relay; null = the development mailbox (`sandbox_mail`). */
  smtpUrl: string | null;
  /** Sender of outgoing mail (`From:`). */
  mailFrom: string;
  operator: OperatorControls;
  ulord: UlordSettings;
  /** Lifetimes of the OpenID Connect provider's artefacts. */
  oidc: OidcSettings;
  pi: PiSettings;
  kamiya: KamiyaSettings;
  /** WeChat integration and sandbox (spec/liveuser.md §8.1, §9), from the `wechat` section of PLAZA_CONFIG_FILE. */
  wechat: WechatSettings;
  /** The liveuser dialect's tokens and app selection (spec/liveuser.md §2.1, §7.1), from the `liveuser` section. */
  liveuser: LiveuserSettings;
  /** The YOYOW dialect's node-wide settings (spec/yoyow.md Appendix A), from the `yoyow` section. */
  yoyow: YoyowSettings;
}

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(`${variable}: ${message}`);
    this.name = 'ConfigError';
  }
}

export function defaultOperatorControls(): OperatorControls {
  return {
    maintenance: false,
    maintenanceEndpoints: [],
    disabledEndpoints: [],
    ipDenyList: [],
    perIpPerMinute: 600,
    perKeyPerMinute: 1200,
  };
}

export function defaultUlordSettings(): UlordSettings {
  return {
    assetSymbol: 'ULD',
    publishFee: '0',
    walletGrant: '0',
    developerGrant: '0',
    registrationOpen: true,
    tokenTtlSeconds: 21600,
    maxPageSize: 100,
    requireSecretForDeveloperWallet: true,
    payPasswordMaxFailures: 5,
    payPasswordLockSeconds: 900,
  };
}

export function defaultKamiyaSettings(): KamiyaSettings {
  return {
    checkinReward: '10.00',
    checkinTimeZone: 'Asia/Shanghai',
    platformFeeBps: 0,
    maxCreditPerCall: '1000000000000',
    requireEmailVerification: true,
  };
}

/** The liveuser dialect's settings (spec/liveuser.md §7.1); the WeChat ones are in `wechat`. */
export interface LiveuserSettings {
  /** Lifetime of an access token (`expiry` = issue second + this), seconds. */
  accessTokenTtlSeconds: number;
  /** A refresh token expires this long after its issue (rotation on) or its last use (rotation off); 0 = never. */
  refreshTokenTtlSeconds: number;
  /** How long after a rotation the rotated refresh token still replays that rotation's answer, seconds. */
  refreshGraceSeconds: number;
  /** Refresh-token rotation with reuse detection (on), or the original's reusable refresh token (off). */
  refreshRotation: boolean;
  /** Live session families per (app, user): the oldest is revoked when one more starts. */
  maxFamiliesPerUser: number;
  /** Appkey of the app a public method serves when neither `/apps/<appkey>` nor `X-Plaza-App` names one; '' = none. */
  defaultAppkey: string;
}

export function defaultLiveuserSettings(): LiveuserSettings {
  return {
    accessTokenTtlSeconds: 3600,
    refreshTokenTtlSeconds: 30 * 86400,
    refreshGraceSeconds: 30,
    refreshRotation: true,
    maxFamiliesPerUser: 10,
    defaultAppkey: '',
  };
}

/** The `liveuser` section, checked: whole-number durations in range, a 32-hex appkey or ''. */
function liveuserSettings(patch: unknown): LiveuserSettings {
  const l = overlay('liveuser', defaultLiveuserSettings(), patch);
  const ranges = {
    accessTokenTtlSeconds: [60, 86400],
    refreshTokenTtlSeconds: [0, 3650 * 86400],
    refreshGraceSeconds: [0, 3600],
    maxFamiliesPerUser: [1, 1000],
  } as const;
  for (const [field, [min, max]] of Object.entries(ranges) as Array<[keyof typeof ranges, readonly [number, number]]>) {
    if (!Number.isInteger(l[field]) || l[field] < min || l[field] > max) {
      throw new ConfigError('PLAZA_CONFIG_FILE', `"liveuser.${field}" must be a whole number ${min}..${max}`);
    }
  }
  l.defaultAppkey = l.defaultAppkey.toLowerCase();
  if (l.defaultAppkey !== '' && !/^[0-9a-f]{32}$/.test(l.defaultAppkey)) {
    throw new ConfigError('PLAZA_CONFIG_FILE', '"liveuser.defaultAppkey" must be an appkey (32 hex digits) or ""');
  }
  return l;
}

/** Platform-wide WeChat settings (spec/liveuser.md §8.1). Per-app credentials live in the database (0012_wechat). */
export interface WechatSettings {
  /** WeChat API base URL for apps in `live` mode (code2Session). */
  apiBaseUrl: string;
  /** WeChat Pay base URL for apps in `live` mode. */
  payBaseUrl: string;
  /** Largest |now − Wechatpay-Timestamp| accepted on responses and notifications, seconds. */
  notifyToleranceSeconds: number;
  /** How long a prepay_id is reused for the same order, seconds (WeChat keeps it 2 h). */
  prepayReuseSeconds: number;
  /** How often CREATED orders with a prepay_id are queried at WeChat Pay, seconds. */
  reconcileIntervalSeconds: number;
  /** The sandbox's notification retry delays after a failed delivery, seconds (§9.6). */
  sandboxNotifyRetrySeconds: number[];
}

export function defaultWechatSettings(): WechatSettings {
  return {
    apiBaseUrl: 'https://api.weixin.qq.com',
    payBaseUrl: 'https://api.mch.weixin.qq.com',
    notifyToleranceSeconds: 300,
    prepayReuseSeconds: 110 * 60,
    reconcileIntervalSeconds: 300,
    sandboxNotifyRetrySeconds: [15, 15, 30, 180, 600, 1200, 1800, 1800, 1800, 3600, 10800, 10800, 10800, 21600, 21600],
  };
}

/** The `wechat` section, checked: absolute http(s) base URLs, positive durations. */
function wechatSettings(patch: unknown): WechatSettings {
  const w = overlay('wechat', defaultWechatSettings(), patch);
  for (const field of ['apiBaseUrl', 'payBaseUrl'] as const) {
    let url: URL | null = null;
    try {
      url = new URL(w[field]);
    } catch {
      url = null;
    }
    if (url === null || (url.protocol !== 'https:' && url.protocol !== 'http:') || url.search !== '') {
      throw new ConfigError('PLAZA_CONFIG_FILE', `"wechat.${field}" must be an absolute http(s) URL without a query`);
    }
    w[field] = w[field].replace(/\/+$/, '');
  }
  for (const field of ['notifyToleranceSeconds', 'prepayReuseSeconds', 'reconcileIntervalSeconds'] as const) {
    if (!Number.isInteger(w[field]) || w[field] < 1) throw new ConfigError('PLAZA_CONFIG_FILE', `"wechat.${field}" must be a whole number >= 1`);
  }
  if (w.prepayReuseSeconds > 7200) throw new ConfigError('PLAZA_CONFIG_FILE', '"wechat.prepayReuseSeconds" must not exceed 7200 (WeChat\'s own validity)');
  if (w.sandboxNotifyRetrySeconds.some((v) => !Number.isInteger(v) || v < 0)) {
    throw new ConfigError('PLAZA_CONFIG_FILE', '"wechat.sandboxNotifyRetrySeconds" must hold whole numbers >= 0');
  }
  return w;
}

export function defaultPiSettings(): PiSettings {
  return {
    accessTokenTtlSeconds: 24 * 3600,
    assetSymbol: 'PI',
    approvalWindowSeconds: 60,
    transactionWindowSeconds: 600,
    sweepIntervalSeconds: 5,
    walletTokenTtlSeconds: 600,
    gatewayPublicBalances: true,
  };
}

const ASSET_SYMBOL = /^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$/;

/** The PLAZA_PI_* variables over the defaults (spec/pi.md §8). */
function piSettings(env: Env): PiSettings {
  const d = defaultPiSettings();
  const assetSymbol = text(env, 'PLAZA_PI_ASSET_SYMBOL', d.assetSymbol);
  if (!ASSET_SYMBOL.test(assetSymbol)) throw new ConfigError('PLAZA_PI_ASSET_SYMBOL', 'must be 1-32 letters, digits, ".", "_" or "-", starting with a letter or digit');
  return {
    accessTokenTtlSeconds: integer(env, 'PLAZA_PI_ACCESS_TOKEN_TTL_SECONDS', d.accessTokenTtlSeconds, 60, 30 * DAY_SECONDS),
    assetSymbol,
    approvalWindowSeconds: integer(env, 'PLAZA_PI_APPROVAL_WINDOW_SECONDS', d.approvalWindowSeconds, 1, DAY_SECONDS),
    transactionWindowSeconds: integer(env, 'PLAZA_PI_TRANSACTION_WINDOW_SECONDS', d.transactionWindowSeconds, 1, 30 * DAY_SECONDS),
    sweepIntervalSeconds: integer(env, 'PLAZA_PI_SWEEP_INTERVAL_SECONDS', d.sweepIntervalSeconds, 1, 3600),
    walletTokenTtlSeconds: integer(env, 'PLAZA_PI_WALLET_TOKEN_TTL_SECONDS', d.walletTokenTtlSeconds, 60, DAY_SECONDS),
    gatewayPublicBalances: flag(env, 'PLAZA_PI_GATEWAY_PUBLIC_BALANCES', d.gatewayPublicBalances),
  };
}

type Env = Record<string, string | undefined>;

const LOG_LEVELS: readonly LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

function text(env: Env, name: string, fallback: string): string {
  const v = env[name];
  return v === undefined || v === '' ? fallback : v;
}

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^[0-9]+$/.test(raw)) throw new ConfigError(name, `must be a whole number, got ${JSON.stringify(raw)}`);
  const n = Number(raw);
  if (n < min || n > max) throw new ConfigError(name, `must be between ${min} and ${max}, got ${n}`);
  return n;
}

function flag(env: Env, name: string, fallback: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (/^(1|true|yes|on)$/i.test(raw)) return true;
  if (/^(0|false|no|off)$/i.test(raw)) return false;
  throw new ConfigError(name, `must be true or false, got ${JSON.stringify(raw)}`);
}

function parseMasterKey(name: string, raw: string): Buffer {
  const trimmed = raw.trim();
  if (/^[0-9a-fA-F]{64}$/.test(trimmed)) return Buffer.from(trimmed, 'hex');
  const b = Buffer.from(trimmed, 'base64');
  if (b.length === 32 && /^[A-Za-z0-9+/_-]+=*$/.test(trimmed)) return b;
  throw new ConfigError(name, 'must be 32 bytes as 64 hex digits or base64');
}

/** Reads the master key from the environment, or from `<dataDir>/master.key`, generating that file (0600) once. */
function loadMasterKey(env: Env, dataDir: string): Buffer {
  const raw = env.PLAZA_MASTER_KEY;
  if (raw !== undefined && raw !== '') return parseMasterKey('PLAZA_MASTER_KEY', raw);
  const file = join(dataDir, 'master.key');
  if (existsSync(file)) return parseMasterKey(file, readFileSync(file, 'utf8'));
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(file, randomBytes(32).toString('hex') + '\n', { mode: 0o600, flag: 'wx' });
  chmodSync(file, 0o600);
  return parseMasterKey(file, readFileSync(file, 'utf8'));
}

function parseDatabaseUrl(raw: string | undefined, dataDir: string): string {
  if (raw === undefined || raw === '') return `sqlite:${join(dataDir, 'plaza.db')}`;
  if (/^postgres(ql)?:\/\//.test(raw)) {
    try {
      new URL(raw);
    } catch {
      throw new ConfigError('PLAZA_DATABASE_URL', 'is not a valid postgres:// URL');
    }
    return raw;
  }
  if (raw.startsWith('sqlite:')) {
    const path = raw.slice('sqlite:'.length).replace(/^\/\//, '');
    if (path === '') throw new ConfigError('PLAZA_DATABASE_URL', 'sqlite: needs a file path');
    return `sqlite:${path === ':memory:' ? path : resolve(path)}`;
  }
  throw new ConfigError('PLAZA_DATABASE_URL', 'must start with postgres://, postgresql:// or sqlite:');
}

function readConfigFile(env: Env): Record<string, unknown> {
  const file = env.PLAZA_CONFIG_FILE;
  if (file === undefined || file === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new ConfigError('PLAZA_CONFIG_FILE', `cannot read JSON from ${file}: ${(err as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new ConfigError('PLAZA_CONFIG_FILE', 'must hold a JSON object');
  }
  return parsed as Record<string, unknown>;
}

/** Overlays the keys of `patch` that exist in `base` and have the same JSON type; anything else is an error. */
function overlay<T extends object>(section: string, base: T, patch: unknown): T {
  if (patch === undefined) return base;
  if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) {
    throw new ConfigError('PLAZA_CONFIG_FILE', `"${section}" must be an object`);
  }
  const out: Record<string, unknown> = { ...(base as Record<string, unknown>) };
  for (const [k, v] of Object.entries(patch)) {
    if (!(k in base)) throw new ConfigError('PLAZA_CONFIG_FILE', `unknown setting "${section}.${k}"`);
    const expected = (base as Record<string, unknown>)[k];
    const sameType = Array.isArray(expected) ? Array.isArray(v) : typeof v === typeof expected;
    if (!sameType) throw new ConfigError('PLAZA_CONFIG_FILE', `"${section}.${k}" has the wrong type`);
    out[k] = v;
  }
  return out as T;
}

function parseRedisUrl(raw: string | undefined): string | null {
  if (raw === undefined || raw === '') return null;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError('PLAZA_REDIS_URL', 'is not a URL (expected redis://[user:password@]host[:port][/db])');
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') throw new ConfigError('PLAZA_REDIS_URL', 'must start with redis:// or rediss://');
  if (url.hostname === '') throw new ConfigError('PLAZA_REDIS_URL', 'needs a host');
  if (url.pathname !== '' && url.pathname !== '/' && !/^\/[0-9]{1,2}$/.test(url.pathname)) {
    throw new ConfigError('PLAZA_REDIS_URL', 'the path, when given, is a database number (redis://host:6379/0)');
  }
  return raw;
}

function parseSmtpUrl(raw: string | undefined): string | null {
  if (raw === undefined || raw === '') return null;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError('PLAZA_SMTP_URL', 'is not a URL (expected smtp://[user:password@]host[:port] or smtps://…)');
  }
  if (url.protocol !== 'smtp:' && url.protocol !== 'smtps:') throw new ConfigError('PLAZA_SMTP_URL', 'must start with smtp:// or smtps://');
  if (url.hostname === '') throw new ConfigError('PLAZA_SMTP_URL', 'needs a host');
  return raw;
}

/** The operator section of the configuration file, checked as the admin API checks a change (CIDR syntax, limits). */
function operatorControls(patch: unknown): OperatorControls {
  const controls = overlay('operator', defaultOperatorControls(), patch);
  for (const field of ['perIpPerMinute', 'perKeyPerMinute'] as const) {
    if (!Number.isInteger(controls[field]) || controls[field] < 0) throw new ConfigError('PLAZA_CONFIG_FILE', `"operator.${field}" must be a whole number >= 0`);
  }
  for (const field of ['maintenanceEndpoints', 'disabledEndpoints', 'ipDenyList'] as const) {
    if (controls[field].some((v) => typeof v !== 'string')) throw new ConfigError('PLAZA_CONFIG_FILE', `"operator.${field}" must hold strings`);
  }
  for (const entry of controls.ipDenyList) {
    const problem = cidrProblem(entry);
    if (problem !== null) throw new ConfigError('PLAZA_CONFIG_FILE', `"operator.ipDenyList": ${problem}`);
  }
  return controls;
}

/** The `kamiya` section, checked: amounts exact at 2 places, fee a whole number of basis points, a real time zone. */
function kamiyaSettings(patch: unknown): KamiyaSettings {
  const k = overlay('kamiya', defaultKamiyaSettings(), patch);
  const reward = parseDecimal(k.checkinReward, 2);
  if (typeof reward !== 'bigint' || reward < 0n) throw new ConfigError('PLAZA_CONFIG_FILE', '"kamiya.checkinReward" must be a decimal >= 0 with at most 2 places');
  const max = parseDecimal(k.maxCreditPerCall, 2);
  if (typeof max !== 'bigint' || max <= 0n || max > 100_000_000_000_000n) {
    throw new ConfigError('PLAZA_CONFIG_FILE', '"kamiya.maxCreditPerCall" must be a decimal in (0, 1000000000000] with at most 2 places');
  }
  if (!Number.isInteger(k.platformFeeBps) || k.platformFeeBps < 0 || k.platformFeeBps > 10_000) {
    throw new ConfigError('PLAZA_CONFIG_FILE', '"kamiya.platformFeeBps" must be a whole number 0..10000');
  }
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: k.checkinTimeZone });
  } catch {
    throw new ConfigError('PLAZA_CONFIG_FILE', `"kamiya.checkinTimeZone" is not a known IANA time zone: ${JSON.stringify(k.checkinTimeZone)}`);
  }
  return k;
}

/** YOYOW fees in base units per operation (spec/yoyow.md §5.4); per-app overrides in the app's `yoyow.fees`. */
export interface YoyowFees {
  transfer: number;
  post: number;
  score_create: number;
  reward_proxy: number;
  license_create: number;
  advertising_create: number;
  advertising_update: number;
  advertising_confirm: number;
  advertising_buy: number;
  advertising_ransom: number;
}

/** An asset exposed to the YOYOW dialect besides YOYO (spec/yoyow.md §5.2 `yoyow.assets`). */
export interface YoyowExposedAsset {
  /** The Plaza ledger asset's symbol. */
  symbol: string;
  /** Its YOYOW `asset_id` (≥ 1; 0 is YOYO). */
  assetId: number;
}

/** The node-wide settings of the YOYOW dialect (spec/yoyow.md Appendix A), from the `yoyow` section. */
export interface YoyowSettings {
  /** Appkey of the app a request serves when neither `/apps/<appkey>` nor `X-Plaza-App` names one; '' = none. */
  defaultApp: string;
  /** §2.5: maximum age of a secure request's `time`, seconds (per-app override `secure_ageing`). */
  secureAgeing: number;
  /** §2.5: maximum lead of `time` over the server clock, seconds; 0 disables (per-app `secure_future_skew`). */
  secureFutureSkew: number;
  /** §2.5 step 6 (per-app `replay_protection`). */
  replayProtection: boolean;
  /** §2.3: largest POST body, bytes (never above the server's PLAZA_BODY_LIMIT_BYTES, which applies first). */
  maxBody: number;
  /** §3.1: every request is answered within this many seconds (HTTP 500 otherwise). */
  requestTimeoutSeconds: number;
  /** §4.27: the scan-login callback's timeout, seconds. */
  scanLoginTimeoutSeconds: number;
  /** §4.26: what the login QR code holds. */
  qrFormat: 'json' | 'url';
  /** §4.15: whether a default licence is created with each platform. */
  defaultLicense: boolean;
  /** §5.2: YOYO's max supply, base units. */
  maxSupply: number;
  /** §5.2: other assets exposed to the dialect. */
  assets: YoyowExposedAsset[];
  /** §5.3 csaf accrual. */
  csaf: { rate: number; maxPerAccount: number; window: number; welcomeGrant: number };
  /** Appendix A: largest csaf grant of one approval, base units. */
  maxCsafPerApproval: number;
  /** §5.9. */
  advertising: { confirmedFeeRate: number; confirmedMinFee: number; ransomAfter: number };
  /** §5.4. */
  fees: YoyowFees;
}

export function defaultYoyowSettings(): YoyowSettings {
  return {
    defaultApp: '',
    secureAgeing: 120,
    secureFutureSkew: 300,
    replayProtection: true,
    maxBody: 1024 * 1024,
    requestTimeoutSeconds: 30,
    scanLoginTimeoutSeconds: 10,
    qrFormat: 'json',
    defaultLicense: true,
    maxSupply: 200_000_000_000_000,
    assets: [],
    csaf: { rate: 864_000_000, maxPerAccount: 100_000_000, window: 604_800, welcomeGrant: 1_000_000 },
    maxCsafPerApproval: 100_000_000,
    advertising: { confirmedFeeRate: 10, confirmedMinFee: 2_000_000, ransomAfter: 604_800 },
    fees: {
      transfer: 1000,
      post: 1000,
      score_create: 1000,
      reward_proxy: 1000,
      license_create: 1000,
      advertising_create: 1000,
      advertising_update: 1000,
      advertising_confirm: 1000,
      advertising_buy: 1000,
      advertising_ransom: 0,
    },
  };
}

function wholeIn(section: string, field: string, v: number, min: number, max: number): void {
  if (!Number.isSafeInteger(v) || v < min || v > max) throw new ConfigError('PLAZA_CONFIG_FILE', `"${section}.${field}" must be a whole number ${min}..${max}`);
}

/** The `yoyow` section, checked; the nested `csaf`, `advertising` and `fees` objects overlay member by member. */
function yoyowSettings(patch: unknown): YoyowSettings {
  const base = defaultYoyowSettings();
  const y = overlay('yoyow', base, patch);
  y.csaf = overlay('yoyow.csaf', base.csaf, y.csaf === base.csaf ? undefined : y.csaf);
  y.advertising = overlay('yoyow.advertising', base.advertising, y.advertising === base.advertising ? undefined : y.advertising);
  y.fees = overlay('yoyow.fees', base.fees, y.fees === base.fees ? undefined : y.fees);
  y.defaultApp = y.defaultApp.toLowerCase();
  if (y.defaultApp !== '' && !/^[0-9a-f]{32}$/.test(y.defaultApp)) throw new ConfigError('PLAZA_CONFIG_FILE', '"yoyow.defaultApp" must be an appkey (32 hex digits) or ""');
  wholeIn('yoyow', 'secureAgeing', y.secureAgeing, 1, 30 * 86400);
  wholeIn('yoyow', 'secureFutureSkew', y.secureFutureSkew, 0, 30 * 86400);
  wholeIn('yoyow', 'maxBody', y.maxBody, 1024, 64 * 1024 * 1024);
  wholeIn('yoyow', 'requestTimeoutSeconds', y.requestTimeoutSeconds, 1, 600);
  wholeIn('yoyow', 'scanLoginTimeoutSeconds', y.scanLoginTimeoutSeconds, 1, 120);
  wholeIn('yoyow', 'maxSupply', y.maxSupply, 1, Number.MAX_SAFE_INTEGER);
  wholeIn('yoyow', 'maxCsafPerApproval', y.maxCsafPerApproval, 0, Number.MAX_SAFE_INTEGER);
  if (y.qrFormat !== 'json' && y.qrFormat !== 'url') throw new ConfigError('PLAZA_CONFIG_FILE', '"yoyow.qrFormat" must be "json" or "url"');
  wholeIn('yoyow.csaf', 'rate', y.csaf.rate, 1, Number.MAX_SAFE_INTEGER);
  wholeIn('yoyow.csaf', 'maxPerAccount', y.csaf.maxPerAccount, 0, Number.MAX_SAFE_INTEGER);
  wholeIn('yoyow.csaf', 'window', y.csaf.window, 0, Number.MAX_SAFE_INTEGER);
  wholeIn('yoyow.csaf', 'welcomeGrant', y.csaf.welcomeGrant, 0, Number.MAX_SAFE_INTEGER);
  wholeIn('yoyow.advertising', 'confirmedFeeRate', y.advertising.confirmedFeeRate, 0, 10_000);
  wholeIn('yoyow.advertising', 'confirmedMinFee', y.advertising.confirmedMinFee, 0, Number.MAX_SAFE_INTEGER);
  wholeIn('yoyow.advertising', 'ransomAfter', y.advertising.ransomAfter, 0, 10 * 365 * 86400);
  for (const [op, fee] of Object.entries(y.fees)) wholeIn('yoyow.fees', op, fee, 0, Number.MAX_SAFE_INTEGER);
  const ids = new Set<number>();
  for (const a of y.assets) {
    if (typeof a !== 'object' || a === null || typeof a.symbol !== 'string' || a.symbol === '') throw new ConfigError('PLAZA_CONFIG_FILE', '"yoyow.assets" entries are {"symbol", "assetId"}');
    wholeIn('yoyow.assets', 'assetId', a.assetId, 1, 0xffffffff);
    if (ids.has(a.assetId)) throw new ConfigError('PLAZA_CONFIG_FILE', `"yoyow.assets" names asset_id ${a.assetId} twice`);
    ids.add(a.assetId);
  }
  return y;
}

const DAY_SECONDS = 86400;

/**
 * The OIDC lifetimes the environment sets. The library refuses a refresh token whose grant has expired, so the grant
 * lives at least as long as a refresh token: raising the refresh lifetime then really lengthens it.
 */
function oidcSettings(env: Env): OidcSettings {
  const defaults = defaultOidcSettings();
  const refreshTokenTtlSeconds = integer(env, 'PLAZA_OIDC_REFRESH_TOKEN_TTL_SECONDS', defaults.refreshTokenTtlSeconds, 3600, 365 * DAY_SECONDS);
  return {
    ...defaults,
    accessTokenTtlSeconds: integer(env, 'PLAZA_OIDC_ACCESS_TOKEN_TTL_SECONDS', defaults.accessTokenTtlSeconds, 60, DAY_SECONDS),
    // RFC 6749 §4.1.2: a code lives at most 10 minutes.
    authorizationCodeTtlSeconds: integer(env, 'PLAZA_OIDC_CODE_TTL_SECONDS', defaults.authorizationCodeTtlSeconds, 10, 600),
    refreshTokenTtlSeconds,
    grantTtlSeconds: Math.max(defaults.grantTtlSeconds, refreshTokenTtlSeconds),
  };
}

function mailFrom(env: Env): string {
  const v = text(env, 'PLAZA_MAIL_FROM', 'Plaza <no-reply@localhost>');
  if (/[\r\n]/.test(v) || !/@/.test(v)) throw new ConfigError('PLAZA_MAIL_FROM', 'must be one line holding an email address');
  return v;
}

/** Builds the configuration from environment variables (and the optional JSON file named by PLAZA_CONFIG_FILE). */
export function loadConfig(env: Env = process.env): Config {
  const dataDirRaw = text(env, 'PLAZA_DATA_DIR', './data');
  const dataDir = isAbsolute(dataDirRaw) ? dataDirRaw : resolve(dataDirRaw);
  const host = text(env, 'PLAZA_HOST', '127.0.0.1');
  const port = integer(env, 'PLAZA_PORT', 3000, 0, 65535);
  const publicUrl = text(env, 'PLAZA_PUBLIC_URL', `http://${host.includes(':') ? `[${host}]` : host}:${port}`);
  try {
    new URL(publicUrl);
  } catch {
    throw new ConfigError('PLAZA_PUBLIC_URL', `is not a URL: ${JSON.stringify(publicUrl)}`);
  }
  const adminUsername = env.PLAZA_ADMIN_USERNAME || null;
  const adminPassword = env.PLAZA_ADMIN_PASSWORD || null;
  if ((adminUsername === null) !== (adminPassword === null)) {
    throw new ConfigError(adminUsername === null ? 'PLAZA_ADMIN_USERNAME' : 'PLAZA_ADMIN_PASSWORD', 'PLAZA_ADMIN_USERNAME and PLAZA_ADMIN_PASSWORD go together');
  }
  if (adminPassword !== null && adminPassword.length < 6) {
    throw new ConfigError('PLAZA_ADMIN_PASSWORD', 'must be at least 6 characters');
  }
  const logLevel = text(env, 'PLAZA_LOG_LEVEL', 'info') as LogLevel;
  if (!LOG_LEVELS.includes(logLevel)) throw new ConfigError('PLAZA_LOG_LEVEL', `must be one of ${LOG_LEVELS.join(', ')}`);
  const file = readConfigFile(env);
  const databaseUrl = parseDatabaseUrl(env.PLAZA_DATABASE_URL, dataDir);
  return {
    host,
    port,
    publicUrl: publicUrl.replace(/\/+$/, ''),
    dataDir,
    databaseUrl,
    adminUsername,
    adminPassword,
    masterKey: loadMasterKey(env, dataDir),
    blockIntervalMs: integer(env, 'PLAZA_BLOCK_INTERVAL_MS', 3000, 50, 3_600_000),
    irreversibleAfterBlocks: integer(env, 'PLAZA_IRREVERSIBLE_AFTER_BLOCKS', 2, 0, 1000),
    sandbox: flag(env, 'PLAZA_SANDBOX', env.NODE_ENV !== 'production'),
    logLevel,
    bodyLimitBytes: integer(env, 'PLAZA_BODY_LIMIT_BYTES', 1024 * 1024, 1024, 64 * 1024 * 1024),
    idempotencyRetentionMs: integer(env, 'PLAZA_IDEMPOTENCY_RETENTION_SECONDS', 86400, 60, 30 * 86400) * 1000,
    shutdownGraceMs: integer(env, 'PLAZA_SHUTDOWN_GRACE_MS', 10_000, 0, 600_000),
    redisUrl: parseRedisUrl(env.PLAZA_REDIS_URL),
    smtpUrl: parseSmtpUrl(env.PLAZA_SMTP_URL),
    mailFrom: mailFrom(env),
    operator: operatorControls(file.operator),
    ulord: overlay('ulord', defaultUlordSettings(), file.ulord),
    kamiya: kamiyaSettings(file.kamiya),
    wechat: wechatSettings(file.wechat),
    liveuser: liveuserSettings(file.liveuser),
    yoyow: yoyowSettings(file.yoyow),
    oidc: oidcSettings(env),
    pi: piSettings(env),
  };
}

/** A configuration for tests and tools: defaults, an in-memory master key, overridable per field. */
export function testConfig(overrides: Partial<Config> = {}): Config {
  return {
    host: '127.0.0.1',
    port: 0,
    publicUrl: 'http://127.0.0.1:3000',
    dataDir: '/tmp/plaza-test',
    databaseUrl: 'sqlite::memory:',
    adminUsername: null,
    adminPassword: null,
    masterKey: Buffer.alloc(32, 7),
    blockIntervalMs: 3000,
    irreversibleAfterBlocks: 2,
    sandbox: true,
    logLevel: 'silent',
    bodyLimitBytes: 1024 * 1024,
    idempotencyRetentionMs: 86_400_000,
    shutdownGraceMs: 1000,
    redisUrl: null,
    smtpUrl: null,
    mailFrom: 'Plaza <no-reply@localhost>',
    operator: { ...defaultOperatorControls(), perIpPerMinute: 0, perKeyPerMinute: 0 },
    ulord: defaultUlordSettings(),
    oidc: defaultOidcSettings(),
    pi: defaultPiSettings(),
    kamiya: defaultKamiyaSettings(),
    wechat: defaultWechatSettings(),
    liveuser: defaultLiveuserSettings(),
    yoyow: defaultYoyowSettings(),
    ...overrides,
  };
}
