// GET /account (who you are, whether your email is confirmed, the apps you granted access) and
// POST /account/grants/:id/revoke. A user only ever sees and revokes its own grants (revokeGrant checks the owner);
// revoking a grant also revokes every token issued under it, at once.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { listUserGrants, revokeGrant, type Grant } from '../core/identity/grants.js';
import type { User } from '../core/identity/users.js';
import type { Services } from '../services.js';
import { checkCsrf, csrfToken, CSRF_FIELD } from './csrf.js';
import { banner, escapeHtml, hidden, messagePage, page, readForm, type HtmlPage } from './layout.js';
import { csrfRefused, pageRoute, seeOther } from './route.js';
import { currentUser, signInRedirect } from './session.js';

const NOTICES: Record<string, string> = {
  revoked: 'Access revoked. The app can no longer act for you.',
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

async function accountPage(request: FastifyRequest, reply: FastifyReply, services: Services, user: User): Promise<HtmlPage> {
  const csrf = csrfToken(request, reply, services);
  const grants = await listUserGrants(services.db, user.id);
  const q = (request.query ?? {}) as Record<string, unknown>;
  const notice = typeof q.notice === 'string' ? NOTICES[q.notice] : undefined;
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
    body: `<h1>Your account</h1>
${notice ? banner('notice', notice) : ''}
${unverified}
<dl class="facts">
<dt>Username</dt><dd>${escapeHtml(user.username)}</dd>
<dt>Email</dt><dd>${user.email === null ? '<span class="muted">none</span>' : `${escapeHtml(user.email)} ${user.emailVerified ? '<span class="muted">(confirmed)</span>' : '<span class="muted">(not confirmed)</span>'}`}</dd>
<dt>User id</dt><dd>${user.uid}</dd>
</dl>
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
}
