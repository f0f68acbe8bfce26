// The hosted page the Pi SDK opens (spec/pi.md §2.2, §6.3): sign-in round trip, consent, silent re-authentication,
// the postMessage hand-back to a registered origin only, decline, CSRF, framing — with a cookie-jar browser.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { defaultPiSettings } from '../../src/config.js';
import { getActiveGrant } from '../../src/core/identity/grants.js';
import type { User } from '../../src/core/identity/users.js';
import { piDialect } from '../../src/dialects/pi/plugin.js';
import { startIdentityServer, type IdentityCtx, type TestApp } from '../support/identityFixtures.js';
import { http } from '../support/server.js';
import { STORES } from '../support/stores.js';
import { createAgent, extractCsrf, type Agent, type PageResponse } from '../web/browser.js';

const ORIGIN = 'https://kittens.example';

function authPath(app: TestApp, scopes: string, origin = ORIGIN): string {
  return `/pi/authenticate?${new URLSearchParams({ app: app.appkey, scopes, origin }).toString()}`;
}

/** The message and targetOrigin of a hand-back page. */
function handedBack(page: PageResponse): { message: any; target: string } {
  const m = /var m=(\{.*?\});var o=("[^"]*");/.exec(page.text);
  assert.ok(m, `no hand-back script in the page:\n${page.text.slice(0, 800)}`);
  return { message: JSON.parse(m[1]!), target: JSON.parse(m[2]!) };
}

async function confirm(agent: Agent, path: string, decision = 'confirm'): Promise<PageResponse> {
  const form = await agent.get(path);
  assert.equal(form.status, 200, form.text);
  assert.match(form.text, /name="decision" value="confirm"/);
  const q = new URL(path, 'http://x').searchParams;
  return agent.postForm('/pi/authenticate', { app: q.get('app')!, scopes: q.get('scopes')!, origin: q.get('origin')!, decision, csrf: extractCsrf(form.text) });
}

for (const kind of STORES) {
  describe(`pi hosted /pi/authenticate [${kind}]`, () => {
    let c: IdentityCtx;
    let app: TestApp;
    let alice: User;

    before(async () => {
      c = await startIdentityServer(kind, { dialects: [piDialect], config: { sandbox: false } });
      app = await c.createApp('Kitten Shop', { origins: [ORIGIN] });
      alice = await c.createUser('alice', { password: 'alice-password-1' });
    });
    after(() => c.close());

    test('signed out → hosted sign-in → back here → consent → token posted to the registered origin only', async () => {
      const agent = createAgent(c.server.baseUrl);
      const path = authPath(app, 'username,payments,in_app_notifications');
      const first = await agent.get(path);
      assert.equal(first.status, 303);
      assert.equal(first.location, `/signin?next=${encodeURIComponent(path)}`);
      const signedIn = await agent.submit(first.location!, { login: 'alice', password: 'alice-password-1', next: path });
      assert.equal(signedIn.status, 303, signedIn.text);
      assert.equal(signedIn.location, path);

      const consent = await agent.get(path);
      assert.equal(consent.status, 200);
      assert.equal(consent.headers.get('x-frame-options'), 'DENY');
      assert.match(consent.text, /Kitten Shop/);
      assert.match(consent.text, /appmaker/);
      assert.match(consent.text, /your Plaza username/);
      assert.match(consent.text, /ask you for payments/);
      assert.doesNotMatch(consent.text, /<li>[^<]*notification/);

      const done = await confirm(agent, path);
      assert.equal(done.status, 200, done.text);
      assert.equal(done.headers.get('x-frame-options'), 'DENY');
      assert.match(done.headers.get('content-security-policy') ?? '', /frame-ancestors 'none'/);
      const { message, target } = handedBack(done);
      assert.equal(target, ORIGIN);
      assert.equal(message.type, 'plaza:pi:authenticated');
      assert.match(message.accessToken, /^[A-Za-z0-9_-]{43}$/);
      assert.match(done.text, new RegExp(`postMessage\\(m,o\\)`));
      assert.doesNotMatch(done.text, /postMessage\([^)]*"\*"/);

      const meRes = await http(c.server.baseUrl, 'GET', '/v2/me', { headers: { authorization: `Bearer ${message.accessToken}` } });
      assert.equal(meRes.status, 200, meRes.text);
      assert.deepEqual(meRes.json.credentials.scopes, ['username', 'payments']);
      assert.equal(meRes.json.username, 'alice');
      assert.deepEqual(message.user, { uid: meRes.json.uid, username: 'alice' });
      const grant = await getActiveGrant(c.server.services.db, app.app.id, alice.id, 'pi');
      assert.deepEqual(grant?.scopes, ['username', 'payments']);
    });

    test('the same scopes again pass silently; a new scope asks again and the grant accumulates', async () => {
      const agent = await c.signedIn(alice);
      const silent = await agent.get(authPath(app, 'payments'));
      assert.equal(silent.status, 200);
      assert.doesNotMatch(silent.text, /name="decision"/);
      const { message } = handedBack(silent);
      const meRes = await http(c.server.baseUrl, 'GET', '/v2/me', { headers: { authorization: `Bearer ${message.accessToken}` } });
      assert.deepEqual(meRes.json.credentials.scopes, ['payments']);
      assert.deepEqual(message.user, { uid: meRes.json.uid });

      const more = await confirm(agent, authPath(app, 'roles'));
      assert.equal(handedBack(more).message.type, 'plaza:pi:authenticated');
      const grant = await getActiveGrant(c.server.services.db, app.app.id, alice.id, 'pi');
      assert.deepEqual(grant?.scopes, ['username', 'payments', 'roles']);
    });

    test('decline posts plaza:pi:cancelled and records nothing', async () => {
      const bob = await c.createUser('bob');
      const agent = await c.signedIn(bob);
      const r = await confirm(agent, authPath(app, 'username'), 'decline');
      assert.equal(r.status, 200);
      const { message, target } = handedBack(r);
      assert.deepEqual(message, { type: 'plaza:pi:cancelled' });
      assert.equal(target, ORIGIN);
      assert.doesNotMatch(r.text, /accessToken/);
      assert.equal(await getActiveGrant(c.server.services.db, app.app.id, bob.id, 'pi'), null);
    });

    test('an unregistered origin gets an error page and nothing is posted (localhost too, outside the sandbox)', async () => {
      const agent = await c.signedIn(alice);
      for (const origin of ['https://evil.example', 'http://localhost:5173', `${ORIGIN}/path`, '*', '']) {
        const r = await agent.get(authPath(app, 'username', origin));
        assert.equal(r.status, 400, origin);
        assert.match(r.headers.get('content-type') ?? '', /text\/html/);
        assert.doesNotMatch(r.text, /postMessage|accessToken/);
      }
    });

    test('without an app key the one app that registered the page origin is meant (§6.1); none or several → 400', async () => {
      const agent = await c.signedIn(alice);
      const bare = (origin: string) => `/pi/authenticate?${new URLSearchParams({ scopes: 'username', origin }).toString()}`;
      const page = await agent.get(bare(ORIGIN));
      assert.equal(page.status, 200, page.text);
      assert.match(page.text, /Kitten Shop/);
      const nobody = await agent.get(bare('https://nobody.example'));
      assert.equal(nobody.status, 400);
      assert.match(nobody.text, /does not name an app/);
      const shared = 'https://shared.example';
      await c.createApp('Shared One', { origins: [shared] });
      await c.createApp('Shared Two', { origins: [shared] });
      const ambiguous = await agent.get(bare(shared));
      assert.equal(ambiguous.status, 400);
      assert.doesNotMatch(ambiguous.text, /postMessage|accessToken/);
    });

    test('unknown app → 404 page; a form without its CSRF token → 403 and nothing issued', async () => {
      const agent = await c.signedIn(alice);
      const unknown = await agent.get(`/pi/authenticate?app=${'0'.repeat(32)}&scopes=username&origin=${encodeURIComponent(ORIGIN)}`);
      assert.equal(unknown.status, 404);
      const forged = await agent.postForm('/pi/authenticate', { app: app.appkey, scopes: 'username', origin: ORIGIN, decision: 'confirm' });
      assert.equal(forged.status, 403);
      assert.doesNotMatch(forged.text, /accessToken/);
    });
  });

  describe(`pi hosted /pi/authenticate in the sandbox [${kind}]`, () => {
    let c: IdentityCtx;
    before(async () => {
      c = await startIdentityServer(kind, { dialects: [piDialect], config: { sandbox: true } });
    });
    after(() => c.close());

    test('http://localhost and http://127.0.0.1 on any port count as registered; https://localhost does not', async () => {
      const app = await c.createApp('Dev App');
      const agent = await c.signedIn(await c.createUser('dev-user'));
      const first = await confirm(agent, authPath(app, 'username', 'http://localhost:5173'));
      assert.equal(handedBack(first).target, 'http://localhost:5173');
      // Granted now: the other development origins pass silently.
      for (const origin of ['http://127.0.0.1:3000', 'http://localhost']) {
        const r = await agent.get(authPath(app, 'username', origin));
        assert.equal(handedBack(r).target, origin);
      }
      assert.equal((await agent.get(authPath(app, 'username', 'https://localhost:5173'))).status, 400);
    });
  });
}

for (const kind of STORES) {
  describe(`pi hosted /pi/authenticate: token lifetime from config.pi [${kind}]`, () => {
    let c: IdentityCtx;

    before(async () => {
      c = await startIdentityServer(kind, { dialects: [piDialect], config: { sandbox: false, pi: { ...defaultPiSettings(), accessTokenTtlSeconds: 120 } } });
    });
    after(() => c.close());

    test('the handed-back token is valid for PLAZA_PI_ACCESS_TOKEN_TTL_SECONDS, then refused', async () => {
      const app = await c.createApp('Short Shop', { origins: [ORIGIN] });
      const agent = await c.signedIn(await c.createUser('carol'));
      const { message } = handedBack(await confirm(agent, authPath(app, 'username')));
      const me = () => http(c.server.baseUrl, 'GET', '/v2/me', { headers: { authorization: `Bearer ${message.accessToken}` } });
      const ok = await me();
      assert.equal(ok.status, 200, ok.text);
      assert.equal(ok.json.credentials.valid_until.timestamp, Math.floor(c.clock.now() / 1000) + 120);
      c.clock.advance(120_000);
      assert.equal((await me()).status, 401);
    });
  });
}
