// Hosted pages that need a few lines of script (the Pi hand-back to the opener, Kamiya's copy button) carry them
// inline under a per-response nonce, and their Content-Security-Policy allows that nonce and nothing else; framing
// stays forbidden (X-Frame-Options from the layout, `frame-ancestors 'none'` here).
import { randomBytes } from 'node:crypto';
import type { WireResponse } from '../http/idempotency.js';

export function newNonce(): string {
  return randomBytes(16).toString('base64');
}

/**
 * The page's headers with its CSP replaced by one that allows scripts carrying `nonce`. No `form-action` here:
 * Chrome applies it to the redirect that follows a form POST, and Kamiya's confirm redirects to the app's site.
 */
export function allowNonceScripts(page: WireResponse, nonce: string): WireResponse {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(page.headers)) if (k.toLowerCase() !== 'content-security-policy') headers[k] = v;
  headers['content-security-policy'] =
    `default-src 'self'; script-src 'nonce-${nonce}'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; base-uri 'none'; object-src 'none'; frame-ancestors 'none'`;
  return { ...page, headers };
}

/** `value` as a JavaScript literal safe inside a <script> element (no `</script>`, no line separators). */
export function scriptLiteral(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}
