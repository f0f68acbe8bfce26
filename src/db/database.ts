// Opens the one Kysely instance over either store. SQLite is the embedded default (better-sqlite3, WAL);
// PostgreSQL is selected by a postgres:// URL. Both return 64-bit integers as bigint, so money never passes
// through a float: SQLite with safe integers, PostgreSQL with an int8 type parser.
import type BetterSqlite3 from 'better-sqlite3';
import { loadSqlite } from './sqliteDriver.js';
import { Kysely, PostgresDialect, SqliteDialect, sql, type SqliteDatabase, type SqliteStatement } from 'kysely';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import pg from 'pg';
import type { DB } from './schema.js';

export type StoreKind = 'sqlite' | 'postgres';

export interface Database {
  readonly db: Kysely<DB>;
  readonly store: StoreKind;
  /** A short description without credentials, for logs. */
  readonly label: string;
  close(): Promise<void>;
}

export interface OpenOptions {
  /** PostgreSQL only: the schema to use (created when missing). Tests run each suite in its own schema. */
  schema?: string;
  /** PostgreSQL pool size. */
  poolSize?: number;
}

const INT8_OID = 20;

/** Prepared statements kept per SQLite connection (least recently used evicted first). */
const STATEMENT_CACHE_SIZE = 500;

/**
 * Kysely's SqliteDriver prepares every query anew; this wrapper hands it a cached better-sqlite3 Statement for SQL
 * text it has seen before (a Statement is reusable, with new parameters each run). The driver runs one query at a
 * time on its single connection, and better-sqlite3 itself refuses other statements while an iterator is open;
 * should a cached statement still be busy (an open `iterate`), a fresh one is prepared for that call.
 */
export function cachingSqliteDatabase(raw: BetterSqlite3.Database, capacity = STATEMENT_CACHE_SIZE): SqliteDatabase {
  const cache = new Map<string, BetterSqlite3.Statement>();
  return {
    close(): void {
      cache.clear();
      raw.close();
    },
    prepare(sqlText: string): SqliteStatement {
      // Kysely opens SQLite transactions with a deferred `begin`; a transaction that reads and then writes can then
      // fail with SQLITE_BUSY (no retry) when another process (a CLI run, a second server) wrote in between. Taking
      // the write lock at `begin` lets busy_timeout wait for it instead; within one process nothing changes, since
      // Kysely already runs one transaction at a time on its single connection.
      const text = sqlText === 'begin' ? 'begin immediate' : sqlText;
      const hit = cache.get(text);
      if (hit !== undefined) {
        if (hit.busy) return raw.prepare(text);
        // Re-insert so that Map order is recency order.
        cache.delete(text);
        cache.set(text, hit);
        return hit;
      }
      const stmt = raw.prepare(text);
      cache.set(text, stmt);
      if (cache.size > capacity) cache.delete(cache.keys().next().value as string);
      return stmt;
    },
  };
}

function redact(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'postgres';
  }
}

export async function openDatabase(url: string, options: OpenOptions = {}): Promise<Database> {
  if (url.startsWith('sqlite:')) return openSqlite(url.slice('sqlite:'.length));
  if (/^postgres(ql)?:\/\//.test(url)) return openPostgres(url, options);
  throw new Error(`unsupported database URL (expected sqlite: or postgres://): ${redact(url)}`);
}

function openSqlite(path: string): Database {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const raw = new (loadSqlite())(path);
  raw.defaultSafeIntegers(true);
  raw.pragma('journal_mode = WAL');
  raw.pragma('synchronous = NORMAL');
  raw.pragma('foreign_keys = ON');
  // Several Plaza processes may share one file: wait for the writer instead of failing at once.
  raw.pragma('busy_timeout = 5000');
  const db = new Kysely<DB>({ dialect: new SqliteDialect({ database: cachingSqliteDatabase(raw) }) });
  return {
    db,
    store: 'sqlite',
    label: `sqlite:${path}`,
    close: () => db.destroy(),
  };
}

async function openPostgres(url: string, options: OpenOptions): Promise<Database> {
  const schema = options.schema;
  if (schema !== undefined && !/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) throw new Error(`invalid schema name ${schema}`);
  if (schema !== undefined) {
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    try {
      await admin.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
    } finally {
      await admin.end();
    }
  }
  const pool = new pg.Pool({
    connectionString: url,
    max: options.poolSize ?? 10,
    types: {
      getTypeParser: (oid: number, format?: 'text' | 'binary') =>
        oid === INT8_OID ? (v: string) => BigInt(v) : pg.types.getTypeParser(oid, format as 'text'),
    },
    ...(schema !== undefined ? { options: `-c search_path=${schema}` } : {}),
  });
  // An idle client that loses its connection must not crash the process.
  pool.on('error', () => undefined);
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
  await sql`select 1`.execute(db);
  return {
    db,
    store: 'postgres',
    label: redact(url) + (schema ? `#${schema}` : ''),
    close: () => db.destroy(),
  };
}

/** Drops a PostgreSQL schema created for a test run. */
export async function dropPostgresSchema(url: string, schema: string): Promise<void> {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) throw new Error(`invalid schema name ${schema}`);
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  } finally {
    await client.end();
  }
}
