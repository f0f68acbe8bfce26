// Admin API: end users (list / search / read / disable / enable / verify email; admins only) and an app's access
// lists (its owner or an admin), on both stores: happy paths, 401, 403, 404, 400, and the OpenAPI document.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { identityDeps } from '../../src/admin/deps.js';
import { upsertGrant } from '../../src/core/identity/grants.js';
import { createUserSession, authenticateUserSession } from '../../src/core/identity/sessions.js';
import { authenticateAccessToken, issueAccessToken } from '../../src/core/identity/userTokens.js';
import { registerUser, type User } from '../../src/core/identity/users.js';
import { http } from '../support/server.js';
import { STORES } from '../support/stores.js';
import { startAdminFixture, type AdminFixture } from './support.js';

for (const kind of STORES) {
  describe(`admin API: users and app access [${kind}]`, () => {
    let f: AdminFixture;
    let ann: User;
    let bob: User;
    before(async () => {
      f = await startAdminFixture(kind);
      const s = f.server.services;
      const reg = (username: string, email: string | null) =>
        s.db.transaction().execute((trx) => registerUser(trx, { username, email, passwordHash: 'unused' }, identityDeps(s)));
      ann = await reg('Ann', 'ann@example.com');
      bob = await reg('bob', null);
      await reg('carol', 'carol@elsewhere.io');
    });
    after(() => f.close());

    test('GET /admin/v1/users lists, searches and pages', async () => {
      const all = await f.call('GET', '/admin/v1/users');
      assert.equal(all.status, 200);
      assert.deepEqual(all.json.map((u: { username: string }) => u.username), ['Ann', 'bob', 'carol']);
      assert.deepEqual(all.json[0], {
        id: ann.id,
        uid: ann.uid,
        username: 'Ann',
        email: 'ann@example.com',
        role: 'Normal',
        disabled: false,
        email_verified: false,
        created_at: new Date(ann.createdAt).toISOString(),
      });
      const found = await f.call('GET', '/admin/v1/users?query=EXAMPLE.com');
      assert.deepEqual(found.json.map((u: { id: number }) => u.id), [ann.id]);
      const page = await f.call('GET', `/admin/v1/users?after=${ann.id}&limit=1`);
      assert.deepEqual(page.json.map((u: { id: number }) => u.id), [bob.id]);
      assert.equal((await f.call('GET', '/admin/v1/users?limit=0')).status, 400);
      assert.equal((await f.call('GET', '/admin/v1/users?limit=201')).status, 400);
    });

    test('GET /admin/v1/users/:id; 404 for an unknown id', async () => {
      const r = await f.call('GET', `/admin/v1/users/${bob.id}`);
      assert.deepEqual([r.status, r.json.username, r.json.email], [200, 'bob', null]);
      const missing = await f.call('GET', '/admin/v1/users/999999');
      assert.deepEqual([missing.status, missing.json.error.code], [404, 'not_found']);
    });

    test('user routes need a token (401) and the admin role (403)', async () => {
      for (const [method, path] of [['GET', '/admin/v1/users'], ['GET', `/admin/v1/users/${ann.id}`], ['PATCH', `/admin/v1/users/${ann.id}`]] as const) {
        const body = method === 'PATCH' ? { disabled: true } : undefined;
        const none = await f.call(method, path, { token: null, ...(body ? { body } : {}) });
        assert.deepEqual([none.status, none.json.error.code], [401, 'unauthorized'], path);
        const dev = await f.call(method, path, { token: f.dev.token, ...(body ? { body } : {}) });
        assert.deepEqual([dev.status, dev.json.error.code], [403, 'forbidden'], path);
      }
      assert.equal((await f.call('GET', `/admin/v1/users/${ann.id}`)).json.disabled, false, 'the refused PATCH changed nothing');
    });

    test('PATCH disables (sessions and tokens die at once), enables, and marks the email verified', async () => {
      const s = f.server.services;
      const appId = await f.createApp(f.dev.developer.id, 'users-app');
      const grant = await s.db.transaction().execute((trx) => upsertGrant(trx, { appId, userId: ann.id, kind: 'pi', scopes: ['username'] }, s.clock));
      const access = await issueAccessToken(s.db, { grant, scopes: ['username'], kind: 'pi', ttlSeconds: 600 }, s.clock);
      const session = await createUserSession(s.db, ann.id, s.clock);

      const off = await f.call('PATCH', `/admin/v1/users/${ann.id}`, { body: { disabled: true }, headers: { 'idempotency-key': 'disable-ann' } });
      assert.deepEqual([off.status, off.json.disabled], [200, true]);
      assert.equal(await authenticateAccessToken(s.db, access.token, s.clock), null);
      assert.equal(await authenticateUserSession(s.db, session.token, s.clock), null);
      const replay = await f.call('PATCH', `/admin/v1/users/${ann.id}`, { body: { disabled: true }, headers: { 'idempotency-key': 'disable-ann' } });
      assert.equal(replay.headers.get('idempotent-replayed'), 'true');

      const on = await f.call('PATCH', `/admin/v1/users/${ann.id}`, { body: { disabled: false, email_verified: true } });
      assert.deepEqual([on.status, on.json.disabled, on.json.email_verified], [200, false, true]);
      const audit = await f.call('GET', '/admin/v1/audit?actor=developer:' + f.admin.developer.id);
      assert.ok(audit.json.some((e: { action: string; target: string }) => e.action === 'admin.updateUser' && e.target === `id:${ann.id}`));

      assert.deepEqual((await f.call('PATCH', `/admin/v1/users/${ann.id}`, { body: { email_verified: false } })).status, 400);
      assert.deepEqual((await f.call('PATCH', `/admin/v1/users/${bob.id}`, { body: { email_verified: true } })).status, 400, 'bob has no email');
      assert.deepEqual((await f.call('PATCH', `/admin/v1/users/${ann.id}`, { body: { role: 'Administrator' } })).status, 400);
      assert.deepEqual((await f.call('PATCH', '/admin/v1/users/999999', { body: { disabled: true } })).status, 404);
    });

    test('GET/PUT /admin/v1/apps/:id/access: owner or admin; 401, 403, 404, 400', async () => {
      const appId = await f.createApp(f.dev.developer.id, 'access-app');
      const path = `/admin/v1/apps/${appId}/access`;
      const empty = await f.call('GET', path, { token: f.dev.token });
      assert.deepEqual([empty.status, empty.json], [200, { app_id: appId, redirect_uris: [], allowed_origins: [] }]);

      const body = { redirect_uris: ['https://a.example.com/cb'], allowed_origins: ['https://A.example.com/'] };
      const put = await f.call('PUT', path, { token: f.dev.token, body });
      assert.deepEqual([put.status, put.json], [200, { app_id: appId, redirect_uris: ['https://a.example.com/cb'], allowed_origins: ['https://a.example.com'] }]);
      assert.deepEqual((await f.call('GET', path)).json, put.json, 'an admin reads any app');
      const byAdmin = await f.call('PUT', path, { body: { redirect_uris: [], allowed_origins: ['http://localhost:3000'] } });
      assert.deepEqual(byAdmin.json.allowed_origins, ['http://localhost:3000']);

      assert.equal((await f.call('GET', path, { token: null })).status, 401);
      const stranger = await f.call('PUT', path, { token: f.other.token, body });
      assert.deepEqual([stranger.status, stranger.json.error.code], [403, 'forbidden']);
      assert.equal((await f.call('GET', path, { token: f.other.token })).status, 403);
      assert.equal((await f.call('GET', path, { token: f.blocked.token })).status, 403);
      assert.equal((await f.call('GET', '/admin/v1/apps/999999/access', { token: f.dev.token })).status, 404);
      const bad = await f.call('PUT', path, { token: f.dev.token, body: { redirect_uris: ['https://a.example.com/cb#x'], allowed_origins: [] } });
      assert.deepEqual([bad.status, bad.json.error.code], [400, 'invalid_request']);
      assert.match(bad.json.error.message, /fragment/);
      assert.equal((await f.call('PUT', path, { token: f.dev.token, body: { redirect_uris: [] } })).status, 400, 'both lists are required');
      assert.deepEqual((await f.call('GET', path)).json.allowed_origins, ['http://localhost:3000'], 'refused writes changed nothing');
    });

    test('the OpenAPI document lists the new routes', async () => {
      const doc = (await http(f.server.baseUrl, 'GET', '/openapi/admin.json')).json;
      assert.ok(doc.paths['/admin/v1/users'].get);
      assert.ok(doc.paths['/admin/v1/users/{id}'].get);
      assert.ok(doc.paths['/admin/v1/users/{id}'].patch);
      assert.ok(doc.paths['/admin/v1/apps/{id}/access'].get);
      assert.ok(doc.paths['/admin/v1/apps/{id}/access'].put);
      assert.equal(doc.paths['/admin/v1/apps/{id}/access'].put.operationId, 'setAppAccess');
    });
  });
}
