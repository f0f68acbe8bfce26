// GET/POST /signin and POST /signout. Sign-in is rate-limited per client address and per login before any password
// work; the password check (scrypt) runs outside every transaction; a wrong password and an unknown login get the
// same message. A successful sign-in replaces any earlier session (no fixation) and lands on `next` when it is a
// same-origin relative path, else on /account.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { checkSignIn } from '../core/identity/users.js';
import { createUserSession, revokeUserSession } from '../core/identity/sessions.js';
import type { Services } from '../services.js';
import { checkCsrf, csrfToken, CSRF_FIELD } from './csrf.js';
import { banner, escapeHtml, field, hidden, input, page, readForm, type FieldErrors, type HtmlPage } from './layout.js';
import { csrfRefused, overLimit, pageRoute, seeOther, waitText, webIdentityDeps } from './route.js';
import { clearCookie, currentUser, DEFAULT_AFTER_SIGN_IN, readCookie, safeNext, SESSION_COOKIE, setSessionCookie, clientIp } from './session.js';

/** Sign-in attempts allowed per minute (sliding window), per client address and per login. */
export const SIGN_IN_LIMITS = { perIpPerMinute: 20, perLoginPerMinute: 5 } as const;

/** Fixed confirmations a redirect may ask the sign-in page to show (never text from the query string). */
const NOTICES: Record<string, string> = {
  signed_out: 'You are signed out.',
  password_reset: 'Your password was changed. Sign in with the new one.',
};

export const BAD_CREDENTIALS = 'That username or email and password do not match an account.';

interface SignInView {
  login: string;
  next: string | null;
  errors: FieldErrors;
  banner?: { kind: 'error' | 'notice'; text: string };
  status?: number;
}

function signInPage(request: FastifyRequest, reply: FastifyReply, services: Services, v: SignInView): HtmlPage {
  const nextQuery = v.next ? `?next=${encodeURIComponent(v.next)}` : '';
  return page({
    title: 'Sign in',
    status: v.status ?? 200,
    body: `<h1>Sign in</h1>
${v.banner ? banner(v.banner.kind, v.banner.text) : ''}
<form method="post" action="/signin" novalidate>
${hidden(CSRF_FIELD, csrfToken(request, reply, services))}
${v.next ? hidden('next', v.next) : ''}
${input({ name: 'login', label: 'Username or email', value: v.login, autocomplete: 'username', errors: v.errors, extra: 'autocapitalize="none" spellcheck="false"' })}
${input({ name: 'password', label: 'Password', type: 'password', autocomplete: 'current-password', errors: v.errors })}
<button type="submit" class="block">Sign in</button>
</form>
<div class="links"><a href="/signup${escapeHtml(nextQuery)}">Create an account</a><a href="/reset-password">Forgot your password?</a></div>`,
  });
}

function queryOf(request: FastifyRequest): Record<string, unknown> {
  return (request.query ?? {}) as Record<string, unknown>;
}

export function signInRoutes(app: FastifyInstance, services: Services): void {
  app.get(
    '/signin',
    pageRoute(async (request, reply) => {
      const q = queryOf(request);
      const next = safeNext(typeof q.next === 'string' ? q.next : null);
      if (await currentUser(request, services)) return seeOther(reply, next ?? DEFAULT_AFTER_SIGN_IN);
      const notice = typeof q.notice === 'string' ? NOTICES[q.notice] : undefined;
      return signInPage(request, reply, services, { login: '', next, errors: {}, ...(notice ? { banner: { kind: 'notice', text: notice } } : {}) });
    }),
  );

  app.post(
    '/signin',
    pageRoute(async (request, reply) => {
      const form = readForm(request);
      if (!checkCsrf(request, form, services)) return csrfRefused();
      const next = safeNext(form.get('next'));
      const login = field(form, 'login', { max: 254 });
      const password = field(form, 'password', { trim: false, max: 1024 });
      const errors: FieldErrors = {};
      if (login === '') errors.login = 'Enter your username or email.';
      if (password === '') errors.password = 'Enter your password.';
      if (Object.keys(errors).length) return signInPage(request, reply, services, { login, next, errors, status: 400 });

      const wait = await overLimit(services, [
        [`web.signin.ip:${clientIp(request)}`, SIGN_IN_LIMITS.perIpPerMinute],
        [`web.signin.login:${login.toLowerCase()}`, SIGN_IN_LIMITS.perLoginPerMinute],
      ]);
      if (wait !== null) {
        reply.header('retry-after', String(wait));
        const text = `Too many sign-in attempts. Wait ${waitText(wait)} and try again.`;
        return signInPage(request, reply, services, { login, next, errors: {}, banner: { kind: 'error', text }, status: 429 });
      }

      const check = await checkSignIn(services.db, login, password, webIdentityDeps(services));
      if (check.kind === 'disabled') {
        const text = 'This account has been disabled. Contact the operator of this Plaza if you think that is a mistake.';
        return signInPage(request, reply, services, { login, next, errors: {}, banner: { kind: 'error', text }, status: 403 });
      }
      if (check.kind !== 'ok') {
        return signInPage(request, reply, services, { login, next, errors: {}, banner: { kind: 'error', text: BAD_CREDENTIALS }, status: 400 });
      }
      const previous = readCookie(request, SESSION_COOKIE);
      if (previous) await revokeUserSession(services.db, previous, services.clock);
      const session = await createUserSession(services.db, check.user.id, services.clock);
      setSessionCookie(reply, services, session.token, session.expiresAt);
      return seeOther(reply, next ?? DEFAULT_AFTER_SIGN_IN);
    }),
  );

  app.post(
    '/signout',
    pageRoute(async (request, reply) => {
      const form = readForm(request);
      if (!checkCsrf(request, form, services)) return csrfRefused();
      const token = readCookie(request, SESSION_COOKIE);
      if (token) await revokeUserSession(services.db, token, services.clock);
      clearCookie(reply, services, SESSION_COOKIE);
      return seeOther(reply, '/signin?notice=signed_out');
    }),
  );
}
