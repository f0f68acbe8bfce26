// The frame of every hosted page: one HTML document shape, one stylesheet, the security headers, and the
// helpers the pages (and the OIDC/dialect consent pages) share to read forms and render fields. Pages work
// without JavaScript; nothing here emits a script, an inline style or an external asset, so the CSP can stay
// `default-src 'self'`.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { rawBody } from '../http/body.js';
import type { WireResponse } from '../http/idempotency.js';
import { sendWire } from '../http/reply.js';
import { STYLESHEET_PATH } from './styles.js';

export interface HtmlPage {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
}

/** Headers every hosted page carries: never framed (clickjacking), never cached (they hold CSRF tokens). */
export const PAGE_HEADERS: Readonly<Record<string, string>> = {
  'content-type': 'text/html; charset=utf-8',
  'x-frame-options': 'DENY',
  'content-security-policy': "frame-ancestors 'none'; default-src 'self'",
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
  // Reset and verification tokens travel in page URLs: never hand them to another origin.
  'referrer-policy': 'same-origin',
};

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for an HTML text node or a quoted attribute value. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!);
}

/** A full HTML document around `body` (already-escaped HTML). */
export function page(opts: { title: string; body: string; status?: number; /** A wider card (lists). */ wide?: boolean }): HtmlPage {
  const body = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(opts.title)} · Plaza</title>
<link rel="stylesheet" href="${STYLESHEET_PATH}">
</head>
<body>
<header class="top"><a class="brand" href="/account">Plaza</a></header>
<main class="card${opts.wide ? ' wide' : ''}">
${opts.body}
</main>
</body>
</html>
`;
  return { statusCode: opts.status ?? 200, headers: { ...PAGE_HEADERS }, body };
}

export function sendPage(reply: FastifyReply, p: HtmlPage | WireResponse): FastifyReply {
  return sendWire(reply, p);
}

/** Most fields one form may carry, and the longest body read as a form (bounds parsing of hostile input). */
const MAX_FORM_FIELDS = 64;
const MAX_FORM_BYTES = 64 * 1024;

/**
 * The urlencoded form in the request body, from the raw bytes (the server hands every body over as a Buffer).
 * Whatever the Content-Type says, the body is read as `application/x-www-form-urlencoded`: a body in another
 * format simply yields fields that fail validation (or a missing CSRF token). Oversized or over-long input yields
 * an empty form, which every handler refuses.
 */
export function readForm(request: FastifyRequest): URLSearchParams {
  const raw = rawBody(request);
  if (raw.length > MAX_FORM_BYTES) return new URLSearchParams();
  const form = new URLSearchParams(raw.toString('utf8'));
  let n = 0;
  for (const _ of form.keys()) if (++n > MAX_FORM_FIELDS) return new URLSearchParams();
  return form;
}

/** A form field as a trimmed-or-raw string bounded to `max` characters; '' when absent. */
export function field(form: URLSearchParams, name: string, opts: { trim?: boolean; max?: number } = {}): string {
  const v = form.get(name) ?? '';
  const t = opts.trim === false ? v : v.trim();
  return t.slice(0, opts.max ?? 1000);
}

export type FieldErrors = Record<string, string>;

export interface InputOptions {
  name: string;
  label: string;
  type?: 'text' | 'email' | 'password' | 'number';
  value?: string;
  autocomplete?: string;
  required?: boolean;
  hint?: string;
  errors?: FieldErrors;
  extra?: string;
}

/**
 * A labelled input with its hint and error next to it, bound through `for`/`id` and `aria-describedby` so screen
 * readers announce the error with the field.
 */
export function input(o: InputOptions): string {
  const id = `f-${o.name}`;
  const error = o.errors?.[o.name];
  const described: string[] = [];
  if (o.hint) described.push(`${id}-hint`);
  if (error) described.push(`${id}-error`);
  const attrs = [
    `id="${id}"`,
    `name="${escapeHtml(o.name)}"`,
    `type="${o.type ?? 'text'}"`,
    o.type === 'password' ? '' : `value="${escapeHtml(o.value ?? '')}"`,
    o.autocomplete ? `autocomplete="${escapeHtml(o.autocomplete)}"` : '',
    o.required === false ? '' : 'required',
    error ? 'aria-invalid="true"' : '',
    described.length ? `aria-describedby="${described.join(' ')}"` : '',
    o.extra ?? '',
  ].filter((a) => a !== '');
  return `<div class="field${error ? ' has-error' : ''}">
<label for="${id}">${escapeHtml(o.label)}</label>
${o.hint ? `<p class="hint" id="${id}-hint">${escapeHtml(o.hint)}</p>\n` : ''}<input ${attrs.join(' ')}>
${error ? `<p class="error" id="${id}-error">${escapeHtml(error)}</p>\n` : ''}</div>`;
}

export function hidden(name: string, value: string): string {
  return `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`;
}

/** A banner above a form: `error` for a refusal (announced at once), `notice` for a confirmation. */
export function banner(kind: 'error' | 'notice', text: string): string {
  return kind === 'error'
    ? `<div class="banner banner-error" role="alert">${escapeHtml(text)}</div>`
    : `<div class="banner banner-notice" role="status">${escapeHtml(text)}</div>`;
}

/** A page that only says something went wrong, with a way on. */
export function messagePage(opts: { title: string; message: string; status: number; link?: { href: string; text: string } }): HtmlPage {
  const link = opts.link ? `<p><a href="${escapeHtml(opts.link.href)}">${escapeHtml(opts.link.text)}</a></p>` : '';
  return page({
    title: opts.title,
    status: opts.status,
    body: `<h1>${escapeHtml(opts.title)}</h1>\n<p>${escapeHtml(opts.message)}</p>\n${link}`,
  });
}
