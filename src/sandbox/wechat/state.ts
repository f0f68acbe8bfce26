// The WeChat sandbox's persistent identity (spec/liveuser.md §9.1): the sandbox seed (32 random bytes, so sandbox
// openids survive restarts), the deployment's platform key pair, registered merchants, and the openid/unionid
// derivation. Created lazily and race-free (insert … on conflict do nothing, then read back the winner).
import { createHash, createHmac, randomBytes, randomInt } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Clock } from '../../core/clock.js';
import type { SecretBox } from '../../core/crypto/secretbox.js';
import type { DB } from '../../db/schema.js';
import { generateMerchantKeys } from '../../integrations/wechat/crypto.js';

const PURPOSE = {
  seed: 'sandbox.wechat.seed',
  platformKey: 'sandbox.wechat.platform_key',
  apiV3Key: 'sandbox.wechat.api_v3_key',
} as const;

export interface SandboxState {
  seed: Buffer;
  platformKeyId: string;
  platformPrivateKeyPem: string;
  platformPublicKeyPem: string;
}

async function readState(db: Kysely<DB>, box: SecretBox): Promise<SandboxState | null> {
  const row = await db.selectFrom('sandbox_wechat_state').selectAll().where('id', '=', 1).executeTakeFirst();
  if (row === undefined) return null;
  return {
    seed: Buffer.from(box.open(row.seed_enc, PURPOSE.seed), 'base64'),
    platformKeyId: row.platform_key_id,
    platformPrivateKeyPem: box.open(row.platform_private_key_enc, PURPOSE.platformKey),
    platformPublicKeyPem: row.platform_public_key,
  };
}

/** The sandbox state, created on first use (the first of two racing creators wins; both read the winner). */
export async function ensureSandboxState(db: Kysely<DB>, box: SecretBox, clock: Clock): Promise<SandboxState> {
  const existing = await readState(db, box);
  if (existing !== null) return existing;
  const keys = generateMerchantKeys();
  let keyId = 'PUB_KEY_ID_';
  for (let i = 0; i < 32; i++) keyId += String(randomInt(10));
  await db
    .insertInto('sandbox_wechat_state')
    .values({
      id: 1,
      seed_enc: box.seal(randomBytes(32).toString('base64'), PURPOSE.seed),
      platform_key_id: keyId,
      platform_private_key_enc: box.seal(keys.privateKeyPem, PURPOSE.platformKey),
      platform_public_key: keys.publicKeyPem,
      created_at: clock.now(),
    })
    .onConflict((oc) => oc.column('id').doNothing())
    .execute();
  const state = await readState(db, box);
  if (state === null) throw new Error('sandbox state missing after creation');
  return state;
}

/** §9.1: `o` + the first 27 characters of base64url(HMAC-SHA256(seed, appid + "\n" + user)). */
export function sandboxOpenid(seed: Buffer, appid: string, user: string): string {
  return 'o' + createHmac('sha256', seed).update(`${appid}\n${user}`, 'utf8').digest('base64url').slice(0, 27);
}

/** §9.1: the same for every appid. */
export function sandboxUnionid(seed: Buffer, user: string): string {
  return 'o' + createHmac('sha256', seed).update(`union\n${user}`, 'utf8').digest('base64url').slice(0, 27);
}

export function secretHash(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

export interface SandboxMerchantRegistration {
  appId: number;
  appid: string;
  appSecret: string;
  mchid: string;
  merchantSerial: string;
  merchantPublicKeyPem: string;
  apiV3Key: string;
}

export interface SandboxMerchant {
  appid: string;
  mchid: string;
  appSecretHash: string;
  merchantSerial: string;
  merchantPublicKeyPem: string;
  apiV3Key: string;
}

/** Registers a merchant with the sandbox (as signing up at WeChat Pay would). Earlier registrations stay valid. */
export async function registerSandboxMerchant(db: Kysely<DB>, deps: { box: SecretBox; clock: Clock }, m: SandboxMerchantRegistration): Promise<void> {
  await db
    .insertInto('sandbox_wechat_merchants')
    .values({
      appid: m.appid,
      mchid: m.mchid,
      app_id: m.appId,
      app_secret_hash: secretHash(m.appSecret),
      merchant_serial: m.merchantSerial,
      merchant_public_key: m.merchantPublicKeyPem,
      api_v3_key_enc: deps.box.seal(m.apiV3Key, PURPOSE.apiV3Key),
      created_at: deps.clock.now(),
    })
    .execute();
}

function toMerchant(
  row: { appid: string; mchid: string; app_secret_hash: string; merchant_serial: string; merchant_public_key: string; api_v3_key_enc: string },
  box: SecretBox,
): SandboxMerchant {
  return {
    appid: row.appid,
    mchid: row.mchid,
    appSecretHash: row.app_secret_hash,
    merchantSerial: row.merchant_serial,
    merchantPublicKeyPem: row.merchant_public_key,
    apiV3Key: box.open(row.api_v3_key_enc, PURPOSE.apiV3Key),
  };
}

export async function merchantByAppid(db: Kysely<DB>, box: SecretBox, appid: string): Promise<SandboxMerchant | null> {
  const row = await db.selectFrom('sandbox_wechat_merchants').selectAll().where('appid', '=', appid).executeTakeFirst();
  return row === undefined ? null : toMerchant(row, box);
}

export async function merchantByMchid(db: Kysely<DB>, box: SecretBox, mchid: string): Promise<SandboxMerchant | null> {
  const row = await db.selectFrom('sandbox_wechat_merchants').selectAll().where('mchid', '=', mchid).executeTakeFirst();
  return row === undefined ? null : toMerchant(row, box);
}
