import BetterSqlite3 from 'better-sqlite3';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { systemClock } from '../src/core/clock.js';
import { ensureAccount } from '../src/core/ledger/accounts.js';
import { ensureAsset } from '../src/core/ledger/assets.js';
import { openDatabase } from '../src/db/database.js';
import { migrateToLatest } from '../src/db/migrate.js';
const dir = mkdtempSync(join(tmpdir(), 'p-'));
const database = await openDatabase(`sqlite:${join(dir, 'm.db')}`);
await migrateToLatest(database);
const asset = await ensureAsset(database.db, { symbol: 'B', precision: 2 }, systemClock);
for (let i = 0; i < 50; i++) await ensureAccount(database.db, { owner: { kind: 'user', id: `b${i}` }, assetId: asset.id }, systemClock);
await database.close();
const raw = new BetterSqlite3(join(dir, 'm.db'));
raw.defaultSafeIntegers(true);
raw.pragma('journal_mode = WAL'); raw.pragma('synchronous = NORMAL'); raw.pragma('foreign_keys = ON');
const M = -(1n << 63n) + 1n, X = (1n << 63n) - 2n;
const variants: [string, string, (s: BetterSqlite3.Statement, i: number) => unknown][] = [
  ['plain run', 'update ledger_accounts set balance = balance + ? where id = ? and frozen = 0', (s, i) => s.run(1, 2 + (i % 50))],
  ['guard run', 'update ledger_accounts set balance = balance + ? where id = ? and frozen = 0 and balance <= ? and asset_id = ?', (s, i) => s.run(1, 2 + (i % 50), X, 1)],
  ['guard returning id all', 'update ledger_accounts set balance = balance + ? where id = ? and frozen = 0 and balance <= ? and asset_id = ? returning id', (s, i) => s.all(1, 2 + (i % 50), X, 1)],
  ['exists run', 'update ledger_accounts set balance = balance + ? where id = ? and frozen = 0 and balance <= ? and exists (select 1 from assets s where s.id = ledger_accounts.asset_id and s.enabled = 1)', (s, i) => s.run(1, 2 + (i % 50), X)],
  ['exists returning asset_id', 'update ledger_accounts set balance = balance + ? where id = ? and frozen = 0 and balance <= ? and exists (select 1 from assets s where s.id = ledger_accounts.asset_id and s.enabled = 1) returning asset_id', (s, i) => s.all(1, 2 + (i % 50), X)],
];
const begin = raw.prepare('begin'), commit = raw.prepare('commit');
for (let round = 0; round < 2; round++)
for (const [name, text, f] of variants) {
  const s = raw.prepare(text);
  const N = 100000;
  begin.run();
  const t0 = performance.now();
  for (let i = 0; i < N; i++) f(s, i);
  const t = performance.now() - t0;
  commit.run();
  console.log(((t * 1000) / N).toFixed(2).padStart(6), 'us', name);
}
