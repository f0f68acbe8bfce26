// An API description (model.ts) as an OpenAPI 3.1 document: servers (the root and, for dialects, the
// `/apps/{appkey}` mount), security schemes, the dialect's error envelope with one example per catalogue code, and
// every operation with its parameters, body, success answer and errors grouped by status.
import { allParameters, errorsByStatus, openApiPath, type ApiDescription, type DocOperation, type DocSchema } from './model.js';

type Json = Record<string, unknown>;

const ERROR_REF: DocSchema = { $ref: '#/components/schemas/Error' };

function servers(api: ApiDescription, serverUrl: string): Json[] {
  const root = { url: serverUrl, description: 'The platform; the app is named by the credential, `X-Plaza-App` or the default app, as the dialect says.' };
  if (!api.appMount) return [root];
  return [
    root,
    {
      url: `${serverUrl}/apps/{appkey}`,
      description: 'The same routes mounted under an app: the path names the app (it must agree with the credential).',
      variables: { appkey: { default: 'appkey', description: "The app's 32-hex appkey." } },
    },
  ];
}

/** Component name of a catalogue code's example body (codes are `[A-Za-z0-9_]`, as component names must be). */
export function errorExampleName(code: string): string {
  return `error-${code}`;
}

function errorResponse(api: ApiDescription, codes: readonly string[]): Json {
  const examples: Json = {};
  for (const code of codes) examples[code] = { $ref: `#/components/examples/${errorExampleName(code)}` };
  return { description: codes.join(', '), content: { [api.errors.contentType]: { schema: ERROR_REF, examples } } };
}

function successResponse(op: DocOperation): Json {
  const { response } = op;
  const description = response.description ?? 'Success';
  if (!response.schema) return { description };
  return { description, content: { [response.contentType ?? 'application/json']: { schema: response.schema } } };
}

function responses(api: ApiDescription, op: DocOperation): Json {
  const out: Json = { [String(op.response.status)]: successResponse(op) };
  for (const [status, codes] of errorsByStatus(api, op)) {
    const answer = errorResponse(api, codes);
    if (status !== op.response.status) {
      out[String(status)] = answer;
      continue;
    }
    // Ulord answers most refusals with HTTP 200: one status, two envelopes.
    const success = out[String(status)] as { description: string; content?: Record<string, { schema: DocSchema }> };
    const contentType = op.response.contentType ?? 'application/json';
    const successSchema = success.content?.[contentType]?.schema;
    const errorContent = (answer.content as Record<string, Json>)[api.errors.contentType]!;
    out[String(status)] = {
      description: `${success.description}; or a refusal: ${codes.join(', ')}`,
      content: { [contentType]: { schema: successSchema ? { oneOf: [successSchema, ERROR_REF] } : ERROR_REF, examples: errorContent.examples } },
    };
  }
  for (const own of op.ownErrors ?? []) {
    out[String(own.status)] = { description: own.description, content: { 'application/json': { schema: op.ownErrorSchema ?? {} } } };
  }
  return out;
}

function operation(api: ApiDescription, op: DocOperation): Json {
  const parameters = allParameters(op).map((p) => ({ name: p.name, in: p.in, required: p.required, schema: p.schema, ...(p.description ? { description: p.description } : {}) }));
  return {
    operationId: op.operationId,
    summary: op.summary,
    ...(op.description ? { description: op.description } : {}),
    tags: [op.tag],
    security: op.security.map((alternative) => Object.fromEntries(alternative.map((scheme) => [scheme, []]))),
    parameters,
    ...(op.body
      ? { requestBody: { required: op.body.required ?? true, ...(op.body.description ? { description: op.body.description } : {}), content: { [op.body.contentType ?? 'application/json']: { schema: op.body.schema } } } }
      : {}),
    responses: responses(api, op),
  };
}

export function openApiDocument(api: ApiDescription, serverUrl: string): Json {
  const paths: Record<string, Json> = {};
  for (const op of api.operations) {
    const p = openApiPath(op.path);
    const method = op.method.toLowerCase();
    if (paths[p]?.[method]) throw new Error(`openapi: ${api.name} declares ${op.method} ${p} twice`);
    paths[p] = { ...(paths[p] ?? {}), [method]: operation(api, op) };
  }
  return {
    openapi: '3.1.0',
    info: { title: api.title, version: '1', summary: api.summary, description: api.description },
    servers: servers(api, serverUrl),
    tags: api.tags,
    components: {
      securitySchemes: api.securitySchemes,
      schemas: { ...api.schemas, Error: api.errors.schema },
      examples: Object.fromEntries(
        Object.entries(api.errors.catalogue).map(([code, e]) => [errorExampleName(code), { summary: `${e.status} ${code}: ${e.message}`, value: api.errors.example(code) }]),
      ),
    },
    paths,
  };
}
