// Fixtures for the black-box tests of the dialects that sign end users in (Pi, Kamiya): a server with the given
// dialects plus the hosted pages on a manual clock, and shortcuts that go straight to core/identity — a developer
// and its apps, users (with a session cookie for the cookie-jar agent), grants and access tokens.
import { identityDeps } from '../../src/admin/deps.js';
import type { Config } from '../../src/config.js';
import { manualClock } from '../../src/core/clock.js';
import { hashPassword } from '../../src/core/crypto/passwords.js';
import { setAppAllowedOrigins, setAppRedirectUris } from '../../src/core/identity/appAccess.js';
import { createApp, getApp, revealAppSecret, type StoredApp } from '../../src/core/identity/apps.js';
import type { IdentityDeps } from '../../src/core/identity/deps.js';
import { hashNewPassword, registerDeveloper } from '../../src/core/identity/developers.js';
import { upsertGrant, type Grant } from '../../src/core/identity/grants.js';
import { ensureBuiltinRoles } from '../../src/core/identity/roles.js';
import { createUserSession } from '../../src/core/identity/sessions.js';
import { issueAccessToken } from '../../src/core/identity/userTokens.js';
import { getUser, markEmailVerified, registerUser, type User } from '../../src/core/identity/users.js';
import { ensureAsset } from '../../src/core/ledger/assets.js';
import type { StoreKind } from '../../src/db/database.js';
import type { DialectPlugin } from '../../src/http/dialect.js';
import { webPages } from '../../src/web/plugin.js';
import { SESSION_COOKIE } from '../../src/web/session.js';
import { createAgent, type Agent } from '../web/browser.js';
import { startTestServer, type TestServer } from './server.js';

export interface TestApp {
  app: StoredApp;
  appkey: string;
  secret: string;
}

export interface IdentityCtx {
  server: TestServer;
  clock: ReturnType<typeof manualClock>;
  deps: IdentityDeps;
  createApp(name: string, access?: { origins?: string[]; redirectUris?: string[] }): Promise<TestApp>;
  /** A global user; `verified` marks the email verified. */
  createUser(username: string, options?: { email?: string | null; verified?: boolean; admin?: boolean; password?: string }): Promise<User>;
  /** A cookie-jar browser signed in as `user` (a session created directly). */
  signedIn(user: User): Promise<Agent>;
  grant(appId: number, userId: number, kind: string, scopes: string[]): Promise<Grant>;
  accessToken(grant: Grant, scopes: string[], kind?: string, ttlSeconds?: number): Promise<{ token: string; expiresAt: number }>;
  reloadApp(appId: number): Promise<StoredApp>;
  close(): Promise<void>;
}

export async function startIdentityServer(kind: StoreKind, options: { dialects: readonly DialectPlugin[]; config?: Partial<Config> }): Promise<IdentityCtx> {
  const clock = manualClock(Date.UTC(2026, 2, 1, 9, 22, 7));
  const server = await startTestServer(kind, { dialects: options.dialects, extras: [webPages], clock, ...(options.config ? { config: options.config } : {}) });
  const s = server.services;
  const deps = identityDeps(s);
  let developerId: number | null = null;

  return {
    server,
    clock,
    deps,
    async createApp(name, access = {}) {
      if (developerId === null) {
        await ensureBuiltinRoles(s.db);
        await ensureAsset(s.db, { symbol: s.config.ulord.assetSymbol, precision: 8 }, clock);
        const passwordHash = await hashNewPassword('dev-password-1', deps);
        const dev = await s.db.transaction().execute((trx) => registerDeveloper(trx, { username: 'appmaker', passwordHash }, deps));
        developerId = dev.id;
      }
      const devId = developerId;
      const { app } = await s.db.transaction().execute(async (trx) => {
        const created = await createApp(trx, { developerId: devId, name }, deps);
        if (access.origins) await setAppAllowedOrigins(trx, created.app.id, access.origins, clock);
        if (access.redirectUris) await setAppRedirectUris(trx, created.app.id, access.redirectUris, clock);
        return created;
      });
      const stored = (await getApp(s.db, app.id))!;
      return { app: stored, appkey: stored.appkey, secret: revealAppSecret(s.box, stored) };
    },
    async createUser(username, o = {}) {
      // Most users never type a password (their session is created directly): skip scrypt unless one is asked for.
      const passwordHash = o.password !== undefined ? await hashPassword(o.password) : 'scrypt$unusable';
      const email = o.email === undefined ? `${username}@example.com` : o.email;
      return s.db.transaction().execute(async (trx) => {
        const user = await registerUser(trx, { username, email, passwordHash }, deps);
        if (o.verified) await markEmailVerified(trx, user.id, clock);
        if (o.admin) await trx.updateTable('end_users').set({ role: 'Administrator' }).where('id', '=', user.id).execute();
        return (await getUser(trx, user.id))!;
      });
    },
    async signedIn(user) {
      const { token } = await createUserSession(s.db, user.id, clock);
      const agent = createAgent(server.baseUrl);
      agent.setCookie(SESSION_COOKIE, token);
      return agent;
    },
    grant(appId, userId, kind, scopes) {
      return s.db.transaction().execute((trx) => upsertGrant(trx, { appId, userId, kind, scopes }, clock));
    },
    accessToken(grant, scopes, kind = 'pi', ttlSeconds = 86_400) {
      return s.db.transaction().execute((trx) => issueAccessToken(trx, { grant, scopes, kind, ttlSeconds }, clock));
    },
    async reloadApp(appId) {
      return (await getApp(s.db, appId))!;
    },
    close: () => server.close(),
  };
}
