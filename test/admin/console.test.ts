// Admin API routes of the developer console (admin/consoleRoutes.ts), on both stores: public sign-up and sign-in
// (rate limit, idempotency per IP, audit with the password redacted), sign-out and "me"; apps (list / create with the
// secret once / read / rename) with ownership; the developer directory with block / unblock; roles and app types;
// per-app orders, charges and content, each bound to the app and its owner; ledger volume per hour and day.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { identityDeps } from '../../src/admin/deps.js';
import { listAudit } from '../../src/core/events/audit.js';
import { addAppType } from '../../src/core/identity/appTypes.js';
import { registerUser } from '../../src/core/identity/users.js';
import { ensureAccount } from '../../src/core/ledger/accounts.js';
import { ensureAsset } from '../../src/core/ledger/assets.js';
import { issue, transfer } from '../../src/core/ledger/transfers.js';
import { ensureAppAccounts, ensureBilling, ensureUserAccounts } from '../../src/modules/billing/accounts.js';
import { KIND_CHARGE, KIND_FORCE_CHARGE } from '../../src/modules/billing/service.js';
import { insertContent, updateEnabled } from '../../src/modules/content/repository.js';
import { STORES } from '../support/stores.js';
import { startAdminFixture, type AdminFixture } from './support.js';

const HOUR = 3_600_000;

for (const kind of STORES) {
  describe(`admin API: developer console routes [${kind}]`, () => {
    let f: AdminFixture;
    let appA: number; // alice's
    let appB: number; // bob's
    before(async () => {
      f = await startAdminFixture(kind);
      appA = await f.createApp(f.dev.developer.id, 'alice-shop');
      appB = await f.createApp(f.other.developer.id, 'bob-shop');
    });
    after(() => f.close());

    const pub = (path: string, body: unknown, headers: Record<string, string> = {}) => f.call('POST', path, { token: null, body, headers });

    test('sign up, sign in, me, sign out', async () => {
      const reg = await pub('/admin/v1/developers/register', { username: 'carol', password: 'hunter22', email: 'carol@example.com' });
      assert.equal(reg.status, 201, reg.text);
      assert.equal(reg.json.username, 'carol');
      assert.equal(reg.json.role, 'normal');
      assert.deepEqual([reg.json.is_admin, reg.json.blocked, reg.json.email, reg.json.phone], [false, false, 'carol@example.com', null]);

      const login = await pub('/admin/v1/sessions', { username: 'CAROL', password: 'hunter22' });
      assert.equal(login.status, 201, login.text);
      assert.match(login.json.token, /^\S{20,}$/);
      assert.equal(login.json.developer.id, reg.json.id);
      assert.ok(Date.parse(login.json.expires_at) > Date.now());
      const token = login.json.token as string;

      const me = await f.call('GET', '/admin/v1/me', { token });
      assert.deepEqual([me.status, me.json.id, me.json.username], [200, reg.json.id, 'carol']);

      // A second session stays valid when the first signs out.
      const second = (await pub('/admin/v1/sessions', { username: 'carol', password: 'hunter22' })).json.token as string;
      const out = await f.call('POST', '/admin/v1/sessions/current/revoke', { token, body: {} });
      assert.deepEqual([out.status, out.json], [200, { revoked: true }]);
      assert.equal((await f.call('GET', '/admin/v1/me', { token })).status, 401);
      assert.equal((await f.call('GET', '/admin/v1/me', { token: second })).status, 200);
      assert.equal((await f.call('GET', '/admin/v1/me', { token: null })).status, 401);
    });

    test('sign-up refusals: taken username / email, bad fields, closed registration', async () => {
      const taken = await pub('/admin/v1/developers/register', { username: 'Alice', password: 'secret99' });
      assert.deepEqual([taken.status, taken.json.error.code], [409, 'username_taken']);
      await pub('/admin/v1/developers/register', { username: 'dave', password: 'secret99', email: 'd@example.com' });
      const email = await pub('/admin/v1/developers/register', { username: 'dave2', password: 'secret99', email: 'D@EXAMPLE.com' });
      assert.deepEqual([email.status, email.json.error.code], [409, 'email_taken']);
      for (const body of [
        { username: 'eve', password: 'short' },
        { username: 'has space', password: 'secret99' },
        { username: 'eve' },
        { username: 'eve', password: 'secret99', role_id: 1 },
        { username: 'eve', password: 'secret99', email: 'not-an-email' },
      ]) {
        const r = await pub('/admin/v1/developers/register', body);
        assert.deepEqual([r.status, r.json.error.code], [400, 'invalid_request'], JSON.stringify(body));
      }
      assert.equal((await pub('/admin/v1/developers/register', '{not json')).status, 400);
      const ulord = f.server.services.config.ulord;
      ulord.registrationOpen = false;
      try {
        const closed = await pub('/admin/v1/developers/register', { username: 'eve', password: 'secret99' });
        assert.deepEqual([closed.status, closed.json.error.code], [403, 'forbidden']);
      } finally {
        ulord.registrationOpen = true;
      }
      const count = await f.server.services.db.selectFrom('developers').select('id').where('username_lower', '=', 'eve').execute();
      assert.equal(count.length, 0);
    });

    test('sign-in refusals: one answer for unknown user and wrong password; blocked is 403', async () => {
      const wrong = await pub('/admin/v1/sessions', { username: 'alice', password: 'nope-nope' });
      const unknown = await pub('/admin/v1/sessions', { username: 'nobody', password: 'nope-nope' });
      assert.deepEqual([wrong.status, wrong.json.error.code], [401, 'unauthorized']);
      assert.deepEqual(unknown.json, wrong.json);
      const blocked = await pub('/admin/v1/sessions', { username: 'mallory', password: 'secret1' });
      assert.deepEqual([blocked.status, blocked.json.error.code], [403, 'forbidden']);
      const missing = await pub('/admin/v1/sessions', { username: 'alice' });
      assert.equal(missing.status, 400);
    });

    test('public writes are idempotent per client and audited with the password redacted', async () => {
      const body = { username: 'frank', password: 'frankly99' };
      const first = await pub('/admin/v1/developers/register', body, { 'idempotency-key': 'reg-frank' });
      const again = await pub('/admin/v1/developers/register', body, { 'idempotency-key': 'reg-frank' });
      assert.equal(first.status, 201);
      assert.deepEqual([again.status, again.json, again.headers.get('idempotent-replayed')], [201, first.json, 'true']);
      const other = await pub('/admin/v1/developers/register', { ...body, username: 'frank2' }, { 'idempotency-key': 'reg-frank' });
      assert.deepEqual([other.status, other.json.error.code], [409, 'idempotency_conflict']);
      const rows = await f.server.services.db.selectFrom('developers').select('id').where('username_lower', 'in', ['frank', 'frank2']).execute();
      assert.equal(rows.length, 1);

      const audit = await listAudit(f.server.services.db, { actor: 'ip:127.0.0.1', limit: 50 });
      const entry = audit.find((e) => e.action === 'admin.registerDeveloper' && (e.details as { username?: string }).username === 'frank');
      assert.ok(entry, 'the registration is audited');
      assert.equal((entry.details as { password: string }).password, '[redacted]');
      assert.equal(audit.filter((e) => (e.details as { username?: string }).username === 'frank').length, 1, 'a replay is not audited again');
      assert.ok(!JSON.stringify(audit).includes('frankly99'));
    });

    test('apps: create (secret once), list mine, read, rename; ownership and admin view', async () => {
      const created = await f.call('POST', '/admin/v1/apps', { token: f.dev.token, body: { name: 'alice-blog', description: 'a blog' }, headers: { 'idempotency-key': 'app-1' } });
      assert.equal(created.status, 201, created.text);
      assert.match(created.json.appkey, /^[0-9a-f]{32}$/);
      assert.match(created.json.secret, /^[0-9a-f]{32}$/);
      assert.deepEqual([created.json.developer_id, created.json.name, created.json.description, created.json.type_id], [f.dev.developer.id, 'alice-blog', 'a blog', null]);
      const replay = await f.call('POST', '/admin/v1/apps', { token: f.dev.token, body: { name: 'alice-blog', description: 'a blog' }, headers: { 'idempotency-key': 'app-1' } });
      assert.deepEqual(replay.json, created.json);
      const id = created.json.id as number;

      const mine = await f.call('GET', '/admin/v1/apps', { token: f.dev.token });
      assert.equal(mine.status, 200);
      assert.deepEqual(mine.json.map((a: { id: number }) => a.id), [appA, id]);
      assert.ok(mine.json.every((a: Record<string, unknown>) => !('secret' in a)));
      const searched = await f.call('GET', '/admin/v1/apps?query=BLOG', { token: f.dev.token });
      assert.deepEqual(searched.json.map((a: { id: number }) => a.id), [id]);
      const paged = await f.call('GET', `/admin/v1/apps?after=${appA}&limit=1`, { token: f.dev.token });
      assert.deepEqual(paged.json.map((a: { id: number }) => a.id), [id]);

      const got = await f.call('GET', `/admin/v1/apps/${id}`, { token: f.dev.token });
      assert.deepEqual([got.status, got.json.name, 'secret' in got.json], [200, 'alice-blog', false]);
      // Another developer sees neither the app nor alice's list.
      assert.equal((await f.call('GET', `/admin/v1/apps/${id}`, { token: f.other.token })).status, 403);
      assert.equal((await f.call('PATCH', `/admin/v1/apps/${id}`, { token: f.other.token, body: { name: 'x' } })).status, 403);
      const bobs = await f.call('GET', '/admin/v1/apps', { token: f.other.token });
      assert.deepEqual(bobs.json.map((a: { id: number }) => a.id), [appB]);
      const spy = await f.call('GET', `/admin/v1/apps?developer_id=${f.dev.developer.id}`, { token: f.other.token });
      assert.deepEqual([spy.status, spy.json.error.code], [403, 'forbidden']);
      assert.equal((await f.call('GET', '/admin/v1/apps/999999', { token: f.dev.token })).status, 404);

      // Admins see every developer's apps, or one developer's.
      const all = await f.call('GET', '/admin/v1/apps');
      assert.ok([appA, appB, id].every((x) => all.json.some((a: { id: number }) => a.id === x)));
      const onlyBob = await f.call('GET', `/admin/v1/apps?developer_id=${f.other.developer.id}`);
      assert.deepEqual(onlyBob.json.map((a: { id: number }) => a.id), [appB]);
      assert.equal((await f.call('GET', `/admin/v1/apps/${id}`)).status, 200);

      const renamed = await f.call('PATCH', `/admin/v1/apps/${id}`, { token: f.dev.token, body: { name: 'alice-journal', description: null } });
      assert.deepEqual([renamed.status, renamed.json.name, renamed.json.description], [200, 'alice-journal', null]);
      assert.ok(renamed.json.updated_at !== null);
      const clash = await f.call('PATCH', `/admin/v1/apps/${id}`, { token: f.dev.token, body: { name: 'ALICE-SHOP' } });
      assert.deepEqual([clash.status, clash.json.error.code], [409, 'app_name_taken']);
      const dup = await f.call('POST', '/admin/v1/apps', { token: f.dev.token, body: { name: 'alice-shop' } });
      assert.deepEqual([dup.status, dup.json.error.code], [409, 'app_name_taken']);
      // The same name under another owner is fine.
      assert.equal((await f.call('POST', '/admin/v1/apps', { token: f.other.token, body: { name: 'alice-journal' } })).status, 201);
      const bad = await f.call('POST', '/admin/v1/apps', { token: f.dev.token, body: { name: '' } });
      assert.deepEqual([bad.status, bad.json.error.code], [400, 'invalid_request']);
      const noType = await f.call('POST', '/admin/v1/apps', { token: f.dev.token, body: { name: 'typed', type_id: 424242 } });
      assert.deepEqual([noType.status, noType.json.error.code], [404, 'not_found']);
      const forOther = await f.call('POST', '/admin/v1/apps', { token: f.dev.token, body: { name: 'sneaky', developer_id: f.other.developer.id } });
      assert.deepEqual([forOther.status, forOther.json.error.code], [403, 'forbidden']);
      const byAdmin = await f.call('POST', '/admin/v1/apps', { body: { name: 'granted', developer_id: f.other.developer.id } });
      assert.deepEqual([byAdmin.status, byAdmin.json.developer_id], [201, f.other.developer.id]);

      const audit = await listAudit(f.server.services.db, { actor: `developer:${f.dev.developer.id}`, limit: 50 });
      assert.equal(audit.filter((e) => e.action === 'admin.createApp').length, 1, 'one audited creation despite the replay');
      assert.ok(audit.some((e) => e.action === 'admin.updateApp' && e.target === `id:${id}`));
      assert.ok(!JSON.stringify(audit).includes(created.json.secret));
    });

    test('app types and roles', async () => {
      const s = f.server.services;
      const parent = await s.db.transaction().execute((trx) => addAppType(trx, { parentId: null, name: 'Games' }, s.clock));
      const child = await s.db.transaction().execute((trx) => addAppType(trx, { parentId: parent.id, name: 'Puzzle', des: 'brainy' }, s.clock));
      const types = await f.call('GET', '/admin/v1/app-types', { token: f.dev.token });
      assert.equal(types.status, 200);
      const games = types.json.find((t: { id: number }) => t.id === parent.id);
      assert.deepEqual(games.children, [{ id: child.id, parent_id: parent.id, name: 'Puzzle', description: 'brainy', children: [] }]);
      const typed = await f.call('POST', '/admin/v1/apps', { token: f.dev.token, body: { name: 'puzzler', type_id: child.id } });
      assert.deepEqual([typed.status, typed.json.type_id], [201, child.id]);

      const roles = await f.call('GET', '/admin/v1/roles');
      assert.deepEqual(roles.json.slice(0, 3).map((r: { id: number; name: string; builtin: boolean }) => [r.id, r.name, r.builtin]), [
        [1, 'admin', true],
        [2, 'normal', true],
        [3, 'blocked', true],
      ]);
      assert.equal((await f.call('GET', '/admin/v1/roles', { token: f.dev.token })).status, 403);
    });

    test('developer directory: search, page, block and unblock (admins only)', async () => {
      const list = await f.call('GET', '/admin/v1/developers?query=ALI');
      assert.deepEqual(list.json.map((d: { username: string }) => d.username), ['alice']);
      const byRole = await f.call('GET', '/admin/v1/developers?role_id=3');
      assert.deepEqual(byRole.json.map((d: { username: string }) => d.username), ['mallory']);
      const page = await f.call('GET', `/admin/v1/developers?after=${f.admin.developer.id}&limit=2`);
      assert.deepEqual(page.json.map((d: { id: number }) => d.id), [f.dev.developer.id, f.other.developer.id]);
      assert.equal((await f.call('GET', '/admin/v1/developers', { token: f.dev.token })).status, 403);
      assert.equal((await f.call('GET', '/admin/v1/developers?limit=0')).status, 400);

      // A fresh developer with a live token gets blocked: the token dies at once and sign-in is refused.
      const reg = await pub('/admin/v1/developers/register', { username: 'gina', password: 'ginagina' });
      const token = (await pub('/admin/v1/sessions', { username: 'gina', password: 'ginagina' })).json.token as string;
      assert.equal((await f.call('GET', '/admin/v1/me', { token })).status, 200);
      assert.equal((await f.call('POST', `/admin/v1/developers/${reg.json.id}/block`, { token: f.dev.token, body: {} })).status, 403);
      const blocked = await f.call('POST', `/admin/v1/developers/${reg.json.id}/block`, { body: {}, headers: { 'idempotency-key': 'block-gina' } });
      assert.deepEqual([blocked.status, blocked.json.blocked, blocked.json.role], [200, true, 'blocked']);
      assert.equal((await f.call('GET', '/admin/v1/me', { token })).status, 401);
      assert.equal((await pub('/admin/v1/sessions', { username: 'gina', password: 'ginagina' })).status, 403);
      // Blocking again changes nothing; the replay answers the same.
      const replay = await f.call('POST', `/admin/v1/developers/${reg.json.id}/block`, { body: {}, headers: { 'idempotency-key': 'block-gina' } });
      assert.deepEqual(replay.json, blocked.json);
      const unblocked = await f.call('POST', `/admin/v1/developers/${reg.json.id}/unblock`, { body: {} });
      assert.deepEqual([unblocked.status, unblocked.json.blocked, unblocked.json.role], [200, false, 'normal']);
      assert.equal((await f.call('GET', '/admin/v1/me', { token })).status, 401, 'revoked tokens stay revoked');
      assert.equal((await pub('/admin/v1/sessions', { username: 'gina', password: 'ginagina' })).status, 201);

      const self = await f.call('POST', `/admin/v1/developers/${f.admin.developer.id}/block`, { body: {} });
      assert.deepEqual([self.status, self.json.error.code], [403, 'forbidden']);
      const missing = await f.call('POST', '/admin/v1/developers/999999/block', { body: {} });
      assert.deepEqual([missing.status, missing.json.error.code], [404, 'not_found']);
      const audit = await listAudit(f.server.services.db, { actor: `developer:${f.admin.developer.id}`, limit: 50 });
      assert.deepEqual(
        audit.filter((e) => e.target === `id:${reg.json.id}`).map((e) => e.action).reverse(),
        ['admin.blockDeveloper', 'admin.unblockDeveloper'],
      );
    });

    test('orders of an app: newest first, filters, cursor, bound to the app and its owner', async () => {
      const s = f.server.services;
      const user = await s.db.transaction().execute((trx) => registerUser(trx, { username: 'buyer', email: null, passwordHash: 'unused' }, identityDeps(s)));
      const t0 = Date.UTC(2026, 0, 1);
      const insert = (id: number, appId: number, uid: string, paid: boolean) =>
        s.db
          .insertInto('orders')
          .values({
            id,
            app_id: appId,
            user_id: user.id,
            uid,
            state: paid ? 1 : 0,
            amount: 500,
            discount: 0,
            pay: 500,
            description: 'tea',
            pay_at: paid ? t0 + id : 0,
            created_at: t0 + id,
            updated_at: t0 + id,
            deleted_at: 0,
            transaction_id: paid ? `tx${id}` : null,
            prepay_at: null,
          })
          .execute();
      await insert(101, appA, 'u1', false);
      await insert(102, appA, 'u2', true);
      await insert(103, appA, 'u1', true);
      await insert(104, appB, 'u1', true);
      const product = await f.call('POST', `/admin/v1/apps/${appA}/products`, { token: f.dev.token, body: { product_id: 'p1', name: 'Green', price_cent: 250 } });
      assert.equal(product.status, 201, product.text);
      const snapshot = product.json.snapshot as number;
      await s.db.insertInto('order_lines').values({ order_id: 103, product_id: 'p1', name: 'Green', price: 250, count: 2, snapshot_id: snapshot, detail: '{}', grant_asset: null, grant_sub: null, grant_amount_minor: null }).execute();

      const all = await f.call('GET', `/admin/v1/apps/${appA}/orders`, { token: f.dev.token });
      assert.equal(all.status, 200, all.text);
      assert.deepEqual(all.json.map((o: { id: number }) => o.id), [103, 102, 101]);
      assert.deepEqual(all.json[0].lines, [{ product_id: 'p1', name: 'Green', price: 250, count: 2, product_snapshot: snapshot }]);
      assert.deepEqual([all.json[0].state, all.json[2].state, all.json[2].paid_at], ['paid', 'created', null]);
      const paid = await f.call('GET', `/admin/v1/apps/${appA}/orders?state=paid&uid=u1`, { token: f.dev.token });
      assert.deepEqual(paid.json.map((o: { id: number }) => o.id), [103]);
      const next = await f.call('GET', `/admin/v1/apps/${appA}/orders?before=103&limit=1`, { token: f.dev.token });
      assert.deepEqual(next.json.map((o: { id: number }) => o.id), [102]);
      assert.equal((await f.call('GET', `/admin/v1/apps/${appA}/orders?state=refunded`, { token: f.dev.token })).status, 400);
      // Bob sees his own app's order and never alice's.
      const bobs = await f.call('GET', `/admin/v1/apps/${appB}/orders`, { token: f.other.token });
      assert.deepEqual(bobs.json.map((o: { id: number }) => o.id), [104]);
      const spy = await f.call('GET', `/admin/v1/apps/${appA}/orders`, { token: f.other.token });
      assert.deepEqual([spy.status, spy.json.error.code], [403, 'forbidden']);
      assert.equal((await f.call('GET', `/admin/v1/apps/${appA}/orders`)).status, 200, 'admins may look');
    });

    test('charges of an app: kamiya transfers crediting the app only', async () => {
      const s = f.server.services;
      await s.db.transaction().execute(async (trx) => {
        const assetId = await ensureBilling(trx, s.clock);
        const user = await ensureUserAccounts(trx, assetId, 777, s.clock);
        await issue(trx, { assetId, toAccountId: user.credit.id, amount: 100_00n }, s.clock);
        const a = await ensureAppAccounts(trx, assetId, appA, s.clock);
        const b = await ensureAppAccounts(trx, assetId, appB, s.clock);
        const move = (to: number, amount: bigint, kind: string) => transfer(trx, { debitAccountId: user.credit.id, creditAccountId: to, amount, kind, metadata: { uid: 777 } }, s.clock);
        await move(a.credit.id, 150n, KIND_CHARGE);
        await move(a.credit.id, 250n, KIND_FORCE_CHARGE);
        await move(b.credit.id, 350n, KIND_CHARGE);
        await move(a.credit.id, 450n, 'admin.adjust');
      });
      const r = await f.call('GET', `/admin/v1/apps/${appA}/charges`, { token: f.dev.token });
      assert.equal(r.status, 200, r.text);
      assert.deepEqual(r.json.map((t: { amount: string; kind: string }) => [t.amount, t.kind]), [
        ['2.50', KIND_FORCE_CHARGE],
        ['1.50', KIND_CHARGE],
      ]);
      const onlyCharge = await f.call('GET', `/admin/v1/apps/${appA}/charges?kind=charge`, { token: f.dev.token });
      assert.deepEqual(onlyCharge.json.map((t: { amount_minor: string }) => t.amount_minor), ['150']);
      const page = await f.call('GET', `/admin/v1/apps/${appA}/charges?before=${r.json[0].seq}`, { token: f.dev.token });
      assert.deepEqual(page.json.map((t: { amount_minor: string }) => t.amount_minor), ['150']);
      const future = await f.call('GET', `/admin/v1/apps/${appA}/charges?from=2999-01-01T00:00:00Z`, { token: f.dev.token });
      assert.deepEqual(future.json, []);
      assert.equal((await f.call('GET', `/admin/v1/apps/${appA}/charges?from=yesterday`, { token: f.dev.token })).status, 400);
      const spy = await f.call('GET', `/admin/v1/apps/${appA}/charges`, { token: f.other.token });
      assert.equal(spy.status, 403);
      const bobs = await f.call('GET', `/admin/v1/apps/${appB}/charges`, { token: f.other.token });
      assert.deepEqual(bobs.json.map((t: { amount_minor: string }) => t.amount_minor), ['350']);
      const fresh = await f.call('POST', '/admin/v1/apps', { token: f.dev.token, body: { name: 'never-charged' } });
      assert.deepEqual((await f.call('GET', `/admin/v1/apps/${fresh.json.id}/charges`, { token: f.dev.token })).json, []);
    });

    test('content of an app: enabled or not, filters, ownership', async () => {
      const s = f.server.services;
      const ids = await s.db.transaction().execute(async (trx) => {
        const put = (appId: number, author: string, n: number) =>
          insertContent(trx, {
            appId,
            author,
            claimId: n.toString(16).padStart(40, '0'),
            claimTxid: n.toString(16).padStart(64, '0'),
            title: `post ${n}`,
            ipfsHash: 'QmTest',
            priceMinor: BigInt(n) * 100_000_000n,
            currency: 'ULD',
            contentType: 'text',
            des: null,
            tags: [],
            createdAt: Date.UTC(2026, 0, 1) + n,
          });
        const one = await put(appA, 'ann', 1);
        const two = await put(appA, 'ben', 2);
        await put(appB, 'ann', 3);
        await updateEnabled(trx, two, false);
        return [one, two];
      });
      const r = await f.call('GET', `/admin/v1/apps/${appA}/content`, { token: f.dev.token });
      assert.equal(r.status, 200, r.text);
      assert.deepEqual(r.json.map((c: { id: number; enabled: boolean; price: string }) => [c.id, c.enabled, c.price]), [
        [ids[1], false, '2.00000000'],
        [ids[0], true, '1.00000000'],
      ]);
      const enabled = await f.call('GET', `/admin/v1/apps/${appA}/content?enabled=true`, { token: f.dev.token });
      assert.deepEqual(enabled.json.map((c: { id: number }) => c.id), [ids[0]]);
      const ann = await f.call('GET', `/admin/v1/apps/${appA}/content?author=ann`, { token: f.dev.token });
      assert.deepEqual(ann.json.map((c: { id: number }) => c.id), [ids[0]]);
      assert.equal((await f.call('GET', `/admin/v1/apps/${appA}/content?enabled=yes`, { token: f.dev.token })).status, 400);
      assert.equal((await f.call('GET', `/admin/v1/apps/${appA}/content`, { token: f.other.token })).status, 403);
    });

    test('ledger volume per hour and per day (admins only)', async () => {
      const s = f.server.services;
      const t0 = Date.UTC(2026, 0, 10, 5, 0, 0);
      const at = (ms: number) => ({ now: () => ms });
      await s.db.transaction().execute(async (trx) => {
        const asset = await ensureAsset(trx, { symbol: 'VOL', precision: 2 }, s.clock);
        const acct = await ensureAccount(trx, { owner: { kind: 'user', id: 'vol' }, assetId: asset.id, sub: 'balance' }, s.clock);
        for (const [offset, amount] of [[0, 100n], [10 * 60_000, 250n], [HOUR + 1, 5n], [26 * HOUR, 1n]] as const) {
          await issue(trx, { assetId: asset.id, toAccountId: acct.id, amount }, at(t0 + offset));
        }
      });
      const from = new Date(t0 + 30 * 60_000).toISOString(); // rounded down to 05:00
      const to = new Date(t0 + 2 * HOUR).toISOString();
      const hours = await f.call('GET', `/admin/v1/ledger/volume?asset=VOL&bucket=hour&from=${from}&to=${to}`);
      assert.equal(hours.status, 200, hours.text);
      assert.deepEqual(hours.json.points, [
        { start: new Date(t0).toISOString(), count: 2, amount: '3.50', amount_minor: '350' },
        { start: new Date(t0 + HOUR).toISOString(), count: 1, amount: '0.05', amount_minor: '5' },
      ]);
      const days = await f.call('GET', `/admin/v1/ledger/volume?asset=VOL&bucket=day&from=2026-01-10T00:00:00Z&to=2026-01-12T00:00:00Z`);
      assert.deepEqual(days.json.points.map((p: { start: string; count: number; amount_minor: string }) => [p.start, p.count, p.amount_minor]), [
        ['2026-01-10T00:00:00.000Z', 3, '355'],
        ['2026-01-11T00:00:00.000Z', 1, '1'],
      ]);
      const bad = [
        '/admin/v1/ledger/volume?asset=VOL&bucket=week&from=2026-01-10T00:00:00Z&to=2026-01-12T00:00:00Z',
        '/admin/v1/ledger/volume?asset=VOL&bucket=day&from=2026-01-12T00:00:00Z&to=2026-01-10T00:00:00Z',
        '/admin/v1/ledger/volume?asset=VOL&bucket=hour&from=2020-01-01T00:00:00Z&to=2026-01-10T00:00:00Z',
        '/admin/v1/ledger/volume?asset=VOL&bucket=hour&from=soon&to=2026-01-10T00:00:00Z',
        '/admin/v1/ledger/volume?asset=VOL&bucket=hour',
      ];
      for (const path of bad) assert.deepEqual([(await f.call('GET', path)).status], [400], path);
      const unknown = await f.call('GET', '/admin/v1/ledger/volume?asset=NOPE&bucket=day&from=2026-01-10T00:00:00Z&to=2026-01-12T00:00:00Z');
      assert.deepEqual([unknown.status, unknown.json.error.code], [404, 'not_found']);
      assert.equal((await f.call('GET', `/admin/v1/ledger/volume?asset=VOL&bucket=day&from=${from}&to=${to}`, { token: f.dev.token })).status, 403);
    });

    test('concurrent sign-ups of one username and creations of one app name: exactly one wins', async () => {
      const regs = await Promise.all(Array.from({ length: 5 }, (_, i) => pub('/admin/v1/developers/register', { username: 'Racer', password: `racer-pass-${i}` })));
      assert.deepEqual(regs.map((r) => r.status).sort(), [201, 409, 409, 409, 409]);
      const apps = await Promise.all(Array.from({ length: 5 }, () => f.call('POST', '/admin/v1/apps', { token: f.other.token, body: { name: 'race-app' } })));
      assert.deepEqual(apps.map((r) => r.status).sort(), [201, 409, 409, 409, 409]);
      const listed = await f.call('GET', '/admin/v1/apps?query=race-app', { token: f.other.token });
      assert.equal(listed.json.length, 1);
    });

    test('public routes are rate-limited per IP and refused to denied IPs (runs last: it changes the controls)', async () => {
      const set = (body: unknown) => f.call('PATCH', '/admin/v1/operator/controls', { body });
      assert.equal((await set({ per_ip_per_minute: 3 })).status, 200);
      try {
        const codes: number[] = [];
        for (let i = 0; i < 5; i++) codes.push((await pub('/admin/v1/sessions', { username: 'nobody', password: 'whatever' })).status);
        assert.ok(codes.includes(429), codes.join(','));
        assert.deepEqual(codes.slice(0, 3), [401, 401, 401]);
        const limited = await pub('/admin/v1/developers/register', { username: 'zed', password: 'zedzedzed' });
        assert.deepEqual([limited.status, limited.json.error.code], [429, 'rate_limited']);
        // Signed-in routes are not counted against the public per-IP limit.
        assert.equal((await f.call('GET', '/admin/v1/me', { token: f.dev.token })).status, 200);
      } finally {
        assert.equal((await set({ per_ip_per_minute: 0 })).status, 200);
      }
      assert.equal((await set({ ip_deny_list: ['127.0.0.1'] })).status, 200);
      try {
        const denied = await pub('/admin/v1/sessions', { username: 'alice', password: 'secret1' });
        assert.deepEqual([denied.status, denied.json.error.code], [403, 'forbidden']);
      } finally {
        assert.equal((await set({ ip_deny_list: [] })).status, 200);
      }
      assert.equal((await pub('/admin/v1/sessions', { username: 'alice', password: 'secret1' })).status, 201);
    });
  });
}
