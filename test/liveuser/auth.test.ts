// liveuser transport, app selection, Wx.Login and the token lifecycle over HTTP on both stores (spec/liveuser.md
// §2, §3, §6.3, §6.4, §7.1; §11 examples 1–3 and 13): exact envelopes, check order one defect at a time, rotation,
// the grace-window replay (byte-identical), reuse → family revoked, the family limit, rotation off, disabled users
// and apps, unionid linking, other dialects' tokens refused, Idempotency-Key, and concurrent renewals.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { setAppControls } from '../../src/core/identity/appControls.js';
import { upsertGrant } from '../../src/core/identity/grants.js';
import { revokeLiveuserAppSessions } from '../../src/core/identity/liveuserTokens.js';
import { issueAccessToken } from '../../src/core/identity/userTokens.js';
import { setUserDisabled } from '../../src/core/identity/users.js';
import { piDialect } from '../../src/dialects/pi/plugin.js';
import { http } from '../support/server.js';
import { STORES } from '../support/stores.js';
import { assertError, badRequest, conflict, forbidden, JSON_CT, notFound, startLiveuser, unauthorized, type LiveApp, type LiveCtx, type Tokens } from './support.js';

const TOKEN = /^lu_at_[A-Za-z0-9_-]{43}$/;
const REFRESH = /^lu_rt_[A-Za-z0-9_-]{43}$/;

for (const kind of STORES) {
  describe(`liveuser auth [${kind}]`, () => {
    let c: LiveCtx;
    let A: LiveApp;
    let B: LiveApp;
    let C: LiveApp;

    const userIdOf = async (openid: string): Promise<number> => {
      const row = await c.server.services.db.selectFrom('wechat_identities').select('user_id').where('openid', '=', openid).executeTakeFirstOrThrow();
      return Number(row.user_id);
    };
    const renew = (app: LiveApp, refresh: string, headers: Record<string, string> = {}) =>
      c.call(`/apps/${app.appkey}/liveuser/Wx/RenewToken`, { refresh_token: refresh }, { headers });
    const userGet = (token: string, path = '/liveuser/User/Get', headers: Record<string, string> = {}) => c.call(path, {}, { token, headers });
    /** User.Get answers 404 (no record yet) for a valid token: the token passed every check. */
    const accepted = (r: { status: number; text: string }) => assert.equal(r.status, 404, r.text);

    before(async () => {
      c = await startLiveuser(kind, {}, [piDialect]);
      A = await c.createApp('Alpha');
      B = await c.createApp('Beta');
      C = await c.createApp('NoWechat', { wechat: false });
    });
    after(() => c.close());

    test('§11.1: a Bearer method without a token is 401 missing token, exact body', async () => {
      const r = await c.call('/liveuser/User/Get');
      assert.equal(r.status, 401);
      assert.equal(r.text, '{"id":"E0002","code":401,"detail":"missing token","status":"Unauthorized"}');
      assert.equal(r.headers.get('content-type'), JSON_CT);
    });

    test('transport: unknown route 404, wrong case 404, non-POST 405 with Allow, trailing slash served', async () => {
      notFound(await c.call('/liveuser/User/Nope'), 'not found');
      notFound(await c.call('/liveuser/user/get'), 'not found');
      notFound(await c.call('/liveuser'), 'not found');
      notFound(await c.call(`/apps/${A.appkey}/liveuser/Order/Nope`), 'not found');
      const get = await http(c.server.baseUrl, 'GET', '/liveuser/User/Get');
      assertError(get, 'E0006', 405, 'method not allowed', 'Method Not Allowed');
      assert.equal(get.headers.get('allow'), 'POST');
      assertError(await http(c.server.baseUrl, 'PUT', `/apps/${A.appkey}/liveuser/Order/List/`), 'E0006', 405, 'method not allowed', 'Method Not Allowed');
      unauthorized(await c.call('/liveuser/User/Get/'), 'missing token');
      unauthorized(await c.call(`/apps/${A.appkey}/liveuser/User/Get/`), 'missing token');
    });

    test('every method: GET is 405; every Bearer method without a token is 401; public ones resolve the app first', async () => {
      const bearer = ['User/Set', 'User/Get', 'Wx/Prepay', 'Order/Create', 'Order/List'];
      for (const m of bearer) {
        unauthorized(await c.call(`/liveuser/${m}`, {}), 'missing token');
        unauthorized(await c.call(`/apps/${A.appkey}/liveuser/${m}/`, {}, { headers: { authorization: 'Bearer' } }), 'missing token');
        assertError(await http(c.server.baseUrl, 'GET', `/liveuser/${m}`), 'E0006', 405, 'method not allowed', 'Method Not Allowed');
      }
      for (const m of ['Wx/Login', 'Wx/RenewToken']) {
        notFound(await c.call(`/liveuser/${m}`, {}), 'app not found');
        assertError(await http(c.server.baseUrl, 'DELETE', `/apps/${A.appkey}/liveuser/${m}`), 'E0006', 405, 'method not allowed', 'Method Not Allowed');
      }
      const postpay = await http(c.server.baseUrl, 'GET', '/liveuser/Wx/Postpay');
      assert.equal(postpay.status, 405);
      assert.equal(postpay.text, '{"code":"FAIL","message":"method not allowed"}');
    });

    test('§11.2: sandbox code → Wx.Login → tokens, expiry = issue second + 3600, uid = openid', async () => {
      const { code, openid } = await c.sandboxCode(A, 'alice');
      const r = await c.call(`/apps/${A.appkey}/liveuser/Wx/Login`, { code });
      assert.equal(r.status, 200, r.text);
      assert.equal(r.headers.get('content-type'), JSON_CT);
      assert.deepEqual(Object.keys(r.json), ['access_token', 'refresh_token', 'expiry', 'uid']);
      assert.match(r.json.access_token, TOKEN);
      assert.match(r.json.refresh_token, REFRESH);
      assert.equal(r.json.expiry, Math.floor(c.clock.now() / 1000) + 3600);
      assert.equal(r.json.uid, openid);
      assert.ok(!r.text.includes('session_key'));
      accepted(await userGet(r.json.access_token));
    });

    test('§11.3: a used code is errcode 40163; empty, long and non-string codes are 400', async () => {
      const { code } = await c.sandboxCode(A, 'bob');
      assert.equal((await c.call(`/apps/${A.appkey}/liveuser/Wx/Login`, { code })).status, 200);
      const again = await c.call(`/apps/${A.appkey}/liveuser/Wx/Login`, { code });
      badRequest(again, /^wx\.login: auth\.code2Session: errcode\(40163\) code been used, rid: [0-9a-f]{24}$/);
      badRequest(await c.call(`/apps/${A.appkey}/liveuser/Wx/Login`, { code: '' }), 'empty code');
      badRequest(await c.call(`/apps/${A.appkey}/liveuser/Wx/Login`, {}), 'empty code');
      badRequest(await c.call(`/apps/${A.appkey}/liveuser/Wx/Login`, ''), 'empty code');
      badRequest(await c.call(`/apps/${A.appkey}/liveuser/Wx/Login`, { code: 'x'.repeat(129) }), /^code too long/);
      badRequest(await c.call(`/apps/${A.appkey}/liveuser/Wx/Login`, { code: 12 }), 'code must be a string');
      badRequest(await c.call(`/apps/${A.appkey}/liveuser/Wx/Login`, { code: 'nosuchcode' }), /errcode\(40029\) invalid code/);
      // A code minted for another appid is invalid here.
      const other = await c.sandboxCode(B, 'bob');
      badRequest(await c.call(`/apps/${A.appkey}/liveuser/Wx/Login`, { code: other.code }), /errcode\(40029\)/);
    });

    test('app selection: prefix over header, header, default app, unknown, not configured, disabled', async () => {
      const viaHeader = await c.sandboxCode(A, 'hdr');
      const h = await c.call('/liveuser/Wx/Login', { code: viaHeader.code }, { headers: { 'x-plaza-app': A.appkey.toUpperCase() } });
      assert.equal(h.status, 200, h.text);
      assert.equal(h.json.uid, viaHeader.openid);
      const prefixWins = await c.sandboxCode(A, 'pfx');
      assert.equal((await c.call(`/apps/${A.appkey}/liveuser/Wx/Login`, { code: prefixWins.code }, { headers: { 'x-plaza-app': B.appkey } })).status, 200);

      notFound(await c.call('/liveuser/Wx/Login', { code: 'abc' }), 'app not found');
      notFound(await c.call('/apps/0123456789abcdef0123456789abcdef/liveuser/Wx/Login', { code: 'abc' }), 'app not found');
      notFound(await c.call('/liveuser/Wx/RenewToken', { refresh_token: 'x' }, { headers: { 'x-plaza-app': 'nope' } }), 'app not found');
      const live = c.server.services.config.liveuser;
      live.defaultAppkey = A.appkey;
      try {
        const d = await c.sandboxCode(A, 'dflt');
        const r = await c.call('/liveuser/Wx/Login', { code: d.code });
        assert.equal(r.status, 200, r.text);
        assert.equal(r.json.uid, d.openid);
      } finally {
        live.defaultAppkey = '';
      }
      assertError(await c.call(`/apps/${C.appkey}/liveuser/Wx/Login`, { code: 'abc' }), 'E0000', 500, 'wechat not configured', 'Internal Server Error');

      const t = await c.login(B, 'banned-app-user');
      await c.server.services.db.transaction().execute((trx) => setAppControls(trx, B.app.id, { banned: true }, { clock: c.clock }));
      try {
        forbidden(await c.call(`/apps/${B.appkey}/liveuser/Wx/Login`, { code: 'abc' }), 'app disabled');
        // RenewToken is public: the app is resolved (and found disabled) first. The ban revoked the app's session
        // families (§7.1 "other revocation"), so a Bearer method sees a revoked token (§3.3: token before app).
        forbidden(await renew(B, t.refresh_token), 'app disabled');
        unauthorized(await userGet(t.access_token), 'token revoked');
      } finally {
        await c.server.services.db.transaction().execute((trx) => setAppControls(trx, B.app.id, { banned: false }, { clock: c.clock }));
      }
      // Lifting the ban revives none of them; a new login works.
      unauthorized(await userGet(t.access_token), 'token revoked');
      unauthorized(await renew(B, t.refresh_token), 'invalid refresh token');
      const fresh = await c.login(B, 'banned-app-user');
      accepted(await userGet(fresh.access_token));
      // An app not allowed to speak liveuser is disabled for it.
      await c.server.services.db.transaction().execute((trx) => setAppControls(trx, B.app.id, { dialects: ['pi'] }, { clock: c.clock }));
      try {
        forbidden(await userGet(fresh.access_token), 'app disabled');
      } finally {
        await c.server.services.db.transaction().execute((trx) => setAppControls(trx, B.app.id, { dialects: null }, { clock: c.clock }));
      }
    });

    test('access token: other app by prefix or header 401, cookie and scheme case accepted, garbage, expiry', async () => {
      const t = await c.login(A, 'carl');
      unauthorized(await userGet(t.access_token, `/apps/${B.appkey}/liveuser/User/Get`), 'token not valid for this app');
      unauthorized(await userGet(t.access_token, '/liveuser/User/Get', { 'x-plaza-app': B.appkey }), 'token not valid for this app');
      unauthorized(await userGet(t.access_token, '/apps/0123456789abcdef0123456789abcdef/liveuser/User/Get'), 'token not valid for this app');
      accepted(await userGet(t.access_token, '/liveuser/User/Get', { 'x-plaza-app': A.appkey }));
      accepted(await userGet(t.access_token, `/apps/${A.appkey}/liveuser/User/Get`));
      accepted(await c.call('/liveuser/User/Get', {}, { headers: { cookie: `a=b; micro-token=${t.access_token}` } }));
      accepted(await c.call('/liveuser/User/Get', {}, { headers: { authorization: `bEaReR ${t.access_token}` } }));
      unauthorized(await userGet('lu_at_' + 'A'.repeat(43)), 'invalid token');
      unauthorized(await userGet('garbage'), 'invalid token');
      unauthorized(await userGet(t.refresh_token), 'invalid token');
      unauthorized(await c.call('/liveuser/User/Get', {}, { headers: { authorization: 'Basic abc' } }), 'invalid token');
      // Valid until the second before expiry, invalid from `expiry` on.
      c.clock.advance(3599_000);
      accepted(await userGet(t.access_token));
      c.clock.advance(1000);
      unauthorized(await userGet(t.access_token), 'token expired');
      c.clock.advance(-3600_000);
    });

    test('tokens of other dialects never authenticate here, and liveuser tokens never at Pi', async () => {
      const t = await c.login(A, 'dora');
      const s = c.server.services;
      const userId = await userIdOf(t.uid);
      const pi = await s.db.transaction().execute(async (trx) => {
        const grant = await upsertGrant(trx, { appId: A.app.id, userId, kind: 'pi', scopes: ['username'] }, c.clock);
        return issueAccessToken(trx, { grant, scopes: ['username'], kind: 'pi', ttlSeconds: 3600 }, c.clock);
      });
      unauthorized(await userGet(pi.token), 'invalid token');
      const me = await http(c.server.baseUrl, 'GET', '/v2/me', { headers: { authorization: `Bearer ${t.access_token}` } });
      assert.equal(me.status, 401, me.text);
      const piMe = await http(c.server.baseUrl, 'GET', '/v2/me', { headers: { authorization: `Bearer ${pi.token}` } });
      assert.equal(piMe.status, 200, piMe.text);
      unauthorized(await renew(A, pi.token), 'invalid refresh token');
    });

    test('§11.13: rotation, identical replay within 30 s, reuse after it revokes the family', async () => {
      const t1 = await c.login(A, 'erin');
      const r1 = await renew(A, t1.refresh_token);
      assert.equal(r1.status, 200, r1.text);
      assert.deepEqual(Object.keys(r1.json), ['access_token', 'refresh_token', 'expiry']);
      assert.match(r1.json.access_token, TOKEN);
      assert.match(r1.json.refresh_token, REFRESH);
      assert.notEqual(r1.json.refresh_token, t1.refresh_token);
      assert.notEqual(r1.json.access_token, t1.access_token);
      assert.equal(r1.json.expiry, Math.floor(c.clock.now() / 1000) + 3600);
      c.clock.advance(30_000);
      const replay = await renew(A, t1.refresh_token);
      assert.equal(replay.status, 200);
      assert.equal(replay.text, r1.text);
      // Earlier access tokens stay valid; the new pair works.
      accepted(await userGet(t1.access_token));
      accepted(await userGet(r1.json.access_token));
      c.clock.advance(1000);
      unauthorized(await renew(A, t1.refresh_token), 'refresh token reused');
      unauthorized(await userGet(r1.json.access_token), 'token revoked');
      unauthorized(await userGet(t1.access_token), 'token revoked');
      unauthorized(await renew(A, r1.json.refresh_token), 'invalid refresh token');
      const replays = await c.server.services.db.selectFrom('liveuser_replays').selectAll().execute();
      assert.ok(replays.every((r) => !r.response_enc.includes('lu_')), 'replays are sealed');
      // A fresh login starts a new, working family.
      accepted(await userGet((await c.login(A, 'erin')).access_token));
    });

    test('a chain of rotations: each rotated token replays its own rotation', async () => {
      const t1 = await c.login(A, 'fay');
      const r1 = await renew(A, t1.refresh_token);
      const r2 = await renew(A, r1.json.refresh_token);
      assert.equal(r2.status, 200);
      assert.equal((await renew(A, t1.refresh_token)).text, r1.text);
      assert.equal((await renew(A, r1.json.refresh_token)).text, r2.text);
      accepted(await userGet(r2.json.access_token));
    });

    test('RenewToken refusals: empty, unknown, another app, camelCase, expired refresh', async () => {
      badRequest(await renew(A, ''), 'empty refresh token');
      badRequest(await c.call(`/apps/${A.appkey}/liveuser/Wx/RenewToken`, {}), 'empty refresh token');
      badRequest(await c.call(`/apps/${A.appkey}/liveuser/Wx/RenewToken`, { refresh_token: 5 }), 'refresh_token must be a string');
      unauthorized(await renew(A, 'lu_rt_' + 'B'.repeat(43)), 'invalid refresh token');
      const t = await c.login(A, 'gus');
      unauthorized(await renew(B, t.refresh_token), 'invalid refresh token');
      unauthorized(await renew(A, t.access_token), 'invalid refresh token');
      const camel = await c.call(`/apps/${A.appkey}/liveuser/Wx/RenewToken`, { refreshToken: t.refresh_token });
      assert.equal(camel.status, 200, camel.text);
      const t2 = await c.login(A, 'gus');
      c.clock.advance(30 * 86400_000);
      unauthorized(await renew(A, t2.refresh_token), 'invalid refresh token');
      c.clock.advance(-30 * 86400_000);
    });

    test('concurrent renewals with one refresh token: one rotation, every answer identical', async () => {
      const t = await c.login(A, 'hal');
      const answers = await Promise.all(Array.from({ length: 8 }, () => renew(A, t.refresh_token)));
      for (const a of answers) assert.equal(a.status, 200, a.text);
      assert.equal(new Set(answers.map((a) => a.text)).size, 1);
      const db = c.server.services.db;
      const userId = await userIdOf(t.uid);
      const tokens = await db.selectFrom('user_tokens').select(['token_type']).where('user_id', '=', userId).where('kind', '=', 'liveuser').execute();
      // Login pair + exactly one rotated pair.
      assert.equal(tokens.length, 4);
    });

    test('family limit: the 11th login revokes the oldest family; other apps are not affected', async () => {
      const first = await c.login(A, 'ivy');
      const second = await c.login(A, 'ivy');
      const inB = await c.login(B, 'ivy');
      for (let i = 0; i < 8; i++) await c.login(A, 'ivy');
      accepted(await userGet(first.access_token));
      await c.login(A, 'ivy');
      unauthorized(await userGet(first.access_token), 'token revoked');
      unauthorized(await renew(A, first.refresh_token), 'invalid refresh token');
      accepted(await userGet(second.access_token));
      accepted(await userGet(inB.access_token));
    });

    test('rotation off: the same refresh token comes back and keeps working', async () => {
      const live = c.server.services.config.liveuser;
      live.refreshRotation = false;
      try {
        const t = await c.login(A, 'jo');
        const r1 = await renew(A, t.refresh_token);
        assert.equal(r1.status, 200, r1.text);
        assert.equal(r1.json.refresh_token, t.refresh_token);
        assert.notEqual(r1.json.access_token, t.access_token);
        c.clock.advance(60_000);
        const r2 = await renew(A, t.refresh_token);
        assert.equal(r2.status, 200, r2.text);
        assert.equal(r2.json.refresh_token, t.refresh_token);
        accepted(await userGet(r1.json.access_token));
        accepted(await userGet(t.access_token));
        // Each use restarts the 30 days.
        c.clock.advance(29 * 86400_000);
        assert.equal((await renew(A, t.refresh_token)).status, 200);
        c.clock.advance(29 * 86400_000);
        assert.equal((await renew(A, t.refresh_token)).status, 200);
        c.clock.advance(-58 * 86400_000 - 60_000);
      } finally {
        live.refreshRotation = true;
      }
    });

    test('revoking an app\'s sessions (operator action, app disabled) is permanent', async () => {
      const t = await c.login(B, 'rex');
      const n = await c.server.services.db.transaction().execute((trx) => revokeLiveuserAppSessions(trx, B.app.id, c.clock));
      assert.ok(n >= 1);
      unauthorized(await userGet(t.access_token), 'token revoked');
      unauthorized(await renew(B, t.refresh_token), 'invalid refresh token');
      accepted(await userGet((await c.login(B, 'rex')).access_token));
    });

    test('a disabled user: 403 on every path; re-enabled, old tokens stay revoked', async () => {
      const t = await c.login(A, 'kim');
      const userId = await userIdOf(t.uid);
      const db = c.server.services.db;
      await db.transaction().execute((trx) => setUserDisabled(trx, userId, true, c.clock));
      forbidden(await userGet(t.access_token), 'user disabled');
      forbidden(await renew(A, t.refresh_token), 'user disabled');
      const { code } = await c.sandboxCode(A, 'kim');
      forbidden(await c.call(`/apps/${A.appkey}/liveuser/Wx/Login`, { code }), 'user disabled');
      await db.transaction().execute((trx) => setUserDisabled(trx, userId, false, c.clock));
      unauthorized(await userGet(t.access_token), 'token revoked');
      unauthorized(await renew(A, t.refresh_token), 'invalid refresh token');
      accepted(await userGet((await c.login(A, 'kim')).access_token));
    });

    test('one person, one user: the same unionid links apps; without it apps see separate users', async () => {
      const inA = await c.login(A, 'lee', true);
      const inB = await c.login(B, 'lee', true);
      assert.notEqual(inA.uid, inB.uid);
      assert.equal(await userIdOf(inA.uid), await userIdOf(inB.uid));
      const noUnionA = await c.login(A, 'mo');
      const noUnionB = await c.login(B, 'mo');
      assert.notEqual(await userIdOf(noUnionA.uid), await userIdOf(noUnionB.uid));
      // The same openid again is the same identity and user.
      assert.equal(await userIdOf((await c.login(A, 'lee', true)).uid), await userIdOf(inA.uid));
      const rows = await c.server.services.db.selectFrom('wechat_identities').select(['session_key_enc']).execute();
      assert.ok(rows.every((r) => r.session_key_enc.startsWith('v1.')));
    });

    test('concurrent first logins of one person in two apps end on one user', async () => {
      const a = await c.sandboxCode(A, 'nia', true);
      const b = await c.sandboxCode(B, 'nia', true);
      const [ra, rb] = await Promise.all([
        c.call(`/apps/${A.appkey}/liveuser/Wx/Login`, { code: a.code }),
        c.call(`/apps/${B.appkey}/liveuser/Wx/Login`, { code: b.code }),
      ]);
      assert.equal(ra.status, 200, ra.text);
      assert.equal(rb.status, 200, rb.text);
      assert.equal(await userIdOf(a.openid), await userIdOf(b.openid));
      const users = await c.server.services.db.selectFrom('end_users').select('id').where('username', 'like', 'wx_%').execute();
      const identities = await c.server.services.db.selectFrom('wechat_identities').select('user_id').execute();
      // No orphan user was left behind by the race.
      assert.equal(new Set(identities.map((i) => Number(i.user_id))).size, users.length);
    });

    test('Idempotency-Key on Wx.Login: replay without a second exchange, conflict, malformed', async () => {
      const { code } = await c.sandboxCode(A, 'olga');
      const key = { 'idempotency-key': 'login-1' };
      const first = await c.call(`/apps/${A.appkey}/liveuser/Wx/Login`, { code }, { headers: key });
      assert.equal(first.status, 200, first.text);
      const again = await c.call(`/apps/${A.appkey}/liveuser/Wx/Login`, { code }, { headers: key });
      assert.equal(again.status, 200);
      assert.equal(again.text, first.text);
      assert.equal(again.headers.get('idempotent-replayed'), 'true');
      conflict(await c.call(`/apps/${A.appkey}/liveuser/Wx/Login`, { code: 'other' }, { headers: key }), 'idempotency key reused with different input');
      badRequest(await c.call(`/apps/${A.appkey}/liveuser/Wx/Login`, { code }, { headers: { 'idempotency-key': 'x'.repeat(256) } }), 'invalid idempotency key');
      // A stored 400 replays too.
      const bad1 = await c.call(`/apps/${A.appkey}/liveuser/Wx/Login`, { code: '' }, { headers: { 'idempotency-key': 'login-2' } });
      const bad2 = await c.call(`/apps/${A.appkey}/liveuser/Wx/Login`, { code: '' }, { headers: { 'idempotency-key': 'login-2' } });
      assert.equal(bad2.text, bad1.text);
      assert.equal(bad2.headers.get('idempotent-replayed'), 'true');
      // Field names are normalised before fingerprinting: camelCase is the same input.
      const t = await c.login(A, 'olga');
      const k3 = { 'idempotency-key': 'renew-3' };
      const r1 = await c.call(`/apps/${A.appkey}/liveuser/Wx/RenewToken`, { refresh_token: t.refresh_token }, { headers: k3 });
      const r2 = await c.call(`/apps/${A.appkey}/liveuser/Wx/RenewToken`, { refreshToken: t.refresh_token }, { headers: k3 });
      assert.equal(r2.text, r1.text);
      assert.equal(r2.headers.get('idempotent-replayed'), 'true');
    });

    test('check order (Bearer): token → body → Idempotency-Key → fields; (public): app → body → key → fields', async () => {
      const t = await c.login(A, 'pat');
      unauthorized(await c.call('/liveuser/User/Set', '{not json', { headers: { 'idempotency-key': 'x'.repeat(300) } }), 'missing token');
      badRequest(await c.call('/liveuser/User/Set', '{not json', { token: t.access_token, headers: { 'idempotency-key': 'x'.repeat(300) } }), 'invalid JSON body');
      badRequest(await c.call('/liveuser/User/Set', '[1]', { token: t.access_token }), 'the body must be a JSON object');
      badRequest(await c.call('/liveuser/User/Set', { user: 5 }, { token: t.access_token, headers: { 'idempotency-key': 'x'.repeat(300) } }), 'invalid idempotency key');
      badRequest(await c.call('/liveuser/User/Set', { user: 5 }, { token: t.access_token }), 'user is nil');
      notFound(await c.call('/apps/0123456789abcdef0123456789abcdef/liveuser/Wx/Login', '{bad'), 'app not found');
      badRequest(await c.call(`/apps/${A.appkey}/liveuser/Wx/Login`, '{bad', { headers: { 'idempotency-key': 'x'.repeat(300) } }), 'invalid JSON body');
      badRequest(await c.call(`/apps/${A.appkey}/liveuser/Wx/Login`, { code: '' }, { headers: { 'idempotency-key': 'x'.repeat(300) } }), 'invalid idempotency key');
      const big = JSON.stringify({ code: 'x'.repeat(1024 * 1024) });
      badRequest(await c.call(`/apps/${A.appkey}/liveuser/Wx/Login`, big), 'body too large');
    });
  });

  describe(`liveuser rate limits [${kind}]`, () => {
    let c: LiveCtx;
    let A: LiveApp;
    before(async () => {
      c = await startLiveuser(kind, { operator: { maintenance: false, maintenanceEndpoints: [], disabledEndpoints: [], ipDenyList: [], perIpPerMinute: 3, perKeyPerMinute: 1000 } });
      A = await c.createApp('Limited');
    });
    after(() => c.close());

    test('per IP: 429 E0005 with Retry-After after the limit; 405 still comes first; Postpay exempt', async () => {
      for (let i = 0; i < 3; i++) unauthorized(await c.call('/liveuser/User/Get'), 'missing token');
      const limited = await c.call('/liveuser/User/Get');
      assertError(limited, 'E0005', 429, 'too many requests', 'Too Many Requests');
      assert.ok(Number(limited.headers.get('retry-after')) >= 1);
      assertError(await http(c.server.baseUrl, 'GET', '/liveuser/User/Get'), 'E0006', 405, 'method not allowed', 'Method Not Allowed');
      const postpay = await c.call(`/apps/${A.appkey}/liveuser/Wx/Postpay`, {});
      assert.equal(postpay.status, 401, postpay.text);
      assert.equal(postpay.text, '{"code":"FAIL","message":"missing signature headers"}');
    });
  });

  describe(`liveuser per-app rate limit [${kind}]`, () => {
    let c: LiveCtx;
    let A: LiveApp;
    let t: Tokens;
    before(async () => {
      c = await startLiveuser(kind, { operator: { maintenance: false, maintenanceEndpoints: [], disabledEndpoints: [], ipDenyList: [], perIpPerMinute: 0, perKeyPerMinute: 2 } });
      A = await c.createApp('PerApp');
      t = await c.login(A, 'quin');
    });
    after(() => c.close());

    test('per app: after the token check, before the body', async () => {
      // The login used one of the two.
      assert.equal((await c.call('/liveuser/User/Get', {}, { token: t.access_token })).status, 404);
      const limited = await c.call('/liveuser/User/Get', '{bad', { token: t.access_token });
      assertError(limited, 'E0005', 429, 'too many requests', 'Too Many Requests');
      unauthorized(await c.call('/liveuser/User/Get', '{bad', { token: 'nope' }), 'invalid token');
    });
  });
}
