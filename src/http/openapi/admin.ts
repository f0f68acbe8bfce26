// The admin API described from its route declarations (admin/routes.ts): the schemas that validate a request are
// the ones published, so the document and the validation cannot drift.
import { ADMIN_ERRORS, type AdminErrorCode } from '../../admin/errors.js';
import type { AdminRoute } from '../../admin/route.js';
import type { ObjectSchema } from '../../admin/schema.js';
import type { ApiDescription, CatalogueEntry, DocOperation, DocParameter, DocSchema } from './model.js';

const ERROR_SCHEMA: DocSchema = {
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

const CATALOGUE: Record<string, CatalogueEntry> = Object.fromEntries(
  Object.entries(ADMIN_ERRORS).map(([code, status]) => [code, { status, message: code.replace(/_/g, ' ') }]),
);

/** Every error a route can answer with: the common ones and the route's own. */
export function adminRouteErrors(route: AdminRoute): AdminErrorCode[] {
  // `forbidden` applies everywhere: a blocked developer is refused on every route, not only on admin ones.
  const codes: AdminErrorCode[] = [...(route.access === 'public' ? [] : (['unauthorized'] as const)), 'forbidden', 'rate_limited', 'internal_error', ...route.errors];
  if (route.method !== 'GET') codes.push('invalid_json', 'invalid_idempotency_key', 'idempotency_conflict', 'payload_too_large');
  return [...new Set(codes)];
}

function parameters(route: AdminRoute): DocParameter[] {
  const out: DocParameter[] = [];
  for (const [where, schema] of [['path', route.params], ['query', route.query]] as [DocParameter['in'], ObjectSchema | undefined][]) {
    for (const [name, s] of Object.entries(schema?.properties ?? {})) {
      out.push({ name, in: where, required: where === 'path' || (schema?.required ?? []).includes(name), schema: s, ...(s.description ? { description: s.description } : {}) });
    }
  }
  return out;
}

const ACCESS_TEXT: Record<AdminRoute['access'], string> = {
  admin: 'Requires a developer with the admin role.',
  developer: 'Any signed-in developer; ownership is checked.',
  public: 'No token: rate-limited per IP and refused for denied addresses.',
};

function operation(route: AdminRoute): DocOperation {
  return {
    method: route.method,
    path: route.path,
    operationId: route.operationId,
    summary: route.summary,
    description: ACCESS_TEXT[route.access],
    tag: route.tag,
    // Public routes (sign-up, sign-in) take no token: an empty requirement list says so.
    security: route.access === 'public' ? [] : [['developerToken']],
    parameters: parameters(route),
    ...(route.body ? { body: { schema: route.body } } : {}),
    response: { status: route.status, schema: route.response },
    errors: adminRouteErrors(route),
    idempotent: route.method !== 'GET',
  };
}

export function adminApi(routes: readonly AdminRoute[]): ApiDescription {
  const tags = [...new Set(routes.map((r) => r.tag))];
  return {
    name: 'admin',
    title: 'Plaza admin API',
    summary: 'The native operator API: assets, ledger accounts, transfers, blocks and Merkle proofs, apps, users, controls.',
    description:
      'Base path /admin/v1. Authenticate with "Authorization: Bearer <developer token>" (a token from Ulord POST /v1/users/login/).\n\n' +
      'Errors are {"error":{"code","message"}}. Every POST, PATCH and PUT accepts Idempotency-Key.',
    appMount: false,
    securitySchemes: {
      developerToken: { type: 'http', scheme: 'bearer', description: 'A developer token from Ulord POST /v1/users/login/.' },
    },
    errors: {
      catalogue: CATALOGUE,
      schema: ERROR_SCHEMA,
      contentType: 'application/json',
      example: (code) => ({ error: { code, message: CATALOGUE[code]?.message ?? code } }),
    },
    schemas: {},
    tags: tags.map((name) => ({ name, description: `Admin routes: ${name}.` })),
    operations: routes.map(operation),
  };
}
