// The SDK's generated admin types (sdk/src/generated/admin.ts) must be exactly what scripts/generate-sdk.ts renders
// from the current route declarations: a route changed without regenerating fails here, so schema and SDK cannot
// drift. Also checks that every route has its typed method.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { ADMIN_ROUTES } from '../../src/admin/routes.js';
import { GENERATED_ADMIN_PATH, renderAdminSdk, schemaType } from '../../scripts/generate-sdk.js';
import { ADMIN_OPERATIONS, AdminClient } from '../../sdk/src/index.js';

test('sdk/src/generated/admin.ts is up to date (run: node --import tsx scripts/generate-sdk.ts)', () => {
  const committed = readFileSync(GENERATED_ADMIN_PATH, 'utf8').split('\n');
  const fresh = renderAdminSdk().split('\n');
  // Name the first differing line rather than dumping two 100 KB texts.
  const at = fresh.findIndex((line, i) => line !== committed[i]);
  const line = at === -1 && committed.length !== fresh.length ? fresh.length : at;
  assert.ok(line === -1, `sdk/src/generated/admin.ts is stale from line ${line + 1}: expected ${JSON.stringify(fresh[line])}, found ${JSON.stringify(committed[line])}; run node --import tsx scripts/generate-sdk.ts`);
});

test('every admin route has an operation entry and a client method', () => {
  const client = new AdminClient({ baseUrl: 'http://127.0.0.1:1' }) as unknown as Record<string, unknown>;
  for (const r of ADMIN_ROUTES) {
    const op = (ADMIN_OPERATIONS as Record<string, { method: string; path: string; access: string }>)[r.operationId];
    assert.deepEqual(op, { method: r.method, path: r.path, access: r.access }, r.operationId);
    assert.equal(typeof client[r.operationId], 'function', r.operationId);
  }
  assert.equal(Object.keys(ADMIN_OPERATIONS).length, ADMIN_ROUTES.length);
});

test('schema → TypeScript: enums, nullables, arrays, open and closed objects', () => {
  assert.equal(schemaType({ type: 'string', enum: ['a', 'b'] }), '"a" | "b"');
  assert.equal(schemaType({ type: ['string', 'null'] }), 'string | null');
  assert.equal(schemaType({ type: ['integer', 'number'] }), 'number');
  assert.equal(schemaType({ type: 'array', items: { type: 'boolean' } }), 'Array<boolean>');
  assert.equal(schemaType({ type: 'object' }), 'Record<string, unknown>');
  assert.equal(schemaType({ type: 'object', additionalProperties: { type: 'integer' } }), 'Record<string, number>');
  assert.equal(
    schemaType({ type: 'object', properties: { a: { type: 'string' }, b: { type: 'integer', description: 'B' } }, required: ['a'], additionalProperties: false }),
    '{\n  a: string;\n  /** B */\n  b?: number;\n}',
  );
  assert.equal(schemaType({ type: 'object', properties: { a: { type: 'string' } } }), '{\n  a?: string;\n}');
});
