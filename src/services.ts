// The dependencies every dialect and module receives, built once by the server (server.ts) or by a test.
import type { FastifyBaseLogger } from 'fastify';
import type { Kysely } from 'kysely';
import type { Config } from './config.js';
import type { Clock } from './core/clock.js';
import type { PasswordHasher } from './core/crypto/passwords.js';
import type { Mailer } from './core/events/mailer.js';
import type { SecretBox } from './core/crypto/secretbox.js';
import type { Database } from './db/database.js';
import type { DB } from './db/schema.js';
import type { IdempotencyDeps } from './http/idempotency.js';
import type { ControlsStore } from './http/controls.js';
import type { RateLimiter } from './http/rateLimit.js';

export interface Services {
  config: Config;
  database: Database;
  db: Kysely<DB>;
  clock: Clock;
  box: SecretBox;
  logger: FastifyBaseLogger;
  idempotency: IdempotencyDeps;
  limiter: RateLimiter;
  /** Operator controls in force (maintenance, switches, IP deny list, rate limits). */
  controls: ControlsStore;
  /** Outgoing email: SMTP when PLAZA_SMTP_URL is set, else the development mailbox. */
  mailer: Mailer;
  /** Password hashing; absent = scrypt. Tests inject a controllable one. */
  passwords?: PasswordHasher;
}
