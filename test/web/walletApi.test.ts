// The end-user wallet's JSON API (/wallet/api/*, src/web/walletApi.ts) over HTTP, on both stores: every route's
// answer, 401 without a session, the CSRF and same-origin refusals of writes (which then change nothing), ownership
// (a user never sees or revokes another user's accounts or grants), paging of the history, the pay password set and
// changed with the account password, the pending Pi payments with their approval links, and the effect of a revoke:
// the app's access token is refused by GET /v2/me at once.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { identityDeps } from '../../src/admin/deps.js';
import { manualClock } from '../../src/core/clock.js';
import { setAppAllowedOrigins } from '../../src/core/identity/appAccess.js';
import { hashNewPassword } from '../../src/core/identity/developers.js';
import { upsertGrant } from '../../src/core/identity/grants.js';
import { checkUserPayPassword } from '../../src/core/identity/payPasswords.js';
import { createUserSession } from '../../src/core/identity/sessions.js';
import { issueAccessToken } from '../../src/core/identity/userTokens.js';
import { registerUser } from '../../src/core/identity/users.js';
import { ensureAccount, findAccount } from '../../src/core/ledger/accounts.js';
import { ensureAsset } from '../../src/core/ledger/assets.js';
import { issue, transfer } from '../../src/core/ledger/transfers.js';
import { paymentAssetId } from '../../src/modules/payments/index.js';
import { SESSION_COOKIE } from '../../src/web/session.js';
import { FIXTURE_START, startPiFixture, type PiFixture, type PiUser } from '../payments/fixture.js';
import { http, type HttpResult } from '../support/server.js';
import { STORES } from '../support/stores.js';

const PASSWORD = 'account password 1';
const SHOP_ORIGIN = 'https://kittens.example';

/** A cookie jar on one server: the session cookie, plus whatever the API sets (plaza_csrf). */
interface Client {
  get(path: string, headers?: Record<string, string>): Promise<HttpResult>;
  post(path: string, body?: unknown, headers?: Record<string, string>): Promise<HttpResult>;
  /** GET /me's token, fetched once per client. */
  csrf(): Promise<string>;
  cookies: Map<string, string>;
}

function client(baseUrl: string, sessionToken: string | null): Client {
  const cookies = new Map<string, string>();
  if (sessionToken !== null) cookies.set(SESSION_COOKIE, sessionToken);
  let token: string | null = null;
  const call = async (method: string, path: string, body: unknown, headers: Record<string, string> = {}) => {
    const cookie = [...cookies].map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('; ');
    const r = await http(baseUrl, method, path, { ...(body !== undefined ? { body } : {}), headers: { ...(cookie ? { cookie } : {}), ...headers } });
    for (const line of r.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const eq = pair!.indexOf('=');
      cookies.set(pair!.slice(0, eq), decodeURIComponent(pair!.slice(eq + 1)));
    }
    return r;
  };
  const c: Client = {
    cookies,
    get: (path, headers) => call('GET', path, undefined, headers),
    post: (path, body, headers) => call('POST', path, body ?? {}, headers),
    async csrf() {
      if (token === null) {
        const me = await c.get('/wallet/api/me');
        assert.equal(me.status, 200, me.text);
        token = me.json.csrfToken as string;
      }
      return token;
    },
  };
  return c;
}

for (const kind of STORES) {
  describe(`wallet API /wallet/api [${kind}]`, () => {
    const clock = manualClock(FIXTURE_START);
    let f: PiFixture;
    let alice: Client;
    let bob: Client;
    /** A user with a real account password (the fixture's users have none). */
    let dana: { userId: number; uid: number; client: Client };

    const base = () => f.server.baseUrl;
    const sessionOf = async (userId: number) => (await createUserSession(f.server.services.db, userId, clock)).token;
    const write = async (c: Client, path: string, body: unknown = {}, headers: Record<string, string> = {}) =>
      c.post(path, body, { 'x-csrf-token': await c.csrf(), origin: base(), 'sec-fetch-site': 'same-origin', ...headers });
    const piMe = (u: PiUser) => http(base(), 'GET', '/v2/me', { headers: { authorization: `Bearer ${u.accessToken}` } });

    before(async () => {
      f = await startPiFixture(kind, { clock });
      const s = f.server.services;
      alice = client(base(), await sessionOf(f.alice.userId));
      bob = client(base(), await sessionOf(f.bob.userId));
      const ids = identityDeps(s);
      const hash = await hashNewPassword(PASSWORD, ids);
      const user = await s.db.transaction().execute((trx) => registerUser(trx, { username: 'dana', email: 'dana@example.com', passwordHash: hash }, ids));
      dana = { userId: user.id, uid: user.uid, client: client(base(), await sessionOf(user.id)) };
      await s.db.transaction().execute((trx) => setAppAllowedOrigins(trx, f.app.id, [SHOP_ORIGIN], clock));
    });
    after(() => f.close());
    // Moves past every rate-limit window (pay-password changes are limited per user and address).
    beforeEach(() => clock.advance(120_000));

    describe('authentication', () => {
      const reads = ['/wallet/api/me', '/wallet/api/balances', '/wallet/api/history', '/wallet/api/grants', '/wallet/api/payments/pending'];

      it('every read answers 401 JSON without a session, and with a dead one', async () => {
        for (const session of [null, 'not-a-live-session']) {
          const anon = client(base(), session);
          for (const path of reads) {
            const r = await anon.get(path);
            assert.equal(r.status, 401, `${path}: ${r.text}`);
            assert.match(r.headers.get('content-type') ?? '', /^application\/json/);
            assert.equal(r.json.error.code, 'unauthenticated');
            assert.equal(r.json.error.signIn, '/signin?next=%2Fwallet%2F');
            assert.equal(r.headers.get('cache-control'), 'no-store');
          }
        }
      });

      it('every write answers 401 with a valid CSRF token but no session', async () => {
        const anon = client(base(), null);
        // A visitor without a session still gets a CSRF cookie from a page (here: the sign-in page).
        const signIn = await http(base(), 'GET', '/signin');
        const line = signIn.headers.getSetCookie().find((l) => l.startsWith('plaza_csrf='))!;
        const value = decodeURIComponent(line.split(';')[0]!.slice('plaza_csrf='.length));
        const csrf = /name="csrf" value="([^"]+)"/.exec(signIn.text)![1]!;
        anon.cookies.set('plaza_csrf', value);
        for (const path of ['/wallet/api/grants/1/revoke', '/wallet/api/pay-password']) {
          const r = await anon.post(path, { currentPassword: 'x', payPassword: 'yyyyyy' }, { 'x-csrf-token': csrf });
          assert.equal(r.status, 401, `${path}: ${r.text}`);
          assert.equal(r.json.error.code, 'unauthenticated');
        }
      });

      it('GET /me names the user, the pay-password state and a CSRF token bound to a cookie', async () => {
        const c = client(base(), await sessionOf(f.alice.userId));
        const r = await c.get('/wallet/api/me');
        assert.equal(r.status, 200, r.text);
        assert.deepEqual(r.json.user, { uid: f.alice.uid, username: 'alice', email: 'alice@example.com', emailVerified: false });
        assert.deepEqual(r.json.payPassword, { set: false, lockedUntil: null });
        assert.match(r.json.csrfToken, /^[A-Za-z0-9_-]{43}$/);
        assert.ok(c.cookies.has('plaza_csrf'), 'the CSRF cookie is set');
        // The same browser keeps its cookie and token.
        const again = await c.get('/wallet/api/me');
        assert.equal(again.json.csrfToken, r.json.csrfToken);
      });
    });

    describe('balances and history', () => {
      let credit: { assetId: number; accountId: number };

      before(async () => {
        const s = f.server.services;
        await f.fund(f.alice, '12.5');
        await f.fund(f.bob, '3');
        // A second asset with a non-default sub-balance, and a hold on alice's PI.
        credit = await s.db.transaction().execute(async (trx) => {
          const asset = await ensureAsset(trx, { symbol: 'CREDIT', precision: 2 }, clock);
          const account = await ensureAccount(trx, { owner: { kind: 'user', id: String(f.alice.uid) }, assetId: asset.id, sub: 'credit' }, clock);
          await issue(trx, { assetId: asset.id, toAccountId: account.id, amount: 1050n, kind: 'kamiya.grant', memo: 'welcome credit' }, clock);
          return { assetId: asset.id, accountId: account.id };
        });
        await s.db.transaction().execute(async (trx) => {
          const piAsset = await paymentAssetId(trx, f.deps);
          const from = (await findAccount(trx, { kind: 'user', id: String(f.alice.uid) }, piAsset))!;
          const to = (await findAccount(trx, { kind: 'app', id: String(f.app.id) }, piAsset))!;
          await transfer(trx, { debitAccountId: from.id, creditAccountId: to.id, amount: 20_000_000n, kind: 'pi.payment', memo: 'kitten', pending: true }, clock);
          await transfer(trx, { debitAccountId: from.id, creditAccountId: to.id, amount: 5_000_000n, kind: 'pi.payment', memo: 'yarn' }, clock);
        });
      });

      it('lists each account per asset and sub-balance with exact decimal text and available = balance − holds', async () => {
        const r = await alice.get('/wallet/api/balances');
        assert.equal(r.status, 200, r.text);
        const byAsset = new Map<string, any>(r.json.balances.map((b: any) => [`${b.asset}/${b.sub}`, b]));
        assert.deepEqual([...byAsset.keys()].sort(), ['CREDIT/credit', 'PI/balance']);
        const pi = byAsset.get('PI/balance');
        assert.equal(pi.precision, 7);
        assert.deepEqual(pi.balance, { amount: '12', minor: '120000000' });
        assert.deepEqual(pi.held, { amount: '2', minor: '20000000' });
        assert.deepEqual(pi.available, { amount: '10', minor: '100000000' });
        assert.equal(pi.frozen, false);
        const cr = byAsset.get('CREDIT/credit');
        assert.equal(cr.accountId, credit.accountId);
        assert.deepEqual(cr.balance, { amount: '10.5', minor: '1050' });
        assert.deepEqual(cr.available, cr.balance);
      });

      it('never shows another user\'s accounts', async () => {
        const r = await bob.get('/wallet/api/balances');
        assert.equal(r.status, 200, r.text);
        assert.equal(r.json.balances.length, 1);
        assert.equal(r.json.balances[0].balance.amount, '3');
        assert.ok(!r.json.balances.some((b: any) => b.accountId === credit.accountId));
      });

      it('history: newest first, direction, kind, memo, txid, block and counterparty', async () => {
        const r = await alice.get('/wallet/api/history');
        assert.equal(r.status, 200, r.text);
        const t = r.json.transfers;
        assert.deepEqual(
          t.map((x: any) => [x.direction, x.kind, x.memo, x.asset, x.amount.amount, x.status]),
          [
            ['out', 'pi.payment', 'yarn', 'PI', '0.5', 'posted'],
            ['out', 'pi.payment', 'kitten', 'PI', '2', 'pending'],
            ['in', 'kamiya.grant', 'welcome credit', 'CREDIT', '10.5', 'posted'],
            ['in', 'issue', 'test funding', 'PI', '12.5', 'posted'],
          ],
        );
        for (const x of t) assert.match(x.txid, /^[0-9a-f]{64}$/);
        assert.ok(t[0].seq > t[1].seq && t[1].seq > t[2].seq);
        assert.equal(typeof t[0].block, 'number');
        assert.equal(t[1].block, null, 'a pending hold is in no block');
        assert.deepEqual(t[0].counterparty, { kind: 'app', name: 'Kitten Shop' });
        assert.deepEqual(t[3].counterparty, { kind: 'system', name: 'Plaza' });
        assert.equal(r.json.next, null);
      });

      it('history pages with limit and before, and filters by one of the user\'s accounts', async () => {
        const first = await alice.get('/wallet/api/history?limit=3');
        assert.equal(first.json.transfers.length, 3);
        assert.equal(first.json.next, first.json.transfers[2].seq);
        const second = await alice.get(`/wallet/api/history?limit=3&before=${first.json.next}`);
        assert.deepEqual(second.json.transfers.map((x: any) => x.memo), ['test funding']);
        assert.equal(second.json.next, null);
        const only = await alice.get(`/wallet/api/history?account=${credit.accountId}`);
        assert.deepEqual(only.json.transfers.map((x: any) => x.memo), ['welcome credit']);
      });

      it('history refuses another user\'s account (404) and malformed parameters (400)', async () => {
        const r = await bob.get(`/wallet/api/history?account=${credit.accountId}`);
        assert.equal(r.status, 404, r.text);
        assert.equal(r.json.error.code, 'not_found');
        for (const q of ['limit=0', 'limit=101', 'limit=x', 'before=-1', 'account=1.5', 'account=abc']) {
          const bad = await alice.get(`/wallet/api/history?${q}`);
          assert.equal(bad.status, 400, `${q}: ${bad.text}`);
          assert.equal(bad.json.error.code, 'invalid_request');
        }
        const bobs = await bob.get('/wallet/api/history');
        assert.ok(bobs.json.transfers.every((x: any) => x.memo !== 'welcome credit' && x.memo !== 'kitten'));
      });
    });

    describe('grants and revoke', () => {
      it('lists the apps granted with kind, scopes and limits; never another user\'s', async () => {
        const r = await alice.get('/wallet/api/grants');
        assert.equal(r.status, 200, r.text);
        assert.equal(r.json.grants.length, 1);
        const g = r.json.grants[0];
        assert.equal(g.appName, 'Kitten Shop');
        assert.equal(g.kind, 'pi');
        assert.deepEqual(g.scopes, ['username', 'payments']);
        assert.equal(g.spendingLimit, null);
        assert.equal(typeof g.grantedAt, 'number');
        const bobs = await bob.get('/wallet/api/grants');
        assert.deepEqual(bobs.json.grants.map((x: any) => x.scopes), [['username', 'payments', 'wallet_address']]);
        assert.notEqual(bobs.json.grants[0].id, g.id);
      });

      it('shows a Pi spending limit in PI', async () => {
        const app = await f.createApp('Yarn Store');
        const s = f.server.services;
        await s.db.transaction().execute((trx) => upsertGrant(trx, { appId: app.id, userId: dana.userId, kind: 'pi', scopes: ['payments'], spendingLimitMinor: 25_000_000n }, clock));
        const r = await dana.client.get('/wallet/api/grants');
        assert.deepEqual(r.json.grants[0].spendingLimit, { asset: 'PI', amount: '2.5', minor: '25000000', spent: null });
      });

      it('refuses a write without the CSRF header, with a wrong token, cross-origin or cross-site — and revokes nothing', async () => {
        const [grant] = (await alice.get('/wallet/api/grants')).json.grants;
        const path = `/wallet/api/grants/${grant.id}/revoke`;
        const token = await alice.csrf();
        const attempts: Array<Record<string, string>> = [
          {},
          { 'x-csrf-token': 'A'.repeat(43) },
          { 'x-csrf-token': token, origin: 'https://evil.example' },
          { 'x-csrf-token': token, 'sec-fetch-site': 'cross-site' },
          { 'x-csrf-token': token, 'sec-fetch-site': 'same-site' },
        ];
        for (const headers of attempts) {
          const r = await alice.post(path, {}, headers);
          assert.equal(r.status, 403, `${JSON.stringify(headers)}: ${r.text}`);
          assert.equal(r.json.error.code, 'csrf_failed');
        }
        // Another browser's token does not fit this browser's cookie.
        const other = client(base(), await sessionOf(f.alice.userId));
        const r = await alice.post(path, {}, { 'x-csrf-token': await other.csrf() });
        assert.equal(r.status, 403);
        assert.equal((await alice.get('/wallet/api/grants')).json.grants.length, 1);
        assert.equal((await piMe(f.alice)).status, 200);
      });

      it('a user cannot revoke another user\'s grant (404, still live)', async () => {
        const [grant] = (await alice.get('/wallet/api/grants')).json.grants;
        for (const id of [String(grant.id), '999999', 'abc']) {
          const r = await write(bob, `/wallet/api/grants/${id}/revoke`);
          assert.equal(r.status, 404, r.text);
          assert.equal(r.json.error.code, 'not_found');
        }
        assert.equal((await alice.get('/wallet/api/grants')).json.grants.length, 1);
        assert.equal((await piMe(f.alice)).status, 200);
      });

      it('revoking stops the app\'s tokens at once; a second revoke is 404', async () => {
        const carol = await f.createUser('carol', ['username']);
        const c = client(base(), await sessionOf(carol.userId));
        const before = await piMe(carol);
        assert.equal(before.status, 200, before.text);
        const [grant] = (await c.get('/wallet/api/grants')).json.grants;
        const r = await write(c, `/wallet/api/grants/${grant.id}/revoke`);
        assert.equal(r.status, 200, r.text);
        assert.deepEqual(r.json, { revoked: true, grantId: grant.id });
        assert.equal((await piMe(carol)).status, 401);
        assert.deepEqual((await c.get('/wallet/api/grants')).json.grants, []);
        const again = await write(c, `/wallet/api/grants/${grant.id}/revoke`);
        assert.equal(again.status, 404);
        // A new token under a re-grant works again (the revoke was of that grant, not of the user).
        const s = f.server.services;
        const token = await s.db.transaction().execute(async (trx) => {
          const g = await upsertGrant(trx, { appId: f.app.id, userId: carol.userId, kind: 'pi', scopes: ['username'] }, clock);
          return (await issueAccessToken(trx, { grant: g, scopes: ['username'], kind: 'pi', ttlSeconds: 3600 }, clock)).token;
        });
        assert.equal((await piMe({ ...carol, accessToken: token })).status, 200);
        assert.equal((await piMe(carol)).status, 401, 'the revoked token stays revoked');
      });
    });

    describe('pay password', () => {
      const check = async (pw: string) =>
        (await checkUserPayPassword(f.server.services.db, dana.userId, pw, { ...identityDeps(f.server.services), maxFailures: 5, lockSeconds: 60 })).kind;

      it('refuses missing fields, a short one, a wrong account password and one equal to it', async () => {
        const cases: Array<[unknown, number, string, string]> = [
          [{}, 400, 'invalid_request', 'currentPassword'],
          [{ currentPassword: PASSWORD, payPassword: '12345' }, 400, 'invalid_request', 'payPassword'],
          [{ currentPassword: PASSWORD, payPassword: 'x'.repeat(129) }, 400, 'invalid_request', 'payPassword'],
          [{ currentPassword: 'wrong password', payPassword: 'pay secret 1' }, 400, 'wrong_password', 'currentPassword'],
          [{ currentPassword: PASSWORD, payPassword: PASSWORD }, 400, 'same_as_password', 'payPassword'],
        ];
        for (const [body, status, code, fieldName] of cases) {
          clock.advance(120_000);
          const r = await write(dana.client, '/wallet/api/pay-password', body);
          assert.equal(r.status, status, r.text);
          assert.equal(r.json.error.code, code);
          assert.ok(r.json.error.fields[fieldName], `${code} names ${fieldName}`);
        }
        const notJson = await write(dana.client, '/wallet/api/pay-password', '{not json');
        assert.equal(notJson.status, 400);
        assert.equal(await check('pay secret 1'), 'not_set');
      });

      it('a CSRF refusal sets nothing', async () => {
        const r = await dana.client.post('/wallet/api/pay-password', { currentPassword: PASSWORD, payPassword: 'pay secret 1' }, { origin: 'https://evil.example', 'x-csrf-token': await dana.client.csrf() });
        assert.equal(r.status, 403);
        assert.equal(await check('pay secret 1'), 'not_set');
      });

      it('sets it, then changes it (the old one stops working); /me reflects it', async () => {
        const set = await write(dana.client, '/wallet/api/pay-password', { currentPassword: PASSWORD, payPassword: 'pay secret 1' });
        assert.equal(set.status, 200, set.text);
        assert.deepEqual(set.json, { payPassword: { set: true, lockedUntil: null }, changed: false });
        assert.equal(await check('pay secret 1'), 'ok');
        assert.deepEqual((await dana.client.get('/wallet/api/me')).json.payPassword, { set: true, lockedUntil: null });
        clock.advance(120_000);
        const changed = await write(dana.client, '/wallet/api/pay-password', { currentPassword: PASSWORD, payPassword: 'pay secret 2' });
        assert.equal(changed.status, 200, changed.text);
        assert.equal(changed.json.changed, true);
        assert.equal(await check('pay secret 1'), 'wrong');
        assert.equal(await check('pay secret 2'), 'ok');
      });

      it('is rate-limited per user with 429 and Retry-After', async () => {
        let last: HttpResult | undefined;
        for (let i = 0; i < 6; i++) last = await write(dana.client, '/wallet/api/pay-password', { currentPassword: 'wrong password', payPassword: 'pay secret 3' });
        assert.equal(last!.status, 429, last!.text);
        assert.equal(last!.json.error.code, 'rate_limited');
        assert.ok(Number(last!.headers.get('retry-after')) > 0);
      });
    });

    describe('pending payments', () => {
      async function createPayment(u: PiUser, memo: string): Promise<string> {
        const r = await http(base(), 'POST', '/v2/payments/user_to_app', {
          headers: { authorization: `Bearer ${u.accessToken}` },
          body: `{"amount":1.25,"memo":${JSON.stringify(memo)},"metadata":{}}`,
        });
        assert.equal(r.status, 200, r.text);
        return r.json.identifier as string;
      }

      it('lists the user\'s open payments across apps with the approval page link; not another user\'s', async () => {
        const erin = await f.createUser('erin', ['username', 'payments']);
        const c = client(base(), await sessionOf(erin.userId));
        assert.deepEqual((await c.get('/wallet/api/payments/pending')).json, { payments: [] });
        const id = await createPayment(erin, 'one kitten');
        const r = await c.get('/wallet/api/payments/pending');
        assert.equal(r.status, 200, r.text);
        assert.equal(r.json.payments.length, 1);
        const p = r.json.payments[0];
        assert.equal(p.identifier, id);
        assert.equal(p.appName, 'Kitten Shop');
        assert.deepEqual(p.amount, { amount: '1.25', minor: '12500000' });
        assert.equal(p.asset, 'PI');
        assert.equal(p.memo, 'one kitten');
        assert.equal(p.state, 'created');
        assert.equal(p.reviewUrl, `/pi/wallet?payment=${id}&origin=${encodeURIComponent(SHOP_ORIGIN)}`);
        // The link opens the approval page for this user.
        const cookie = `${SESSION_COOKIE}=${encodeURIComponent(c.cookies.get(SESSION_COOKIE)!)}`;
        const page = await http(base(), 'GET', p.reviewUrl, { headers: { cookie } });
        assert.equal(page.status, 200, page.text);
        assert.match(page.text, /one kitten/);

        const approved = await http(base(), 'POST', `/v2/payments/${id}/approve`, { headers: { authorization: `Key ${f.app.secret}` } });
        assert.equal(approved.status, 200, approved.text);
        assert.equal((await c.get('/wallet/api/payments/pending')).json.payments[0].state, 'approved');
        assert.ok(!(await bob.get('/wallet/api/payments/pending')).json.payments.some((x: any) => x.identifier === id));
      });

      it('an overdue payment is expired, not listed', async () => {
        const gail = await f.createUser('gail', ['username', 'payments']);
        const c = client(base(), await sessionOf(gail.userId));
        await createPayment(gail, 'late kitten');
        assert.equal((await c.get('/wallet/api/payments/pending')).json.payments.length, 1);
        clock.advance(f.server.services.config.pi.approvalWindowSeconds * 1000 + 1);
        assert.deepEqual((await c.get('/wallet/api/payments/pending')).json.payments, []);
      });
    });

    it('an unknown wallet API path is a plain JSON 404', async () => {
      const r = await alice.get('/wallet/api/nothing');
      assert.equal(r.status, 404);
      assert.deepEqual(r.json, { error: 'not_found' });
    });
  });
}
