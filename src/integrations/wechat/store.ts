// Per-app WeChat configuration at rest (`wechat_configs`, spec/liveuser.md §8.1): identifiers and platform keys in
// clear, AppSecret / merchant private key / APIv3 key sealed with the secret box (each under its own purpose, so a
// value cannot be moved to another column). Also the switch to sandbox mode (§9.1), which generates credentials and
// registers them with the built-in sandbox in the caller's transaction.
import { randomBytes, randomInt } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Clock } from '../../core/clock.js';
import type { SecretBox } from '../../core/crypto/secretbox.js';
import type { DB } from '../../db/schema.js';
import { toNum } from '../../db/values.js';
import { ensureSandboxState, registerSandboxMerchant } from '../../sandbox/wechat/state.js';
import { alnumNonce, generateMerchantKeys, publicKeyOf } from './crypto.js';
import type { MaskedWechatConfig, PlatformKey, WechatAppConfig } from './types.js';

const PURPOSE = {
  appSecret: 'wechat.app_secret',
  merchantKey: 'wechat.merchant_key',
  apiV3Key: 'wechat.api_v3_key',
} as const;

/** The configuration with its row times. */
export interface StoredWechatConfig extends WechatAppConfig {
  createdAt: number;
  updatedAt: number;
}

function parsePlatformKeys(text: string): PlatformKey[] {
  const parsed: unknown = JSON.parse(text);
  if (!Array.isArray(parsed)) return [];
  return parsed.flatMap((k: unknown) => {
    if (typeof k !== 'object' || k === null) return [];
    const { serial, publicKeyPem } = k as Record<string, unknown>;
    return typeof serial === 'string' && typeof publicKeyPem === 'string' ? [{ serial, publicKeyPem }] : [];
  });
}

/** The app's WeChat configuration with its secrets opened, or null when the app has none. */
export async function getWechatConfig(db: Kysely<DB>, appId: number, box: SecretBox): Promise<StoredWechatConfig | null> {
  const row = await db.selectFrom('wechat_configs').selectAll().where('app_id', '=', appId).executeTakeFirst();
  if (row === undefined) return null;
  return {
    mode: row.mode,
    appid: row.appid,
    appSecret: box.open(row.app_secret_enc, PURPOSE.appSecret),
    mchid: row.mchid,
    merchantSerial: row.merchant_serial,
    merchantPrivateKeyPem: box.open(row.merchant_key_enc, PURPOSE.merchantKey),
    apiV3Key: box.open(row.api_v3_key_enc, PURPOSE.apiV3Key),
    platformKeys: parsePlatformKeys(row.platform_keys),
    notifyUrl: row.notify_url,
    createdAt: toNum(row.created_at),
    updatedAt: toNum(row.updated_at),
  };
}

function rowValues(cfg: WechatAppConfig, box: SecretBox, now: number) {
  return {
    mode: cfg.mode,
    appid: cfg.appid,
    app_secret_enc: box.seal(cfg.appSecret, PURPOSE.appSecret),
    mchid: cfg.mchid,
    merchant_serial: cfg.merchantSerial,
    merchant_key_enc: box.seal(cfg.merchantPrivateKeyPem, PURPOSE.merchantKey),
    api_v3_key_enc: box.seal(cfg.apiV3Key, PURPOSE.apiV3Key),
    platform_keys: JSON.stringify(cfg.platformKeys.map((k) => ({ serial: k.serial, publicKeyPem: k.publicKeyPem }))),
    notify_url: cfg.notifyUrl,
    updated_at: now,
  };
}

/** Creates or replaces the app's configuration (the caller validated it, e.g. the admin API). */
export async function setWechatConfig(trx: Kysely<DB>, appId: number, cfg: WechatAppConfig, box: SecretBox, clock: Clock): Promise<void> {
  const now = clock.now();
  const values = rowValues(cfg, box, now);
  await trx
    .insertInto('wechat_configs')
    .values({ app_id: appId, created_at: now, ...values })
    .onConflict((oc) => oc.column('app_id').doUpdateSet(values))
    .execute();
}

/** §6.3: login needs the appid and the AppSecret. */
export function wechatLoginConfigured(cfg: WechatAppConfig | null): cfg is WechatAppConfig {
  return cfg !== null && cfg.appid !== '' && cfg.appSecret !== '';
}

/** §6.5: WeChat Pay needs the merchant identity, its key, the APIv3 key and a platform key. */
export function wechatPayConfigured(cfg: WechatAppConfig | null): cfg is WechatAppConfig {
  return (
    cfg !== null &&
    cfg.appid !== '' &&
    cfg.mchid !== '' &&
    cfg.merchantSerial !== '' &&
    cfg.merchantPrivateKeyPem !== '' &&
    cfg.apiV3Key.length === 32 &&
    cfg.platformKeys.length > 0
  );
}

function mask(secret: string): string {
  if (secret === '') return '';
  return secret.length <= 8 ? '****' : `****${secret.slice(-4)}`;
}

/** What the console and admin API show: secrets and the private key masked, public material in full. */
export function maskWechatConfig(cfg: WechatAppConfig, updatedAt: number): MaskedWechatConfig {
  return {
    mode: cfg.mode,
    appid: cfg.appid,
    appSecret: mask(cfg.appSecret),
    mchid: cfg.mchid,
    merchantSerial: cfg.merchantSerial,
    merchantPrivateKey: cfg.merchantPrivateKeyPem === '' ? '' : '****',
    merchantPublicKeyPem: cfg.merchantPrivateKeyPem === '' ? '' : (publicKeyOf(cfg.merchantPrivateKeyPem) ?? ''),
    apiV3Key: mask(cfg.apiV3Key),
    platformKeys: cfg.platformKeys,
    notifyUrl: cfg.notifyUrl,
    updatedAt,
  };
}

export interface SandboxWechatDeps {
  box: SecretBox;
  clock: Clock;
}

/** Fresh sandbox credentials (§9.1). Generating the RSA key takes tens of ms: do it before opening a transaction. */
export interface SandboxCredentials {
  appid: string;
  appSecret: string;
  mchid: string;
  merchantSerial: string;
  merchantPrivateKeyPem: string;
  merchantPublicKeyPem: string;
  apiV3Key: string;
}

export function generateSandboxCredentials(): SandboxCredentials {
  const keys = generateMerchantKeys();
  let mchid = '19';
  for (let i = 0; i < 8; i++) mchid += String(randomInt(10));
  return {
    appid: `wx${randomBytes(8).toString('hex')}`,
    appSecret: randomBytes(16).toString('hex'),
    mchid,
    merchantSerial: keys.serial,
    merchantPrivateKeyPem: keys.privateKeyPem,
    merchantPublicKeyPem: keys.publicKeyPem,
    apiV3Key: alnumNonce(32),
  };
}

/**
 * Switches the app to `sandbox` mode (§9.1): stores fresh credentials, registers appid, AppSecret, mchid and the
 * merchant public key with the sandbox, and takes the sandbox's platform key as the app's only platform key. The
 * notify URL override is kept. Returns the stored configuration.
 */
export async function enableSandboxWechat(
  trx: Kysely<DB>,
  appId: number,
  deps: SandboxWechatDeps,
  credentials: SandboxCredentials = generateSandboxCredentials(),
): Promise<WechatAppConfig> {
  const previous = await trx.selectFrom('wechat_configs').select('notify_url').where('app_id', '=', appId).executeTakeFirst();
  const cfg = await registeredSandboxConfig(trx, appId, deps, credentials, previous?.notify_url ?? null);
  await setWechatConfig(trx, appId, cfg, deps.box, deps.clock);
  return cfg;
}

/** Registers the credentials with the sandbox and returns the app configuration that uses them. */
async function registeredSandboxConfig(trx: Kysely<DB>, appId: number, deps: SandboxWechatDeps, credentials: SandboxCredentials, notifyUrl: string | null): Promise<WechatAppConfig> {
  const state = await ensureSandboxState(trx, deps.box, deps.clock);
  await registerSandboxMerchant(trx, deps, {
    appId,
    appid: credentials.appid,
    appSecret: credentials.appSecret,
    mchid: credentials.mchid,
    merchantSerial: credentials.merchantSerial,
    merchantPublicKeyPem: credentials.merchantPublicKeyPem,
    apiV3Key: credentials.apiV3Key,
  });
  return {
    mode: 'sandbox',
    appid: credentials.appid,
    appSecret: credentials.appSecret,
    mchid: credentials.mchid,
    merchantSerial: credentials.merchantSerial,
    merchantPrivateKeyPem: credentials.merchantPrivateKeyPem,
    apiV3Key: credentials.apiV3Key,
    platformKeys: [{ serial: state.platformKeyId, publicKeyPem: state.platformPublicKeyPem }],
    notifyUrl,
  };
}

/**
 * "Sandbox mode is the default for new apps in development" (§9.1): the app's configuration, creating a sandbox one
 * when it has none. Runs its own transaction (the key is generated before it); of two racing first calls one
 * configuration wins and both return it (the loser's sandbox registration stays unused). The caller decides
 * whether the sandbox is on (`config.sandbox`).
 */
export async function ensureSandboxWechat(db: Kysely<DB>, appId: number, deps: SandboxWechatDeps): Promise<StoredWechatConfig> {
  const existing = await getWechatConfig(db, appId, deps.box);
  if (existing !== null) return existing;
  const credentials = generateSandboxCredentials();
  await db.transaction().execute(async (trx) => {
    const cfg = await registeredSandboxConfig(trx, appId, deps, credentials, null);
    const now = deps.clock.now();
    // Insert-if-absent: a racing creator waits on the key and then inserts nothing (its transaction still commits
    // its unused sandbox registration, which is harmless).
    await trx
      .insertInto('wechat_configs')
      .values({ app_id: appId, created_at: now, ...rowValues(cfg, deps.box, now) })
      .onConflict((oc) => oc.column('app_id').doNothing())
      .execute();
  });
  const stored = await getWechatConfig(db, appId, deps.box);
  if (stored === null) throw new Error(`wechat configuration of app ${appId} missing after creation`);
  return stored;
}
