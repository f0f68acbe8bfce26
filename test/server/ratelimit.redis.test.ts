// The Redis-backed rate limiter (PLAZA_REDIS_URL): one limit shared by several processes, the same sliding-window
// decisions as the in-process limiter, and fail-open when Redis is unreachable. Needs the Redis at
// PLAZA_TEST_REDIS_URL (default redis://127.0.0.1:6379); a missing Redis is a failure, never a skip.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { createAdminApi } from '../../src/admin/plugin.js';
import { manualClock, systemClock } from '../../src/core/clock.js';
import { ulordDialect } from '../../src/dialects/ulord/plugin.js';
import { createLocalDecider } from '../../src/http/rateLimit.js';
import { createRedisRateLimiter, type RedisRateLimiter } from '../../src/http/redisRateLimit.js';
import { http, startTestServer, type TestServer } from '../support/server.js';

const REDIS_URL = process.env.PLAZA_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
/** Unique per run: parallel runs and earlier runs never share a counter. */
const PREFIX = `plaza:test:${randomBytes(6).toString('hex')}:`;
const silent = { warn: () => undefined };

describe('redis rate limiter', () => {
  const opened: RedisRateLimiter[] = [];
  const open = (options: Partial<Parameters<typeof createRedisRateLimiter>[0]> = {}) => {
    const l = createRedisRateLimiter({ url: REDIS_URL, clock: systemClock, logger: silent, keyPrefix: PREFIX, ...options });
    opened.push(l);
    return l;
  };
  let admin: Redis;
  before(async () => {
    admin = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
    assert.equal(await admin.ping(), 'PONG');
  });
  after(async () => {
    await Promise.all(opened.map((l) => l.close()));
    const keys = await admin.keys(`${PREFIX}*`);
    if (keys.length > 0) await admin.del(...keys);
    await admin.quit();
  });

  it('two limiters (two processes) enforce one shared limit, with a sane Retry-After', async () => {
    const [a, b] = [open(), open()];
    assert.equal(await a.ready(2000), true);
    assert.equal(await b.ready(2000), true);
    const decisions = [];
    for (let i = 0; i < 10; i++) decisions.push(await (i % 2 === 0 ? a : b).check('ip:203.0.113.7', 6));
    assert.equal(decisions.filter((d) => d.allowed).length, 6);
    assert.deepEqual(decisions.map((d) => d.allowed), [true, true, true, true, true, true, false, false, false, false]);
    for (const d of decisions.filter((x) => !x.allowed)) assert.ok(d.retryAfterSeconds >= 1 && d.retryAfterSeconds <= 60, String(d.retryAfterSeconds));
    // Another bucket is counted apart; 0 means unlimited.
    assert.equal((await b.check('ip:203.0.113.8', 6)).allowed, true);
    assert.equal((await b.check('ip:203.0.113.7', 0)).allowed, true);
  });

  it('concurrent requests from both processes never pass more than the limit', async () => {
    const [a, b] = [open(), open()];
    await Promise.all([a.ready(2000), b.ready(2000)]);
    const all = await Promise.all(Array.from({ length: 40 }, (_, i) => (i % 2 ? a : b).check('developer:race', 15)));
    assert.equal(all.filter((d) => d.allowed).length, 15);
  });

  it('decides exactly like the in-process limiter as the window slides', async () => {
    const start = Math.ceil(Date.now() / 60_000) * 60_000 + 3 * 60_000;
    const clock = manualClock(start);
    const redis = open({ clock });
    await redis.ready(2000);
    const local = createLocalDecider(clock);
    const steps: Array<[advanceMs: number, count: number]> = [[50_000, 12], [15_000, 10], [30_000, 10], [20_000, 4], [90_000, 12]];
    for (const [advance, count] of steps) {
      clock.advance(advance);
      for (let i = 0; i < count; i++) {
        const [l, r] = [local('key:slide', 10), await redis.check('key:slide', 10)];
        assert.deepEqual(r, l, `at +${clock.now() - start} ms, request ${i}`);
      }
    }
  });

  it('fails open, quickly and with a warning, when Redis is unreachable', async () => {
    const warnings: string[] = [];
    const down = open({ url: 'redis://127.0.0.1:1', logger: { warn: (_o, msg) => warnings.push(msg) } });
    assert.equal(await down.ready(200), false);
    const started = Date.now();
    for (let i = 0; i < 5; i++) assert.deepEqual(await down.check('ip:198.51.100.1', 1), { allowed: true, retryAfterSeconds: 0 });
    assert.ok(Date.now() - started < 1000, `took ${Date.now() - started} ms`);
    assert.ok(warnings.some((m) => /unavailable/.test(m)), warnings.join('; '));
    assert.equal(warnings.filter((m) => /unavailable/.test(m)).length, 1, 'the warning is throttled');
  });
});

describe('redis rate limits through two Plaza servers', () => {
  let a: TestServer;
  let b: TestServer;
  before(async () => {
    const config = { redisUrl: REDIS_URL, operator: { maintenance: false, maintenanceEndpoints: [], disabledEndpoints: [], ipDenyList: [], perIpPerMinute: 4, perKeyPerMinute: 0 } };
    a = await startTestServer('sqlite', { dialects: [ulordDialect, createAdminApi()], config });
    b = await startTestServer('sqlite', { dialects: [ulordDialect, createAdminApi()], config: { ...config, operator: { ...config.operator } } });
    for (const s of [a, b]) {
      // The server wired a Redis limiter from config.redisUrl; the test swaps in one with this run's key prefix
      // so that it shares counters with nothing else. The server closes both on close.
      assert.equal(typeof s.services.limiter.ready, 'function');
      const limiter = createRedisRateLimiter({ url: REDIS_URL, clock: s.services.clock, logger: silent, keyPrefix: `${PREFIX}srv:` });
      assert.equal(await limiter.ready(2000), true);
      s.services.limiter = limiter;
    }
  });
  after(async () => {
    await a?.close();
    await b?.close();
    const admin = new Redis(REDIS_URL);
    const keys = await admin.keys(`${PREFIX}*`);
    if (keys.length > 0) await admin.del(...keys);
    await admin.quit();
  });

  it('the per-IP limit (10006) counts the requests of both servers together', async () => {
    const codes: number[] = [];
    for (let i = 0; i < 6; i++) {
      const r = await http(i % 2 ? b.baseUrl : a.baseUrl, 'GET', '/v1/role/list');
      codes.push(r.json.errcode);
      if (r.json.errcode === 10006) {
        const retry = Number(r.headers.get('retry-after'));
        assert.ok(retry >= 1 && retry <= 60, `Retry-After ${retry}`);
      }
    }
    // No token: 10011 while under the limit, then 10006 on either server.
    assert.deepEqual(codes, [10011, 10011, 10011, 10011, 10006, 10006]);
  });
});
