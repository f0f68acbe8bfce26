// The admin API's OpenAPI 3.1 document and its reference page, both generated from the route declarations
// (admin/routes.ts): the schemas that validate a request are the ones published, so the two cannot drift.
import type { FastifyInstance } from 'fastify';
import { ADMIN_ERRORS, type AdminErrorCode } from '../admin/errors.js';
import type { AdminRoute } from '../admin/route.js';
import { ADMIN_ROUTES } from '../admin/routes.js';
import type { Schema } from '../admin/schema.js';
import type { Services } from '../services.js';

type Json = Record<string, unknown>;

const ERROR_SCHEMA: Schema = {
  type: 'object',
  properties: {
    error: {
      type: 'object',
      properties: { code: { type: 'string', enum: Object.keys(ADMIN_ERRORS) }, message: { type: 'string' } },
      required: ['code', 'message'],
    },
  },
  required: ['error'],
};

function openApiPath(path: string): string {
  return path.replace(/:([A-Za-z_][A-Za-z0-9_]*)/g, '{$1}');
}

/** Every error a route can answer with, grouped by HTTP status. */
function errorCodesByStatus(route: AdminRoute): Map<number, AdminErrorCode[]> {
  // `forbidden` applies everywhere: a blocked developer is refused on every route, not only on admin ones.
  const codes: AdminErrorCode[] = ['unauthorized', 'forbidden', 'internal_error', ...route.errors];
  if (route.method !== 'GET') codes.push('invalid_json', 'invalid_idempotency_key', 'payload_too_large');
  const out = new Map<number, AdminErrorCode[]>();
  for (const code of new Set(codes)) out.set(ADMIN_ERRORS[code], [...(out.get(ADMIN_ERRORS[code]) ?? []), code]);
  return new Map([...out].sort(([a], [b]) => a - b));
}

function parameters(route: AdminRoute): Json[] {
  const out: Json[] = [];
  for (const [where, schema] of [['path', route.params], ['query', route.query]] as const) {
    for (const [name, s] of Object.entries(schema?.properties ?? {})) {
      out.push({ name, in: where, required: where === 'path' || (schema?.required ?? []).includes(name), schema: s, ...(s.description ? { description: s.description } : {}) });
    }
  }
  if (route.method !== 'GET') {
    out.push({ name: 'Idempotency-Key', in: 'header', required: false, schema: { type: 'string', maxLength: 255 }, description: 'A repeat replays the first answer (header Idempotent-Replayed: true); reuse with other input is refused with 409.' });
  }
  return out;
}

function operation(route: AdminRoute): Json {
  const responses: Json = {
    [String(route.status)]: { description: 'Success', content: { 'application/json': { schema: route.response } } },
  };
  for (const [status, codes] of errorCodesByStatus(route)) {
    responses[String(status)] = {
      description: codes.join(', '),
      content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
    };
  }
  return {
    operationId: route.operationId,
    summary: route.summary,
    tags: [route.tag],
    description: route.access === 'admin' ? 'Requires a developer with the admin role.' : 'Any signed-in developer; ownership is checked.',
    parameters: parameters(route),
    ...(route.body ? { requestBody: { required: true, content: { 'application/json': { schema: route.body } } } } : {}),
    responses,
  };
}

export function adminOpenApiDocument(routes: readonly AdminRoute[], serverUrl: string): Json {
  const paths: Record<string, Json> = {};
  for (const route of routes) {
    const p = openApiPath(route.path);
    paths[p] = { ...(paths[p] ?? {}), [route.method.toLowerCase()]: operation(route) };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Plaza admin API',
      version: '1',
      description: 'The native operator API: assets, ledger accounts, transfers, blocks and Merkle proofs, app secrets.',
    },
    servers: [{ url: serverUrl }],
    security: [{ developerToken: [] }],
    components: {
      securitySchemes: {
        developerToken: { type: 'http', scheme: 'bearer', description: 'A developer token from Ulord POST /v1/users/login/.' },
      },
      schemas: { Error: ERROR_SCHEMA },
    },
    paths,
  };
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function fieldRows(schema: Schema | undefined, where: string): string {
  return Object.entries(schema?.properties ?? {})
    .map(([name, s]) => {
      const type = Array.isArray(s.type) ? s.type.join(' | ') : (s.type ?? 'any');
      const req = (schema?.required ?? []).includes(name) ? 'required' : 'optional';
      return `<tr><td><code>${escapeHtml(name)}</code></td><td>${where}</td><td>${escapeHtml(String(type))}</td><td>${req}</td><td>${escapeHtml(s.description ?? s.pattern ?? '')}</td></tr>`;
    })
    .join('');
}

/** A self-contained reference page (no scripts, no CDN) listing every operation of the document. */
export function adminReferencePage(routes: readonly AdminRoute[]): string {
  const sections = routes.map((r) => {
    const fields = fieldRows(r.params, 'path') + fieldRows(r.query, 'query') + fieldRows(r.body, 'body');
    const statuses = [...errorCodesByStatus(r)].map(([s, codes]) => `<li><b>${s}</b> ${codes.map((c) => `<code>${c}</code>`).join(' ')}</li>`).join('');
    return `<section id="${r.operationId}"><h2><span class="m">${r.method}</span> <code>${escapeHtml(r.path)}</code></h2>
<p>${escapeHtml(r.summary)}. <i>${r.access === 'admin' ? 'Admin only.' : 'Any developer (ownership checked).'}</i></p>
${fields ? `<table><tr><th>field</th><th>in</th><th>type</th><th></th><th>notes</th></tr>${fields}</table>` : ''}
<ul><li><b>${r.status}</b> success</li>${statuses}</ul></section>`;
  });
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Plaza admin API</title>
<style>body{font:15px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem}code{background:#f3f3f3;padding:0 .2em}
.m{display:inline-block;min-width:3.5em;color:#fff;background:#345;border-radius:3px;text-align:center;font-size:.8em}
table{border-collapse:collapse}td,th{border:1px solid #ddd;padding:.2em .5em;text-align:left}section{border-top:1px solid #ccc}</style></head>
<body><h1>Plaza admin API</h1><p>Base path <code>/admin/v1</code>. Authenticate with <code>Authorization: Bearer &lt;developer token&gt;</code>.
Errors: <code>{"error":{"code","message"}}</code>. Every POST and PATCH accepts <code>Idempotency-Key</code>. Machine-readable: <a href="/openapi/admin.json">/openapi/admin.json</a>.</p>
${sections.join('\n')}</body></html>`;
}

export function openApiRoutes(app: FastifyInstance, services: Services): void {
  const document = JSON.stringify(adminOpenApiDocument(ADMIN_ROUTES, services.config.publicUrl));
  const page = adminReferencePage(ADMIN_ROUTES);
  app.get('/openapi/admin.json', async (_request, reply) => reply.header('content-type', 'application/json; charset=utf-8').send(document));
  app.get('/docs/admin', async (_request, reply) => reply.header('content-type', 'text/html; charset=utf-8').send(page));
}
