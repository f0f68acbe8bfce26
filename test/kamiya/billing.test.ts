// Kamiya billing over HTTP on both stores (spec/kamiya.md §3.3, §3.7–§3.11, §4.2, §8 examples 6–14): exact bodies,
// every error in check order one defect at a time, the §4.2 table row by row, the check-in day in Asia/Shanghai,
// concurrency (200 charges against a balance covering some; 50 check-ins), Idempotency-Key replay, and the
// billing.charged / billing.checkin events in the outbox. The suite's store verifies the ledger when it is dropped.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { revokeGrant } from '../../src/core/identity/grants.js';
import { setUserDisabled, type User } from '../../src/core/identity/users.js';
import { uidFromSequence } from '../../src/core/identity/uid.js';
import { findAccount } from '../../src/core/ledger/accounts.js';
import { issue, listTransfers } from '../../src/core/ledger/transfers.js';
import { parseDecimal } from '../../src/core/money.js';
import { kamiyaDialect } from '../../src/dialects/kamiya/plugin.js';
import { staticControls } from '../../src/http/controls.js';
import { createRateLimiter } from '../../src/http/rateLimit.js';
import { appOwner, creditAssetId, ensureUserAccounts, FEE_OWNER, readBalances } from '../../src/modules/billing/accounts.js';
import { startIdentityServer, type IdentityCtx, type TestApp } from '../support/identityFixtures.js';
import { http, type HttpResult } from '../support/server.js';
import { STORES } from '../support/stores.js';

const OK = '{"status":200,"message":"OK"}';
const BAD = '{"status":400,"message":"Bad Request"}';
const UNAUTHORIZED = '{"status":401,"message":"Unauthorized"}';
const NOT_FOUND_USER = '{"status":404,"message":"user not found"}';
const NOT_ACTIVE = '{"status":403,"message":"user not active"}';
const INSUFFICIENT = '{"status":403,"message":"insufficient credit"}';
const ALREADY = '{"status":400,"message":"already checkin"}';

function assertBody(r: HttpResult, status: number, text: string): void {
  assert.equal(r.status, status, r.text);
  assert.equal(r.headers.get('content-type'), 'application/json; charset=utf-8');
  assert.equal(r.text, text);
}

const minor = (s: string): bigint => parseDecimal(s, 2) as bigint;

for (const kind of STORES) {
  describe(`kamiya billing [${kind}]`, () => {
    let c: IdentityCtx;
    let A: TestApp;
    let B: TestApp;
    let seq = 0;

    const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
      http(c.server.baseUrl, 'POST', path, { body, headers });
    const call = (name: string, app: TestApp, fields: Record<string, unknown>, headers: Record<string, string> = {}) =>
      post(`/api/billing/${name}`, { appId: app.appkey, secret: app.secret, ...fields }, headers);

    /** A fresh user (verified unless told), confirmed on app A (and B when asked), funded through issuance. */
    async function user(o: { credit?: string; nc?: string; verified?: boolean; apps?: TestApp[] } = {}): Promise<User> {
      const u = await c.createUser(`u${++seq}`, { verified: o.verified ?? true });
      for (const app of o.apps ?? [A]) await c.grant(app.app.id, u.id, 'kamiya', []);
      await fund(u, o.credit ?? '0', o.nc ?? '0');
      return u;
    }
    async function fund(u: User, credit: string, nc: string): Promise<void> {
      const s = c.server.services;
      await s.db.transaction().execute(async (trx) => {
        const assetId = await creditAssetId(trx);
        const pair = await ensureUserAccounts(trx, assetId, u.uid, c.clock);
        for (const [amount, account] of [[minor(credit), pair.credit], [minor(nc), pair.nc]] as const) {
          if (amount > 0n) await issue(trx, { assetId, toAccountId: account.id, amount, memo: 'test funding' }, c.clock);
        }
      });
    }
    async function balances(u: User): Promise<{ credit: bigint; nc: bigint }> {
      const db = c.server.services.db;
      return readBalances(db, await creditAssetId(db), u.uid);
    }
    async function appRevenue(app: TestApp): Promise<{ credit: bigint; nc: bigint }> {
      const db = c.server.services.db;
      const assetId = await creditAssetId(db);
      const credit = await findAccount(db, appOwner(app.app.id), assetId, 'credit');
      const nc = await findAccount(db, appOwner(app.app.id), assetId, 'nc_credit');
      return { credit: credit?.balance ?? 0n, nc: nc?.balance ?? 0n };
    }
    const detailText = (u: User, credit: string, nc: string, active = true, role = 'Normal') =>
      `{"status":200,"message":"OK","data":{"email":"${u.email}","role":"${role}","credit":${credit},"NCCredit":${nc},"active":${active}}}`;

    before(async () => {
      c = await startIdentityServer(kind, { dialects: [kamiyaDialect] });
      A = await c.createApp('Comic Studio', { redirectUris: ['https://app.example/cb'] });
      B = await c.createApp('Other App');
    });
    after(() => c.close());
    beforeEach(() => {
      const s = c.server.services;
      s.controls = staticControls({ ...s.config.operator, perIpPerMinute: 0, perKeyPerMinute: 0 });
      s.limiter = createRateLimiter(s.clock);
    });

    test('examples 6–8: charge with allowNC takes NC first; detail; 403 leaves balances; forceCharge goes negative; auth', async () => {
      const alice = await user({ credit: '20', nc: '10' });
      assertBody(await call('charge', A, { id: alice.uid, credit: 15, allowNC: true }), 200, OK);
      assertBody(await call('detail', A, { id: alice.uid }), 200, detailText(alice, '15', '0'));
      assert.deepEqual(await appRevenue(A), { credit: 500n, nc: 1000n });

      assertBody(await call('charge', A, { id: alice.uid, credit: 100 }), 403, INSUFFICIENT);
      assertBody(await call('detail', A, { id: alice.uid }), 200, detailText(alice, '15', '0'));

      assertBody(await call('forceCharge', A, { id: alice.uid, credit: 20.5 }), 200, OK);
      assertBody(await call('detail', A, { id: alice.uid }), 200, detailText(alice, '-5.5', '0'));
      assertBody(await call('auth', A, { id: alice.uid }), 403, INSUFFICIENT);
      assert.deepEqual(await appRevenue(A), { credit: 500n + 2050n, nc: 1000n });
    });

    test('detail renders exact decimals: 17328.47, 1000, 0; an administrator is "Administrator"', async () => {
      const u = await user({ credit: '17328.47', nc: '1000.00' });
      assertBody(await call('detail', A, { id: u.uid }), 200, detailText(u, '17328.47', '1000'));
      const admin = await c.createUser(`admin${++seq}`, { verified: true, admin: true });
      await c.grant(A.app.id, admin.id, 'kamiya', []);
      assertBody(await call('detail', A, { id: admin.uid }), 200, detailText(admin, '0', '0', true, 'Administrator'));
    });

    test('example 9: one check-in per Asia/Shanghai day across apps; 10.00 NC; the next local day → 200', async () => {
      const u = await user({ apps: [A, B] });
      // The suite's clock starts 2026-03-01 09:22:07 UTC = 17:22 in Shanghai.
      assertBody(await call('openidCheckin', A, { id: u.uid }), 200, OK);
      assertBody(await call('detail', A, { id: u.uid }), 200, detailText(u, '0', '10'));
      assertBody(await call('openidCheckin', A, { id: u.uid }), 400, ALREADY);
      assertBody(await call('openidCheckin', B, { id: u.uid }), 400, ALREADY);
      c.clock.set(Date.UTC(2026, 2, 1, 15, 59, 59)); // 23:59:59 in Shanghai, still March 1st
      assertBody(await call('openidCheckin', A, { id: u.uid }), 400, ALREADY);
      c.clock.set(Date.UTC(2026, 2, 1, 16, 0, 0)); // local midnight: March 2nd (still March 1st in UTC)
      assertBody(await call('openidCheckin', B, { id: u.uid }), 200, OK);
      assert.deepEqual(await balances(u), { credit: 0n, nc: 2000n });
      const rows = await c.server.services.db.selectFrom('billing_checkins').select(['day', 'txid']).where('user_id', '=', u.id).orderBy('day').execute();
      assert.deepEqual(rows.map((r) => r.day), ['2026-03-01', '2026-03-02']);
      assert.ok(rows.every((r) => /^[0-9a-f]{64}$/.test(r.txid ?? '')));
      const transfers = await listTransfers(c.server.services.db, { kind: 'kamiya.checkin', limit: 1000 });
      assert.ok(transfers.some((t) => t.txid === rows[0]!.txid && t.amount === 1000n));
    });

    test('example 10: bad credit / allowNC / id → 400; bad checksum, unknown, unconfirmed, revoked, app uid, other app → 404', async () => {
      const u = await user({ credit: '5' });
      for (const credit of [0.005, 0, '0', -1, '-1', 'abc', '', '1e', true, null, '12.345', 1000000000000.01, '1e13', [1], { v: 1 }]) {
        assertBody(await call('charge', A, { id: u.uid, credit }), 400, BAD);
        assertBody(await call('forceCharge', A, { id: u.uid, credit }), 400, BAD);
      }
      assertBody(await call('charge', A, { id: u.uid }), 400, BAD);
      for (const allowNC of ['yes', 1, 0, 'true', []]) assertBody(await call('charge', A, { id: u.uid, credit: 1, allowNC }), 400, BAD);
      for (const id of [0, -1, 1.5, '1.5', '-5', '', 'abc', true, null, 9007199254740992, '9007199254740992', [u.uid]]) {
        for (const name of ['charge', 'auth', 'detail', 'openidCheckin', 'forceCharge']) assertBody(await call(name, A, { id, credit: 1 }), 400, BAD);
      }
      assertBody(await call('detail', A, {}), 400, BAD);
      // Well-typed ids that name no billable user.
      const unconfirmed = await user({ apps: [] });
      const revoked = await user({ credit: '5' });
      const g = await c.grant(A.app.id, revoked.id, 'kamiya', []);
      await c.server.services.db.transaction().execute((trx) => revokeGrant(trx, g.id, revoked.id, c.clock));
      const onlyB = await user({ credit: '5', apps: [B] });
      for (const id of [u.uid - 1, uidFromSequence(987_654), unconfirmed.uid, revoked.uid, A.app.id, B.app.id, onlyB.uid]) {
        for (const name of ['charge', 'auth', 'detail', 'openidCheckin', 'forceCharge']) {
          assertBody(await call(name, A, { id, credit: 1 }), 404, NOT_FOUND_USER);
        }
      }
      // A uid under the grant of another kind is not a Kamiya consent either.
      const piOnly = await user({ apps: [] });
      await c.grant(A.app.id, piOnly.id, 'pi', ['username']);
      assertBody(await call('detail', A, { id: piOnly.uid }), 404, NOT_FOUND_USER);
      assert.deepEqual(await balances(revoked), { credit: 500n, nc: 0n });
      assertBody(await call('charge', B, { id: onlyB.uid, credit: 5 }), 200, OK);
    });

    test('id as a digit string, as 10989.0 and in exponent form; credit as a decimal string and with trailing zeros', async () => {
      const u = await user({ credit: '10' });
      const raw = (fields: string) => post('/api/billing/charge', `{"appId":"${A.appkey}","secret":"${A.secret}",${fields}}`);
      assertBody(await call('charge', A, { id: String(u.uid), credit: '1.50' }), 200, OK);
      assertBody(await raw(`"id":${u.uid}.0,"credit":1.500`), 200, OK);
      assertBody(await raw(`"id":${u.uid}e0,"credit":1e0,"allowNC":null`), 200, OK);
      assertBody(await raw(`"id":${u.uid},"credit":0.015e2`), 200, OK);
      assertBody(await raw(`"id":${u.uid}.5,"credit":1`), 400, BAD);
      assert.deepEqual(await balances(u), { credit: 1000n - 150n - 150n - 100n - 150n, nc: 0n });
    });

    test('example 11: unverified or disabled user → 403 user not active (charge, auth, forceCharge, checkin); detail reports it', async () => {
      const unverified = await user({ credit: '5', verified: false });
      for (const name of ['charge', 'auth', 'openidCheckin', 'forceCharge']) assertBody(await call(name, A, { id: unverified.uid, credit: 1 }), 403, NOT_ACTIVE);
      assertBody(await call('detail', A, { id: unverified.uid }), 200, detailText(unverified, '5', '0', false));
      const disabled = await user({ credit: '5' });
      await c.server.services.db.transaction().execute((trx) => setUserDisabled(trx, disabled.id, true, c.clock));
      for (const name of ['charge', 'auth', 'openidCheckin', 'forceCharge']) assertBody(await call(name, A, { id: disabled.uid, credit: 1 }), 403, NOT_ACTIVE);
      assertBody(await call('detail', A, { id: disabled.uid }), 200, detailText(disabled, '5', '0', false));
      assert.deepEqual(await balances(unverified), { credit: 500n, nc: 0n });
    });

    test('example 12: GET → 405 with Allow: POST; unknown billing path → 404 Not Found; trailing slash and /apps prefix work', async () => {
      const r = await http(c.server.baseUrl, 'GET', '/api/billing/charge');
      assertBody(r, 405, '{"status":405,"message":"Method Not Allowed"}');
      assert.equal(r.headers.get('allow'), 'POST');
      assertBody(await post('/api/billing/refund', { appId: A.appkey, secret: A.secret }), 404, '{"status":404,"message":"Not Found"}');
      const u = await user({ credit: '2' });
      assertBody(await post('/api/billing/charge/', { appId: A.appkey, secret: A.secret, id: u.uid, credit: 1 }), 200, OK);
      assertBody(await post(`/apps/${A.appkey}/api/billing/charge`, { appId: A.appkey, secret: A.secret, id: u.uid, credit: 1 }), 200, OK);
      assertBody(await post(`/apps/${B.appkey}/api/billing/detail`, { appId: A.appkey, secret: A.secret, id: u.uid }), 401, UNAUTHORIZED);
      assertBody(await post('/api/billing/detail', { appId: A.appkey, secret: A.secret, id: u.uid }, { 'x-plaza-app': B.appkey }), 401, UNAUTHORIZED);
    });

    test('§3.3 order, one defect at a time: 400 before 401 before key before 404 before 403 not active before 403 credit', async () => {
      const poor = await user({ credit: '1' });
      const inactivePoor = await user({ credit: '1', verified: false });
      const neverConfirmedInactive = await user({ verified: false, apps: [] });
      const wrong = { appId: A.appkey, secret: B.secret };
      // 400 beats 401: a malformed field with a wrong secret.
      assertBody(await post('/api/billing/charge', { ...wrong, id: poor.uid, credit: 'abc' }), 400, BAD);
      assertBody(await post('/api/billing/charge', { appId: A.appkey, id: poor.uid, credit: 1 }), 400, BAD);
      assertBody(await post('/api/billing/charge', JSON.stringify({ appId: A.appkey, secret: A.secret, id: poor.uid, credit: 1 }), { 'content-type': 'text/plain' }), 400, BAD);
      // 401 beats a malformed Idempotency-Key and 404.
      assertBody(await post('/api/billing/charge', { ...wrong, id: 10988, credit: 1 }, { 'idempotency-key': 'é' }), 401, UNAUTHORIZED);
      // A malformed key beats 404.
      assertBody(await call('charge', A, { id: 10988, credit: 1 }, { 'idempotency-key': '' }), 400, BAD);
      assertBody(await call('charge', A, { id: 10988, credit: 1 }, { 'idempotency-key': 'x'.repeat(256) }), 400, BAD);
      // 404 beats 403 user not active.
      assertBody(await call('charge', A, { id: neverConfirmedInactive.uid, credit: 1 }), 404, NOT_FOUND_USER);
      // 403 user not active beats 403 insufficient credit.
      assertBody(await call('charge', A, { id: inactivePoor.uid, credit: 100 }), 403, NOT_ACTIVE);
      assertBody(await call('auth', A, { id: (await user({ verified: false })).uid }), 403, NOT_ACTIVE);
      // The rule last.
      assertBody(await call('charge', A, { id: poor.uid, credit: 100 }), 403, INSUFFICIENT);
      assertBody(await call('charge', A, { id: poor.uid, credit: 1 }), 200, OK);
      assert.deepEqual(await balances(inactivePoor), { credit: 100n, nc: 0n });
    });

    test('§4.2 charge, allowNC false: c >= x passes to exactly 0; c < x and a negative c are refused', async () => {
      const u = await user({ credit: '10', nc: '50' });
      assertBody(await call('charge', A, { id: u.uid, credit: '10.01' }), 403, INSUFFICIENT);
      assertBody(await call('charge', A, { id: u.uid, credit: 10, allowNC: false }), 200, OK);
      assert.deepEqual(await balances(u), { credit: 0n, nc: 5000n }, 'NC untouched without allowNC');
      assertBody(await call('forceCharge', A, { id: u.uid, credit: 1 }), 200, OK);
      assertBody(await call('charge', A, { id: u.uid, credit: 0.01 }), 403, INSUFFICIENT);
      assert.deepEqual(await balances(u), { credit: -100n, nc: 5000n });
    });

    test('§4.2 charge, allowNC true: NC first then credit; refused when x − min(n,x) > max(c,0); a negative c left as is', async () => {
      const u = await user({ credit: '3', nc: '5' });
      assertBody(await call('charge', A, { id: u.uid, credit: '8.01', allowNC: true }), 403, INSUFFICIENT);
      assertBody(await call('charge', A, { id: u.uid, credit: 8, allowNC: true }), 200, OK);
      assert.deepEqual(await balances(u), { credit: 0n, nc: 0n });

      const neg = await user({ credit: '1', nc: '5' });
      assertBody(await call('forceCharge', A, { id: neg.uid, credit: 3 }), 200, OK); // c = −2, n = 5
      assertBody(await call('charge', A, { id: neg.uid, credit: '5.01', allowNC: true }), 403, INSUFFICIENT);
      assertBody(await call('charge', A, { id: neg.uid, credit: 5, allowNC: true }), 200, OK);
      assert.deepEqual(await balances(neg), { credit: -200n, nc: 0n });
      assertBody(await call('charge', A, { id: neg.uid, credit: 0.01, allowNC: true }), 403, INSUFFICIENT);
    });

    test('§4.2 forceCharge: never refused for balance; without allowNC only credit moves; with it NC first and never below 0', async () => {
      const u = await user({ credit: '1', nc: '5' });
      assertBody(await call('forceCharge', A, { id: u.uid, credit: 3 }), 200, OK);
      assert.deepEqual(await balances(u), { credit: -200n, nc: 500n });
      assertBody(await call('forceCharge', A, { id: u.uid, credit: 10, allowNC: true }), 200, OK);
      assert.deepEqual(await balances(u), { credit: -700n, nc: 0n });
      assertBody(await call('forceCharge', A, { id: u.uid, credit: 1000000000000 }), 200, OK);
      assert.deepEqual(await balances(u), { credit: -700n - 100_000_000_000_000n, nc: 0n });
      assertBody(await call('detail', A, { id: u.uid }), 200, detailText(u, '-1000000000007', '0'));
      const kinds = await listTransfers(c.server.services.db, { kind: 'kamiya.force_charge', limit: 1000 });
      assert.ok(kinds.length >= 4);
    });

    test('§4.2 auth: refused when credit + NCCredit <= 0', async () => {
      const zero = await user();
      assertBody(await call('auth', A, { id: zero.uid }), 403, INSUFFICIENT);
      const ncOnly = await user({ nc: '0.01' });
      assertBody(await call('auth', A, { id: ncOnly.uid }), 200, OK);
      const mixed = await user({ credit: '1', nc: '5' });
      assertBody(await call('forceCharge', A, { id: mixed.uid, credit: 6 }), 200, OK); // c = −5, n = 5
      assertBody(await call('auth', A, { id: mixed.uid }), 403, INSUFFICIENT);
      await fund(mixed, '0', '0.01');
      assertBody(await call('auth', A, { id: mixed.uid }), 200, OK);
    });

    test('zero parts make no transfer; the billing.charged and billing.checkin events are in the outbox', async () => {
      const u = await user({ credit: '5', nc: '5' });
      const db = c.server.services.db;
      const assetId = await creditAssetId(db);
      const ncAccount = (await findAccount(db, { kind: 'user', id: String(u.uid) }, assetId, 'nc_credit'))!;
      const crAccount = (await findAccount(db, { kind: 'user', id: String(u.uid) }, assetId, 'credit'))!;
      assertBody(await call('charge', A, { id: u.uid, credit: 4, allowNC: true }), 200, OK);
      const crMoves = (await listTransfers(db, { accountId: crAccount.id, limit: 100 })).filter((t) => t.kind === 'kamiya.charge');
      const ncMoves = (await listTransfers(db, { accountId: ncAccount.id, limit: 100 })).filter((t) => t.kind === 'kamiya.charge');
      assert.equal(crMoves.length, 0, 'cr = 0 makes no transfer');
      assert.equal(ncMoves.length, 1);
      const events = await db.selectFrom('events_outbox').select(['type', 'payload', 'app_id']).where('type', '=', 'billing.charged').execute();
      const mine = events.map((e) => JSON.parse(e.payload) as Record<string, unknown>).find((p) => p.userId === u.uid);
      assert.deepEqual(mine, { allowNC: true, amount: '4', appId: A.appkey, cr: '0', fee: '0', forced: false, nc: '4', txids: [ncMoves[0]!.txid], userId: u.uid });
      assertBody(await call('openidCheckin', A, { id: u.uid }), 200, OK);
      const checkins = await db.selectFrom('events_outbox').select(['payload', 'app_id']).where('type', '=', 'billing.checkin').execute();
      const ev = checkins.map((e) => ({ app: Number(e.app_id), p: JSON.parse(e.payload) as Record<string, unknown> })).find((e) => e.p.userId === u.uid);
      assert.equal(ev?.app, A.app.id);
      assert.equal(ev?.p.reward, '10');
      assert.match(String(ev?.p.txid), /^[0-9a-f]{64}$/);
      // A refused charge writes no event.
      assertBody(await call('charge', A, { id: u.uid, credit: 100 }), 403, INSUFFICIENT);
      const after = await db.selectFrom('events_outbox').select('payload').where('type', '=', 'billing.charged').execute();
      assert.equal(after.filter((e) => (JSON.parse(e.payload) as { userId: number }).userId === u.uid).length, 1);
    });

    test('example 13: ten concurrent charges of 3 against 20 → six 200, four 403, credit 2', async () => {
      const u = await user({ credit: '20' });
      const rs = await Promise.all(Array.from({ length: 10 }, () => call('charge', A, { id: u.uid, credit: 3 })));
      assert.equal(rs.filter((r) => r.status === 200).length, 6);
      assert.equal(rs.filter((r) => r.status === 403 && r.text === INSUFFICIENT).length, 4);
      assert.deepEqual(await balances(u), { credit: 200n, nc: 0n });
    });

    test('200 parallel charges at a balance covering 135 of them: exactly 135 succeed, never below zero', async () => {
      const u = await user({ credit: '50', nc: '0.10' });
      const rs = await Promise.all(Array.from({ length: 200 }, (_, i) => call('charge', A, { id: u.uid, credit: 0.37, allowNC: i % 2 === 0 })));
      const ok = rs.filter((r) => r.status === 200).length;
      assert.equal(rs.filter((r) => r.status !== 200 && r.text !== INSUFFICIENT).length, 0, rs.find((r) => r.status !== 200 && r.text !== INSUFFICIENT)?.text);
      // 50.10 in total; each charge takes 0.37 (NC first when allowed): floor(5010 / 37) = 135.
      assert.equal(ok, 135);
      const b = await balances(u);
      assert.equal(b.credit + b.nc, 5010n - 135n * 37n);
      assert.ok(b.credit >= 0n && b.nc >= 0n);
    });

    test('50 parallel check-ins → exactly one reward', async () => {
      const u = await user({ apps: [A, B] });
      const rs = await Promise.all(Array.from({ length: 50 }, (_, i) => call('openidCheckin', i % 2 ? A : B, { id: u.uid })));
      assert.equal(rs.filter((r) => r.status === 200).length, 1);
      assert.equal(rs.filter((r) => r.text === ALREADY).length, 49);
      assert.deepEqual(await balances(u), { credit: 0n, nc: 1000n });
    });

    test('example 14: Idempotency-Key replays without charging twice; different input → 409; a 403 is stored too', async () => {
      const u = await user({ credit: '20' });
      const first = await call('charge', A, { id: u.uid, credit: 3 }, { 'idempotency-key': 'k1' });
      assertBody(first, 200, OK);
      const again = await call('charge', A, { id: u.uid, credit: 3 }, { 'idempotency-key': 'k1' });
      assertBody(again, 200, OK);
      assert.equal(again.headers.get('idempotent-replayed'), 'true');
      assert.deepEqual(await balances(u), { credit: 1700n, nc: 0n });
      assertBody(await call('charge', A, { id: u.uid, credit: 4 }, { 'idempotency-key': 'k1' }), 409, '{"status":409,"message":"Idempotency-Key reused"}');
      // Parallel repeats of one key: one charge.
      const rs = await Promise.all(Array.from({ length: 8 }, () => call('forceCharge', A, { id: u.uid, credit: 1 }, { 'idempotency-key': 'k-par' })));
      assert.ok(rs.every((r) => r.text === OK));
      assert.deepEqual(await balances(u), { credit: 1600n, nc: 0n });
      // A refusal is a final answer: replayed even after the balance would allow it.
      assertBody(await call('charge', A, { id: u.uid, credit: 100 }, { 'idempotency-key': 'k-403' }), 403, INSUFFICIENT);
      await fund(u, '100', '0');
      const replayed = await call('charge', A, { id: u.uid, credit: 100 }, { 'idempotency-key': 'k-403' });
      assertBody(replayed, 403, INSUFFICIENT);
      assert.equal(replayed.headers.get('idempotent-replayed'), 'true');
      // Keys are scoped per route: the same key on checkin is a fresh request.
      assertBody(await call('openidCheckin', A, { id: u.uid }, { 'idempotency-key': 'k1' }), 200, OK);
    });
  });

  describe(`kamiya billing with a platform fee [${kind}]`, () => {
    let c: IdentityCtx;
    let A: TestApp;
    before(async () => {
      const defaults = (await import('../../src/config.js')).defaultKamiyaSettings();
      c = await startIdentityServer(kind, { dialects: [kamiyaDialect], config: { kamiya: { ...defaults, platformFeeBps: 250, checkinReward: '0.5', maxCreditPerCall: '100' } } });
      A = await c.createApp('Fee App');
    });
    after(() => c.close());

    test('fee = floor(part × bps / 10000) of each part to kamiya.fees; the app gets the rest; max per call; reward setting', async () => {
      const u = await c.createUser('payer', { verified: true });
      await c.grant(A.app.id, u.id, 'kamiya', []);
      const s = c.server.services;
      await s.db.transaction().execute(async (trx) => {
        const assetId = await creditAssetId(trx);
        const pair = await ensureUserAccounts(trx, assetId, u.uid, c.clock);
        await issue(trx, { assetId, toAccountId: pair.credit.id, amount: 2000n, memo: 'test funding' }, c.clock);
        await issue(trx, { assetId, toAccountId: pair.nc.id, amount: 333n, memo: 'test funding' }, c.clock);
      });
      const call = (name: string, fields: Record<string, unknown>) =>
        http(c.server.baseUrl, 'POST', `/api/billing/${name}`, { body: { appId: A.appkey, secret: A.secret, ...fields } });
      assert.equal((await call('charge', { id: u.uid, credit: '100.01' })).text, BAD, 'above maxCreditPerCall');
      // 10.01 with NC first: nc 3.33 → fee floor(8.325) = 0.08, app 3.25; cr 6.68 → fee floor(16.7) = 0.16, app 6.52.
      assert.equal((await call('charge', { id: u.uid, credit: '10.01', allowNC: true })).text, OK);
      const assetId = await creditAssetId(s.db);
      const bal = async (owner: { kind: string; id: string }, sub: string) => (await findAccount(s.db, owner, assetId, sub))?.balance ?? 0n;
      assert.equal(await bal(appOwner(A.app.id), 'nc_credit'), 325n);
      assert.equal(await bal(appOwner(A.app.id), 'credit'), 652n);
      assert.equal(await bal(FEE_OWNER, 'nc_credit'), 8n);
      assert.equal(await bal(FEE_OWNER, 'credit'), 16n);
      // A part whose fee rounds to 0 makes no fee transfer: 0.03 × 2.5 % = 0.00075.
      const feeBefore = (await listTransfers(s.db, { kind: 'kamiya.charge', limit: 1000 })).length;
      assert.equal((await call('charge', { id: u.uid, credit: '0.03' })).text, OK);
      assert.equal((await listTransfers(s.db, { kind: 'kamiya.charge', limit: 1000 })).length, feeBefore + 1);
      assert.equal(await bal(FEE_OWNER, 'credit'), 16n);
      assert.equal((await call('openidCheckin', { id: u.uid })).text, OK);
      assert.equal(await bal({ kind: 'user', id: String(u.uid) }, 'nc_credit'), 50n);
    });
  });
}
