// The common checks of the external endpoints (spec §2.1, §3.1, §3.4 step 5–7): how a request names its app, and
// 10012 / 10001 / 10005 / 10003 / 10002 / 20006 / 10007 in that order, on createwallet as the probe.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { staticControls } from '../../src/http/controls.js';
import { createRateLimiter } from '../../src/http/rateLimit.js';
import { STORES } from '../support/stores.js';
import { setup, type Ctx, type Dev } from './helpers.js';
import { TX, ext, newApp, setAppColumns, type TestApp } from './walletFixtures.js';

const fastHasher = {
  hash: async (pw: string) => `plain$${pw}`,
  verify: async (pw: string, stored: string) => stored === `plain$${pw}`,
};

for (const kind of STORES) {
  describe(`ulord external common checks [${kind}]`, () => {
    let c: Ctx;
    let dev: Dev;
    let a: TestApp;
    let b: TestApp;
    let n = 0;
    const fresh = () => ({ username: `u${++n}`, pay_password: 'pw' });
    before(async () => {
      c = await setup(kind);
      c.server.services.passwords = fastHasher;
      dev = await c.dev('owner');
      [a, b] = [await newApp(c, dev, 'first'), await newApp(c, dev, 'second')];
    });
    after(() => c.close());
    beforeEach(async () => {
      const s = c.server.services;
      Object.assign(s.config.operator, { maintenance: false, maintenanceEndpoints: [], disabledEndpoints: [], perIpPerMinute: 0, perKeyPerMinute: 0 });
      s.controls = staticControls(Object.assign(s.config.operator, { ipDenyList: [] }));
      s.limiter = createRateLimiter(s.clock);
      for (const x of [a, b]) await setAppColumns(c, x, { banned: 0, key_expires_at: null, dialects: null, status: 'live' });
      await s.db.updateTable('developers').set({ role_id: 2 }).where('id', '=', dev.id).execute();
    });

    test('§10.1 no appkey → 10012; §10.2 unknown appkey → 10001 (exact envelopes)', async () => {
      const none = await ext(c, null, TX.create, {});
      assert.equal(none.status, 200);
      assert.equal(none.text, '{"errcode":10012,"reason":"缺少应用KEY值."}');
      assert.equal((await ext(c, null, TX.create, {}, { appkey: '' })).json.errcode, 10012);
      const unknown = await ext(c, null, TX.create, {}, { appkey: '00000000000000000000000000000000' });
      assert.equal(unknown.text, '{"errcode":10001,"reason":"错误的请求KEY."}');
      assert.equal((await ext(c, null, TX.create, {}, { appkey: a.appkey.toUpperCase() })).json.errcode, 10001);
      assert.equal((await ext(c, null, TX.create, {}, { appkey: 'short' })).json.errcode, 10001);
    });

    test('20102 (body) comes before the app checks', async () => {
      assert.equal((await ext(c, null, TX.create, 'not json')).json.errcode, 20102);
      assert.equal((await ext(c, a, TX.create, '[1]')).json.errcode, 20102);
    });

    test('the /apps/<appkey> prefix or X-Plaza-App name the app; the prefix wins; a different appkey header → 10001', async () => {
      assert.equal((await c.call(`/apps/${a.appkey}${TX.create}`, fresh())).json.errcode, 0);
      assert.equal((await c.call(`/apps/${a.appkey}${TX.create}/`, fresh())).json.errcode, 0);
      assert.equal((await c.call(TX.create, fresh(), { headers: { 'x-plaza-app': a.appkey } })).json.errcode, 0);
      // Prefix and X-Plaza-App disagree: the prefix counts (the header is not an appkey header).
      assert.equal((await c.call(`/apps/${a.appkey}${TX.create}`, fresh(), { headers: { 'x-plaza-app': b.appkey } })).json.errcode, 0);
      assert.equal((await c.call(`/apps/${a.appkey}${TX.create}`, fresh(), { headers: { appkey: a.appkey } })).json.errcode, 0);
      assert.equal((await c.call(`/apps/${a.appkey}${TX.create}`, fresh(), { headers: { appkey: b.appkey } })).json.errcode, 10001);
      assert.equal((await c.call(TX.create, fresh(), { headers: { appkey: a.appkey, 'x-plaza-app': b.appkey } })).json.errcode, 10001);
      assert.equal((await c.call(`/apps/${'0'.repeat(32)}${TX.create}`, fresh())).json.errcode, 10001);
      // The wallet was created in the app the prefix named.
      const r = await ext(c, a, TX.balance, { username: `u1`, pay_password: 'pw' });
      assert.equal(r.json.errcode, 0);
      assert.equal((await ext(c, b, TX.balance, { username: `u1`, pay_password: 'pw' })).json.result.wallet_reason, 'user_not_found');
    });

    test('removed app → 10001', async () => {
      await setAppColumns(c, a, { status: 'removed' });
      assert.equal((await ext(c, a, TX.create, fresh())).json.errcode, 10001);
      assert.equal((await c.call(`/apps/${a.appkey}${TX.create}`, fresh())).json.errcode, 10001);
    });

    test('banned → 10005, expired key → 10003, dialect not allowed → 10002, owner blocked → 20006, in that order', async () => {
      const s = c.server.services;
      await setAppColumns(c, a, { banned: 1, key_expires_at: s.clock.now() - 1000, dialects: '["pi"]' });
      await s.db.updateTable('developers').set({ role_id: 3 }).where('id', '=', dev.id).execute();
      const r1 = await ext(c, a, TX.create, fresh());
      assert.equal(r1.text, '{"errcode":10005,"reason":"被禁止的KEY."}');
      await setAppColumns(c, a, { banned: 0 });
      assert.equal((await ext(c, a, TX.create, fresh())).text, '{"errcode":10003,"reason":"KEY过期."}');
      await setAppColumns(c, a, { key_expires_at: s.clock.now() + 3_600_000 });
      assert.equal((await ext(c, a, TX.create, fresh())).text, '{"errcode":10002,"reason":"该KEY无请求权限."}');
      await setAppColumns(c, a, { dialects: '["pi","ulord"]' });
      assert.equal((await ext(c, a, TX.create, fresh())).text, '{"errcode":20006,"reason":"用户被禁用."}');
      await s.db.updateTable('developers').set({ role_id: 2 }).where('id', '=', dev.id).execute();
      assert.equal((await ext(c, a, TX.create, fresh())).json.errcode, 0);
      // The app checks precede field validation.
      await setAppColumns(c, a, { banned: 1 });
      assert.equal((await ext(c, a, TX.create, {})).json.errcode, 10005);
    });

    test('10007 per appkey with Retry-After; other apps keep their own budget; before the endpoint checks', async () => {
      const s = c.server.services;
      s.config.operator.perKeyPerMinute = 2;
      assert.equal((await ext(c, a, TX.create, {})).json.errcode, 20100);
      assert.equal((await ext(c, a, TX.create, {})).json.errcode, 20100);
      const limited = await ext(c, a, TX.create, {});
      assert.equal(limited.text, '{"errcode":10007,"reason":"请求超过次数限制."}');
      assert.ok(Number(limited.headers.get('retry-after')) >= 1);
      // The prefix form counts against the same app.
      assert.equal((await c.call(`/apps/${a.appkey}${TX.balance}`, {})).json.errcode, 10007);
      assert.equal((await ext(c, b, TX.create, {})).json.errcode, 20100);
    });

    test('Idempotency-Key is scoped to the app: the same key in two apps is two requests', async () => {
      const h = { 'idempotency-key': 'shared-key-1' };
      const body = { username: 'same-name', pay_password: 'pw' };
      const r1 = await ext(c, a, TX.create, body, h);
      const r2 = await ext(c, b, TX.create, body, h);
      assert.equal(r1.json.errcode, 0);
      assert.equal(r2.json.errcode, 0);
      assert.equal(r2.headers.get('idempotent-replayed'), null);
      const again = await ext(c, a, TX.create, body, h);
      assert.equal(again.headers.get('idempotent-replayed'), 'true');
      assert.equal(again.text, r1.text);
      assert.equal((await ext(c, a, TX.create, { ...body, pay_password: 'other' }, h)).status, 400);
      assert.equal((await ext(c, a, TX.create, body, { 'idempotency-key': '' })).status, 400);
    });
  });
}
