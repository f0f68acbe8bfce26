// The API reference for every dialect and the admin API: each document is structurally valid OpenAPI 3.1, each
// dialect's route table and its document cannot drift (every route documented, every declaration naming a route,
// every error code from the dialect's catalogue with the body the dialect really renders, every documented route
// really served), and `/openapi/*` and `/docs/*` answer with the right content types and link every document.
import { internalError, secureError, transportError, yoyowError, YOYOW_ERRORS, YOYOW_TRANSPORT, type SecureFailure, type YoyowErrorName, type YoyowTransportName } from '../../src/dialects/yoyow/errors.js';
import { YOYOW_OPERATION_DOCS } from '../../src/dialects/yoyow/openapi.js';
import { YOYOW_ROUTES } from '../../src/dialects/yoyow/routes.js';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ADMIN_ROUTES } from '../../src/admin/routes.js';
import { KAMIYA_ERRORS, kamiyaError } from '../../src/dialects/kamiya/errors.js';
import { KAMIYA_OPERATION_DOCS } from '../../src/dialects/kamiya/openapi.js';
import { KAMIYA_ROUTES } from '../../src/dialects/kamiya/routes.js';
import { LIVEUSER_ERRORS, liveuserErrorBody, type LiveuserErrorId } from '../../src/dialects/liveuser/errors.js';
import { LIVEUSER_OPERATION_DOCS } from '../../src/dialects/liveuser/openapi.js';
import { LIVEUSER_ROUTES } from '../../src/dialects/liveuser/routes.js';
import { PI_ERRORS, piErrorBody, type PiErrorCode } from '../../src/dialects/pi/errors.js';
import { HORIZON_OPERATION_DOCS, horizonRouteKey } from '../../src/dialects/pi/horizon/openapi.js';
import { HORIZON_PROBLEMS, problem, type HorizonProblemKind } from '../../src/dialects/pi/horizon/render.js';
import { HORIZON_ROUTES } from '../../src/dialects/pi/horizon/routes.js';
import { PI_OPERATION_DOCS, piRouteKey } from '../../src/dialects/pi/openapi.js';
import { PI_ROUTES } from '../../src/dialects/pi/routes.js';
import { errorEnvelope, ULORD_ERRORS, type Errcode } from '../../src/dialects/ulord/errors.js';
import { ULORD_OPERATION_DOCS } from '../../src/dialects/ulord/openapi.js';
import { routeKey, ULORD_ROUTES } from '../../src/dialects/ulord/routes.js';
import { roleAddSchema, userRegSchema } from '../../src/dialects/ulord/schemas.js';
import { openApiRoutes } from '../../src/http/openapi.js';
import { operationsOf, openApiPath } from '../../src/http/openapi/model.js';
import { DIALECTS } from '../../src/lifecycle.js';
import { http, startTestServer, type TestServer } from '../support/server.js';
import { STORES } from '../support/stores.js';
import { openApiProblems, schemaMismatches } from './openapiValidate.js';

const NAMES = ['admin', 'pi', 'horizon', 'kamiya', 'ulord', 'liveuser', 'yoyow'] as const;
type Json = Record<string, any>;

/** Per dialect: its route table as (key, method, path), its declarations, its catalogue and its own error rendering. */
const DIALECT_TABLES = {
  pi: {
    routes: PI_ROUTES.map((r) => ({ key: piRouteKey(r), method: r.method, path: r.path })),
    declared: Object.keys(PI_OPERATION_DOCS),
    catalogue: Object.keys(PI_ERRORS),
    render: (code: string) => JSON.parse(piErrorBody(code as PiErrorCode)),
  },
  horizon: {
    routes: HORIZON_ROUTES.map((r) => ({ key: horizonRouteKey(r), method: r.method, path: r.path })),
    declared: Object.keys(HORIZON_OPERATION_DOCS),
    catalogue: Object.keys(HORIZON_PROBLEMS),
    render: (code: string) => JSON.parse(problem(code as HorizonProblemKind).body),
  },
  kamiya: {
    routes: KAMIYA_ROUTES.map((r) => ({ key: r.path, method: 'POST', path: r.path })),
    declared: Object.keys(KAMIYA_OPERATION_DOCS),
    catalogue: Object.keys(KAMIYA_ERRORS),
    render: (code: string) => JSON.parse(kamiyaError(code as keyof typeof KAMIYA_ERRORS).body),
  },
  ulord: {
    routes: ULORD_ROUTES.map((r) => ({ key: routeKey(r), method: r.method, path: `${r.path}${r.params ?? ''}` })),
    declared: Object.keys(ULORD_OPERATION_DOCS),
    catalogue: Object.keys(ULORD_ERRORS).filter((c) => c !== '0'),
    render: (code: string) => errorEnvelope(Number(code) as Errcode),
  },
  liveuser: {
    routes: LIVEUSER_ROUTES.map((r) => ({ key: r.path, method: 'POST', path: r.path })),
    declared: Object.keys(LIVEUSER_OPERATION_DOCS),
    catalogue: Object.keys(LIVEUSER_ERRORS),
    render: (code: string) => JSON.parse(liveuserErrorBody(code as LiveuserErrorId, 'detail text')),
  },
  yoyow: {
    routes: YOYOW_ROUTES.map((r) => ({ key: `${r.method} ${r.path}`, method: r.method, path: r.path })),
    declared: Object.keys(YOYOW_OPERATION_DOCS),
    catalogue: [...Object.keys(YOYOW_ERRORS), ...Object.keys(YOYOW_TRANSPORT)],
    render: (code: string) => yoyowRender(code),
  },
} as const;

/** The body YOYOW's own renderers give a catalogue entry (handled errors, or the transport's HTTP errors). */
function yoyowRender(code: string): unknown {
  if (['requestExpired', 'invalidOperationTime', 'invalidOperationSignature'].includes(code)) return JSON.parse(secureError(code as SecureFailure).body);
  if (code in YOYOW_TRANSPORT) return JSON.parse(transportError(code as YoyowTransportName).body);
  const [num, message] = YOYOW_ERRORS[code as YoyowErrorName];
  return JSON.parse(code === 'internal' ? internalError().body : yoyowError(num, message).body);
}

/** Every operation of a document as (method, path, operation). */
function operations(doc: Json): { method: string; path: string; op: Json }[] {
  return Object.entries<Json>(doc.paths).flatMap(([path, item]) => Object.entries<Json>(item).map(([method, op]) => ({ method: method.toUpperCase(), path, op })));
}

/** Where a real answer departs from what the document says `method path` answers with that status. */
function answerMismatches(doc: Json, method: string, path: string, status: number, body: unknown): string[] {
  const response = doc.paths[path]?.[method.toLowerCase()]?.responses?.[String(status)];
  if (!response) return [`${method} ${path}: status ${status} is not documented`];
  const content = Object.values<Json>(response.content ?? {})[0];
  if (!content) return body === undefined || body === '' ? [] : [`${method} ${path} ${status}: documented without a body`];
  return schemaMismatches(doc, content.schema, body);
}

/** A concrete URL for a templated path: `{page}`/`{num}` as digits, anything else as a word. */
function concrete(path: string): string {
  return path.replace(/\{(page|num)\}/g, '1').replace(/\{[^}]+\}/g, 'x0');
}

describe('operationsOf: the drift guard between a route table and its declarations', () => {
  const routes = [{ path: '/a' }, { path: '/b' }];
  const build = (r: { path: string }, d: { id: string }) => ({ method: 'GET' as const, path: r.path, operationId: d.id, summary: '', tag: 't', security: [], response: { status: 200 }, errors: [] });
  it('builds one operation per route from its declaration', () => {
    assert.deepEqual(operationsOf(routes, (r) => r.path, { '/a': { id: 'a' }, '/b': { id: 'b' } }, build).map((o) => o.operationId), ['a', 'b']);
  });
  it('refuses a route without a declaration', () => {
    assert.throws(() => operationsOf(routes, (r) => r.path, { '/a': { id: 'a' } }, build), /route \/b has no declaration/);
  });
  it('refuses a declaration naming no route', () => {
    assert.throws(() => operationsOf(routes, (r) => r.path, { '/a': { id: 'a' }, '/b': { id: 'b' }, '/c': { id: 'c' } }, build), /declaration \/c names no route/);
  });
  it('turns Fastify paths into OpenAPI templates, regex constraints dropped', () => {
    assert.equal(openApiPath('/v1/content/list/:page(^[0-9]+$)/:num(^[0-9]+$)'), '/v1/content/list/{page}/{num}');
    assert.equal(openApiPath('/v2/payments/:paymentId/approve'), '/v2/payments/{paymentId}/approve');
  });
});

describe('openApiProblems catches what it is meant to catch', () => {
  const sound = {
    openapi: '3.1.0',
    info: { title: 't', version: '1' },
    servers: [{ url: 'http://x' }],
    tags: [{ name: 't' }],
    components: { securitySchemes: { k: { type: 'http', scheme: 'bearer' } }, schemas: { A: { type: 'object' } } },
    paths: { '/a/{id}': { get: { operationId: 'a', tags: ['t'], security: [{ k: [] }], parameters: [{ name: 'id', in: 'path', required: true, schema: {} }], responses: { '200': { description: 'ok', content: { 'application/json': { schema: { $ref: '#/components/schemas/A' } } } } } } } },
  };
  it('accepts a sound document', () => assert.deepEqual(openApiProblems(sound), []));
  it('finds an undeclared path parameter, a dangling $ref, a duplicate operationId and an unknown scheme', () => {
    const bad = structuredClone(sound) as Json;
    bad.paths['/a/{id}'].get.parameters = [];
    bad.paths['/a/{id}'].get.responses['200'].content['application/json'].schema.$ref = '#/components/schemas/B';
    bad.paths['/b'] = { post: { operationId: 'a', tags: ['t'], security: [{ nope: [] }], responses: { '200': { description: 'ok' } } } };
    const problems = openApiProblems(bad).join('\n');
    assert.match(problems, /path parameter \{id\} is not declared/);
    assert.match(problems, /\$ref #\/components\/schemas\/B does not resolve/);
    assert.match(problems, /operationId a also used/);
    assert.match(problems, /unknown security scheme nope/);
  });
});

for (const kind of STORES) {
  describe(`API reference served over HTTP [${kind}]`, () => {
    let server: TestServer;
    const docs = new Map<string, Json>();
    before(async () => {
      server = await startTestServer(kind, { dialects: DIALECTS, extras: [openApiRoutes] });
      for (const name of NAMES) {
        const r = await http(server.baseUrl, 'GET', `/openapi/${name}.json`);
        assert.equal(r.status, 200, name);
        assert.match(r.headers.get('content-type') ?? '', /^application\/json/);
        docs.set(name, r.json);
      }
    });
    after(() => server.close());

    it('GET /openapi/index.json lists every document with its JSON and its page', async () => {
      const r = await http(server.baseUrl, 'GET', '/openapi/index.json');
      assert.equal(r.status, 200);
      assert.match(r.headers.get('content-type') ?? '', /^application\/json/);
      assert.deepEqual(r.json.documents.map((d: Json) => d.name), [...NAMES]);
      for (const d of r.json.documents) {
        assert.equal(d.url, `/openapi/${d.name}.json`);
        assert.equal(d.docs, `/docs/${d.name}`);
        assert.equal(typeof d.title, 'string');
      }
    });

    it('every document is structurally valid OpenAPI 3.1 (parameters, operationIds, $refs, schemes, tags)', () => {
      for (const name of NAMES) assert.deepEqual(openApiProblems(docs.get(name)!), [], name);
    });

    it('every dialect document has the /apps/{appkey} mount as a second server; admin has none', () => {
      for (const name of NAMES) {
        const urls = docs.get(name)!.servers.map((s: Json) => s.url);
        assert.equal(urls[0], server.services.config.publicUrl, name);
        if (name === 'admin') assert.equal(urls.length, 1);
        else assert.equal(urls[1], `${server.services.config.publicUrl}/apps/{appkey}`, name);
      }
    });

    it('every route of every dialect table is documented, and every declaration names a route', () => {
      for (const [name, table] of Object.entries(DIALECT_TABLES)) {
        assert.deepEqual([...table.declared].sort(), table.routes.map((r) => r.key).sort(), `${name}: declarations = route table`);
        const doc = docs.get(name)!;
        for (const r of table.routes) assert.ok(doc.paths[openApiPath(r.path)]?.[r.method.toLowerCase()], `${name}: ${r.method} ${r.path} documented`);
      }
      const admin = docs.get('admin')!;
      for (const r of ADMIN_ROUTES) assert.equal(admin.paths[openApiPath(r.path)]?.[r.method.toLowerCase()]?.operationId, r.operationId);
    });

    it('every error a document lists is in its dialect catalogue, with the body the dialect renders', () => {
      for (const [name, table] of Object.entries(DIALECT_TABLES)) {
        const doc = docs.get(name)!;
        const examples = doc.components.examples as Record<string, { value: unknown }>;
        // The catalogue is published whole, each code with the dialect's own rendering of it.
        for (const code of table.catalogue) assert.deepEqual(examples[`error-${code}`]?.value, table.render(code), `${name}: ${code}`);
        let listed = 0;
        for (const { method, path, op } of operations(doc)) {
          for (const [status, response] of Object.entries<Json>(op.responses)) {
            for (const content of Object.values<Json>(response.content ?? {})) {
              for (const [code, example] of Object.entries<Json>(content.examples ?? {})) {
                listed++;
                assert.ok(table.catalogue.includes(code), `${name} ${method} ${path}: ${code} is not in the catalogue`);
                assert.equal(example.$ref, `#/components/examples/error-${code}`);
                const rendered = table.render(code) as Json;
                // YOYOW's `code` is the HTTP status only for its transport errors; handled errors are HTTP 200.
                const httpStatus =
                  name === 'yoyow'
                    ? code in YOYOW_TRANSPORT
                      ? YOYOW_TRANSPORT[code as YoyowTransportName][0]
                      : code === 'internal'
                        ? 500
                        : 200
                    : (rendered.code ?? rendered.status ?? (PI_ERRORS as Json)[code]?.http ?? (ULORD_ERRORS as Json)[code]?.http);
                if (typeof httpStatus === 'number') assert.equal(Number(status), httpStatus, `${name} ${path}: ${code} under its status`);
              }
            }
          }
        }
        assert.ok(listed > table.routes.length, `${name}: errors are listed per operation`);
      }
    });

    it('every error body each dialect renders conforms to its published Error schema', () => {
      for (const [name, table] of Object.entries(DIALECT_TABLES)) {
        const doc = docs.get(name)!;
        for (const code of table.catalogue) assert.deepEqual(schemaMismatches(doc, doc.components.schemas.Error, table.render(code)), [], `${name}: ${code}`);
        // The check can fail: another dialect's envelope does not conform.
        assert.notDeepEqual(schemaMismatches(doc, doc.components.schemas.Error, { nope: true }), [], name);
      }
    });

    it('real answers conform to the documented response of their status', async () => {
      const base = server.baseUrl;
      const check = async (name: string, method: string, path: string, options: { body?: unknown; headers?: Record<string, string> } = {}): Promise<Json> => {
        const r = await http(base, method, concrete(path), options);
        assert.deepEqual(answerMismatches(docs.get(name)!, method, path, r.status, r.json), [], `${name} ${method} ${path} → ${r.status} ${r.text}`);
        return r;
      };
      await check('pi', 'GET', '/v2/me');
      await check('pi', 'POST', '/v2/payments', { body: { payment: { amount: 1, memo: 'm', metadata: {}, uid: 'u' } }, headers: { authorization: 'Key nope' } });
      await check('horizon', 'GET', '/horizon');
      await check('horizon', 'GET', '/horizon/fee_stats');
      await check('horizon', 'GET', '/horizon/accounts/{address}');
      await check('horizon', 'POST', '/horizon/transactions', { body: 'tx=AAAA', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
      await check('kamiya', 'POST', '/api/billing/auth', { body: {} });
      await check('kamiya', 'POST', '/api/billing/detail', { body: { appId: 'nope', secret: 'nope', id: 1 } });
      await check('liveuser', 'POST', '/liveuser/User/Get', { body: {} });
      await check('liveuser', 'POST', '/liveuser/Wx/Login', { body: { code: '' }, headers: { 'x-plaza-app': 'nope' } });
      // Ulord: a developer's first calls, success envelopes and refusals (HTTP 200 both).
      assert.equal((await check('ulord', 'POST', '/v1/users/reg', { body: { username: 'docs-dev', password: 'docs-secret-1' } })).json.errcode, 0);
      const login = await check('ulord', 'POST', '/v1/users/login', { body: { username: 'docs-dev', password: 'docs-secret-1' } });
      const token = { authorization: `Bearer ${login.json.result.token as string}` };
      assert.equal((await check('ulord', 'GET', '/v1/role/list', { headers: token })).json.result.length > 0, true);
      await check('ulord', 'GET', '/v1/type/list', { headers: token });
      await check('ulord', 'POST', '/v1/app/list', { body: {}, headers: token });
      assert.equal((await check('ulord', 'POST', '/v1/role/add', { body: { name: 'x' }, headers: token })).json.errcode, 10013);
      assert.equal((await check('ulord', 'POST', '/v1/app/add', { body: { appname: 'docs app', apptype_id: 999999 }, headers: token })).json.errcode, 20005);
      assert.equal((await check('ulord', 'GET', '/v1/content/list/{page}/{num}')).json.errcode, 10012);
    });

    it('Pi: accepted credentials come from the route table; POSTs take Idempotency-Key', () => {
      const scheme = { key: 'piKey', access: 'piAccessToken', wallet: 'piWalletToken' } as const;
      const doc = docs.get('pi')!;
      assert.equal(doc.components.securitySchemes.piKey.type, 'apiKey');
      assert.equal(doc.components.securitySchemes.piKey.name, 'Authorization');
      assert.equal(doc.components.securitySchemes.piAccessToken.scheme, 'bearer');
      for (const r of PI_ROUTES) {
        const op = doc.paths[openApiPath(r.path)][r.method.toLowerCase()];
        assert.deepEqual(op.security, r.schemes.map((s) => ({ [scheme[s]]: [] })), `${r.method} ${r.path}`);
        assert.equal(op.parameters.some((p: Json) => p.name === 'Idempotency-Key'), r.method === 'POST');
        assert.equal(op.requestBody === undefined, r.ignoresBody === true || r.method === 'GET', `${r.method} ${r.path} body`);
        assert.ok(op.responses['401'], `${r.path} documents 401`);
      }
      const create = doc.paths['/v2/payments'].post;
      assert.deepEqual(create.requestBody.content['application/json'].schema.required, ['payment']);
      assert.deepEqual(Object.keys(create.responses['400'].content['application/json; charset=utf-8'].examples).sort(), ['invalid_amount', 'invalid_arguments', 'invalid_metadata']);
    });

    it('Ulord: request bodies are the field tables parseFields validates with; refusals share HTTP 200 with success', () => {
      const doc = docs.get('ulord')!;
      const roleAdd = doc.paths['/v1/role/add'].post.requestBody.content['application/json'].schema;
      assert.equal(roleAdd.properties.name.maxLength, roleAddSchema.name.max);
      assert.equal(roleAdd.properties.des.maxLength, roleAddSchema.des.max);
      assert.deepEqual(roleAdd.required, ['name']);
      const reg = doc.paths['/v1/users/reg'].post.requestBody.content['application/json'].schema;
      assert.equal(reg.properties.email.pattern, userRegSchema.email.pattern.source);
      assert.equal(reg.properties.password.minLength, userRegSchema.password.min);
      const list = doc.paths['/v1/content/list/{page}/{num}'].get;
      assert.deepEqual(list.parameters.filter((p: Json) => p.in === 'path').map((p: Json) => p.name), ['page', 'num']);
      assert.deepEqual(list.security, [{ ulordAppkey: [] }]);
      const ok = list.responses['200'].content['application/json'];
      assert.equal(ok.schema.oneOf[1].$ref, '#/components/schemas/Error');
      assert.ok(ok.examples['10012'], 'a missing appkey (errcode 10012) is documented under HTTP 200');
      assert.deepEqual(doc.paths['/v1/users/login'].post.security, []);
    });

    it('every documented dialect route is served: the documented method is routed, another method is 405', async () => {
      for (const name of ['pi', 'horizon', 'kamiya', 'ulord', 'liveuser']) {
        for (const { method, path } of operations(docs.get(name)!)) {
          if (path === '/pi/wallet/token') continue; // a hosted-page route outside the dialect's prefix (plain Fastify 404 for other methods)
          for (const url of [concrete(path), `/apps/0123456789abcdef0123456789abcdef${concrete(path)}`]) {
            const wrong = await http(server.baseUrl, 'DELETE', url);
            assert.equal(wrong.status, 405, `${name}: DELETE ${url} → ${wrong.status} ${wrong.text}`);
            const right = await http(server.baseUrl, method, url, method === 'GET' ? {} : { body: {} });
            assert.notEqual(right.status, 405, `${name}: ${method} ${url}`);
          }
        }
      }
    });

    it('GET /docs links every document and its JSON; no script, usable on a phone', async () => {
      const r = await http(server.baseUrl, 'GET', '/docs');
      assert.equal(r.status, 200);
      assert.match(r.headers.get('content-type') ?? '', /^text\/html/);
      for (const name of NAMES) {
        assert.ok(r.text.includes(`href="/docs/${name}"`), name);
        assert.ok(r.text.includes(`href="/openapi/${name}.json"`), name);
      }
      assert.match(r.text, /<meta name="viewport" content="width=device-width/);
      assert.doesNotMatch(r.text, /<script|<link |src="http/i);
    });

    it('GET /docs/<name> renders every operation with a contents entry, every catalogue code, offline', async () => {
      for (const name of NAMES) {
        const r = await http(server.baseUrl, 'GET', `/docs/${name}`);
        assert.equal(r.status, 200, name);
        assert.match(r.headers.get('content-type') ?? '', /^text\/html/);
        assert.doesNotMatch(r.text, /<script|<link |src="http/i, name);
        assert.match(r.text, /<nav aria-label="Contents">/);
        assert.match(r.text, /<a class="skip" href="#content">/);
        const doc = docs.get(name)!;
        for (const { op } of operations(doc)) {
          assert.ok(r.text.includes(`id="${op.operationId}"`), `${name}: section ${op.operationId}`);
          assert.ok(r.text.includes(`href="#${op.operationId}"`), `${name}: contents link ${op.operationId}`);
        }
        for (const example of Object.keys(doc.components.examples)) assert.ok(r.text.includes(`id="${example}"`), `${name}: ${example} row`);
        for (const scheme of Object.keys(doc.components.securitySchemes)) assert.ok(r.text.includes(`id="auth-${scheme}"`), `${name}: ${scheme}`);
        if (name === 'pi') {
          // Request and response fields, nested ones by their dotted names, under a summary that counts them.
          for (const field of ['payment.amount', 'payment.metadata', 'status.developer_approved', 'transaction._link']) assert.ok(r.text.includes(`<code>${field}</code>`), field);
          assert.match(r.text, /<summary>Request fields \(5\)<\/summary>/);
        }
      }
    });

    it('an unknown document is 404', async () => {
      assert.equal((await http(server.baseUrl, 'GET', '/openapi/nope.json')).status, 404);
      assert.equal((await http(server.baseUrl, 'GET', '/docs/nope')).status, 404);
    });
  });
}
