// An admin API server on a fresh store with an admin developer, a normal developer and a blocked one, each with a
// token; responses are checked against their declared schemas (assertResponses).
import { identityDeps } from '../../src/admin/deps.js';
import { createAdminApi } from '../../src/admin/plugin.js';
import { createApp } from '../../src/core/identity/apps.js';
import { ensureAdminDeveloper, hashNewPassword, registerDeveloper, type Developer } from '../../src/core/identity/developers.js';
import { issueDeveloperToken } from '../../src/core/identity/devTokens.js';
import { BLOCKED_ROLE_ID } from '../../src/core/identity/roles.js';
import type { StoreKind } from '../../src/db/database.js';
import { healthRoutes } from '../../src/http/health.js';
import { metricsRoutes } from '../../src/http/metrics.js';
import { openApiRoutes } from '../../src/http/openapi.js';
import { http, startTestServer, type HttpResult, type TestServer } from '../support/server.js';

export interface AdminFixture {
  server: TestServer;
  admin: { developer: Developer; token: string };
  dev: { developer: Developer; token: string };
  other: { developer: Developer; token: string };
  blocked: { developer: Developer; token: string };
  /** An admin API call; `token` null sends no Authorization header. */
  call(method: string, path: string, options?: { token?: string | null; body?: unknown; headers?: Record<string, string> }): Promise<HttpResult>;
  /** Creates an app owned by `developerId`, returning its id. */
  createApp(developerId: number, name: string): Promise<number>;
  close(): Promise<void>;
}

export async function startAdminFixture(kind: StoreKind): Promise<AdminFixture> {
  const server = await startTestServer(kind, {
    dialects: [createAdminApi({ assertResponses: true })],
    extras: [healthRoutes, metricsRoutes, openApiRoutes],
    config: { bodyLimitBytes: 4096 },
  });
  const s = server.services;
  const deps = identityDeps(s);
  const withToken = async (developer: Developer) => ({ developer, token: (await issueDeveloperToken(s.db, developer.id, s.clock, 3600)).token });
  const admin = await withToken(await ensureAdminDeveloper(s.db, { username: 'root', password: 'rootpass' }, deps));
  const passwordHash = await hashNewPassword('secret1', deps);
  const register = (username: string, roleId?: number) =>
    s.db.transaction().execute((trx) => registerDeveloper(trx, { username, passwordHash, ...(roleId ? { roleId } : {}) }, deps));
  const dev = await withToken(await register('alice'));
  const other = await withToken(await register('bob'));
  const blocked = await withToken(await register('mallory', BLOCKED_ROLE_ID));
  return {
    server,
    admin,
    dev,
    other,
    blocked,
    call(method, path, options = {}) {
      const token = options.token === undefined ? admin.token : options.token;
      const headers: Record<string, string> = { ...options.headers };
      if (token !== null) headers.authorization = `Bearer ${token}`;
      return http(server.baseUrl, method, path, { headers, ...(options.body !== undefined ? { body: options.body } : {}) });
    },
    async createApp(developerId, name) {
      const { app } = await s.db.transaction().execute((trx) => createApp(trx, { developerId, name }, deps));
      return app.id;
    },
    close: () => server.close(),
  };
}
