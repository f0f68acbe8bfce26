// Every error of the Pi catalogue (spec/pi.md §3.2) each payment route can produce, the order of checks (§3.3 and the
// endpoint sections), body validation (§3.8, §5.6), empty and ignored bodies (§3.1), Idempotency-Key (§3.4),
// unknown routes and methods, and CORS (§2.3), on both stores.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { request as httpRequest } from 'node:http';
import { setAppControls } from '../../src/core/identity/appControls.js';
import { staticControls } from '../../src/http/controls.js';
import { createRateLimiter } from '../../src/http/rateLimit.js';
import { STORES } from '../support/stores.js';
import { assertPiError, KITTEN_BODY, startPayCtx, type PayCtx } from './paymentsSupport.js';

const UNKNOWN_ID = 'AAAAAAAAAAAAAAAAAAAAAAAAAAAA';

/** A GET with a body (fetch refuses to send one). */
function getWithBody(baseUrl: string, path: string, auth: string, body: string): Promise<{ status: number; json: any }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${baseUrl}${path}`, { method: 'GET', headers: { authorization: auth, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, json: JSON.parse(Buffer.concat(chunks).toString('utf8')) }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

for (const kind of STORES) {
  describe(`pi payments: errors and check order [${kind}]`, () => {
    let c: PayCtx;
    const u2a = (body: string, token = c.alice.accessToken, headers: Record<string, string> = {}) =>
      c.call('POST', '/v2/payments/user_to_app', { auth: `Bearer ${token}`, body, headers });
    const a2u = (payment: string, headers: Record<string, string> = {}) => c.call('POST', '/v2/payments', { auth: c.key(), body: `{"payment":${payment}}`, headers });

    before(async () => {
      c = await startPayCtx(kind);
      await c.fund(c.alice, '1000');
      await c.fund('app', '1000');
    });
    after(() => c.close());

    test('401 on every payment route: no header, unknown credential, a scheme the route does not take — before any 400', async () => {
      const routes: Array<[string, string, string[]]> = [
        ['POST', '/v2/payments', ['bearer']],
        ['GET', '/v2/payments/incomplete_server_payments', ['bearer']],
        ['GET', `/v2/payments/${UNKNOWN_ID}`, ['basic']],
        ['POST', `/v2/payments/${UNKNOWN_ID}/approve`, ['bearer']],
        ['POST', `/v2/payments/${UNKNOWN_ID}/complete`, ['bearer']],
        ['POST', `/v2/payments/${UNKNOWN_ID}/cancel`, ['basic']],
        ['POST', '/v2/payments/user_to_app', ['key']],
        ['GET', '/v2/payments/incomplete', ['key']],
        ['POST', `/v2/payments/${UNKNOWN_ID}/transaction`, ['basic']],
      ];
      for (const [method, path, wrong] of routes) {
        const body = method === 'POST' ? '{"amount":"bad"' : undefined;
        assertPiError(await c.call(method, path, { auth: null, ...(body ? { body } : {}) }), 401, 'unauthorized');
        assertPiError(await c.call(method, path, { auth: 'Key 00000000000000000000000000000000', ...(body ? { body } : {}) }), 401, 'unauthorized');
        assertPiError(await c.call(method, path, { auth: `Bearer ${'A'.repeat(43)}`, ...(body ? { body } : {}) }), 401, 'unauthorized');
        for (const scheme of wrong) {
          const auth = scheme === 'key' ? c.key() : scheme === 'bearer' ? `Bearer ${c.alice.accessToken}` : 'Basic YWxhZGRpbjpvcGVuc2VzYW1l';
          const r = await c.call(method, path, { auth, ...(body ? { body } : {}) });
          assertPiError(r, 401, 'unauthorized');
          assert.match(r.json.error_message, /expects/, `${method} ${path} with ${scheme}`);
        }
      }
    });

    test('a wallet token is refused (401) everywhere but GET payment, cancel and the transaction route', async () => {
      const wallet = `Bearer ${await c.walletToken(c.alice)}`;
      for (const [method, path, body] of [
        ['GET', '/v2/me', undefined],
        ['POST', '/v2/payments/user_to_app', KITTEN_BODY],
        ['GET', '/v2/payments/incomplete', undefined],
        ['POST', '/v2/payments', '{}'],
        ['GET', '/v2/payments/incomplete_server_payments', undefined],
        ['POST', `/v2/payments/${UNKNOWN_ID}/approve`, undefined],
        ['POST', `/v2/payments/${UNKNOWN_ID}/complete`, '{"txid":"ab"}'],
      ] as const) {
        assertPiError(await c.call(method, path, { auth: wallet, ...(body ? { body } : {}) }), 401, 'unauthorized');
      }
      for (const [method, path] of [
        ['GET', `/v2/payments/${UNKNOWN_ID}`],
        ['POST', `/v2/payments/${UNKNOWN_ID}/cancel`],
        ['POST', `/v2/payments/${UNKNOWN_ID}/transaction`],
      ] as const) {
        assertPiError(await c.call(method, path, { auth: wallet }), 404, 'payment_not_found');
      }
      // An expired wallet token is unknown.
      const expiring = `Bearer ${await c.walletToken(c.alice)}`;
      c.clock.advance(c.server.services.config.pi.walletTokenTtlSeconds * 1000);
      try {
        assertPiError(await c.call('GET', `/v2/payments/${UNKNOWN_ID}`, { auth: expiring }), 401, 'unauthorized');
      } finally {
        c.clock.advance(-c.server.services.config.pi.walletTokenTtlSeconds * 1000);
      }
    });

    test('user_to_app: missing_scope (403) after 401 and before any body check', async () => {
      const carol = await c.createUser('carol', ['username']);
      assertPiError(await u2a('not json', carol.accessToken), 403, 'missing_scope');
      assertPiError(await c.call('POST', '/v2/payments/user_to_app', { auth: null, body: 'not json' }), 401, 'unauthorized');
    });

    test('body: not JSON, not an object, another content type → invalid_arguments; charset parameter accepted', async () => {
      assertPiError(await u2a('{"amount":'), 400, 'invalid_arguments');
      assertPiError(await u2a('[1,2]'), 400, 'invalid_arguments');
      assertPiError(await u2a('"text"'), 400, 'invalid_arguments');
      assertPiError(await u2a('{"amount":1,"amount":2,"memo":"","metadata":{}}'), 400, 'invalid_arguments');
      assertPiError(await u2a(KITTEN_BODY, c.alice.accessToken, { 'content-type': 'text/plain' }), 400, 'invalid_arguments');
      const ok = await u2a(KITTEN_BODY, c.alice.accessToken, { 'content-type': 'application/json; charset=UTF-8' });
      assert.equal(ok.status, 200, ok.text);
    });

    test('amount: every invalid form → invalid_amount (checked before memo, metadata)', async () => {
      for (const amount of ['0', '-1', '-0.5', '0.00000001', '1e-8', '100000000', '99999999.99999991', '1e400', '"abc"', '""', '" 1"', '"1,5"', 'true', 'null', '[1]', '{}', '"0x10"']) {
        assertPiError(await u2a(`{"amount":${amount},"memo":5,"metadata":[]}`), 400, 'invalid_amount');
      }
      assertPiError(await u2a('{"memo":"x","metadata":{}}'), 400, 'invalid_amount');
    });

    test('memo: missing, not a string, over 1000 code points, NUL → invalid_arguments (before metadata)', async () => {
      for (const memo of [undefined, '5', 'null', '["x"]', JSON.stringify('x'.repeat(1001)), '"a\\u0000b"', '"\\ud800"']) {
        const body = memo === undefined ? '{"amount":1,"metadata":7}' : `{"amount":1,"memo":${memo},"metadata":7}`;
        assertPiError(await u2a(body), 400, 'invalid_arguments');
      }
      assert.equal((await u2a(`{"amount":1,"memo":${JSON.stringify('x'.repeat(1000))},"metadata":{}}`)).status, 200);
    });

    test('metadata: missing, not an object, over 8192 bytes → invalid_metadata; exactly 8192 accepted', async () => {
      for (const metadata of [undefined, '[1]', 'null', '"{}"', '5', 'true']) {
        const body = metadata === undefined ? '{"amount":1,"memo":""}' : `{"amount":1,"memo":"","metadata":${metadata}}`;
        assertPiError(await u2a(body), 400, 'invalid_metadata');
      }
      const sized = (bytes: number) => `{"k":"${'é'.repeat((bytes - 8) / 2)}"}`;
      assert.equal(Buffer.byteLength(sized(8192)), 8192);
      assert.equal((await u2a(`{"amount":1,"memo":"","metadata":${sized(8192)}}`)).status, 200);
      assertPiError(await u2a(`{"amount":1,"memo":"","metadata":${sized(8194)}}`), 400, 'invalid_metadata');
      // Whitespace in the request does not count: the metadata is measured as stored (minified).
      const padded = sized(8192).replace(':', ' :   ');
      assert.equal((await u2a(`{"amount":1,"memo":"","metadata":${padded}}`)).status, 200);
    });

    test('A2U body: wrapper, then amount, memo, metadata, uid, in that order', async () => {
      assertPiError(await c.call('POST', '/v2/payments', { auth: c.key(), body: '{"payment":[]}' }), 400, 'invalid_arguments');
      assertPiError(await c.call('POST', '/v2/payments', { auth: c.key(), body: '' }), 400, 'invalid_arguments');
      assertPiError(await a2u('{"amount":0,"memo":1,"metadata":1}'), 400, 'invalid_amount');
      assertPiError(await a2u('{"amount":1,"memo":1,"metadata":1}'), 400, 'invalid_arguments');
      assertPiError(await a2u('{"amount":1,"memo":"m","metadata":1}'), 400, 'invalid_metadata');
      assertPiError(await a2u('{"amount":1,"memo":"m","metadata":{}}'), 400, 'invalid_arguments');
      assertPiError(await a2u('{"amount":1,"memo":"m","metadata":{},"uid":7}'), 400, 'invalid_arguments');
      assertPiError(await a2u('{"amount":1,"memo":"m","metadata":{},"uid":""}'), 400, 'invalid_arguments');
    });

    test('A2U checks: feature_not_available before user_not_found; user_not_found for a revoked grant or a disabled user', async () => {
      const s = c.server.services;
      await s.db.transaction().execute((trx) => setAppControls(trx, c.app.id, { settings: { pi: { a2uEnabled: false } } }, s));
      assertPiError(await a2u('{"amount":1,"memo":"m","metadata":{},"uid":"nobody"}'), 403, 'feature_not_available');
      assertPiError(await a2u(`{"amount":1,"memo":"m","metadata":{},"uid":"${c.bob.pairwiseUid}"}`), 403, 'feature_not_available');
      await s.db.transaction().execute((trx) => setAppControls(trx, c.app.id, { settings: { pi: { a2uEnabled: true } } }, s));
      assertPiError(await a2u('{"amount":1,"memo":"m","metadata":{},"uid":"nobody"}'), 404, 'user_not_found');
      // Bob's uid for another app is not a user of this app.
      const other = await c.createApp('Other');
      const dora = await c.createUser('dora', ['wallet_address'], other);
      assertPiError(await a2u(`{"amount":1,"memo":"m","metadata":{},"uid":"${dora.pairwiseUid}"}`), 404, 'user_not_found');
      const erin = await c.createUser('erin', ['wallet_address']);
      await s.db.updateTable('end_users').set({ disabled: 1 }).where('id', '=', erin.userId).execute();
      assertPiError(await a2u(`{"amount":1,"memo":"m","metadata":{},"uid":"${erin.pairwiseUid}"}`), 404, 'user_not_found');
      const finn = await c.createUser('finn', ['wallet_address']);
      await s.db.updateTable('app_grants').set({ revoked_at: c.clock.now() }).where('user_id', '=', finn.userId).execute();
      assertPiError(await a2u(`{"amount":1,"memo":"m","metadata":{},"uid":"${finn.pairwiseUid}"}`), 404, 'user_not_found');
    });

    test('approve: 404 unknown / malformed id; cancelled → 409 cancelled_payment with payment', async () => {
      assertPiError(await c.approve(UNKNOWN_ID), 404, 'payment_not_found');
      for (const bad of ['abc', `${UNKNOWN_ID}A`, 'AAAAAAAAAAAAAAAAAAAAAAAAAAA-', '%20']) {
        assertPiError(await c.approve(bad), 404, 'payment_not_found');
      }
      const p = await c.createU2A(c.alice);
      await c.call('POST', `/v2/payments/${p.identifier}/cancel`, { auth: c.key() });
      const r = await c.approve(p.identifier);
      assertPiError(r, 409, 'cancelled_payment', ['payment']);
      assert.equal(r.json.payment.status.cancelled, true);
    });

    test('complete: missing_txid (before 404), verification_failed with tx_not_found / tx_memo_payment_identifier_mismatch, cancelled', async () => {
      for (const body of ['{}', '{"txid":5}', '{"txid":""}', '{"txid":"   "}', '{"txid":null}', '']) {
        assertPiError(await c.call('POST', '/v2/payments/nope/complete', { auth: c.key(), body, headers: { 'content-type': 'application/json' } }), 400, 'missing_txid');
      }
      const p = await c.createU2A(c.alice);
      const notFound = await c.call('POST', `/v2/payments/${p.identifier}/complete`, { auth: c.key(), body: { txid: 'ab'.repeat(32) } });
      assertPiError(notFound, 400, 'verification_failed', ['verification_error']);
      assert.equal(notFound.json.verification_error, 'tx_not_found');
      // A real transfer of another payment.
      const q = await c.createA2U(c.bob.pairwiseUid);
      const paid = await c.call('POST', `/v2/payments/${q.identifier}/transaction`, { auth: c.key() });
      await c.approve(p.identifier);
      const mismatch = await c.call('POST', `/v2/payments/${p.identifier}/complete`, { auth: c.key(), body: { txid: paid.json.transaction.txid } });
      assertPiError(mismatch, 400, 'verification_failed', ['verification_error']);
      assert.equal(mismatch.json.verification_error, 'tx_memo_payment_identifier_mismatch');
      await c.call('POST', `/v2/payments/${q.identifier}/complete`, { auth: c.key(), body: { txid: paid.json.transaction.txid } });
      await c.call('POST', `/v2/payments/${p.identifier}/cancel`, { auth: c.key() });
      assertPiError(await c.call('POST', `/v2/payments/${p.identifier}/complete`, { auth: c.key(), body: { txid: 'ab'.repeat(32) } }), 409, 'cancelled_payment', ['payment']);
      // Completed with another txid → already_completed.
      const done = await c.call('POST', `/v2/payments/${q.identifier}/complete`, { auth: c.key(), body: { txid: 'cd'.repeat(32) } });
      assertPiError(done, 409, 'already_completed', ['payment']);
    });

    test('cancel: payment_tx_present, cancelled_payment; a user credential on an A2U payment → 403 before 409', async () => {
      const p = await c.createU2A(c.alice);
      await c.approve(p.identifier);
      await c.payAs(c.alice, p.identifier);
      const present = await c.call('POST', `/v2/payments/${p.identifier}/cancel`, { auth: `Bearer ${c.alice.accessToken}` });
      assertPiError(present, 409, 'payment_tx_present', ['payment']);
      await c.call('POST', `/v2/payments/${p.identifier}/complete`, { auth: c.key(), body: { txid: present.json.payment.transaction.txid } });

      const q = await c.createU2A(c.alice);
      assert.equal((await c.call('POST', `/v2/payments/${q.identifier}/cancel`, { auth: `Bearer ${c.alice.accessToken}` })).status, 200);
      assertPiError(await c.call('POST', `/v2/payments/${q.identifier}/cancel`, { auth: c.key() }), 409, 'cancelled_payment', ['payment']);

      const r = await c.createA2U(c.bob.pairwiseUid);
      for (const auth of [`Bearer ${c.bob.accessToken}`, `Bearer ${await c.walletToken(c.bob)}`]) {
        const refused = await c.call('POST', `/v2/payments/${r.identifier}/cancel`, { auth });
        assertPiError(refused, 403, 'forbidden', ['payment']);
        assert.equal(refused.json.payment.identifier, r.identifier);
      }
      assert.equal((await c.call('POST', `/v2/payments/${r.identifier}/cancel`, { auth: c.key() })).status, 200);
      // Cancelled now, still 403 for the user: permission is checked before state.
      assertPiError(await c.call('POST', `/v2/payments/${r.identifier}/cancel`, { auth: `Bearer ${c.bob.accessToken}` }), 403, 'forbidden', ['payment']);
    });

    test('transaction: 404 → 403 (not the payer) → 409 cancelled / payment_not_approved / insufficient_funds', async () => {
      const p = await c.createU2A(c.alice);
      // Not the payer: the app's Key and the user's access token (which the app holds).
      for (const auth of [c.key(), `Bearer ${c.alice.accessToken}`]) {
        const r = await c.call('POST', `/v2/payments/${p.identifier}/transaction`, { auth });
        assertPiError(r, 403, 'forbidden', ['payment']);
      }
      // Another user's wallet token, another app's key: the payment is not even visible.
      assertPiError(await c.call('POST', `/v2/payments/${p.identifier}/transaction`, { auth: `Bearer ${await c.walletToken(c.bob)}` }), 404, 'payment_not_found');
      const other = await c.createApp('Elsewhere');
      assertPiError(await c.call('POST', `/v2/payments/${p.identifier}/transaction`, { auth: c.key(other.secret) }), 404, 'payment_not_found');
      const notApproved = await c.payAs(c.alice, p.identifier);
      assertPiError(notApproved, 409, 'payment_not_approved', ['payment']);
      await c.call('POST', `/v2/payments/${p.identifier}/cancel`, { auth: c.key() });
      assertPiError(await c.payAs(c.alice, p.identifier), 409, 'cancelled_payment', ['payment']);
      // Forbidden comes before the state: the Key on the cancelled U2A payment is still 403.
      assertPiError(await c.call('POST', `/v2/payments/${p.identifier}/transaction`, { auth: c.key() }), 403, 'forbidden', ['payment']);

      const poor = await c.createUser('poor', ['username', 'payments']);
      await c.fund(poor, '3.1399999');
      const q = await c.createU2A(poor);
      await c.approve(q.identifier);
      const short = await c.payAs(poor, q.identifier);
      assertPiError(short, 409, 'insufficient_funds', ['payment']);
      assert.equal(short.json.payment.status.transaction_verified, false);
      assert.equal(await c.balance(poor), 31_399_999n);
      // A recipient's wallet token on an A2U payment sees it but does not pay it.
      const r = await c.createA2U(c.bob.pairwiseUid);
      assertPiError(await c.payAs(c.bob, r.identifier), 403, 'forbidden', ['payment']);
      await c.call('POST', `/v2/payments/${r.identifier}/cancel`, { auth: c.key() });
    });

    test('A2U transaction with an underfunded app wallet → insufficient_funds; an expired A2U → cancelled_payment', async () => {
      const shop = await c.createApp('Poor Shop');
      const gus = await c.createUser('gus', ['wallet_address'], shop);
      const p = (await c.call('POST', '/v2/payments', { auth: c.key(shop.secret), body: `{"payment":{"amount":1,"memo":"m","metadata":{},"uid":"${gus.pairwiseUid}"}}` })).json;
      assertPiError(await c.call('POST', `/v2/payments/${p.identifier}/transaction`, { auth: c.key(shop.secret) }), 409, 'insufficient_funds', ['payment']);
      c.clock.advance(600_000);
      const expired = await c.call('GET', `/v2/payments/${p.identifier}`, { auth: c.key(shop.secret) });
      assert.equal(expired.json.status.cancelled, true);
      assertPiError(await c.call('POST', `/v2/payments/${p.identifier}/transaction`, { auth: c.key(shop.secret) }), 409, 'cancelled_payment', ['payment']);
      assert.equal((await c.call('GET', '/v2/payments/incomplete_server_payments', { auth: c.key(shop.secret) })).text, '{"incomplete_server_payments":[]}');
    });

    test('an approved U2A payment expires 600 s after approval (T8): the transaction route then answers cancelled_payment', async () => {
      const p = await c.createU2A(c.alice);
      c.clock.advance(30_000);
      await c.approve(p.identifier);
      c.clock.advance(599_999);
      const wallet = await c.walletToken(c.alice);
      assert.equal((await c.call('GET', `/v2/payments/${p.identifier}`, { auth: `Bearer ${wallet}` })).json.status.cancelled, false);
      c.clock.advance(1);
      const r = await c.call('POST', `/v2/payments/${p.identifier}/transaction`, { auth: `Bearer ${wallet}` });
      assertPiError(r, 409, 'cancelled_payment', ['payment']);
      assert.equal(r.json.payment.status.developer_approved, true);
    });

    test('Idempotency-Key: replay with Idempotent-Replayed, conflict → 409, malformed → 400 after the body checks', async () => {
      const headers = { 'idempotency-key': 'order-1234' };
      const first = await u2a(KITTEN_BODY, c.alice.accessToken, headers);
      assert.equal(first.status, 200, first.text);
      assert.equal(first.headers.get('idempotent-replayed'), null);
      const replay = await u2a(KITTEN_BODY.replace('{', '{ '), c.alice.accessToken, headers);
      assert.equal(replay.status, 200);
      assert.equal(replay.text, first.text);
      assert.equal(replay.headers.get('idempotent-replayed'), 'true');
      assert.equal((await c.events(first.json.identifier, 'payment.created')).length, 1, 'not executed twice');
      assertPiError(await u2a(KITTEN_BODY.replace('3.14', '3.15'), c.alice.accessToken, headers), 409, 'idempotency_key_reused');
      // The same key from another caller is another key.
      const bobFirst = await u2a(KITTEN_BODY, c.bob.accessToken, headers);
      assert.equal(bobFirst.status, 200);
      assert.notEqual(bobFirst.json.identifier, first.json.identifier);
      for (const bad of ['x'.repeat(256), 'tab\there']) {
        assertPiError(await u2a(KITTEN_BODY, c.alice.accessToken, { 'idempotency-key': bad }), 400, 'invalid_arguments');
      }
      // Field validation comes first, and its answer is not stored under the key.
      const invalid = await u2a('{"amount":0,"memo":"","metadata":{}}', c.alice.accessToken, { 'idempotency-key': 'x'.repeat(256) });
      assertPiError(invalid, 400, 'invalid_amount');
      assertPiError(await u2a('{"amount":0,"memo":"","metadata":{}}', c.alice.accessToken, { 'idempotency-key': 'later-fine' }), 400, 'invalid_amount');
      const fresh = await u2a(KITTEN_BODY, c.alice.accessToken, { 'idempotency-key': 'later-fine' });
      assert.equal(fresh.status, 200, 'the earlier 400 was not stored');
      assert.equal(fresh.headers.get('idempotent-replayed'), null);
    });

    test('Idempotency-Key on ignored bodies (approve, cancel): any body fingerprints as {}; a stored refusal replays', async () => {
      const p = await c.createU2A(c.alice);
      const h = { 'idempotency-key': 'approve-1' };
      const a = await c.call('POST', `/v2/payments/${p.identifier}/approve`, { auth: c.key(), headers: h, body: '{"x":1}' });
      const b = await c.call('POST', `/v2/payments/${p.identifier}/approve`, { auth: c.key(), headers: h, body: 'anything' });
      assert.equal(a.status, 200);
      assert.equal(b.headers.get('idempotent-replayed'), 'true');
      assert.equal(b.text, a.text);
      await c.call('POST', `/v2/payments/${p.identifier}/cancel`, { auth: c.key() });
      const refused = await c.call('POST', `/v2/payments/${p.identifier}/approve`, { auth: c.key(), headers: { 'idempotency-key': 'approve-2' } });
      assertPiError(refused, 409, 'cancelled_payment', ['payment']);
      const replayed = await c.call('POST', `/v2/payments/${p.identifier}/approve`, { auth: c.key(), headers: { 'idempotency-key': 'approve-2' } });
      assert.equal(replayed.headers.get('idempotent-replayed'), 'true');
      assert.equal(replayed.text, refused.text);
    });

    test('413 for a body over 64 KiB, before authentication', async () => {
      const big = `{"amount":1,"memo":"","metadata":{"k":"${'x'.repeat(65 * 1024)}"}}`;
      assertPiError(await c.call('POST', '/v2/payments/user_to_app', { auth: null, body: big }), 413, 'payload_too_large');
      assertPiError(await c.call('POST', `/v2/payments/${UNKNOWN_ID}/approve`, { auth: c.key(), body: big }), 413, 'payload_too_large');
    });

    test('routes and methods: 405 with Allow, GET /v2/payments/user_to_app is the get route, unknown /v2 → not_found', async () => {
      const post = await c.call('GET', '/v2/payments', { auth: c.key() });
      assertPiError(post, 405, 'method_not_allowed');
      assert.equal(post.headers.get('allow'), 'POST, OPTIONS');
      const get = await c.call('POST', '/v2/payments/incomplete', { auth: c.key(), body: '{}' });
      assertPiError(get, 405, 'method_not_allowed');
      assert.equal(get.headers.get('allow'), 'GET, HEAD, OPTIONS');
      assertPiError(await c.call('POST', `/v2/payments/${UNKNOWN_ID}`, { auth: c.key(), body: '{}' }), 405, 'method_not_allowed');
      assertPiError(await c.call('GET', `/v2/payments/${UNKNOWN_ID}/approve`, { auth: c.key() }), 405, 'method_not_allowed');
      assertPiError(await c.call('GET', '/v2/payments/user_to_app', { auth: c.key() }), 404, 'payment_not_found');
      assertPiError(await c.call('GET', '/v2/payments/user_to_app', { auth: null }), 401, 'unauthorized');
      assertPiError(await c.call('POST', '/v2/in_app_notifications/notify', { auth: c.key(), body: '{}' }), 404, 'not_found');
      assertPiError(await c.call('GET', '/v2/ads_network/status/abc', { auth: c.key() }), 404, 'not_found');
      assertPiError(await c.call('POST', `/v2/payments/${UNKNOWN_ID}/refund`, { auth: c.key(), body: '{}' }), 404, 'not_found');
    });

    test('GET bodies: empty or {} accepted, anything else that is not a JSON object → invalid_arguments', async () => {
      const p = await c.createU2A(c.alice);
      assert.equal((await getWithBody(c.server.baseUrl, `/v2/payments/${p.identifier}`, c.key(), '')).status, 200);
      assert.equal((await getWithBody(c.server.baseUrl, `/v2/payments/${p.identifier}`, c.key(), '{"ignored":true}')).status, 200);
      const bad = await getWithBody(c.server.baseUrl, `/v2/payments/${p.identifier}`, c.key(), 'nope');
      assert.equal(bad.status, 400);
      assert.equal(bad.json.error, 'invalid_arguments');
      // Unknown fields and query strings are ignored.
      assert.equal((await c.call('GET', `/v2/payments/${p.identifier}?foo=bar`, { auth: c.key() })).status, 200);
    });

    test('per-app rate limit → 429 with Retry-After after authentication; a wallet token counts per user; never stored', async () => {
      const s = c.server.services;
      const saved = { controls: s.controls, limiter: s.limiter };
      s.controls = staticControls({ ...s.config.operator, perIpPerMinute: 0, perKeyPerMinute: 2 });
      s.limiter = createRateLimiter(s.clock);
      try {
        const list = () => c.call('GET', '/v2/payments/incomplete_server_payments', { auth: c.key() });
        assert.equal((await list()).status, 200);
        assert.equal((await list()).status, 200);
        const limited = await c.call('POST', `/v2/payments/${UNKNOWN_ID}/approve`, { auth: c.key(), headers: { 'idempotency-key': 'limited' } });
        assertPiError(limited, 429, 'too_many_requests');
        assert.ok(Number(limited.headers.get('retry-after')) >= 1);
        // Unauthenticated requests are refused before the per-app limit.
        assertPiError(await c.call('GET', '/v2/payments/incomplete_server_payments', { auth: null }), 401, 'unauthorized');
        const wallet = `Bearer ${await c.walletToken(c.alice)}`;
        for (let i = 0; i < 2; i++) assertPiError(await c.call('GET', `/v2/payments/${UNKNOWN_ID}`, { auth: wallet }), 404, 'payment_not_found');
        assertPiError(await c.call('GET', `/v2/payments/${UNKNOWN_ID}`, { auth: wallet }), 429, 'too_many_requests');
        assertPiError(await c.call('GET', `/v2/payments/${UNKNOWN_ID}`, { auth: `Bearer ${await c.walletToken(c.bob)}` }), 404, 'payment_not_found');
      } finally {
        s.controls = saved.controls;
        s.limiter = saved.limiter;
      }
      const fresh = await c.call('POST', `/v2/payments/${UNKNOWN_ID}/approve`, { auth: c.key(), headers: { 'idempotency-key': 'limited' } });
      assertPiError(fresh, 404, 'payment_not_found');
      assert.equal(fresh.headers.get('idempotent-replayed'), null);
    });

    test('CORS: preflights on payment paths; errors and successes carry Access-Control-Allow-Origin', async () => {
      for (const path of ['/v2/payments', `/v2/payments/${UNKNOWN_ID}/transaction`, `/apps/${c.app.appkey}/v2/payments/user_to_app`]) {
        const r = await c.call('OPTIONS', path, { headers: { origin: 'https://kittens.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,idempotency-key' } });
        assert.equal(r.status, 204, path);
        assert.equal(r.headers.get('access-control-allow-origin'), '*');
        assert.equal(r.headers.get('access-control-allow-headers'), 'Authorization, Content-Type, Idempotency-Key, X-Plaza-App');
        assert.equal(r.headers.get('access-control-allow-credentials'), null);
      }
      for (const r of [await c.approve(UNKNOWN_ID), await c.call('GET', '/v2/payments/incomplete_server_payments', { auth: c.key() })]) {
        assert.equal(r.headers.get('access-control-allow-origin'), '*');
      }
    });
  });
}
