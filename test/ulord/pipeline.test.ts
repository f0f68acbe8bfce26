// The common checks of §3.4 and the conventions of §2: paths, 404/405, bodies, tokens, operator controls, rate
// limits, idempotency, output formatting.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { manualClock } from '../../src/core/clock.js';
import { staticControls } from '../../src/http/controls.js';
import { createRateLimiter } from '../../src/http/rateLimit.js';
import { STORES } from '../support/stores.js';
import { ADMIN, keysSorted, setup, type Ctx, type Dev } from './helpers.js';

for (const kind of STORES) {
  describe(`ulord pipeline [${kind}]`, () => {
    let c: Ctx;
    let admin: Dev;
    let dev: Dev;
    const as = (d: Dev) => ({ token: d.token });
    before(async () => {
      c = await setup(kind);
      [admin, dev] = await Promise.all([c.dev('root', { roleId: ADMIN }), c.dev('dev')]);
    });
    after(() => c.close());
    beforeEach(() => {
      // Every test starts from the defaults (tests below switch controls on and off).
      const s = c.server.services;
      Object.assign(s.config.operator, { maintenance: false, maintenanceEndpoints: [], disabledEndpoints: [], perIpPerMinute: 0, perKeyPerMinute: 0 });
      s.controls = staticControls(Object.assign(s.config.operator, { ipDenyList: [] }));
      s.limiter = createRateLimiter(s.clock);
    });

    test('both slash forms and the /apps/<appkey> mount answer identically, without redirect', async () => {
      const forms = ['/v1/role/list', '/v1/role/list/', '/apps/0123/v1/role/list', '/apps/whatever/v1/role/list/'];
      const bodies = await Promise.all(forms.map((p) => c.call(p, undefined, { ...as(dev), method: 'GET' })));
      for (const r of bodies) {
        assert.equal(r.status, 200);
        assert.equal(r.text, bodies[0]!.text);
        assert.equal(r.headers.get('content-type'), 'application/json; charset=utf-8');
      }
      // GET ignores a query string and a body.
      assert.equal((await c.call('/v1/role/list?x=1', undefined, { ...as(dev), method: 'GET' })).text, bodies[0]!.text);
    });

    test('unknown paths → 404 envelope; wrong method → 405 with Allow', async () => {
      for (const p of ['/v1/nope', '/v1/role/add/extra', '/v1', '/apps/k/v1/nope/']) {
        const r = await c.call(p, {});
        assert.equal(r.status, 404, p);
        assert.equal(r.text, '{"errcode":404,"reason":"Not found."}');
        assert.equal(r.headers.get('content-type'), 'application/json; charset=utf-8');
      }
      const g = await c.call('/v1/role/add/', undefined, { method: 'GET' });
      assert.equal(g.status, 405);
      assert.equal(g.text, '{"errcode":405,"reason":"Method Not Allowed."}');
      assert.equal(g.headers.get('allow'), 'POST');
      const p = await c.call('/v1/type/list', {}, { method: 'POST' });
      assert.equal(p.status, 405);
      assert.equal(p.headers.get('allow'), 'GET, HEAD');
      assert.equal((await c.call('/v1/app/list', undefined, { method: 'DELETE' })).status, 405);
      // 405 precedes maintenance.
      c.server.services.config.operator.maintenance = true;
      assert.equal((await c.call('/v1/role/add', undefined, { method: 'GET' })).status, 405);
    });

    test('bodies: > 1 MiB → 400, invalid JSON / non-object → 20102, empty body = {}, Content-Type ignored', async () => {
      const big = await c.call('/v1/users/login', `{"username":"${'x'.repeat(1024 * 1024)}"}`);
      assert.equal(big.status, 400);
      assert.equal(big.text, '{"errcode":400,"reason":"Bad Request."}');
      for (const body of ['not json', '[1,2]', '"str"', '12', '{"a":', 'null']) {
        const r = await c.call('/v1/users/login', body);
        assert.equal(r.status, 200);
        assert.equal(r.text, '{"errcode":20102,"reason":"参数必须为json格式."}', body);
      }
      assert.equal((await c.call('/v1/users/login')).json.errcode, 20100);
      assert.equal((await c.call('/v1/users/login', '')).json.errcode, 20100);
      assert.equal((await c.call('/v1/app/list', undefined, as(dev))).json.errcode, 0);
      assert.equal((await c.call('/v1/app/list', '{}', { ...as(dev), headers: { 'content-type': 'text/plain' } })).json.errcode, 0);
      const r = await fetch(c.server.baseUrl + '/v1/users/login', { method: 'POST', body: '{"username":"ghost","password":"x"}' });
      assert.equal(((await r.json()) as { errcode: number }).errcode, 20003);
      // 20102 comes before the token check.
      assert.equal((await c.call('/v1/app/list', 'oops')).json.errcode, 20102);
    });

    test('tokens: Bearer (any case) or header `token`; Authorization wins; unknown → 10011', async () => {
      const list = (headers: Record<string, string>) => c.call('/v1/app/list', {}, { headers }).then((r) => r.json.errcode);
      assert.equal(await list({ authorization: `bearer ${dev.token}` }), 0);
      assert.equal(await list({ authorization: `BEARER ${dev.token}` }), 0);
      assert.equal(await list({ token: dev.token }), 0);
      assert.equal(await list({ authorization: 'Bearer nope', token: dev.token }), 10011);
      assert.equal(await list({ authorization: `Bearer ${dev.token}`, token: 'nope' }), 0);
      assert.equal(await list({ authorization: dev.token }), 10011);
      assert.equal(await list({}), 10011);
      assert.deepEqual((await c.call('/v1/app/list', {}, { token: 'x'.repeat(43) })).json, { errcode: 10011, reason: '当前没有登录用户,请登录.' });
    });

    test('maintenance 10009 (global, per endpoint) before 10010 (disabled endpoint)', async () => {
      const op = c.server.services.config.operator;
      op.disabledEndpoints = ['ulord:/v1/role/add'];
      assert.deepEqual((await c.call('/v1/role/add', { name: 'z' }, as(admin))).json, { errcode: 10010, reason: '接口停用.' });
      assert.equal((await c.call('/v1/role/list', undefined, { ...as(admin), method: 'GET' })).json.errcode, 0);
      op.maintenanceEndpoints = ['ulord:/v1/role/add'];
      assert.deepEqual((await c.call('/v1/role/add/', 'not json', as(admin))).json, { errcode: 10009, reason: '接口维护.' });
      assert.equal((await c.call('/v1/role/list', undefined, { ...as(admin), method: 'GET' })).json.errcode, 0);
      op.maintenanceEndpoints = [];
      op.disabledEndpoints = [];
      op.maintenance = true;
      assert.equal((await c.call('/v1/users/login', {})).json.errcode, 10009);
      assert.equal((await c.call('/apps/k/v1/app/list', {})).json.errcode, 10009);
    });

    test('IP deny list → 10004 before the per-IP limit and the body', async () => {
      const s = c.server.services;
      s.controls = staticControls(Object.assign(s.config.operator, { ipDenyList: ['127.0.0.0/8', '::1/128'] }));
      c.server.services.config.operator.perIpPerMinute = 1;
      for (let i = 0; i < 3; i++) assert.deepEqual((await c.call('/v1/users/login', 'bad json')).json, { errcode: 10004, reason: '被禁止的IP.' });
      // Maintenance still comes first.
      c.server.services.config.operator.maintenance = true;
      assert.equal((await c.call('/v1/users/login', {})).json.errcode, 10009);
    });

    test('per-IP limit → 10006 with Retry-After, before the body and the token', async () => {
      c.server.services.config.operator.perIpPerMinute = 3;
      for (let i = 0; i < 3; i++) assert.equal((await c.call('/v1/app/list', {}, as(dev))).json.errcode, 0);
      const r = await c.call('/v1/app/list', 'not json');
      assert.deepEqual(r.json, { errcode: 10006, reason: '当前IP请求超过限制.' });
      assert.match(r.headers.get('retry-after') ?? '', /^[1-9][0-9]*$/);
    });

    test('per-developer limit → 10007 with Retry-After, after 10011/20006 and before 10013', async () => {
      c.server.services.config.operator.perKeyPerMinute = 2;
      for (let i = 0; i < 2; i++) assert.equal((await c.call('/v1/app/list', {}, as(dev))).json.errcode, 0);
      const r = await c.call('/v1/role/add', {}, as(dev));
      assert.deepEqual(r.json, { errcode: 10007, reason: '请求超过次数限制.' });
      assert.match(r.headers.get('retry-after') ?? '', /^[1-9][0-9]*$/);
      // Another developer has its own budget; no token is still 10011.
      assert.equal((await c.call('/v1/role/add', {}, as(admin))).json.errcode, 20100);
      assert.equal((await c.call('/v1/app/list', {})).json.errcode, 10011);
    });

    test('Idempotency-Key: replay byte for byte with Idempotent-Replayed, nothing written twice', async () => {
      const h = { ...as(admin), headers: { 'idempotency-key': 'role-add-1' } };
      const first = await c.call('/v1/role/add', { name: 'idem', des: 'once' }, h);
      assert.equal(first.json.errcode, 0);
      assert.equal(first.headers.get('idempotent-replayed'), null);
      const again = await c.call('/v1/role/add/', { des: 'once', name: 'idem' }, h);
      assert.equal(again.status, first.status);
      assert.equal(again.text, first.text);
      assert.equal(again.headers.get('idempotent-replayed'), 'true');
      assert.equal(again.headers.get('content-type'), 'application/json; charset=utf-8');
      const roles = (await c.call('/v1/role/list', undefined, { ...as(admin), method: 'GET' })).json.result;
      assert.equal(roles.filter((r: { name: string }) => r.name === 'idem').length, 1);
      // Same key, different input → 400; the key is per developer and per route.
      const conflict = await c.call('/v1/role/add', { name: 'idem2' }, h);
      assert.equal(conflict.status, 400);
      assert.equal(conflict.text, '{"errcode":400,"reason":"Bad Request."}');
      assert.equal((await c.call('/v1/type/add', { name: 'idem-type' }, h)).json.errcode, 0);
      // A final error answer is stored and replayed too.
      const e1 = await c.call('/v1/role/add', {}, { ...as(admin), headers: { 'idempotency-key': 'err-1' } });
      const e2 = await c.call('/v1/role/add', {}, { ...as(admin), headers: { 'idempotency-key': 'err-1' } });
      assert.equal(e1.json.errcode, 20100);
      assert.equal(e2.text, e1.text);
      assert.equal(e2.headers.get('idempotent-replayed'), 'true');
    });

    test('Idempotency-Key: malformed → 400 (after the auth checks); users/reg is scoped by IP', async () => {
      for (const key of ['', 'k'.repeat(256), 'tab\tkey']) {
        const r = await c.call('/v1/role/add', { name: 'mk' }, { ...as(admin), headers: { 'idempotency-key': key } });
        assert.equal(r.status, 400, JSON.stringify(key));
        assert.equal(r.text, '{"errcode":400,"reason":"Bad Request."}');
      }
      const nonAdmin = await c.call('/v1/role/add', { name: 'mk' }, { ...as(dev), headers: { 'idempotency-key': 'k'.repeat(300) } });
      assert.equal(nonAdmin.json.errcode, 10013);
      const h = { headers: { 'idempotency-key': 'reg-1' } };
      const r1 = await c.call('/v1/users/reg', { username: 'idem-user', password: 'secret1' }, h);
      const r2 = await c.call('/v1/users/reg', { username: 'idem-user', password: 'secret1' }, h);
      assert.equal(r1.json.errcode, 0);
      assert.equal(r2.text, r1.text);
      assert.equal(r2.headers.get('idempotent-replayed'), 'true');
      assert.equal((await c.call('/v1/users/reg', { username: 'idem-user', password: 'secret1' })).json.errcode, 20000);
    });

    test('responses: fresh envelopes, alphabetical keys, reasons never rewritten', async () => {
      const a = await c.call('/v1/users/login', { username: 'ghost', password: 'x' });
      const b = await c.call('/v1/users/login', { username: 'ghost', password: 'y' });
      assert.equal(a.text, '{"errcode":20003,"reason":"用户不存在."}');
      assert.equal(b.text, a.text);
      const t = await c.call('/v1/app/add', { appname: 'sorted', apptype_id: (await c.call('/v1/type/add', { name: 'st' }, as(admin))).json.result.id }, as(dev));
      assert.ok(keysSorted(t.json));
      const l = await c.call('/v1/app/list', {}, as(dev));
      assert.ok(keysSorted(l.json));
      assert.ok(l.text.startsWith('{"errcode":0,"reason":"success","result":[{"appdes":null,"appkey":"'));
    });
  });

  describe(`ulord tokens expire [${kind}]`, () => {
    const clock = manualClock(Date.UTC(2026, 4, 1, 10, 0, 0));
    let c: Ctx;
    before(async () => {
      c = await setup(kind, { clock, config: { ulord: { ...(await import('../../src/config.js')).defaultUlordSettings(), tokenTtlSeconds: 60 } } });
    });
    after(() => c.close());

    test('a token works until its expiry, then 10011; expires_at follows the configured TTL', async () => {
      await c.call('/v1/users/reg', { username: 'tim', password: 'secret1' });
      const l = (await c.call('/v1/users/login', { username: 'tim', password: 'secret1' })).json.result;
      assert.equal(l.expires_at, '2026-05-01T10:01:00.000000+00:00');
      clock.advance(59_999);
      assert.equal((await c.call('/v1/app/list', {}, { token: l.token })).json.errcode, 0);
      clock.advance(1);
      assert.equal((await c.call('/v1/app/list', {}, { token: l.token })).json.errcode, 10011);
    });

    test('an unexpected failure → HTTP 500 envelope, no stack trace, nothing written', async () => {
      const db = c.server.services.db;
      await c.call('/v1/users/reg', { username: 'ann', password: 'secret1' });
      const token = (await c.call('/v1/users/login', { username: 'ann', password: 'secret1' })).json.result.token;
      // Break the uid sequence: app/add fails after nothing else could commit.
      const type = await db.insertInto('app_types').values({ name: 't', name_lower: 't', des: null, parent_id: null, created_at: 0 }).returning('id').executeTakeFirstOrThrow();
      await db.schema.dropTable('uid_sequence').execute();
      const r = await c.call('/v1/app/add', { appname: 'boom', apptype_id: Number(type.id) }, { token, headers: { 'idempotency-key': 'boom' } });
      assert.equal(r.status, 500);
      assert.equal(r.text, '{"errcode":500,"reason":"Internal Server Error."}');
      assert.equal((await c.call('/v1/app/list', {}, { token })).json.result.length, 0);
      // The 500 was not stored under the key.
      const keys = await db.selectFrom('idempotency_keys').select('key').where('key', '=', 'boom').execute();
      assert.equal(keys.length, 0);
    });
  });
}
