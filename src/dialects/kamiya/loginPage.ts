// The hosted Kamiya login page (spec/kamiya.md §2.2, §3.12):
//   GET  /openIDAppLogin.html?appId=<appkey>[&state=…][&redirect_uri=…]   (also under /apps/<appkey>)
//   POST the same path: the confirm / decline form, or the "add your email" form (both CSRF-protected).
// Refusals are HTML pages: missing appId 400, unknown or disabled app 404 (also an appId other than the prefix's),
// state over 512 characters 400, an unregistered redirect_uri 400 — never a redirect to an unregistered URL.
// A signed-out browser goes through the hosted sign-in and comes back; an account without an email adds one first.
// The confirmation screen names the app and its developer on every visit (each confirmation issues a credential).
// Confirm: the grant (kind `kamiya`) is recorded or refreshed and a one-time token issued in one transaction, then
// 303 to the redirect URL with `token` and `state`, or — without a registered URL — the token shown with a copy
// button. Decline: 303 with `error=access_denied` and `state`, or a "declined" page.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { appRedirectUris, isAllowedRedirectUri } from '../../core/identity/appAccess.js';
import { getAppByKey, type StoredApp } from '../../core/identity/apps.js';
import { getDeveloper } from '../../core/identity/developers.js';
import { createEmailToken } from '../../core/identity/emailTokens.js';
import { IdentityError } from '../../core/identity/errors.js';
import { upsertGrant } from '../../core/identity/grants.js';
import { issueLoginToken, loginTokenKey } from '../../core/identity/userTokens.js';
import { setUserEmail, type User } from '../../core/identity/users.js';
import { appServable } from '../../http/appGate.js';
import type { Services } from '../../services.js';
import { consentForm } from '../../web/consent.js';
import { CSRF_FIELD, checkCsrf, csrfToken } from '../../web/csrf.js';
import { banner, escapeHtml, field, hidden, input, messagePage, page, readForm, type HtmlPage } from '../../web/layout.js';
import { csrfRefused, pageRoute, seeOther } from '../../web/route.js';
import { currentUser, signInRedirect } from '../../web/session.js';
import { emailProblem, sendVerificationMail } from '../../web/signUp.js';
import { allowNonceScripts, newNonce, scriptLiteral } from '../hostedScript.js';

export const LOGIN_PAGE_PATH = '/openIDAppLogin.html';
/** The grant kind the login page records; billing calls accept only users holding a live one (§2.1). */
export const KAMIYA_GRANT_KIND = 'kamiya';
/** What the confirmation screen says the app receives, recorded as the grant's scopes. */
export const KAMIYA_GRANT_SCOPES = ['profile', 'credits'] as const;
export const MAX_STATE_LENGTH = 512;

const CONSENT_ITEMS = ['your user id, email address and role', 'permission to charge your credits (魔晶)'];

interface Target {
  app: StoredApp;
  /** As given (returned unchanged); null when absent. */
  state: string | null;
  /** `redirect_uri` as given, kept for the form round trip. */
  givenRedirect: string | null;
  /** Where the answer goes: the given registered URL, else the first registered one, else null (token shown). */
  redirect: string | null;
}

function param(source: Record<string, unknown> | URLSearchParams, name: string): string | null {
  const v = source instanceof URLSearchParams ? source.get(name) : source[name];
  return typeof v === 'string' ? v : null;
}

function prefixOf(request: FastifyRequest): string | undefined {
  return (request.params as { appkey?: string }).appkey;
}

function pagePath(request: FastifyRequest): string {
  const prefix = prefixOf(request);
  return prefix !== undefined ? `/apps/${encodeURIComponent(prefix)}${LOGIN_PAGE_PATH}` : LOGIN_PAGE_PATH;
}

function errorPage(status: number, title: string, message: string): HtmlPage {
  return messagePage({ title, message, status });
}

/** The app, state and redirect URL of a request, or the page refusing it. */
async function resolveTarget(request: FastifyRequest, source: Record<string, unknown> | URLSearchParams, services: Services): Promise<Target | HtmlPage> {
  const appId = param(source, 'appId')?.trim() ?? '';
  if (appId === '') return errorPage(400, 'Missing app', 'This sign-in link does not name an app (parameter "appId"). Go back to the app and try again.');
  const prefix = prefixOf(request)?.toLowerCase();
  const app = prefix !== undefined && prefix !== appId.toLowerCase() ? null : await getAppByKey(services.db, appId.toLowerCase());
  if (!app || !(await appServable(services.db, app, 'kamiya', services.clock))) {
    return errorPage(404, 'Unknown app', 'The app this sign-in link names does not exist or is disabled.');
  }
  const state = param(source, 'state');
  if (state !== null && state.length > MAX_STATE_LENGTH) return errorPage(400, 'Invalid link', `The "state" parameter is longer than ${MAX_STATE_LENGTH} characters.`);
  const givenRedirect = param(source, 'redirect_uri');
  if (givenRedirect !== null && !isAllowedRedirectUri(app, givenRedirect)) {
    return errorPage(400, 'Unregistered redirect address', `The address this sign-in link returns to is not registered for ${app.name}; Plaza will not send you there.`);
  }
  return { app, state, givenRedirect, redirect: givenRedirect ?? appRedirectUris(app)[0] ?? null };
}

/** The query that names this target (appId, state, redirect_uri as given), for the GET URL and the forms. */
function targetParams(target: Target): Record<string, string> {
  const out: Record<string, string> = { appId: target.app.appkey };
  if (target.state !== null) out.state = target.state;
  if (target.givenRedirect !== null) out.redirect_uri = target.givenRedirect;
  return out;
}

function getUrl(request: FastifyRequest, target: Target): string {
  return `${pagePath(request)}?${new URLSearchParams(targetParams(target)).toString()}`;
}

/**
 * `base` with `params` added to its query: `?` or `&` as needed, values URL-encoded, the existing query left
 * byte for byte, any fragment kept after the query.
 */
export function withQuery(base: string, params: ReadonlyArray<readonly [string, string]>): string {
  const hashAt = base.indexOf('#');
  const beforeHash = hashAt === -1 ? base : base.slice(0, hashAt);
  const fragment = hashAt === -1 ? '' : base.slice(hashAt);
  const added = params.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&');
  if (added === '') return base;
  const sep = !beforeHash.includes('?') ? '?' : beforeHash.endsWith('?') || beforeHash.endsWith('&') ? '' : '&';
  return `${beforeHash}${sep}${added}${fragment}`;
}

function stateParam(target: Target): Array<[string, string]> {
  return target.state !== null ? [['state', target.state]] : [];
}

async function confirmPage(request: FastifyRequest, reply: FastifyReply, target: Target, user: User, services: Services): Promise<HtmlPage> {
  const developer = await getDeveloper(services.db, target.app.developerId);
  const form = consentForm({
    app: target.app,
    developerName: developer?.username ?? 'an unknown developer',
    signedInAs: user,
    items: CONSENT_ITEMS,
    action: pagePath(request),
    hidden: targetParams(target),
    csrf: csrfToken(request, reply, services),
  });
  return page({ title: `Sign in to ${target.app.name}`, body: form });
}

function emailPage(request: FastifyRequest, reply: FastifyReply, target: Target, services: Services, state: { value: string; error?: string }): HtmlPage {
  const fields = Object.entries(targetParams(target))
    .map(([k, v]) => hidden(k, v))
    .join('\n');
  const body = `<h1>Add your email address</h1>
<p>${escapeHtml(target.app.name)} signs you in with your email address. Add one to your Plaza account to continue.</p>
${state.error ? banner('error', state.error) : ''}
<form method="post" action="${escapeHtml(pagePath(request))}">
${hidden(CSRF_FIELD, csrfToken(request, reply, services))}
${hidden('action', 'email')}
${fields}
${input({ name: 'email', label: 'Email address', type: 'email', value: state.value, autocomplete: 'email', errors: state.error ? { email: state.error } : {} })}
<div class="actions"><button type="submit">Continue</button></div>
</form>`;
  return page({ title: 'Add your email address', body, status: state.error ? 400 : 200 });
}

function tokenPage(target: Target, token: string, expiresAt: number): HtmlPage {
  const nonce = newNonce();
  const until = new Date(expiresAt).toISOString().replace('T', ' ').replace(/:\d\d\.\d{3}Z$/, ' UTC');
  const script =
    `(function(){var b=document.getElementById('copy');if(!b||!navigator.clipboard)return;` +
    `b.addEventListener('click',function(){navigator.clipboard.writeText(${scriptLiteral(token)}).then(function(){b.textContent='Copied';});});})();`;
  const body = `<h1>Your sign-in code for ${escapeHtml(target.app.name)}</h1>
<p>Paste this code into ${escapeHtml(target.app.name)}. It works once, until ${escapeHtml(until)} (10 minutes).</p>
<p><code id="token" class="token">${escapeHtml(token)}</code></p>
<div class="actions"><button type="button" id="copy">Copy</button></div>
<script nonce="${nonce}">${script}</script>`;
  const p = allowNonceScripts(page({ title: `Sign-in code for ${target.app.name}`, body }), nonce);
  return { ...p, headers: { ...p.headers, 'referrer-policy': 'no-referrer' } };
}

async function showPage(request: FastifyRequest, reply: FastifyReply, services: Services): Promise<FastifyReply | HtmlPage> {
  const target = await resolveTarget(request, (request.query ?? {}) as Record<string, unknown>, services);
  if (!('app' in target)) return target;
  const session = await currentUser(request, services);
  if (session === null) return signInRedirect(reply, getUrl(request, target));
  if (session.user.email === null) return emailPage(request, reply, target, services, { value: '' });
  return confirmPage(request, reply, target, session.user, services);
}

async function addEmail(request: FastifyRequest, reply: FastifyReply, target: Target, user: User, form: URLSearchParams, services: Services): Promise<FastifyReply | HtmlPage> {
  const email = field(form, 'email', { max: 300 });
  const problem = emailProblem(email);
  if (problem) return emailPage(request, reply, target, services, { value: email, error: problem });
  let result: { user: User; token: string };
  try {
    result = await services.db.transaction().execute(async (trx) => {
      const updated = await setUserEmail(trx, user.id, email, services.clock);
      return { user: updated, token: await createEmailToken(trx, user.id, 'verify', services.clock) };
    });
  } catch (err) {
    if (err instanceof IdentityError && err.code === 'email_taken') {
      return emailPage(request, reply, target, services, { value: email, error: 'That email address belongs to another account.' });
    }
    throw err;
  }
  await sendVerificationMail(request, services, result.user, result.token);
  return seeOther(reply, getUrl(request, target));
}

async function decide(reply: FastifyReply, target: Target, user: User, services: Services): Promise<FastifyReply | HtmlPage> {
  const { token, expiresAt } = await services.db.transaction().execute(async (trx) => {
    const grant = await upsertGrant(trx, { appId: target.app.id, userId: user.id, kind: KAMIYA_GRANT_KIND, scopes: [...KAMIYA_GRANT_SCOPES] }, services.clock);
    return issueLoginToken(trx, { grant }, services.clock, loginTokenKey(services.config.masterKey));
  });
  if (target.redirect === null) return tokenPage(target, token, expiresAt);
  return seeOther(reply, withQuery(target.redirect, [['token', token], ...stateParam(target)]));
}

async function answerForm(request: FastifyRequest, reply: FastifyReply, services: Services): Promise<FastifyReply | HtmlPage> {
  const form = readForm(request);
  if (!checkCsrf(request, form, services)) return csrfRefused();
  const target = await resolveTarget(request, form, services);
  if (!('app' in target)) return target;
  const session = await currentUser(request, services);
  if (session === null) return signInRedirect(reply, getUrl(request, target));
  if (form.get('action') === 'email') return addEmail(request, reply, target, session.user, form, services);
  if (session.user.email === null) return seeOther(reply, getUrl(request, target));
  const decision = form.get('decision');
  if (decision === 'decline') {
    if (target.redirect === null) return messagePage({ title: 'Declined', message: `You declined to sign in to ${target.app.name}. You can close this page.`, status: 200 });
    return seeOther(reply, withQuery(target.redirect, [['error', 'access_denied'], ...stateParam(target)]));
  }
  if (decision !== 'confirm') return errorPage(400, 'No decision', 'Choose Confirm or Decline.');
  return decide(reply, target, session.user, services);
}

export function registerLoginPage(app: FastifyInstance, services: Services): void {
  for (const url of [LOGIN_PAGE_PATH, `/apps/:appkey${LOGIN_PAGE_PATH}`]) {
    app.get(url, pageRoute((request, reply) => showPage(request, reply, services)));
    app.post(url, pageRoute((request, reply) => answerForm(request, reply, services)));
  }
}
