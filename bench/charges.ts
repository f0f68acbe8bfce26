// Kamiya charge throughput over HTTP against the bare HTTP floor of the same server. For each store (SQLite file in a
// temp dir, PostgreSQL in a fresh schema dropped afterwards) a real Plaza server starts in-process through startPlaza
// (production dialects and extras, migrations, sealer; sandbox on, logs silent, rate limits off) on 127.0.0.1:0.
// Fixtures go straight to core: one developer and app, USERS users (email verified) with a `kamiya` grant and ample
// CREDIT. The load generator (bench/httpLoad.ts) runs in a worker thread with CONCURRENCY keep-alive connections.
// Workloads, measured in SLICES alternating slices (the order rotates each slice, as bench/ledger.ts does) after a
// short unrecorded warm-up:
//   floor   GET /healthz — Fastify, routing and the socket, nothing else
//   verify  POST /api/session/verifyOpenIDToken with a malformed token — the Kamiya pipeline (body, app secret,
//           operator controls, one transaction) answering 404 `token not found`: what every Kamiya call pays
//   charge  POST /api/billing/charge {appId, secret, id, credit: "0.01"}, rotating over the users
// Any answer other than the expected status aborts the bench with that answer. After the run the number of
// `kamiya.charge` transfers must equal the charges answered 200, and the ledger must verify.
// Writes bench/results/charges-<date>.json and bench/results/charges-latest.md (the ledger bench keeps latest.md).
// Run: `npm run bench:charges`; PLAZA_BENCH_MS (per workload and store, default 9000), PLAZA_BENCH_SLICES (3),
// PLAZA_BENCH_CONCURRENCY (16), PLAZA_BENCH_STORES (sqlite,postgres), PLAZA_BENCH_PG_URL.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { identityDeps } from '../src/admin/deps.js';
import { testConfig } from '../src/config.js';
import { systemClock } from '../src/core/clock.js';
import { createApp, getApp, revealAppSecret } from '../src/core/identity/apps.js';
import { hashNewPassword, registerDeveloper } from '../src/core/identity/developers.js';
import { upsertGrant } from '../src/core/identity/grants.js';
import { ensureBuiltinRoles } from '../src/core/identity/roles.js';
import { markEmailVerified, registerUser } from '../src/core/identity/users.js';
import { ensureAsset } from '../src/core/ledger/assets.js';
import { issue } from '../src/core/ledger/transfers.js';
import { verifyLedger } from '../src/core/ledger/verify.js';
import { concat, createLoader, openBenchStore, percentile, type Loader } from './support.js';
import type { StoreKind } from '../src/db/database.js';
import { KAMIYA_GRANT_KIND, KAMIYA_GRANT_SCOPES } from '../src/dialects/kamiya/loginPage.js';
import { KAMIYA_ROUTES } from '../src/dialects/kamiya/routes.js';
import { startPlaza, type RunningPlaza } from '../src/lifecycle.js';
import { creditAssetId, ensureUserAccounts } from '../src/modules/billing/accounts.js';
import { KIND_CHARGE } from '../src/modules/billing/service.js';
import type { SliceRequest, SliceResult } from './httpLoad.js';

const DURATION_MS = Number(process.env.PLAZA_BENCH_MS ?? 9000);
const SLICES = Math.max(1, Number(process.env.PLAZA_BENCH_SLICES ?? 3));
const CONCURRENCY = Math.max(1, Number(process.env.PLAZA_BENCH_CONCURRENCY ?? 16));
const STORES = (process.env.PLAZA_BENCH_STORES?.split(',') ?? ['sqlite', 'postgres']) as StoreKind[];
const WARMUP_MS = 500;
const USERS = 64;
/** Per user: far more than DURATION_MS of charges of 0.01 can spend (1 000 000.00 CREDIT). */
const FUNDING_MINOR = 100_000_000n;
const CHARGE_PATH = '/api/billing/charge';

type WorkloadName = 'floor' | 'verify' | 'charge';

interface Workload {
  name: WorkloadName;
  method: 'GET' | 'POST';
  path: string;
  bodies: string[];
  expect: number;
}

interface Row {
  store: StoreKind;
  workload: WorkloadName;
  requests: number;
  seconds: number;
  requestsPerSec: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
}

interface Fixture {
  appkey: string;
  secret: string;
  uids: number[];
}

async function createFixture(plaza: RunningPlaza): Promise<Fixture> {
  const s = plaza.server.services;
  const deps = identityDeps(s);
  await ensureBuiltinRoles(s.db);
  await ensureAsset(s.db, { symbol: s.config.ulord.assetSymbol, precision: 8 }, systemClock);
  // The Kamiya plugin ensured the CREDIT asset at start-up; users are funded through billing's own account helper.
  const creditId = await creditAssetId(s.db);
  const passwordHash = await hashNewPassword('bench-password-1', deps);
  const app = await s.db.transaction().execute(async (trx) => {
    const dev = await registerDeveloper(trx, { username: 'benchdev', passwordHash }, deps);
    return (await createApp(trx, { developerId: dev.id, name: 'Charge bench' }, deps)).app;
  });
  const uids: number[] = [];
  for (let i = 0; i < USERS; i++) {
    const uid = await s.db.transaction().execute(async (trx) => {
      const user = await registerUser(trx, { username: `bench${i}`, email: `bench${i}@example.com`, passwordHash: 'scrypt$unusable' }, deps);
      await markEmailVerified(trx, user.id, systemClock);
      await upsertGrant(trx, { appId: app.id, userId: user.id, kind: KAMIYA_GRANT_KIND, scopes: [...KAMIYA_GRANT_SCOPES] }, systemClock);
      const { credit } = await ensureUserAccounts(trx, creditId, user.uid, systemClock);
      await issue(trx, { assetId: creditId, toAccountId: credit.id, amount: FUNDING_MINOR }, systemClock);
      return user.uid;
    });
    uids.push(uid);
  }
  const stored = (await getApp(s.db, app.id))!;
  return { appkey: stored.appkey, secret: revealAppSecret(s.box, stored), uids };
}

function workloads(f: Fixture, withCharges: boolean): Workload[] {
  const auth = { appId: f.appkey, secret: f.secret };
  const list: Workload[] = [
    { name: 'floor', method: 'GET', path: '/healthz', bodies: [], expect: 200 },
    { name: 'verify', method: 'POST', path: '/api/session/verifyOpenIDToken', bodies: [JSON.stringify({ ...auth, token: 'not-a-token' })], expect: 404 },
  ];
  if (withCharges) {
    const bodies = f.uids.map((id) => JSON.stringify({ ...auth, id, credit: '0.01' }));
    list.push({ name: 'charge', method: 'POST', path: CHARGE_PATH, bodies, expect: 200 });
  }
  return list;
}

async function runOne(loader: Loader<SliceRequest, SliceResult>, url: string, w: Workload, durationMs: number, first: number, store: StoreKind): Promise<SliceResult> {
  const pending = loader.run({ url, method: w.method, path: w.path, bodies: w.bodies, expect: w.expect, concurrency: CONCURRENCY, durationMs, first });
  return pending.then((r) => {
    if (r.errors > 0) throw new Error(`${store} ${w.name}: ${w.method} ${w.path} expected ${w.expect}, got ${r.firstError} — aborting the bench`);
    return r;
  });
}

/** Warm-up, then SLICES rounds with the workload order rotated each round. Returns rows and the charges answered 200. */
async function measureStore(store: StoreKind, url: string, list: Workload[]): Promise<{ rows: Row[]; charged: number }> {
  const loader = createLoader<SliceRequest, SliceResult>(new URL('./httpLoad.ts', import.meta.url).href);
  try {
    let charged = 0;
    for (const w of list) {
      const r = await runOne(loader, url, w, WARMUP_MS, 0, store);
      if (w.name === 'charge') charged += r.requests;
    }
    const acc = new Map(list.map((w) => [w.name, { requests: 0, seconds: 0, latencies: [] as Float64Array[] }]));
    const slice = DURATION_MS / SLICES;
    for (let k = 0; k < SLICES; k++) {
      const order = list.map((_, j) => list[(j + k) % list.length]!);
      for (const w of order) {
        const a = acc.get(w.name)!;
        const r = await runOne(loader, url, w, slice, a.requests, store);
        a.requests += r.requests;
        a.seconds += r.seconds;
        a.latencies.push(r.latenciesMs);
        if (w.name === 'charge') charged += r.requests;
      }
    }
    const rows = list.map((w) => {
      const a = acc.get(w.name)!;
      const sorted = concat(a.latencies);
      const round = (ms: number) => Number(ms.toFixed(2));
      return {
        store,
        workload: w.name,
        requests: a.requests,
        seconds: Number(a.seconds.toFixed(3)),
        requestsPerSec: Math.round(a.requests / a.seconds),
        p50Ms: round(percentile(sorted, 50)),
        p99Ms: round(percentile(sorted, 99)),
        errors: 0,
      };
    });
    return { rows, charged };
  } finally {
    await loader.stop();
  }
}

/** Every 200 must have written exactly one transfer (no NC credit, no fee), and the ledger must verify. */
async function checkLedger(plaza: RunningPlaza, store: StoreKind, charged: number): Promise<void> {
  const db = plaza.server.services.db;
  if (charged > 0) {
    const row = await db.selectFrom('ledger_transfers').select((eb) => eb.fn.countAll<string | number | bigint>().as('n')).where('kind', '=', KIND_CHARGE).executeTakeFirstOrThrow();
    if (Number(row.n) !== charged) throw new Error(`${store}: ${charged} charges answered 200 but ${Number(row.n)} '${KIND_CHARGE}' transfers were written`);
  }
  const report = await verifyLedger(plaza.database);
  if (!report.ok) throw new Error(`${store}: ledger verify failed after the bench:\n${report.problems.join('\n')}`);
}

async function benchStore(store: StoreKind, withCharges: boolean): Promise<Row[]> {
  const target = await openBenchStore(store, 'charges');
  try {
    const plaza = await startPlaza(testConfig({ databaseUrl: target.url, dataDir: target.dataDir, host: '127.0.0.1', port: 0 }));
    try {
      const fixture = await createFixture(plaza);
      const { rows, charged } = await measureStore(store, plaza.url, workloads(fixture, withCharges));
      await checkLedger(plaza, store, charged);
      return rows;
    } finally {
      await plaza.close();
    }
  } finally {
    await target.drop();
  }
}

function report(rows: Row[], withCharges: boolean): { table: string; summary: Record<string, Record<string, number>> } {
  const lines = [
    '| store | floor req/s | floor p50 / p99 ms | verify req/s | verify p50 / p99 ms | charge req/s | charge p50 / p99 ms | charge/floor | errors |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  const summary: Record<string, Record<string, number>> = {};
  for (const store of STORES) {
    const get = (w: WorkloadName) => rows.find((r) => r.store === store && r.workload === w);
    const floor = get('floor')!;
    const verify = get('verify')!;
    const charge = get('charge');
    const cell = (r: Row | undefined) => (r ? [`${r.requestsPerSec}`, `${r.p50Ms} / ${r.p99Ms}`] : ['—', '—']);
    const ratio = charge ? Number((charge.requestsPerSec / floor.requestsPerSec).toFixed(3)) : NaN;
    const errors = rows.filter((r) => r.store === store).reduce((n, r) => n + r.errors, 0);
    summary[store] = {
      floor: floor.requestsPerSec,
      verify: verify.requestsPerSec,
      verifyOverFloor: Number((verify.requestsPerSec / floor.requestsPerSec).toFixed(3)),
      ...(charge ? { charge: charge.requestsPerSec, chargeOverFloor: ratio } : {}),
      errors,
    };
    lines.push(`| ${store} | ${cell(floor).join(' | ')} | ${cell(verify).join(' | ')} | ${cell(charge).join(' | ')} | ${withCharges ? ratio : '—'} | ${errors} |`);
  }
  return { table: lines.join('\n'), summary };
}

async function main(): Promise<void> {
  const withCharges = KAMIYA_ROUTES.some((r) => r.path === CHARGE_PATH);
  if (!withCharges) console.log(`${CHARGE_PATH} is not in src/dialects/kamiya/routes.ts yet: measuring the floor and the verify pipeline only`);
  const rows: Row[] = [];
  for (const store of STORES) rows.push(...(await benchStore(store, withCharges)));
  const { table, summary } = report(rows, withCharges);
  const date = new Date().toISOString();
  console.log(table);
  const dir = new URL('./results/', import.meta.url).pathname;
  mkdirSync(dir, { recursive: true });
  const meta = { date, node: process.version, durationMs: DURATION_MS, slices: SLICES, warmupMs: WARMUP_MS, concurrency: CONCURRENCY, users: USERS, charges: withCharges };
  writeFileSync(join(dir, `charges-${date.slice(0, 10)}.json`), JSON.stringify({ ...meta, rows, summary }, null, 2) + '\n');
  writeFileSync(
    join(dir, 'charges-latest.md'),
    `# Kamiya charge bench (${date})\n\nA Plaza server in-process (startPlaza, production dialects, sealer running, rate limits off); ` +
      `the client in a worker thread, ${CONCURRENCY} keep-alive connections; ${DURATION_MS} ms per workload and store in ${SLICES} ` +
      `alternating slices after a ${WARMUP_MS} ms warm-up; charges of 0.01 CREDIT rotating over ${USERS} users. Node ${process.version}.\n` +
      `floor = GET /healthz; verify = POST /api/session/verifyOpenIDToken with a malformed token (app auth + Kamiya pipeline, 404); ` +
      `charge = POST ${CHARGE_PATH}${withCharges ? '' : ' (not measured: the route did not exist yet)'}.\n\n${table}\n`,
  );
}

await main();
