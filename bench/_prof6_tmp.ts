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
const begin = raw.prepare('begin'), commit = raw.prepare('commit');
const debit = raw.prepare('update ledger_accounts set balance = balance - ? where id = ? and frozen = 0 and (allow_negative = 1 or balance - pending_out >= ?)');
const credit = raw.prepare('update ledger_accounts set balance = balance + ? where id = ? and frozen = 0');
const insert = raw.prepare(`insert into ledger_transfers (id, txid, debit_account_id, credit_account_id, asset_id, amount, kind, memo, metadata,
      status, created_at, posted_at, block_number) values (?, ?, ?, ?, 1, ?, 'bench', '', '{}', 'posted', ?, ?, (select open_block from ledger_state where id = 1))`);
const mdebit = raw.prepare(`update ledger_accounts set balance = balance - ? where id = ? and frozen = 0 and balance >= ? and (allow_negative = 1 or balance - pending_out >= ?) and exists (select 1 from assets s where s.id = ledger_accounts.asset_id and s.enabled = 1) returning asset_id`);
const mcredit = raw.prepare(`update ledger_accounts set balance = balance + ? where id = ? and frozen = 0 and balance <= ? and asset_id = ? returning id`);
const minsert = raw.prepare(`insert into ledger_transfers (id, txid, debit_account_id, credit_account_id, asset_id, amount, kind, memo, metadata,
      status, idempotency_key, created_at, posted_at, voided_at, block_number) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, (select open_block from ledger_state where id = 1)) returning seq, block_number`);
const M = -(1n << 63n) + 1n, X = (1n << 63n) - 2n;

function op(i: number, dm: boolean, cm: boolean, im: boolean) {
  const d = ids[i % 50]!; let c = ids[(i * 7 + 3) % 50]!; if (d === c) c = ids[(i + 1) % 50]!;
  const id = randomBytes(16).toString('hex'); const now = Date.now();
  begin.run();
  if (dm) mdebit.all([1n, d, M, 1n]); else debit.run(1, d, 1);
  if (cm) mcredit.all([1n, c, X, 1n]); else credit.run(1, c);
  if (im) minsert.all([id, createHash('sha256').update(id).digest('hex'), d, c, 1, 1n, 'bench', '', '{}', 'posted', null, now, now, null]);
  else insert.run(id, createHash('sha256').update(id).digest('hex'), d, c, 1, now, now);
  commit.run();
}
const res: Record<string, number[]> = {};
for (let r = 0; r < 4; r++) for (const v of ['000', '100', '010', '001', '111']) {
  const N = 10000; const t0 = performance.now();
  for (let i = 0; i < N; i++) op(i, v[0] === '1', v[1] === '1', v[2] === '1');
  (res[v] ??= []).push((performance.now() - t0) * 1000 / N);
}
for (const [k, v] of Object.entries(res)) console.log(k, v.map((x) => x.toFixed(1)).join(' '), 'min', Math.min(...v).toFixed(1));
