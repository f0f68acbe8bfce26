// Ownership and credentials on the Pi payment routes (spec/pi.md §2.1, §3.10, §3.13, §3.16): another app's key,
// another user's token, another user's wallet token, app naming, disabled parties; and the wallet-token minting
// route `POST /pi/wallet/token` (§3.17): session cookie, same origin, no CORS, idempotency. Both stores.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { setAppControls } from '../../src/core/identity/appControls.js';
import { upsertGrant } from '../../src/core/identity/grants.js';
import { createUserSession } from '../../src/core/identity/sessions.js';
import { issueAccessToken } from '../../src/core/identity/userTokens.js';
import { derivedPublicUrl } from '../../src/dialects/pi/publicBase.js';
import { SESSION_COOKIE } from '../../src/web/session.js';
import type { PiFixtureApp, PiUser } from '../payments/fixture.js';
import { STORES } from '../support/stores.js';
import { assertPiError, KITTEN_BODY, startPayCtx, type PayCtx } from './paymentsSupport.js';

const PUBLIC_ORIGIN = 'http://127.0.0.1:3000';

for (const kind of STORES) {
  describe(`pi payments: ownership and credentials [${kind}]`, () => {
    let c: PayCtx;
    let other: PiFixtureApp;
    let mallory: PiUser;

    before(async () => {
      c = await startPayCtx(kind);
      other = await c.createApp('Other Shop');
      mallory = await c.createUser('mallory', ['username', 'payments', 'wallet_address']);
      await c.fund(c.alice, '100');
      await c.fund(mallory, '100');
      await c.fund('app', '100');
    });
    after(() => c.close());

    test("another app's Key sees none of this app's payments: 404 on every payment route", async () => {
      const p = await c.createU2A(c.alice);
      const k = c.key(other.secret);
      assertPiError(await c.call('GET', `/v2/payments/${p.identifier}`, { auth: k }), 404, 'payment_not_found');
      assertPiError(await c.call('POST', `/v2/payments/${p.identifier}/approve`, { auth: k }), 404, 'payment_not_found');
      assertPiError(await c.call('POST', `/v2/payments/${p.identifier}/complete`, { auth: k, body: { txid: 'ab'.repeat(32) } }), 404, 'payment_not_found');
      assertPiError(await c.call('POST', `/v2/payments/${p.identifier}/cancel`, { auth: k }), 404, 'payment_not_found');
      assertPiError(await c.call('POST', `/v2/payments/${p.identifier}/transaction`, { auth: k }), 404, 'payment_not_found');
      assert.equal((await c.call('GET', '/v2/payments/incomplete_server_payments', { auth: k })).text, '{"incomplete_server_payments":[]}');
      // Nothing changed.
      assert.equal((await c.call('GET', `/v2/payments/${p.identifier}`, { auth: c.key() })).json.status.cancelled, false);
    });

    test("another user's access token or wallet token: 404 on get, cancel and pay", async () => {
      const p = await c.createU2A(c.alice);
      await c.approve(p.identifier);
      for (const auth of [`Bearer ${mallory.accessToken}`, `Bearer ${await c.walletToken(mallory)}`]) {
        assertPiError(await c.call('GET', `/v2/payments/${p.identifier}`, { auth }), 404, 'payment_not_found');
        assertPiError(await c.call('POST', `/v2/payments/${p.identifier}/cancel`, { auth }), 404, 'payment_not_found');
        assertPiError(await c.call('POST', `/v2/payments/${p.identifier}/transaction`, { auth }), 404, 'payment_not_found');
      }
      assert.equal(await c.balance(mallory), 1_000_000_000n, "mallory's wallet was not charged");
      assert.equal(await c.transfersOf(p.identifier), 0);
      // Mallory's own incomplete payment is hers alone.
      assert.equal((await c.call('GET', '/v2/payments/incomplete', { auth: `Bearer ${mallory.accessToken}` })).text, '{"exists":false,"payment":null}');
    });

    test("the same user's token for another app does not see this app's payments; the wallet token sees every app's", async () => {
      const p = await c.createU2A(c.alice);
      const s = c.server.services;
      const elsewhere = await s.db.transaction().execute(async (trx) => {
        const grant = await upsertGrant(trx, { appId: other.id, userId: c.alice.userId, kind: 'pi', scopes: ['username', 'payments'] }, c.clock);
        return issueAccessToken(trx, { grant, scopes: ['username', 'payments'], kind: 'pi', ttlSeconds: 3600 }, c.clock);
      });
      assertPiError(await c.call('GET', `/v2/payments/${p.identifier}`, { auth: `Bearer ${elsewhere.token}` }), 404, 'payment_not_found');
      const q = (await c.call('POST', '/v2/payments/user_to_app', { auth: `Bearer ${elsewhere.token}`, body: KITTEN_BODY })).json;
      assert.equal(q.to_address, other.address);
      const wallet = `Bearer ${await c.walletToken(c.alice)}`;
      assert.equal((await c.call('GET', `/v2/payments/${p.identifier}`, { auth: wallet })).status, 200);
      assert.equal((await c.call('GET', `/v2/payments/${q.identifier}`, { auth: wallet })).status, 200);
      // A wallet token names no app: an /apps/<appkey> prefix does not restrict it.
      assert.equal((await c.call('GET', `/apps/${other.appkey}/v2/payments/${p.identifier}`, { auth: wallet })).status, 200);
    });

    test('the payer is always the token\'s user: a `uid` in a U2A body is ignored', async () => {
      const r = await c.call('POST', '/v2/payments/user_to_app', {
        auth: `Bearer ${mallory.accessToken}`,
        body: `{"amount":1,"memo":"","metadata":{},"uid":"${c.alice.pairwiseUid}"}`,
      });
      assert.equal(r.status, 200, r.text);
      assert.equal(r.json.user_uid, mallory.pairwiseUid);
      assert.equal(r.json.from_address, mallory.address);
    });

    test('an app named by /apps/<appkey> or X-Plaza-App that is not the Key\'s app → 401', async () => {
      const p = await c.createU2A(c.alice);
      assertPiError(await c.call('GET', `/apps/${other.appkey}/v2/payments/${p.identifier}`, { auth: c.key() }), 401, 'unauthorized');
      assertPiError(await c.call('POST', `/v2/payments/${p.identifier}/approve`, { auth: c.key(), headers: { 'x-plaza-app': other.appkey } }), 401, 'unauthorized');
      assert.equal((await c.call('POST', `/apps/${c.app.appkey}/v2/payments/${p.identifier}/approve`, { auth: c.key() })).status, 200);
    });

    test('a banned app\'s Key and a disabled user\'s tokens → 401', async () => {
      const s = c.server.services;
      const shop = await c.createApp('Shaky Shop');
      await s.db.transaction().execute((trx) => setAppControls(trx, shop.id, { banned: true }, s));
      assertPiError(await c.call('GET', '/v2/payments/incomplete_server_payments', { auth: c.key(shop.secret) }), 401, 'unauthorized');
      const zed = await c.createUser('zed', ['username', 'payments']);
      const wallet = await c.walletToken(zed);
      await s.db.updateTable('end_users').set({ disabled: 1 }).where('id', '=', zed.userId).execute();
      assertPiError(await c.call('POST', '/v2/payments/user_to_app', { auth: `Bearer ${zed.accessToken}`, body: KITTEN_BODY }), 401, 'unauthorized');
      assertPiError(await c.call('GET', '/v2/payments/AAAAAAAAAAAAAAAAAAAAAAAAAAAA', { auth: `Bearer ${wallet}` }), 401, 'unauthorized');
    });

    test('/v2/me: wallet_address (the user\'s wallet) only with its scope', async () => {
      const r = await c.call('GET', '/v2/me', { auth: `Bearer ${c.bob.accessToken}` });
      assert.equal(r.status, 200, r.text);
      assert.equal(r.json.wallet_address, c.bob.address);
      assert.deepEqual(Object.keys(r.json), ['uid', 'credentials', 'username', 'wallet_address']);
      const a = await c.call('GET', '/v2/me', { auth: `Bearer ${c.alice.accessToken}` });
      assert.equal(a.json.wallet_address, undefined);
    });
  });

  describe(`pi POST /pi/wallet/token [${kind}]`, () => {
    let c: PayCtx;
    let cookie: string;
    const mint = (headers: Record<string, string>) => c.call('POST', '/pi/wallet/token', { headers });

    before(async () => {
      c = await startPayCtx(kind);
      await c.fund(c.alice, '10');
      const { token } = await createUserSession(c.server.services.db, c.alice.userId, c.clock);
      cookie = `${SESSION_COOKIE}=${token}`;
    });
    after(() => c.close());

    test('session + same origin → {wallet_token, expires_in}, no CORS, not cached; the token pays', async () => {
      const r = await mint({ cookie, origin: PUBLIC_ORIGIN });
      assert.equal(r.status, 200, r.text);
      assert.deepEqual(Object.keys(r.json), ['wallet_token', 'expires_in']);
      assert.match(r.json.wallet_token, /^[A-Za-z0-9_-]{43}$/);
      assert.equal(r.json.expires_in, 600);
      assert.equal(r.headers.get('access-control-allow-origin'), null);
      assert.equal(r.headers.get('cache-control'), 'no-store');
      const p = await c.createU2A(c.alice);
      await c.approve(p.identifier);
      const paid = await c.call('POST', `/v2/payments/${p.identifier}/transaction`, { auth: `Bearer ${r.json.wallet_token}` });
      assert.equal(paid.status, 200, paid.text);
      assert.equal(await c.balance(c.alice), 100_000_000n - 31_400_000n);
      await c.call('POST', `/v2/payments/${p.identifier}/complete`, { auth: c.key(), body: { txid: paid.json.transaction.txid } });
      // Under the /apps/<appkey> mount too.
      assert.equal((await c.call('POST', `/apps/${c.app.appkey}/pi/wallet/token`, { headers: { cookie, origin: PUBLIC_ORIGIN } })).status, 200);
    });

    test('no session → 401; another origin, no origin, "null" → 403; an access token is not a session', async () => {
      assertPiError(await mint({ origin: PUBLIC_ORIGIN }), 401, 'unauthorized');
      assertPiError(await mint({ origin: PUBLIC_ORIGIN, authorization: `Bearer ${c.alice.accessToken}` }), 401, 'unauthorized');
      assertPiError(await mint({ origin: PUBLIC_ORIGIN, cookie: `${SESSION_COOKIE}=nonsense` }), 401, 'unauthorized');
      for (const origin of ['https://kittens.example', 'null', 'http://127.0.0.1:3001', 'https://127.0.0.1:3000']) {
        assertPiError(await mint({ cookie, origin }), 403, 'forbidden');
      }
      assertPiError(await mint({ cookie }), 403, 'forbidden');
      // The session check comes first.
      assertPiError(await mint({ origin: 'https://kittens.example' }), 401, 'unauthorized');
    });

    test('with the public URL unset, Plaza\'s origin is the one the request came to', async () => {
      const config = c.server.services.config;
      const configured = config.publicUrl;
      config.publicUrl = derivedPublicUrl(config);
      try {
        assert.equal((await mint({ cookie, origin: c.server.baseUrl })).status, 200);
        assertPiError(await mint({ cookie, origin: PUBLIC_ORIGIN }), 403, 'forbidden');
      } finally {
        config.publicUrl = configured;
      }
    });

    test('Idempotency-Key: a repeat replays the same token; malformed → 400', async () => {
      const h = { cookie, origin: PUBLIC_ORIGIN, 'idempotency-key': 'mint-1' };
      const a = await mint(h);
      const b = await mint(h);
      assert.equal(b.headers.get('idempotent-replayed'), 'true');
      assert.equal(b.json.wallet_token, a.json.wallet_token);
      assert.notEqual((await mint({ cookie, origin: PUBLIC_ORIGIN })).json.wallet_token, a.json.wallet_token);
      assertPiError(await mint({ ...h, 'idempotency-key': 'x'.repeat(256) }), 400, 'invalid_arguments');
    });

    test('the token expires after expires_in seconds', async () => {
      const { wallet_token: token } = (await mint({ cookie, origin: PUBLIC_ORIGIN })).json;
      const p = await c.createU2A(c.alice);
      assert.equal((await c.call('GET', `/v2/payments/${p.identifier}`, { auth: `Bearer ${token}` })).status, 200);
      c.clock.advance(600_000);
      assertPiError(await c.call('GET', `/v2/payments/${p.identifier}`, { auth: `Bearer ${token}` }), 401, 'unauthorized');
    });
  });
}
