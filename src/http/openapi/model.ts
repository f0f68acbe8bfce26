// What an API reference is made of, independent of any one dialect: the schema subset documents use, one operation,
// one API (its auth schemes, error catalogue and envelope, operations). Each dialect describes itself with these
// (dialects/*/openapi.ts) from its own route table; document.ts turns a description into OpenAPI 3.1 and page.ts
// into the HTML reference, so the JSON and the page cannot disagree.

export type SchemaType = 'object' | 'array' | 'string' | 'integer' | 'number' | 'boolean' | 'null';

/** The JSON Schema subset the documents use (a superset of admin/schema.ts's, which is assignable to it). */
export interface DocSchema {
  type?: SchemaType | readonly SchemaType[];
  description?: string;
  properties?: Readonly<Record<string, DocSchema>>;
  required?: readonly string[];
  additionalProperties?: boolean | DocSchema;
  items?: DocSchema;
  pattern?: string;
  enum?: readonly (string | number | boolean | null)[];
  const?: string | number | boolean | null;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  maxProperties?: number;
  format?: string;
  example?: unknown;
  default?: unknown;
  $ref?: string;
  oneOf?: readonly DocSchema[];
}

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface DocParameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required: boolean;
  schema: DocSchema;
  description?: string;
}

/** An answer that is not from the dialect's catalogue (e.g. Wx.Postpay's replies to WeChat, in WeChat's shape). */
export interface DocOwnError {
  status: number;
  description: string;
}

export interface DocOperation {
  method: HttpMethod;
  /** Fastify syntax as in the route table (`/v2/payments/:paymentId`, `:page(^[0-9]+$)`); `{name}` in the document. */
  path: string;
  operationId: string;
  summary: string;
  description?: string;
  tag: string;
  /**
   * Alternatives, each a list of scheme names that must all be present (OpenAPI's security requirement list).
   * `[]`: no credential at all.
   */
  security: readonly (readonly string[])[];
  /** Declared parameters; path parameters the template names but this omits are added as strings. */
  parameters?: readonly DocParameter[];
  body?: { schema: DocSchema; contentType?: string; required?: boolean; description?: string };
  response: { status: number; description?: string; schema?: DocSchema; contentType?: string };
  /** Catalogue codes this operation can answer (the dialect's common ones included). */
  errors: readonly string[];
  /** Answers outside the catalogue, rendered with `ownErrorSchema`. */
  ownErrors?: readonly DocOwnError[];
  ownErrorSchema?: DocSchema;
  /** Writes: the `Idempotency-Key` header is accepted. */
  idempotent?: boolean;
}

export interface CatalogueEntry {
  status: number;
  /** The default message / reason the dialect answers with. */
  message: string;
}

export interface ApiDescription {
  /** The document's name: `/openapi/<name>.json`, `/docs/<name>`. */
  name: string;
  title: string;
  /** One line for the index. */
  summary: string;
  /** A few paragraphs (plain text; blank lines separate paragraphs). */
  description: string;
  /** Whether every route is also served under `/apps/{appkey}` (a second server in the document). */
  appMount: boolean;
  securitySchemes: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  errors: {
    /** Every code of the dialect's catalogue, once. */
    catalogue: Readonly<Record<string, CatalogueEntry>>;
    /** The error body's schema (components/schemas/Error). */
    schema: DocSchema;
    contentType: string;
    /** The exact body the dialect answers for a code (from its own renderer). */
    example(code: string): unknown;
  };
  /** Shared schemas (components/schemas), referred to as `#/components/schemas/<name>`. */
  schemas: Readonly<Record<string, DocSchema>>;
  tags: readonly { name: string; description: string }[];
  operations: readonly DocOperation[];
}

/**
 * The operations of a route table: one per route, each from the declaration under the route's key. A route without
 * a declaration, or a declaration naming no route, is an error at start-up, so the table and its document cannot
 * drift apart.
 */
export function operationsOf<R, D>(
  routes: readonly R[],
  keyOf: (route: R) => string,
  declarations: Readonly<Record<string, D>>,
  build: (route: R, declaration: D) => DocOperation,
): DocOperation[] {
  const seen = new Set<string>();
  const out: DocOperation[] = [];
  for (const route of routes) {
    const key = keyOf(route);
    const declaration = declarations[key];
    if (declaration === undefined) throw new Error(`openapi: route ${key} has no declaration`);
    if (seen.has(key)) throw new Error(`openapi: route key ${key} appears twice`);
    seen.add(key);
    out.push(build(route, declaration));
  }
  for (const key of Object.keys(declarations)) if (!seen.has(key)) throw new Error(`openapi: declaration ${key} names no route`);
  return out;
}

/** Fastify path syntax to OpenAPI's: `:id` → `{id}`, `:page(^[0-9]+$)` → `{page}`. */
export function openApiPath(path: string): string {
  return path.replace(/:([A-Za-z_][A-Za-z0-9_]*)(\([^)]*\))?/g, '{$1}');
}

/** The path parameters of a Fastify path, with the pattern of a regex-constrained one. */
export function pathTemplateParams(path: string): { name: string; pattern?: string }[] {
  return [...path.matchAll(/:([A-Za-z_][A-Za-z0-9_]*)(?:\(([^)]*)\))?/g)].map((m) => (m[2] ? { name: m[1]!, pattern: m[2] } : { name: m[1]! }));
}

/** Every parameter of an operation: the declared ones, then any path parameter the template names and they omit. */
export function allParameters(op: DocOperation): DocParameter[] {
  const out = [...(op.parameters ?? [])];
  for (const p of pathTemplateParams(op.path)) {
    if (out.some((d) => d.in === 'path' && d.name === p.name)) continue;
    out.push({ name: p.name, in: 'path', required: true, schema: p.pattern ? { type: 'string', pattern: p.pattern } : { type: 'string' } });
  }
  if (op.idempotent) {
    out.push({
      name: 'Idempotency-Key',
      in: 'header',
      required: false,
      schema: { type: 'string', minLength: 1, maxLength: 255, pattern: '^[ -~]+$' },
      description: 'A repeat with the same input replays the first answer (header Idempotent-Replayed: true); reuse with other input is refused.',
    });
  }
  return out;
}

/** The catalogue codes of an operation grouped by HTTP status, statuses ascending. */
export function errorsByStatus(api: ApiDescription, op: DocOperation): Map<number, string[]> {
  const out = new Map<number, string[]>();
  for (const code of new Set(op.errors)) {
    const entry = api.errors.catalogue[code];
    if (!entry) throw new Error(`openapi: ${api.name} ${op.operationId} lists ${code}, which is not in the catalogue`);
    out.set(entry.status, [...(out.get(entry.status) ?? []), code]);
  }
  return new Map([...out].sort(([a], [b]) => a - b));
}

/** Path, query or body fields of an object schema, for documents and pages alike. */
export function objectSchema(properties: Record<string, DocSchema>, required: readonly string[] = [], extra: Partial<DocSchema> = {}): DocSchema {
  return { type: 'object', properties, ...(required.length > 0 ? { required } : {}), ...extra };
}
