// The SDK's KamiyaClient against a real Plaza with the Kamiya dialect, on both stores: a one-time token from the
// hosted login page verified, charge / forceCharge / auth / detail / checkin, an Idempotency-Key replay charging
// once, KamiyaApiError carrying the status and message, and the billing example.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { User } from '../../src/core/identity/users.js';
import { issue } from '../../src/core/ledger/transfers.js';
import { kamiyaDialect } from '../../src/dialects/kamiya/plugin.js';
import { creditAssetId, ensureUserAccounts } from '../../src/modules/billing/accounts.js';
import { chargeForPurchase } from '../../sdk/examples/kamiya-billing.js';
import { KamiyaApiError, KamiyaClient } from '../../sdk/src/index.js';
import { startIdentityServer, type IdentityCtx, type TestApp } from '../support/identityFixtures.js';
import { STORES } from '../support/stores.js';
import { extractCsrf, type Agent } from '../web/browser.js';

async function kamiyaRefusal(work: Promise<unknown>): Promise<KamiyaApiError> {
  try {
    await work;
  } catch (err) {
    assert.ok(err instanceof KamiyaApiError, `expected a KamiyaApiError, got ${String(err)}`);
    return err;
  }
  assert.fail('expected a refusal');
}

for (const kind of STORES) {
  describe(`SDK KamiyaClient against Plaza [${kind}]`, () => {
    let c: IdentityCtx;
    let A: TestApp;
    let alice: User;
    let agent: Agent;
    let kamiya: KamiyaClient;

    /** The hosted login page confirmed by alice: the one-time token it redirects with. */
    async function oneTimeToken(): Promise<string> {
      const path = `/openIDAppLogin.html?appId=${A.appkey}`;
      const screen = await agent.get(path);
      assert.equal(screen.status, 200);
      const done = await agent.postForm('/openIDAppLogin.html', { decision: 'confirm', csrf: extractCsrf(screen.text), appId: A.appkey });
      const token = new URL(done.location!).searchParams.get('token');
      assert.ok(token);
      return token;
    }

    before(async () => {
      c = await startIdentityServer(kind, { dialects: [kamiyaDialect] });
      A = await c.createApp('Comic Studio', { redirectUris: ['https://app.example/cb'] });
      alice = await c.createUser('alice', { verified: true });
      agent = await c.signedIn(alice);
      const s = c.server.services;
      await s.db.transaction().execute(async (trx) => {
        const assetId = await creditAssetId(trx);
        const pair = await ensureUserAccounts(trx, assetId, alice.uid, c.clock);
        await issue(trx, { assetId, toAccountId: pair.credit.id, amount: 10_00n }, c.clock);
      });
      kamiya = new KamiyaClient({ baseUrl: c.server.baseUrl, appId: A.appkey, secret: A.secret });
    });
    after(() => c.close());

    test('verify a one-time token, then charge (idempotent), auth, detail, checkin', async () => {
      const user = await kamiya.verifyToken(await oneTimeToken());
      assert.deepEqual(user, { id: alice.uid, email: 'alice@example.com', role: 'Normal' });
      await kamiya.charge({ id: user.id, credit: '1.50' }, { idempotencyKey: 'buy-1' });
      await kamiya.charge({ id: user.id, credit: '1.50' }, { idempotencyKey: 'buy-1' });
      assert.equal((await kamiya.detail(user.id)).credit, 8.5, 'charged once');
      await kamiya.authorise(user.id);
      await kamiya.checkin(user.id);
      const again = await kamiyaRefusal(kamiya.checkin(user.id));
      assert.deepEqual([again.status, again.kamiyaStatus, again.kamiyaMessage], [400, 400, 'already checkin']);
      const d = await kamiya.detail(String(user.id));
      assert.deepEqual([d.credit, d.NCCredit, d.active], [8.5, 10, true]);
      const reused = await kamiyaRefusal(kamiya.charge({ id: user.id, credit: '2' }, { idempotencyKey: 'buy-1' }));
      assert.equal(reused.kamiyaStatus, 409);
    });

    test('refusals: insufficient credit, unknown user, used token, wrong secret; forceCharge may go negative', async () => {
      const short = await kamiyaRefusal(kamiya.charge({ id: alice.uid, credit: '1000' }));
      assert.deepEqual([short.status, short.kamiyaMessage], [403, 'insufficient credit']);
      const nobody = await kamiyaRefusal(kamiya.detail(123));
      assert.deepEqual([nobody.status, nobody.kamiyaMessage], [404, 'user not found']);
      const token = await oneTimeToken();
      await kamiya.verifyToken(token);
      const used = await kamiyaRefusal(kamiya.verifyToken(token));
      assert.deepEqual([used.status, used.kamiyaMessage], [404, 'token not found']);
      const wrong = new KamiyaClient({ baseUrl: c.server.baseUrl, appId: A.appkey, secret: 'f'.repeat(32) });
      assert.equal((await kamiyaRefusal(wrong.authorise(alice.uid))).status, 401);
      await kamiya.forceCharge({ id: alice.uid, credit: '30', allowNC: true });
      assert.ok((await kamiya.detail(alice.uid)).credit < 0);
      const broke = await kamiyaRefusal(kamiya.authorise(alice.uid));
      assert.deepEqual([broke.status, broke.kamiyaMessage], [403, 'insufficient credit']);
    });

    test('example: verify and charge for a purchase', async () => {
      const s = c.server.services;
      const bob = await c.createUser('bob', { verified: true });
      await s.db.transaction().execute(async (trx) => {
        const assetId = await creditAssetId(trx);
        const pair = await ensureUserAccounts(trx, assetId, bob.uid, c.clock);
        await issue(trx, { assetId, toAccountId: pair.credit.id, amount: 5_00n }, c.clock);
      });
      agent = await c.signedIn(bob);
      const first = await chargeForPurchase(kamiya, await oneTimeToken(), '2.00', 'order-9');
      assert.deepEqual([first.charged, first.balance.credit], [true, 3]);
      const broke = await chargeForPurchase(kamiya, await oneTimeToken(), '100.00', 'order-10');
      assert.deepEqual([broke.charged, broke.balance.credit], [false, 3]);
    });
  });
}
