import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createAdminApi } from '../../src/admin/plugin.js';
import { ADMIN_ROUTES } from '../../src/admin/routes.js';
import { openApiRoutes } from '../../src/http/openapi.js';
import { openApiPath } from '../../src/http/openapi/model.js';
import { http, startTestServer, type TestServer } from '../support/server.js';

describe('admin OpenAPI document and reference page', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer('sqlite', { dialects: [createAdminApi()], extras: [openApiRoutes] });
  });
  after(() => server.close());

  it('GET /openapi/admin.json documents every admin route with its schemas', async () => {
    const r = await http(server.baseUrl, 'GET', '/openapi/admin.json');
    assert.equal(r.status, 200);
    const doc = r.json;
    assert.equal(doc.openapi, '3.1.0');
    assert.equal(doc.components.securitySchemes.developerToken.scheme, 'bearer');
    for (const route of ADMIN_ROUTES) {
      const path = route.path.replace(/:(\w+)/g, '{$1}');
      const op = doc.paths[path]?.[route.method.toLowerCase()];
      assert.ok(op, `${route.method} ${path} is documented`);
      assert.equal(op.operationId, route.operationId);
      assert.deepEqual(op.responses[String(route.status)].content['application/json'].schema, route.response);
      if (route.access === 'public') assert.deepEqual(op.security, [], `${route.operationId} needs no token`);
      else assert.ok(op.responses['401'], `${route.operationId} documents 401`);
      if (route.body) assert.deepEqual(op.requestBody.content['application/json'].schema, route.body);
      for (const name of Object.keys(route.params?.properties ?? {})) {
        assert.ok(op.parameters.some((p: { name: string; in: string }) => p.name === name && p.in === 'path'), `${route.operationId} documents ${name}`);
      }
    }
    const ops = Object.values(doc.paths).flatMap((p) => Object.keys(p as object));
    assert.equal(ops.length, ADMIN_ROUTES.length);
  });

  it('GET /docs/admin renders every operation server-side, without external scripts', async () => {
    const r = await http(server.baseUrl, 'GET', '/docs/admin');
    assert.equal(r.status, 200);
    assert.match(r.headers.get('content-type') ?? '', /^text\/html/);
    // Paths are shown as OpenAPI templates (`{id}`), as in the JSON document.
    for (const route of ADMIN_ROUTES) assert.ok(r.text.includes(openApiPath(route.path)), route.path);
    assert.doesNotMatch(r.text, /<script/i);
  });
});
