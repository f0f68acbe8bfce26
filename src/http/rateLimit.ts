// Sliding-window rate limits (per client IP, per app key, per developer). The decision is pure: `check` computes
// whether a request is allowed from the two fixed windows around now (the sliding-window-counter approximation)
// and only then counts it. Counters live in this process: with several processes each enforces its own share,
// unless PLAZA_REDIS_URL is set (redisRateLimit.ts: the same semantics, one counter shared by every process).
import type { Clock } from '../core/clock.js';

export interface RateDecision {
  allowed: boolean;
  /** Seconds until a request would be allowed again (for Retry-After); 0 when allowed. */
  retryAfterSeconds: number;
}

export interface RateLimiter {
  /** Counts one request under `bucket` against `limitPerMinute` (0 = unlimited). Async: a shared store may answer. */
  check(bucket: string, limitPerMinute: number): Promise<RateDecision>;
  /** Waits (bounded) until a shared store is connected; true when it is. Absent for the in-process limiter. */
  ready?(timeoutMs: number): Promise<boolean>;
  /** Releases a shared store's connection on shutdown. */
  close?(): Promise<void>;
}

const WINDOW_MS = 60_000;
/** Bound on tracked buckets: a flood of distinct keys cannot grow memory without limit. */
const MAX_BUCKETS = 100_000;

interface Counter {
  windowStart: number;
  current: number;
  previous: number;
}

export function createRateLimiter(clock: Clock): RateLimiter {
  const decide = createLocalDecider(clock);
  return { check: async (bucket, limitPerMinute) => decide(bucket, limitPerMinute) };
}

/** The in-process sliding-window counter, synchronous. */
export function createLocalDecider(clock: Clock): (bucket: string, limitPerMinute: number) => RateDecision {
  const counters = new Map<string, Counter>();
  return (bucket, limitPerMinute) => {
      if (limitPerMinute <= 0) return { allowed: true, retryAfterSeconds: 0 };
      const now = clock.now();
      const windowStart = now - (now % WINDOW_MS);
      let c = counters.get(bucket);
      if (!c) {
        if (counters.size >= MAX_BUCKETS) counters.clear();
        c = { windowStart, current: 0, previous: 0 };
        counters.set(bucket, c);
      } else if (c.windowStart !== windowStart) {
        c.previous = c.windowStart === windowStart - WINDOW_MS ? c.current : 0;
        c.current = 0;
        c.windowStart = windowStart;
      }
      // previous × (share of the previous window still inside the sliding minute) + current + 1 > limit, scaled by
      // the window length so it is exact integer arithmetic (the Redis script decides with the same expression).
      const elapsedMs = now - windowStart;
      if (c.previous * (WINDOW_MS - elapsedMs) + (c.current + 1) * WINDOW_MS > limitPerMinute * WINDOW_MS) {
        return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((windowStart + WINDOW_MS - now) / 1000)) };
      }
      c.current += 1;
      return { allowed: true, retryAfterSeconds: 0 };
  };
}
