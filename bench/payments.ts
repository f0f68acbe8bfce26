// Pi A2U payment throughput over HTTP against the bare HTTP floor of the same server, following bench/charges.ts.
// For each store (SQLite file in a temp dir, PostgreSQL in a fresh schema dropped afterwards) a real Plaza server
// starts in-process through startPlaza (production dialects and extras, migrations, sealer; sandbox on, logs silent)
// on 127.0.0.1:0. Fixtures go straight to core, as test/payments/fixture.ts does: the payment asset, one developer and
// app with its wallet funded by issuance, its Pi settings raised to a2u_max_open_per_app = OPEN_LIMIT (so the open
// limit, default 1, does not serialise the cycles artificially), and USERS users with a `pi` grant carrying
// `wallet_address` and a wallet. The client runs in a worker thread (this same file; bench/httpLoad.ts sends
// independent requests only, and a cycle chains three) with CONCURRENCY keep-alive connections.
// Workloads, measured in SLICES alternating slices (the order rotates each slice) after a short unrecorded warm-up:
//   floor   GET /healthz — Fastify, routing and the socket, nothing else
//   cycle   the A2U cycle an app backend runs, per connection in a loop, recipients rotating over the users:
//           POST /v2/payments {payment:{amount:"0.01",…,uid}} (Key) → POST /v2/payments/{id}/transaction (Key: the
//           app pays; one `pi.payment` transfer) → POST /v2/payments/{id}/complete {txid} (Key)
//   get     GET /v2/payments/{id} (Key), rotating over payments the cycles completed
// A cycle that has started always finishes (the deadline is checked between cycles), so every paid payment is
// completed. Any answer other than 200 aborts the bench with that answer. After the run the number of `pi.payment`
// transfers and of completed payments must both equal the cycles completed, and the ledger must verify.
// Writes bench/results/payments-<date>.json and bench/results/payments-latest.md.
// Run: `npm run bench:payments`; PLAZA_BENCH_MS (per workload and store, default 6000), PLAZA_BENCH_SLICES (3),
// PLAZA_BENCH_CONCURRENCY (16), PLAZA_BENCH_STORES (sqlite,postgres), PLAZA_BENCH_PG_URL.
import { mkdirSync, writeFileSync } from 'node:fs';
import { Agent, request as httpRequest } from 'node:http';
import { join } from 'node:path';
import { isMainThread, parentPort } from 'node:worker_threads';
import { identityDeps } from '../src/admin/deps.js';
import { testConfig } from '../src/config.js';
import { setAppControls } from '../src/core/identity/appControls.js';
import { createApp, getApp, revealAppSecret } from '../src/core/identity/apps.js';
import { hashNewPassword, registerDeveloper } from '../src/core/identity/developers.js';
import { upsertGrant } from '../src/core/identity/grants.js';
import { ensureBuiltinRoles } from '../src/core/identity/roles.js';
import { registerUser } from '../src/core/identity/users.js';
import { ensureWalletKey } from '../src/core/identity/walletKeys.js';
import { ensureAsset } from '../src/core/ledger/assets.js';
import { issue } from '../src/core/ledger/transfers.js';
import { verifyLedger } from '../src/core/ledger/verify.js';
import { concat, createLoader, openBenchStore, percentile } from './support.js';
import type { StoreKind } from '../src/db/database.js';
import { startPlaza, type RunningPlaza } from '../src/lifecycle.js';
import { ensurePayments, KIND_PAYMENT, paymentAssetId, paymentsDeps, PI_PRECISION } from '../src/modules/payments/index.js';

const DURATION_MS = Number(process.env.PLAZA_BENCH_MS ?? 6000);
const SLICES = Math.max(1, Number(process.env.PLAZA_BENCH_SLICES ?? 3));
const CONCURRENCY = Math.max(1, Number(process.env.PLAZA_BENCH_CONCURRENCY ?? 16));
const STORES = (process.env.PLAZA_BENCH_STORES?.split(',') ?? ['sqlite', 'postgres']) as StoreKind[];
const WARMUP_MS = 500;
const USERS = 64;
/** The most the admin API allows; far above CONCURRENCY, so no cycle waits for another to complete. */
const OPEN_LIMIT = 1000;
const AMOUNT = '0.01';
/** The app wallet: 1 000 000 PI, far more than DURATION_MS of 0.01 payments can spend. */
const FUNDING_MINOR = 1_000_000n * 10n ** BigInt(PI_PRECISION);
/** Bounds a slice's memory per series. */
const MAX_SAMPLES = 1_000_000;

type WorkloadName = 'floor' | 'cycle' | 'get';
/** Latency series: the floor's and get's requests, and each call of the cycle plus the whole cycle. */
type Series = 'floor' | 'get' | 'create' | 'pay' | 'complete' | 'cycle';

// ------------------------------------------------------------------------------------------------- the load worker

interface SliceRequest {
  url: string;
  workload: WorkloadName;
  /** The app's Server API Key. */
  key: string;
  /** Pairwise uids of the recipients (cycle). */
  uids: string[];
  /** Payment identifiers to read (get). */
  ids: string[];
  concurrency: number;
  durationMs: number;
  /** Index of the first recipient / identifier (slices of one workload continue the rotation). */
  first: number;
}

interface SliceResult {
  /** Requests answered (floor, get) or cycles completed (cycle). */
  units: number;
  /** Identifiers of the payments completed in this slice (cycle). */
  completedIds: string[];
  firstError: string | null;
  seconds: number;
  latenciesMs: Partial<Record<Series, Float64Array>>;
}

function send(agent: Agent, base: URL, method: 'GET' | 'POST', path: string, key: string | null, body: string | undefined): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | number> = {};
    if (key !== null) headers.authorization = `Key ${key}`;
    if (body !== undefined) {
      headers['content-type'] = 'application/json';
      headers['content-length'] = Buffer.byteLength(body);
    }
    const r = httpRequest({ agent, host: base.hostname, port: base.port, method, path, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    r.on('error', reject);
    r.end(body);
  });
}

class Recorder {
  readonly series = new Map<Series, { data: Float64Array; n: number }>();
  add(s: Series, ms: number): void {
    let e = this.series.get(s);
    if (!e) this.series.set(s, (e = { data: new Float64Array(MAX_SAMPLES), n: 0 }));
    if (e.n < MAX_SAMPLES) e.data[e.n++] = ms;
  }
  out(): Partial<Record<Series, Float64Array>> {
    const o: Partial<Record<Series, Float64Array>> = {};
    for (const [s, e] of this.series) o[s] = e.data.slice(0, e.n);
    return o;
  }
}

async function runSlice(req: SliceRequest): Promise<SliceResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: req.concurrency });
  const base = new URL(req.url);
  const rec = new Recorder();
  const completedIds: string[] = [];
  let next = req.first;
  let units = 0;
  let firstError: string | null = null;
  /** One timed call; any status but 200 stops the slice (a started cycle is abandoned only on such a failure). */
  const call = async (series: Series, method: 'GET' | 'POST', path: string, key: string | null, body?: string): Promise<string | null> => {
    const t0 = performance.now();
    let status: number;
    let text: string;
    try {
      ({ status, text } = await send(agent, base, method, path, key, body));
    } catch (err) {
      status = 0;
      text = String(err);
    }
    if (status !== 200) {
      firstError ??= `${method} ${path} → ${status} ${text.slice(0, 300)}`;
      return null;
    }
    rec.add(series, performance.now() - t0);
    return text;
  };
  const start = performance.now();
  const deadline = start + req.durationMs;
  await Promise.all(
    Array.from({ length: req.concurrency }, async () => {
      while (firstError === null && performance.now() < deadline) {
        const i = next++;
        if (req.workload === 'floor') {
          if ((await call('floor', 'GET', '/healthz', null)) === null) break;
          units++;
        } else if (req.workload === 'get') {
          if ((await call('get', 'GET', `/v2/payments/${req.ids[i % req.ids.length]}`, req.key)) === null) break;
          units++;
        } else {
          const t0 = performance.now();
          const uid = req.uids[i % req.uids.length]!;
          const body = JSON.stringify({ payment: { amount: AMOUNT, memo: `bench ${i}`, metadata: { i }, uid } });
          const created = await call('create', 'POST', '/v2/payments', req.key, body);
          if (created === null) break;
          const id = (JSON.parse(created) as { identifier: string }).identifier;
          const paid = await call('pay', 'POST', `/v2/payments/${id}/transaction`, req.key);
          if (paid === null) break;
          const txid = (JSON.parse(paid) as { transaction: { txid: string } | null }).transaction?.txid;
          if (!txid) {
            firstError ??= `POST /v2/payments/${id}/transaction answered 200 without a txid: ${paid.slice(0, 300)}`;
            break;
          }
          if ((await call('complete', 'POST', `/v2/payments/${id}/complete`, req.key, JSON.stringify({ txid }))) === null) break;
          rec.add('cycle', performance.now() - t0);
          completedIds.push(id);
          units++;
        }
      }
    }),
  );
  const seconds = (performance.now() - start) / 1000;
  agent.destroy();
  return { units, completedIds, firstError, seconds, latenciesMs: rec.out() };
}

if (!isMainThread) parentPort!.on('message', (req: SliceRequest) => void runSlice(req).then((r) => parentPort!.postMessage(r)));

// ------------------------------------------------------------------------------------------------------- the bench

interface Row {
  store: StoreKind;
  workload: WorkloadName;
  /** Requests (floor, get) or completed payments (cycle). */
  units: number;
  seconds: number;
  perSec: number;
  /** p50 / p99 per series, in ms. */
  latency: Partial<Record<Series, { p50: number; p99: number }>>;
}

interface Fixture {
  key: string;
  uids: string[];
}

async function createFixture(plaza: RunningPlaza): Promise<Fixture> {
  const s = plaza.server.services;
  const ids = identityDeps(s);
  const deps = paymentsDeps(s);
  const clock = s.clock;
  await ensurePayments(s.db, deps);
  const assetId = await paymentAssetId(s.db, deps);
  await ensureBuiltinRoles(s.db);
  await ensureAsset(s.db, { symbol: s.config.ulord.assetSymbol, precision: 8 }, clock);
  const passwordHash = await hashNewPassword('bench-password-1', ids);
  const app = await s.db.transaction().execute(async (trx) => {
    const dev = await registerDeveloper(trx, { username: 'benchdev', passwordHash }, ids);
    const { app } = await createApp(trx, { developerId: dev.id, name: 'Payments bench' }, ids);
    // What PATCH /admin/apps/{id}/pi writes (src/admin/piRoutes.ts).
    await setAppControls(trx, app.id, { settings: { pi: { a2uEnabled: true, a2uMaxOpenPerApp: OPEN_LIMIT } } }, { clock });
    const wallet = await ensureWalletKey(trx, { kind: 'app', appId: app.id }, { box: s.box, clock, assetId });
    await issue(trx, { assetId, toAccountId: wallet.accountId, amount: FUNDING_MINOR, memo: 'bench funding' }, clock);
    return app;
  });
  const uids: string[] = [];
  for (let i = 0; i < USERS; i++) {
    const uid = await s.db.transaction().execute(async (trx) => {
      const user = await registerUser(trx, { username: `bench${i}`, email: `bench${i}@example.com`, passwordHash: 'scrypt$unusable' }, ids);
      const grant = await upsertGrant(trx, { appId: app.id, userId: user.id, kind: 'pi', scopes: ['username', 'payments', 'wallet_address'] }, clock);
      await ensureWalletKey(trx, { kind: 'user', userId: user.id }, { box: s.box, clock, assetId });
      return grant.pairwiseUid;
    });
    uids.push(uid);
  }
  const stored = (await getApp(s.db, app.id))!;
  return { key: revealAppSecret(s.box, stored), uids };
}

/** Warm-up, then SLICES rounds with the workload order rotated each round. Returns rows and the cycles completed. */
async function measureStore(store: StoreKind, url: string, f: Fixture): Promise<{ rows: Row[]; completed: number }> {
  // Off the main thread this file only serves slices (see the bottom of the file).
  const loader = createLoader<SliceRequest, SliceResult>(import.meta.url);
  const list: WorkloadName[] = ['floor', 'cycle', 'get'];
  const ids: string[] = [];
  let completed = 0;
  const runOne = async (w: WorkloadName, durationMs: number, first: number): Promise<SliceResult> => {
    const r = await loader.run({ url, workload: w, key: f.key, uids: f.uids, ids, concurrency: CONCURRENCY, durationMs, first });
    // Counted before the abort: a failed slice's finished cycles are in the ledger too.
    completed += r.completedIds.length;
    for (const id of r.completedIds) if (ids.length < 100_000) ids.push(id);
    if (r.firstError !== null) throw new Error(`${store} ${w}: ${r.firstError} — aborting the bench`);
    return r;
  };
  try {
    for (const w of list) await runOne(w, WARMUP_MS, 0);
    const acc = new Map(list.map((w) => [w, { units: 0, seconds: 0, latencies: new Map<Series, Float64Array[]>() }]));
    const slice = DURATION_MS / SLICES;
    for (let k = 0; k < SLICES; k++) {
      for (let j = 0; j < list.length; j++) {
        const w = list[(j + k) % list.length]!;
        const a = acc.get(w)!;
        const r = await runOne(w, slice, a.units);
        a.units += r.units;
        a.seconds += r.seconds;
        for (const [s, lat] of Object.entries(r.latenciesMs) as [Series, Float64Array][]) {
          if (!a.latencies.has(s)) a.latencies.set(s, []);
          a.latencies.get(s)!.push(lat);
        }
      }
    }
    const round = (ms: number) => Number(ms.toFixed(2));
    const rows = list.map((w): Row => {
      const a = acc.get(w)!;
      const latency: Row['latency'] = {};
      for (const [s, parts] of a.latencies) {
        const sorted = concat(parts);
        latency[s] = { p50: round(percentile(sorted, 50)), p99: round(percentile(sorted, 99)) };
      }
      return { store, workload: w, units: a.units, seconds: Number(a.seconds.toFixed(3)), perSec: Math.round(a.units / a.seconds), latency };
    });
    return { rows, completed };
  } finally {
    await loader.stop();
  }
}

/** Every completed cycle paid exactly once (one `pi.payment` transfer) and is `completed`; the ledger must verify. */
async function checkLedger(plaza: RunningPlaza, store: StoreKind, completed: number): Promise<void> {
  const db = plaza.server.services.db;
  const transfers = await db.selectFrom('ledger_transfers').select((eb) => eb.fn.countAll<string | number | bigint>().as('n')).where('kind', '=', KIND_PAYMENT).executeTakeFirstOrThrow();
  if (Number(transfers.n) !== completed) throw new Error(`${store}: ${completed} payments completed but ${Number(transfers.n)} '${KIND_PAYMENT}' transfers were written`);
  const done = await db.selectFrom('payments').select((eb) => eb.fn.countAll<string | number | bigint>().as('n')).where('state', '=', 'completed').executeTakeFirstOrThrow();
  if (Number(done.n) !== completed) throw new Error(`${store}: ${completed} payments completed over HTTP but ${Number(done.n)} are stored as completed`);
  const report = await verifyLedger(plaza.database);
  if (!report.ok) throw new Error(`${store}: ledger verify failed after the bench:\n${report.problems.join('\n')}`);
}

async function benchStore(store: StoreKind): Promise<{ rows: Row[]; completed: number }> {
  const target = await openBenchStore(store, 'payments');
  try {
    const plaza = await startPlaza(testConfig({ databaseUrl: target.url, dataDir: target.dataDir, host: '127.0.0.1', port: 0 }));
    try {
      const fixture = await createFixture(plaza);
      const { rows, completed } = await measureStore(store, plaza.url, fixture);
      await checkLedger(plaza, store, completed);
      return { rows, completed };
    } finally {
      await plaza.close();
    }
  } finally {
    await target.drop();
  }
}

function report(rows: Row[]): { table: string; summary: Record<string, Record<string, number>> } {
  const lines = [
    '| store | floor req/s | floor p50 / p99 ms | payments/s | create p50 / p99 ms | pay p50 / p99 ms | complete p50 / p99 ms | cycle p50 / p99 ms | calls/floor | get req/s | get p50 / p99 ms | get/floor |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  const summary: Record<string, Record<string, number>> = {};
  for (const store of STORES) {
    const get = (w: WorkloadName) => rows.find((r) => r.store === store && r.workload === w)!;
    const floor = get('floor');
    const cycle = get('cycle');
    const read = get('get');
    const lat = (r: Row, s: Series) => (r.latency[s] ? `${r.latency[s].p50} / ${r.latency[s].p99}` : '—');
    // Three HTTP calls per payment: the cycle's request rate against the floor's.
    const callsOverFloor = Number(((3 * cycle.perSec) / floor.perSec).toFixed(3));
    const getOverFloor = Number((read.perSec / floor.perSec).toFixed(3));
    summary[store] = { floor: floor.perSec, paymentsPerSec: cycle.perSec, callsOverFloor, get: read.perSec, getOverFloor };
    lines.push(
      `| ${store} | ${floor.perSec} | ${lat(floor, 'floor')} | ${cycle.perSec} | ${lat(cycle, 'create')} | ${lat(cycle, 'pay')} | ${lat(cycle, 'complete')} | ` +
        `${lat(cycle, 'cycle')} | ${callsOverFloor} | ${read.perSec} | ${lat(read, 'get')} | ${getOverFloor} |`,
    );
  }
  return { table: lines.join('\n'), summary };
}

async function main(): Promise<void> {
  const rows: Row[] = [];
  const completed: Record<string, number> = {};
  for (const store of STORES) {
    const r = await benchStore(store);
    rows.push(...r.rows);
    completed[store] = r.completed;
  }
  const { table, summary } = report(rows);
  const date = new Date().toISOString();
  console.log(table);
  console.log(`ledger checked: ${STORES.map((s) => `${s} ${completed[s]} payments = ${completed[s]} '${KIND_PAYMENT}' transfers, verifyLedger ok`).join('; ')}`);
  const dir = new URL('./results/', import.meta.url).pathname;
  mkdirSync(dir, { recursive: true });
  const meta = { date, node: process.version, durationMs: DURATION_MS, slices: SLICES, warmupMs: WARMUP_MS, concurrency: CONCURRENCY, users: USERS, openLimit: OPEN_LIMIT, amount: AMOUNT };
  writeFileSync(join(dir, `payments-${date.slice(0, 10)}.json`), JSON.stringify({ ...meta, rows, summary, completed }, null, 2) + '\n');
  writeFileSync(
    join(dir, 'payments-latest.md'),
    `# Pi A2U payments bench (${date})\n\nA Plaza server in-process (startPlaza, production dialects, sealer running); ` +
      `the client in a worker thread, ${CONCURRENCY} keep-alive connections; ${DURATION_MS} ms per workload and store in ${SLICES} ` +
      `alternating slices after a ${WARMUP_MS} ms warm-up; A2U payments of ${AMOUNT} PI rotating over ${USERS} recipients, ` +
      `a2u_max_open_per_app = ${OPEN_LIMIT}. Node ${process.version}.\n` +
      `floor = GET /healthz; cycle = POST /v2/payments → POST /v2/payments/{id}/transaction → POST /v2/payments/{id}/complete ` +
      `(Key), payments/s = cycles completed per second, calls/floor = 3 × payments/s ÷ floor req/s; get = GET /v2/payments/{id} (Key).\n\n` +
      `${table}\n`,
  );
}

if (isMainThread) await main();
