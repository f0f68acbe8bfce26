import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadSqlite, sqliteDriverName } from '../../src/db/sqliteDriver.js';

test('Node 20 loads better-sqlite3 12; Node 22 and later load the Node-API build (13)', () => {
  assert.equal(sqliteDriverName('20.19.0'), 'better-sqlite3');
  assert.equal(sqliteDriverName('22.0.0'), 'better-sqlite3-napi');
  assert.equal(sqliteDriverName('24.21.0'), 'better-sqlite3-napi');
});

test('the driver this Node loads opens a database with safe integers', () => {
  const Sqlite = loadSqlite();
  const db = new Sqlite(':memory:');
  try {
    db.defaultSafeIntegers(true);
    const row = db.prepare('select 9007199254740993 as n').get() as { n: bigint };
    assert.equal(row.n, 9007199254740993n);
  } finally {
    db.close();
  }
});
