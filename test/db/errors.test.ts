import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isForeignKeyViolation, isTransientDbError, isUniqueViolation } from '../../src/db/errors.js';
import { STORES, createTestStore } from '../support/stores.js';

test('transient failures are recognised on both stores, and nothing else is', () => {
  for (const code of ['SQLITE_BUSY', 'SQLITE_BUSY_SNAPSHOT', 'SQLITE_LOCKED', '40001', '40P01', '55P03', '57014']) {
    assert.ok(isTransientDbError({ code }), code);
  }
  assert.ok(isTransientDbError(new Error('timeout exceeded when trying to connect')));
  for (const err of [{ code: '23505' }, { code: 'SQLITE_CONSTRAINT_UNIQUE' }, new Error('boom'), null, undefined]) {
    assert.equal(isTransientDbError(err), false);
  }
});

for (const kind of STORES) {
  test(`real constraint failures are classified (${kind})`, async () => {
    const store = await createTestStore(kind);
    try {
      const db = store.database.db;
      await db.insertInto('settings').values({ key: 'k', value: 'v' }).execute();
      const dup = await db.insertInto('settings').values({ key: 'k', value: 'w' }).execute().catch((e: unknown) => e);
      assert.ok(isUniqueViolation(dup), String(dup));
      assert.equal(isForeignKeyViolation(dup), false);
      const orphan = await db
        .insertInto('developer_tokens')
        .values({ token_hash: 'h', developer_id: 999_999, kind: 'developer', created_at: 0, expires_at: 1, revoked_at: null })
        .execute()
        .catch((e: unknown) => e);
      assert.ok(isForeignKeyViolation(orphan), String(orphan));
      assert.equal(isTransientDbError(orphan), false);
    } finally {
      await store.drop();
    }
  });
}
