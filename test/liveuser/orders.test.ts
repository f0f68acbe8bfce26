// Products, snapshots, Order.Create and Order.List over HTTP on both stores (spec/liveuser.md §6.7, §6.8, §7.3,
// §7.5, §7.6; §11 examples 6 and 7): the admin product API (owner-or-admin, audited, idempotent), immutable
// snapshots, every Order.Create refusal in check order, merging, the int32 total, the cursor contract with its
// 10·k edge, ownership, events, and the id layout.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { manualClock } from '../../src/core/clock.js';
import { composeId, createIdGenerator, decomposeId, ID_EPOCH_MS } from '../../src/modules/orders/ids.js';
import { STORES } from '../support/stores.js';
import { badRequest, startLiveuser, type LiveApp, type LiveCtx, type Tokens } from './support.js';

describe('order ids (§7.6)', () => {
  test('the spec example: 2025-05-01T00:00:00Z, worker 3, sequence 5 → 689032396800389', () => {
    assert.equal(composeId(Date.UTC(2025, 4, 1) - ID_EPOCH_MS, 3, 5), 689032396800389);
    assert.deepEqual(decomposeId(689032396800389), { t: Date.UTC(2025, 4, 1) - ID_EPOCH_MS, worker: 3, sequence: 5, ms: Date.UTC(2025, 4, 1) });
    assert.ok(composeId(2 ** 41 - 1, 31, 127) < 2 ** 53);
    assert.throws(() => composeId(0, 32, 0));
    assert.throws(() => composeId(0, 0, 128));
  });

  test('strictly increasing and unique: 128 per millisecond, a frozen clock, a clock stepping back', async () => {
    const clock = manualClock(Date.UTC(2026, 0, 1));
    const gen = createIdGenerator(() => 7, clock);
    const ids: number[] = [];
    for (let i = 0; i < 300; i++) ids.push(await gen.next());
    clock.advance(-5000);
    for (let i = 0; i < 10; i++) ids.push(await gen.next());
    clock.advance(10_000);
    ids.push(await gen.next());
    for (let i = 1; i < ids.length; i++) assert.ok(ids[i]! > ids[i - 1]!, `id ${i} not increasing`);
    assert.ok(ids.every((id) => decomposeId(id).worker === 7 && Number.isSafeInteger(id)));
    assert.equal(decomposeId(ids[0]!).ms, Date.UTC(2026, 0, 1));
    assert.equal(decomposeId(ids[ids.length - 1]!).ms, Date.UTC(2026, 0, 1) + 5000);
    // Ids have 15–16 digits today: a valid out_trade_no.
    assert.match(String(ids[0]), /^[0-9]{15,16}$/);
  });
});

for (const kind of STORES) {
  describe(`liveuser products and orders [${kind}]`, () => {
    let c: LiveCtx;
    let A: LiveApp;
    let B: LiveApp;
    let alice: Tokens;

    const create = (token: string, body: unknown, headers: Record<string, string> = {}) => c.call('/liveuser/Order/Create', body, { token, headers });
    const list = (token: string, body: unknown = {}) => c.call('/liveuser/Order/List', body, { token });
    const products = (path: string, method = 'GET', body?: unknown, token?: string) => c.admin(method, `/admin/v1/apps/${A.app.id}/products${path}`, body, token);

    before(async () => {
      c = await startLiveuser(kind);
      A = await c.createApp('Shop');
      B = await c.createApp('Other shop');
      alice = await c.login(A, 'alice');
      await c.product(A, { product_id: 'gold', name: 'Gold pack', price_cent: 100, grant: { asset: 'CREDIT', amount: '100' } });
      await c.product(A, { product_id: 'silver', name: 'Silver pack', price_cent: 30 });
      await c.product(B, { product_id: 'gold', name: 'B gold', price_cent: 999 });
    });
    after(() => c.close());

    test('admin: a product, its snapshot record in the §7.3 key order, list, owner-or-admin', async () => {
      const r = await products('', 'POST', { product_id: 'bronze', name: 'Bronze', price_cent: 10, description: 'small', grant: { asset: 'CREDIT', sub_balance: 'nc_credit', amount: '1.5' } });
      assert.equal(r.status, 201, r.text);
      assert.equal(r.json.product_id, 'bronze');
      assert.deepEqual(r.json.grant, { asset: 'CREDIT', sub_balance: 'nc_credit', amount: '1.5' });
      assert.equal(r.json.deleted_at, null);
      const one = await products('/bronze');
      assert.equal(one.status, 200, one.text);
      assert.equal(one.json.snapshots.length, 1);
      const snap = one.json.snapshots[0];
      assert.equal(snap.snapshot, r.json.snapshot);
      const now = c.clock.now();
      assert.equal(
        snap.detail,
        `{"id":"bronze","name":"Bronze","price_cent":10,"snapshot":${r.json.snapshot},"created_at":${now},"updated_at":${now},"deleted_at":0,` +
          `"operator":"${c.developer.id}","description":"small","grant":{"asset":"CREDIT","sub_balance":"nc_credit","amount":"1.5"}}`,
      );
      const gold = await products('/gold');
      assert.deepEqual(gold.json.grant, { asset: 'CREDIT', sub_balance: 'credit', amount: '100' });
      const all = await products('');
      assert.deepEqual(all.json.map((p: { product_id: string }) => p.product_id), ['bronze', 'gold', 'silver']);
      const page = await products('?after=bronze&limit=1');
      assert.deepEqual(page.json.map((p: { product_id: string }) => p.product_id), ['gold']);
      const other = await c.otherDeveloper();
      assert.equal((await products('', 'GET', undefined, other.token)).status, 403);
      assert.equal((await products('', 'POST', { product_id: 'x', name: 'x', price_cent: 1 }, other.token)).status, 403);
      assert.equal((await c.admin('GET', '/admin/v1/apps/999999999/products')).status, 404);
      assert.equal((await products('/nope')).status, 404);
    });

    test('admin: updates write a snapshot only on change; delete hides; creating again revives', async () => {
      await products('', 'POST', { product_id: 'tin', name: 'Tin', price_cent: 5 });
      const same = await products('/tin', 'PATCH', { name: 'Tin', price_cent: 5 });
      assert.equal(same.status, 200, same.text);
      assert.equal(same.json.changed, false);
      c.clock.advance(5);
      const changed = await products('/tin', 'PATCH', { price_cent: 6 });
      assert.equal(changed.json.changed, true);
      assert.equal(changed.json.price_cent, 6);
      assert.equal(changed.json.name, 'Tin');
      assert.notEqual(changed.json.snapshot, same.json.snapshot);
      assert.equal((await products('/tin')).json.snapshots.length, 2);
      assert.equal((await products('', 'POST', { product_id: 'tin', name: 'Tin', price_cent: 5 })).status, 409);
      const deleted = await products('/tin/delete', 'POST', {});
      assert.equal(deleted.status, 200, deleted.text);
      assert.notEqual(deleted.json.deleted_at, null);
      assert.equal((await products('/tin/delete', 'POST', {})).status, 404);
      assert.equal((await products('/tin', 'PATCH', { price_cent: 7 })).status, 404);
      assert.ok(!(await products('')).json.some((p: { product_id: string }) => p.product_id === 'tin'));
      assert.ok((await products('?include_deleted=true')).json.some((p: { product_id: string }) => p.product_id === 'tin'));
      badRequest(await create(alice.access_token, { products: [{ product_id: 'tin', count: 1 }] }), 'unknown product: tin');
      const snaps = (await products('/tin')).json.snapshots;
      assert.equal(snaps.length, 3);
      assert.match(snaps[2].detail, /"deleted_at":[1-9][0-9]*,/);
      c.clock.advance(5);
      const revived = await products('', 'POST', { product_id: 'tin', name: 'Tin again', price_cent: 8 });
      assert.equal(revived.status, 201, revived.text);
      assert.equal(revived.json.created_at, changed.json.created_at);
      assert.equal((await products('/tin')).json.snapshots.length, 4);
      assert.equal((await create(alice.access_token, { products: [{ product_id: 'tin', count: 1 }] })).json.order.amount, 8);
    });

    test('admin: product validation', async () => {
      const bad = async (body: unknown) => {
        const r = await products('', 'POST', body);
        assert.equal(r.status, 400, r.text);
        assert.equal(r.json.error.code, 'invalid_request');
      };
      await bad({ product_id: 'has space', name: 'x', price_cent: 1 });
      await bad({ product_id: 'y'.repeat(65), name: 'x', price_cent: 1 });
      await bad({ product_id: 'p1', name: '', price_cent: 1 });
      await bad({ product_id: 'p1', name: '😀'.repeat(129), price_cent: 1 });
      await bad({ product_id: 'p1', name: 'x', price_cent: 0 });
      await bad({ product_id: 'p1', name: 'x', price_cent: 2147483648 });
      await bad({ product_id: 'p1', name: 'x', price_cent: 1.5 });
      await bad({ product_id: 'p1', name: 'x', price_cent: 1, grant: { asset: 'NOPE', amount: '1' } });
      await bad({ product_id: 'p1', name: 'x', price_cent: 1, grant: { asset: 'CREDIT', amount: '0.001' } });
      await bad({ product_id: 'p1', name: 'x', price_cent: 1, grant: { asset: 'CREDIT', amount: '0' } });
      await bad({ product_id: 'p1', name: 'x', price_cent: 1, grant: { asset: 'CREDIT', amount: '1', sub_balance: 'Bad-Sub' } });
      await bad({ product_id: 'p1', name: 'x', price_cent: 1, extra: 1 });
      assert.equal((await products('/p1')).status, 404);
      // Idempotent create: the same key replays, another body conflicts.
      const key = { 'idempotency-key': 'prod-1' };
      const body = { product_id: 'keyed', name: 'Keyed', price_cent: 3 };
      const post = () =>
        fetch(`${c.server.baseUrl}/admin/v1/apps/${A.app.id}/products`, { method: 'POST', headers: { authorization: `Bearer ${c.devToken}`, 'content-type': 'application/json', ...key }, body: JSON.stringify(body) });
      const r1 = await post();
      const r2 = await post();
      assert.equal(r1.status, 201);
      assert.equal(r2.status, 201);
      assert.equal(r2.headers.get('idempotent-replayed'), 'true');
      assert.equal((await products('/keyed')).json.snapshots.length, 1);
      const audit = await c.server.services.db.selectFrom('audit_log').select('action').where('action', '=', 'admin.createProduct').execute();
      assert.ok(audit.length >= 1);
    });

    test('§11.6: Order.Create copies the snapshot; every field present; count 0 and unknown refused', async () => {
      const r = await create(alice.access_token, { products: [{ product_id: 'gold', count: 2 }] });
      assert.equal(r.status, 200, r.text);
      const o = r.json.order;
      assert.deepEqual(Object.keys(r.json), ['order']);
      assert.deepEqual(Object.keys(o), ['id', 'uid', 'state', 'amount', 'discount', 'pay', 'pay_at', 'products', 'created_at', 'updated_at', 'deleted_at']);
      assert.equal(o.uid, alice.uid);
      assert.deepEqual([o.state, o.amount, o.discount, o.pay, o.pay_at, o.updated_at, o.deleted_at], [0, 200, 0, 200, 0, 0, 0]);
      assert.equal(o.created_at, c.clock.now());
      assert.equal(decomposeId(o.id).ms, c.clock.now());
      assert.equal(o.products.length, 1);
      const line = o.products[0];
      assert.deepEqual(Object.keys(line), ['order_id', 'product_id', 'name', 'price', 'count', 'product_snapshot', 'detail']);
      const gold = await products('/gold');
      assert.deepEqual(line, { order_id: o.id, product_id: 'gold', name: 'Gold pack', price: 100, count: 2, product_snapshot: gold.json.snapshot, detail: gold.json.snapshots.at(-1).detail });
      badRequest(await create(alice.access_token, { products: [{ product_id: 'gold', count: 0 }] }), 'product count is zero');
      badRequest(await create(alice.access_token, { products: [{ product_id: 'nope', count: 1 }] }), 'unknown product: nope');
      const event = await c.server.services.db.selectFrom('events_outbox').selectAll().where('type', '=', 'order.created').orderBy('created_at', 'desc').execute();
      assert.ok(event.some((e) => JSON.parse(e.payload).order_id === o.id));
    });

    test('Order.Create refusals in check order', async () => {
      const t = alice.access_token;
      badRequest(await create(t, {}), 'no product');
      badRequest(await create(t, { products: [] }), 'no product');
      badRequest(await create(t, { products: null }), 'no product');
      badRequest(await create(t, { products: 'gold' }), 'products must be an array');
      const many = Array.from({ length: 51 }, () => ({ product_id: 5 }));
      badRequest(await create(t, { products: many }), /^too many products/);
      badRequest(await create(t, { products: [{ product_id: '', count: 'x' }] }), 'empty product identity');
      badRequest(await create(t, { products: [{ product_id: 'p'.repeat(65), count: 1 }] }), /^product identity too long/);
      badRequest(await create(t, { products: [{ count: 1 }] }), 'empty product identity');
      badRequest(await create(t, { products: [{ product_id: 12, count: 1 }] }), 'products[0].product_id must be a string');
      badRequest(await create(t, { products: [7] }), 'products[0] must be an object');
      badRequest(await create(t, { products: [{ product_id: 'gold' }] }), 'product count is zero');
      badRequest(await create(t, { products: [{ product_id: 'gold', count: -1 }] }), 'product count must be positive');
      badRequest(await create(t, { products: [{ product_id: 'gold', count: '-3' }] }), 'product count must be positive');
      badRequest(await create(t, { products: [{ product_id: 'gold', count: 10000 }] }), /^product count too large/);
      badRequest(await create(t, { products: [{ product_id: 'gold', count: 1.5 }] }), /^invalid products\[0\]\.count/);
      badRequest(await create(t, { products: [{ product_id: 'gold', count: 2147483648 }] }), /^invalid products\[0\]\.count/);
      badRequest(await create(t, { products: [{ product_id: 'gold', count: 'two' }] }), /^invalid products\[0\]\.count/);
      // Line by line: the first line's problem wins over a later line's.
      badRequest(await create(t, { products: [{ product_id: 'gold', count: 0 }, { product_id: 9, count: 'x' }] }), 'product count is zero');
      badRequest(await create(t, { products: [{ product_id: 'gold', count: 1 }, { product_id: 'nope', count: 1 }, { product_id: 'gold', count: -1 }] }), 'product count must be positive');
      badRequest(await create(t, { products: [{ product_id: 'nope1', count: 1 }, { product_id: 'nope2', count: 1 }] }), 'unknown product: nope1');
      badRequest(await create(t, { products: [{ product_id: 'gold', count: 9999 }, { product_id: 'gold', count: 1 }] }), /^product count too large/);
      await c.product(A, { product_id: 'whale', name: 'Whale', price_cent: 2147483647 });
      assert.equal((await create(t, { products: [{ product_id: 'whale', count: 1 }] })).status, 200);
      badRequest(await create(t, { products: [{ product_id: 'whale', count: 2 }] }), 'amount too large');
      // A product of another app is unknown here.
      await c.product(B, { product_id: 'b-only', name: 'B only', price_cent: 1 });
      badRequest(await create(t, { products: [{ product_id: 'b-only', count: 1 }] }), 'unknown product: b-only');
    });

    test('merging, code-point order of lines, camelCase and string counts, snapshots frozen in orders', async () => {
      const r = await create(alice.access_token, {
        products: [
          { productId: 'silver', count: '1' },
          { product_id: 'gold', count: 2 },
          { product_id: 'gold', count: 3 },
        ],
      });
      assert.equal(r.status, 200, r.text);
      const o = r.json.order;
      assert.deepEqual(o.products.map((l: { product_id: string; count: number }) => [l.product_id, l.count]), [['gold', 5], ['silver', 1]]);
      assert.equal(o.amount, 530);
      const before = o.products[1];
      c.clock.advance(3);
      await products('/silver', 'PATCH', { price_cent: 31, name: 'Silver II' });
      const page = await list(alice.access_token);
      const again = page.json.orders.find((x: { id: number }) => x.id === o.id);
      assert.deepEqual(again.products[1], before);
      const fresh = await create(alice.access_token, { products: [{ product_id: 'silver', count: 1 }] });
      assert.equal(fresh.json.order.products[0].price, 31);
      assert.notEqual(fresh.json.order.products[0].product_snapshot, before.product_snapshot);
    });

    test('Idempotency-Key on Order.Create: one order, identical replay', async () => {
      const t = (await c.login(A, 'ida')).access_token;
      const h = { 'idempotency-key': 'order-1' };
      const r1 = await create(t, { products: [{ product_id: 'gold', count: 1 }] }, h);
      const r2 = await create(t, { products: [{ productId: 'gold', count: 1 }] }, h);
      assert.equal(r2.text, r1.text);
      assert.equal(r2.headers.get('idempotent-replayed'), 'true');
      assert.equal((await list(t)).json.orders.length, 1);
    });

    test('§11.7 and §7.5: one order, 12 orders, exactly 20 orders; cursor as number or string', async () => {
      const solo = (await c.login(A, 'solo')).access_token;
      assert.equal((await list(solo)).text, '{"orders":[],"cursor":0}');
      const one = await create(solo, { products: [{ product_id: 'silver', count: 1 }] });
      const l1 = await list(solo, { cursor: 0 });
      assert.deepEqual(Object.keys(l1.json), ['orders', 'cursor']);
      assert.equal(l1.json.orders.length, 1);
      assert.equal(l1.json.orders[0].id, one.json.order.id);
      assert.equal(l1.json.cursor, 0);

      const twelve = (await c.login(A, 'twelve')).access_token;
      const ids: number[] = [];
      for (let i = 0; i < 12; i++) {
        c.clock.advance(1);
        ids.push((await create(twelve, { products: [{ product_id: 'silver', count: i + 1 }] })).json.order.id);
      }
      const p1 = await list(twelve, { cursor: 0 });
      assert.deepEqual(p1.json.orders.map((o: { id: number }) => o.id), [...ids].reverse().slice(0, 10));
      assert.equal(p1.json.cursor, p1.json.orders[9].id);
      const p2 = await list(twelve, { cursor: p1.json.cursor });
      assert.deepEqual(p2.json.orders.map((o: { id: number }) => o.id), [ids[1], ids[0]]);
      assert.equal(p2.json.cursor, 0);
      const p2s = await list(twelve, { cursor: String(p1.json.cursor) });
      assert.equal(p2s.text, p2.text);

      const twenty = (await c.login(A, 'twenty')).access_token;
      for (let i = 0; i < 20; i++) await create(twenty, { products: [{ product_id: 'silver', count: 1 }] });
      const q1 = await list(twenty);
      const q2 = await list(twenty, { cursor: q1.json.cursor });
      assert.equal(q2.json.orders.length, 10);
      assert.notEqual(q2.json.cursor, 0);
      const q3 = await list(twenty, { cursor: q2.json.cursor });
      assert.equal(q3.text, '{"orders":[],"cursor":0}');
      // Pages never overlap and cover every order, newest first.
      const all = [...q1.json.orders, ...q2.json.orders].map((o: { id: number }) => o.id);
      assert.equal(new Set(all).size, 20);
      assert.deepEqual(all, [...all].sort((a, b) => b - a));
    });

    test('Order.List: only the caller’s live orders; cursor format', async () => {
      const mine = (await c.login(A, 'owner')).access_token;
      const theirs = await c.login(A, 'stranger');
      const inB = await c.login(B, 'owner');
      const o = (await create(mine, { products: [{ product_id: 'silver', count: 1 }] })).json.order;
      await create(theirs.access_token, { products: [{ product_id: 'silver', count: 1 }] });
      await create(inB.access_token, { products: [{ product_id: 'gold', count: 1 }] });
      assert.deepEqual((await list(mine)).json.orders.map((x: { id: number }) => x.id), [o.id]);
      await c.server.services.db.updateTable('orders').set({ deleted_at: c.clock.now() }).where('id', '=', o.id).execute();
      assert.equal((await list(mine)).text, '{"orders":[],"cursor":0}');
      for (const cursor of [-1, 1.5, 'abc', '18446744073709551616', true, {}, '1e3']) {
        badRequest(await list(mine, { cursor }), /^invalid cursor/);
      }
      assert.equal((await list(mine, { cursor: '18446744073709551615' })).status, 200);
      assert.equal((await list(mine, { cursor: null })).status, 200);
    });

    test('concurrent Order.Create: distinct ids, every order stored once', async () => {
      const t = (await c.login(A, 'rush')).access_token;
      const answers = await Promise.all(Array.from({ length: 20 }, () => create(t, { products: [{ product_id: 'silver', count: 1 }] })));
      for (const a of answers) assert.equal(a.status, 200, a.text);
      const ids = answers.map((a) => a.json.order.id as number);
      assert.equal(new Set(ids).size, 20);
      const stored = await c.server.services.db.selectFrom('orders').select('id').where('uid', '=', answers[0]!.json.order.uid).execute();
      assert.equal(stored.length, 20);
    });
  });
}
