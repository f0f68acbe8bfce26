// Operator controls through the admin API (spec ulord §2.8): a change is in force on the next Ulord request of this
// process, and within the refresh bound in a second process sharing the store; bad input and non-admins are refused.
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { identityDeps } from '../../src/admin/deps.js';
import { createAdminApi } from '../../src/admin/plugin.js';
import { testConfig } from '../../src/config.js';
import { createApp } from '../../src/core/identity/apps.js';
import { ensureAdminDeveloper, hashNewPassword, registerDeveloper } from '../../src/core/identity/developers.js';
import { issueDeveloperToken } from '../../src/core/identity/devTokens.js';
import { openDatabase, type Database } from '../../src/db/database.js';
import { ulordDialect } from '../../src/dialects/ulord/plugin.js';
import { CONTROLS_REFRESH_MS } from '../../src/http/controls.js';
import { openApiRoutes } from '../../src/http/openapi.js';
import { buildServer, type PlazaServer } from '../../src/server.js';
import { http, startTestServer, type HttpResult, type TestServer } from '../support/server.js';
import { STORES } from '../support/stores.js';

const CONTROLS = '/admin/v1/operator/controls';

/** A second Plaza "process" on the same store: its own connection, services and controls cache. */
async function startSecondServer(server: TestServer): Promise<{ baseUrl: string; close(): Promise<void> }> {
  const { store } = server;
  const database: Database = await openDatabase(store.url, store.schema ? { schema: store.schema } : {});
  const plaza: PlazaServer = await buildServer({
    config: testConfig({ databaseUrl: store.url }),
    database,
    dialects: [ulordDialect, createAdminApi()],
  });
  await plaza.app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = plaza.app.server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    async close() {
      await plaza.app.close();
      await database.close();
    },
  };
}

async function eventually(probe: () => Promise<boolean>, withinMs: number): Promise<number> {
  const started = Date.now();
  for (;;) {
    if (await probe()) return Date.now() - started;
    if (Date.now() - started > withinMs) assert.fail(`not observed within ${withinMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

for (const kind of STORES) {
  describe(`operator controls through the admin API (${kind})`, () => {
    let server: TestServer;
    let second: { baseUrl: string; close(): Promise<void> };
    let adminToken: string;
    let devToken: string;
    let appId: number;

    const admin = (method: string, path: string, body?: unknown, token: string | null = adminToken, headers: Record<string, string> = {}) =>
      http(server.baseUrl, method, path, { headers: { ...headers, ...(token ? { authorization: `Bearer ${token}` } : {}) }, ...(body !== undefined ? { body } : {}) });
    const patch = (body: unknown) => admin('PATCH', CONTROLS, body);
    const roleList = (baseUrl = server.baseUrl): Promise<HttpResult> => http(baseUrl, 'GET', '/v1/role/list', { headers: { authorization: `Bearer ${devToken}` } });

    before(async () => {
      server = await startTestServer(kind, { dialects: [ulordDialect, createAdminApi({ assertResponses: true })], extras: [openApiRoutes] });
      const s = server.services;
      const deps = identityDeps(s);
      const root = await ensureAdminDeveloper(s.db, { username: 'root', password: 'rootpass' }, deps);
      adminToken = (await issueDeveloperToken(s.db, root.id, s.clock, 3600)).token;
      const passwordHash = await hashNewPassword('secret1', deps);
      const dev = await s.db.transaction().execute((trx) => registerDeveloper(trx, { username: 'alice', passwordHash }, deps));
      devToken = (await issueDeveloperToken(s.db, dev.id, s.clock, 3600)).token;
      appId = (await s.db.transaction().execute((trx) => createApp(trx, { developerId: dev.id, name: 'shop' }, deps))).app.id;
      second = await startSecondServer(server);
    });
    after(async () => {
      await second?.close();
      await server?.close();
    });

    it('GET answers the configured values, nothing overridden', async () => {
      const r = await admin('GET', CONTROLS);
      assert.equal(r.status, 200, r.text);
      assert.deepEqual(r.json, {
        maintenance: false,
        maintenance_endpoints: [],
        disabled_endpoints: [],
        ip_deny_list: [],
        per_ip_per_minute: 0,
        per_key_per_minute: 0,
        overridden: [],
        refresh_seconds: 2,
      });
      assert.equal((await roleList()).json.errcode, 0);
    });

    it('maintenance → 10009 at once here and within the refresh bound on the second server; null restores', async () => {
      const on = await patch({ maintenance: true });
      assert.equal(on.status, 200, on.text);
      assert.equal(on.json.maintenance, true);
      assert.deepEqual(on.json.overridden, ['maintenance']);
      assert.equal((await roleList()).json.errcode, 10009);
      const took = await eventually(async () => (await roleList(second.baseUrl)).json.errcode === 10009, CONTROLS_REFRESH_MS + 1500);
      assert.ok(took <= CONTROLS_REFRESH_MS + 1500);
      const off = await patch({ maintenance: null });
      assert.equal(off.json.maintenance, false);
      assert.deepEqual(off.json.overridden, []);
      assert.equal((await roleList()).json.errcode, 0);
      await eventually(async () => (await roleList(second.baseUrl)).json.errcode === 0, CONTROLS_REFRESH_MS + 1500);
    });

    it('per-endpoint maintenance (10009) and switched-off endpoints (10010) touch only the named route', async () => {
      await patch({ maintenance_endpoints: ['ulord:/v1/role/list'] });
      assert.equal((await roleList()).json.errcode, 10009);
      const types = await http(server.baseUrl, 'GET', '/v1/type/list', { headers: { authorization: `Bearer ${devToken}` } });
      assert.equal(types.json.errcode, 0);
      await patch({ maintenance_endpoints: [], disabled_endpoints: ['ulord:/v1/role/list'] });
      assert.equal((await roleList()).json.errcode, 10010);
      const r = await patch({ disabled_endpoints: null, maintenance_endpoints: null });
      assert.deepEqual(r.json.overridden, []);
      assert.equal((await roleList()).json.errcode, 0);
    });

    it('IP deny list → 10004; invalid CIDR ranges are refused at write time with 400', async () => {
      const denied = await patch({ ip_deny_list: ['127.0.0.0/8', '::1/128'] });
      assert.equal(denied.status, 200, denied.text);
      assert.equal((await roleList()).json.errcode, 10004);
      // The admin API itself stays reachable (the deny list guards the dialects), so the operator can undo it.
      assert.equal((await patch({ ip_deny_list: [] })).status, 200);
      assert.equal((await roleList()).json.errcode, 0);
      for (const bad of ['10.0.0.0/33', 'not-an-ip', '::1/129', '1.2.3.4/8/1', '1.2.3.4/x']) {
        const r = await patch({ ip_deny_list: [bad] });
        assert.equal(r.status, 400, bad);
        assert.equal(r.json.error.code, 'invalid_request');
        assert.match(r.json.error.message, /ipDenyList|ip_deny_list/);
      }
      assert.deepEqual((await admin('GET', CONTROLS)).json.ip_deny_list, []);
    });

    it('refuses wrong types, negative or fractional limits, unknown fields and malformed route keys', async () => {
      const bodies: unknown[] = [
        { per_ip_per_minute: -1 },
        { per_ip_per_minute: 1.5 },
        { per_key_per_minute: '10' },
        { maintenance: 'yes' },
        { disabled_endpoints: 'ulord:/v1/app/add' },
        { disabled_endpoints: [1] },
        { disabled_endpoints: ['/v1/app/add'] },
        { colour: 'red' },
      ];
      for (const body of bodies) {
        const r = await patch(body);
        assert.equal(r.status, 400, JSON.stringify(body));
        assert.equal(r.json.error.code, 'invalid_request');
      }
      assert.equal((await admin('PATCH', CONTROLS, 'not json')).json.error.code, 'invalid_json');
    });

    it('non-admins get 403, no token 401; only admins read the controls', async () => {
      assert.equal((await admin('PATCH', CONTROLS, { maintenance: true }, devToken)).status, 403);
      assert.equal((await admin('GET', CONTROLS, undefined, devToken)).status, 403);
      assert.equal((await admin('PATCH', CONTROLS, { maintenance: true }, null)).status, 401);
      assert.equal((await admin('PATCH', `/admin/v1/apps/${appId}/controls`, { banned: true }, devToken)).status, 403);
      assert.equal((await roleList()).json.errcode, 0);
    });

    it('changes are audited and idempotent under an Idempotency-Key', async () => {
      const headers = { 'idempotency-key': `controls-${kind}` };
      const first = await admin('PATCH', CONTROLS, { per_key_per_minute: 1000 }, adminToken, headers);
      assert.equal(first.status, 200, first.text);
      const again = await admin('PATCH', CONTROLS, { per_key_per_minute: 1000 }, adminToken, headers);
      assert.equal(again.headers.get('idempotent-replayed'), 'true');
      assert.equal(again.text, first.text);
      assert.equal((await admin('PATCH', CONTROLS, { per_key_per_minute: 5 }, adminToken, headers)).status, 409);
      const audit = await admin('GET', '/admin/v1/audit?limit=50');
      const entries = audit.json.filter((e: { action: string }) => e.action === 'admin.updateOperatorControls');
      assert.ok(entries.some((e: { details: Record<string, unknown> }) => e.details.per_key_per_minute === '1000' || e.details.per_key_per_minute === 1000));
      assert.equal(entries.filter((e: { details: Record<string, unknown> }) => 'per_key_per_minute' in e.details).length, 1, 'a replay is not audited twice');
      await patch({ per_key_per_minute: null });
    });

    it('per-IP limit → 10006 with Retry-After', async () => {
      const r = await patch({ per_ip_per_minute: 2 });
      assert.equal(r.json.per_ip_per_minute, 2);
      assert.equal((await roleList()).json.errcode, 0);
      assert.equal((await roleList()).json.errcode, 0);
      const limited = await roleList();
      assert.equal(limited.json.errcode, 10006);
      const retry = Number(limited.headers.get('retry-after'));
      assert.ok(Number.isInteger(retry) && retry >= 1 && retry <= 60, `Retry-After ${retry}`);
      await patch({ per_ip_per_minute: null });
      assert.equal((await roleList()).json.errcode, 0);
    });

    it('app controls round-trip, merge settings, clear with null, and are audited', async () => {
      const path = `/admin/v1/apps/${appId}/controls`;
      const initial = await admin('GET', path);
      assert.equal(initial.status, 200, initial.text);
      assert.deepEqual(initial.json, { app_id: appId, banned: false, key_expires_at: null, dialects: null, settings: {} });
      const set = await admin('PATCH', path, {
        banned: true,
        key_expires_at: '2030-01-02T03:04:05+01:00',
        dialects: ['ulord', 'pi', 'ulord'],
        settings: { ulord: { requireSecretForDeveloperWallet: false } },
      });
      assert.equal(set.status, 200, set.text);
      const expected = {
        app_id: appId,
        banned: true,
        key_expires_at: '2030-01-02T02:04:05.000Z',
        dialects: ['ulord', 'pi'],
        settings: { ulord: { requireSecretForDeveloperWallet: false } },
      };
      assert.deepEqual(set.json, expected);
      assert.deepEqual((await admin('GET', path)).json, expected);
      const partial = await admin('PATCH', path, { banned: false, settings: { ulord: {} } });
      assert.deepEqual(partial.json, { ...expected, banned: false });
      const cleared = await admin('PATCH', path, { key_expires_at: null, dialects: null });
      assert.deepEqual(cleared.json, { ...expected, banned: false, key_expires_at: null, dialects: null });
      const audit = await admin('GET', '/admin/v1/audit?limit=50');
      const entries = audit.json.filter((e: { action: string; target: string }) => e.action === 'admin.updateAppControls' && e.target === `id:${appId}`);
      assert.equal(entries.length, 3);
    });

    it('app controls: bad input → 400, unknown app → 404', async () => {
      const path = `/admin/v1/apps/${appId}/controls`;
      for (const body of [{ dialects: ['wechat'] }, { key_expires_at: 'tomorrow' }, { key_expires_at: '2030-13-45T00:00:00Z' }, { banned: 'yes' }, { settings: { ulord: { other: 1 } } }, { owner: 1 }]) {
        const r = await admin('PATCH', path, body);
        assert.equal(r.status, 400, JSON.stringify(body));
        assert.equal(r.json.error.code, 'invalid_request');
      }
      assert.equal((await admin('PATCH', '/admin/v1/apps/999999/controls', { banned: true })).status, 404);
      assert.equal((await admin('GET', '/admin/v1/apps/999999/controls')).status, 404);
    });

    it('the OpenAPI document lists the new operations', async () => {
      const doc = (await http(server.baseUrl, 'GET', '/openapi/admin.json')).json;
      assert.ok(doc.paths['/admin/v1/operator/controls'].get);
      assert.ok(doc.paths['/admin/v1/operator/controls'].patch);
      assert.ok(doc.paths['/admin/v1/apps/{id}/controls'].patch.parameters.some((p: { name: string }) => p.name === 'Idempotency-Key'));
    });
  });
}
