// M12–M15: app add / list / edit (= rebuild) / remove, ownership, secrets at rest.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { getAppByKey, getAppBySecret } from '../../src/core/identity/apps.js';
import { isValidUid } from '../../src/core/identity/uid.js';
import { STORES } from '../support/stores.js';
import { ADMIN, keysSorted, setup, type Ctx, type Dev } from './helpers.js';

for (const kind of STORES) {
  describe(`ulord apps [${kind}]`, () => {
    let c: Ctx;
    let admin: Dev;
    let alice: Dev;
    let bob: Dev;
    let blocked: Dev;
    let typeId: number;
    const as = (d: Dev) => ({ token: d.token });
    before(async () => {
      c = await setup(kind);
      [admin, alice, bob, blocked] = await Promise.all([c.dev('root', { roleId: ADMIN }), c.dev('alice'), c.dev('bob'), c.dev('blk', { roleId: 3 })]);
      typeId = (await c.call('/v1/type/add', { name: 'games' }, as(admin))).json.result.id;
    });
    after(() => c.close());

    test('M12 creates an app (uid id, 32-hex appkey and secret, wallet); M13 lists it with its secret', async () => {
      const r = await c.call('/v1/app/add/', { appname: 'Alpha', apptype_id: typeId, appdes: '第一个' }, as(alice));
      assert.equal(r.json.errcode, 0);
      const { appkey, id, secret } = r.json.result;
      assert.deepEqual(Object.keys(r.json.result), ['appkey', 'id', 'secret']);
      assert.match(appkey, /^[0-9a-f]{32}$/);
      assert.match(secret, /^[0-9a-f]{32}$/);
      assert.ok(isValidUid(id));
      const wallet = await c.server.services.db.selectFrom('ledger_accounts').select('sub').where('owner_kind', '=', 'app').where('owner_id', '=', String(id)).executeTakeFirst();
      assert.equal(wallet?.sub, 'balance');
      const second = (await c.call('/v1/app/add', { appname: 'Beta', apptype_id: typeId, user_id: String(alice.id) }, as(alice))).json.result;
      const list = await c.call('/v1/app/list/', {}, as(alice));
      assert.ok(keysSorted(list.json));
      assert.equal(list.json.result.length, 2);
      const [a, b] = list.json.result;
      assert.deepEqual(Object.keys(a), ['appdes', 'appkey', 'appname', 'create_timed', 'id', 'secret', 'type', 'update_timed']);
      assert.deepEqual({ ...a, create_timed: 'T' }, { appdes: '第一个', appkey, appname: 'Alpha', create_timed: 'T', id, secret, type: typeId, update_timed: null });
      assert.match(a.create_timed, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}000\+00:00$/);
      assert.equal(b.id, second.id);
      assert.ok(a.id < b.id);
      assert.equal(b.appdes, null);
      // user_id as an integer or a decimal string naming oneself.
      assert.equal((await c.call('/v1/app/list', { user_id: alice.id }, as(alice))).json.result.length, 2);
      assert.equal((await c.call('/v1/app/list', { user_id: String(alice.id) }, as(alice))).json.result.length, 2);
      // Bob sees none of them.
      assert.deepEqual((await c.call('/v1/app/list', undefined, as(bob))).json, { errcode: 0, reason: 'success', result: [] });
    });

    test('M12 errors in order', async () => {
      const add = (body: unknown, d?: Dev) => c.call('/v1/app/add', body, d ? as(d) : {}).then((r) => r.json.errcode);
      assert.equal(await add({ appname: 'x', apptype_id: typeId }), 10011);
      assert.equal(await add({ appname: 'x', apptype_id: typeId }, blocked), 20006);
      assert.equal(await add({ apptype_id: typeId }, alice), 20100);
      assert.equal(await add({ appname: 'x' }, alice), 20100);
      assert.equal(await add({ appname: 'x', apptype_id: null }, alice), 20100);
      assert.equal(await add({ user_id: 'abc', appname: 'x', apptype_id: typeId }, alice), 20101);
      assert.equal(await add({ appname: 'a'.repeat(129), apptype_id: typeId }, alice), 20101);
      assert.equal(await add({ appname: 'new\nline', apptype_id: typeId }, alice), 20101);
      assert.equal(await add({ appname: 'x', apptype_id: String(typeId) }, alice), 20101);
      assert.equal(await add({ appname: 'x', apptype_id: typeId, appdes: 'd'.repeat(501) }, alice), 20101);
      assert.equal(await add({ user_id: bob.id, appname: 'x', apptype_id: 999999 }, alice), 10013);
      assert.equal(await add({ user_id: 999999, appname: 'x', apptype_id: typeId }, admin), 20005);
      assert.equal(await add({ appname: 'x', apptype_id: 999999 }, alice), 20005);
      await add({ appname: 'Dup', apptype_id: typeId }, alice);
      assert.equal(await add({ appname: 'dUP', apptype_id: 999999 }, alice), 20005);
      assert.deepEqual(
        (await c.call('/v1/app/add', { appname: 'dUP', apptype_id: typeId }, as(alice))).json,
        { errcode: 20002, reason: '应用名已存在.' },
      );
      // Another developer may use the same name; an admin may create an app for someone else.
      assert.equal(await add({ appname: 'Dup', apptype_id: typeId }, bob), 0);
      const forBob = await c.call('/v1/app/add', { user_id: bob.id, appname: 'from-admin', apptype_id: typeId }, as(admin));
      assert.equal(forBob.json.errcode, 0);
      const bobs = (await c.call('/v1/app/list', {}, as(bob))).json.result.map((a: { appname: string }) => a.appname);
      assert.ok(bobs.includes('from-admin'));
    });

    test('M13 errors: 10011, 20101, 10013 (another developer), 20005 (admin, missing developer)', async () => {
      assert.equal((await c.call('/v1/app/list', {})).json.errcode, 10011);
      assert.equal((await c.call('/v1/app/list', { user_id: 'x' }, as(alice))).json.errcode, 20101);
      assert.equal((await c.call('/v1/app/list', { user_id: 1.5 }, as(alice))).json.errcode, 20101);
      assert.deepEqual((await c.call('/v1/app/list', { user_id: bob.id }, as(alice))).json, { errcode: 10013, reason: '无权限进行此操作.' });
      assert.equal((await c.call('/v1/app/list', { user_id: 999999 }, as(admin))).json.errcode, 20005);
      const seen = (await c.call('/v1/app/list', { user_id: String(bob.id) }, as(admin))).json;
      assert.equal(seen.errcode, 0);
      assert.ok(seen.result.length >= 1);
    });

    test('M14 edit and rebuild rotate the secret (update_timed set, old secret dead); errors in order', async () => {
      const { id, secret } = (await c.call('/v1/app/add', { appname: 'Rot', apptype_id: typeId }, as(alice))).json.result;
      const r1 = await c.call('/v1/app/edit/', { id }, as(alice));
      assert.deepEqual(Object.keys(r1.json.result), ['secret']);
      assert.match(r1.json.result.secret, /^[0-9a-f]{32}$/);
      assert.notEqual(r1.json.result.secret, secret);
      const r2 = await c.call('/v1/app/rebuild', { id, user_id: String(alice.id) }, as(alice));
      assert.notEqual(r2.json.result.secret, r1.json.result.secret);
      const listed = (await c.call('/v1/app/list', {}, as(alice))).json.result.find((a: { id: number }) => a.id === id);
      assert.equal(listed.secret, r2.json.result.secret);
      assert.match(listed.update_timed, /\+00:00$/);
      const db = c.server.services.db;
      assert.equal(await getAppBySecret(db, secret), null);
      assert.equal((await getAppBySecret(db, r2.json.result.secret))?.id, id);
      // Admins may act on anyone's app.
      assert.equal((await c.call('/v1/app/edit', { id, user_id: bob.id }, as(admin))).json.errcode, 0);
      const e = (body: unknown, d?: Dev) => c.call('/v1/app/edit', body, d ? as(d) : {}).then((r) => r.json.errcode);
      assert.equal(await e({ id }), 10011);
      assert.equal(await e({ id }, blocked), 20006);
      assert.equal(await e({ user_id: alice.id }, alice), 20100);
      assert.equal(await e({ id: String(id) }, alice), 20101);
      assert.equal(await e({ id, user_id: 'me' }, alice), 20101);
      assert.equal(await e({ id: 999999 }, bob), 20005);
      assert.equal(await e({ id }, bob), 10013);
      assert.equal(await e({ id, user_id: bob.id }, alice), 10013);
      assert.equal(await e({ id, user_id: bob.id }, bob), 10013);
    });

    test('M15 removes (name freed, appkey unknown, not listed, num 0 after); errors in order', async () => {
      const { id, appkey } = (await c.call('/v1/app/add', { appname: 'Gone', apptype_id: typeId }, as(alice))).json.result;
      const r = (body: unknown, d?: Dev) => c.call('/v1/app/remove/', body, d ? as(d) : {}).then((x) => x.json);
      assert.equal((await r({ id })).errcode, 10011);
      assert.equal((await r({ id }, blocked)).errcode, 20006);
      assert.equal((await r({}, alice)).errcode, 20100);
      assert.equal((await r({ id: 'x' }, alice)).errcode, 20101);
      assert.equal((await r({ id }, bob)).errcode, 10013);
      assert.deepEqual(await r({ id }, alice), { errcode: 0, reason: 'success', result: { num: 1 } });
      assert.deepEqual(await r({ id }, alice), { errcode: 0, reason: 'success', result: { num: 0 } });
      assert.deepEqual((await r({ id }, bob)).result, { num: 0 });
      assert.equal(await getAppByKey(c.server.services.db, appkey), null);
      const names = (await c.call('/v1/app/list', {}, as(alice))).json.result.map((a: { id: number }) => a.id);
      assert.ok(!names.includes(id));
      assert.equal((await c.call('/v1/app/edit', { id }, as(alice))).json.errcode, 20005);
      assert.equal((await c.call('/v1/app/add', { appname: 'gone', apptype_id: typeId }, as(alice))).json.errcode, 0);
      // An admin may remove another developer's app.
      const other = (await c.call('/v1/app/add', { appname: 'bob-app', apptype_id: typeId }, as(bob))).json.result.id;
      assert.deepEqual((await r({ id: other }, admin)).result, { num: 1 });
    });

    test('M12 concurrent adds of one name: exactly one wins, the rest get 20002', async () => {
      const results = await Promise.all(
        ['Same', 'same', 'SAME', 'sAme'].map((appname) => c.call('/v1/app/add', { appname, apptype_id: typeId }, as(bob)).then((r) => r.json.errcode)),
      );
      assert.deepEqual(results.sort(), [0, 20002, 20002, 20002]);
    });

    test('secrets are never stored in plain text', async () => {
      // Sent with an Idempotency-Key: the stored answer (which carries the secret, for byte-exact replays) is sealed.
      const headers = { 'idempotency-key': 'vault-1' };
      const first = await c.call('/v1/app/add', { appname: 'Vault', apptype_id: typeId }, { ...as(alice), headers });
      const replay = await c.call('/v1/app/add', { appname: 'Vault', apptype_id: typeId }, { ...as(alice), headers });
      assert.equal(replay.headers.get('idempotent-replayed'), 'true');
      assert.equal(replay.text, first.text);
      const { secret, appkey } = first.json.result;
      const rows = await c.server.services.db.selectFrom('apps').selectAll().execute();
      const dump = JSON.stringify(rows, (_k, v) => (typeof v === 'bigint' ? String(v) : v));
      assert.ok(dump.includes(appkey));
      assert.ok(!dump.includes(secret));
      const row = rows.find((x) => x.appkey === appkey)!;
      assert.equal(row.secret_hash, createHash('sha256').update(secret).digest('hex'));
      assert.match(row.secret_enc, /^v1\./);
      // Every other column of every table either: the raw secret appears nowhere.
      for (const table of ['developers', 'developer_tokens', 'idempotency_keys', 'ledger_accounts'] as const) {
        const all = await c.server.services.db.selectFrom(table).selectAll().execute();
        assert.ok(!JSON.stringify(all, (_k, v) => (typeof v === 'bigint' ? String(v) : v)).includes(secret), table);
      }
      // The SQLite file itself (and its write-ahead log) never holds the secret's bytes, in hex or raw.
      if (kind === 'sqlite') {
        const file = c.server.store.url.slice('sqlite:'.length);
        const bytes = Buffer.concat([file, `${file}-wal`].filter(existsSync).map((f) => readFileSync(f)));
        assert.ok(bytes.includes(Buffer.from(appkey)), 'the appkey is stored in clear, so the scan reads the data');
        assert.ok(!bytes.includes(Buffer.from(secret)) && !bytes.includes(Buffer.from(secret, 'hex')));
      }
    });
  });
}
