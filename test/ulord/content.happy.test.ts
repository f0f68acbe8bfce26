// X4–X13 happy paths on both stores: §10 acceptance examples 7–10, the §8.3 table row by row, ads, exact inout
// sums, lists and pagination, disabled content, app isolation.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { claimIdOf } from '../../src/modules/content/claim.js';
import { STORES } from '../support/stores.js';
import { keysSorted } from './helpers.js';
import { ULD, world, type World } from './content.support.js';

const TS = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}000\+00:00$/;
const HASH = 'QmUH2NbKrURA6hAmJnhfP4VTDtkjUs3fVCN2L7DoE3JLmm';

for (const kind of STORES) {
  describe(`ulord content happy [${kind}]`, () => {
    let w: World;
    let C: string;
    before(async () => {
      w = await world(kind);
      await w.wallet('alice', 'a-secret');
      await w.wallet('bob', 'b-secret', '10');
      await w.wallet('carol', 'c-secret', '1');
    });
    after(() => w.close());

    test('§10 #7: publish returns claim_id = f(txid), id and txid', async () => {
      const r = await w.x('/v1/transactions/publish/', {
        author: 'alice', title: 't', tag: ['a'], ipfs_hash: HASH, price: 0.5, content_type: '.txt', pay_password: 'a-secret',
      });
      assert.equal(r.json.errcode, 0, r.text);
      assert.deepEqual(Object.keys(r.json.result), ['claim_id', 'id', 'txid']);
      assert.match(r.json.result.txid, /^[0-9a-f]{64}$/);
      assert.equal(r.json.result.claim_id, claimIdOf(r.json.result.txid));
      C = r.json.result.claim_id;
      // Publishing the same hash again makes a second resource with another claim.
      const again = await w.publish({ author: 'alice', ipfs_hash: HASH, pay_password: 'a-secret' });
      assert.notEqual(again.claim_id, C);
      assert.ok(again.id > r.json.result.id);
      // Its history row goes first (it references the content).
      await w.c.server.services.db.deleteFrom('content_history').where('content_id', '=', again.id).execute();
      await w.c.server.services.db.deleteFrom('content').where('id', '=', again.id).execute();
    });

    test('§10 #8: check, consume without password (20008), with it, and again (charged once)', async () => {
      const ff = 'f'.repeat(40);
      const chk = await w.x('/v1/transactions/check/', { username: 'bob', claim_ids: [C, ff] });
      assert.equal(chk.text, `{"errcode":0,"reason":"success","result":{"${C}":false,"${ff}":null}}`.replace(/\{"([0-9a-f]{40})":false,"(f{40})":null\}/, (m) => (C < ff ? m : `{"${ff}":null,"${C}":false}`)));
      assert.deepEqual((await w.x('/v1/transactions/consume/', { username: 'bob', claim_id: C })).json, { errcode: 20008, reason: '资源需付费.' });
      const before = await w.balance('bob');
      const ok = await w.x('/v1/transactions/consume/', { username: 'bob', claim_id: C, customer_pay_password: 'b-secret' });
      assert.deepEqual(ok.json, { errcode: 0, reason: 'success', result: { ipfs_hash: HASH } });
      const again = await w.x('/v1/transactions/consume/', { username: 'bob', claim_id: C, customer_pay_password: 'b-secret' });
      assert.deepEqual(again.json, ok.json);
      assert.equal(before - (await w.balance('bob')), ULD / 2n);
      assert.equal(await w.balance('alice'), ULD / 2n);
      assert.deepEqual((await w.x('/v1/transactions/check', { username: 'bob', claim_ids: [C] })).json.result, { [C]: HASH });
      // The transfer: ulord.purchase, memo ulord:<appkey>:<kind>:<claim_id>.
      const t = await w.c.server.services.db.selectFrom('ledger_transfers').select(['kind', 'memo', 'txid']).where('kind', '=', 'ulord.purchase').execute();
      assert.deepEqual(t.map((x) => [x.kind, x.memo]), [['ulord.purchase', `ulord:${w.K}:ulord.purchase:${C}`]]);
      const rec = await w.c.server.services.db.selectFrom('content_purchases').select('txid').execute();
      assert.deepEqual(rec.map((r) => r.txid), [t[0]!.txid]);
    });

    test('§10 #9, #10: inout and the content list (views 2)', async () => {
      const io = await w.x('/v1/transactions/publish/inout/', { username: 'alice' });
      assert.equal(io.text, '{"errcode":0,"reason":"success","result":{"customer_expenditure":{"count":0,"sum":null},"customer_income":{"count":0,"sum":null},"publisher_expenditure":{"count":0,"sum":null},"publisher_income":{"count":1,"sum":0.5}}}');
      const list = await w.x('/v1/content/list/1/10', undefined, { method: 'GET' });
      assert.equal(list.json.errcode, 0);
      assert.ok(keysSorted(list.json));
      assert.equal(list.json.result.total, 1);
      assert.equal(list.json.result.pages, 1);
      const [obj] = list.json.result.data;
      assert.deepEqual(Object.keys(obj), ['author', 'claim_id', 'content_type', 'create_timed', 'currency', 'des', 'id', 'price', 'status', 'tags', 'title', 'update_timed', 'views']);
      assert.deepEqual({ ...obj, create_timed: 'x', id: 0 }, {
        author: 'alice', claim_id: C, content_type: '.txt', create_timed: 'x', currency: 'ULD', des: null, id: 0, price: 0.5, status: 1, tags: ['a'], title: 't', update_timed: null, views: 2,
      });
      assert.match(obj.create_timed, TS);
      assert.ok(list.text.includes('"price":0.5,'));
      // Trailing slash and the /apps/<appkey> mount answer the same.
      assert.equal((await w.x('/v1/content/list/1/10/', undefined, { method: 'GET' })).text, list.text);
      assert.equal((await w.c.call(`/apps/${w.K}/v1/content/list/1/10`, undefined, { method: 'GET' })).text, list.text);
      assert.deepEqual((await w.x('/v1/content/list/0/10', undefined, { method: 'GET' })).json, { errcode: 20101, reason: '参数长度不符.' });
      const nf = await w.x('/v1/content/list/x/10', undefined, { method: 'GET' });
      assert.equal(nf.status, 404);
      assert.deepEqual(nf.json, { errcode: 404, reason: 'Not found.' });
      const m = await w.x('/v1/content/list/1/10', {});
      assert.equal(m.status, 405);
      assert.deepEqual(m.json, { errcode: 405, reason: 'Method Not Allowed.' });
    });

    test('§8.3 table: author and free content; ads pay the viewer from the author, once', async () => {
      const free = await w.publish({ author: 'alice', pay_password: 'a-secret', price: '0' });
      const ad = await w.publish({ author: 'carol', pay_password: 'c-secret', price: '-0.02', tag: 'promo', description: 'an ad' });
      // Author reads own paid content: hash, nothing paid, no view.
      assert.equal((await w.x('/v1/transactions/consume', { username: 'alice', claim_id: C })).json.result.ipfs_hash, HASH);
      // Free content: hash for anyone, even without a wallet; counted as a view, never recorded.
      assert.deepEqual((await w.x('/v1/transactions/check', { username: 'nobody', claim_ids: [free.claim_id] })).json.result, { [free.claim_id]: 'QmHash' });
      assert.equal((await w.x('/v1/transactions/consume', { username: 'nobody', claim_id: free.claim_id })).json.errcode, 0);
      // Ad: check false; consume needs the author's password (20100), then pays 0.02 carol → bob.
      assert.deepEqual((await w.x('/v1/transactions/check', { username: 'bob', claim_ids: [ad.claim_id] })).json.result, { [ad.claim_id]: false });
      assert.equal((await w.x('/v1/transactions/consume', { username: 'bob', claim_id: ad.claim_id })).json.errcode, 20100);
      const bob0 = await w.balance('bob');
      const carol0 = await w.balance('carol');
      const r = await w.x('/v1/transactions/consume', { username: 'bob', claim_id: ad.claim_id, author_pay_password: 'c-secret' });
      assert.deepEqual(r.json.result, { ipfs_hash: 'QmHash' });
      assert.equal((await w.x('/v1/transactions/consume', { username: 'bob', claim_id: ad.claim_id })).json.errcode, 0);
      assert.equal((await w.balance('bob')) - bob0, 2_000_000n);
      assert.equal(carol0 - (await w.balance('carol')), 2_000_000n);
      assert.deepEqual((await w.x('/v1/transactions/check', { username: 'bob', claim_ids: [ad.claim_id] })).json.result, { [ad.claim_id]: 'QmHash' });
      const t = await w.c.server.services.db.selectFrom('ledger_transfers').select(['memo']).where('kind', '=', 'ulord.ad_reward').execute();
      assert.deepEqual(t.map((x) => x.memo), [`ulord:${w.K}:ulord.ad_reward:${ad.claim_id}`]);
      const io = (await w.x('/v1/transactions/publish/inout', { username: 'bob' })).json.result;
      assert.deepEqual(io, { customer_expenditure: { count: 1, sum: 0.5 }, customer_income: { count: 1, sum: -0.02 }, publisher_expenditure: { count: 0, sum: null }, publisher_income: { count: 0, sum: null } });
      assert.deepEqual((await w.x('/v1/transactions/publish/inout', { username: 'carol' })).json.result.publisher_expenditure, { count: 1, sum: -0.02 });
      // X12: bob's records split into consumes and ads.
      const cl = (await w.x('/v1/content/consume/list/1/10/', { customer: 'bob' })).json.result;
      assert.deepEqual([cl.total, cl.pages, cl.consumes.map((x: any) => x.claim_id), cl.ads.map((x: any) => [x.claim_id, x.price, x.tags, x.des])], [2, 1, [C], [[ad.claim_id, -0.02, ['promo'], 'an ad']]]);
    });

    test('regression: one Idempotency-Key on two pages of a paged route is not a replay of the first page', async () => {
      const headers = { 'idempotency-key': 'paging-key' };
      const first = await w.x('/v1/transactions/customer/account/1/1', { customer: 'bob' }, { headers });
      const again = await w.x('/v1/transactions/customer/account/1/1', { customer: 'bob' }, { headers });
      const second = await w.x('/v1/transactions/customer/account/2/1', { customer: 'bob' }, { headers });
      assert.equal(again.headers.get('idempotent-replayed'), 'true');
      assert.equal(again.text, first.text);
      assert.equal(second.headers.get('idempotent-replayed'), null);
      assert.notEqual(second.text, first.text);
    });

    test('X7/X8 records: both id and claim_id, ascending time; X10 count; X13 author list', async () => {
      const pub = await w.x('/v1/transactions/publisher/account/1/10/', { author: 'alice' });
      assert.equal(pub.json.errcode, 0);
      assert.ok(keysSorted(pub.json));
      assert.deepEqual(Object.keys(pub.json.result), ['pages', 'records', 'total']);
      const [rec] = pub.json.result.records;
      assert.deepEqual(Object.keys(rec), ['author', 'claim_id', 'create_timed', 'customer', 'id', 'price', 'title', 'txid']);
      assert.deepEqual([rec.author, rec.claim_id, rec.id, rec.customer, rec.price, rec.title], ['alice', C, C, 'bob', 0.5, 't']);
      assert.match(rec.txid, /^[0-9a-f]{64}$/);
      const cus = (await w.x('/v1/transactions/customer/account/1/10', { customer: 'bob' })).json.result;
      assert.deepEqual([cus.total, cus.records.map((r: any) => r.price)], [2, [0.5, -0.02]]);
      assert.deepEqual((await w.x('/v1/transactions/publish/count', { author: 'alice' })).json, { errcode: 0, reason: 'success', result: { count: 2 } });
      assert.deepEqual((await w.x('/v1/transactions/publish/count', { author: 'nobody' })).json.result, { count: 0 });
      const pl = (await w.x('/v1/content/publish/list/1/1', { author: 'alice' })).json.result;
      assert.deepEqual([pl.total, pl.pages, pl.data.length], [2, 2, 1]);
      assert.equal(pl.data[0].claim_id, C);
    });

    test('pagination: stable order, past the end is empty, num max, 20101 edges', async () => {
      for (let i = 0; i < 3; i++) await w.publish({ author: 'carol', pay_password: 'c-secret', title: `p${i}` });
      const all = (await w.x('/v1/content/list/1/100', undefined, { method: 'GET' })).json.result;
      const ids = all.data.map((d: any) => d.id);
      assert.deepEqual(ids, [...ids].sort((a: number, b: number) => a - b));
      const pages: number[] = [];
      for (let p = 1; p <= Math.ceil(all.total / 2); p++) pages.push(...(await w.x(`/v1/content/list/${p}/2`, undefined, { method: 'GET' })).json.result.data.map((d: any) => d.id));
      assert.deepEqual(pages, ids);
      const past = (await w.x('/v1/content/list/99/2', undefined, { method: 'GET' })).json;
      assert.deepEqual(past.result, { data: [], pages: Math.ceil(all.total / 2), total: all.total });
      assert.deepEqual((await w.x('/v1/content/list/123456789012345678901234567890/2', undefined, { method: 'GET' })).json.result.data, []);
      assert.equal((await w.x('/v1/content/list/1/0', undefined, { method: 'GET' })).json.errcode, 20101);
      assert.equal((await w.x('/v1/content/list/1/101', undefined, { method: 'GET' })).json.errcode, 20101);
      assert.equal((await w.x('/v1/content/list/1/-1', undefined, { method: 'GET' })).status, 404);
      assert.equal((await w.x('/v1/content/list/1', undefined, { method: 'GET' })).status, 404);
      assert.equal((await w.x('/v1/transactions/publisher/account/a/1', { author: 'alice' })).status, 404);
      assert.equal((await w.x('/v1/content/publish/list/1/1.5', { author: 'alice' })).status, 404);
      const empty = (await w.x('/v1/content/consume/list/1/10', { customer: 'nobody' })).json.result;
      assert.deepEqual(empty, { ads: [], consumes: [], pages: 0, total: 0 });
    });

    test('disabled content leaves X5, X6, X11 but stays in X7–X10, X12, X13', async () => {
      const db = w.c.server.services.db;
      await db.updateTable('content').set({ enabled: 0 }).where('claim_id', '=', C).execute();
      try {
        assert.deepEqual((await w.x('/v1/transactions/check', { username: 'bob', claim_ids: [C] })).json.result, { [C]: null });
        assert.deepEqual((await w.x('/v1/transactions/consume', { username: 'bob', claim_id: C })).json, { errcode: 20007, reason: '资源不存在.' });
        assert.ok(!(await w.x('/v1/content/list/1/100', undefined, { method: 'GET' })).json.result.data.some((d: any) => d.claim_id === C));
        assert.equal((await w.x('/v1/transactions/publisher/account/1/10', { author: 'alice' })).json.result.total, 1);
        assert.equal((await w.x('/v1/transactions/customer/account/1/10', { customer: 'bob' })).json.result.total, 2);
        assert.equal((await w.x('/v1/transactions/publish/inout', { username: 'alice' })).json.result.publisher_income.count, 1);
        assert.equal((await w.x('/v1/transactions/publish/count', { author: 'alice' })).json.result.count, 2);
        assert.deepEqual((await w.x('/v1/content/consume/list/1/10', { customer: 'bob' })).json.result.consumes.map((x: any) => x.claim_id), [C]);
        assert.ok((await w.x('/v1/content/publish/list/1/10', { author: 'alice' })).json.result.data.some((d: any) => d.claim_id === C));
      } finally {
        await db.updateTable('content').set({ enabled: 1 }).where('claim_id', '=', C).execute();
      }
    });

    test("another app's content is invisible (same names, same claim ids)", async () => {
      await w.wallet('bob', 'b2', '1', w.K2);
      const o = { appkey: w.K2 };
      assert.deepEqual((await w.x('/v1/transactions/check', { username: 'bob', claim_ids: [C] }, o)).json.result, { [C]: null });
      assert.equal((await w.x('/v1/transactions/consume', { username: 'bob', claim_id: C, customer_pay_password: 'b2' }, o)).json.errcode, 20007);
      assert.deepEqual((await w.x('/v1/content/list/1/10', undefined, { ...o, method: 'GET' })).json.result, { data: [], pages: 0, total: 0 });
      assert.equal((await w.x('/v1/transactions/customer/account/1/10', { customer: 'bob' }, o)).json.result.total, 0);
      assert.equal((await w.x('/v1/transactions/publish/count', { author: 'alice' }, o)).json.result.count, 0);
      assert.equal((await w.x('/v1/transactions/publish/inout', { username: 'alice' }, o)).json.result.publisher_income.count, 0);
      assert.equal((await w.x('/v1/content/publish/list/1/10', { author: 'alice' }, o)).json.result.total, 0);
      assert.equal((await w.x('/v1/content/consume/list/1/10', { customer: 'bob' }, o)).json.result.total, 0);
    });

    test('inout sums are exact: 0.1 + 0.2 = 0.3', async () => {
      await w.wallet('dora', 'd', '1');
      const p1 = await w.publish({ author: 'dora', pay_password: 'd', price: 0.1 });
      const p2 = await w.publish({ author: 'dora', pay_password: 'd', price: '0.2' });
      const p3 = await w.publish({ author: 'dora', pay_password: 'd', price: 1e-8 });
      for (const p of [p1, p2, p3]) assert.equal((await w.x('/v1/transactions/consume', { username: 'carol', claim_id: p.claim_id, customer_pay_password: 'c-secret' })).json.errcode, 0);
      const r = await w.x('/v1/transactions/publish/inout', { username: 'dora' });
      assert.ok(r.text.includes('"publisher_income":{"count":3,"sum":0.30000001}'), r.text);
    });
  });
}
