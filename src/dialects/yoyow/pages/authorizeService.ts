// Plaza's hosted YOYOW wallet authorisation page (spec/yoyow.md §6.7, redirect flow built on `/auth/sign`):
//   GET  /yoyow/authorize-service?platform&time&sign[&state][&redirect]
//   POST /yoyow/authorize-service   (CSRF; decision=confirm|decline; spending_limit)
// Checks in order: the link (app, its secondary-key signature, age — common.ts), the return address (`redirect`
// must exactly match one of the app's registered redirect URIs; without it, the app's `yoyow.callback_url`), the
// Plaza session (→ hosted sign-in, back here with the link admitted), then the consent card. Confirm records the
// consent (op 23), signs `{"yoyow","time"}` with the user's Plaza-held active key and redirects with
// `yoyow`, `time`, `sign` [, `state`]; with no return address the page shows the three values. Decline redirects
// with `error=access_denied` [, `state`].
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isAllowedRedirectUri } from '../../../core/identity/appAccess.js';
import type { StoredApp } from '../../../core/identity/apps.js';
import { signAccountLogin } from '../../../modules/yoyow/keys/signin.js';
import type { Services } from '../../../services.js';
import { SPENDING_LIMIT_FIELD } from '../../../web/consent.js';
import { checkCsrf } from '../../../web/csrf.js';
import { escapeHtml, page, readForm, type HtmlPage } from '../../../web/layout.js';
import { csrfRefused, pageRoute, seeOther } from '../../../web/route.js';
import { currentUser, signInRedirect } from '../../../web/session.js';
import { AUTHORIZE_SERVICE_PATH } from '../auth.js';
import { checkLink, consentPage, consentRequest, errorPage, linkFields, linkHidden, parseLimit, recordConsent, withParams, type CheckedLink } from './common.js';

type Source = URLSearchParams;

/** Where the user goes back to: the registered `redirect`, else `yoyow.callback_url`, else nowhere (null). */
function destination(app: StoredApp, source: Source): { url: string | null } | HtmlPage {
  const redirect = source.get('redirect');
  if (redirect !== null && redirect !== '') {
    if (!isAllowedRedirectUri(app, redirect)) {
      return errorPage(400, 'Unregistered return address', `${redirect} is not a return address registered for ${app.name}; nothing was sent to it.`);
    }
    return { url: redirect };
  }
  const callback = app.settings.yoyow?.callback_url;
  return { url: typeof callback === 'string' && /^https?:\/\//i.test(callback) ? callback : null };
}

function pagePath(link: CheckedLink, source: Source): string {
  const q = new URLSearchParams(linkHidden(link));
  const redirect = source.get('redirect');
  if (redirect !== null && redirect !== '') q.set('redirect', redirect);
  return `${AUTHORIZE_SERVICE_PATH}?${q.toString()}`;
}

function hiddenFields(link: CheckedLink, source: Source): Record<string, string> {
  const out = linkHidden(link);
  const redirect = source.get('redirect');
  if (redirect !== null && redirect !== '') out.redirect = redirect;
  return out;
}

interface Prepared {
  link: CheckedLink;
  to: string | null;
}

async function prepare(services: Services, source: Source): Promise<Prepared | HtmlPage> {
  const link = await checkLink(services, linkFields(source), source.get('admitted') ?? undefined);
  if (!('app' in link)) return link;
  const to = destination(link.app, source);
  if (!('url' in to)) return to;
  return { link, to: to.url };
}

async function showPage(request: FastifyRequest, reply: FastifyReply, services: Services): Promise<FastifyReply | HtmlPage> {
  const source = new URLSearchParams(request.url.includes('?') ? request.url.slice(request.url.indexOf('?') + 1) : '');
  const prepared = await prepare(services, source);
  if (!('link' in prepared)) return prepared;
  const session = await currentUser(request, services);
  if (session === null) return signInRedirect(reply, pagePath(prepared.link, source));
  return consentPage({
    request,
    reply,
    services,
    link: prepared.link,
    user: session.user,
    action: AUTHORIZE_SERVICE_PATH,
    hidden: hiddenFields(prepared.link, source),
  });
}

function shownValues(app: StoredApp, values: Record<string, string>): HtmlPage {
  const rows = Object.entries(values)
    .map(([k, v]) => `<dt>${escapeHtml(k)}</dt><dd><code>${escapeHtml(v)}</code></dd>`)
    .join('\n');
  return page({
    title: `Authorised ${app.name}`,
    body: `<h1>You authorised ${escapeHtml(app.name)}</h1>
<p>${escapeHtml(app.name)} registered no return address. Give it these values to finish signing in:</p>
<dl class="facts">
${rows}
</dl>`,
  });
}

async function answerForm(request: FastifyRequest, reply: FastifyReply, services: Services): Promise<FastifyReply | HtmlPage> {
  const form = readForm(request);
  if (!checkCsrf(request, form, services)) return csrfRefused();
  const prepared = await prepare(services, form);
  if (!('link' in prepared)) return prepared;
  const { link, to } = prepared;
  const session = await currentUser(request, services);
  if (session === null) return signInRedirect(reply, pagePath(link, form));
  const state: Record<string, string> = link.state !== undefined ? { state: link.state } : {};
  const decision = form.get('decision');
  if (decision === 'decline') {
    if (to !== null) return seeOther(reply, withParams(to, { error: 'access_denied', ...state }));
    return page({ title: 'Declined', body: `<h1>You declined</h1>\n<p>Nothing was shared with ${escapeHtml(link.app.name)}.</p>` });
  }
  if (decision !== 'confirm') return errorPage(400, 'No decision', 'Choose Confirm or Decline.');
  const limitText = form.get(SPENDING_LIMIT_FIELD) ?? '';
  const limit = parseLimit(limitText, consentRequest(link.app));
  if ('error' in limit) {
    return consentPage({ request, reply, services, link, user: session.user, action: AUTHORIZE_SERVICE_PATH, hidden: hiddenFields(link, form), limitValue: limitText.slice(0, 100), limitError: limit.error });
  }
  await recordConsent(services, session.user.uid, link.app, limit.maxLimit);
  const signed = await signAccountLogin(services.db, session.user.uid, services);
  const values: Record<string, string> = { yoyow: String(signed.yoyow), time: signed.time, sign: signed.sign, ...state };
  if (to !== null) return seeOther(reply, withParams(to, values));
  return shownValues(link.app, values);
}

export function registerAuthorizeServicePage(app: FastifyInstance, services: Services): void {
  app.get(AUTHORIZE_SERVICE_PATH, pageRoute((request, reply) => showPage(request, reply, services)));
  app.post(AUTHORIZE_SERVICE_PATH, pageRoute((request, reply) => answerForm(request, reply, services)));
}
