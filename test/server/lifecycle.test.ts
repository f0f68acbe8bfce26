import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { testConfig } from '../../src/config.js';
import type { DialectPlugin } from '../../src/http/dialect.js';
import { verifyLedger } from '../../src/core/ledger/verify.js';
import { openDatabase } from '../../src/db/database.js';
import { startPlaza } from '../../src/lifecycle.js';
import { createCliStore, finished, spawnPlaza } from '../cli/support.js';
import { http } from '../support/server.js';
import { STORES } from '../support/stores.js';

async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  const port = (srv.address() as { port: number }).port;
  await new Promise((resolve) => srv.close(resolve));
  return port;
}

async function waitFor(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`${url} did not answer within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

for (const store of STORES) {
  describe(`startPlaza in-process (${store})`, () => {
    it('migrates, ensures the configured admin, serves Ulord and the admin API, seals blocks, and closes cleanly', async () => {
      const s = await createCliStore(store);
      try {
        const plaza = await startPlaza(
          testConfig({ databaseUrl: s.databaseUrl, adminUsername: 'operator', adminPassword: 'operator-pass', blockIntervalMs: 50 }),
        );
        try {
          assert.deepEqual((await http(plaza.url, 'GET', '/healthz')).json, { status: 'ok' });
          const login = await http(plaza.url, 'POST', '/v1/users/login/', { body: { username: 'operator', password: 'operator-pass' } });
          assert.equal(login.json?.errcode, 0, login.text);
          const auth = { authorization: `Bearer ${login.json.result.token as string}` };
          const wallet = await http(plaza.url, 'GET', `/admin/v1/accounts?owner_kind=developer&owner_id=${login.json.result.id}`, { headers: auth });
          assert.equal(wallet.status, 200, wallet.text);
          const issued = await http(plaza.url, 'POST', '/admin/v1/assets/ULD/issue', { headers: auth, body: { account_id: wallet.json[0].id, amount: '3' } });
          assert.equal(issued.status, 201, issued.text);
          assert.equal((await http(plaza.url, 'GET', '/v1/nope/')).status < 500, true);
          assert.equal((await http(plaza.url, 'GET', '/openapi/admin.json')).status, 200);
        } finally {
          await plaza.close();
          await plaza.close(); // idempotent
        }
        // The final seal on shutdown left nothing unsealed.
        const database = await openDatabase(s.databaseUrl);
        try {
          const unsealed = await database.db
            .selectFrom('ledger_transfers')
            .leftJoin('ledger_blocks', 'ledger_blocks.number', 'ledger_transfers.block_number')
            .select('ledger_transfers.seq')
            .where('ledger_blocks.number', 'is', null)
            .execute();
          assert.equal(unsealed.length, 0);
          const report = await verifyLedger(database);
          assert.ok(report.ok, report.problems.join('\n'));
          assert.ok(report.stats.blocks >= 1);
        } finally {
          await database.close();
        }
      } finally {
        await s.drop();
      }
    });
  });
}

/** A test route that answers after `ms` milliseconds. */
function slowDialect(ms: number): DialectPlugin {
  return {
    name: 'slow',
    prefixes: ['/slow'],
    register(app) {
      app.get('/slow', async () => {
        await sleep(ms, undefined, { ref: false }); // unref: a cut request must not keep the test process alive
        return { done: true };
      });
    },
    renderTransportFailure: () => ({ statusCode: 404, headers: {}, body: '{}' }),
  };
}

describe('graceful shutdown', () => {
  it('drains an in-flight request before closing, then refuses new connections', async () => {
    const s = await createCliStore('sqlite');
    try {
      const plaza = await startPlaza(testConfig({ databaseUrl: s.databaseUrl, shutdownGraceMs: 3000 }), { dialects: [slowDialect(300)] });
      const pending = http(plaza.url, 'GET', '/slow');
      await sleep(80);
      await plaza.close();
      const r = await pending;
      assert.equal(r.status, 200);
      assert.deepEqual(r.json, { done: true });
      await assert.rejects(fetch(`${plaza.url}/healthz`));
    } finally {
      await s.drop();
    }
  });

  it('bounds the drain by shutdownGraceMs', async () => {
    const s = await createCliStore('sqlite');
    try {
      const plaza = await startPlaza(testConfig({ databaseUrl: s.databaseUrl, shutdownGraceMs: 200 }), { dialects: [slowDialect(10_000)] });
      const pending = http(plaza.url, 'GET', '/slow').catch((err: unknown) => err);
      await sleep(80);
      const started = Date.now();
      await plaza.close();
      assert.ok(Date.now() - started < 2000, `closed in ${Date.now() - started} ms`);
      assert.ok((await pending) instanceof Error, 'the cut request fails rather than hanging');
    } finally {
      await s.drop();
    }
  });
});

describe('plaza serve as a process', () => {
  it('starts, answers /healthz, and exits 0 soon after SIGTERM', async () => {
    const s = await createCliStore('sqlite');
    try {
      const port = await freePort();
      const child = spawnPlaza(['serve'], { ...s.env, PLAZA_PORT: String(port), PLAZA_LOG_LEVEL: 'info', PLAZA_SHUTDOWN_GRACE_MS: '2000' });
      const done = finished(child, 30_000);
      await waitFor(`http://127.0.0.1:${port}/healthz`, 15_000);
      const ready = await http(`http://127.0.0.1:${port}`, 'GET', '/readyz');
      assert.equal(ready.json.store, 'sqlite');
      const killedAt = Date.now();
      child.kill('SIGTERM');
      const r = await done;
      assert.equal(r.code, 0, r.stderr);
      assert.ok(Date.now() - killedAt < 5000, 'exits within 5 s');
      assert.match(r.stdout, /Plaza listening on http:\/\/127\.0\.0\.1:\d+ \(store sqlite:/);
      assert.doesNotMatch(r.stdout + r.stderr, /"level":50/);
    } finally {
      await s.drop();
    }
  });
});
