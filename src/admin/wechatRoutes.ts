// An app's WeChat configuration through the admin API (spec/liveuser.md §8.1, §9.1): read it (secrets masked), set
// live credentials, or switch the app to the built-in sandbox (fresh generated credentials). The app's owner or an
// admin. Secrets travel in the request under `secret`, a key the audit log redacts whole (core/events/audit.ts), and
// are stored sealed (integrations/wechat/store.ts); no answer ever contains one.
import type { Kysely } from 'kysely';
import { ownedLiveApp } from '../core/identity/apps.js';
import type { DB } from '../db/schema.js';
import {
  createWechatClient,
  enableSandboxWechat,
  generateSandboxCredentials,
  getWechatConfig,
  maskWechatConfig,
  notifyUrlFor,
  publicKeyOf,
  setWechatConfig,
  wechatLoginConfigured,
  wechatPayConfigured,
  type SandboxCredentials,
  type WechatAppConfig,
} from '../integrations/wechat/index.js';
import { isRsaPublicKey } from '../integrations/wechat/crypto.js';
import type { Services } from '../services.js';
import { adminError } from './errors.js';
import { defineRoute, type AdminRoute } from './route.js';
import { idParam, type ObjectSchema, type Schema } from './schema.js';

const APPID = '^wx[0-9a-f]{16}$';
const MCHID = '^[0-9]{1,32}$';
const SERIAL = '^[0-9A-Fa-f]{8,64}$';
const PLATFORM_SERIAL = '^([0-9A-Fa-f]{8,64}|PUB_KEY_ID_[0-9]{1,64})$';

const platformKeySchema: ObjectSchema = {
  type: 'object',
  properties: {
    serial: { type: 'string', pattern: PLATFORM_SERIAL, description: 'Platform certificate serial or WeChat Pay public-key id.', example: 'PUB_KEY_ID_0114232134912410000000000000000000' },
    public_key_pem: { type: 'string', minLength: 1, maxLength: 4096, description: 'SPKI PEM (-----BEGIN PUBLIC KEY-----).' },
  },
  required: ['serial', 'public_key_pem'],
  additionalProperties: false,
};

const nullableString: Schema = { type: ['string', 'null'] };

const configProperties: Record<string, Schema> = {
  mode: { type: 'string', enum: ['live', 'sandbox'], description: '`sandbox`: the app talks to Plaza\'s built-in WeChat sandbox.' },
  appid: { type: 'string', example: 'wx1a2b3c4d5e6f7a8b' },
  app_secret: { type: 'string', description: 'Masked (`****` + last 4 characters); empty when not set.' },
  mchid: { type: 'string', example: '1900000109' },
  merchant_serial: { type: 'string', description: 'Merchant API certificate serial.' },
  merchant_private_key: { type: 'string', description: '`****` when set, empty when not.' },
  merchant_public_key_pem: { type: 'string', description: 'The public half of the merchant key (SPKI PEM); empty when no key.' },
  api_v3_key: { type: 'string', description: 'Masked; empty when not set.' },
  platform_keys: { type: 'array', items: platformKeySchema },
  notify_url: { ...nullableString, description: 'The override; null = the default.' },
  effective_notify_url: { type: 'string', description: 'The notify_url sent to WeChat Pay.' },
  api_base_url: { type: 'string', description: 'Where code2Session goes for this app.' },
  pay_base_url: { type: 'string', description: 'Where WeChat Pay calls go for this app.' },
  login_configured: { type: 'boolean' },
  pay_configured: { type: 'boolean' },
  updated_at: { type: 'string', format: 'date-time' },
};
const configSchema: ObjectSchema = { type: 'object', properties: configProperties, required: Object.keys(configProperties), additionalProperties: false };

function configView(services: Services, cfg: WechatAppConfig, appkey: string, updatedAt: number) {
  const masked = maskWechatConfig(cfg, updatedAt);
  const bases = createWechatClient({ config: services.config, clock: services.clock }).baseUrls(cfg);
  return {
    mode: masked.mode,
    appid: masked.appid,
    app_secret: masked.appSecret,
    mchid: masked.mchid,
    merchant_serial: masked.merchantSerial,
    merchant_private_key: masked.merchantPrivateKey,
    merchant_public_key_pem: masked.merchantPublicKeyPem,
    api_v3_key: masked.apiV3Key,
    platform_keys: masked.platformKeys.map((k) => ({ serial: k.serial, public_key_pem: k.publicKeyPem })),
    notify_url: masked.notifyUrl,
    effective_notify_url: notifyUrlFor(cfg, services.config.publicUrl, appkey),
    api_base_url: bases.api,
    pay_base_url: bases.pay,
    login_configured: wechatLoginConfigured(cfg),
    pay_configured: wechatPayConfigured(cfg),
    updated_at: new Date(updatedAt).toISOString(),
  };
}

async function currentView(db: Kysely<DB>, services: Services, appId: number, appkey: string) {
  const stored = await getWechatConfig(db, appId, services.box);
  if (stored === null) throw adminError('not_found', `app ${appId} has no WeChat configuration`);
  return configView(services, stored, appkey, stored.updatedAt);
}

function validNotifyUrl(v: string): boolean {
  try {
    const u = new URL(v);
    return (u.protocol === 'http:' || u.protocol === 'https:') && !v.includes('?') && v.length <= 255;
  } catch {
    return false;
  }
}

export const WECHAT_ROUTES: readonly AdminRoute[] = [
  defineRoute({
    method: 'GET',
    path: '/admin/v1/apps/:id/wechat',
    operationId: 'getWechatConfig',
    summary: "An app's WeChat login and WeChat Pay configuration, secrets masked (the app's owner or an admin)",
    tag: 'wechat',
    access: 'developer',
    params: idParam,
    status: 200,
    response: configSchema,
    errors: ['forbidden', 'not_found'],
    async handler({ db, params, caller, services }) {
      const app = await ownedLiveApp(db, caller, params.id as number);
      return currentView(db, services, app.id, app.appkey);
    },
  }),
  defineRoute({
    method: 'PUT',
    path: '/admin/v1/apps/:id/wechat',
    operationId: 'setWechatConfig',
    summary: "Set an app's live WeChat credentials (mode becomes `live`); a secret left out keeps its stored value",
    tag: 'wechat',
    access: 'developer',
    params: idParam,
    body: {
      type: 'object',
      properties: {
        appid: { type: 'string', pattern: APPID, example: 'wx1a2b3c4d5e6f7a8b' },
        mchid: { type: 'string', pattern: MCHID, description: 'WeChat Pay merchant id; omit for login only.' },
        merchant_serial: { type: 'string', pattern: SERIAL, description: 'Merchant API certificate serial.' },
        platform_keys: { type: 'array', items: platformKeySchema, description: 'Keys that sign WeChat Pay answers and notifications.' },
        notify_url: { type: ['string', 'null'], maxLength: 255, description: 'Override of the notify URL; null or omitted = the default.' },
        secret: {
          type: 'object',
          description: 'The secret values (never echoed, redacted from the audit log). Each one left out keeps its stored value.',
          properties: {
            app_secret: { type: 'string', minLength: 1, maxLength: 128, pattern: '^[\\x21-\\x7e]+$' },
            merchant_private_key: { type: 'string', minLength: 1, maxLength: 8192, description: 'RSA-2048 private key, PEM PKCS#8.' },
            api_v3_key: { type: 'string', pattern: '^[\\x21-\\x7e]{32}$', description: '32 ASCII characters.' },
          },
          additionalProperties: false,
        },
      },
      required: ['appid'],
      additionalProperties: false,
    },
    status: 200,
    response: configSchema,
    errors: ['invalid_request', 'forbidden', 'not_found', 'idempotency_conflict'],
    async handler({ trx, params, body, caller, services }) {
      const app = await ownedLiveApp(trx(), caller, params.id as number);
      const secret = (body.secret ?? {}) as { app_secret?: string; merchant_private_key?: string; api_v3_key?: string };
      const privateKey = secret.merchant_private_key;
      if (privateKey !== undefined && publicKeyOf(privateKey) === null) throw adminError('invalid_request', 'secret.merchant_private_key is not an RSA private key in PEM');
      const platformKeys = ((body.platform_keys ?? []) as Array<{ serial: string; public_key_pem: string }>).map((k) => ({ serial: k.serial, publicKeyPem: k.public_key_pem }));
      for (const k of platformKeys) {
        if (!isRsaPublicKey(k.publicKeyPem)) throw adminError('invalid_request', `platform key ${k.serial} is not an RSA public key in PEM`);
      }
      const notifyUrl = (body.notify_url ?? null) as string | null;
      if (notifyUrl !== null && !validNotifyUrl(notifyUrl)) throw adminError('invalid_request', 'notify_url must be an absolute http(s) URL without a query, at most 255 characters');
      const previous = await getWechatConfig(trx(), app.id, services.box);
      const cfg: WechatAppConfig = {
        mode: 'live',
        appid: body.appid as string,
        appSecret: secret.app_secret ?? previous?.appSecret ?? '',
        mchid: (body.mchid as string | undefined) ?? '',
        merchantSerial: ((body.merchant_serial as string | undefined) ?? '').toUpperCase(),
        merchantPrivateKeyPem: privateKey ?? previous?.merchantPrivateKeyPem ?? '',
        apiV3Key: secret.api_v3_key ?? previous?.apiV3Key ?? '',
        platformKeys,
        notifyUrl,
      };
      await setWechatConfig(trx(), app.id, cfg, services.box, services.clock);
      return configView(services, cfg, app.appkey, services.clock.now());
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/admin/v1/apps/:id/wechat/sandbox',
    operationId: 'useWechatSandbox',
    summary: "Switch an app to the built-in WeChat sandbox with freshly generated credentials (sandbox servers only)",
    tag: 'wechat',
    access: 'developer',
    params: idParam,
    status: 200,
    response: configSchema,
    errors: ['forbidden', 'not_found', 'invalid_state', 'idempotency_conflict'],
    // The merchant RSA key takes tens of milliseconds to generate: before the transaction, not inside it.
    async prepare() {
      return generateSandboxCredentials();
    },
    async handler({ trx, params, caller, services, prepared }) {
      const app = await ownedLiveApp(trx(), caller, params.id as number);
      if (!services.config.sandbox) throw adminError('invalid_state', 'the sandbox is disabled on this server (PLAZA_SANDBOX)');
      const cfg = await enableSandboxWechat(trx(), app.id, { box: services.box, clock: services.clock }, (prepared as SandboxCredentials | undefined) ?? generateSandboxCredentials());
      return configView(services, cfg, app.appkey, services.clock.now());
    },
  }),
];
