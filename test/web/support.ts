// Shared set-up of the hosted-page tests: a server with the pages on a manual clock (so tests reset the rate-limit
// windows by moving time), and shortcuts to sign a user up, read the development mailbox and create an app.
import assert from 'node:assert/strict';
import { identityDeps } from '../../src/admin/deps.js';
import type { Config } from '../../src/config.js';
import { manualClock } from '../../src/core/clock.js';
import { createApp, type App } from '../../src/core/identity/apps.js';
import type { IdentityDeps } from '../../src/core/identity/deps.js';
import { hashNewPassword, registerDeveloper } from '../../src/core/identity/developers.js';
import { ensureBuiltinRoles } from '../../src/core/identity/roles.js';
import { ensureAsset } from '../../src/core/ledger/assets.js';
import type { StoreKind } from '../../src/db/database.js';
import { webPages } from '../../src/web/plugin.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { createAgent, unescapeHtml, type Agent } from './browser.js';

export interface WebCtx {
  server: TestServer;
  clock: ReturnType<typeof manualClock>;
  deps: IdentityDeps;
  /** Moves time past every rate-limit window. */
  freshWindow(): void;
  /** A new browser that has signed up `username` (email `<username>@example.com`), signed in. */
  signUp(username: string, password?: string): Promise<Agent>;
  /** The last link to `path` in mail sent to `to`, as a path on the server. */
  mailedLink(to: string, path: string): Promise<string>;
  userId(username: string): Promise<number>;
  createApp(name: string): Promise<App>;
  count(table: 'end_users' | 'user_sessions' | 'email_tokens' | 'sandbox_mail'): Promise<number>;
  close(): Promise<void>;
}

export const PASSWORD = 'correct horse 1';

export async function startWeb(kind: StoreKind, config: Partial<Config> = {}): Promise<WebCtx> {
  const clock = manualClock(Date.UTC(2026, 2, 1));
  const server = await startTestServer(kind, { dialects: [], extras: [webPages], clock, config });
  const deps = identityDeps(server.services);
  const db = server.services.db;
  let developerId: number | null = null;

  const ctx: WebCtx = {
    server,
    clock,
    deps,
    freshWindow: () => clock.advance(120_000),
    async signUp(username, password = PASSWORD) {
      const agent = createAgent(server.baseUrl);
      const r = await agent.submit('/signup', { username, email: `${username}@example.com`, password });
      assert.equal(r.status, 303, r.text);
      assert.equal(r.location, '/account');
      return agent;
    },
    async mailedLink(to, path) {
      const mailbox = await createAgent(server.baseUrl).get(`/_sandbox/mail?to=${encodeURIComponent(to)}`);
      assert.equal(mailbox.status, 200);
      const prefix = server.services.config.publicUrl + path;
      const hrefs = [...mailbox.text.matchAll(/<a href="([^"]+)">/g)].map((m) => unescapeHtml(m[1]!)).filter((h) => h.startsWith(prefix));
      assert.ok(hrefs.length > 0, `no ${path} link in the mailbox of ${to}:\n${mailbox.text}`);
      // Newest first.
      return hrefs[0]!.slice(server.services.config.publicUrl.length);
    },
    async userId(username) {
      const row = await db.selectFrom('end_users').select('id').where('username_lower', '=', username.toLowerCase()).executeTakeFirstOrThrow();
      return Number(row.id);
    },
    async createApp(name) {
      if (developerId === null) {
        await ensureBuiltinRoles(db);
        await ensureAsset(db, { symbol: 'ULD', precision: 8 }, clock);
        const passwordHash = await hashNewPassword('dev-password-1', deps);
        const dev = await db.transaction().execute((trx) => registerDeveloper(trx, { username: 'appmaker', passwordHash }, deps));
        developerId = dev.id;
      }
      const devId = developerId;
      const { app } = await db.transaction().execute((trx) => createApp(trx, { developerId: devId, name }, deps));
      return app;
    },
    async count(table) {
      const r = await db.selectFrom(table).select((eb) => eb.fn.countAll<number | bigint>().as('n')).executeTakeFirstOrThrow();
      return Number(r.n);
    },
    close: () => server.close(),
  };
  return ctx;
}
