import BetterSqlite3 from 'better-sqlite3';
import { randomBytes, createHash } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { systemClock } from '../src/core/clock.js';
import { ensureAccount } from '../src/core/ledger/accounts.js';
import { ensureAsset } from '../src/core/ledger/assets.js';
import { issue } from '../src/core/ledger/transfers.js';
import { openDatabase } from '../src/db/database.js';
import { migrateToLatest } from '../src/db/migrate.js';
const dir = mkdtempSync(join(tmpdir(), 'p-'));
const database = await openDatabase(`sqlite:${join(dir, 'm.db')}`);
await migrateToLatest(database);
const asset = await ensureAsset(database.db, { symbol: 'B', precision: 2 }, systemClock);
const ids: number[] = [];
for (let i = 0; i < 50; i++) { const a = await ensureAccount(database.db, { owner: { kind: 'user', id: `b${i}` }, assetId: asset.id }, systemClock); await database.db.transaction().execute((trx) => issue(trx, { assetId: asset.id, toAccountId: a.id, amount: 1_000_000_000n }, systemClock)); ids.push(a.id); }
await database.close();
const raw = new BetterSqlite3(join(dir, 'm.db'));
raw.defaultSafeIntegers(true);
raw.pragma('journal_mode = WAL'); raw.pragma('synchronous = NORMAL'); raw.pragma('foreign_keys = ON');
const T: Record<string, number> = { begin: 0, debit: 0, credit: 0, insert: 0, commit: 0 };
const tm = (k: string, f: () => unknown) => { const t = performance.now(); const r = f(); T[k]! += performance.now() - t; return r; };
const begin = raw.prepare('begin'), commit = raw.prepare('commit');
const debit = raw.prepare('update ledger_accounts set balance = balance - ? where id = ? and frozen = 0 and (allow_negative = 1 or balance - pending_out >= ?)');
const credit = raw.prepare('update ledger_accounts set balance = balance + ? where id = ? and frozen = 0');
const insert = raw.prepare(`insert into ledger_transfers (id, txid, debit_account_id, credit_account_id, asset_id, amount, kind, memo, metadata,
      status, created_at, posted_at, block_number) values (?, ?, ?, ?, 1, ?, 'bench', '', '{}', 'posted', ?, ?, (select open_block from ledger_state where id = 1))`);
const N = 20000; const t0 = performance.now();
for (let i = 0; i < N; i++) {
  const d = ids[i % 50]!; let c = ids[(i * 7 + 3) % 50]!; if (d === c) c = ids[(i + 1) % 50]!;
  const id = randomBytes(16).toString('hex'); const now = Date.now();
  tm('begin', () => begin.run());
  tm('debit', () => debit.run(1, d, 1)); tm('credit', () => credit.run(1, c));
  tm('insert', () => insert.run(id, createHash('sha256').update(id).digest('hex'), d, c, 1, now, now));
  tm('commit', () => commit.run());
}
const total = performance.now() - t0;
console.log('ops/s', Math.round(N / (total / 1000)));
for (const [k, v] of Object.entries(T)) console.log((v * 1000 / N).toFixed(1).padStart(7), 'us', k);
