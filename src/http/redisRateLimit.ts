// The rate limiter shared by every Plaza process through Redis (PLAZA_REDIS_URL). Same semantics as the
// in-process limiter (rateLimit.ts): a sliding-window counter estimated from two fixed one-minute windows. The
// decision and the count happen in one Lua script, so two processes racing on the last allowed request cannot both
// pass. Each window's counter is a key `<prefix><bucket>:<window start>` that expires after two windows.
//
// Redis is an accelerator of a safety limit, not a dependency of the platform: when it does not answer (down,
// unreachable, slower than commandTimeoutMs), the request is allowed and a warning is logged (at most one per
// WARN_EVERY_MS), so a Redis outage never becomes a Plaza outage.
import { Redis } from 'ioredis';
import type { Clock } from '../core/clock.js';
import type { RateDecision, RateLimiter } from './rateLimit.js';

const WINDOW_MS = 60_000;
const WARN_EVERY_MS = 10_000;

/**
 * KEYS[1] current window counter, KEYS[2] previous window counter; ARGV[1] limit per window, ARGV[2] milliseconds
 * elapsed in the current window, ARGV[3] window length in ms. Returns 1 (allowed, counted) or 0 (denied).
 */
const SLIDING_WINDOW_LUA = `
local limit = tonumber(ARGV[1])
local elapsed = tonumber(ARGV[2])
local window = tonumber(ARGV[3])
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
local previous = tonumber(redis.call('GET', KEYS[2]) or '0')
if previous * (window - elapsed) + (current + 1) * window > limit * window then
  return 0
end
redis.call('INCR', KEYS[1])
redis.call('PEXPIRE', KEYS[1], window * 2)
return 1
`;

export interface RedisRateLimiterOptions {
  /** `redis://` or `rediss://` URL. */
  url: string;
  clock: Clock;
  logger: { warn(obj: object, msg: string): void };
  /** Prepended to every key; lets several Plazas (or test runs) share one Redis. */
  keyPrefix?: string;
  /** A command slower than this counts as a failure (fail open). */
  commandTimeoutMs?: number;
}

export interface RedisRateLimiter extends RateLimiter {
  /** Resolves true once connected, false when `timeoutMs` passes first (requests then fail open until it is). */
  ready(timeoutMs: number): Promise<boolean>;
  close(): Promise<void>;
}

type ScriptedRedis = Redis & {
  plazaSlidingWindow(current: string, previous: string, limit: number, elapsedMs: number, windowMs: number): Promise<number>;
};

export function createRedisRateLimiter(options: RedisRateLimiterOptions): RedisRateLimiter {
  const { clock, logger } = options;
  const prefix = options.keyPrefix ?? 'plaza:rl:';
  const redis = new Redis(options.url, {
    // Never queue commands while disconnected: an unreachable Redis must answer "failed" at once, not later.
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    connectTimeout: 2000,
    commandTimeout: options.commandTimeoutMs ?? 500,
    retryStrategy: (attempt) => Math.min(attempt * 250, 5000),
    lazyConnect: false,
  }) as ScriptedRedis;
  // defineCommand sends EVALSHA and falls back to EVAL when Redis does not know the script yet (NOSCRIPT).
  redis.defineCommand('plazaSlidingWindow', { numberOfKeys: 2, lua: SLIDING_WINDOW_LUA });

  const lastWarn = new Map<string, number>();
  const warn = (err: unknown, msg: string) => {
    const now = Date.now();
    if (now - (lastWarn.get(msg) ?? -Infinity) < WARN_EVERY_MS) return;
    lastWarn.set(msg, now);
    logger.warn({ err: err instanceof Error ? err.message : String(err) }, msg);
  };
  // Without a listener ioredis reports connection errors as unhandled; they are logged (throttled) instead.
  redis.on('error', (err) => warn(err, 'redis rate limiter: connection error'));

  return {
    async check(bucket, limitPerMinute): Promise<RateDecision> {
      if (limitPerMinute <= 0) return { allowed: true, retryAfterSeconds: 0 };
      const now = clock.now();
      const windowStart = now - (now % WINDOW_MS);
      const key = (start: number) => `${prefix}${bucket}:${start}`;
      try {
        const allowed = await redis.plazaSlidingWindow(key(windowStart), key(windowStart - WINDOW_MS), limitPerMinute, now - windowStart, WINDOW_MS);
        if (allowed === 1) return { allowed: true, retryAfterSeconds: 0 };
        return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((windowStart + WINDOW_MS - now) / 1000)) };
      } catch (err) {
        warn(err, 'redis rate limiter unavailable; allowing requests without a limit until it answers again');
        return { allowed: true, retryAfterSeconds: 0 };
      }
    },
    ready(timeoutMs) {
      if (redis.status === 'ready') return Promise.resolve(true);
      return new Promise<boolean>((resolve) => {
        const done = (ok: boolean) => {
          clearTimeout(timer);
          redis.off('ready', onReady);
          resolve(ok);
        };
        const onReady = () => done(true);
        const timer = setTimeout(() => done(false), timeoutMs);
        redis.on('ready', onReady);
      });
    },
    async close() {
      if (redis.status === 'end') return;
      // quit() waits for Redis's answer; when it is unreachable, disconnect at once instead.
      if (redis.status === 'ready') await redis.quit().catch(() => redis.disconnect());
      else redis.disconnect();
    },
  };
}
