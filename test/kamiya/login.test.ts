// Kamiya's login page and token verification (spec/kamiya.md §2.2, §3.3, §3.6, §3.12, §4.1, §8 examples 1–5, 11
// (verify), 12), on both stores: redirects with token and state, open-redirect refusal, decline, the email step,
// single use under concurrency, wrong secret and other app leave the token usable, expiry on a manual clock.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { revokeGrant, getActiveGrant } from '../../src/core/identity/grants.js';
import { setUserDisabled, type User } from '../../src/core/identity/users.js';
import { kamiyaDialect } from '../../src/dialects/kamiya/plugin.js';
import { withQuery } from '../../src/dialects/kamiya/loginPage.js';
import { staticControls } from '../../src/http/controls.js';
import { createRateLimiter } from '../../src/http/rateLimit.js';
import { startIdentityServer, type IdentityCtx, type TestApp } from '../support/identityFixtures.js';
import { http, type HttpResult } from '../support/server.js';
import { STORES } from '../support/stores.js';
import { createAgent, extractCsrf, type Agent, type PageResponse } from '../web/browser.js';

const CB = 'https://app.example/cb';
const TOKEN = /^[0-9A-Z]{5}-[0-9A-Z]{5}$/;

function loginPath(app: TestApp, extra: Record<string, string> = {}, prefix = ''): string {
  return `${prefix}/openIDAppLogin.html?${new URLSearchParams({ appId: app.appkey, ...extra }).toString()}`;
}

/** Loads the confirmation screen and answers it; returns the answer. */
async function decide(agent: Agent, path: string, decision: 'confirm' | 'decline' = 'confirm'): Promise<PageResponse> {
  const screen = await agent.get(path);
  assert.equal(screen.status, 200, screen.text.slice(0, 500));
  const url = new URL(path, 'http://x');
  const fields: Record<string, string> = { decision, csrf: extractCsrf(screen.text) };
  for (const [k, v] of url.searchParams) fields[k] = v;
  return agent.postForm(url.pathname, fields);
}

function tokenOf(location: string | null): string {
  assert.ok(location);
  const token = new URL(location).searchParams.get('token');
  assert.match(token ?? '', TOKEN);
  return token!;
}

function assertBody(r: HttpResult, status: number, text: string): void {
  assert.equal(r.status, status, r.text);
  assert.equal(r.headers.get('content-type'), 'application/json; charset=utf-8');
  assert.equal(r.text, text);
}

for (const kind of STORES) {
  describe(`kamiya login page and verifyOpenIDToken [${kind}]`, () => {
    let c: IdentityCtx;
    let A: TestApp;
    let B: TestApp;
    let NoUrl: TestApp;
    let alice: User;
    let aliceAgent: Agent;
    const verify = (app: TestApp, token: string, options: { secret?: string; path?: string; headers?: Record<string, string> } = {}) =>
      http(c.server.baseUrl, 'POST', options.path ?? '/api/session/verifyOpenIDToken', {
        body: { appId: app.appkey, secret: options.secret ?? app.secret, token },
        ...(options.headers ? { headers: options.headers } : {}),
      });
    const freshToken = async (agent: Agent = aliceAgent, app: TestApp = A) => tokenOf((await decide(agent, loginPath(app))).location);
    const aliceOk = () => `{"status":200,"data":{"id":${alice.uid},"email":"alice@example.com","role":"Normal"}}`;

    before(async () => {
      c = await startIdentityServer(kind, { dialects: [kamiyaDialect] });
      A = await c.createApp('Comic Studio', { redirectUris: [CB, 'https://app.example/other?lang=en'] });
      B = await c.createApp('Other App', { redirectUris: ['https://b.example/cb'] });
      NoUrl = await c.createApp('Desktop Tool');
      alice = await c.createUser('alice', { verified: true, password: 'alice-password-1' });
      aliceAgent = await c.signedIn(alice);
    });
    after(() => c.close());
    beforeEach(() => {
      const s = c.server.services;
      s.controls = staticControls({ ...s.config.operator, perIpPerMinute: 0, perKeyPerMinute: 0 });
      s.limiter = createRateLimiter(s.clock);
    });

    test('example 1: signed out → sign-in → confirmation naming app and developer → 303 with token and state', async () => {
      const agent = createAgent(c.server.baseUrl);
      const path = loginPath(A, { state: 's1' });
      const first = await agent.get(path);
      assert.equal(first.status, 303);
      assert.equal(first.location, `/signin?next=${encodeURIComponent(path)}`);
      const signedIn = await agent.submit(first.location!, { login: 'alice', password: 'alice-password-1', next: path });
      assert.equal(signedIn.location, path);
      const screen = await agent.get(path);
      assert.equal(screen.status, 200);
      assert.equal(screen.headers.get('x-frame-options'), 'DENY');
      assert.match(screen.headers.get('content-security-policy') ?? '', /frame-ancestors 'none'/);
      assert.match(screen.text, /Comic Studio/);
      assert.match(screen.text, /appmaker/);
      assert.match(screen.text, /user id, email address and role/);
      assert.match(screen.text, /charge your credits/);
      const done = await decide(agent, path);
      assert.equal(done.status, 303);
      assert.match(done.location!, /^https:\/\/app\.example\/cb\?token=[0-9A-Z]{5}-[0-9A-Z]{5}&state=s1$/);
      assert.ok(await getActiveGrant(c.server.services.db, A.app.id, alice.id, 'kamiya'));
      // The confirmation screen is shown on every visit, even once confirmed.
      assert.match((await agent.get(path)).text, /name="decision" value="confirm"/);
    });

    test('example 2: verify → 200 {id, email, role} without message; again → 404 token not found', async () => {
      const token = await freshToken();
      const r = await verify(A, token);
      assertBody(r, 200, aliceOk());
      assert.equal(r.headers.get('access-control-allow-origin'), null);
      assertBody(await verify(A, token), 404, '{"status":404,"message":"token not found"}');
    });

    test('example 3: another app → 404 and the token stays usable; a wrong secret → 401 and it stays usable', async () => {
      const token = await freshToken();
      assertBody(await verify(B, token), 404, '{"status":404,"message":"token not found"}');
      assertBody(await verify(A, token), 200, aliceOk());

      const second = await freshToken();
      assertBody(await verify(A, second, { secret: B.secret }), 401, '{"status":401,"message":"Unauthorized"}');
      assertBody(await verify(A, second, { secret: A.secret.toUpperCase() }), 401, '{"status":401,"message":"Unauthorized"}');
      assertBody(await verify(A, second), 200, aliceOk());
    });

    test('example 4: expired 10 min 1 s after issue; input is trimmed and upper-cased; appId case-insensitive', async () => {
      const late = await freshToken();
      c.clock.advance(600_000);
      const onTime = await freshToken();
      c.clock.advance(1_000);
      assertBody(await verify(A, late), 404, '{"status":404,"message":"token not found"}');
      const r = await http(c.server.baseUrl, 'POST', '/api/session/verifyOpenIDToken', {
        body: { appId: A.appkey.toUpperCase(), secret: A.secret, token: `  ${onTime.toLowerCase()}\n` },
      });
      assertBody(r, 200, aliceOk());
      for (const malformed of ['', 'abc', 'J2C1O4D4TQ', 'J2C1O-4D4T', 'J2C1O_4D4TQ']) {
        assertBody(await verify(A, malformed), 404, '{"status":404,"message":"token not found"}');
      }
    });

    test('example 5: bad bodies → 400 before any 401, and never consume a token', async () => {
      const token = await freshToken();
      const post = (body: string, headers: Record<string, string> = {}) =>
        http(c.server.baseUrl, 'POST', '/api/session/verifyOpenIDToken', { body, headers: { 'content-type': 'application/json', ...headers } });
      const bad = '{"status":400,"message":"Bad Request"}';
      assertBody(await post('{"appId": 5}'), 400, bad);
      assertBody(await post('not json'), 400, bad);
      assertBody(await post(''), 400, bad);
      assertBody(await post('[1]'), 400, bad);
      assertBody(await post(JSON.stringify({ appId: A.appkey, secret: 'wrong', token: 5 })), 400, bad);
      assertBody(await post(JSON.stringify({ appId: A.appkey, secret: A.secret, token })), 200, aliceOk());
      const next = await freshToken();
      assertBody(await post(JSON.stringify({ appId: A.appkey, secret: A.secret, token: next }), { 'content-type': 'text/plain' }), 400, bad);
      assertBody(await post(JSON.stringify({ appId: A.appkey, secret: A.secret, token: next }), { 'content-type': 'application/json; charset=utf-8' }), 200, aliceOk());
      const big = JSON.stringify({ appId: A.appkey, secret: A.secret, token: next, pad: 'x'.repeat(17 * 1024) });
      assertBody(await post(big), 413, '{"status":413,"message":"Payload Too Large"}');
    });

    test('20 concurrent verifications of one token → exactly one 200', async () => {
      const token = await freshToken();
      const answers = await Promise.all(Array.from({ length: 20 }, () => verify(A, token)));
      assert.deepEqual(
        answers.map((r) => r.status).sort(),
        [200, ...Array(19).fill(404)],
      );
    });

    test('an unverified user verifies (200); a disabled user or a revoked grant → 404', async () => {
      const una = await c.createUser('una', { verified: false });
      const unaAgent = await c.signedIn(una);
      const t = await freshToken(unaAgent);
      assertBody(await verify(A, t), 200, `{"status":200,"data":{"id":${una.uid},"email":"una@example.com","role":"Normal"}}`);

      const dan = await c.createUser('dan', { verified: true });
      const danAgent = await c.signedIn(dan);
      const beforeRevoke = await freshToken(danAgent);
      const grant = (await getActiveGrant(c.server.services.db, A.app.id, dan.id, 'kamiya'))!;
      await c.server.services.db.transaction().execute((trx) => revokeGrant(trx, grant.id, dan.id, c.clock));
      assertBody(await verify(A, beforeRevoke), 404, '{"status":404,"message":"token not found"}');

      const beforeDisable = await freshToken(danAgent);
      await c.server.services.db.transaction().execute((trx) => setUserDisabled(trx, dan.id, true, c.clock));
      assertBody(await verify(A, beforeDisable), 404, '{"status":404,"message":"token not found"}');
    });

    test('prefix and X-Plaza-App must name the appId app (401, token kept); the mount works', async () => {
      const token = await freshToken();
      const unauthorized = '{"status":401,"message":"Unauthorized"}';
      assertBody(await verify(A, token, { path: `/apps/${B.appkey}/api/session/verifyOpenIDToken` }), 401, unauthorized);
      assertBody(await verify(A, token, { headers: { 'x-plaza-app': B.appkey } }), 401, unauthorized);
      assertBody(await verify(A, token, { path: `/apps/${A.appkey}/api/session/verifyOpenIDToken/` }), 200, aliceOk());
    });

    test('Idempotency-Key: replay with the marker header; another body under the same key → 409', async () => {
      const token = await freshToken();
      const headers = { 'idempotency-key': 'verify-1' };
      const first = await verify(A, token, { headers });
      assertBody(first, 200, aliceOk());
      const replay = await verify(A, token, { headers });
      assertBody(replay, 200, aliceOk());
      assert.equal(replay.headers.get('idempotent-replayed'), 'true');
      assertBody(await verify(A, 'AAAAA-AAAAA', { headers }), 409, '{"status":409,"message":"Idempotency-Key reused"}');
      assertBody(await verify(A, token, { headers: { 'idempotency-key': '' } }), 400, '{"status":400,"message":"Bad Request"}');
    });

    test('example 12: GET → 405 Allow: POST; unknown /api/session and /api/billing paths → 404 Not Found', async () => {
      const r = await http(c.server.baseUrl, 'GET', '/api/session/verifyOpenIDToken');
      assertBody(r, 405, '{"status":405,"message":"Method Not Allowed"}');
      assert.equal(r.headers.get('allow'), 'POST');
      // The billing routes exist since the billing module (test/kamiya/billing.test.ts); other paths stay unknown.
      for (const path of ['/api/billing/refund', '/api/billing/chargeX', '/api/session/other', `/apps/${A.appkey}/api/billing/details`]) {
        assertBody(await http(c.server.baseUrl, 'POST', path, { body: {} }), 404, '{"status":404,"message":"Not Found"}');
      }
    });

    test('login page refusals are HTML: missing appId 400, unknown app 404, other app under a prefix 404, long state 400', async () => {
      const cases: Array<[string, number]> = [
        ['/openIDAppLogin.html', 400],
        [`/openIDAppLogin.html?appId=${'0'.repeat(32)}`, 404],
        [loginPath(B, {}, `/apps/${A.appkey}`), 404],
        [loginPath(A, { state: 'x'.repeat(513) }), 400],
      ];
      for (const [path, status] of cases) {
        const r = await aliceAgent.get(path);
        assert.equal(r.status, status, path);
        assert.match(r.headers.get('content-type') ?? '', /^text\/html/);
        assert.equal(r.headers.get('x-frame-options'), 'DENY');
      }
      assert.equal((await aliceAgent.get(loginPath(A, { state: 'x'.repeat(512) }))).status, 200);
      assert.equal((await aliceAgent.get(loginPath(A, {}, `/apps/${A.appkey}`))).status, 200);
    });

    test('open redirect refused: an unregistered redirect_uri is a 400 page, never a redirect', async () => {
      for (const uri of ['https://evil.example/cb', `${CB}/`, `${CB}?x=1`, 'https://APP.example/cb']) {
        const r = await aliceAgent.get(loginPath(A, { redirect_uri: uri }));
        assert.equal(r.status, 400, uri);
        assert.equal(r.location, null);
        // The form cannot smuggle one in either.
        const screen = await aliceAgent.get(loginPath(A));
        const posted = await aliceAgent.postForm('/openIDAppLogin.html', { appId: A.appkey, redirect_uri: uri, decision: 'confirm', csrf: extractCsrf(screen.text) });
        assert.equal(posted.status, 400);
        assert.equal(posted.location, null);
      }
    });

    test('state round trip and query merging: the second registered URL keeps its query; state is encoded', async () => {
      const state = 'a b&c=d/é#x';
      const r = await decide(aliceAgent, loginPath(A, { redirect_uri: 'https://app.example/other?lang=en', state }));
      assert.equal(r.status, 303);
      assert.match(r.location!, /^https:\/\/app\.example\/other\?lang=en&token=[0-9A-Z]{5}-[0-9A-Z]{5}&state=/);
      assert.equal(new URL(r.location!).searchParams.get('state'), state);
      assertBody(await verify(A, tokenOf(r.location)), 200, aliceOk());
      assert.equal(withQuery('https://a.example/cb#frag', [['token', 'T'], ['state', 's']]), 'https://a.example/cb?token=T&state=s#frag');
      assert.equal(withQuery('https://a.example/cb?', [['token', 'T']]), 'https://a.example/cb?token=T');
      assert.equal(withQuery('https://a.example/cb?x=%20y&', [['token', 'T']]), 'https://a.example/cb?x=%20y&token=T');
    });

    test('decline → 303 with error=access_denied and state; without a redirect URL a declined page', async () => {
      const r = await decide(aliceAgent, loginPath(A, { state: 's9' }), 'decline');
      assert.equal(r.status, 303);
      assert.equal(r.location, `${CB}?error=access_denied&state=s9`);
      const page = await decide(aliceAgent, loginPath(NoUrl), 'decline');
      assert.equal(page.status, 200);
      assert.match(page.text, /declined/);
    });

    test('without a registered redirect URL the token is shown with a copy button and its expiry', async () => {
      const r = await decide(aliceAgent, loginPath(NoUrl));
      assert.equal(r.status, 200);
      const m = /<code id="token" class="token">([0-9A-Z]{5}-[0-9A-Z]{5})<\/code>/.exec(r.text);
      assert.ok(m, r.text);
      assert.match(r.text, /id="copy"/);
      assert.match(r.text, /UTC/);
      assert.match(r.headers.get('content-security-policy') ?? '', /frame-ancestors 'none'/);
      assert.equal(r.headers.get('x-frame-options'), 'DENY');
      assertBody(await verify(NoUrl, m[1]!), 200, aliceOk());
    });

    test('a form without its CSRF token → 403 and no token', async () => {
      const r = await aliceAgent.postForm('/openIDAppLogin.html', { appId: A.appkey, decision: 'confirm' });
      assert.equal(r.status, 403);
      assert.equal(r.location, null);
    });

    test('an account without an email adds one first (taken emails refused), then confirms', async () => {
      const noMail = await c.createUser('nomail', { email: null });
      const agent = await c.signedIn(noMail);
      const path = loginPath(A, { state: 'e1' });
      const ask = await agent.get(path);
      assert.equal(ask.status, 200);
      assert.match(ask.text, /Add your email address/);
      assert.doesNotMatch(ask.text, /name="decision"/);
      const taken = await agent.postForm('/openIDAppLogin.html', { action: 'email', appId: A.appkey, state: 'e1', email: 'ALICE@example.com', csrf: extractCsrf(ask.text) });
      assert.equal(taken.status, 400);
      assert.match(taken.text, /another account/);
      const added = await agent.postForm('/openIDAppLogin.html', { action: 'email', appId: A.appkey, state: 'e1', email: 'nomail@example.com', csrf: extractCsrf(ask.text) });
      assert.equal(added.status, 303);
      assert.equal(added.location, path);
      const done = await decide(agent, path);
      assertBody(await verify(A, tokenOf(done.location)), 200, `{"status":200,"data":{"id":${noMail.uid},"email":"nomail@example.com","role":"Normal"}}`);
    });
  });
}
