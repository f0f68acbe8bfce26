// The hosted wallet page `/pi/wallet` over HTTP with a cookie-jar browser (spec/pi.md §6.3): who may see it (the
// sign-in round trip, the payer only, a registered origin only), what it shows in each state, and the Pay and
// Reject forms — CSRF, the pay password (wrong, missing, locked), a short balance, concurrent submissions — checked
// against the ledger and the payment as the app's backend sees it. The Chromium walk is pi.flow.test.ts.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { hashPassword } from '../../src/core/crypto/passwords.js';
import { setAppAllowedOrigins } from '../../src/core/identity/appAccess.js';
import { setPayPassword } from '../../src/core/identity/payPasswords.js';
import { createUserSession } from '../../src/core/identity/sessions.js';
import { SESSION_COOKIE } from '../../src/web/session.js';
import { startPiFixture, type PiFixture, type PiUser } from '../payments/fixture.js';
import { http, type HttpResult } from '../support/server.js';
import { STORES } from '../support/stores.js';
import { createAgent, extractCsrf, unescapeHtml, type Agent, type PageResponse } from '../web/browser.js';

const DEV_ORIGIN = 'http://127.0.0.1:5173';
const SHOP_ORIGIN = 'https://kittens.example';
const PAY_PASSWORD = 'pay-secret-1';
const PI = 10_000_000n;

function walletPath(id: string, origin = DEV_ORIGIN, prefix = ''): string {
  return `${prefix}/pi/wallet?${new URLSearchParams({ payment: id, origin }).toString()}`;
}

/** The message and targetOrigin the page hands to its opener, or null when it posts nothing. */
function handedBack(page: PageResponse): { message: any; target: string; closes: boolean } | null {
  const m = /var m=(\{.*?\});var o=("[^"]*");/.exec(page.text);
  if (!m) return null;
  return { message: JSON.parse(m[1]!), target: JSON.parse(m[2]!), closes: /window\.close\(\)/.test(page.text) };
}

for (const kind of STORES) {
  describe(`pi hosted /pi/wallet [${kind}]`, () => {
    let f: PiFixture;
    let carol: PiUser;
    const agents = new Map<number, Agent>();

    before(async () => {
      f = await startPiFixture(kind);
      carol = await f.createUser('carol', ['username', 'payments']);
      const hash = await hashPassword(PAY_PASSWORD);
      await f.server.services.db.transaction().execute(async (trx) => {
        for (const u of [f.alice, carol]) await setPayPassword(trx, u.userId, hash, f.clock);
        await setAppAllowedOrigins(trx, f.app.id, [SHOP_ORIGIN], f.clock);
      });
    });
    after(() => f.close());

    const call = (method: string, path: string, auth: string, body?: string): Promise<HttpResult> =>
      http(f.server.baseUrl, method, path, { headers: { authorization: auth }, ...(body !== undefined ? { body } : {}) });

    async function signedIn(user: PiUser): Promise<Agent> {
      let agent = agents.get(user.userId);
      if (!agent) {
        const { token } = await createUserSession(f.server.services.db, user.userId, f.clock);
        agent = createAgent(f.server.baseUrl);
        agent.setCookie(SESSION_COOKIE, token);
        agents.set(user.userId, agent);
      }
      return agent;
    }

    /** A U2A payment of `user` through the SDK route, approved by the app's backend unless `approve` is false. */
    async function payment(user: PiUser, amount = '3.14', approve = true): Promise<string> {
      const created = await call('POST', '/v2/payments/user_to_app', `Bearer ${user.accessToken}`, `{"amount":${amount},"memo":"Digital kitten","metadata":{"productId":"kitten"}}`);
      assert.equal(created.status, 200, created.text);
      if (approve) {
        const approved = await call('POST', `/v2/payments/${created.json.identifier}/approve`, `Key ${f.app.secret}`);
        assert.equal(approved.status, 200, approved.text);
      }
      return created.json.identifier as string;
    }

    const appView = async (id: string) => (await call('GET', `/v2/payments/${id}`, `Key ${f.app.secret}`)).json;

    async function payForm(agent: Agent, id: string, fields: Record<string, string>, origin = DEV_ORIGIN): Promise<PageResponse> {
      const form = await agent.get(walletPath(id, origin));
      assert.equal(form.status, 200, form.text);
      return agent.postForm('/pi/wallet', { payment: id, origin, csrf: extractCsrf(form.text), ...fields });
    }

    test('without a session: the hosted sign-in, and back to this page', async () => {
      const id = await payment(f.alice);
      const path = walletPath(id);
      const r = await createAgent(f.server.baseUrl).get(path);
      assert.equal(r.status, 303);
      assert.equal(r.location, `/signin?next=${encodeURIComponent(path)}`);
      const prefixed = walletPath(id, DEV_ORIGIN, `/apps/${f.app.appkey}`);
      assert.equal((await createAgent(f.server.baseUrl).get(prefixed)).location, `/signin?next=${encodeURIComponent(prefixed)}`);
    });

    test('refuses a missing origin, an unregistered origin, unknown and foreign payments — posting nothing', async () => {
      const id = await payment(f.alice);
      const alice = await signedIn(f.alice);
      for (const origin of ['', '*', 'https://evil.example', `${SHOP_ORIGIN}/path`, 'javascript:alert(1)']) {
        const r = await alice.get(walletPath(id, origin));
        assert.equal(r.status, 400, origin);
        assert.match(r.headers.get('content-type') ?? '', /text\/html/);
        assert.equal(handedBack(r), null, origin);
        assert.doesNotMatch(r.text, /name="pay_password"/);
      }
      // Registered origins work; so does localhost in development mode.
      for (const origin of [SHOP_ORIGIN, DEV_ORIGIN]) assert.equal((await alice.get(walletPath(id, origin))).status, 200, origin);

      for (const bad of ['AAAAAAAAAAAAAAAAAAAAAAAAAAAA', ':paymentId', '', 'x'.repeat(500)]) {
        const r = await alice.get(walletPath(bad));
        assert.equal(r.status, 404, bad);
        assert.match(r.text, /Unknown payment/);
      }
      // Carol is signed in: alice's payment does not exist for her.
      const carolPage = await (await signedIn(carol)).get(walletPath(id));
      assert.equal(carolPage.status, 404);
      assert.doesNotMatch(carolPage.text, /Digital kitten/);
      // Under another app's mount the payment is not found either.
      const other = await f.createApp('Other Shop');
      assert.equal((await alice.get(walletPath(id, DEV_ORIGIN, `/apps/${other.appkey}`))).status, 404);
      assert.equal((await alice.get(walletPath(id, DEV_ORIGIN, `/apps/${f.app.appkey}`))).status, 200);
      // An app-to-user payment is the app's to pay.
      const a2u = await call('POST', '/v2/payments', `Key ${f.app.secret}`, `{"payment":{"amount":1,"memo":"Refund","metadata":{},"uid":${JSON.stringify(f.bob.pairwiseUid)}}}`);
      assert.equal(a2u.status, 200, a2u.text);
      assert.equal((await (await signedIn(f.bob)).get(walletPath(a2u.json.identifier))).status, 404);
      await call('POST', `/v2/payments/${a2u.json.identifier}/cancel`, `Key ${f.app.secret}`);
    });

    test('created: waiting for approval, reloading itself, never framed; no Pay form', async () => {
      const id = await payment(f.alice, '3.14', false);
      const r = await (await signedIn(f.alice)).get(walletPath(id));
      assert.equal(r.status, 200);
      assert.equal(r.headers.get('x-frame-options'), 'DENY');
      assert.match(r.headers.get('content-security-policy') ?? '', /frame-ancestors 'none'/);
      assert.equal(r.headers.get('refresh'), '2');
      assert.equal(r.headers.get('cache-control'), 'no-store');
      assert.match(r.text, /Waiting for Kitten Shop to approve/);
      assert.match(r.text, /Digital kitten/);
      assert.match(r.text, /3\.14 PI/);
      assert.doesNotMatch(r.text, /name="pay_password"/);
      assert.match(r.text, /<button type="submit" class="danger">Reject<\/button>/);
      assert.equal(handedBack(r), null);
      // Paying before approval changes nothing.
      const early = await payForm(await signedIn(f.alice), id, { decision: 'pay', pay_password: PAY_PASSWORD });
      assert.equal(early.status, 303);
      assert.equal((await appView(id)).status.transaction_verified, false);
      await call('POST', `/v2/payments/${id}/cancel`, `Bearer ${f.alice.accessToken}`);
    });

    test('approved: Pay with the pay password moves the money once; the page then waits for the app and posts "paid"', async () => {
      await f.fund(f.alice, '10');
      const id = await payment(f.alice);
      const alice = await signedIn(f.alice);
      const before = { alice: await f.balance(f.alice), app: await f.balance('app') };
      const shown = await alice.get(walletPath(id));
      assert.equal(shown.status, 200);
      assert.equal(shown.headers.get('refresh'), null, 'no reload while the user types');
      assert.match(shown.text, /name="pay_password"/);
      assert.match(unescapeHtml(shown.text), /data-field="balance">10 PI</);
      assert.match(shown.text, /Pay 3\.14 PI<\/button>/);
      assert.doesNotMatch(shown.text, /<button type="submit" class="block" disabled[ >]/);

      // No CSRF token, a foreign token: refused, nothing paid.
      assert.equal((await alice.postForm('/pi/wallet', { payment: id, origin: DEV_ORIGIN, decision: 'pay', pay_password: PAY_PASSWORD })).status, 403);
      assert.equal((await alice.postForm('/pi/wallet', { payment: id, origin: DEV_ORIGIN, decision: 'pay', pay_password: PAY_PASSWORD, csrf: 'forged' })).status, 403);
      // Empty and wrong pay passwords (the account password is not the pay password).
      const empty = await payForm(alice, id, { decision: 'pay', pay_password: '' });
      assert.equal(empty.status, 400);
      assert.match(empty.text, /Enter your pay password/);
      const wrong = await payForm(alice, id, { decision: 'pay', pay_password: 'not-it-at-all' });
      assert.equal(wrong.status, 400);
      assert.match(wrong.text, /That is not your pay password/);
      assert.doesNotMatch(wrong.text, /not-it-at-all/, 'never echoed');
      assert.equal(await f.balance(f.alice), before.alice);
      assert.equal((await appView(id)).status.transaction_verified, false);

      const paid = await payForm(alice, id, { decision: 'pay', pay_password: PAY_PASSWORD });
      assert.equal(paid.status, 303, paid.text);
      assert.equal(paid.location, walletPath(id));
      assert.equal(await f.balance(f.alice), before.alice - 314n * PI / 100n);
      assert.equal(await f.balance('app'), before.app + 314n * PI / 100n);
      const view = await appView(id);
      assert.equal(view.status.transaction_verified, true);
      assert.match(view.transaction.txid, /^[0-9a-f]{64}$/);

      const waiting = await alice.get(walletPath(id));
      assert.match(waiting.text, /Waiting for Kitten Shop to confirm/);
      assert.equal(waiting.headers.get('refresh'), '2');
      assert.deepEqual(handedBack(waiting), { message: { type: 'plaza:pi:wallet', payment: id, state: 'paid' }, target: DEV_ORIGIN, closes: false });
      // A second submission (a double click) pays nothing more.
      const again = await alice.postForm('/pi/wallet', { payment: id, origin: DEV_ORIGIN, decision: 'pay', pay_password: PAY_PASSWORD, csrf: extractCsrf(shown.text) });
      assert.equal(again.status, 303);
      assert.equal(await f.balance(f.alice), before.alice - 314n * PI / 100n);
      // Reject after paying changes nothing either.
      assert.equal((await alice.postForm('/pi/wallet', { payment: id, origin: DEV_ORIGIN, decision: 'reject', csrf: extractCsrf(shown.text) })).status, 303);
      assert.equal((await appView(id)).status.user_cancelled, false);

      const completed = await call('POST', `/v2/payments/${id}/complete`, `Key ${f.app.secret}`, JSON.stringify({ txid: view.transaction.txid }));
      assert.equal(completed.status, 200, completed.text);
      const done = await alice.get(walletPath(id, SHOP_ORIGIN));
      assert.match(done.text, /Payment complete/);
      assert.equal(done.headers.get('refresh'), null);
      assert.deepEqual(handedBack(done), { message: { type: 'plaza:pi:wallet', payment: id, state: 'completed' }, target: SHOP_ORIGIN, closes: true });
    });

    test('Reject is the user cancel; the page says so and closes', async () => {
      const id = await payment(f.alice);
      const alice = await signedIn(f.alice);
      const r = await payForm(alice, id, { decision: 'reject' });
      assert.equal(r.status, 303);
      const view = await appView(id);
      assert.equal(view.status.user_cancelled, true);
      assert.equal(view.status.cancelled, false);
      const page = await alice.get(walletPath(id));
      assert.match(page.text, /You rejected this payment/);
      assert.deepEqual(handedBack(page), { message: { type: 'plaza:pi:wallet', payment: id, state: 'cancelled' }, target: DEV_ORIGIN, closes: true });
      // Paying a rejected payment: nothing moves.
      const balance = await f.balance(f.alice);
      assert.equal((await alice.postForm('/pi/wallet', { payment: id, origin: DEV_ORIGIN, decision: 'pay', pay_password: PAY_PASSWORD, csrf: extractCsrf((await alice.get('/account')).text) })).status, 303);
      assert.equal(await f.balance(f.alice), balance);
      // A decision that is neither.
      const id2 = await payment(f.alice);
      assert.equal((await payForm(alice, id2, { decision: 'maybe' })).status, 400);
      await call('POST', `/v2/payments/${id2}/cancel`, `Bearer ${f.alice.accessToken}`);
    });

    test('a balance too short disables Pay and a forced POST moves nothing', async () => {
      const poor = await f.createUser('dora', ['payments']);
      await f.server.services.db.transaction().execute(async (trx) => setPayPassword(trx, poor.userId, await hashPassword(PAY_PASSWORD), f.clock));
      await f.fund(poor, '1');
      const id = await payment(poor, '3.14');
      const dora = await signedIn(poor);
      const shown = await dora.get(walletPath(id));
      assert.match(shown.text, /Your balance is too low for this payment: you have 1 PI/);
      assert.match(shown.text, /<button type="submit" class="block" disabled[^>]*>Pay 3\.14 PI<\/button>/);
      const forced = await payForm(dora, id, { decision: 'pay', pay_password: PAY_PASSWORD });
      assert.equal(forced.status, 409, forced.text);
      assert.match(forced.text, /does not cover/);
      assert.equal(await f.balance(poor), PI);
      assert.equal((await appView(id)).status.transaction_verified, false);
    });

    test('without a pay password the page sends the user to set one; a POST pays nothing', async () => {
      const bob = await signedIn(f.bob);
      await f.fund(f.bob, '5');
      const id = await payment(f.bob, '1');
      const shown = await bob.get(walletPath(id));
      assert.match(shown.text, /You need a pay password to pay/);
      assert.match(shown.text, /href="\/account#pay-password" target="_blank" rel="noopener"/);
      assert.match(shown.text, /<button type="submit" class="block" disabled[ >]/);
      const forced = await payForm(bob, id, { decision: 'pay', pay_password: 'anything-1' });
      assert.equal(forced.status, 403);
      assert.equal(await f.balance(f.bob), 5n * PI);
      await call('POST', `/v2/payments/${id}/cancel`, `Bearer ${f.bob.accessToken}`);
    });

    test('five wrong pay passwords lock it; the right one is then refused too', async () => {
      await f.fund(carol, '5');
      const id = await payment(carol, '1');
      const agent = await signedIn(carol);
      for (let i = 0; i < 5; i++) assert.equal((await payForm(agent, id, { decision: 'pay', pay_password: `wrong-${i}-xx` })).status, 400);
      const shown = await agent.get(walletPath(id));
      assert.match(shown.text, /locked after too many wrong attempts/);
      const r = await agent.postForm('/pi/wallet', { payment: id, origin: DEV_ORIGIN, decision: 'pay', pay_password: PAY_PASSWORD, csrf: extractCsrf(shown.text) });
      assert.equal(r.status, 403);
      assert.equal(await f.balance(carol), 5n * PI);
      await call('POST', `/v2/payments/${id}/cancel`, `Bearer ${carol.accessToken}`);
    });

    test('concurrent Pay submissions: one transfer, every answer a redirect to the paid page', async () => {
      const racer = await f.createUser('erin', ['payments']);
      await f.server.services.db.transaction().execute(async (trx) => setPayPassword(trx, racer.userId, await hashPassword(PAY_PASSWORD), f.clock));
      await f.fund(racer, '2');
      const id = await payment(racer, '1.5');
      const agent = await signedIn(racer);
      const csrf = extractCsrf((await agent.get(walletPath(id))).text);
      const answers = await Promise.all(
        Array.from({ length: 4 }, () => agent.postForm('/pi/wallet', { payment: id, origin: DEV_ORIGIN, decision: 'pay', pay_password: PAY_PASSWORD, csrf })),
      );
      assert.deepEqual(answers.map((a) => a.status), [303, 303, 303, 303]);
      assert.equal(await f.balance(racer), PI / 2n);
      const transfers = await f.server.services.db.selectFrom('ledger_transfers').select('txid').where('memo', '=', id).execute();
      assert.equal(transfers.length, 1);
    });
  });
}
