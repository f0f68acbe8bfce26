// GET /v2/me (spec/pi.md §3.6, §3.7, §9 examples 1–2), Pi authentication (§2.1), CORS (§2.3), unknown routes and
// methods (§3.2), on both stores.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { setAppControls } from '../../src/core/identity/appControls.js';
import { removeApp } from '../../src/core/identity/apps.js';
import { revokeGrant } from '../../src/core/identity/grants.js';
import { setUserDisabled, type User } from '../../src/core/identity/users.js';
import { getWalletOf } from '../../src/core/identity/walletKeys.js';
import { piDialect } from '../../src/dialects/pi/plugin.js';
import { staticControls } from '../../src/http/controls.js';
import { createRateLimiter } from '../../src/http/rateLimit.js';
import { startIdentityServer, type IdentityCtx, type TestApp } from '../support/identityFixtures.js';
import { http, type HttpResult } from '../support/server.js';
import { STORES } from '../support/stores.js';

const SCOPES = ['username', 'payments', 'wallet_address', 'roles'] as const;

function subsets<T>(items: readonly T[]): T[][] {
  return Array.from({ length: 1 << items.length }, (_, mask) => items.filter((_, i) => mask & (1 << i)));
}

function assertUnauthorized(r: HttpResult, messagePart?: RegExp): void {
  assert.equal(r.status, 401, r.text);
  assert.equal(r.headers.get('content-type'), 'application/json; charset=utf-8');
  assert.equal(r.headers.get('access-control-allow-origin'), '*');
  assert.deepEqual(Object.keys(r.json), ['error', 'error_message']);
  assert.equal(r.json.error, 'unauthorized');
  if (messagePart) assert.match(r.json.error_message, messagePart);
}

for (const kind of STORES) {
  describe(`pi GET /v2/me [${kind}]`, () => {
    let c: IdentityCtx;
    let app: TestApp;
    let other: TestApp;
    let alice: User;
    const me = (token: string | null, options: { path?: string; headers?: Record<string, string> } = {}) =>
      http(c.server.baseUrl, 'GET', options.path ?? '/v2/me', { headers: { ...(token !== null ? { authorization: `Bearer ${token}` } : {}), ...options.headers } });
    const freshToken = async (user: User, scopes: string[], target: TestApp = app) => {
      const grant = await c.grant(target.app.id, user.id, 'pi', scopes);
      return { grant, ...(await c.accessToken(grant, scopes)) };
    };

    before(async () => {
      c = await startIdentityServer(kind, { dialects: [piDialect] });
      app = await c.createApp('Kitten Shop');
      other = await c.createApp('Other App');
      alice = await c.createUser('alice');
    });
    after(() => c.close());
    beforeEach(() => {
      const s = c.server.services;
      s.controls = staticControls({ ...s.config.operator, perIpPerMinute: 0, perKeyPerMinute: 0 });
      s.limiter = createRateLimiter(s.clock);
    });

    test('example 1: `bearer` scheme, scopes username and payments, valid_until in seconds and ISO form', async () => {
      const { grant, token, expiresAt } = await freshToken(alice, ['username', 'payments']);
      const r = await http(c.server.baseUrl, 'GET', '/v2/me', { headers: { authorization: `bearer ${token}` } });
      assert.equal(r.status, 200, r.text);
      assert.equal(r.headers.get('content-type'), 'application/json; charset=utf-8');
      assert.equal(r.headers.get('access-control-allow-origin'), '*');
      assert.equal(expiresAt, Date.UTC(2026, 2, 2, 9, 22, 7));
      assert.equal(
        r.text,
        `{"uid":"${grant.pairwiseUid}","credentials":{"scopes":["username","payments"],"valid_until":{"timestamp":1772443327,"iso8601":"2026-03-02T09:22:07.000Z"}},"username":"alice"}`,
      );
      assert.match(grant.pairwiseUid, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    });

    test('every scope combination: canonical order, scope-dependent fields only with their scope', async () => {
      const bob = await c.createUser('bob', { verified: true, admin: true });
      assert.equal(await getWalletOf(c.server.services.db, { kind: 'user', userId: bob.id }), null, 'no wallet before it is needed');
      for (const scopes of subsets(SCOPES)) {
        // Granted in reverse order, with an unrecognised scope: the answer is canonical and filtered.
        const { grant, token } = await freshToken(bob, [...([...scopes].reverse() as string[]), 'platform']);
        const r = await me(token);
        assert.equal(r.status, 200, r.text);
        const expected: Record<string, unknown> = {
          uid: grant.pairwiseUid,
          credentials: { scopes, valid_until: { timestamp: 1772443327, iso8601: '2026-03-02T09:22:07.000Z' } },
        };
        if (scopes.includes('username')) expected.username = 'bob';
        if (scopes.includes('roles')) expected.roles = ['email_verified', 'core_team'];
        // The wallet is created on the first /me that carries the scope, and is the same one afterwards.
        const wallet = await getWalletOf(c.server.services.db, { kind: 'user', userId: bob.id });
        if (scopes.includes('wallet_address')) {
          assert.ok(wallet, 'the first wallet_address answer created the wallet');
          assert.match(wallet.address, /^G[A-Z2-7]{55}$/);
          expected.wallet_address = wallet.address;
        }
        assert.equal(r.text, JSON.stringify(expected), `scopes ${scopes.join(',')}`);
      }
    });

    test('roles may be empty; uid is stable per (app, user) and differs between apps', async () => {
      const carol = await c.createUser('carol');
      const a = await freshToken(carol, ['roles']);
      const r = await me(a.token);
      assert.deepEqual(r.json.roles, []);
      const again = await freshToken(carol, ['username']);
      assert.equal((await me(again.token)).json.uid, a.grant.pairwiseUid);
      const elsewhere = await freshToken(carol, ['username'], other);
      assert.notEqual((await me(elsewhere.token)).json.uid, a.grant.pairwiseUid);
    });

    test('scheme spelling: BEARER, tabs and several spaces, surrounding whitespace', async () => {
      const { token } = await freshToken(alice, ['username']);
      for (const header of [`BEARER ${token}`, `Bearer\t${token}`, `bearer    ${token}`, `  Bearer ${token}  `]) {
        const r = await http(c.server.baseUrl, 'GET', '/v2/me', { headers: { authorization: header } });
        assert.equal(r.status, 200, header);
      }
    });

    test('the /apps/<appkey> mount and X-Plaza-App naming the token\'s app are accepted; another app is 401', async () => {
      const { token } = await freshToken(alice, ['username']);
      assert.equal((await me(token, { path: `/apps/${app.appkey}/v2/me` })).status, 200);
      assert.equal((await me(token, { path: `/apps/${app.appkey.toUpperCase()}/v2/me/` })).status, 200);
      assert.equal((await me(token, { headers: { 'x-plaza-app': app.appkey } })).status, 200);
      assertUnauthorized(await me(token, { path: `/apps/${other.appkey}/v2/me` }), /prefix or X-Plaza-App/);
      assertUnauthorized(await me(token, { headers: { 'x-plaza-app': other.appkey } }));
      // The prefix counts over the header.
      assert.equal((await me(token, { path: `/apps/${app.appkey}/v2/me`, headers: { 'x-plaza-app': other.appkey } })).status, 200);
    });

    test('example 2: no header, a Key (even the right secret), a malformed header → 401 naming Bearer', async () => {
      assertUnauthorized(await me(null), /Bearer/);
      const key = await http(c.server.baseUrl, 'GET', '/v2/me', { headers: { authorization: `Key ${app.secret}` } });
      assertUnauthorized(key, /Bearer/);
      assertUnauthorized(await http(c.server.baseUrl, 'GET', '/v2/me', { headers: { authorization: 'Bearer' } }), /Bearer/);
      assertUnauthorized(await http(c.server.baseUrl, 'GET', '/v2/me', { headers: { authorization: 'Basic YWxhZGRpbjpvcGVuc2VzYW1l' } }), /Bearer/);
    });

    test('unknown, expired and individually revoked tokens → 401', async () => {
      assertUnauthorized(await me('A'.repeat(43)));
      const { token } = await freshToken(alice, ['username']);
      assertUnauthorized(await me(token.slice(0, -1) + (token.endsWith('A') ? 'B' : 'A')));
      const revoked = await freshToken(alice, ['username']);
      await c.server.services.db.updateTable('user_tokens').set({ revoked_at: c.clock.now() }).where('expires_at', '=', revoked.expiresAt).where('revoked_at', 'is', null).execute();
      // Tokens issued at the same instant share expires_at: every one of them is revoked now.
      assertUnauthorized(await me(revoked.token));
      c.clock.advance(1000);
      const expiring = await freshToken(alice, ['username']);
      assert.equal((await me(expiring.token)).status, 200);
      c.clock.advance(86_400_000);
      assertUnauthorized(await me(expiring.token));
      c.clock.advance(-86_401_000);
    });

    test('a token of another kind is not a Pi credential', async () => {
      const grant = await c.grant(app.app.id, alice.id, 'oidc', ['openid']);
      const { token } = await c.accessToken(grant, ['openid'], 'oidc');
      assertUnauthorized(await me(token));
    });

    test('revoked grant, disabled user → 401', async () => {
      const dave = await c.createUser('dave');
      const { grant, token } = await freshToken(dave, ['username']);
      assert.equal((await me(token)).status, 200);
      await c.server.services.db.transaction().execute((trx) => revokeGrant(trx, grant.id, dave.id, c.clock));
      assertUnauthorized(await me(token));

      const erin = await c.createUser('erin');
      const e = await freshToken(erin, ['username']);
      await c.server.services.db.transaction().execute((trx) => setUserDisabled(trx, erin.id, true, c.clock));
      assertUnauthorized(await me(e.token));
    });

    test('banned app, app not enabled for pi, removed app → 401', async () => {
      const shaky = await c.createApp('Shaky App');
      const { token } = await freshToken(alice, ['username'], shaky);
      const db = c.server.services.db;
      assert.equal((await me(token)).status, 200);
      await db.transaction().execute((trx) => setAppControls(trx, shaky.app.id, { banned: true }, { clock: c.clock }));
      assertUnauthorized(await me(token));
      await db.transaction().execute((trx) => setAppControls(trx, shaky.app.id, { banned: false, dialects: ['kamiya'] }, { clock: c.clock }));
      assertUnauthorized(await me(token));
      await db.transaction().execute((trx) => setAppControls(trx, shaky.app.id, { dialects: null }, { clock: c.clock }));
      assert.equal((await me(token)).status, 200);
      await db.transaction().execute((trx) => removeApp(trx, shaky.app.id, { clock: c.clock }));
      assertUnauthorized(await me(token));
    });

    test('CORS: preflight on known and unknown /v2 paths; responses carry Access-Control-Allow-Origin', async () => {
      for (const path of ['/v2/me', `/apps/${app.appkey}/v2/me`, '/v2/payments/abc/approve', '/v2/in_app_notifications/notify']) {
        const r = await http(c.server.baseUrl, 'OPTIONS', path, {
          headers: { origin: 'https://kittens.example', 'access-control-request-method': 'GET', 'access-control-request-headers': 'authorization' },
        });
        assert.equal(r.status, 204, path);
        assert.equal(r.headers.get('access-control-allow-origin'), '*');
        assert.equal(r.headers.get('access-control-allow-methods'), 'GET, POST, OPTIONS');
        assert.equal(r.headers.get('access-control-allow-headers'), 'Authorization, Content-Type, Idempotency-Key, X-Plaza-App');
        assert.equal(r.headers.get('access-control-allow-credentials'), null);
      }
    });

    test('unknown /v2 routes → 404 not_found JSON; another method → 405 with Allow', async () => {
      for (const [method, path] of [
        ['GET', '/v2/ads_network/status/abc'],
        ['POST', '/v2/in_app_notifications/notify'],
        ['GET', `/apps/${app.appkey}/v2/nothing`],
      ] as const) {
        const r = await http(c.server.baseUrl, method, path, method === 'POST' ? { body: {} } : {});
        assert.equal(r.status, 404, path);
        assert.equal(r.json.error, 'not_found');
        assert.equal(r.headers.get('content-type'), 'application/json; charset=utf-8');
        assert.equal(r.headers.get('access-control-allow-origin'), '*');
      }
      const r = await http(c.server.baseUrl, 'POST', '/v2/me', { body: {} });
      assert.equal(r.status, 405);
      assert.equal(r.json.error, 'method_not_allowed');
      assert.equal(r.headers.get('allow'), 'GET, HEAD, OPTIONS');
    });

    test('per-IP rate limit → 429 too_many_requests with Retry-After, before authentication', async () => {
      const s = c.server.services;
      s.controls = staticControls({ ...s.config.operator, perIpPerMinute: 2, perKeyPerMinute: 0 });
      assertUnauthorized(await me(null));
      assertUnauthorized(await me(null));
      const r = await me(null);
      assert.equal(r.status, 429);
      assert.equal(r.json.error, 'too_many_requests');
      assert.ok(Number(r.headers.get('retry-after')) >= 1);
    });
  });
}
