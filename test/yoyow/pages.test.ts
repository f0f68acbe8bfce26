// The YOYOW hosted wallet pages (spec/yoyow.md §6.7, §4.27) driven by a cookie-jar browser: the redirect flow of
// /yoyow/authorize-service (sign-in round trip with a real password sign-in, consent with a lowered max_limit,
// redirect only to a registered URI or the callback_url, decline) and /yoyow/scan (paste, url format, consent,
// confirm, the outbound callback received by a local server whose signature /auth/verify accepts, every
// login_method, the app's refusal, a timeout), and the refusals: bad signature, stale time, unknown app,
// unregistered redirect, CSRF.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import type { User } from '../../src/core/identity/users.js';
import { chainDeps } from '../../src/dialects/yoyow/pages/common.js';
import { activeConsent, liveConsent, revokeConsent } from '../../src/modules/yoyow/index.js';
import { STORES } from '../support/stores.js';
import { createAgent, extractCsrf, unescapeHtml, type Agent, type PageResponse } from '../web/browser.js';
import { REDIRECT, startReceiver, startYoyowServer, type Receiver, type YoyowCtx } from './pagesSupport.js';

interface Signed {
  sign: string;
  time: string;
  platform: string;
}

function hiddenFields(html: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of html.matchAll(/<input type="hidden" name="([^"]*)" value="([^"]*)">/g)) out[unescapeHtml(m[1]!)] = unescapeHtml(m[2]!);
  return out;
}

function assertPageHeaders(p: PageResponse): void {
  assert.equal(p.headers.get('x-frame-options'), 'DENY');
  assert.match(p.headers.get('content-security-policy') ?? '', /frame-ancestors 'none'/);
  assert.match(p.headers.get('content-type') ?? '', /^text\/html/);
}

for (const kind of STORES) {
  describe(`yoyow hosted pages [${kind}]`, () => {
    let c: YoyowCtx;
    let receiver: Receiver;
    let alice: User;
    let carol: User;
    const password = 'correct horse battery';

    async function appSign(): Promise<Signed> {
      const r = await c.get('/auth/sign', c.appHeaders);
      assert.equal(r.json.code, 0, r.text);
      return r.json.data;
    }

    function authorizePath(s: Signed, extra: Record<string, string> = {}): string {
      return `/yoyow/authorize-service?${new URLSearchParams({ platform: s.platform, time: s.time, sign: s.sign, ...extra }).toString()}`;
    }

    async function verifyOverHttp(values: { yoyow: string; time: string; sign: string }): Promise<any> {
      return (await c.get(`/auth/verify?${new URLSearchParams(values).toString()}`)).json;
    }

    /** Revokes the user's consent to the platform through the module (op 24), as the account page or admin would. */
    async function revoke(user: User): Promise<void> {
      await c.server.services.db.transaction().execute((trx) => revokeConsent(trx, { userUid: user.uid, appUid: c.platform.app.id }, chainDeps(c.server.services)));
    }

    before(async () => {
      c = await startYoyowServer(kind, { scanLoginTimeoutSeconds: 1 });
      receiver = await startReceiver();
      alice = await c.createUser('alice', { password });
      carol = await c.createUser('carol');
      await c.setYoyow(c.platform.app.id, { profile: { login: receiver.url, description: 'Posts about kittens' } });
    });
    after(async () => {
      await receiver?.close();
      await c?.close();
    });
    beforeEach(() => {
      receiver.received.length = 0;
      receiver.answer = { status: 200, body: '{"code":0,"message":"ok"}' };
    });

    // ---- /yoyow/authorize-service ---------------------------------------------------------------------------

    test('redirect flow: sign-in round trip (password), consent, redirect with a signature /auth/verify accepts', async () => {
      const s = await appSign();
      const agent = createAgent(c.server.baseUrl);
      const first = await agent.get(authorizePath(s, { state: 'st-1', redirect: REDIRECT }));
      assert.equal(first.status, 303);
      const next = new URL(first.location!, 'http://x').searchParams.get('next')!;
      assert.ok(next.startsWith('/yoyow/authorize-service?'), next);
      assert.match(next, /admitted=/);
      // The person takes longer than secure_ageing to sign in: the admitted link still works.
      c.clock.advance(200_000);
      const signin = await agent.submit(`/signin?next=${encodeURIComponent(next)}`, { login: 'alice', password, next });
      assert.equal(signin.status, 303);
      assert.equal(signin.location, next);
      const consent = await agent.get(next);
      assert.equal(consent.status, 200, consent.text);
      assertPageHeaders(consent);
      assert.match(consent.text, /Kitten Posts wants:/);
      assert.match(consent.text, /Posts about kittens/);
      assert.match(consent.text, /publish posts in your name/);
      assert.match(consent.text, /<meta name="viewport" content="width=device-width, initial-scale=1">/);
      assert.match(consent.text, /<label for="f-spending_limit">/);
      const fields = hiddenFields(consent.text);
      const done = await agent.postForm('/yoyow/authorize-service', { ...fields, decision: 'confirm', spending_limit: '' });
      assert.equal(done.status, 303, done.text);
      const back = new URL(done.location!);
      assert.equal(`${back.origin}${back.pathname}`, REDIRECT);
      assert.deepEqual([...back.searchParams.keys()], ['yoyow', 'time', 'sign', 'state']);
      assert.equal(back.searchParams.get('yoyow'), String(alice.uid));
      assert.equal(back.searchParams.get('time'), String(c.clock.now()));
      assert.equal(back.searchParams.get('state'), 'st-1');
      const verified = await verifyOverHttp({ yoyow: back.searchParams.get('yoyow')!, time: back.searchParams.get('time')!, sign: back.searchParams.get('sign')! });
      assert.deepEqual(verified, { code: 0, data: { verify: true, name: 'alice' }, message: '操作成功' });
      const granted = await activeConsent(c.server.services.db, alice.uid, c.platform.app.id);
      assert.ok(granted);
      assert.equal(granted.maxLimit, null);
      assert.equal(granted.permissionFlags, 255);
      // The consent is what the chain view lists (§4.3), and the user's keys what /accounts publishes.
      const listed = await c.get(`/api/v2/authPermissions?platform=${c.platform.app.id}&account=${alice.uid}`);
      assert.equal(listed.json.code, 0, listed.text);
      assert.equal(listed.json.data.length, 1);
      assert.equal(listed.json.data[0].max_limit, '9223372036854775807');
      assert.equal(listed.json.data[0].permission_flags, 255);
    });

    test('redirect flow: the limit can be lowered, not raised; flags from the app settings', async () => {
      await c.setYoyow(c.platform.app.id, { consent_max_limit: '100000000', consent_permission_flags: 64 + 16 });
      try {
        const agent = await c.signedIn(carol);
        const path = authorizePath(await appSign(), { redirect: REDIRECT });
        const consent = await agent.get(path);
        assert.equal(consent.status, 200);
        assert.match(consent.text, /Suggested by the app: 1000 YOYO/);
        assert.match(consent.text, /publish posts in your name/);
        assert.doesNotMatch(consent.text, /comment in your name/);
        const fields = hiddenFields(consent.text);
        for (const bad of ['1000.00001', 'abc', '-1', '1.000001']) {
          const refused = await agent.postForm('/yoyow/authorize-service', { ...fields, decision: 'confirm', spending_limit: bad });
          assert.equal(refused.status, 400, bad);
          assert.match(refused.text, /class="error"/);
          assert.equal(await liveConsent(c.server.services.db, carol.uid, c.platform.app.id), null);
        }
        const ok = await agent.postForm('/yoyow/authorize-service', { ...fields, decision: 'confirm', spending_limit: '2.5' });
        assert.equal(ok.status, 303);
        const granted = (await activeConsent(c.server.services.db, carol.uid, c.platform.app.id))!;
        assert.equal(granted.maxLimit, 250000n);
        assert.equal(granted.permissionFlags, 80);
        // An empty field takes the suggestion; a second approval changes the same consent.
        const again = await agent.get(authorizePath(await appSign(), { redirect: REDIRECT }));
        await agent.postForm('/yoyow/authorize-service', { ...hiddenFields(again.text), decision: 'confirm', spending_limit: '' });
        const changed = (await activeConsent(c.server.services.db, carol.uid, c.platform.app.id))!;
        assert.equal(changed.maxLimit, 100000000n);
        assert.equal(changed.instance, granted.instance);
      } finally {
        await c.setYoyow(c.platform.app.id, { consent_max_limit: '', consent_permission_flags: 255 });
        await revoke(carol);
      }
    });

    test('redirect flow: parallel confirmations of one form record one consent', async () => {
      const agent = await c.signedIn(carol);
      const consent = await agent.get(authorizePath(await appSign(), { redirect: REDIRECT }));
      const fields = hiddenFields(consent.text);
      const answers = await Promise.all(Array.from({ length: 5 }, () => agent.postForm('/yoyow/authorize-service', { ...fields, decision: 'confirm', spending_limit: '' })));
      for (const r of answers) assert.equal(r.status, 303, r.text);
      const rows = await c.server.services.db.selectFrom('yoyow_consents').select('instance').where('user_uid', '=', carol.uid).where('status', '=', 'active').execute();
      assert.equal(rows.length, 1);
      await revoke(carol);
    });

    test('redirect flow: decline → error=access_denied (with state); nothing recorded', async () => {
      const agent = await c.signedIn(carol);
      const consent = await agent.get(authorizePath(await appSign(), { state: 'x y', redirect: REDIRECT }));
      const r = await agent.postForm('/yoyow/authorize-service', { ...hiddenFields(consent.text), decision: 'decline' });
      assert.equal(r.status, 303);
      assert.equal(r.location, `${REDIRECT}?error=access_denied&state=x+y`);
      assert.equal(await liveConsent(c.server.services.db, carol.uid, c.platform.app.id), null);
    });

    test('redirect flow: callback_url without redirect; neither → the page shows the values', async () => {
      const agent = await c.signedIn(carol);
      await c.setYoyow(c.platform.app.id, { callback_url: 'https://platform.example/cb?from=plaza' });
      try {
        const consent = await agent.get(authorizePath(await appSign()));
        const r = await agent.postForm('/yoyow/authorize-service', { ...hiddenFields(consent.text), decision: 'confirm', spending_limit: '' });
        assert.equal(r.status, 303);
        const back = new URL(r.location!);
        assert.equal(back.origin + back.pathname, 'https://platform.example/cb');
        assert.equal(back.searchParams.get('from'), 'plaza');
        assert.equal(back.searchParams.get('yoyow'), String(carol.uid));
      } finally {
        await c.setYoyow(c.platform.app.id, { callback_url: '' });
      }
      const consent = await agent.get(authorizePath(await appSign()));
      const shown = await agent.postForm('/yoyow/authorize-service', { ...hiddenFields(consent.text), decision: 'confirm', spending_limit: '' });
      assert.equal(shown.status, 200);
      const values = Object.fromEntries([...shown.text.matchAll(/<dt>(\w+)<\/dt><dd><code>([^<]*)<\/code><\/dd>/g)].map((m) => [m[1]!, m[2]!]));
      assert.deepEqual(Object.keys(values), ['yoyow', 'time', 'sign']);
      assert.equal((await verifyOverHttp(values as { yoyow: string; time: string; sign: string })).code, 0);
      await revoke(carol);
    });

    test('redirect flow refusals: bad signature, stale or future time, unknown app, unregistered redirect, CSRF', async () => {
      const agent = await c.signedIn(carol);
      const s = await appSign();
      const flipped = s.sign.slice(0, 40) + (s.sign[40] === '0' ? '1' : '0') + s.sign.slice(41);
      const bad = await agent.get(authorizePath({ ...s, sign: flipped }));
      assert.equal(bad.status, 400);
      assertPageHeaders(bad);
      assert.match(bad.text, /not signed by Kitten Posts/);
      assert.equal((await agent.get(authorizePath({ ...s, sign: 'abc' }))).status, 400);
      // The same signature over another time does not verify either.
      assert.equal((await agent.get(authorizePath({ ...s, time: String(Number(s.time) + 1) }))).status, 400);
      assert.equal((await agent.get(authorizePath({ ...s, platform: '256146' }))).status, 404);
      assert.equal((await agent.get(authorizePath({ ...s, platform: '30834' }))).status, 404);
      assert.equal((await agent.get('/yoyow/authorize-service')).status, 400);
      const unregistered = await agent.get(authorizePath(s, { redirect: 'https://evil.example/steal' }));
      assert.equal(unregistered.status, 400);
      assert.match(unregistered.text, /not a return address registered/);
      assert.equal(unregistered.location, null);
      // A prefix of a registered URI is not registered.
      assert.equal((await agent.get(authorizePath(s, { redirect: `${REDIRECT}/more` }))).status, 400);

      // CSRF: a form without a token, or with another browser's, changes nothing.
      const consent = await agent.get(authorizePath(s, { redirect: REDIRECT }));
      const fields = hiddenFields(consent.text);
      const { csrf: _token, ...withoutToken } = fields;
      assert.equal((await agent.postForm('/yoyow/authorize-service', { ...withoutToken, decision: 'confirm' })).status, 403);
      const other = await c.signedIn(carol);
      const otherToken = extractCsrf((await other.get(authorizePath(s, { redirect: REDIRECT }))).text);
      assert.equal((await agent.postForm('/yoyow/authorize-service', { ...fields, csrf: otherToken, decision: 'confirm' })).status, 403);
      // The form cannot be bent to another return address.
      const swapped = await agent.postForm('/yoyow/authorize-service', { ...fields, redirect: 'https://evil.example/steal', decision: 'confirm', spending_limit: '' });
      assert.equal(swapped.status, 400);
      // A forged admission stamp does not rescue an expired link.
      c.clock.advance(121_000);
      assert.equal((await agent.get(authorizePath(s))).status, 400);
      assert.match((await agent.get(authorizePath(s, { admitted: `${c.clock.now()}.${'A'.repeat(43)}` }))).text, /expired/);
      const expired = await agent.postForm('/yoyow/authorize-service', { ...withoutToken, admitted: '1.x', csrf: fields.csrf!, decision: 'confirm', spending_limit: '' });
      assert.equal(expired.status, 400);
      assert.equal(await liveConsent(c.server.services.db, carol.uid, c.platform.app.id), null);
      // After the admission window the stamp no longer helps.
      c.clock.advance(15 * 60 * 1000);
      assert.equal((await agent.get(authorizePath(s, { admitted: fields.admitted! }))).status, 400);
      // Dated too far in the future.
      const future = await appSign();
      c.clock.advance(-301_000);
      assert.match((await agent.get(authorizePath(future))).text, /in the future/);
      c.clock.advance(301_000);
    });

    // ---- /yoyow/scan ----------------------------------------------------------------------------------------

    function qrText(s: Signed, state?: string): string {
      return JSON.stringify({ sign: s.sign, time: s.time, platform: s.platform, ...(state !== undefined ? { state } : {}) });
    }

    async function scanToConfirm(agent: Agent, path: string): Promise<PageResponse> {
      let p = await agent.get(path);
      assert.equal(p.status, 200, p.text);
      if (/name="step" value="consent"/.test(p.text)) {
        p = await agent.postForm('/yoyow/scan', { ...hiddenFields(p.text), decision: 'confirm', spending_limit: '' });
        assert.equal(p.status, 200, p.text);
      }
      assert.match(p.text, /name="step" value="login"/);
      return p;
    }

    test('scan: paste page, consent, confirm, callback (post_json) with a signature /auth/verify accepts', async () => {
      const agent = await c.signedIn(carol);
      const paste = await agent.get('/yoyow/scan');
      assert.equal(paste.status, 200);
      assertPageHeaders(paste);
      assert.match(paste.text, /<label for="f-qr">/);
      assert.match(paste.text, /<input id="f-qr" name="qr" type="text"/);
      assert.match(paste.headers.get('content-security-policy')!, /script-src 'nonce-/);

      const s = await appSign();
      const first = await agent.get(`/yoyow/scan?${new URLSearchParams({ qr: qrText(s, 'login-42') }).toString()}`);
      assert.equal(first.status, 200);
      assert.match(first.text, /Kitten Posts wants:/);
      assert.match(first.text, /name="step" value="consent"/);
      const confirm = await agent.postForm('/yoyow/scan', { ...hiddenFields(first.text), decision: 'confirm', spending_limit: '10' });
      assert.equal(confirm.status, 200, confirm.text);
      assert.equal((await activeConsent(c.server.services.db, carol.uid, c.platform.app.id))!.maxLimit, 1000000n);
      assert.match(confirm.text, /Sign in to Kitten Posts\?/);
      assert.equal(receiver.received.length, 0);
      c.clock.advance(5_000);
      const done = await agent.postForm('/yoyow/scan', { ...hiddenFields(confirm.text), decision: 'confirm' });
      assert.equal(done.status, 200, done.text);
      assert.match(done.text, /You are signed in/);
      assert.equal(receiver.received.length, 1);
      const call = receiver.received[0]!;
      assert.equal(call.method, 'POST');
      assert.equal(call.url, '/yoyow/login');
      assert.match(call.contentType!, /^application\/json/);
      const body = JSON.parse(call.body);
      assert.deepEqual(Object.keys(body), ['yoyow', 'time', 'sign', 'state']);
      assert.equal(body.yoyow, carol.uid);
      assert.equal(body.time, String(c.clock.now()));
      assert.equal(body.state, 'login-42');
      assert.ok(call.body.startsWith(`{"yoyow":${carol.uid},"time":"`));
      assert.deepEqual(await verifyOverHttp({ yoyow: String(body.yoyow), time: body.time, sign: body.sign }), {
        code: 0,
        data: { verify: true, name: 'carol' },
        message: '操作成功',
      });
      const audit = await c.server.services.db.selectFrom('audit_log').selectAll().where('action', '=', 'yoyow.scanLogin').execute();
      assert.equal(audit.length, 1);
      assert.doesNotMatch(audit[0]!.details, new RegExp(body.sign));
    });

    test('scan: with a consent, straight to confirm; url format (code and pasted URL); form and get methods', async () => {
      const agent = await c.signedIn(carol);
      const s = await appSign();
      const code = Buffer.from(qrText(s, 'u1')).toString('base64url');
      const confirm = await scanToConfirm(agent, `/yoyow/scan?code=${code}`);
      assert.doesNotMatch(confirm.text, /wants:/);

      await c.setYoyow(c.platform.app.id, { login_method: 'post_form' });
      const form = await agent.postForm('/yoyow/scan', { ...hiddenFields(confirm.text), decision: 'confirm' });
      assert.match(form.text, /You are signed in/);
      const posted = receiver.received.at(-1)!;
      assert.match(posted.contentType!, /^application\/x-www-form-urlencoded/);
      const fields = new URLSearchParams(posted.body);
      assert.deepEqual([...fields.keys()], ['yoyow', 'time', 'sign', 'state']);
      assert.equal(fields.get('state'), 'u1');
      assert.equal((await verifyOverHttp({ yoyow: fields.get('yoyow')!, time: fields.get('time')!, sign: fields.get('sign')! })).code, 0);

      await c.setYoyow(c.platform.app.id, { login_method: 'get' });
      try {
        const pasted = `http://127.0.0.1:3000/yoyow/scan#${code}`;
        const again = await scanToConfirm(agent, `/yoyow/scan?${new URLSearchParams({ qr: pasted }).toString()}`);
        const got = await agent.postForm('/yoyow/scan', { ...hiddenFields(again.text), decision: 'confirm' });
        assert.match(got.text, /You are signed in/);
        const call = receiver.received.at(-1)!;
        assert.equal(call.method, 'GET');
        const q = new URL(call.url, 'http://x').searchParams;
        assert.equal(q.get('yoyow'), String(carol.uid));
        assert.equal((await verifyOverHttp({ yoyow: q.get('yoyow')!, time: q.get('time')!, sign: q.get('sign')! })).code, 0);
      } finally {
        await c.setYoyow(c.platform.app.id, { login_method: 'post_json' });
      }
    });

    test('scan: the app refuses, errs, answers garbage or too late → the page says so', async () => {
      const agent = await c.signedIn(carol);
      const cases: Array<[Receiver['answer'], RegExp]> = [
        [{ status: 200, body: '{"code":1,"message":"账号未绑定"}' }, /refused the sign-in[\s\S]*账号未绑定/],
        [{ status: 500, body: '{"code":0}' }, /HTTP 500/],
        [{ status: 200, body: 'not json' }, /could not read/],
        [{ status: 200, body: '{"message":"no code"}' }, /could not read/],
        [{ status: 200, body: '{"code":0}', delayMs: 2500 }, /did not answer in time/],
      ];
      for (const [answer, shown] of cases) {
        receiver.answer = answer;
        const confirm = await scanToConfirm(agent, `/yoyow/scan?${new URLSearchParams({ qr: qrText(await appSign()) }).toString()}`);
        const r = await agent.postForm('/yoyow/scan', { ...hiddenFields(confirm.text), decision: 'confirm' });
        assert.equal(r.status, 502, r.text);
        assert.match(r.text, shown);
        assert.doesNotMatch(r.text, /You are signed in/);
      }
    });

    test('scan refusals: not signed in (round trip), bad text, bad signature, stale time, no login URL, CSRF, decline', async () => {
      const s = await appSign();
      const anonymous = createAgent(c.server.baseUrl);
      const path = `/yoyow/scan?${new URLSearchParams({ qr: qrText(s, 'st') }).toString()}`;
      const redirect = await anonymous.get(path);
      assert.equal(redirect.status, 303);
      const next = new URL(redirect.location!, 'http://x').searchParams.get('next')!;
      assert.match(next, /^\/yoyow\/scan\?code=[A-Za-z0-9_-]+&admitted=/);
      const agent = await c.signedIn(carol);
      c.clock.advance(150_000);
      const confirm = await scanToConfirm(agent, next);
      assert.equal(hiddenFields(confirm.text).code, Buffer.from(qrText(s, 'st')).toString('base64url'));

      const garbage = await agent.get('/yoyow/scan?qr=hello');
      assert.equal(garbage.status, 400);
      assert.match(garbage.text, /aria-invalid="true"/);
      assert.match(garbage.text, /not the text of a sign-in QR code/);
      assert.equal((await agent.get('/yoyow/scan?code=***')).status, 400);
      const fresh = await appSign();
      assert.equal((await agent.get(`/yoyow/scan?${new URLSearchParams({ qr: qrText({ ...fresh, sign: s.sign }) }).toString()}`)).status, 400);
      assert.equal((await agent.get(path)).status, 400); // the raw link is stale now

      // CSRF and decline: nothing is sent.
      const page = await scanToConfirm(agent, `/yoyow/scan?${new URLSearchParams({ qr: qrText(fresh) }).toString()}`);
      const fields = hiddenFields(page.text);
      const { csrf: _t, ...noToken } = fields;
      assert.equal((await agent.postForm('/yoyow/scan', { ...noToken, decision: 'confirm' })).status, 403);
      const declined = await agent.postForm('/yoyow/scan', { ...fields, decision: 'decline' });
      assert.equal(declined.status, 200);
      assert.match(declined.text, /Nothing was sent/);
      assert.equal(receiver.received.length, 0);

      // A revoked consent between the two pages: asked again, nothing sent.
      await revoke(carol);
      const asked = await agent.postForm('/yoyow/scan', { ...fields, decision: 'confirm' });
      assert.match(asked.text, /name="step" value="consent"/);
      assert.equal(receiver.received.length, 0);

      await c.setYoyow(c.platform.app.id, { profile: { login: '' } });
      try {
        const none = await agent.get(`/yoyow/scan?${new URLSearchParams({ qr: qrText(await appSign()) }).toString()}`);
        assert.equal(none.status, 400);
        assert.match(none.text, /not set up sign-in by QR code/);
      } finally {
        await c.setYoyow(c.platform.app.id, { profile: { login: receiver.url } });
      }
    });
  });
}
