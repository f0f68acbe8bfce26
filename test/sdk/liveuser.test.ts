// The SDK's LiveuserClient against a real Plaza with the liveuser dialect and the WeChat sandbox, on both stores:
// login with a sandbox code, renew, user record, orders (Idempotency-Key replay), prepay, LiveuserApiError with the
// E-code envelope; and the developer's view of the same orders through AdminClient.listAppOrders.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { AdminClient, LiveuserApiError, LiveuserClient } from '../../sdk/src/index.js';
import { startLiveuser, type LiveApp, type LiveCtx } from '../liveuser/support.js';
import { STORES } from '../support/stores.js';

async function liveRefusal(work: Promise<unknown>): Promise<LiveuserApiError> {
  try {
    await work;
  } catch (err) {
    assert.ok(err instanceof LiveuserApiError, `expected a LiveuserApiError, got ${String(err)}`);
    return err;
  }
  assert.fail('expected a refusal');
}

for (const kind of STORES) {
  describe(`SDK LiveuserClient against Plaza [${kind}]`, () => {
    let c: LiveCtx;
    let A: LiveApp;
    before(async () => {
      c = await startLiveuser(kind);
      A = await c.createApp('Tea shop');
      await c.product(A, { product_id: 'green', name: 'Green tea', price_cent: 250 });
    });
    after(() => c.close());

    test('login, user record, orders, prepay, renew; the owner sees the orders through the admin API', async () => {
      const live = new LiveuserClient({ baseUrl: c.server.baseUrl, appkey: A.appkey });
      const { code, openid } = await c.sandboxCode(A, 'alice');
      const tokens = await live.login(code);
      assert.equal(tokens.uid, openid);
      assert.equal(live.accessToken, tokens.access_token);

      await live.setUser({ name: 'Alice', avatar: 'https://example.com/a.png' });
      const me = await live.getUser();
      assert.deepEqual([me.uid, me.name, me.avatar], [openid, 'Alice', 'https://example.com/a.png']);

      const order = await live.createOrder([{ product_id: 'green', count: 2 }], { idempotencyKey: 'cart-1' });
      const replay = await live.createOrder([{ product_id: 'green', count: 2 }], { idempotencyKey: 'cart-1' });
      assert.equal(replay.id, order.id);
      assert.deepEqual([order.state, order.amount, order.products[0]!.count], [0, 500, 2]);
      const page = await live.listOrders();
      assert.deepEqual([page.orders.map((o) => o.id), page.cursor], [[order.id], 0]);

      const prepay = await live.prepay(order.id);
      assert.equal(prepay.order_id, order.id);
      assert.equal(prepay.pay_params.package, `prepay_id=${prepay.prepay_id}`);

      const renewed = await live.renewToken(tokens.refresh_token);
      assert.notEqual(renewed.access_token, tokens.access_token);
      assert.equal((await live.getUser()).uid, openid, 'the renewed token is in use');

      const owner = new AdminClient({ baseUrl: c.server.baseUrl, token: c.devToken });
      const seen = await owner.listAppOrders({ params: { id: A.app.id }, query: { state: 'created' } });
      assert.deepEqual(seen.map((o) => [o.id, o.uid, o.pay]), [[order.id, openid, 500]]);
    });

    test('refusals carry the E-code envelope', async () => {
      const anon = new LiveuserClient({ baseUrl: c.server.baseUrl, appkey: A.appkey, accessToken: 'not-a-token' });
      const bad = await liveRefusal(anon.getUser());
      assert.deepEqual([bad.status, bad.id, bad.code], [401, 'E0002', 401]);
      const none = new LiveuserClient({ baseUrl: c.server.baseUrl, appkey: A.appkey });
      await assert.rejects(none.listOrders(), TypeError);
      const live = new LiveuserClient({ baseUrl: c.server.baseUrl, appkey: A.appkey });
      await live.login((await c.sandboxCode(A, 'bob')).code);
      const unknown = await liveRefusal(live.createOrder([{ product_id: 'oolong', count: 1 }]));
      assert.equal(unknown.status, 400);
      assert.equal(unknown.id, 'E0001');
      const missing = await liveRefusal(live.prepay(12345));
      assert.deepEqual([missing.status, missing.id], [404, 'E0102']);
      const reused = await liveRefusal(live.renewToken('x'.repeat(43)));
      assert.deepEqual([reused.status, reused.id], [401, 'E0002']);
    });
  });
}
