// A URL Fastify cannot decode (malformed percent-encoding) is answered before routing; it must still come back in
// the owning dialect's envelope (here Pi's), or as the plain JSON error outside every dialect — never Fastify's own.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { piDialect } from '../../src/dialects/pi/plugin.js';
import { http, startTestServer, type TestServer } from '../support/server.js';

describe('malformed URLs (sqlite)', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer('sqlite', { dialects: [piDialect] });
  });
  after(() => server.close());

  it('under a dialect prefix: the dialect envelope', async () => {
    const r = await http(server.baseUrl, 'GET', '/v2/payments/%E0%A4%A');
    assert.equal(r.status, 400, r.text);
    assert.equal(r.json.error, 'invalid_arguments');
    assert.equal(typeof r.json.error_message, 'string');
  });

  it('outside every dialect: the plain JSON error', async () => {
    const r = await http(server.baseUrl, 'GET', '/nowhere/%E0%A4%A');
    assert.equal(r.status, 400, r.text);
    assert.equal(r.text, '{"error":"bad_request"}');
  });
});
