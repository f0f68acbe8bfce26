// The hosted page the Pi SDK opens in a popup (spec/pi.md §2.2, §6.3):
//   GET /pi/authenticate?app=<appkey>&scopes=<comma list>&origin=<page origin>   (also under /apps/<appkey>)
// Checks in order: the app (404 page), the origin (400 page: nothing is ever posted to an unregistered origin),
// the Plaza session (→ hosted sign-in, back here), then either the consent screen or — when the user's live grant
// already covers the recognised scopes — a silent hand-back. Confirm records the grant and issues an access token
// (config.pi, 24 h by default); the result page `postMessage`s `{type: 'plaza:pi:authenticated', accessToken, user}`
// to `window.opener` with the exact given origin as targetOrigin. Decline posts `{type: 'plaza:pi:cancelled'}`.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { findAppByAllowedOrigin, getAppByKey, type App } from '../../core/identity/apps.js';
import type { Db } from '../../core/identity/deps.js';
import { getDeveloper } from '../../core/identity/developers.js';
import { getActiveGrant, upsertGrant, type Grant } from '../../core/identity/grants.js';
import type { User } from '../../core/identity/users.js';
import { issueAccessToken } from '../../core/identity/userTokens.js';
import { appServable } from '../../http/appGate.js';
import type { Services } from '../../services.js';
import { consentForm } from '../../web/consent.js';
import { checkCsrf, csrfToken } from '../../web/csrf.js';
import { escapeHtml, messagePage, page, readForm, type HtmlPage } from '../../web/layout.js';
import { csrfRefused, pageRoute } from '../../web/route.js';
import { currentUser, signInRedirect } from '../../web/session.js';
import { allowNonceScripts, newNonce, scriptLiteral } from '../hostedScript.js';
import { PI_TOKEN_KIND } from './auth.js';
import { exactOrigin, originAllowed } from './origins.js';
import { PI_SCOPES, recognisedScopes, splitScopeList, type PiScope } from './scopes.js';

export const AUTHENTICATE_PATH = '/pi/authenticate';

interface Target {
  app: App;
  /** The bare origin the result is posted to. */
  origin: string;
  /** The scope list as the app sent it (kept for the form and the sign-in round trip). */
  scopeList: string;
  scopes: PiScope[];
}

const SCOPE_LINES: Record<PiScope, string> = {
  username: 'your Plaza username',
  payments: 'permission to ask you for payments (you approve each one)',
  wallet_address: 'your wallet address, so the app can pay you',
  roles: 'your roles (whether your email is verified, whether you are on the Plaza team)',
};

function errorPage(status: number, title: string, message: string): HtmlPage {
  return messagePage({ title, message, status });
}

function param(source: Record<string, unknown> | URLSearchParams, name: string): string | undefined {
  const v = source instanceof URLSearchParams ? source.get(name) : source[name];
  return typeof v === 'string' ? v : undefined;
}

/**
 * The app, origin and scopes of a request, or the error page refusing it. The app is the one named by `app` or the
 * `/apps/<appkey>` prefix; when neither names one (the SDK was loaded without an app key, §6.1), the one app whose
 * registered origins contain the page's origin.
 */
async function resolveTarget(request: FastifyRequest, source: Record<string, unknown> | URLSearchParams, services: Services): Promise<Target | HtmlPage> {
  const prefix = (request.params as { appkey?: string }).appkey?.toLowerCase();
  const appkey = param(source, 'app')?.trim().toLowerCase() || prefix;
  const origin = exactOrigin(param(source, 'origin') ?? '');
  if (appkey === undefined && origin === null) return errorPage(400, 'Missing app', 'This sign-in link does not name an app (parameter "app").');
  const app =
    appkey === undefined
      ? await findAppByAllowedOrigin(services.db, origin!)
      : prefix !== undefined && prefix !== appkey
        ? null
        : await getAppByKey(services.db, appkey);
  if (appkey === undefined && !app) return errorPage(400, 'Missing app', `This sign-in link does not name an app, and no single app registered ${origin!}.`);
  if (!app || !(await appServable(services.db, app, 'pi', services.clock))) {
    return errorPage(404, 'Unknown app', 'The app this sign-in link names does not exist or is disabled.');
  }
  if (origin === null) return errorPage(400, 'Missing origin', 'This sign-in link does not name the web page to return to (parameter "origin").');
  if (!originAllowed(app, origin, services.config.sandbox)) {
    return errorPage(400, 'Unregistered web address', `${origin} is not a web address registered for ${app.name}; nothing was sent to it.`);
  }
  const scopeList = param(source, 'scopes') ?? '';
  return { app, origin, scopeList, scopes: recognisedScopes(splitScopeList(scopeList)) };
}

function getUrl(request: FastifyRequest, target: Target): string {
  const prefix = (request.params as { appkey?: string }).appkey;
  const base = prefix !== undefined ? `/apps/${encodeURIComponent(prefix)}${AUTHENTICATE_PATH}` : AUTHENTICATE_PATH;
  const q = new URLSearchParams({ app: target.app.appkey, scopes: target.scopeList, origin: target.origin });
  return `${base}?${q.toString()}`;
}

/** The page that hands `message` to the opener at `origin` and closes itself. */
function handBack(target: Target, message: Record<string, unknown>, text: string): HtmlPage {
  const nonce = newNonce();
  const script =
    `(function(){var m=${scriptLiteral(message)};var o=${scriptLiteral(target.origin)};` +
    `if(window.opener){window.opener.postMessage(m,o);window.close();}})();`;
  const body = `<h1>${escapeHtml(target.app.name)}</h1><p>${escapeHtml(text)}</p><script nonce="${nonce}">${script}</script>`;
  const rendered = allowNonceScripts(page({ title: target.app.name, body }), nonce);
  return { ...rendered, headers: { ...rendered.headers, 'referrer-policy': 'no-referrer' } };
}

function issueToken(trx: Db, target: Target, grant: Grant, services: Services): Promise<{ token: string }> {
  return issueAccessToken(trx, { grant, scopes: target.scopes, kind: PI_TOKEN_KIND, ttlSeconds: services.config.pi.accessTokenTtlSeconds }, services.clock);
}

function handBackToken(target: Target, user: User, grant: Grant, token: string): HtmlPage {
  const shown: Record<string, string> = { uid: grant.pairwiseUid };
  if (target.scopes.includes('username')) shown.username = user.username;
  return handBack(target, { type: 'plaza:pi:authenticated', accessToken: token, user: shown }, 'You are signed in. This window closes by itself.');
}

async function consentPage(request: FastifyRequest, reply: FastifyReply, target: Target, user: User, services: Services): Promise<HtmlPage> {
  const developer = await getDeveloper(services.db, target.app.developerId);
  const items = ['your user id for this app', ...target.scopes.map((s) => SCOPE_LINES[s])];
  const prefix = (request.params as { appkey?: string }).appkey;
  const action = prefix !== undefined ? `/apps/${encodeURIComponent(prefix)}${AUTHENTICATE_PATH}` : AUTHENTICATE_PATH;
  const form = consentForm({
    app: target.app,
    developerName: developer?.username ?? 'an unknown developer',
    signedInAs: user,
    items,
    action,
    hidden: { app: target.app.appkey, scopes: target.scopeList, origin: target.origin },
    csrf: csrfToken(request, reply, services),
  });
  return page({ title: `Sign in to ${target.app.name}`, body: form });
}

function covers(grant: Grant, scopes: readonly PiScope[]): boolean {
  return scopes.every((s) => grant.scopes.includes(s));
}

async function showPage(request: FastifyRequest, reply: FastifyReply, services: Services): Promise<FastifyReply | HtmlPage> {
  const target = await resolveTarget(request, request.query as Record<string, unknown>, services);
  if (!('app' in target)) return target;
  const session = await currentUser(request, services);
  if (session === null) return signInRedirect(reply, getUrl(request, target));
  const grant = await getActiveGrant(services.db, target.app.id, session.user.id, PI_TOKEN_KIND);
  if (grant !== null && covers(grant, target.scopes)) {
    const { token } = await services.db.transaction().execute((trx) => issueToken(trx, target, grant, services));
    return handBackToken(target, session.user, grant, token);
  }
  return consentPage(request, reply, target, session.user, services);
}

async function answerForm(request: FastifyRequest, reply: FastifyReply, services: Services): Promise<FastifyReply | HtmlPage> {
  const form = readForm(request);
  if (!checkCsrf(request, form, services)) return csrfRefused();
  const target = await resolveTarget(request, form, services);
  if (!('app' in target)) return target;
  const session = await currentUser(request, services);
  if (session === null) return signInRedirect(reply, getUrl(request, target));
  const decision = form.get('decision');
  if (decision === 'decline') return handBack(target, { type: 'plaza:pi:cancelled' }, 'You declined. This window closes by itself.');
  if (decision !== 'confirm') return errorPage(400, 'No decision', 'Choose Confirm or Decline.');
  const { grant, token } = await services.db.transaction().execute(async (trx) => {
    // Grants accumulate: consenting to `wallet_address` later must not take `payments` away from the app.
    const existing = await getActiveGrant(trx, target.app.id, session.user.id, PI_TOKEN_KIND);
    const scopes = PI_SCOPES.filter((s) => target.scopes.includes(s) || (existing?.scopes.includes(s) ?? false));
    const granted = await upsertGrant(trx, { appId: target.app.id, userId: session.user.id, kind: PI_TOKEN_KIND, scopes }, services.clock);
    return { grant: granted, token: (await issueToken(trx, target, granted, services)).token };
  });
  return handBackToken(target, session.user, grant, token);
}

export function registerAuthenticatePage(app: FastifyInstance, services: Services): void {
  for (const url of [AUTHENTICATE_PATH, `/apps/:appkey${AUTHENTICATE_PATH}`]) {
    app.get(url, pageRoute((request, reply) => showPage(request, reply, services)));
    app.post(url, pageRoute((request, reply) => answerForm(request, reply, services)));
  }
}
