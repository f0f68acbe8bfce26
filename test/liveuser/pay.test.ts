// WeChat Pay end to end over HTTP on both stores, against the built-in sandbox (spec/liveuser.md §6.5, §6.6, §7.4,
// §8, §9; §11 examples 8–12): login → order → prepay → requestPayment → notification → PAID → credit grant in the
// ledger; resend and replays change nothing; forged, tampered, stale and mismatched notifications are refused with
// nothing changed; parallel duplicate deliveries make exactly one transition and one grant; reconciliation pays an
// order whose notification was lost; prepay reuse and refusals; WeChat outages are 551 and never stored.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { setAppControls } from '../../src/core/identity/appControls.js';
import { findAccount } from '../../src/core/ledger/accounts.js';
import { getAssetBySymbol, setAssetEnabled } from '../../src/core/ledger/assets.js';
import { aeadEncrypt, alnumNonce, createWechatClient, paySignMessage, setWechatConfig, verifyRsaSha256 } from '../../src/integrations/wechat/index.js';
import { publicKeyOf } from '../../src/integrations/wechat/crypto.js';
import { reconcileOrders } from '../../src/modules/orders/reconcile.js';
import { ensureSandboxState } from '../../src/sandbox/wechat/state.js';
import { chinaTime, platformSignatureHeaders } from '../../src/sandbox/wechat/wire.js';
import { http, type HttpResult } from '../support/server.js';
import { STORES } from '../support/stores.js';
import { assertError, badRequest, conflict, notFound, startLiveuser, type LiveApp, type LiveCtx, type Tokens } from './support.js';

interface Order {
  id: number;
  uid: string;
  pay: number;
}

for (const kind of STORES) {
  describe(`liveuser WeChat Pay [${kind}]`, () => {
    let c: LiveCtx;
    let A: LiveApp;
    let B: LiveApp;

    const db = () => c.server.services.db;
    const createOrder = async (t: Tokens, productId = 'gold', count = 2): Promise<Order> => {
      const r = await c.call('/liveuser/Order/Create', { products: [{ product_id: productId, count }] }, { token: t.access_token });
      assert.equal(r.status, 200, r.text);
      return r.json.order as Order;
    };
    const prepay = (t: Tokens, body: unknown = {}, headers: Record<string, string> = {}) => c.call('/liveuser/Wx/Prepay', body, { token: t.access_token, headers });
    const orderState = async (id: number) => {
      const row = await db().selectFrom('orders').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
      return { state: Number(row.state), payAt: Number(row.pay_at), updatedAt: Number(row.updated_at), transactionId: row.transaction_id };
    };
    const grantsOf = async (orderId: number) =>
      db().selectFrom('ledger_transfers').selectAll().where('kind', '=', 'liveuser.order_grant').where('memo', 'like', `liveuser:order:${orderId}:%`).execute();
    const creditBalance = async (openid: string, sub = 'credit'): Promise<bigint> => {
      const identity = await db().selectFrom('wechat_identities').select('user_id').where('openid', '=', openid).executeTakeFirstOrThrow();
      const user = await db().selectFrom('end_users').select('uid').where('id', '=', identity.user_id).executeTakeFirstOrThrow();
      const asset = (await getAssetBySymbol(db(), 'CREDIT'))!;
      const account = await findAccount(db(), { kind: 'user', id: String(user.uid) }, asset.id, sub);
      return account?.balance ?? 0n;
    };
    /** Pays through the sandbox as the buyer (requestPayment with Plaza's pay_params). */
    const pay = async (t: Tokens, payParams: Record<string, string>, delivery = 'sync') =>
      http(c.server.baseUrl, 'POST', '/_sandbox/wechat/requestPayment', { body: { ...payParams, openid: t.uid, delivery } });

    /** A notification signed by the sandbox platform key: the transaction encrypted with the app's APIv3 key. */
    async function notification(app: LiveApp, tx: Record<string, unknown>, o: { id?: string; eventType?: string; at?: number; ciphertext?: (c: string) => string } = {}) {
      const s = c.server.services;
      const state = await ensureSandboxState(s.db, s.box, s.clock);
      const nonce = alnumNonce(12);
      const ciphertext = aeadEncrypt(app.wechat!.apiV3Key, nonce, 'transaction', JSON.stringify(tx));
      const body = JSON.stringify({
        id: o.id ?? randomUUID(),
        create_time: chinaTime(c.clock.now()),
        resource_type: 'encrypt-resource',
        event_type: o.eventType ?? 'TRANSACTION.SUCCESS',
        summary: '支付成功',
        resource: { original_type: 'transaction', algorithm: 'AEAD_AES_256_GCM', ciphertext: o.ciphertext ? o.ciphertext(ciphertext) : ciphertext, associated_data: 'transaction', nonce },
      });
      const headers: Record<string, string> = { 'content-type': 'application/json', ...platformSignatureHeaders(state, body, o.at ?? c.clock.now()) };
      return { body, headers };
    }
    const paidTx = (app: LiveApp, order: Order, over: Record<string, unknown> = {}) => ({
      appid: app.wechat!.appid,
      mchid: app.wechat!.mchid,
      out_trade_no: String(order.id),
      transaction_id: `42000${Math.floor(Math.random() * 1e15)}`.padEnd(28, '7'),
      trade_type: 'JSAPI',
      trade_state: 'SUCCESS',
      trade_state_desc: '支付成功',
      bank_type: 'OTHERS',
      success_time: chinaTime(c.clock.now()),
      payer: { openid: order.uid },
      amount: { total: order.pay, payer_total: order.pay, currency: 'CNY', payer_currency: 'CNY' },
      ...over,
    });
    const postpay = (app: LiveApp, n: { body: string; headers: Record<string, string> }): Promise<HttpResult> =>
      http(c.server.baseUrl, 'POST', `/apps/${app.appkey}/liveuser/Wx/Postpay`, { body: n.body, headers: n.headers });
    const fail = (r: HttpResult, status: number, message: string) => {
      assert.equal(r.status, status, r.text);
      assert.equal(r.text, JSON.stringify({ code: 'FAIL', message }));
    };

    before(async () => {
      c = await startLiveuser(kind);
      A = await c.createApp('Shop');
      B = await c.createApp('Other');
      await c.product(A, { product_id: 'gold', name: 'Gold pack', price_cent: 100, grant: { asset: 'CREDIT', amount: '100' } });
      await c.product(A, { product_id: 'plain', name: 'No grant', price_cent: 7 });
      await c.product(B, { product_id: 'gold', name: 'B gold', price_cent: 100 });
    });
    after(() => c.close());

    test('§11.8–§11.12: prepay → pay → notification → PAID and one grant; resend changes nothing; paid order 409', async () => {
      const alice = await c.login(A, 'alice');
      const order = await createOrder(alice);
      const r = await prepay(alice);
      assert.equal(r.status, 200, r.text);
      assert.deepEqual(Object.keys(r.json), ['order_id', 'prepay_id', 'pay_params']);
      assert.equal(r.json.order_id, order.id);
      assert.match(r.json.prepay_id, /^wx[0-9]{14}[0-9a-f]{20}$/);
      const pp = r.json.pay_params;
      assert.deepEqual(Object.keys(pp), ['appId', 'timeStamp', 'nonceStr', 'package', 'signType', 'paySign']);
      assert.equal(pp.appId, A.wechat!.appid);
      assert.equal(pp.timeStamp, String(Math.floor(c.clock.now() / 1000)));
      assert.match(pp.nonceStr, /^[A-Za-z0-9]{32}$/);
      assert.equal(pp.package, `prepay_id=${r.json.prepay_id}`);
      assert.equal(pp.signType, 'RSA');
      const merchantPublic = publicKeyOf(A.wechat!.merchantPrivateKeyPem)!;
      assert.ok(verifyRsaSha256(merchantPublic, paySignMessage(pp.appId, pp.timeStamp, pp.nonceStr, pp.package), pp.paySign));

      c.clock.advance(2000);
      const paid = await pay(alice, pp);
      assert.equal(paid.status, 200, paid.text);
      assert.equal(paid.json.errMsg, 'requestPayment:ok');
      assert.equal(paid.json.out_trade_no, String(order.id));
      assert.deepEqual(paid.json.notify, { url: `${c.server.baseUrl}/apps/${A.appkey}/liveuser/Wx/Postpay`, status: 204, attempt: 1 });
      const listed = (await c.call('/liveuser/Order/List', {}, { token: alice.access_token })).json.orders[0];
      assert.equal(listed.state, 1);
      assert.equal(listed.pay_at, Math.floor(c.clock.now() / 1000) * 1000);
      assert.equal(listed.updated_at, c.clock.now());
      const grants = await grantsOf(order.id);
      assert.equal(grants.length, 1);
      assert.equal(grants[0]!.memo, `liveuser:order:${order.id}:gold`);
      assert.equal(BigInt(grants[0]!.amount), 20000n);
      assert.equal(await creditBalance(alice.uid), 20000n);
      const payment = await db().selectFrom('order_payments').selectAll().where('order_id', '=', order.id).executeTakeFirstOrThrow();
      assert.equal(payment.transaction_id, paid.json.transaction_id);
      assert.equal(payment.source, 'notification');
      assert.equal(JSON.parse(payment.transaction_json).bank_type, 'OTHERS');
      const events = await db().selectFrom('events_outbox').selectAll().where('type', '=', 'order.paid').execute();
      assert.equal(events.filter((e) => JSON.parse(e.payload).order_id === order.id).length, 1);

      // §11.10: a resend is answered 204 and changes nothing.
      const before = await orderState(order.id);
      c.clock.advance(1000);
      const resend = await http(c.server.baseUrl, 'POST', '/_sandbox/wechat/notify/resend', { body: { mchid: A.wechat!.mchid, out_trade_no: String(order.id) } });
      assert.equal(resend.text, '{"status":204}');
      assert.deepEqual(await orderState(order.id), before);
      assert.equal((await grantsOf(order.id)).length, 1);
      assert.equal(await creditBalance(alice.uid), 20000n);

      // §11.11: one byte of the signature changed.
      const n = await notification(A, paidTx(A, order));
      const sig = n.headers['wechatpay-signature']!;
      const forged = { ...n, headers: { ...n.headers, 'wechatpay-signature': (sig[0] === 'A' ? 'B' : 'A') + sig.slice(1) } };
      fail(await postpay(A, forged), 401, 'invalid signature');
      assert.deepEqual(await orderState(order.id), before);

      // §11.12.
      const again = await prepay(alice, { order_id: order.id });
      assert.equal(again.text, '{"id":"E0004","code":409,"detail":"order already paid","status":"Conflict"}');
      notFound(await prepay(alice), 'no unpaid order');
    });

    test('prepay: reuse within 110 min with fresh pay params, a new prepay_id after; refusals', async () => {
      let bob = await c.login(A, 'bob');
      const first = await createOrder(bob, 'plain', 1);
      const second = await createOrder(bob, 'plain', 2);
      const p1 = await prepay(bob);
      assert.equal(p1.json.order_id, second.id, 'an empty request pays the newest unpaid order');
      c.clock.advance(1000);
      const p2 = await prepay(bob, { orderId: String(second.id) });
      assert.equal(p2.json.prepay_id, p1.json.prepay_id);
      assert.notEqual(p2.json.pay_params.nonceStr, p1.json.pay_params.nonceStr);
      assert.notEqual(p2.json.pay_params.paySign, p1.json.pay_params.paySign);
      c.clock.advance(110 * 60_000);
      // The access token expired meanwhile: the buyer logs in again (a new family, the same uid).
      bob = await c.login(A, 'bob');
      const p3 = await prepay(bob, { order_id: second.id });
      assert.equal(p3.status, 200, p3.text);
      assert.notEqual(p3.json.prepay_id, p1.json.prepay_id);
      const attempts = await db().selectFrom('order_prepays').selectAll().where('order_id', '=', second.id).execute();
      assert.equal(attempts.length, 2);
      assert.equal((await prepay(bob, { order_id: first.id })).json.order_id, first.id);

      const stranger = await c.login(A, 'stranger');
      notFound(await prepay(stranger, { order_id: first.id }), 'no such order');
      notFound(await prepay(stranger, { order_id: 689032396800389 }), 'no such order');
      notFound(await prepay(stranger, { order_id: '18446744073709551615' }), 'no such order');
      notFound(await prepay(stranger), 'no unpaid order');
      badRequest(await prepay(stranger, { order_id: -5 }), /^invalid order_id/);
      badRequest(await prepay(stranger, { order_id: 'x' }), /^invalid order_id/);
      const inB = await c.login(B, 'bob');
      notFound(await prepay(inB, { order_id: first.id }), 'no such order');
      await db().updateTable('orders').set({ deleted_at: c.clock.now() }).where('id', '=', first.id).execute();
      notFound(await prepay(bob, { order_id: first.id }), 'no such order');

      // Idempotency-Key: the identical answer (same nonce and paySign).
      const k = { 'idempotency-key': 'prepay-1' };
      const i1 = await prepay(bob, { order_id: second.id }, k);
      const i2 = await prepay(bob, { order_id: second.id }, k);
      assert.equal(i2.text, i1.text);
      assert.equal(i2.headers.get('idempotent-replayed'), 'true');
    });

    test('prepay and login without a usable WeChat configuration; WeChat unreachable is 551 and not stored', async () => {
      const P = await c.createApp('PayLess');
      await c.product(P, { product_id: 'x', name: 'X', price_cent: 1 });
      const t = await c.login(P, 'pia');
      await createOrder(t, 'x', 1);
      await setWechatConfig(db(), P.app.id, { ...P.wechat!, apiV3Key: '' }, c.server.services.box, c.clock);
      assertError(await prepay(t), 'E0000', 500, 'wechat pay not configured', 'Internal Server Error');
      fail(await postpay(P, await notification(A, {})), 500, 'wechat pay not configured');

      const L = await c.createApp('Live');
      const { code } = await c.sandboxCode(L, 'lou');
      const wechat = c.server.services.config.wechat;
      const saved = wechat.apiBaseUrl;
      wechat.apiBaseUrl = 'http://127.0.0.1:9';
      await setWechatConfig(db(), L.app.id, { ...L.wechat!, mode: 'live' }, c.server.services.box, c.clock);
      const key = { 'idempotency-key': 'outage-1' };
      try {
        const r = await c.call(`/apps/${L.appkey}/liveuser/Wx/Login`, { code }, { headers: key });
        assert.equal(r.status, 551, r.text);
        assert.equal(r.text, '{"id":"E0101","code":551,"detail":"wechat unavailable","status":""}');
      } finally {
        wechat.apiBaseUrl = saved;
        await setWechatConfig(db(), L.app.id, { ...L.wechat!, mode: 'sandbox' }, c.server.services.box, c.clock);
      }
      // Not stored: the same key runs afresh and the unused code now works.
      const retry = await c.call(`/apps/${L.appkey}/liveuser/Wx/Login`, { code }, { headers: key });
      assert.equal(retry.status, 200, retry.text);
      assert.equal(retry.headers.get('idempotent-replayed'), null);
    });

    test('forged, tampered, stale and mismatched notifications are refused and change nothing', async () => {
      const cy = await c.login(A, 'cy');
      const order = await createOrder(cy);
      const unchanged = async () => {
        assert.equal((await orderState(order.id)).state, 0);
        assert.equal((await grantsOf(order.id)).length, 0);
        assert.equal((await db().selectFrom('order_payments').select('order_id').where('order_id', '=', order.id).execute()).length, 0);
      };
      const good = await notification(A, paidTx(A, order));
      fail(await http(c.server.baseUrl, 'POST', `/apps/${A.appkey}/liveuser/Wx/Postpay`, { body: good.body, headers: { 'content-type': 'application/json' } }), 401, 'missing signature headers');
      fail(await postpay(A, { ...good, headers: { ...good.headers, 'wechatpay-serial': 'PUB_KEY_ID_0000' } }), 401, 'unknown platform key');
      fail(await postpay(A, await notification(A, paidTx(A, order), { at: c.clock.now() - 301_000 })), 401, 'timestamp out of range');
      fail(await postpay(A, { ...good, body: good.body.replace('支付成功', '支付成功 ') }), 401, 'invalid signature');
      fail(await postpay(A, { ...good, headers: { ...good.headers, 'wechatpay-signature': 'WECHATPAY/SIGNTEST/abc' } }), 401, 'invalid signature');
      // B's platform key is the same sandbox key, but B's APIv3 key cannot open A's resource.
      fail(await postpay(B, good), 400, 'decrypt failed');
      fail(await postpay(A, await notification(A, paidTx(A, order), { ciphertext: (x) => (x[0] === 'A' ? 'B' : 'A') + x.slice(1) })), 400, 'decrypt failed');
      fail(await postpay(A, await notification(A, paidTx(A, order, { amount: { total: order.pay + 1, currency: 'CNY' } }))), 400, 'payment mismatch');
      fail(await postpay(A, await notification(A, paidTx(A, order, { amount: { total: order.pay, currency: 'USD' } }))), 400, 'payment mismatch');
      fail(await postpay(A, await notification(A, paidTx(A, order, { payer: { openid: 'o-someone-else' } }))), 400, 'payment mismatch');
      fail(await postpay(A, await notification(A, paidTx(A, order, { mchid: '1900000000' }))), 400, 'merchant mismatch');
      fail(await postpay(A, await notification(A, paidTx(A, order, { appid: B.wechat!.appid }))), 400, 'merchant mismatch');
      fail(await postpay(A, await notification(A, paidTx(A, order, { out_trade_no: '689032396800389' }))), 404, 'order not found');
      fail(await postpay(A, await notification(A, paidTx(A, order, { out_trade_no: 'abc' }))), 404, 'order not found');
      const bOrder = await createOrder(await c.login(B, 'cy'));
      fail(await postpay(A, await notification(A, paidTx(A, bOrder, { payer: { openid: bOrder.uid } }))), 404, 'order not found');
      assert.equal((await postpay(A, await notification(A, paidTx(A, order, { trade_state: 'NOTPAY' })))).status, 204);
      assert.equal((await postpay(A, await notification(A, paidTx(A, order), { eventType: 'REFUND.SUCCESS' }))).status, 204);
      const state = await ensureSandboxState(db(), c.server.services.box, c.clock);
      const junk = 'not json';
      fail(await postpay(A, { body: junk, headers: { 'content-type': 'application/json', ...platformSignatureHeaders(state, junk, c.clock.now()) } }), 400, 'malformed notification');
      const partial = JSON.stringify({ id: 'x', event_type: 'TRANSACTION.SUCCESS' });
      fail(await postpay(A, { body: partial, headers: { 'content-type': 'application/json', ...platformSignatureHeaders(state, partial, c.clock.now()) } }), 400, 'malformed notification');
      const odd = JSON.stringify({ id: 'x', event_type: 'TRANSACTION.SUCCESS', resource_type: 'plain', resource: {} });
      fail(await postpay(A, { body: odd, headers: { 'content-type': 'application/json', ...platformSignatureHeaders(state, odd, c.clock.now()) } }), 400, 'unsupported resource');
      fail(await postpay(A, { body: 'x'.repeat(64 * 1024 + 1), headers: good.headers }), 400, 'body too large');
      fail(await http(c.server.baseUrl, 'POST', '/apps/0123456789abcdef0123456789abcdef/liveuser/Wx/Postpay', { body: good.body, headers: good.headers }), 404, 'app not found');
      fail(await http(c.server.baseUrl, 'POST', '/liveuser/Wx/Postpay', { body: good.body, headers: good.headers }), 404, 'app not found');
      const get = await http(c.server.baseUrl, 'GET', `/apps/${A.appkey}/liveuser/Wx/Postpay`);
      fail(get, 405, 'method not allowed');
      assert.equal(get.headers.get('allow'), 'POST');
      await unchanged();
      const mismatches = await db().selectFrom('audit_log').select('target').where('action', '=', 'wechatpay.payment_mismatch').execute();
      assert.ok(mismatches.filter((m) => m.target === `order:${order.id}`).length >= 3);

      // Idempotency-Key on a notification: checked after the signature; malformed 400, conflict 409.
      fail(await postpay(A, { ...good, headers: { ...good.headers, 'idempotency-key': 'x'.repeat(300), 'wechatpay-signature': 'bad' } }), 401, 'invalid signature');
      fail(await postpay(A, { ...good, headers: { ...good.headers, 'idempotency-key': 'x'.repeat(300) } }), 400, 'invalid idempotency key');
      assert.equal((await postpay(A, { ...good, headers: { ...good.headers, 'idempotency-key': 'n-1' } })).status, 204);
      const other = await notification(A, paidTx(A, order));
      fail(await postpay(A, { ...other, headers: { ...other.headers, 'idempotency-key': 'n-1' } }), 409, 'idempotency key reused with different input');

      // The genuine one paid the order once; the same notification again (a replay) changes nothing.
      const paidState = await orderState(order.id);
      assert.equal(paidState.state, 1);
      assert.equal((await postpay(A, good)).status, 204);
      assert.deepEqual(await orderState(order.id), paidState);
      assert.equal((await grantsOf(order.id)).length, 1);

      // A second, different payment of the paid order: 204, audited, order unchanged.
      assert.equal((await postpay(A, other)).status, 204);
      assert.deepEqual(await orderState(order.id), paidState);
      assert.equal((await grantsOf(order.id)).length, 1);
      const dup = await db().selectFrom('audit_log').selectAll().where('action', '=', 'wechatpay.duplicate_payment').where('target', '=', `order:${order.id}`).execute();
      assert.equal(dup.length, 1);
      const outcomes = await db().selectFrom('wechat_notifications').select('outcome').where('out_trade_no', '=', String(order.id)).execute();
      assert.ok(outcomes.some((o) => o.outcome === 'paid'));
      assert.ok(outcomes.some((o) => o.outcome === 'duplicate_payment'));
    });

    test('WeChat Pay refusals and unverifiable replies: 400 with the code, 500 on a bad signature; a disabled app still records payments', async () => {
      const gil = await c.login(A, 'gil');
      const order = await createOrder(gil, 'plain', 3);
      assert.equal((await prepay(gil)).status, 200);
      // The same out_trade_no with another description: the sandbox (like WeChat) refuses with INVALID_REQUEST.
      await db().updateTable('orders').set({ description: 'changed', prepay_at: c.clock.now() - 111 * 60_000 }).where('id', '=', order.id).execute();
      badRequest(await prepay(gil), /^wechat pay: INVALID_REQUEST /);
      await db().updateTable('orders').set({ description: 'No grant' }).where('id', '=', order.id).execute();

      const V = await c.createApp('Verify');
      await c.product(V, { product_id: 'x', name: 'X', price_cent: 5 });
      const hu = await c.login(V, 'hu');
      const vOrder = await createOrder(hu, 'x', 1);
      const wrongKey = (await c.createApp('Keys')).wechat!;
      const bogus = { ...V.wechat!, platformKeys: V.wechat!.platformKeys.map((k) => ({ serial: k.serial, publicKeyPem: publicKeyOf(wrongKey.merchantPrivateKeyPem)! })) };
      await setWechatConfig(db(), V.app.id, bogus, c.server.services.box, c.clock);
      try {
        assertError(await prepay(hu), 'E0000', 500, 'wechat reply could not be verified', 'Internal Server Error');
      } finally {
        await setWechatConfig(db(), V.app.id, V.wechat!, c.server.services.box, c.clock);
      }
      assert.equal((await orderState(vOrder.id)).state, 0);

      await db().transaction().execute((trx) => setAppControls(trx, A.app.id, { banned: true }, { clock: c.clock }));
      try {
        assert.equal((await postpay(A, await notification(A, paidTx(A, order)))).status, 204);
      } finally {
        await db().transaction().execute((trx) => setAppControls(trx, A.app.id, { banned: false }, { clock: c.clock }));
      }
      assert.equal((await orderState(order.id)).state, 1);
    });

    test('a grant that cannot be written rolls the whole transition back (500, WeChat retries)', async () => {
      const ike = await c.login(A, 'ike');
      const order = await createOrder(ike, 'gold', 1);
      const n = await notification(A, paidTx(A, order));
      const credit = (await getAssetBySymbol(db(), 'CREDIT'))!;
      await setAssetEnabled(db(), credit.id, false);
      try {
        fail(await postpay(A, n), 500, 'internal error');
      } finally {
        await setAssetEnabled(db(), credit.id, true);
      }
      assert.equal((await orderState(order.id)).state, 0);
      assert.equal((await db().selectFrom('order_payments').select('order_id').where('order_id', '=', order.id).execute()).length, 0);
      assert.equal((await grantsOf(order.id)).length, 0);
      // The retry succeeds.
      assert.equal((await postpay(A, n)).status, 204);
      assert.equal((await orderState(order.id)).state, 1);
      assert.equal((await grantsOf(order.id)).length, 1);
    });

    test('parallel duplicate notifications: exactly one PAID transition and one grant', async () => {
      const dee = await c.login(A, 'dee');
      const order = await createOrder(dee, 'gold', 3);
      const tx = paidTx(A, order);
      const same = await notification(A, tx);
      const fresh = await Promise.all(Array.from({ length: 4 }, () => notification(A, tx)));
      const answers = await Promise.all([...Array.from({ length: 8 }, () => postpay(A, same)), ...fresh.map((n) => postpay(A, n))]);
      for (const a of answers) assert.equal(a.status, 204, a.text);
      assert.equal((await orderState(order.id)).state, 1);
      assert.equal((await grantsOf(order.id)).length, 1);
      assert.equal((await db().selectFrom('order_payments').select('order_id').where('order_id', '=', order.id).execute()).length, 1);
      const events = await db().selectFrom('events_outbox').selectAll().where('type', '=', 'order.paid').execute();
      assert.equal(events.filter((e) => JSON.parse(e.payload).order_id === order.id).length, 1);
      assert.equal(await creditBalance(dee.uid), 30000n);
    });

    test('reconciliation pays an order whose notification was lost, once; unpaid orders stay CREATED', async () => {
      const R = await c.createApp('Lossy');
      await c.product(R, { product_id: 'gold', name: 'Gold', price_cent: 100, grant: { asset: 'CREDIT', amount: '1.25' } });
      await c.setNotifyUrl(R, 'http://127.0.0.1:9/lost');
      const eve = await c.login(R, 'eve');
      const order = await createOrder(eve, 'gold', 4);
      const unpaid = await createOrder(eve, 'gold', 1);
      const pp = (await prepay(eve, { order_id: order.id })).json.pay_params;
      assert.equal((await prepay(eve, { order_id: unpaid.id })).status, 200);
      const paid = await pay(eve, pp);
      assert.equal(paid.json.errMsg, 'requestPayment:ok');
      assert.equal(paid.json.notify.status, null);
      const successAt = Math.floor(c.clock.now() / 1000) * 1000;
      assert.equal((await orderState(order.id)).state, 0);

      const s = c.server.services;
      const client = createWechatClient({ config: s.config, clock: c.clock });
      const run = () => reconcileOrders({ db: s.db, box: s.box, clock: c.clock, client });
      // Too young: a notification may still come.
      assert.equal((await run()).paid, 0);
      c.clock.advance(6 * 60_000);
      const report = await run();
      assert.equal(report.paid, 1);
      const st = await orderState(order.id);
      assert.equal(st.state, 1);
      assert.equal(st.payAt, successAt);
      assert.equal(st.transactionId, paid.json.transaction_id);
      assert.equal((await orderState(unpaid.id)).state, 0);
      const payment = await db().selectFrom('order_payments').selectAll().where('order_id', '=', order.id).executeTakeFirstOrThrow();
      assert.equal(payment.source, 'query');
      assert.equal((await grantsOf(order.id)).length, 1);
      assert.equal(await creditBalance(eve.uid), 500n);
      // Again: nothing more to do for the paid order; the late notification is a no-op.
      assert.equal((await run()).paid, 0);
      const late = await notification(R, paidTx(R, order, { transaction_id: paid.json.transaction_id }));
      assert.equal((await postpay(R, late)).status, 204);
      assert.deepEqual(await orderState(order.id), st);
      assert.equal((await grantsOf(order.id)).length, 1);
      // Older than 24 h: no longer queried.
      c.clock.advance(25 * 3600_000);
      assert.equal((await run()).checked, 0);
    });

    test('Prepay for an order paid at WeChat but not yet here answers 409 (ORDERPAID)', async () => {
      let fay = await c.login(A, 'fay');
      const order = await createOrder(fay, 'plain', 1);
      await c.setNotifyUrl(A, 'http://127.0.0.1:9/lost');
      try {
        const pp = (await prepay(fay)).json.pay_params;
        assert.equal((await pay(fay, pp)).json.errMsg, 'requestPayment:ok');
      } finally {
        await c.setNotifyUrl(A, null);
      }
      c.clock.advance(111 * 60_000);
      fay = await c.login(A, 'fay');
      conflict(await prepay(fay, { order_id: order.id }), 'order already paid');
      assert.equal((await orderState(order.id)).state, 0);
    });
  });
}
