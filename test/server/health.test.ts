import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { testConfig } from '../../src/config.js';
import { openDatabase } from '../../src/db/database.js';
import { healthRoutes } from '../../src/http/health.js';
import { buildServer } from '../../src/server.js';
import { metricsRoutes } from '../../src/http/metrics.js';
import { http, startTestServer, type TestServer } from '../support/server.js';
import { PG_URL, STORES } from '../support/stores.js';

for (const store of STORES) {
  describe(`health, readiness, metrics and the plain 404 (${store})`, () => {
    let server: TestServer;
    before(async () => {
      server = await startTestServer(store, { dialects: [], extras: [healthRoutes, metricsRoutes] });
    });
    after(() => server.close());

    it('GET /healthz answers ok', async () => {
      const r = await http(server.baseUrl, 'GET', '/healthz');
      assert.equal(r.status, 200);
      assert.deepEqual(r.json, { status: 'ok' });
    });

    it('GET /readyz names the store and the head block', async () => {
      const r = await http(server.baseUrl, 'GET', '/readyz');
      assert.equal(r.status, 200, r.text);
      assert.deepEqual(r.json, { status: 'ready', store, head_block: 0 });
    });

    it('a path that belongs to no dialect answers the plain JSON 404, with a request id', async () => {
      const r = await http(server.baseUrl, 'GET', '/no/such/thing?x=1', { headers: { 'x-request-id': 'req-123' } });
      assert.equal(r.status, 404);
      assert.equal(r.text, '{"error":"not_found"}');
      assert.match(r.headers.get('content-type') ?? '', /application\/json/);
      assert.equal(r.headers.get('x-request-id'), 'req-123');
      const generated = await http(server.baseUrl, 'POST', '/apps/abc/nothing', { body: {} });
      assert.equal(generated.status, 404);
      assert.deepEqual(generated.json, { error: 'not_found' });
      assert.match(generated.headers.get('x-request-id') ?? '', /^[0-9a-f-]{36}$/);
    });

    it('GET /metrics exposes request counts by route template, durations, the head block and uptime', async () => {
      await http(server.baseUrl, 'GET', '/healthz');
      await http(server.baseUrl, 'GET', '/missing/1');
      const r = await http(server.baseUrl, 'GET', '/metrics');
      assert.equal(r.status, 200);
      assert.match(r.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
      assert.match(r.text, /^# TYPE http_requests_total counter$/m);
      assert.match(r.text, /^http_requests_total\{method="GET",route="\/healthz",status="200"\} [1-9][0-9]*$/m);
      assert.match(r.text, /^http_requests_total\{method="GET",route="unmatched",status="404"\} [1-9][0-9]*$/m);
      assert.match(r.text, /^# TYPE http_request_duration_seconds histogram$/m);
      assert.match(r.text, /^http_request_duration_seconds_bucket\{method="GET",route="\/healthz",le="\+Inf"\} [1-9][0-9]*$/m);
      assert.match(r.text, /^http_request_duration_seconds_count\{method="GET",route="\/healthz"\} [1-9][0-9]*$/m);
      assert.match(r.text, /^plaza_ledger_head_block 0$/m);
      assert.match(r.text, /^process_uptime_seconds [0-9.]+$/m);
      assert.doesNotMatch(r.text, /missing\/1/);
    });
  });

  describe(`readiness without a database (${store})`, () => {
    it('GET /readyz answers 503 once the store is gone, while /healthz still answers', async () => {
      // A store of its own (not the suite's): the shared test stores are verified before they are dropped.
      const database = await openDatabase(store === 'sqlite' ? 'sqlite::memory:' : PG_URL);
      const { app } = await buildServer({ config: testConfig(), database, dialects: [], extras: [healthRoutes] });
      try {
        await database.close();
        const r = await app.inject({ method: 'GET', url: '/readyz' });
        assert.equal(r.statusCode, 503);
        assert.deepEqual(r.json(), { status: 'unavailable' });
        assert.equal((await app.inject({ method: 'GET', url: '/healthz' })).statusCode, 200);
      } finally {
        await app.close();
      }
    });
  });
}
