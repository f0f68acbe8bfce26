// What every HTTP benchmark shares: a store to start Plaza on (a SQLite file in a temp dir, or a fresh PostgreSQL
// schema named in the URL's `options`), a load worker that runs slices off the main thread, and latency percentiles.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import pg from 'pg';
import { dropPostgresSchema, type StoreKind } from '../src/db/database.js';

export const PG_URL = process.env.PLAZA_BENCH_PG_URL ?? process.env.PLAZA_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export interface BenchStore {
  url: string;
  dataDir: string;
  drop(): Promise<void>;
}

/** A fresh store named after the bench (`plaza-bench-<name>-` temp dirs, `bench_<hex>` schemas). */
export async function openBenchStore(store: StoreKind, name: string): Promise<BenchStore> {
  const dataDir = mkdtempSync(join(tmpdir(), `plaza-bench-${name}-`));
  if (store === 'sqlite') return { url: `sqlite:${join(dataDir, 'plaza.db')}`, dataDir, drop: async () => rmSync(dataDir, { recursive: true, force: true }) };
  const schema = `bench_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: PG_URL });
  await admin.connect();
  try {
    await admin.query(`CREATE SCHEMA ${schema}`);
  } finally {
    await admin.end();
  }
  const url = new URL(PG_URL);
  url.searchParams.set('options', `-c search_path=${schema}`);
  return {
    url: url.toString(),
    dataDir,
    drop: async () => {
      rmSync(dataDir, { recursive: true, force: true });
      await dropPostgresSchema(PG_URL, schema);
    },
  };
}

export interface Loader<Req, Res> {
  run(req: Req): Promise<Res>;
  stop(): Promise<number>;
}

/**
 * A worker running the module at `entry` (a file URL), which answers each posted request with one message.
 * Node 20 does not carry the parent's tsx loader into a worker (not even with execArgv), so a small boot script
 * loads the TypeScript entry through tsx's API.
 */
export function createLoader<Req, Res>(entry: string): Loader<Req, Res> {
  const boot = `import('tsx/esm/api').then((api) => api.tsImport(${JSON.stringify(entry)}, ${JSON.stringify(entry)}));`;
  const worker = new Worker(boot, { eval: true });
  return {
    run: (req) =>
      new Promise<Res>((resolve, reject) => {
        const onError = (err: Error) => {
          worker.off('message', onMessage);
          reject(err);
        };
        const onMessage = (result: Res) => {
          worker.off('error', onError);
          resolve(result);
        };
        worker.once('message', onMessage);
        worker.once('error', onError);
        worker.postMessage(req);
      }),
    stop: () => worker.terminate(),
  };
}

/** The p-th percentile of an ascending array (nearest rank); NaN when empty. */
export function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/** The parts joined and sorted ascending. */
export function concat(parts: Float64Array[]): Float64Array {
  const out = new Float64Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out.sort();
}
