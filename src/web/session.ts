// The hosted pages' sign-in session: a cookie holding the opaque token of core/identity/sessions.ts, and the
// cookie plumbing every page uses. The Cookie header is parsed here rather than through @fastify/cookie: the pages
// need two cookies with fixed attributes, and a plugin would decorate every request of every dialect for it.
// Cookies are HttpOnly, SameSite=Lax (a top-level navigation from an app to /signin or a consent page keeps the
// session; a cross-site POST does not carry it), Path=/, and Secure whenever the public URL is https.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { authenticateUserSession } from '../core/identity/sessions.js';
import type { User } from '../core/identity/users.js';
import type { Services } from '../services.js';

export const SESSION_COOKIE = 'plaza_session';

/** Where a sign-in without (or with an unusable) `next` lands. */
export const DEFAULT_AFTER_SIGN_IN = '/account';

/** Longest Cookie header parsed, and longest `next` path kept. */
const MAX_COOKIE_HEADER = 8192;
const MAX_NEXT_LENGTH = 2048;

export function parseCookies(request: FastifyRequest): Map<string, string> {
  const out = new Map<string, string>();
  const header = request.headers.cookie;
  if (typeof header !== 'string' || header.length > MAX_COOKIE_HEADER) return out;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    const name = part.slice(0, eq).trim();
    let value = part.slice(eq + 1).trim();
    if (value.startsWith('"') && value.endsWith('"') && value.length >= 2) value = value.slice(1, -1);
    // The first occurrence wins (the most specific path, as browsers order them); a malformed escape is ignored.
    if (out.has(name)) continue;
    try {
      out.set(name, decodeURIComponent(value));
    } catch {
      continue;
    }
  }
  return out;
}

export function readCookie(request: FastifyRequest, name: string): string | null {
  return parseCookies(request).get(name) ?? null;
}

function secureCookies(services: Services): boolean {
  return services.config.publicUrl.toLowerCase().startsWith('https:');
}

/** Adds one Set-Cookie header, keeping those already set on the reply. */
export function setCookie(reply: FastifyReply, services: Services, name: string, value: string, opts: { maxAgeSeconds?: number } = {}): void {
  const attrs = [`${name}=${encodeURIComponent(value)}`, 'Path=/', 'HttpOnly', 'SameSite=Lax'];
  if (opts.maxAgeSeconds !== undefined) attrs.push(`Max-Age=${Math.max(0, Math.floor(opts.maxAgeSeconds))}`);
  if (secureCookies(services)) attrs.push('Secure');
  const line = attrs.join('; ');
  const existing = reply.getHeader('set-cookie');
  const list = existing === undefined ? [] : Array.isArray(existing) ? existing.map(String) : [String(existing)];
  reply.removeHeader('set-cookie');
  reply.header('set-cookie', [...list.filter((l) => !l.startsWith(`${name}=`)), line]);
}

export function clearCookie(reply: FastifyReply, services: Services, name: string): void {
  setCookie(reply, services, name, '', { maxAgeSeconds: 0 });
}

export function setSessionCookie(reply: FastifyReply, services: Services, token: string, expiresAt: number): void {
  setCookie(reply, services, SESSION_COOKIE, token, { maxAgeSeconds: (expiresAt - services.clock.now()) / 1000 });
}

/** The signed-in user of this request; null when there is no session cookie or it no longer names a live session. */
export async function currentUser(request: FastifyRequest, services: Services): Promise<{ user: User; sessionId: number } | null> {
  const token = readCookie(request, SESSION_COOKIE);
  if (token === null || token === '') return null;
  return authenticateUserSession(services.db, token, services.clock);
}

/**
 * `raw` when it is a same-origin relative path (`/account`, `/oauth/authorize?…`), else null. Refused: absolute
 * URLs, scheme-relative `//host`, backslashes (`/\host` is `//host` to browsers), control characters, anything
 * that does not resolve to the same origin.
 */
export function safeNext(raw: string | null | undefined): string | null {
  if (typeof raw !== 'string' || raw.length === 0 || raw.length > MAX_NEXT_LENGTH) return null;
  if (!raw.startsWith('/') || raw.startsWith('//')) return null;
  if (/[\\\u0000-\u001f\u007f]/.test(raw)) return null;
  const base = 'http://plaza.invalid';
  let url: URL;
  try {
    url = new URL(raw, base);
  } catch {
    return null;
  }
  if (url.origin !== base) return null;
  return `${url.pathname}${url.search}${url.hash}`;
}

/** 303 to /signin?next=<returnTo> (a `returnTo` that is not a same-origin relative path is dropped). */
export function signInRedirect(reply: FastifyReply, returnTo: string): FastifyReply {
  const next = safeNext(returnTo);
  const location = next === null ? '/signin' : `/signin?next=${encodeURIComponent(next)}`;
  return reply.code(303).header('location', location).header('cache-control', 'no-store').send();
}

/** The client address rate limits key on (the socket's; the server does not trust proxy headers). */
export function clientIp(request: FastifyRequest): string {
  return request.ip || 'unknown';
}
