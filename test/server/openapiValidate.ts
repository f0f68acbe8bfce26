// A structural check of an OpenAPI 3.1 document, as the reference tests need it: the version, servers and info;
// every templated path parameter declared (and every declared one templated); operationIds unique; every `$ref`
// resolving inside the document; security requirements naming declared schemes; tags declared; every response
// described. Returns the problems found (empty when the document is sound), so a test can show them all at once.

type Json = Record<string, any>;

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

function resolvePointer(doc: Json, ref: string): unknown {
  if (!ref.startsWith('#/')) return undefined;
  let node: any = doc;
  for (const raw of ref.slice(2).split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (node === null || typeof node !== 'object' || !(key in node)) return undefined;
    node = node[key];
  }
  return node;
}

function collectRefs(node: unknown, at: string, out: { ref: string; at: string }[]): void {
  if (Array.isArray(node)) node.forEach((v, i) => collectRefs(v, `${at}[${i}]`, out));
  else if (node !== null && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) {
      if (k === '$ref' && typeof v === 'string') out.push({ ref: v, at });
      else collectRefs(v, `${at}.${k}`, out);
    }
  }
}

export function openApiProblems(doc: Json): string[] {
  const problems: string[] = [];
  if (doc.openapi !== '3.1.0') problems.push(`openapi is ${doc.openapi}, not 3.1.0`);
  if (typeof doc.info?.title !== 'string' || typeof doc.info?.version !== 'string') problems.push('info.title and info.version are required');
  if (!Array.isArray(doc.servers) || doc.servers.length === 0) problems.push('no servers');
  for (const s of doc.servers ?? []) {
    for (const name of [...String(s.url).matchAll(/\{([^}]+)\}/g)].map((m) => m[1]!)) {
      if (s.variables?.[name]?.default === undefined) problems.push(`server ${s.url}: variable ${name} has no default`);
    }
  }
  const schemes = doc.components?.securitySchemes ?? {};
  const tags = new Set((doc.tags ?? []).map((t: { name: string }) => t.name));
  const operationIds = new Map<string, string>();
  for (const [path, item] of Object.entries<Json>(doc.paths ?? {})) {
    if (!path.startsWith('/')) problems.push(`path ${path} does not start with /`);
    const templated = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]!);
    if (new Set(templated).size !== templated.length) problems.push(`${path}: a parameter is templated twice`);
    for (const method of Object.keys(item)) {
      if (!METHODS.includes(method)) {
        problems.push(`${path}: unknown key ${method}`);
        continue;
      }
      const op = item[method] as Json;
      const where = `${method.toUpperCase()} ${path}`;
      if (typeof op.operationId !== 'string' || op.operationId === '') problems.push(`${where}: no operationId`);
      else if (operationIds.has(op.operationId)) problems.push(`${where}: operationId ${op.operationId} also used by ${operationIds.get(op.operationId)}`);
      else operationIds.set(op.operationId, where);
      const params: Json[] = op.parameters ?? [];
      const declared = params.filter((p) => p.in === 'path').map((p) => p.name as string);
      for (const name of templated) if (!declared.includes(name)) problems.push(`${where}: path parameter {${name}} is not declared`);
      for (const p of params) {
        if (p.in === 'path' && !templated.includes(p.name)) problems.push(`${where}: path parameter ${p.name} is not in the path`);
        if (p.in === 'path' && p.required !== true) problems.push(`${where}: path parameter ${p.name} must be required`);
        if (!['path', 'query', 'header', 'cookie'].includes(p.in)) problems.push(`${where}: parameter ${p.name} in ${p.in}`);
        if (!p.schema) problems.push(`${where}: parameter ${p.name} has no schema`);
      }
      const keys = params.map((p) => `${p.in}:${p.name}`);
      if (new Set(keys).size !== keys.length) problems.push(`${where}: a parameter is declared twice`);
      const responses = Object.entries<Json>(op.responses ?? {});
      if (responses.length === 0) problems.push(`${where}: no responses`);
      for (const [status, r] of responses) {
        if (!/^[1-5][0-9][0-9]$/.test(status)) problems.push(`${where}: response key ${status}`);
        if (typeof r.description !== 'string') problems.push(`${where} ${status}: no description`);
      }
      if (!Array.isArray(op.security)) problems.push(`${where}: security is not stated`);
      for (const req of op.security ?? []) for (const name of Object.keys(req)) if (!(name in schemes)) problems.push(`${where}: unknown security scheme ${name}`);
      for (const tag of op.tags ?? []) if (!tags.has(tag)) problems.push(`${where}: tag ${tag} is not declared`);
      if (op.requestBody && !op.requestBody.content) problems.push(`${where}: requestBody without content`);
    }
  }
  const refs: { ref: string; at: string }[] = [];
  collectRefs(doc, '$', refs);
  for (const { ref, at } of refs) if (resolvePointer(doc, ref) === undefined) problems.push(`${at}: $ref ${ref} does not resolve`);
  return problems;
}

function typeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

/**
 * Where `value` departs from `schema` (resolving `$ref`s inside `doc`), for the keywords the documents use: type,
 * enum, const, properties, required, additionalProperties (as a schema), items, oneOf, string lengths and patterns.
 */
export function schemaMismatches(doc: Json, schema: Json, value: unknown, path = '$', out: string[] = []): string[] {
  if (out.length > 20) return out;
  if (typeof schema.$ref === 'string') return schemaMismatches(doc, resolvePointer(doc, schema.$ref) as Json, value, path, out);
  if (Array.isArray(schema.oneOf)) {
    const matching = schema.oneOf.filter((s: Json) => schemaMismatches(doc, s, value, path).length === 0).length;
    if (matching !== 1) out.push(`${path}: matches ${matching} of the oneOf alternatives`);
    return out;
  }
  if (schema.type !== undefined) {
    const allowed: string[] = Array.isArray(schema.type) ? schema.type : [schema.type];
    const actual = typeOf(value);
    if (!allowed.includes(actual) && !(actual === 'integer' && allowed.includes('number'))) {
      out.push(`${path}: is ${actual}, documented ${allowed.join(' | ')}`);
      return out;
    }
  }
  if (schema.const !== undefined && value !== schema.const) out.push(`${path}: is ${JSON.stringify(value)}, documented const ${JSON.stringify(schema.const)}`);
  if (Array.isArray(schema.enum) && !schema.enum.includes(value)) out.push(`${path}: ${JSON.stringify(value)} is not in the documented enum`);
  if (typeof value === 'string') {
    if (schema.pattern && !new RegExp(schema.pattern, 'u').test(value)) out.push(`${path}: ${JSON.stringify(value)} does not match ${schema.pattern}`);
    if (schema.maxLength !== undefined && [...value].length > schema.maxLength) out.push(`${path}: longer than ${schema.maxLength}`);
  }
  if (Array.isArray(value) && schema.items) value.forEach((v, i) => schemaMismatches(doc, schema.items, v, `${path}[${i}]`, out));
  if (typeOf(value) === 'object') {
    const obj = value as Record<string, unknown>;
    for (const key of schema.required ?? []) if (!(key in obj)) out.push(`${path}.${key}: documented as required, absent`);
    for (const [key, v] of Object.entries(obj)) {
      const child = schema.properties?.[key] ?? (typeof schema.additionalProperties === 'object' ? schema.additionalProperties : undefined);
      if (child) schemaMismatches(doc, child, v, `${path}.${key}`, out);
    }
  }
  return out;
}
