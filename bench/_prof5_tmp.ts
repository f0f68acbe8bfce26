import { CompiledQuery, sql } from 'kysely';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '../src/db/database.js';
import { migrateToLatest } from '../src/db/migrate.js';
const dir = mkdtempSync(join(tmpdir(), 'p-'));
const database = await openDatabase(`sqlite:${join(dir, 'm.db')}`);
await migrateToLatest(database);
const db = database.db;
const N = 50000;
await db.transaction().execute(async (trx) => {
  for (let r = 0; r < 2; r++) {
    let t0 = performance.now();
    for (let i = 0; i < N; i++) await sql`select ${i} as a, ${i + 1} as b where 1 = ${1} and ${sql`2 = ${2}`}`.execute(trx);
    console.log('sql template', ((performance.now() - t0) * 1000 / N).toFixed(2));
    t0 = performance.now();
    for (let i = 0; i < N; i++) await trx.executeQuery(CompiledQuery.raw('select ? as a, ? as b where 1 = ? and 2 = ?', [i, i + 1, 1, 2]));
    console.log('CompiledQuery.raw', ((performance.now() - t0) * 1000 / N).toFixed(2));
    t0 = performance.now();
    for (let i = 0; i < N; i++) await trx.selectNoFrom((eb) => [eb.val(i).as('a'), eb.val(i + 1).as('b')]).execute();
    console.log('builder', ((performance.now() - t0) * 1000 / N).toFixed(2));
  }
});
let t0 = performance.now();
for (let i = 0; i < 20000; i++) await db.transaction().execute(async () => undefined);
console.log('empty transaction', ((performance.now() - t0) * 1000 / 20000).toFixed(2));
await database.close();
