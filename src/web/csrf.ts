// CSRF protection of every hosted-page form: a signed double submit. The browser holds a random value in the
// HttpOnly `plaza_csrf` cookie; each form carries HMAC-SHA256(key, value) in its `csrf` field, the key derived from
// the master key. Another site can make a browser send the cookie (not on a cross-site POST, thanks to
// SameSite=Lax, but older browsers and same-site subdomains may) but can neither read it nor compute the HMAC, so it
// cannot fill the field. Nothing is stored server-side, so it works before sign-in and across processes.
import { createHmac, randomBytes } from 'node:crypto';
import { derivedKey } from '../core/crypto/derive.js';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { safeEqual } from '../core/crypto/tokens.js';
import type { Services } from '../services.js';
import { readCookie, setCookie } from './session.js';

export const CSRF_COOKIE = 'plaza_csrf';
/** The form field that carries the token. */
export const CSRF_FIELD = 'csrf';

/** A cookie value set on this request's reply (the browser does not send it back until the next request). */
const issued = new WeakMap<FastifyRequest, string>();

function csrfKey(services: Services): Buffer {
  return derivedKey(services.config.masterKey, 'plaza.web.csrf');
}

function sign(services: Services, value: string): string {
  return createHmac('sha256', csrfKey(services)).update(value).digest('base64url');
}

/** A cookie value we could have issued: 32 bytes base64url. */
function wellFormed(value: string | null): value is string {
  return value !== null && /^[A-Za-z0-9_-]{43}$/.test(value);
}

/** The token to put in a form's `csrf` field; sets the cookie when the browser has none yet. */
export function csrfToken(request: FastifyRequest, reply: FastifyReply, services: Services): string {
  let value = issued.get(request) ?? readCookie(request, CSRF_COOKIE);
  if (!wellFormed(value)) {
    value = randomBytes(32).toString('base64url');
    issued.set(request, value);
    setCookie(reply, services, CSRF_COOKIE, value);
  }
  return sign(services, value);
}

/** True when the form's `csrf` field matches the browser's cookie. */
export function checkCsrf(request: FastifyRequest, form: URLSearchParams, services: Services): boolean {
  const value = readCookie(request, CSRF_COOKIE);
  const given = form.get(CSRF_FIELD);
  if (!wellFormed(value) || given === null || given.length > 128) return false;
  return safeEqual(given, sign(services, value));
}
