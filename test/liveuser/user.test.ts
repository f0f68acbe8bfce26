// User.Set / User.Get over HTTP on both stores (spec/liveuser.md §6.1, §6.2, §7.2; §11 examples 4 and 5): the record
// per (app, uid), full replacement, camelCase input, every refusal in check order, ownership (the token's own
// record only), records per app, and Idempotency-Key replay.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { STORES } from '../support/stores.js';
import { badRequest, notFound, startLiveuser, type LiveApp, type LiveCtx } from './support.js';

for (const kind of STORES) {
  describe(`liveuser User.Set / User.Get [${kind}]`, () => {
    let c: LiveCtx;
    let A: LiveApp;
    let B: LiveApp;

    const set = (token: string, body: unknown, headers: Record<string, string> = {}) => c.call('/liveuser/User/Set', body, { token, headers });
    const get = (token: string) => c.call('/liveuser/User/Get', {}, { token });

    before(async () => {
      c = await startLiveuser(kind);
      A = await c.createApp('Alpha');
      B = await c.createApp('Beta');
    });
    after(() => c.close());

    test('§11.4: 404 before any Set, then Set replaces all fields and Get shows them with update_at', async () => {
      const t = await c.login(A, 'alice');
      const none = await get(t.access_token);
      assert.equal(none.text, '{"id":"E0102","code":404,"detail":"no such user","status":"Not Found"}');
      const r = await set(t.access_token, { user: { name: 'Alice' } });
      assert.equal(r.status, 200, r.text);
      assert.equal(r.text, '{}');
      const g = await get(t.access_token);
      assert.equal(g.status, 200);
      assert.equal(g.text, `{"user":{"uid":"${t.uid}","name":"Alice","agent":"","update_at":${c.clock.now()},"avatar":""}}`);
      c.clock.advance(1234);
      assert.equal((await set(t.access_token, { user: { uid: t.uid, agent: 'iPhone', avatar: 'https://a/b.png', update_at: 5, extra: true }, other: 1 })).status, 200);
      const g2 = await get(t.access_token);
      // The call replaces: name left out becomes "", update_at is the server's time.
      assert.deepEqual(g2.json, { user: { uid: t.uid, name: '', agent: 'iPhone', update_at: c.clock.now(), avatar: 'https://a/b.png' } });
    });

    test('§11.5: another uid is refused; the checks run in order', async () => {
      const t = await c.login(A, 'bob');
      badRequest(await set(t.access_token, { user: { uid: 'someone-else', name: 'x' } }), 'only your account is allowed');
      badRequest(await set(t.access_token, {}), 'user is nil');
      badRequest(await set(t.access_token, { user: null }), 'user is nil');
      badRequest(await set(t.access_token, { user: 'Alice' }), 'user is nil');
      badRequest(await set(t.access_token, { user: [] }), 'user is nil');
      badRequest(await set(t.access_token, { user: { uid: 7 } }), 'user.uid must be a string');
      badRequest(await set(t.access_token, { user: { uid: 'someone-else', name: 5 } }), 'only your account is allowed');
      badRequest(await set(t.access_token, { user: { name: 5 } }), 'user.name must be a string');
      badRequest(await set(t.access_token, { user: { name: 'x'.repeat(129) } }), /^user\.name too long/);
      badRequest(await set(t.access_token, { user: { name: 'x'.repeat(129), agent: 1 } }), /^user\.name too long/);
      badRequest(await set(t.access_token, { user: { agent: 'a'.repeat(257) } }), /^user\.agent too long/);
      badRequest(await set(t.access_token, { user: { avatar: 'a'.repeat(2049) } }), /^user\.avatar too long/);
      // Limits count code points: 128 four-byte characters fit.
      assert.equal((await set(t.access_token, { user: { name: '😀'.repeat(128), agent: 'a'.repeat(256), avatar: 'a'.repeat(2048) } })).status, 200);
      // Nothing a refused call carried was written.
      assert.equal((await get(t.access_token)).json.user.name, '😀'.repeat(128));
      assert.equal((await set(t.access_token, { user: { uid: '' , name: 'empty uid is self' } })).status, 200);
    });

    test('records are per app and per uid; camelCase fields are read', async () => {
      const inA = await c.login(A, 'cy');
      const inB = await c.login(B, 'cy');
      await set(inA.access_token, { user: { name: 'A-side' } });
      notFound(await get(inB.access_token), 'no such user');
      await set(inB.access_token, { user: { name: 'B-side', updateAt: 1 } });
      assert.equal((await get(inA.access_token)).json.user.name, 'A-side');
      assert.equal((await get(inB.access_token)).json.user.name, 'B-side');
      const other = await c.login(A, 'dee');
      notFound(await get(other.access_token), 'no such user');
      // A second login (new family) reads the same record.
      assert.equal((await get((await c.login(A, 'cy')).access_token)).json.user.name, 'A-side');
    });

    test('Idempotency-Key: the same Set replays, another body conflicts; scoped per user', async () => {
      const t = await c.login(A, 'eve');
      const h = { 'idempotency-key': 'set-1' };
      const r1 = await set(t.access_token, { user: { name: 'one' } }, h);
      c.clock.advance(10);
      const r2 = await set(t.access_token, { user: { name: 'one' } }, h);
      assert.equal(r2.text, r1.text);
      assert.equal(r2.headers.get('idempotent-replayed'), 'true');
      // The replay wrote nothing: update_at is the first call's.
      assert.equal((await get(t.access_token)).json.user.update_at, c.clock.now() - 10);
      const r3 = await set(t.access_token, { user: { name: 'two' } }, h);
      assert.equal(r3.status, 409);
      assert.equal(r3.json.detail, 'idempotency key reused with different input');
      // Another user's same key is their own.
      const u = await c.login(A, 'fin');
      const r4 = await set(u.access_token, { user: { name: 'two' } }, h);
      assert.equal(r4.status, 200);
      assert.equal(r4.headers.get('idempotent-replayed'), null);
    });

    test('concurrent first Sets end as one record', async () => {
      const t = await c.login(A, 'gil');
      const answers = await Promise.all(Array.from({ length: 6 }, (_v, i) => set(t.access_token, { user: { name: `n${i}` } })));
      for (const a of answers) assert.equal(a.status, 200, a.text);
      const rows = await c.server.services.db.selectFrom('liveuser_profiles').selectAll().where('uid', '=', t.uid).execute();
      assert.equal(rows.length, 1);
    });
  });
}
