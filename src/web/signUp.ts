// GET/POST /signup. The password is hashed before the transaction; the user, its verification token and its first
// session are written in one transaction (a refusal writes nothing); the verification email is sent after the
// commit, so a mail failure never undoes an account — the account page offers to send it again.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hashNewPassword } from '../core/identity/developers.js';
import { createEmailToken } from '../core/identity/emailTokens.js';
import { IdentityError } from '../core/identity/errors.js';
import { createUserSession } from '../core/identity/sessions.js';
import { MAX_EMAIL_LENGTH, registerUser, type User } from '../core/identity/users.js';
import type { Services } from '../services.js';
import { checkCsrf, csrfToken, CSRF_FIELD } from './csrf.js';
import { banner, escapeHtml, field, hidden, input, page, readForm, type FieldErrors, type HtmlPage } from './layout.js';
import { csrfRefused, overLimit, pageRoute, publicLink, seeOther, waitText, webIdentityDeps } from './route.js';
import { clientIp, currentUser, DEFAULT_AFTER_SIGN_IN, safeNext, setSessionCookie } from './session.js';

/** Accounts one client address may try to create per minute. */
export const SIGN_UP_PER_IP_PER_MINUTE = 10;

export const USERNAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]{2,31}$/;
export const EMAIL_PATTERN = /^[^\s@<>,;"]+@[^\s@<>,;"]+\.[^\s@<>,;"]+$/;
export const MIN_PASSWORD_LENGTH = 8;
export const MAX_PASSWORD_LENGTH = 200;

export function passwordProblem(password: string): string | null {
  if (password.length < MIN_PASSWORD_LENGTH) return `Use at least ${MIN_PASSWORD_LENGTH} characters.`;
  if (password.length > MAX_PASSWORD_LENGTH) return `Use at most ${MAX_PASSWORD_LENGTH} characters.`;
  return null;
}

export function emailProblem(email: string): string | null {
  if (email === '') return 'Enter your email address.';
  if (email.length > MAX_EMAIL_LENGTH || !EMAIL_PATTERN.test(email)) return 'Enter an email address like name@example.com.';
  return null;
}

interface SignUpView {
  username: string;
  email: string;
  next: string | null;
  errors: FieldErrors;
  error?: string;
  status?: number;
}

function signUpPage(request: FastifyRequest, reply: FastifyReply, services: Services, v: SignUpView): HtmlPage {
  const nextQuery = v.next ? `?next=${encodeURIComponent(v.next)}` : '';
  return page({
    title: 'Create your account',
    status: v.status ?? 200,
    body: `<h1>Create your account</h1>
${v.error ? banner('error', v.error) : ''}
<form method="post" action="/signup" novalidate>
${hidden(CSRF_FIELD, csrfToken(request, reply, services))}
${v.next ? hidden('next', v.next) : ''}
${input({ name: 'username', label: 'Username', value: v.username, autocomplete: 'username', hint: '3–32 letters, digits, dots, dashes or underscores.', errors: v.errors, extra: 'autocapitalize="none" spellcheck="false"' })}
${input({ name: 'email', label: 'Email', type: 'email', value: v.email, autocomplete: 'email', hint: 'We send a link to confirm it.', errors: v.errors })}
${input({ name: 'password', label: 'Password', type: 'password', autocomplete: 'new-password', hint: `At least ${MIN_PASSWORD_LENGTH} characters.`, errors: v.errors })}
<button type="submit" class="block">Create account</button>
</form>
<div class="links"><a href="/signin${escapeHtml(nextQuery)}">Already have an account? Sign in</a></div>`,
  });
}

function validate(username: string, email: string, password: string): FieldErrors {
  const errors: FieldErrors = {};
  if (username === '') errors.username = 'Choose a username.';
  else if (!USERNAME_PATTERN.test(username)) errors.username = 'Use 3–32 letters, digits, dots, dashes or underscores, starting with a letter or digit.';
  const e = emailProblem(email);
  if (e) errors.email = e;
  const p = passwordProblem(password);
  if (p) errors.password = p;
  return errors;
}

/** Sends the verification link; false (logged) when the mailer failed. */
export async function sendVerificationMail(request: FastifyRequest, services: Services, user: User, token: string): Promise<boolean> {
  if (user.email === null) return false;
  const link = publicLink(services, `/verify-email?token=${encodeURIComponent(token)}`);
  try {
    await services.mailer.send({
      to: user.email,
      subject: 'Confirm your email address for Plaza',
      text: `Hello ${user.username},\n\nConfirm that this is your email address by opening this link (valid for 24 hours):\n\n${link}\n\nIf you did not create a Plaza account, ignore this message.\n`,
    });
    return true;
  } catch (err) {
    request.log.warn({ err }, 'verification email could not be sent');
    return false;
  }
}

export function signUpRoutes(app: FastifyInstance, services: Services): void {
  app.get(
    '/signup',
    pageRoute(async (request, reply) => {
      const q = (request.query ?? {}) as Record<string, unknown>;
      const next = safeNext(typeof q.next === 'string' ? q.next : null);
      if (await currentUser(request, services)) return seeOther(reply, next ?? DEFAULT_AFTER_SIGN_IN);
      return signUpPage(request, reply, services, { username: '', email: '', next, errors: {} });
    }),
  );

  app.post(
    '/signup',
    pageRoute(async (request, reply) => {
      const form = readForm(request);
      if (!checkCsrf(request, form, services)) return csrfRefused();
      const next = safeNext(form.get('next'));
      const username = field(form, 'username', { max: 64 });
      const email = field(form, 'email', { max: 300 });
      const password = field(form, 'password', { trim: false, max: 1024 });
      const view = { username, email, next };
      const errors = validate(username, email, password);
      if (Object.keys(errors).length) return signUpPage(request, reply, services, { ...view, errors, status: 400 });

      const wait = await overLimit(services, [[`web.signup.ip:${clientIp(request)}`, SIGN_UP_PER_IP_PER_MINUTE]]);
      if (wait !== null) {
        reply.header('retry-after', String(wait));
        return signUpPage(request, reply, services, { ...view, errors: {}, error: `Too many sign-ups from your network. Wait ${waitText(wait)} and try again.`, status: 429 });
      }

      const deps = webIdentityDeps(services);
      const passwordHash = await hashNewPassword(password, deps);
      let created: { user: User; verifyToken: string; session: { token: string; expiresAt: number } };
      try {
        created = await services.db.transaction().execute(async (trx) => {
          const user = await registerUser(trx, { username, email, passwordHash }, deps);
          const verifyToken = await createEmailToken(trx, user.id, 'verify', services.clock);
          const session = await createUserSession(trx, user.id, services.clock);
          return { user, verifyToken, session };
        });
      } catch (err) {
        if (err instanceof IdentityError && err.code === 'username_taken') {
          return signUpPage(request, reply, services, { ...view, errors: { username: 'That username is taken. Choose another.' }, status: 409 });
        }
        if (err instanceof IdentityError && err.code === 'email_taken') {
          return signUpPage(request, reply, services, { ...view, errors: { email: 'An account already uses this email. Sign in or reset your password.' }, status: 409 });
        }
        throw err;
      }
      await sendVerificationMail(request, services, created.user, created.verifyToken);
      setSessionCookie(reply, services, created.session.token, created.session.expiresAt);
      return seeOther(reply, next ?? DEFAULT_AFTER_SIGN_IN);
    }),
  );
}
