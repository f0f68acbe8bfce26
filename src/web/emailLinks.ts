// The pages behind emailed links: GET /verify-email?token= (marks the address verified), POST /verify-email/resend
// (a new link for the signed-in user), and GET/POST /reset-password (ask for a link; with a token, set a new
// password). Every token is single-use and checked inside the transaction that acts on it; the new password is
// hashed before that transaction. A reset request never says whether an account uses the address.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hashNewPassword } from '../core/identity/developers.js';
import { consumeEmailToken, createEmailToken } from '../core/identity/emailTokens.js';
import { listUsers, markEmailVerified, setUserPassword, type User } from '../core/identity/users.js';
import type { Services } from '../services.js';
import { checkCsrf, csrfToken, CSRF_FIELD } from './csrf.js';
import { banner, field, hidden, input, messagePage, page, readForm, type FieldErrors, type HtmlPage } from './layout.js';
import { csrfRefused, overLimit, pageRoute, publicLink, seeOther, waitText, webIdentityDeps } from './route.js';
import { clearCookie, clientIp, currentUser, SESSION_COOKIE, signInRedirect } from './session.js';
import { emailProblem, passwordProblem, sendVerificationMail } from './signUp.js';

/** Reset links one client address, and one address, may ask for per minute; verification resends per user. */
export const RESET_LIMITS = { perIpPerMinute: 5, perEmailPerMinute: 3 } as const;
export const RESEND_PER_USER_PER_MINUTE = 3;

const LINK_INVALID = 'This link is invalid, has expired or was already used.';

function tokenOf(request: FastifyRequest): string {
  const t = ((request.query ?? {}) as Record<string, unknown>).token;
  return typeof t === 'string' ? t.slice(0, 256) : '';
}

/**
 * The global user whose email is `email` (case-insensitive). Goes through listUsers' substring search and keeps
 * the exact match; the scan is bounded (5 pages) — addresses are unique, so the match is among the first hits
 * unless thousands of addresses contain this one.
 */
async function findUserByEmail(services: Services, email: string): Promise<User | null> {
  const lower = email.toLowerCase();
  let afterId: number | undefined;
  for (let pageNo = 0; pageNo < 5; pageNo++) {
    const users = await listUsers(services.db, { query: lower, limit: 200, ...(afterId !== undefined ? { afterId } : {}) });
    const hit = users.find((u) => u.email !== null && u.email.toLowerCase() === lower);
    if (hit) return hit;
    if (users.length < 200) return null;
    afterId = users[users.length - 1]!.id;
  }
  return null;
}

function requestPage(request: FastifyRequest, reply: FastifyReply, services: Services, v: { email: string; errors: FieldErrors; error?: string; status?: number }): HtmlPage {
  return page({
    title: 'Reset your password',
    status: v.status ?? 200,
    body: `<h1>Reset your password</h1>
${v.error ? banner('error', v.error) : ''}
<p>Enter the email address of your account and we will send you a link to choose a new password.</p>
<form method="post" action="/reset-password" novalidate>
${hidden(CSRF_FIELD, csrfToken(request, reply, services))}
${input({ name: 'email', label: 'Email', type: 'email', value: v.email, autocomplete: 'email', errors: v.errors })}
<button type="submit" class="block">Send the link</button>
</form>
<div class="links"><a href="/signin">Back to sign in</a></div>`,
  });
}

function newPasswordPage(request: FastifyRequest, reply: FastifyReply, services: Services, v: { token: string; errors: FieldErrors; status?: number }): HtmlPage {
  return page({
    title: 'Choose a new password',
    status: v.status ?? 200,
    body: `<h1>Choose a new password</h1>
<form method="post" action="/reset-password" novalidate>
${hidden(CSRF_FIELD, csrfToken(request, reply, services))}
${hidden('token', v.token)}
${input({ name: 'password', label: 'New password', type: 'password', autocomplete: 'new-password', hint: 'At least 8 characters.', errors: v.errors })}
<button type="submit" class="block">Set the new password</button>
</form>`,
  });
}

function invalidLinkPage(): HtmlPage {
  return messagePage({ title: 'This link does not work', message: LINK_INVALID, status: 400, link: { href: '/reset-password', text: 'Ask for a new link' } });
}

async function sendResetMail(request: FastifyRequest, services: Services, user: User): Promise<void> {
  const token = await services.db.transaction().execute((trx) => createEmailToken(trx, user.id, 'reset', services.clock));
  const link = publicLink(services, `/reset-password?token=${encodeURIComponent(token)}`);
  try {
    await services.mailer.send({
      to: user.email!,
      subject: 'Reset your Plaza password',
      text: `Hello ${user.username},\n\nSomeone (hopefully you) asked to reset the password of your Plaza account. Choose a new password here (valid for 1 hour):\n\n${link}\n\nIf it was not you, ignore this message: your password stays as it is.\n`,
    });
  } catch (err) {
    request.log.warn({ err }, 'password reset email could not be sent');
  }
}

export function emailLinkRoutes(app: FastifyInstance, services: Services): void {
  app.get(
    '/verify-email',
    pageRoute(async (request) => {
      const token = tokenOf(request);
      const user = token
        ? await services.db.transaction().execute(async (trx) => {
            const userId = await consumeEmailToken(trx, token, 'verify', services.clock);
            return userId === null ? null : markEmailVerified(trx, userId, services.clock);
          })
        : null;
      if (!user) {
        return messagePage({ title: 'This link does not work', message: `${LINK_INVALID} Sign in to send a new one from your account page.`, status: 400, link: { href: '/account', text: 'Go to your account' } });
      }
      return messagePage({ title: 'Email address confirmed', message: `Thank you, ${user.username}: ${user.email ?? ''} is confirmed.`, status: 200, link: { href: '/account', text: 'Go to your account' } });
    }),
  );

  app.post(
    '/verify-email/resend',
    pageRoute(async (request, reply) => {
      const form = readForm(request);
      if (!checkCsrf(request, form, services)) return csrfRefused();
      const signedIn = await currentUser(request, services);
      if (!signedIn) return signInRedirect(reply, '/account');
      const { user } = signedIn;
      if (user.email === null || user.emailVerified) return seeOther(reply, '/account');
      const wait = await overLimit(services, [[`web.verify.resend:${user.id}`, RESEND_PER_USER_PER_MINUTE]]);
      if (wait !== null) {
        reply.header('retry-after', String(wait));
        return messagePage({ title: 'Please wait', message: `We just sent a link. Wait ${waitText(wait)} before asking for another.`, status: 429, link: { href: '/account', text: 'Back to your account' } });
      }
      const token = await services.db.transaction().execute((trx) => createEmailToken(trx, user.id, 'verify', services.clock));
      const sent = await sendVerificationMail(request, services, user, token);
      return seeOther(reply, sent ? '/account?notice=verification_sent' : '/account?notice=mail_failed');
    }),
  );

  app.get(
    '/reset-password',
    pageRoute(async (request, reply) => {
      const token = tokenOf(request);
      return token ? newPasswordPage(request, reply, services, { token, errors: {} }) : requestPage(request, reply, services, { email: '', errors: {} });
    }),
  );

  app.post(
    '/reset-password',
    pageRoute(async (request, reply) => {
      const form = readForm(request);
      if (!checkCsrf(request, form, services)) return csrfRefused();
      return form.has('token') ? setNewPassword(request, reply, services, form) : requestLink(request, reply, services, form);
    }),
  );
}

async function requestLink(request: FastifyRequest, reply: FastifyReply, services: Services, form: URLSearchParams): Promise<HtmlPage> {
  const email = field(form, 'email', { max: 300 });
  const problem = emailProblem(email);
  if (problem) return requestPage(request, reply, services, { email, errors: { email: problem }, status: 400 });
  const wait = await overLimit(services, [
    [`web.reset.ip:${clientIp(request)}`, RESET_LIMITS.perIpPerMinute],
    [`web.reset.email:${email.toLowerCase()}`, RESET_LIMITS.perEmailPerMinute],
  ]);
  if (wait !== null) {
    reply.header('retry-after', String(wait));
    return requestPage(request, reply, services, { email, errors: {}, error: `Too many reset requests. Wait ${waitText(wait)} and try again.`, status: 429 });
  }
  const user = await findUserByEmail(services, email);
  if (user && !user.disabled) await sendResetMail(request, services, user);
  return messagePage({
    title: 'Check your email',
    message: `If an account uses ${email}, we sent it a link to choose a new password. The link works for one hour.`,
    status: 200,
    link: { href: '/signin', text: 'Back to sign in' },
  });
}

async function setNewPassword(request: FastifyRequest, reply: FastifyReply, services: Services, form: URLSearchParams): Promise<HtmlPage | FastifyReply> {
  const token = field(form, 'token', { max: 256 });
  const password = field(form, 'password', { trim: false, max: 1024 });
  const problem = password === '' ? 'Choose a new password.' : passwordProblem(password);
  if (problem) return newPasswordPage(request, reply, services, { token, errors: { password: problem }, status: 400 });
  const passwordHash = await hashNewPassword(password, webIdentityDeps(services));
  const done = await services.db.transaction().execute(async (trx) => {
    const userId = await consumeEmailToken(trx, token, 'reset', services.clock);
    if (userId === null) return false;
    // Setting the password revokes every session; the link proved the address, so it counts as verified.
    await setUserPassword(trx, userId, passwordHash, services.clock);
    await markEmailVerified(trx, userId, services.clock);
    return true;
  });
  if (!done) return invalidLinkPage();
  clearCookie(reply, services, SESSION_COOKIE);
  return seeOther(reply, '/signin?notice=password_reset');
}
