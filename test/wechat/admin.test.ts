// The admin API for an app's WeChat configuration (src/admin/wechatRoutes.ts), on both stores: masking, validation,
// owner-or-admin access, idempotency, the audit log without secrets, encryption at rest, the switch to sandbox mode.
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { getWechatConfig } from '../../src/integrations/wechat/index.js';
import { merchantByAppid } from '../../src/sandbox/wechat/state.js';
import { startAdminFixture, type AdminFixture } from '../admin/support.js';
import { STORES } from '../support/stores.js';

const merchant = generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } });
const platform = generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } });

const APP_SECRET = 'a1b2c3d4e5f60718293a4b5c6d7e8f90';
const API_V3_KEY = 'V3keyV3keyV3keyV3keyV3keyV3key42';

const liveBody = () => ({
  appid: 'wx1a2b3c4d5e6f7a8b',
  mchid: '1900000109',
  merchant_serial: '5157F09EFDC096DE15EBE81A47057A7232F1B8E1',
  platform_keys: [{ serial: 'PUB_KEY_ID_0114232134912410000000000000000001', public_key_pem: platform.publicKey }],
  secret: { app_secret: APP_SECRET, merchant_private_key: merchant.privateKey, api_v3_key: API_V3_KEY },
});

for (const kind of STORES) {
  describe(`admin API: WeChat configuration (${kind})`, () => {
    let f: AdminFixture;
    let appId: number;
    const path = () => `/admin/v1/apps/${appId}/wechat`;

    before(async () => {
      f = await startAdminFixture(kind);
      appId = await f.createApp(f.dev.developer.id, 'wechat-shop');
    });
    after(() => f.close());

    it('404 before any configuration', async () => {
      const r = await f.call('GET', path(), { token: f.dev.token });
      assert.equal(r.status, 404);
      assert.equal(r.json.error.code, 'not_found');
    });

    it('the owner sets live credentials; every answer masks the secrets', async () => {
      const r = await f.call('PUT', path(), { token: f.dev.token, body: liveBody() });
      assert.equal(r.status, 200, r.text);
      const { updated_at: _u, ...view } = r.json;
      const appkey = (await f.server.services.db.selectFrom('apps').select('appkey').where('id', '=', appId).executeTakeFirstOrThrow()).appkey;
      assert.deepEqual(view, {
        mode: 'live',
        appid: 'wx1a2b3c4d5e6f7a8b',
        app_secret: '****8f90',
        mchid: '1900000109',
        merchant_serial: '5157F09EFDC096DE15EBE81A47057A7232F1B8E1',
        merchant_private_key: '****',
        merchant_public_key_pem: merchant.publicKey,
        api_v3_key: '****ey42',
        platform_keys: liveBody().platform_keys,
        notify_url: null,
        effective_notify_url: `${f.server.services.config.publicUrl}/apps/${appkey}/liveuser/Wx/Postpay`,
        api_base_url: 'https://api.weixin.qq.com',
        pay_base_url: 'https://api.mch.weixin.qq.com',
        login_configured: true,
        pay_configured: true,
      });
      const got = await f.call('GET', path(), { token: f.dev.token });
      assert.equal(got.status, 200);
      assert.deepEqual({ ...got.json, updated_at: undefined }, { ...r.json, updated_at: undefined });
      for (const text of [r.text, got.text]) {
        assert.ok(!text.includes(APP_SECRET) && !text.includes(API_V3_KEY) && !text.includes('PRIVATE KEY'), 'no secret in an answer');
      }
    });

    it('stores the secrets sealed and keeps them out of the audit log', async () => {
      const row = await f.server.services.db.selectFrom('wechat_configs').selectAll().where('app_id', '=', appId).executeTakeFirstOrThrow();
      const stored = JSON.stringify(row, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
      assert.ok(!stored.includes(APP_SECRET) && !stored.includes(API_V3_KEY) && !stored.includes('PRIVATE KEY'));
      const cfg = await getWechatConfig(f.server.services.db, appId, f.server.services.box);
      assert.equal(cfg?.appSecret, APP_SECRET);
      assert.equal(cfg?.apiV3Key, API_V3_KEY);
      assert.equal(cfg?.merchantPrivateKeyPem, merchant.privateKey);
      const audit = await f.server.services.db.selectFrom('audit_log').selectAll().where('action', '=', 'admin.setWechatConfig').execute();
      assert.equal(audit.length, 1);
      assert.equal(audit[0]!.actor, `developer:${f.dev.developer.id}`);
      assert.equal(audit[0]!.target, `id:${appId}`);
      const details = JSON.parse(audit[0]!.details);
      assert.equal(details.appid, 'wx1a2b3c4d5e6f7a8b');
      assert.equal(details.secret, '[redacted]');
      assert.ok(!audit[0]!.details.includes(APP_SECRET) && !audit[0]!.details.includes(API_V3_KEY) && !audit[0]!.details.includes('PRIVATE KEY'));
    });

    it('a secret left out keeps its stored value; the rest is replaced', async () => {
      const { secret: _s, ...rest } = liveBody();
      const r = await f.call('PUT', path(), { token: f.dev.token, body: { ...rest, notify_url: 'https://shop.example.com/wechat/notify', secret: { api_v3_key: 'N'.repeat(32) } } });
      assert.equal(r.status, 200, r.text);
      assert.equal(r.json.effective_notify_url, 'https://shop.example.com/wechat/notify');
      assert.equal(r.json.api_v3_key, '****NNNN');
      const cfg = await getWechatConfig(f.server.services.db, appId, f.server.services.box);
      assert.equal(cfg?.appSecret, APP_SECRET);
      assert.equal(cfg?.merchantPrivateKeyPem, merchant.privateKey);
      assert.equal(cfg?.apiV3Key, 'N'.repeat(32));
      // Login only: no merchant fields → pay not configured.
      const loginOnly = await f.call('PUT', path(), { token: f.dev.token, body: { appid: 'wx1a2b3c4d5e6f7a8b' } });
      assert.equal(loginOnly.json.login_configured, true);
      assert.equal(loginOnly.json.pay_configured, false);
      assert.equal(loginOnly.json.notify_url, null);
    });

    it('refuses malformed input with 400 and changes nothing', async () => {
      const before = await getWechatConfig(f.server.services.db, appId, f.server.services.box);
      const bad: Array<Record<string, unknown>> = [
        { ...liveBody(), appid: 'wx123' },
        { ...liveBody(), appid: undefined },
        { ...liveBody(), mchid: '19x' },
        { ...liveBody(), merchant_serial: 'not-hex' },
        { ...liveBody(), notify_url: 'https://shop.example.com/n?x=1' },
        { ...liveBody(), notify_url: 'ftp://shop.example.com/n' },
        { ...liveBody(), platform_keys: [{ serial: 'PUB_KEY_ID_1', public_key_pem: 'not a key' }] },
        { ...liveBody(), platform_keys: [{ serial: 'bad serial', public_key_pem: platform.publicKey }] },
        { ...liveBody(), secret: { merchant_private_key: 'not a key' } },
        { ...liveBody(), secret: { api_v3_key: 'x'.repeat(31) } },
        { ...liveBody(), secret: { app_secret: '' } },
        { ...liveBody(), secret: { other: 'x' } },
        { ...liveBody(), mode: 'sandbox' },
      ];
      for (const body of bad) {
        const r = await f.call('PUT', path(), { token: f.dev.token, body });
        assert.equal(r.status, 400, `${JSON.stringify(body).slice(0, 120)} → ${r.text}`);
        assert.equal(r.json.error.code, 'invalid_request');
      }
      assert.deepEqual(await getWechatConfig(f.server.services.db, appId, f.server.services.box), before);
    });

    it('only the owner or an admin: other developers 403, unknown app 404, no token 401', async () => {
      assert.equal((await f.call('GET', path(), { token: f.other.token })).status, 403);
      assert.equal((await f.call('PUT', path(), { token: f.other.token, body: liveBody() })).status, 403);
      assert.equal((await f.call('POST', `${path()}/sandbox`, { token: f.other.token, body: {} })).status, 403);
      assert.equal((await f.call('GET', path(), { token: null })).status, 401);
      assert.equal((await f.call('GET', '/admin/v1/apps/999999999/wechat', { token: f.dev.token })).status, 404);
      const admin = await f.call('GET', path(), { token: f.admin.token });
      assert.equal(admin.status, 200, 'an admin may read any app');
    });

    it('Idempotency-Key: a repeat replays without a second write; another body is a conflict', async () => {
      const headers = { 'idempotency-key': `wechat-${kind}` };
      const first = await f.call('PUT', path(), { token: f.dev.token, body: liveBody(), headers });
      const again = await f.call('PUT', path(), { token: f.dev.token, body: liveBody(), headers });
      assert.equal(again.status, 200);
      assert.equal(again.text, first.text);
      assert.equal(again.headers.get('idempotent-replayed'), 'true');
      const conflict = await f.call('PUT', path(), { token: f.dev.token, body: { ...liveBody(), mchid: '1900000110' }, headers });
      assert.equal(conflict.status, 409);
      assert.equal(conflict.json.error.code, 'idempotency_conflict');
    });

    it('switching to the sandbox generates credentials registered with the sandbox', async () => {
      const r = await f.call('POST', `${path()}/sandbox`, { token: f.dev.token, body: {} });
      assert.equal(r.status, 200, r.text);
      assert.equal(r.json.mode, 'sandbox');
      assert.match(r.json.appid, /^wx[0-9a-f]{16}$/);
      assert.match(r.json.app_secret, /^\*\*\*\*[0-9a-f]{4}$/);
      assert.match(r.json.mchid, /^19[0-9]{8}$/);
      assert.match(r.json.merchant_serial, /^[0-9A-F]{40}$/);
      assert.equal(r.json.merchant_private_key, '****');
      assert.match(r.json.merchant_public_key_pem, /^-----BEGIN PUBLIC KEY-----/);
      assert.match(r.json.api_v3_key, /^\*\*\*\*[A-Za-z0-9]{4}$/);
      assert.equal(r.json.platform_keys.length, 1);
      assert.match(r.json.platform_keys[0].serial, /^PUB_KEY_ID_[0-9]{32}$/);
      assert.equal(r.json.api_base_url, `${f.server.services.config.publicUrl}/_sandbox/wechat/api`);
      assert.equal(r.json.pay_base_url, `${f.server.services.config.publicUrl}/_sandbox/wechat/pay`);
      assert.equal(r.json.pay_configured, true);
      const cfg = (await getWechatConfig(f.server.services.db, appId, f.server.services.box))!;
      const registered = await merchantByAppid(f.server.services.db, f.server.services.box, cfg.appid);
      assert.equal(registered?.mchid, cfg.mchid);
      assert.equal(registered?.merchantPublicKeyPem, r.json.merchant_public_key_pem);
      assert.equal(registered?.apiV3Key, cfg.apiV3Key);
      const audit = await f.server.services.db.selectFrom('audit_log').selectAll().where('action', '=', 'admin.useWechatSandbox').execute();
      assert.equal(audit.length, 1);
      assert.ok(!audit[0]!.details.includes(cfg.appSecret));
      // A second switch: new credentials, same deployment platform key.
      const again = await f.call('POST', `${path()}/sandbox`, { token: f.dev.token, body: {} });
      assert.notEqual(again.json.appid, r.json.appid);
      assert.deepEqual(again.json.platform_keys, r.json.platform_keys);
    });

    it('switching to the sandbox on a server with the sandbox off is refused (409)', async () => {
      const config = f.server.services.config;
      config.sandbox = false;
      try {
        const r = await f.call('POST', `${path()}/sandbox`, { token: f.dev.token, body: {} });
        assert.equal(r.status, 409);
        assert.equal(r.json.error.code, 'invalid_state');
      } finally {
        config.sandbox = true;
      }
    });
  });
}
