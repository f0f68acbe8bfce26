// Which better-sqlite3 build this Node runs. better-sqlite3 12 derives its objects from node::ObjectWrap, whose
// destructor aborts Node 24.19+ when a statement is garbage-collected outside a JS context ("Assertion failed:
// (env) != nullptr"); better-sqlite3 13 is built on Node-API and does not, but segfaults on Node 20. So Node 22
// and later load 13 (installed under the alias `better-sqlite3-napi`), Node 20 loads 12. Same API, same files.
import type BetterSqlite3 from 'better-sqlite3';
import { createRequire } from 'node:module';

export type SqliteConstructor = typeof BetterSqlite3;
export type SqliteConnection = BetterSqlite3.Database;

const require = createRequire(import.meta.url);

export function sqliteDriverName(nodeVersion = process.versions.node): 'better-sqlite3' | 'better-sqlite3-napi' {
  const major = Number(nodeVersion.split('.')[0]);
  return major >= 22 ? 'better-sqlite3-napi' : 'better-sqlite3';
}

let loaded: SqliteConstructor | null = null;

export function loadSqlite(): SqliteConstructor {
  loaded ??= require(sqliteDriverName()) as SqliteConstructor;
  return loaded;
}
