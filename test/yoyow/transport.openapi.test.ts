// The YOYOW API description (src/dialects/yoyow/openapi.ts) covers exactly the route table, its error examples are
// the bodies the dialect really sends, and it states the §2.5 extensions the spec requires it to document.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { yoyowApi } from '../../src/dialects/yoyow/openapi.js';
import { YOYOW_ROUTES } from '../../src/dialects/yoyow/routes.js';
import { openApiDocument } from '../../src/http/openapi/document.js';

test('one operation per route, examples from the renderers, §2.5 documented', () => {
  const api = yoyowApi();
  assert.equal(api.operations.length, YOYOW_ROUTES.length);
  assert.deepEqual(api.errors.example('requestExpired'), { code: 1003, message: '请求已过期.' });
  assert.deepEqual(api.errors.example('signExpired'), { code: 1003, data: null, message: '请求已经过期' });
  assert.deepEqual(api.errors.example('unknownApp'), { code: 404, data: null, message: 'unknown app' });
  assert.deepEqual(api.errors.example('internal'), { code: 2000, data: null, message: 'api底层异常' });
  for (const words of ['secure_future_skew', 'replay', 'secure_ageing']) assert.ok(api.description.includes(words), words);
  const doc = openApiDocument(api, 'http://127.0.0.1') as { paths: Record<string, unknown> };
  assert.ok(Object.keys(doc.paths).length > 0);
});
