// M5–M8: app type add / list / edit / remove.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { STORES } from '../support/stores.js';
import { ADMIN, keysSorted, setup, type Ctx, type Dev } from './helpers.js';

for (const kind of STORES) {
  describe(`ulord app types [${kind}]`, () => {
    let c: Ctx;
    let admin: Dev;
    let normal: Dev;
    let blocked: Dev;
    const add = async (body: unknown) => (await c.call('/v1/type/add', body, { token: admin.token })).json;
    before(async () => {
      c = await setup(kind);
      admin = await c.dev('root', { roleId: ADMIN });
      normal = await c.dev('norm');
      blocked = await c.dev('blk', { roleId: 3 });
    });
    after(() => c.close());

    test('M5 add + M6 tree: nested children, leaves without `children`, siblings by id', async () => {
      const text = (await add({ name: '文字', des: '博客,论坛等等' })).result.id;
      const pic = (await add({ name: '图片', des: '图片', parent_id: 0 })).result.id;
      const blog = (await add({ name: '博客', des: 'boke', parent_id: text })).result.id;
      const deep = (await add({ name: 'deep', parent_id: blog, des: null })).result.id;
      const r = await c.call('/v1/type/list/', undefined, { token: normal.token, method: 'GET' });
      assert.equal(r.json.errcode, 0);
      assert.ok(keysSorted(r.json));
      const mine = r.json.result.filter((n: { id: number }) => [text, pic].includes(n.id));
      assert.deepEqual(mine, [
        {
          children: [{ children: [{ des: null, id: deep, name: 'deep', parent_id: blog }], des: 'boke', id: blog, name: '博客', parent_id: text }],
          des: '博客,论坛等等',
          id: text,
          name: '文字',
          parent_id: null,
        },
        { des: '图片', id: pic, name: '图片', parent_id: null },
      ]);
      assert.ok(r.text.includes('{"des":"图片","id":' + pic + ',"name":"图片","parent_id":null}'));
    });

    test('M5 errors in order', async () => {
      assert.equal((await c.call('/v1/type/add', { name: 'x' })).json.errcode, 10011);
      assert.equal((await c.call('/v1/type/add', { name: 'x' }, { token: blocked.token })).json.errcode, 20006);
      assert.equal((await c.call('/v1/type/add', { name: 'x' }, { token: normal.token })).json.errcode, 10013);
      assert.equal((await add({ parent_id: 'x' })).errcode, 20100);
      assert.equal((await add({ parent_id: 'x', name: 'n1' })).errcode, 20101);
      assert.equal((await add({ name: 'a'.repeat(33) })).errcode, 20101);
      assert.equal((await add({ name: 'tab\there' })).errcode, 20101);
      assert.equal((await add({ name: 'n1', des: 'd'.repeat(257) })).errcode, 20101);
      assert.equal((await add({ name: 'n1', parent_id: 987654 })).errcode, 20005);
      await add({ name: 'Unique' });
      const dup = await c.call('/v1/type/add', { name: 'UNIQUE' }, { token: admin.token });
      assert.equal(dup.status, 400);
      assert.equal(dup.text, '{"errcode":400,"reason":"Bad Request."}');
      // Parent is checked before the name.
      assert.equal((await add({ name: 'unique', parent_id: 987654 })).errcode, 20005);
    });

    test('M7 edit: rename, re-describe, move, move to top with 0; errors in order', async () => {
      const a = (await add({ name: 'E-a' })).result.id;
      const b = (await add({ name: 'E-b', parent_id: a })).result.id;
      const cc = (await add({ name: 'E-c', parent_id: b })).result.id;
      const t = { token: admin.token };
      assert.equal((await c.call('/v1/type/edit', { id: b, name: 'E-b2', des: 'bee' }, t)).text, '{"errcode":0,"reason":"success"}');
      assert.equal((await c.call('/v1/type/edit', { id: cc, parent_id: 0 }, t)).json.errcode, 0);
      assert.equal((await c.call('/v1/type/edit', { id: cc, parent_id: null, des: 'kept parent' }, t)).json.errcode, 0);
      let list = (await c.call('/v1/type/list', undefined, { ...t, method: 'GET' })).json.result;
      assert.deepEqual(list.find((n: { id: number }) => n.id === cc), { des: 'kept parent', id: cc, name: 'E-c', parent_id: null });
      assert.deepEqual(list.find((n: { id: number }) => n.id === a).children, [{ des: 'bee', id: b, name: 'E-b2', parent_id: a }]);
      // Errors.
      assert.equal((await c.call('/v1/type/edit', { id: a, name: 'z' }, { token: normal.token })).json.errcode, 10013);
      assert.equal((await c.call('/v1/type/edit', { name: 'z' }, t)).json.errcode, 20100);
      assert.equal((await c.call('/v1/type/edit', { id: 'a' }, t)).json.errcode, 20101);
      assert.equal((await c.call('/v1/type/edit', { id: a, parent_id: 1.5 }, t)).json.errcode, 20101);
      assert.equal((await c.call('/v1/type/edit', { id: 999999, name: 'E-a' }, t)).json.errcode, 20005);
      assert.equal((await c.call('/v1/type/edit', { id: a, parent_id: 999999 }, t)).json.errcode, 20005);
      assert.equal((await c.call('/v1/type/edit', { id: a, parent_id: a }, t)).json.errcode, 20101);
      await c.call('/v1/type/edit', { id: cc, parent_id: b }, t);
      assert.equal((await c.call('/v1/type/edit', { id: a, parent_id: cc }, t)).json.errcode, 20101);
      const dup = await c.call('/v1/type/edit', { id: a, name: 'e-B2' }, t);
      assert.equal(dup.status, 400);
      // Cycle is checked before the duplicate name.
      assert.equal((await c.call('/v1/type/edit', { id: a, name: 'e-B2', parent_id: b }, t)).json.errcode, 20101);
      list = (await c.call('/v1/type/list', undefined, { ...t, method: 'GET' })).json.result;
      assert.ok(list.some((n: { id: number }) => n.id === a));
    });

    test('M8 remove: leaf → 1, missing → 0; children or live apps → 10013', async () => {
      const t = { token: admin.token };
      const p = (await add({ name: 'R-p' })).result.id;
      const ch = (await add({ name: 'R-c', parent_id: p })).result.id;
      assert.equal((await c.call('/v1/type/remove', { id: p }, { token: normal.token })).json.errcode, 10013);
      assert.equal((await c.call('/v1/type/remove', {}, t)).json.errcode, 20100);
      assert.equal((await c.call('/v1/type/remove', { id: '1' }, t)).json.errcode, 20101);
      assert.equal((await c.call('/v1/type/remove', { id: p }, t)).json.errcode, 10013);
      const app = await c.call('/v1/app/add', { appname: 'uses-type', apptype_id: ch }, { token: normal.token });
      assert.equal(app.json.errcode, 0);
      assert.equal((await c.call('/v1/type/remove', { id: ch }, t)).json.errcode, 10013);
      assert.equal((await c.call('/v1/app/remove', { id: app.json.result.id }, { token: normal.token })).json.result.num, 1);
      assert.deepEqual((await c.call('/v1/type/remove', { id: ch }, t)).json, { errcode: 0, reason: 'success', result: { num: 1 } });
      assert.deepEqual((await c.call('/v1/type/remove', { id: p }, t)).json.result, { num: 1 });
      assert.deepEqual((await c.call('/v1/type/remove', { id: p }, t)).json.result, { num: 0 });
    });
  });
}
