// GET /account (who you are, whether your email is confirmed, your pay password, the apps you granted access),
// POST /account/grants/:id/revoke and POST /account/pay-password. A user only ever sees and revokes its own grants
// (revokeGrant checks the owner); revoking a grant also revokes every token issued under it, at once. Setting or
// changing the pay password needs the account password; both are checked and hashed before the transaction
// (core/identity/payPasswords.ts), and the attempts are rate-limited like sign-in.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { IdentityError } from '../core/identity/errors.js';
import { listUserGrants, revokeGrant, type Grant } from '../core/identity/grants.js';
import { changePayPassword, getPayPasswordState, MAX_PAY_PASSWORD_LENGTH, MIN_PAY_PASSWORD_LENGTH, preparePayPasswordChange } from '../core/identity/payPasswords.js';
import type { User } from '../core/identity/users.js';
import type { Services } from '../services.js';
import { checkCsrf, csrfToken, CSRF_FIELD } from './csrf.js';
import { banner, escapeHtml, field, hidden, input, messagePage, page, readForm, type FieldErrors, type HtmlPage } from './layout.js';
import { csrfRefused, overLimit, pageRoute, seeOther, waitText, webIdentityDeps } from './route.js';
import { clientIp, currentUser, signInRedirect } from './session.js';

/** Pay-password changes allowed per minute (sliding window), per client address and per user: each costs a scrypt. */
export const PAY_PASSWORD_LIMITS = { perIpPerMinute: 20, perUserPerMinute: 5 } as const;

const NOTICES: Record<string, string> = {
  revoked: 'Access revoked. The app can no longer act for you.',
  pay_password_set: 'Your pay password is set. Apps will ask for it before they move money for you.',
  pay_password_changed: 'Your pay password was changed. The old one no longer works.',
  verification_sent: 'We sent you a new confirmation link.',
  mail_failed: 'We could not send the email just now. Try again in a few minutes.',
};

/** What each kind of grant is called on the page. */
const KIND_LABELS: Record<string, string> = { oidc: 'Sign-in (OpenID Connect)', pi: 'Pi apps', kamiya: 'Kamiya apps' };

function formatDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

function grantItem(grant: Grant & { appName: string }, csrf: string): string {
  const scopes = grant.scopes.length ? grant.scopes.map(escapeHtml).join(', ') : 'sign-in only';
  const limit = grant.spendingLimitMinor !== null ? ` · spending limit ${escapeHtml(grant.spendingLimitMinor.toString())} (smallest units)` : '';
  return `<li>
<div><strong>${escapeHtml(grant.appName)}</strong><br>
<span class="muted">${escapeHtml(KIND_LABELS[grant.kind] ?? grant.kind)} · ${scopes}${limit} · since ${formatDate(grant.createdAt)}</span></div>
<form method="post" action="/account/grants/${grant.id}/revoke">
${hidden(CSRF_FIELD, csrf)}
<button type="submit" class="danger" aria-label="Revoke access of ${escapeHtml(grant.appName)}">Revoke</button>
</form>
</li>`;
}

/** What the pay-password form shows after a refused POST: errors next to their fields, or a banner above it. */
interface PayPasswordView {
  errors: FieldErrors;
  error?: string;
  status?: number;
}

function formatTime(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

async function payPasswordSection(services: Services, user: User, csrf: string, v: PayPasswordView): Promise<string> {
  const state = await getPayPasswordState(services.db, user.id, services.clock);
  const status = !state?.set
    ? 'You have not set a pay password yet.'
    : state.lockedUntil !== null
      ? `Your pay password is locked after too many wrong attempts until ${formatTime(state.lockedUntil)}. Setting a new one unlocks it.`
      : 'Your pay password is set.';
  return `<h2 id="pay-password">Pay password</h2>
<p class="muted">A second secret, separate from your account password, that apps ask for before they move money for you. ${escapeHtml(status)}</p>
${v.error ? banner('error', v.error) : ''}
<form method="post" action="/account/pay-password" novalidate>
${hidden(CSRF_FIELD, csrf)}
${input({ name: 'current_password', label: 'Your account password', type: 'password', autocomplete: 'current-password', errors: v.errors })}
${input({ name: 'pay_password', label: state?.set ? 'New pay password' : 'Pay password', type: 'password', autocomplete: 'off', hint: `${MIN_PAY_PASSWORD_LENGTH}–${MAX_PAY_PASSWORD_LENGTH} characters, different from your account password.`, errors: v.errors })}
${input({ name: 'pay_password_confirm', label: 'Repeat the pay password', type: 'password', autocomplete: 'off', errors: v.errors })}
<button type="submit">${state?.set ? 'Change pay password' : 'Set pay password'}</button>
</form>`;
}

async function accountPage(request: FastifyRequest, reply: FastifyReply, services: Services, user: User, pay: PayPasswordView = { errors: {} }): Promise<HtmlPage> {
  const csrf = csrfToken(request, reply, services);
  const grants = await listUserGrants(services.db, user.id);
  const q = (request.query ?? {}) as Record<string, unknown>;
  // A refused pay-password POST re-renders the page: no notice from the query string then.
  const notice = pay.status === undefined && typeof q.notice === 'string' ? NOTICES[q.notice] : undefined;
  const unverified =
    user.email !== null && !user.emailVerified
      ? `<div class="banner banner-error" role="status">Your email address is not confirmed yet. Open the link we sent to ${escapeHtml(user.email)}.
<form method="post" action="/verify-email/resend">${hidden(CSRF_FIELD, csrf)}<button type="submit" class="secondary">Send the link again</button></form></div>`
      : '';
  const grantList = grants.length
    ? `<ul class="list">${grants.map((g) => grantItem(g, csrf)).join('\n')}</ul>`
    : '<p class="muted">You have not granted any app access yet.</p>';
  return page({
    title: 'Your account',
    wide: true,
    status: pay.status ?? 200,
    body: `<h1>Your account</h1>
${notice ? banner('notice', notice) : ''}
${unverified}
<dl class="facts">
<dt>Username</dt><dd>${escapeHtml(user.username)}</dd>
<dt>Email</dt><dd>${user.email === null ? '<span class="muted">none</span>' : `${escapeHtml(user.email)} ${user.emailVerified ? '<span class="muted">(confirmed)</span>' : '<span class="muted">(not confirmed)</span>'}`}</dd>
<dt>User id</dt><dd>${user.uid}</dd>
</dl>
${await payPasswordSection(services, user, csrf, pay)}
<h2>Apps with access to your account</h2>
${grantList}
<form method="post" action="/signout" class="actions">
${hidden(CSRF_FIELD, csrf)}
<button type="submit" class="secondary">Sign out</button>
</form>`,
  });
}

export function accountRoutes(app: FastifyInstance, services: Services): void {
  app.get(
    '/account',
    pageRoute(async (request, reply) => {
      const signedIn = await currentUser(request, services);
      if (!signedIn) return signInRedirect(reply, '/account');
      return accountPage(request, reply, services, signedIn.user);
    }),
  );

  app.post<{ Params: { id: string } }>(
    '/account/grants/:id/revoke',
    pageRoute(async (request, reply) => {
      const form = readForm(request);
      if (!checkCsrf(request, form, services)) return csrfRefused();
      const signedIn = await currentUser(request, services);
      if (!signedIn) return signInRedirect(reply, '/account');
      const raw = (request.params as { id?: string }).id ?? '';
      const grantId = /^[0-9]{1,15}$/.test(raw) ? Number(raw) : null;
      const revoked = grantId !== null && (await services.db.transaction().execute((trx) => revokeGrant(trx, grantId, signedIn.user.id, services.clock)));
      if (!revoked) {
        return messagePage({ title: 'Nothing to revoke', message: 'You have no active grant with that id: it may have been revoked already.', status: 404, link: { href: '/account', text: 'Back to your account' } });
      }
      return seeOther(reply, '/account?notice=revoked');
    }),
  );

  app.post(
    '/account/pay-password',
    pageRoute(async (request, reply) => {
      const form = readForm(request);
      if (!checkCsrf(request, form, services)) return csrfRefused();
      const signedIn = await currentUser(request, services);
      if (!signedIn) return signInRedirect(reply, '/account');
      return setPayPasswordForm(request, reply, services, signedIn.user, form);
    }),
  );
}

function validatePayPasswordForm(password: string, payPassword: string, confirm: string): FieldErrors {
  const errors: FieldErrors = {};
  if (password === '') errors.current_password = 'Enter your account password.';
  if (payPassword === '') errors.pay_password = 'Choose a pay password.';
  else if (payPassword.length < MIN_PAY_PASSWORD_LENGTH) errors.pay_password = `Use at least ${MIN_PAY_PASSWORD_LENGTH} characters.`;
  else if (payPassword.length > MAX_PAY_PASSWORD_LENGTH) errors.pay_password = `Use at most ${MAX_PAY_PASSWORD_LENGTH} characters.`;
  else if (confirm !== payPassword) errors.pay_password_confirm = 'The two pay passwords differ. Type the same one twice.';
  return errors;
}

const WRONG_ACCOUNT_PASSWORD = 'That is not your account password.';

async function setPayPasswordForm(request: FastifyRequest, reply: FastifyReply, services: Services, user: User, form: URLSearchParams): Promise<HtmlPage | FastifyReply> {
  const password = field(form, 'current_password', { trim: false, max: 1024 });
  // One over the limit, so an over-long pay password is refused rather than silently cut.
  const payPassword = field(form, 'pay_password', { trim: false, max: MAX_PAY_PASSWORD_LENGTH + 1 });
  const confirm = field(form, 'pay_password_confirm', { trim: false, max: MAX_PAY_PASSWORD_LENGTH + 1 });
  const errors = validatePayPasswordForm(password, payPassword, confirm);
  if (Object.keys(errors).length) return accountPage(request, reply, services, user, { errors, status: 400 });

  const wait = await overLimit(services, [
    [`web.paypw.ip:${clientIp(request)}`, PAY_PASSWORD_LIMITS.perIpPerMinute],
    [`web.paypw.user:${user.id}`, PAY_PASSWORD_LIMITS.perUserPerMinute],
  ]);
  if (wait !== null) {
    reply.header('retry-after', String(wait));
    return accountPage(request, reply, services, user, { errors: {}, error: `Too many attempts. Wait ${waitText(wait)} and try again.`, status: 429 });
  }

  const before = await getPayPasswordState(services.db, user.id, services.clock);
  const prepared = await preparePayPasswordChange(services.db, user.id, { password, newPayPassword: payPassword }, webIdentityDeps(services));
  switch (prepared.kind) {
    case 'ok':
      break;
    case 'wrong_password':
      return accountPage(request, reply, services, user, { errors: { current_password: WRONG_ACCOUNT_PASSWORD }, status: 400 });
    case 'same_as_password':
      return accountPage(request, reply, services, user, { errors: { pay_password: 'Choose a pay password different from your account password.' }, status: 400 });
    case 'invalid_pay_password':
      return accountPage(request, reply, services, user, { errors: { pay_password: `Use ${MIN_PAY_PASSWORD_LENGTH}–${MAX_PAY_PASSWORD_LENGTH} characters.` }, status: 400 });
    case 'disabled':
    case 'not_found':
      return signInRedirect(reply, '/account');
  }
  try {
    await services.db.transaction().execute((trx) => changePayPassword(trx, prepared, services.clock));
  } catch (err) {
    // The account password changed (or the account was disabled) between the check and the write.
    if (err instanceof IdentityError && err.code === 'wrong_password') {
      return accountPage(request, reply, services, user, { errors: { current_password: WRONG_ACCOUNT_PASSWORD }, status: 400 });
    }
    if (err instanceof IdentityError && (err.code === 'user_disabled' || err.code === 'not_found')) return signInRedirect(reply, '/account');
    throw err;
  }
  return seeOther(reply, `/account?notice=${before?.set ? 'pay_password_changed' : 'pay_password_set'}`);
}
