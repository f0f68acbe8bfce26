// Ledger throughput: transfer() (each in its own db.transaction) against a raw-driver baseline doing the same writes
// by hand (conditional debit, credit, insert of the transfer row) on SQLite and PostgreSQL. Bounded: each variant
// runs for DURATION_MS in total, in SLICES alternating slices (module, raw, raw, module, …) so that load from
// other processes on the machine falls on both alike. Writes bench/results/ledger-<date>.json and
// bench/results/latest.md.
import type BetterSqlite3 from 'better-sqlite3';
import { loadSqlite } from '../src/db/sqliteDriver.js';
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { systemClock } from '../src/core/clock.js';
import { ensureAccount } from '../src/core/ledger/accounts.js';
import { ensureAsset } from '../src/core/ledger/assets.js';
import { issue, transfer } from '../src/core/ledger/transfers.js';
import { dropPostgresSchema, openDatabase, type Database } from '../src/db/database.js';
import { migrateToLatest } from '../src/db/migrate.js';

const PG_URL = process.env.PLAZA_BENCH_PG_URL ?? process.env.PLAZA_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const DURATION_MS = Number(process.env.PLAZA_BENCH_MS ?? 3000);
const ACCOUNTS = 50;
const PG_CONCURRENCY = 8;
const SLICES = Math.max(1, Number(process.env.PLAZA_BENCH_SLICES ?? 6));

interface Row {
  store: string;
  variant: 'module' | 'raw';
  ops: number;
  seconds: number;
  opsPerSec: number;
}

async function prepare(database: Database): Promise<number[]> {
  await migrateToLatest(database);
  const asset = await ensureAsset(database.db, { symbol: 'BENCH', precision: 2 }, systemClock);
  const ids: number[] = [];
  for (let i = 0; i < ACCOUNTS; i++) {
    const acc = await ensureAccount(database.db, { owner: { kind: 'user', id: `b${i}` }, assetId: asset.id }, systemClock);
    await database.db.transaction().execute((trx) => issue(trx, { assetId: asset.id, toAccountId: acc.id, amount: 1_000_000_000n }, systemClock));
    ids.push(acc.id);
  }
  return ids;
}

type Op = (i: number) => Promise<void> | void;

/** Runs `op(i)` from `workers` loops for `durationMs`; `first` is the first i (so slices continue the sequence). */
async function measure(workers: number, op: Op, durationMs: number, first = 0): Promise<{ ops: number; seconds: number }> {
  let n = first;
  const start = performance.now();
  const deadline = start + durationMs;
  await Promise.all(
    Array.from({ length: workers }, async () => {
      while (performance.now() < deadline) await op(n++);
    }),
  );
  return { ops: n - first, seconds: (performance.now() - start) / 1000 };
}

/** Measures module and raw in alternating slices (module first in even slices, raw first in odd ones). */
async function interleaved(workers: number, module: Op, raw: Op): Promise<{ module: { ops: number; seconds: number }; raw: { ops: number; seconds: number } }> {
  const total = { module: { ops: 0, seconds: 0 }, raw: { ops: 0, seconds: 0 } };
  const slice = DURATION_MS / SLICES;
  for (let k = 0; k < SLICES; k++) {
    for (const variant of k % 2 === 0 ? (['module', 'raw'] as const) : (['raw', 'module'] as const)) {
      const r = await measure(workers, variant === 'module' ? module : raw, slice, total[variant].ops);
      total[variant].ops += r.ops;
      total[variant].seconds += r.seconds;
    }
  }
  return total;
}

function pair(ids: number[], i: number): [number, number] {
  const a = ids[i % ids.length]!;
  const b = ids[(i * 7 + 3) % ids.length]!;
  return a === b ? [a, ids[(i + 1) % ids.length]!] : [a, b];
}

function rawTxid(id: string, d: number, c: number, amount: number, now: number): string {
  return createHash('sha256').update(JSON.stringify(['plaza-transfer/1', id, d, c, 1, String(amount), 'bench', '', {}, now])).digest('hex');
}

function moduleOp(database: Database, ids: number[]): Op {
  return async (i) => {
    const [d, c] = pair(ids, i);
    await database.db.transaction().execute((trx) => transfer(trx, { debitAccountId: d, creditAccountId: c, amount: 1n, kind: 'bench' }, systemClock));
  };
}

async function benchSqlite(rows: Row[]): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'plaza-bench-'));
  try {
    const database = await openDatabase(`sqlite:${join(dir, 'module.db')}`);
    const ids = await prepare(database);

    const rawDb = await openDatabase(`sqlite:${join(dir, 'raw.db')}`);
    const rawIds = await prepare(rawDb);
    await rawDb.close();
    const raw = new (loadSqlite())(join(dir, 'raw.db'));
    raw.defaultSafeIntegers(true);
    raw.pragma('journal_mode = WAL');
    raw.pragma('synchronous = NORMAL');
    raw.pragma('foreign_keys = ON');
    const debit = raw.prepare('update ledger_accounts set balance = balance - ? where id = ? and frozen = 0 and (allow_negative = 1 or balance - pending_out >= ?)');
    const credit = raw.prepare('update ledger_accounts set balance = balance + ? where id = ? and frozen = 0');
    const insert = raw.prepare(`insert into ledger_transfers (id, txid, debit_account_id, credit_account_id, asset_id, amount, kind, memo, metadata,
      status, created_at, posted_at, block_number) values (?, ?, ?, ?, 1, ?, 'bench', '', '{}', 'posted', ?, ?, (select open_block from ledger_state where id = 1))`);
    const run = raw.transaction((d: number, c: number) => {
      const id = randomBytes(16).toString('hex');
      const now = Date.now();
      if (debit.run(1, d, 1).changes !== 1) throw new Error('insufficient');
      credit.run(1, c);
      insert.run(id, rawTxid(id, d, c, 1, now), d, c, 1, now, now);
    });
    const r = await interleaved(1, moduleOp(database, ids), (i) => run(...pair(rawIds, i)));
    rows.push(row('sqlite', 'module', r.module), row('sqlite', 'raw', r.raw));
    await database.close();
    raw.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function benchPostgres(rows: Row[]): Promise<void> {
  const schema = `bench_${randomBytes(4).toString('hex')}`;
  const database = await openDatabase(PG_URL, { schema, poolSize: PG_CONCURRENCY });
  try {
    const ids = await prepare(database);
    const pool = new pg.Pool({ connectionString: PG_URL, max: PG_CONCURRENCY, options: `-c search_path=${schema}` });
    try {
      const r = await interleaved(PG_CONCURRENCY, moduleOp(database, ids), async (i) => {
        const [d, c] = pair(ids, i);
        const [lo, hi] = d < c ? [d, c] : [c, d];
        const id = randomBytes(16).toString('hex');
        const now = Date.now();
        const client = await pool.connect();
        try {
          await client.query('BEGIN');
          for (const acc of [lo, hi]) {
            if (acc === d) {
              const r = await client.query('update ledger_accounts set balance = balance - $1 where id = $2 and frozen = 0 and (allow_negative = 1 or balance - pending_out >= $1)', [1, d]);
              if (r.rowCount !== 1) throw new Error('insufficient');
            } else await client.query('update ledger_accounts set balance = balance + $1 where id = $2 and frozen = 0', [1, c]);
          }
          await client.query(
            `insert into ledger_transfers (id, txid, debit_account_id, credit_account_id, asset_id, amount, kind, memo, metadata, status, created_at, posted_at, block_number)
             values ($1, $2, $3, $4, 1, 1, 'bench', '', '{}', 'posted', $5, $5, (select open_block from ledger_state where id = 1 for share))`,
            [id, rawTxid(id, d, c, 1, now), d, c, now],
          );
          await client.query('COMMIT');
        } catch (err) {
          await client.query('ROLLBACK');
          throw err;
        } finally {
          client.release();
        }
      });
      rows.push(row('postgres', 'module', r.module), row('postgres', 'raw', r.raw));
    } finally {
      await pool.end();
    }
  } finally {
    await database.close();
    await dropPostgresSchema(PG_URL, schema);
  }
}

function row(store: string, variant: 'module' | 'raw', r: { ops: number; seconds: number }): Row {
  return { store, variant, ops: r.ops, seconds: Number(r.seconds.toFixed(3)), opsPerSec: Math.round(r.ops / r.seconds) };
}

async function main(): Promise<void> {
  const rows: Row[] = [];
  await benchSqlite(rows);
  await benchPostgres(rows);
  const lines = ['| store | module ops/s | raw ops/s | module/raw |', '|---|---:|---:|---:|'];
  const summary: Record<string, { module: number; raw: number; ratio: number }> = {};
  for (const store of ['sqlite', 'postgres']) {
    const m = rows.find((r) => r.store === store && r.variant === 'module')!;
    const r = rows.find((x) => x.store === store && x.variant === 'raw')!;
    const ratio = Number((m.opsPerSec / r.opsPerSec).toFixed(2));
    summary[store] = { module: m.opsPerSec, raw: r.opsPerSec, ratio };
    lines.push(`| ${store} | ${m.opsPerSec} | ${r.opsPerSec} | ${ratio} |`);
  }
  const date = new Date().toISOString();
  const table = lines.join('\n');
  console.log(table);
  const dir = new URL('./results/', import.meta.url).pathname;
  mkdirSync(dir, { recursive: true });
  const meta = { date, node: process.version, durationMs: DURATION_MS, slices: SLICES, accounts: ACCOUNTS, pgConcurrency: PG_CONCURRENCY, sqliteConcurrency: 1 };
  writeFileSync(join(dir, `ledger-${date.slice(0, 10)}.json`), JSON.stringify({ ...meta, rows, summary }, null, 2) + '\n');
  writeFileSync(
    join(dir, 'latest.md'),
    `# Ledger bench (${date})\n\nEach transfer in its own transaction; ${DURATION_MS} ms per variant in ${SLICES} alternating slices; ${ACCOUNTS} accounts; ` +
      `PostgreSQL concurrency ${PG_CONCURRENCY}, SQLite 1 (single writer). Node ${process.version}.\n\n${table}\n`,
  );
}

await main();
