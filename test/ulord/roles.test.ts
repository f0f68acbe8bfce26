// M1–M4: role add / list / edit / remove — happy paths, every documented error in order, security.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { STORES } from '../support/stores.js';
import { ADMIN, setup, type Ctx, type Dev } from './helpers.js';

for (const kind of STORES) {
  describe(`ulord roles [${kind}]`, () => {
    let c: Ctx;
    let admin: Dev;
    let normal: Dev;
    let blocked: Dev;
    before(async () => {
      c = await setup(kind);
      admin = await c.dev('root', { roleId: ADMIN });
      normal = await c.dev('norm');
      blocked = await c.dev('blk', { roleId: 3 });
    });
    after(() => c.close());

    test('M2 lists the built-in roles in ascending id, any role may list', async () => {
      const r = await c.call('/v1/role/list/', undefined, { token: normal.token, method: 'GET' });
      assert.equal(r.status, 200);
      assert.equal(r.text.startsWith('{"errcode":0,"reason":"success","result":[{"des":"管理员","id":1,"name":"admin"}'), true);
      assert.deepEqual(
        r.json.result.slice(0, 3).map((x: { id: number; name: string }) => [x.id, x.name]),
        [[1, 'admin'], [2, 'normal'], [3, 'blocked']],
      );
    });

    test('M2 errors: no token 10011, blocked 20006', async () => {
      assert.equal((await c.call('/v1/role/list', undefined, { method: 'GET' })).json.errcode, 10011);
      assert.equal((await c.call('/v1/role/list', undefined, { method: 'GET', token: blocked.token })).json.errcode, 20006);
    });

    test('M1 add → id 4+, then M3 edit, M4 remove', async () => {
      const add = await c.call('/v1/role/add/', { name: 'editor', des: '编辑' }, { token: admin.token });
      assert.deepEqual(add.json, { errcode: 0, reason: 'success', result: { id: add.json.result.id } });
      assert.ok(add.json.result.id >= 4);
      const id = add.json.result.id;
      const edit = await c.call('/v1/role/edit', { id, name: 'Editor2', des: 'x' }, { token: admin.token });
      assert.equal(edit.text, '{"errcode":0,"reason":"success"}');
      const list = await c.call('/v1/role/list', undefined, { token: admin.token, method: 'GET' });
      assert.deepEqual(list.json.result.find((x: { id: number }) => x.id === id), { des: 'x', id, name: 'Editor2' });
      const ids = list.json.result.map((x: { id: number }) => x.id);
      assert.deepEqual(ids, [...ids].sort((a: number, b: number) => a - b));
      // Absent fields stay unchanged.
      await c.call('/v1/role/edit', { id, des: 'y' }, { token: admin.token });
      const again = await c.call('/v1/role/list', undefined, { token: admin.token, method: 'GET' });
      assert.deepEqual(again.json.result.find((x: { id: number }) => x.id === id), { des: 'y', id, name: 'Editor2' });
      assert.deepEqual((await c.call('/v1/role/remove', { id }, { token: admin.token })).json, { errcode: 0, reason: 'success', result: { num: 1 } });
      assert.deepEqual((await c.call('/v1/role/remove', { id }, { token: admin.token })).json.result, { num: 0 });
    });

    test('M1 errors in order', async () => {
      const t = { token: admin.token };
      assert.equal((await c.call('/v1/role/add', { name: 'x' })).json.errcode, 10011);
      assert.equal((await c.call('/v1/role/add', { name: 'x' }, { token: 'nope' })).json.errcode, 10011);
      assert.equal((await c.call('/v1/role/add', { name: 'x' }, { token: blocked.token })).json.errcode, 20006);
      assert.equal((await c.call('/v1/role/add', {}, { token: normal.token })).json.errcode, 10013);
      assert.equal((await c.call('/v1/role/add', {}, t)).json.errcode, 20100);
      assert.equal((await c.call('/v1/role/add', { name: '' }, t)).json.errcode, 20100);
      assert.equal((await c.call('/v1/role/add', { name: null, des: 5 }, t)).json.errcode, 20100);
      assert.equal((await c.call('/v1/role/add', { name: 'a'.repeat(33) }, t)).json.errcode, 20101);
      assert.equal((await c.call('/v1/role/add', { name: 'a\u0001b' }, t)).json.errcode, 20101);
      assert.equal((await c.call('/v1/role/add', { name: 7 }, t)).json.errcode, 20101);
      assert.equal((await c.call('/v1/role/add', { name: 'ok', des: 'd'.repeat(501) }, t)).json.errcode, 20101);
      const dup = await c.call('/v1/role/add', { name: 'ADMIN' }, t);
      assert.equal(dup.status, 400);
      assert.equal(dup.text, '{"errcode":400,"reason":"Bad Request."}');
      // 32 code points of CJK text are within the limit.
      const cjk = await c.call('/v1/role/add', { name: '角'.repeat(32), des: 'd'.repeat(500) }, t);
      assert.equal(cjk.json.errcode, 0);
    });

    test('M3 errors in order', async () => {
      const t = { token: admin.token };
      const id = (await c.call('/v1/role/add', { name: 'tmp-edit' }, t)).json.result.id;
      await c.call('/v1/role/add', { name: 'taken' }, t);
      assert.equal((await c.call('/v1/role/edit', { id, name: 'x' }, { token: normal.token })).json.errcode, 10013);
      assert.equal((await c.call('/v1/role/edit', { name: 'x' }, t)).json.errcode, 20100);
      assert.equal((await c.call('/v1/role/edit', { id: '1' }, t)).json.errcode, 20101);
      assert.equal((await c.call('/v1/role/edit', { id: 1.5 }, t)).json.errcode, 20101);
      assert.equal((await c.call('/v1/role/edit', { id: 99999, name: 'a'.repeat(33) }, t)).json.errcode, 20101);
      assert.equal((await c.call('/v1/role/edit', { id: 99999, name: 'TAKEN' }, t)).json.errcode, 20005);
      assert.equal((await c.call('/v1/role/edit', { id: 1, name: 'root' }, t)).json.errcode, 10013);
      assert.equal((await c.call('/v1/role/edit', { id: 2, name: 'taken' }, t)).json.errcode, 10013);
      // A built-in role's des may change (and naming it by its own name is no rename).
      assert.equal((await c.call('/v1/role/edit', { id: 1, name: 'admin', des: '超级管理员' }, t)).json.errcode, 0);
      const dup = await c.call('/v1/role/edit', { id, name: 'Taken' }, t);
      assert.equal(dup.status, 400);
      assert.equal(dup.json.errcode, 400);
    });

    test('M4 errors in order: built-in and in-use roles are refused with 10013', async () => {
      const t = { token: admin.token };
      assert.equal((await c.call('/v1/role/remove', { id: 1 }, { token: normal.token })).json.errcode, 10013);
      assert.equal((await c.call('/v1/role/remove', {}, t)).json.errcode, 20100);
      assert.equal((await c.call('/v1/role/remove', { id: 'x' }, t)).json.errcode, 20101);
      for (const id of [1, 2, 3]) assert.equal((await c.call('/v1/role/remove', { id }, t)).json.errcode, 10013);
      const id = (await c.call('/v1/role/add', { name: 'used' }, t)).json.result.id;
      await c.dev('user-of-role', { roleId: id });
      assert.equal((await c.call('/v1/role/remove', { id }, t)).json.errcode, 10013);
      assert.deepEqual((await c.call('/v1/role/remove', { id: 424242 }, t)).json.result, { num: 0 });
    });
  });
}
