// Builds the Fastify application: raw-body parsing, request ids, the per-prefix failure rendering of the dialects,
// and the dialects themselves. Start-up (migrations, sealer, listening) and shutdown live in main.ts/lifecycle.
import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { randomUUID } from 'node:crypto';
import type { Config } from './config.js';
import { systemClock, type Clock } from './core/clock.js';
import { createSecretBox } from './core/crypto/secretbox.js';
import { createMailer } from './core/events/mailer.js';
import type { Database } from './db/database.js';
import type { DialectPlugin, TransportFailure } from './http/dialect.js';
import type { WireResponse } from './http/idempotency.js';
import { createDbControls } from './http/controls.js';
import { createRateLimiter, type RateLimiter } from './http/rateLimit.js';
import { createRedisRateLimiter } from './http/redisRateLimit.js';
import { sendWire } from './http/reply.js';
import type { Services } from './services.js';

export interface BuildOptions {
  config: Config;
  database: Database;
  clock?: Clock;
  dialects: readonly DialectPlugin[];
  /** Extra route sets (health, admin API, OpenAPI) registered after the dialects. */
  extras?: ReadonlyArray<(app: FastifyInstance, services: Services) => void | Promise<void>>;
}

export interface PlazaServer {
  app: FastifyInstance;
  services: Services;
}

const APP_MOUNT = /^\/apps\/[^/]+(\/.*)?$/;

/** The path without query string and without an `/apps/<appkey>` mount prefix. */
export function unmountedPath(url: string): string {
  const path = url.split('?')[0] ?? '/';
  const m = APP_MOUNT.exec(path);
  return m ? (m[1] ?? '/') : path;
}

function ownerOf(dialects: readonly DialectPlugin[], url: string): DialectPlugin | undefined {
  const path = unmountedPath(url);
  return dialects.find((d) => d.prefixes.some((p) => path === p || path.startsWith(p.endsWith('/') ? p : `${p}/`)));
}

const PLAIN_NOT_FOUND: WireResponse = { statusCode: 404, headers: {}, body: '{"error":"not_found"}' };

function plainFailure(failure: TransportFailure): WireResponse {
  switch (failure.kind) {
    case 'not_found':
      return PLAIN_NOT_FOUND;
    case 'body_too_large':
      return { statusCode: 413, headers: {}, body: '{"error":"payload_too_large"}' };
    case 'bad_request':
      return { statusCode: 400, headers: {}, body: '{"error":"bad_request"}' };
    case 'internal':
      return { statusCode: 500, headers: {}, body: '{"error":"internal_error"}' };
  }
}

function classify(err: FastifyError): TransportFailure {
  if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE' || err.statusCode === 413) return { kind: 'body_too_large' };
  if (err.statusCode !== undefined && err.statusCode >= 400 && err.statusCode < 500) return { kind: 'bad_request' };
  return { kind: 'internal' };
}

/** How long start-up waits for a configured Redis before serving (requests fail open until it connects). */
const REDIS_READY_WAIT_MS = 2000;

function buildLimiter(config: Config, clock: Clock, app: FastifyInstance): RateLimiter {
  if (config.redisUrl === null) return createRateLimiter(clock);
  return createRedisRateLimiter({ url: config.redisUrl, clock, logger: app.log });
}

export function buildServices(options: BuildOptions, app: FastifyInstance): Services {
  const clock = options.clock ?? systemClock;
  const box = createSecretBox(options.config.masterKey);
  return {
    config: options.config,
    database: options.database,
    db: options.database.db,
    clock,
    box,
    logger: app.log,
    idempotency: { db: options.database.db, clock, retentionMs: options.config.idempotencyRetentionMs, box },
    limiter: buildLimiter(options.config, clock, app),
    controls: createDbControls({ db: options.database.db, base: options.config.operator, logger: app.log }),
    mailer: createMailer(options.config, options.database.db, clock),
  };
}

export async function buildServer(options: BuildOptions): Promise<PlazaServer> {
  const { config, dialects } = options;
  const app = Fastify({
    logger:
      config.logLevel === 'silent'
        ? false
        : {
            level: config.logLevel,
            // Never log credentials: the headers that carry them are redacted wherever they appear.
            redact: ['req.headers.authorization', 'req.headers.token', 'req.headers.secret', 'req.headers.cookie'],
          },
    bodyLimit: config.bodyLimitBytes,
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && /^[\x21-\x7e]{1,128}$/.test(given) ? given : randomUUID();
    },
    requestIdHeader: false,
    trustProxy: false,
    return503OnClosing: true,
    forceCloseConnections: 'idle',
    // Failures Fastify answers before routing (a malformed percent-encoded URL): still the owning dialect's envelope.
    frameworkErrors: (_err, request, reply) => {
      const owner = ownerOf(dialects, request.url);
      const failure: TransportFailure = { kind: 'bad_request' };
      return sendWire(reply, owner ? owner.renderTransportFailure(failure, request) : plainFailure(failure));
    },
  });
  const services = buildServices(options, app);
  // Stops the controls refresh and closes the Redis connection; tests may have swapped either, so both the
  // original and the current ones are closed.
  const { controls, limiter } = services;
  app.addHook('onClose', async () => {
    for (const c of new Set([controls, services.controls])) await c.close?.();
    for (const l of new Set([limiter, services.limiter])) await l.close?.();
  });
  await services.controls.refresh?.();
  if (services.limiter.ready && !(await services.limiter.ready(REDIS_READY_WAIT_MS))) {
    app.log.warn('redis (PLAZA_REDIS_URL) is not reachable yet; rate limits are not enforced until it is');
  }

  // Every body arrives as raw bytes whatever its Content-Type; each dialect parses it (http/body.ts).
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));

  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });

  app.setNotFoundHandler((request, reply) => {
    const owner = ownerOf(dialects, request.url);
    return sendWire(reply, owner ? owner.renderTransportFailure({ kind: 'not_found' }, request) : PLAIN_NOT_FOUND);
  });

  app.setErrorHandler((err: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    const failure = classify(err);
    if (failure.kind === 'internal') request.log.error({ err }, 'unhandled failure');
    const owner = ownerOf(dialects, request.url);
    return sendWire(reply, owner ? owner.renderTransportFailure(failure, request) : plainFailure(failure));
  });

  for (const d of dialects) await d.init?.(services);
  for (const d of dialects) await d.register(app, services);
  for (const extra of options.extras ?? []) await extra(app, services);
  return { app, services };
}
