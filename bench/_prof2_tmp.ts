import BetterSqlite3 from 'better-sqlite3';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { systemClock } from '../src/core/clock.js';
import { ensureAccount } from '../src/core/ledger/accounts.js';
import { ensureAsset } from '../src/core/ledger/assets.js';
import { issue, transfer } from '../src/core/ledger/transfers.js';
import { openDatabase } from '../src/db/database.js';
import { migrateToLatest } from '../src/db/migrate.js';
const times = new Map<string, number>();
const orig = (BetterSqlite3 as any).prototype.prepare;
(BetterSqlite3 as any).prototype.prepare = function (text: string) {
  const st = orig.call(this, text);
  for (const m of ['all', 'run']) {
    const f = st[m].bind(st);
    st[m] = (...a: unknown[]) => { const t = performance.now(); try { return f(...a); } finally { times.set(text.slice(0, 70).replace(/\s+/g, ' '), (times.get(text.slice(0, 70).replace(/\s+/g, ' ')) ?? 0) + performance.now() - t); } };
  }
  return st;
};
const dir = mkdtempSync(join(tmpdir(), 'p-'));
const database = await openDatabase(`sqlite:${join(dir, 'm.db')}`);
await migrateToLatest(database);
const asset = await ensureAsset(database.db, { symbol: 'B', precision: 2 }, systemClock);
const ids: number[] = [];
for (let i = 0; i < 50; i++) { const a = await ensureAccount(database.db, { owner: { kind: 'user', id: `b${i}` }, assetId: asset.id }, systemClock); await database.db.transaction().execute((trx) => issue(trx, { assetId: asset.id, toAccountId: a.id, amount: 1_000_000_000n }, systemClock)); ids.push(a.id); }
times.clear();
const N = Number(process.env.N ?? 20000);
const t0 = performance.now();
for (let i = 0; i < N; i++) {
  const a = ids[i % 50]!; let b = ids[(i * 7 + 3) % 50]!; if (a === b) b = ids[(i + 1) % 50]!;
  await database.db.transaction().execute((trx) => transfer(trx, { debitAccountId: a, creditAccountId: b, amount: 1n, kind: 'bench' }, systemClock));
}
const total = performance.now() - t0;
console.log('ops/s', Math.round(N / (total / 1000)), 'us/op', (total * 1000 / N).toFixed(1));
for (const [k, v] of times) console.log((v * 1000 / N).toFixed(1).padStart(7), 'us', k);
await database.close();
