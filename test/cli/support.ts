// Runs the real `plaza` entry point in a child process (node --import tsx src/main.ts) against a fresh, empty store:
// a SQLite file in a temporary data directory, or a new PostgreSQL schema selected through the URL's search_path.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { StoreKind } from '../../src/db/database.js';
import { dropPostgresSchema } from '../../src/db/database.js';
import { PG_URL } from '../support/stores.js';

const ROOT = new URL('../..', import.meta.url).pathname;

export interface CliStore {
  dataDir: string;
  databaseUrl: string;
  /** The environment a CLI run needs (silent logs, this store, a data dir of its own). */
  env: Record<string, string>;
  drop(): Promise<void>;
}

export async function createCliStore(kind: StoreKind): Promise<CliStore> {
  const dataDir = mkdtempSync(join(tmpdir(), 'plaza-cli-'));
  let databaseUrl = `sqlite:${join(dataDir, 'plaza.db')}`;
  let schema: string | null = null;
  if (kind === 'postgres') {
    schema = `t_${randomBytes(6).toString('hex')}`;
    const client = new pg.Client({ connectionString: PG_URL });
    await client.connect();
    await client.query(`CREATE SCHEMA ${schema}`).finally(() => client.end());
    databaseUrl = `${PG_URL}?options=${encodeURIComponent(`-c search_path=${schema}`)}`;
  }
  return {
    dataDir,
    databaseUrl,
    env: { PLAZA_DATA_DIR: dataDir, PLAZA_DATABASE_URL: databaseUrl, PLAZA_LOG_LEVEL: 'silent' },
    async drop() {
      if (schema) await dropPostgresSchema(PG_URL, schema);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Starts `plaza <args>` with only PATH/HOME from this process plus `env`. */
export function spawnPlaza(args: readonly string[], env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
}

export function finished(child: ChildProcess, timeoutMs = 60_000): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`plaza did not exit within ${timeoutMs} ms; stdout: ${stdout} stderr: ${stderr}`));
    }, timeoutMs);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

export function runPlaza(args: readonly string[], env: Record<string, string>, input?: string): Promise<CliResult> {
  const child = spawnPlaza(args, env);
  child.stdin?.end(input ?? '');
  return finished(child);
}
