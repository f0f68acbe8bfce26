// Serves the API reference: `/openapi/<name>.json` (OpenAPI 3.1) and `/docs/<name>` (HTML) for the admin API and
// every dialect, `/openapi/index.json` and `/docs` listing them. Everything is generated from the route declarations
// (openapi/registry.ts) once, at registration, and served from memory.
import type { FastifyInstance } from 'fastify';
import type { AdminRoute } from '../admin/route.js';
import type { Services } from '../services.js';
import { adminApi } from './openapi/admin.js';
import { openApiDocument } from './openapi/document.js';
import { indexPage, referencePage } from './openapi/page.js';
import { allApis } from './openapi/registry.js';

const JSON_TYPE = 'application/json; charset=utf-8';
const HTML_TYPE = 'text/html; charset=utf-8';

/** The admin API's OpenAPI document (kept for callers that build it from a route list). */
export function adminOpenApiDocument(routes: readonly AdminRoute[], serverUrl: string): Record<string, unknown> {
  return openApiDocument(adminApi(routes), serverUrl);
}

export function openApiRoutes(app: FastifyInstance, services: Services): void {
  const apis = allApis();
  const index = JSON.stringify({
    documents: apis.map((a) => ({ name: a.name, title: a.title, summary: a.summary, url: `/openapi/${a.name}.json`, docs: `/docs/${a.name}` })),
  });
  const docsIndex = indexPage(apis);
  app.get('/openapi/index.json', async (_request, reply) => reply.header('content-type', JSON_TYPE).send(index));
  app.get('/docs', async (_request, reply) => reply.header('content-type', HTML_TYPE).send(docsIndex));
  for (const api of apis) {
    const document = JSON.stringify(openApiDocument(api, services.config.publicUrl));
    const page = referencePage(api);
    app.get(`/openapi/${api.name}.json`, async (_request, reply) => reply.header('content-type', JSON_TYPE).send(document));
    app.get(`/docs/${api.name}`, async (_request, reply) => reply.header('content-type', HTML_TYPE).send(page));
  }
}
