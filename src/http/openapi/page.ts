// The reference pages under `/docs`: an index of every document and one page per document, rendered on the server
// from the same API description as the OpenAPI JSON. Self-contained (no script, no CDN, no web font) so they work
// offline; semantic HTML with a table of contents of anchors (keyboard and screen-reader friendly) and a layout that
// reflows on a phone (below 40rem every table row becomes a labelled card).
import { allParameters, errorsByStatus, openApiPath, type ApiDescription, type DocOperation, type DocSchema } from './model.js';

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const STYLE = `*{box-sizing:border-box}body{font:15px/1.45 system-ui,sans-serif;margin:0;color:#1d1d1f;background:#fff}
main,header,nav{max-width:64rem;margin:0 auto;padding:0 1rem}
a{color:#0645ad}a:focus-visible,summary:focus-visible{outline:3px solid #f90;outline-offset:2px}
.skip{position:absolute;left:-999px}.skip:focus{left:1rem;top:1rem;background:#fff;padding:.5rem;z-index:1}
code{background:#f3f3f3;padding:0 .2em;border-radius:3px;overflow-wrap:break-word}td{overflow-wrap:break-word}
h2{border-top:2px solid #ccc;padding-top:1rem;margin-top:2rem}h3{overflow-wrap:anywhere;margin:.6rem 0 .3rem}caption{text-align:left;font-weight:600}
.m{display:inline-block;min-width:3.6em;color:#fff;background:#345;border-radius:3px;text-align:center;font-size:.8em;padding:0 .3em}
.m.post{background:#2a6b3c}.m.patch,.m.put{background:#7a5a00}.m.delete{background:#8b1d1d}
table{border-collapse:collapse;margin:.3rem 0;min-width:100%}td,th{border:1px solid #ddd;padding:.15em .45em;text-align:left;vertical-align:top}
th{background:#f6f6f6}section.op{border-top:1px solid #ddd;padding-top:.5rem}
nav ul{padding-left:1.2rem}nav details>ul{columns:2 22rem;column-gap:2rem}nav details>ul>li{break-inside:avoid}section.op p{margin:.35rem 0}section.op details{margin:.2rem 0}summary{cursor:pointer}ul.st{padding:0;list-style:none}ul.st li{display:inline-block;margin:0 1.2rem .2rem 0}ul.docs{list-style:none;padding:0}ul.docs>li{border-top:1px solid #ddd}nav li{margin:.15rem 0}
@media (max-width:40rem){
table.f,table.f tbody,table.f tr,table.f td{display:block;width:100%}table.f caption{display:block;text-align:left;font-weight:600}
table.f thead{position:absolute;left:-9999px}table.f tr{border:1px solid #ddd;margin:.4rem 0;padding:.2rem}
table.f td{border:none;padding:.1rem .3rem}table.f td::before{content:attr(data-label) ": ";font-weight:600;color:#555}}`;

function layout(title: string, nav: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title><style>${STYLE}</style></head>
<body><a class="skip" href="#content">Skip to content</a>
<header><p><a href="/docs">Plaza API reference</a></p><h1>${escapeHtml(title)}</h1></header>
${nav}<main id="content" tabindex="-1">${body}</main></body></html>`;
}

function paragraphs(text: string): string {
  return text
    .split(/\n\s*\n/)
    .map((p) => `<p>${escapeHtml(p.trim())}</p>`)
    .join('\n');
}

function typeText(s: DocSchema): string {
  if (s.$ref) return s.$ref.replace('#/components/schemas/', '');
  if (s.oneOf) return s.oneOf.map(typeText).join(' | ');
  if (s.const !== undefined) return JSON.stringify(s.const);
  const t = Array.isArray(s.type) ? s.type.join(' | ') : ((s.type as string | undefined) ?? 'any');
  return t === 'array' && s.items ? `${typeText(s.items)}[]` : t;
}

function range(min: number | undefined, max: number | undefined): string {
  if (min !== undefined && max !== undefined) return `${min}–${max}`;
  if (min !== undefined) return `≥ ${min}`;
  return max !== undefined ? `≤ ${max}` : '';
}

function constraints(s: DocSchema): string {
  const parts: string[] = [];
  if (s.enum) parts.push(`one of ${s.enum.map((v) => JSON.stringify(v)).join(', ')}`);
  const length = range(s.minLength, s.maxLength);
  if (length) parts.push(`length ${length}`);
  const value = range(s.minimum, s.maximum);
  if (value) parts.push(`value ${value}`);
  if (s.exclusiveMinimum !== undefined) parts.push(`> ${s.exclusiveMinimum}`);
  if (s.maxItems !== undefined) parts.push(`at most ${s.maxItems} items`);
  if (s.pattern) parts.push(`matches ${s.pattern}`);
  if (s.format) parts.push(s.format);
  return parts.join('; ');
}

interface FieldRow {
  name: string;
  where: string;
  type: string;
  required: boolean;
  notes: string;
}

function resolve(api: ApiDescription, s: DocSchema): DocSchema {
  return s.$ref ? (api.schemas[s.$ref.replace('#/components/schemas/', '')] ?? s) : s;
}

/** The fields of an object schema, nested objects (and arrays of objects) flattened to dotted names, 3 levels deep. */
function fieldRows(api: ApiDescription, schema: DocSchema | undefined, where: string, prefix = '', depth = 0, out: FieldRow[] = []): FieldRow[] {
  if (!schema || depth > 3) return out;
  const s = resolve(api, schema);
  for (const [name, raw] of Object.entries(s.properties ?? {})) {
    const child = resolve(api, raw);
    const full = `${prefix}${name}`;
    out.push({ name: full, where, type: typeText(raw), required: (s.required ?? []).includes(name), notes: [child.description ?? raw.description ?? '', constraints(child)].filter(Boolean).join(' — ') });
    if (child.properties) fieldRows(api, child, where, `${full}.`, depth + 1, out);
    else if (child.items && resolve(api, child.items).properties) fieldRows(api, child.items, where, `${full}[].`, depth + 1, out);
  }
  return out;
}

function fieldTable(rows: readonly FieldRow[], caption: string): { html: string; rows: number } {
  if (rows.length === 0) return { html: '', rows: 0 };
  const body = rows
    .map(
      (r) =>
        `<tr><td data-label="field"><code>${escapeHtml(r.name)}</code></td><td data-label="in">${escapeHtml(r.where)}</td><td data-label="type">${escapeHtml(r.type)}</td>` +
        `<td data-label="presence">${r.required ? 'required' : 'optional'}</td><td data-label="notes">${escapeHtml(r.notes)}</td></tr>`,
    )
    .join('');
  const html = `<table class="f"><caption>${escapeHtml(caption)}</caption><thead><tr><th scope="col">field</th><th scope="col">in</th><th scope="col">type</th><th scope="col">presence</th><th scope="col">notes</th></tr></thead><tbody>${body}</tbody></table>`;
  return { html, rows: rows.length };
}

function folded(label: string, table: { html: string; rows: number }): string {
  return table.rows === 0 ? '' : `<details><summary>${escapeHtml(label)} (${table.rows})</summary>${table.html}</details>`;
}

function authText(api: ApiDescription, op: DocOperation): string {
  if (op.security.length === 0) return 'None: no credential.';
  const name = (scheme: string): string => `<a href="#auth-${escapeHtml(scheme)}">${escapeHtml(scheme)}</a>`;
  return op.security.map((alt) => alt.map(name).join(' + ')).join(' or ');
}

function operationSection(api: ApiDescription, op: DocOperation): string {
  // The Idempotency-Key header is named in the Auth line; the page's introduction states its contract once.
  const params = allParameters(op).filter((p) => !(p.in === 'header' && p.name === 'Idempotency-Key')).map((p) => ({ name: p.name, where: p.in, type: typeText(p.schema), required: p.required, notes: [p.description ?? p.schema.description ?? '', constraints(p.schema)].filter(Boolean).join(' — ') }));
  // Field tables fold away under a summary that counts them: a page of 60 operations stays short enough to scan (and
  // to print), and the contents link straight to each operation.
  const request = folded(`Request fields`, fieldTable([...params, ...fieldRows(api, op.body?.schema, 'body')], 'Request'));
  const success = folded(`Response ${op.response.status} fields`, fieldTable(fieldRows(api, op.response.schema, 'response'), `Response ${op.response.status}`));
  const statuses = [...errorsByStatus(api, op)]
    .map(([status, codes]) => `<li><b>${status}</b> ${codes.map((c) => `<a href="#error-${escapeHtml(c)}"><code>${escapeHtml(c)}</code></a>`).join(' ')}</li>`)
    .join('');
  const own = (op.ownErrors ?? []).map((e) => `<li><b>${e.status}</b> ${escapeHtml(e.description)}</li>`).join('');
  const path = openApiPath(op.path);
  return `<section class="op" id="${escapeHtml(op.operationId)}" aria-labelledby="${escapeHtml(op.operationId)}-h">
<h3 id="${escapeHtml(op.operationId)}-h"><span class="m ${op.method.toLowerCase()}">${op.method}</span> <code>${escapeHtml(path)}</code></h3>
<p>${escapeHtml(op.summary)}.${op.description ? ` ${escapeHtml(op.description)}` : ''}</p>
<p><b>Auth:</b> ${authText(api, op)}${op.idempotent ? ' <b>Idempotency-Key</b> accepted.' : ''}${op.body?.contentType ? ` Body: <code>${escapeHtml(op.body.contentType)}</code>.` : ''}</p>
${request}${success}
<ul class="st" aria-label="Responses"><li><b>Responses:</b></li><li><b>${op.response.status}</b> ${escapeHtml(op.response.description ?? 'success')}</li>${statuses}${own}</ul></section>`;
}

function byTag(api: ApiDescription): Map<string, DocOperation[]> {
  const out = new Map<string, DocOperation[]>(api.tags.map((t) => [t.name, []]));
  for (const op of api.operations) out.set(op.tag, [...(out.get(op.tag) ?? []), op]);
  return out;
}

function tagId(tag: string): string {
  return `tag-${tag.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`;
}

function authSection(api: ApiDescription): string {
  const items = Object.entries(api.securitySchemes).map(([name, s]) => {
    const how = s.type === 'http' ? `HTTP ${String(s.scheme)}` : s.type === 'apiKey' ? `${String(s.in)} ${String(s.name)}` : String(s.type);
    return `<li id="auth-${escapeHtml(name)}"><b>${escapeHtml(name)}</b> (${escapeHtml(how)}): ${escapeHtml(String(s.description ?? ''))}</li>`;
  });
  return `<h2 id="auth">Authentication</h2>${items.length ? `<ul>${items.join('')}</ul>` : '<p>No header credential.</p>'}`;
}

function errorSection(api: ApiDescription): string {
  const rows = Object.entries(api.errors.catalogue)
    .sort(([, a], [, b]) => a.status - b.status)
    .map(
      ([code, e]) =>
        `<tr id="error-${escapeHtml(code)}"><td data-label="code"><code>${escapeHtml(code)}</code></td><td data-label="HTTP">${e.status}</td>` +
        `<td data-label="message">${escapeHtml(e.message)}</td><td data-label="body"><code>${escapeHtml(JSON.stringify(api.errors.example(code)))}</code></td></tr>`,
    )
    .join('');
  return `<h2 id="errors">Errors</h2><p>Content type <code>${escapeHtml(api.errors.contentType)}</code>.</p>
<table class="f"><caption>Error catalogue</caption><thead><tr><th scope="col">code</th><th scope="col">HTTP</th><th scope="col">message</th><th scope="col">body</th></tr></thead><tbody>${rows}</tbody></table>`;
}

/** One document's reference page. */
export function referencePage(api: ApiDescription): string {
  const groups = byTag(api);
  const toc = [...groups]
    .filter(([, ops]) => ops.length > 0)
    .map(([tag, ops]) => `<li><a href="#${tagId(tag)}">${escapeHtml(tag)}</a><ul>${ops.map((op) => `<li><a href="#${escapeHtml(op.operationId)}">${op.method} ${escapeHtml(openApiPath(op.path))}</a></li>`).join('')}</ul></li>`)
    .join('');
  const nav = `<nav aria-label="Contents"><details open><summary>Contents</summary><ul><li><a href="#auth">Authentication</a></li><li><a href="#errors">Errors</a></li>${toc}</ul></details></nav>`;
  const mount = api.appMount ? '<p>Every route is also served under <code>/apps/{appkey}</code>, which names the app.</p>' : '';
  const sections = [...groups]
    .filter(([, ops]) => ops.length > 0)
    .map(([tag, ops]) => {
      const about = api.tags.find((t) => t.name === tag)?.description ?? '';
      return `<section aria-labelledby="${tagId(tag)}"><h2 id="${tagId(tag)}">${escapeHtml(tag)}</h2>${about ? `<p>${escapeHtml(about)}</p>` : ''}${ops.map((op) => operationSection(api, op)).join('\n')}</section>`;
    })
    .join('\n');
  const idempotency = api.operations.some((op) => op.idempotent)
    ? '<p><b>Idempotency-Key</b> (where accepted): 1–255 printable ASCII characters. A repeat with the same input within the retention replays the first answer with header <code>Idempotent-Replayed: true</code>; a repeat with other input is refused.</p>'
    : '';
  const body = `${paragraphs(api.description)}${mount}${idempotency}<p>Machine-readable: <a href="/openapi/${escapeHtml(api.name)}.json">/openapi/${escapeHtml(api.name)}.json</a> (OpenAPI 3.1).</p>
${authSection(api)}${errorSection(api)}${sections}`;
  return layout(api.title, nav, body);
}

/** `/docs`: every document, with its page and its JSON. */
export function indexPage(apis: readonly ApiDescription[]): string {
  const items = apis
    .map((a) => `<li><h2><a href="/docs/${escapeHtml(a.name)}">${escapeHtml(a.title)}</a></h2><p>${escapeHtml(a.summary)}</p><p>${a.operations.length} operations · <a href="/openapi/${escapeHtml(a.name)}.json">OpenAPI JSON</a></p></li>`)
    .join('');
  const body = `<p>Every API Plaza serves, generated from the route declarations. Index as JSON: <a href="/openapi/index.json">/openapi/index.json</a>.</p><ul class="docs">${items}</ul>`;
  return layout('Plaza API reference', '', body);
}
