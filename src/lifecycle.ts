// Start-up and shutdown of a Plaza server process, as functions tests can call in-process:
// open the store → migrate → ensure the configured admin → build the server → start the sealer, the
// idempotency-key purge, the expired-credential purge, the payment sweeper and the webhook worker → listen. `close()`
// reverses it: stop the purges and the sweeper, stop accepting and drain in-flight requests (bounded by
// shutdownGraceMs), stop the sealer (it seals once more), stop the webhook worker (waiting for its batch, at most one
// request timeout), wait for a running purge and sweep, close the store.
import type { FastifyBaseLogger } from 'fastify';
import type { AddressInfo } from 'node:net';
import { adminApi } from './admin/plugin.js';
import { identityDeps } from './admin/deps.js';
import type { Config } from './config.js';
import { systemClock, type Clock } from './core/clock.js';
import { createSecretBox } from './core/crypto/secretbox.js';
import { ensureAdminDeveloper } from './core/identity/developers.js';
import { startWebhookWorker } from './core/events/webhooks.js';
import { purgeSpentEmailTokens } from './core/identity/emailTokens.js';
import { purgeExpiredUserSessions } from './core/identity/sessions.js';
import { purgeExpiredUserTokens } from './core/identity/userTokens.js';
import { purgeExpiredWalletTokens } from './core/identity/walletTokens.js';
import { startSealer } from './core/ledger/sealer.js';
import { openDatabase, type Database } from './db/database.js';
import { migrateToLatest } from './db/migrate.js';
import { kamiyaDialect } from './dialects/kamiya/plugin.js';
import { liveuserDialect } from './dialects/liveuser/plugin.js';
import { horizonDialect } from './dialects/pi/horizon/plugin.js';
import { piDialect } from './dialects/pi/plugin.js';
import { ulordDialect } from './dialects/ulord/plugin.js';
import { yoyowDialect } from './dialects/yoyow/plugin.js';
import { purgeExpiredReplayKeys } from './dialects/yoyow/replayKeys.js';
import type { DialectPlugin } from './http/dialect.js';
import { healthRoutes } from './http/health.js';
import { purgeExpiredKeys } from './http/idempotency.js';
import { metricsRoutes } from './http/metrics.js';
import { startLiveuserJobs } from './modules/orders/jobs.js';
import { openApiRoutes } from './http/openapi.js';
import { paymentsDeps, sweepOverdue } from './modules/payments/index.js';
import { buildServer, type BuildOptions, type PlazaServer } from './server.js';
import { webPages } from './web/plugin.js';
import { uiPages } from './web/ui.js';
import { oidcRoutes } from './oidc/routes.js';
import { sandboxRoutes } from './sandbox/plugin.js';

/** Every dialect and route set a production server mounts. */
export const DIALECTS: readonly DialectPlugin[] = [piDialect, horizonDialect, kamiyaDialect, ulordDialect, liveuserDialect, yoyowDialect, adminApi];
export const EXTRAS: NonNullable<BuildOptions['extras']> = [healthRoutes, metricsRoutes, openApiRoutes, webPages, uiPages, oidcRoutes, sandboxRoutes];

/**
 * How often expired idempotency keys (at most; shorter retentions purge more often) and dead credentials are deleted.
 */
const PURGE_INTERVAL_MS = 10 * 60_000;

export interface RunningPlaza {
  /** The base URL actually listened on (the real port when config.port is 0). */
  url: string;
  server: PlazaServer;
  database: Database;
  /** Graceful shutdown; safe to call more than once. */
  close(): Promise<void>;
}

export interface StartOptions {
  clock?: Clock;
  dialects?: readonly DialectPlugin[];
}

/** Ensures the admin developer named by PLAZA_ADMIN_USERNAME/PASSWORD exists (a no-op when they are unset). */
export async function ensureConfiguredAdmin(config: Config, database: Database, clock: Clock): Promise<void> {
  if (config.adminUsername === null || config.adminPassword === null) return;
  const box = createSecretBox(config.masterKey);
  await ensureAdminDeveloper(database.db, { username: config.adminUsername, password: config.adminPassword }, identityDeps({ config, clock, box }));
}

function withTimeout<T>(work: Promise<T>, ms: number): Promise<'done' | 'timeout'> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), ms);
  });
  return Promise.race([work.then(() => 'done' as const), timeout]).finally(() => clearTimeout(timer));
}

type Purge = (db: Database['db'], clock: Clock) => Promise<number>;

/**
 * Deletes the rows no request can use any more: expired OIDC payloads, dead user tokens, spent email tokens, expired
 * sessions. Each purge runs on its own, so one failing (logged) does not keep the others from running.
 */
async function purgeDeadCredentials(database: Database, clock: Clock, log: FastifyBaseLogger): Promise<void> {
  // Loaded here, like the provider in oidc/routes.ts: the adapter imports the library, which CLI commands must not load.
  const { purgeExpiredOidcPayloads } = await import('./oidc/adapter.js');
  const purges: Record<string, Purge> = {
    oidc_payloads: purgeExpiredOidcPayloads,
    user_tokens: purgeExpiredUserTokens,
    email_tokens: purgeSpentEmailTokens,
    user_sessions: purgeExpiredUserSessions,
    wallet_tokens: purgeExpiredWalletTokens,
    yoyow_replay_keys: purgeExpiredReplayKeys,
  };
  for (const [table, purge] of Object.entries(purges)) {
    try {
      const deleted = await purge(database.db, clock);
      if (deleted > 0) log.debug({ table, deleted }, 'purged expired rows');
    } catch (err) {
      log.warn({ err, table }, 'expired row purge failed');
    }
  }
}

export async function startPlaza(config: Config, options: StartOptions = {}): Promise<RunningPlaza> {
  const clock = options.clock ?? systemClock;
  const database = await openDatabase(config.databaseUrl);
  let server: PlazaServer | null = null;
  try {
    await migrateToLatest(database);
    await ensureConfiguredAdmin(config, database, clock);
    server = await buildServer({ config, database, clock, dialects: options.dialects ?? DIALECTS, extras: EXTRAS });
  } catch (err) {
    await server?.app.close().catch(() => undefined);
    await database.close().catch(() => undefined);
    throw err;
  }
  const { app, services } = server;
  const sealer = startSealer({ database, box: services.box, clock, intervalMs: config.blockIntervalMs, logger: app.log });
  const webhooks = startWebhookWorker({ db: database.db, box: services.box, clock, logger: app.log });
  // liveuser: id-worker lease renewal, rotation-replay purge, reconciliation of unpaid orders (spec/liveuser.md §8.8).
  const liveuserJobs = startLiveuserJobs({ database, box: services.box, clock, config, logger: app.log });
  const purge = setInterval(
    () => void purgeExpiredKeys(services.idempotency).catch((err: unknown) => app.log.warn({ err }, 'idempotency key purge failed')),
    Math.min(PURGE_INTERVAL_MS, config.idempotencyRetentionMs),
  );
  purge.unref();
  // One credential purge at a time; close() waits for the running one before closing the store.
  let credentialPurge: Promise<void> | null = null;
  const credentialTimer = setInterval(() => {
    credentialPurge ??= purgeDeadCredentials(database, clock, app.log)
      .catch((err: unknown) => app.log.warn({ err }, 'expired row purge failed'))
      .finally(() => {
        credentialPurge = null;
      });
  }, PURGE_INTERVAL_MS);
  credentialTimer.unref();
  // Pi payment timeouts (spec/pi.md §4.3): also applied lazily on every access, so the interval only bounds how late
  // a `payment.cancelled` event of an untouched payment is. One sweep at a time; close() waits for the running one.
  const payments = paymentsDeps(services);
  let paymentSweep: Promise<void> | null = null;
  const sweepTimer = setInterval(() => {
    paymentSweep ??= sweepOverdue(database.db, payments)
      .then((cancelled) => {
        if (cancelled > 0) app.log.debug({ cancelled }, 'overdue payments cancelled');
      })
      .catch((err: unknown) => app.log.warn({ err }, 'payment sweep failed'))
      .finally(() => {
        paymentSweep = null;
      });
  }, config.pi.sweepIntervalSeconds * 1000);
  sweepTimer.unref();

  let closing: Promise<void> | null = null;
  const close = () => {
    closing ??= (async () => {
      clearInterval(purge);
      clearInterval(credentialTimer);
      clearInterval(sweepTimer);
      // Fastify stops accepting at once (503 to new requests on kept-alive sockets) and waits for in-flight ones.
      const closed = app.close();
      if ((await withTimeout(closed, config.shutdownGraceMs)) === 'timeout') {
        app.log.warn({ graceMs: config.shutdownGraceMs }, 'shutdown grace elapsed; closing remaining connections');
        app.server.closeAllConnections();
        await withTimeout(closed, 1000);
      }
      await sealer.stop();
      await webhooks.stop();
      await liveuserJobs.stop();
      await credentialPurge;
      await paymentSweep;
      await database.close();
    })();
    return closing;
  };

  try {
    await app.listen({ host: config.host, port: config.port });
  } catch (err) {
    await close().catch(() => undefined);
    throw err;
  }
  const { port } = app.server.address() as AddressInfo;
  const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
  app.log.info({ url, store: database.label }, `Plaza listening on ${url} (store ${database.label})`);
  return { url, server, database, close };
}
