// M9–M11: developer registration, login, password change.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { STORES } from '../support/stores.js';
import { ADMIN, setup, type Ctx, type Dev } from './helpers.js';

for (const kind of STORES) {
  describe(`ulord users [${kind}]`, () => {
    let c: Ctx;
    let admin: Dev;
    let normal: Dev;
    let blocked: Dev;
    const reg = async (body: unknown, token?: string) => (await c.call('/v1/users/reg/', body, token ? { token } : {})).json;
    const login = async (body: unknown) => (await c.call('/v1/users/login/', body)).json;
    before(async () => {
      c = await setup(kind);
      admin = await c.dev('root', { roleId: ADMIN });
      normal = await c.dev('norm');
      blocked = await c.dev('blk', { roleId: 3, password: 'blocked-pw' });
    });
    after(() => c.close());

    test('M9 registers a developer with its ULD wallet; M10 logs in (case-insensitive) with a working token', async () => {
      const r = await reg({ username: 'Alice', password: 'alice-pw', email: 'Alice@Example.com', telphone: '+86 (10) 1234-567', extra: 'ignored' });
      assert.equal(r.errcode, 0);
      const id = r.result.id;
      assert.deepEqual(r, { errcode: 0, reason: 'success', result: { id } });
      const account = await c.server.services.db
        .selectFrom('ledger_accounts')
        .innerJoin('assets', 'assets.id', 'ledger_accounts.asset_id')
        .select(['assets.symbol', 'ledger_accounts.sub', 'ledger_accounts.balance'])
        .where('owner_kind', '=', 'developer')
        .where('owner_id', '=', String(id))
        .executeTakeFirst();
      assert.deepEqual({ ...account, balance: Number(account?.balance) }, { symbol: 'ULD', sub: 'balance', balance: 0 });
      const l = await c.call('/v1/users/login', { username: 'aLICE', password: 'alice-pw' });
      assert.equal(l.json.errcode, 0);
      assert.deepEqual(Object.keys(l.json.result), ['expires_at', 'id', 'token']);
      assert.equal(l.json.result.id, id);
      assert.match(l.json.result.token, /^[A-Za-z0-9_-]{43}$/);
      assert.match(l.json.result.expires_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}000\+00:00$/);
      const ttl = Date.parse(l.json.result.expires_at.replace('000+00:00', 'Z')) - Date.now();
      assert.ok(ttl > 21590_000 && ttl <= 21600_000, `ttl ${ttl}`);
      const list = await c.call('/v1/role/list', undefined, { token: l.json.result.token, method: 'GET' });
      assert.equal(list.json.errcode, 0);
      // The raw token is not stored.
      const rows = await c.server.services.db.selectFrom('developer_tokens').selectAll().execute();
      assert.ok(!JSON.stringify(rows, (_k, v) => (typeof v === 'bigint' ? String(v) : v)).includes(l.json.result.token));
    });

    test('M9 errors in order', async () => {
      // A supplied token must be valid, and its developer not blocked.
      assert.equal(await reg({ username: 'x1', password: 'secret1' }, 'bad-token').then((j) => j.errcode), 10011);
      assert.equal(await reg({ username: 'x1', password: 'secret1' }, blocked.token).then((j) => j.errcode), 20006);
      assert.equal((await reg({ password: 'secret1' })).errcode, 20100);
      assert.equal((await reg({ username: 'x1' })).errcode, 20100);
      assert.equal((await reg({ username: '', password: 'secret1' })).errcode, 20100);
      // Missing (20100) beats invalid (20101) of an earlier field.
      assert.equal((await reg({ username: 'has space' })).errcode, 20100);
      assert.equal((await reg({ username: 'has space', password: 'secret1' })).errcode, 20101);
      assert.equal((await reg({ username: 'a'.repeat(33), password: 'secret1' })).errcode, 20101);
      assert.equal((await reg({ username: 'ctl\u007f', password: 'secret1' })).errcode, 20101);
      assert.equal((await reg({ username: 'x1', password: '12345' })).errcode, 20101);
      assert.equal((await reg({ username: 'x1', password: 'p'.repeat(129) })).errcode, 20101);
      assert.equal((await reg({ username: 'x1', password: 'secret1', email: 'no-at' })).errcode, 20101);
      assert.equal((await reg({ username: 'x1', password: 'secret1', email: 'a@b@c' })).errcode, 20101);
      assert.equal((await reg({ username: 'x1', password: 'secret1', email: '@b' })).errcode, 20101);
      assert.equal((await reg({ username: 'x1', password: 'secret1', telphone: 'abc' })).errcode, 20101);
      assert.equal((await reg({ username: 'x1', password: 'secret1', telphone: '12' })).errcode, 20101);
      assert.equal((await reg({ username: 'x1', password: 'secret1', role_id: '2' })).errcode, 20101);
      assert.equal((await reg({ username: 'x1', password: 'secret1', role_id: 1 })).errcode, 10013);
      assert.equal((await reg({ username: 'x1', password: 'secret1', role_id: 999 }, normal.token)).errcode, 10013);
      assert.equal((await reg({ username: 'x1', password: 'secret1', role_id: 999 }, admin.token)).errcode, 20005);
      await reg({ username: 'Taken', password: 'secret1', email: 'taken@x.io', telphone: '555-0100' });
      assert.equal((await reg({ username: 'TAKEN', password: 'secret1', role_id: 999 }, admin.token)).errcode, 20005);
      assert.equal((await reg({ username: 'tAkEn', password: 'secret1', email: 'TAKEN@x.io' })).errcode, 20000);
      assert.equal((await reg({ username: 'x2', password: 'secret1', telphone: '555-0100', email: 'TAKEN@x.io' })).errcode, 20000);
      assert.equal((await reg({ username: 'x2', password: 'secret1', email: 'TAKEN@X.IO' })).errcode, 20001);
    });

    test('M9 role_id: default role for anyone, other roles only with an admin token', async () => {
      assert.equal((await reg({ username: 'dflt', password: 'secret1', role_id: 2 })).errcode, 0);
      const r = await reg({ username: 'admin2', password: 'secret1', role_id: 1 }, admin.token);
      assert.equal(r.errcode, 0);
      const t = (await login({ username: 'admin2', password: 'secret1' })).result.token;
      assert.equal((await c.call('/v1/role/add', { name: 'by-admin2' }, { token: t })).json.errcode, 0);
    });

    test('M9 registration closed → 10010 unless an admin token is presented', async () => {
      const cfg = c.server.services.config.ulord;
      cfg.registrationOpen = false;
      try {
        assert.equal((await reg({ username: 'closed1', password: 'secret1' })).errcode, 10010);
        assert.equal((await reg({ username: 'closed1', password: 'secret1' }, normal.token)).errcode, 10010);
        assert.equal((await reg({ username: 'closed1', password: 'secret1' }, 'garbage')).errcode, 10010);
        // 10010 comes before the body check.
        assert.equal((await c.call('/v1/users/reg', 'not json')).json.errcode, 10010);
        assert.equal((await reg({ username: 'closed1', password: 'secret1' }, admin.token)).errcode, 0);
      } finally {
        cfg.registrationOpen = true;
      }
    });

    test('M9 wallet asset disabled → 20205 with wallet_reason, nothing written', async () => {
      const db = c.server.services.db;
      await db.updateTable('assets').set({ enabled: 0 }).where('symbol', '=', 'ULD').execute();
      try {
        const r = await c.call('/v1/users/reg', { username: 'nowallet', password: 'secret1' });
        assert.equal(r.text, '{"errcode":20205,"reason":"用户注册失败,因为没有成功创建ulord钱包.","result":{"wallet_reason":"wallet_unavailable"}}');
      } finally {
        await db.updateTable('assets').set({ enabled: 1 }).where('symbol', '=', 'ULD').execute();
      }
      assert.equal((await login({ username: 'nowallet', password: 'secret1' })).errcode, 20003);
      assert.equal((await reg({ username: 'nowallet', password: 'secret1' })).errcode, 0);
    });

    test('M9 concurrent registrations of one username: exactly one wins, the rest get 20000', async () => {
      const results = await Promise.all(
        ['Race', 'race', 'RACE', 'rAce'].map((username) => reg({ username, password: 'secret1' }).then((j) => j.errcode)),
      );
      assert.deepEqual(results.sort(), [0, 20000, 20000, 20000]);
    });

    test('M10 errors in order', async () => {
      assert.equal((await login({ password: 'x' })).errcode, 20100);
      assert.equal((await login({ username: 'norm' })).errcode, 20100);
      assert.equal((await login({ username: 'norm', password: '' })).errcode, 20100);
      assert.equal((await login({ username: 5, password: 'x' })).errcode, 20101);
      assert.equal((await login({ username: 'ghost', password: 'x' })).errcode, 20003);
      assert.equal((await login({ username: 'norm', password: 'wrong' })).errcode, 20004);
      assert.equal((await login({ username: 'blk', password: 'wrong' })).errcode, 20004);
      assert.deepEqual(await login({ username: 'blk', password: 'blocked-pw' }), { errcode: 20006, reason: '用户被禁用.' });
    });

    test('M11 changes the password and revokes every other token; errors in order', async () => {
      await reg({ username: 'carol', password: 'carol-pw1' });
      const a = (await login({ username: 'carol', password: 'carol-pw1' })).result.token;
      const b = (await login({ username: 'carol', password: 'carol-pw1' })).result.token;
      const e = (body: unknown, token?: string) => c.call('/v1/users/edit/', body, token ? { token } : {}).then((r) => r.json.errcode);
      assert.equal(await e({ username: 'carol', password: 'carol-pw1', new_password: 'carol-pw2' }), 10011);
      assert.equal(await e({ username: 'carol', password: 'carol-pw1', new_password: 'carol-pw2' }, blocked.token), 20006);
      assert.equal(await e({ username: 'carol', password: 'carol-pw1' }, a), 20100);
      assert.equal(await e({ username: 'carol', password: 'carol-pw1', new_password: 'short' }, a), 20101);
      assert.equal(await e({ username: 'ghost', password: 'carol-pw1', new_password: 'carol-pw2' }, a), 20003);
      assert.equal(await e({ username: 'norm', password: 'wrong', new_password: 'carol-pw2' }, a), 10013);
      assert.equal(await e({ username: 'carol', password: 'wrong', new_password: 'carol-pw2' }, a), 20004);
      const ok = await c.call('/v1/users/edit', { username: 'CAROL', password: 'carol-pw1', new_password: 'carol-pw2' }, { token: a });
      assert.equal(ok.text, '{"errcode":0,"reason":"success"}');
      assert.equal((await c.call('/v1/role/list', undefined, { token: a, method: 'GET' })).json.errcode, 0);
      assert.equal((await c.call('/v1/role/list', undefined, { token: b, method: 'GET' })).json.errcode, 10011);
      assert.equal((await login({ username: 'carol', password: 'carol-pw1' })).errcode, 20004);
      assert.equal((await login({ username: 'carol', password: 'carol-pw2' })).errcode, 0);
    });
  });
}
