// The provider's interaction pages (/oidc/interaction/:uid): where the library sends a browser that must sign in or
// consent. Sign-in is the hosted /signin page (a Plaza session is the login); consent is the shared consent card.
// Confirming records the grant twice, on purpose: Plaza's `app_grants` row (kind 'oidc', what the account page lists
// and revokes) and the library's Grant (what its tokens hang off). Declining ends the flow with access_denied.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type Provider from 'oidc-provider';
import type { InteractionResults } from 'oidc-provider';
import { getAppByKey, type App } from '../core/identity/apps.js';
import { getDeveloper } from '../core/identity/developers.js';
import { getActiveGrant, upsertGrant } from '../core/identity/grants.js';
import type { User } from '../core/identity/users.js';
import type { Services } from '../services.js';
import { consentForm } from '../web/consent.js';
import { checkCsrf, csrfToken } from '../web/csrf.js';
import { messagePage, page, readForm, sendPage } from '../web/layout.js';
import { currentUser, signInRedirect } from '../web/session.js';
import { OIDC_GRANT_KIND, OIDC_MOUNT } from './constants.js';

type Details = Awaited<ReturnType<Provider['interactionDetails']>>;

/** What each scope lets the app see, as the consent card says it. */
const SCOPE_LINES: Record<string, string> = {
  openid: 'your Plaza user id',
  profile: 'your username',
  email: 'your email address and whether it is verified',
  offline_access: 'keep access while you are away (until you revoke it)',
};

function requestedScopes(details: Details): string[] {
  const scope = details.params.scope;
  return typeof scope === 'string' ? [...new Set(scope.split(' ').filter((s) => s in SCOPE_LINES))] : [];
}

function expired(reply: FastifyReply): FastifyReply {
  return sendPage(
    reply,
    messagePage({ title: 'Sign-in expired', message: 'This sign-in request has expired or was already used. Go back to the app and start again.', status: 400 }),
  );
}

/** The interaction of this browser, or null when its cookie is missing, expired or for another uid. */
async function loadDetails(provider: Provider, request: FastifyRequest<{ Params: { uid: string } }>, reply: FastifyReply): Promise<Details | null> {
  try {
    const details = await provider.interactionDetails(request.raw, reply.raw);
    return details.uid === request.params.uid ? details : null;
  } catch {
    return null;
  }
}

async function finish(provider: Provider, request: FastifyRequest, reply: FastifyReply, result: InteractionResults): Promise<FastifyReply> {
  const to = await provider.interactionResult(request.raw, reply.raw, result, { mergeWithLastSubmission: true });
  return reply.code(303).header('location', to).header('cache-control', 'no-store').send();
}

/** The library's Grant for this interaction, widened by what is missing, saved; returns its id. */
async function saveLibraryGrant(provider: Provider, details: Details, accountId: string): Promise<string> {
  const clientId = String(details.params.client_id);
  const grant = details.grantId ? ((await provider.Grant.find(details.grantId)) ?? new provider.Grant({ accountId, clientId })) : new provider.Grant({ accountId, clientId });
  const missing = details.prompt.details as { missingOIDCScope?: string[]; missingOIDCClaims?: string[]; missingResourceScopes?: Record<string, string[]> };
  if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
  if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
  for (const [indicator, scopes] of Object.entries(missing.missingResourceScopes ?? {})) grant.addResourceScope(indicator, scopes.join(' '));
  return grant.save();
}

async function renderConsent(services: Services, request: FastifyRequest, reply: FastifyReply, app: App, details: Details, user: User): Promise<FastifyReply> {
  const developer = await getDeveloper(services.db, app.developerId);
  const body = consentForm({
    app,
    developerName: developer?.username ?? 'an unknown developer',
    signedInAs: user,
    items: requestedScopes(details).map((s) => SCOPE_LINES[s]!),
    action: `${OIDC_MOUNT}/interaction/${details.uid}`,
    hidden: {},
    csrf: csrfToken(request, reply, services),
  });
  return sendPage(reply, page({ title: `Allow ${app.name}`, body }));
}

/** The step after the user is known: sign the session in, skip consent already given, or ask for it. */
async function advance(services: Services, provider: Provider, request: FastifyRequest, reply: FastifyReply, details: Details, user: User): Promise<FastifyReply> {
  const accountId = String(user.uid);
  // A login prompt, or a provider session of another account than the hosted page's: the hosted session decides.
  if (details.prompt.name === 'login' || details.session?.accountId !== accountId) {
    return finish(provider, request, reply, { login: { accountId } });
  }
  if (details.prompt.name !== 'consent') return expired(reply);
  const app = await getAppByKey(services.db, String(details.params.client_id));
  if (!app) return expired(reply);
  const prompts = typeof details.params.prompt === 'string' ? details.params.prompt.split(' ') : [];
  const given = await getActiveGrant(services.db, app.id, user.id, OIDC_GRANT_KIND);
  // Consent already given in Plaza for every scope asked (another browser, another session): no need to ask again,
  // unless the app asked for the question explicitly (prompt=consent).
  if (given && !prompts.includes('consent') && requestedScopes(details).every((s) => given.scopes.includes(s))) {
    return finish(provider, request, reply, { consent: { grantId: await saveLibraryGrant(provider, details, accountId) } });
  }
  return renderConsent(services, request, reply, app, details, user);
}

export function interactionRoutes(app: FastifyInstance, services: Services, provider: Provider): void {
  const path = `${OIDC_MOUNT}/interaction/:uid`;

  app.get<{ Params: { uid: string } }>(path, async (request, reply) => {
    const details = await loadDetails(provider, request, reply);
    if (!details) return expired(reply);
    const session = await currentUser(request, services);
    if (!session) return signInRedirect(reply, `${OIDC_MOUNT}/interaction/${details.uid}`);
    return advance(services, provider, request, reply, details, session.user);
  });

  app.post<{ Params: { uid: string } }>(path, async (request, reply) => {
    const form = readForm(request);
    if (!checkCsrf(request, form, services)) {
      return sendPage(reply, messagePage({ title: 'Form expired', message: 'The form expired. Go back and try again.', status: 403 }));
    }
    const details = await loadDetails(provider, request, reply);
    if (!details || details.prompt.name !== 'consent') return expired(reply);
    const session = await currentUser(request, services);
    if (!session) return signInRedirect(reply, `${OIDC_MOUNT}/interaction/${details.uid}`);
    const accountId = String(session.user.uid);
    // The page was shown to another account than the one signed in now: start over from the GET.
    if (details.session?.accountId !== accountId) return reply.code(303).header('location', `${OIDC_MOUNT}/interaction/${details.uid}`).send();
    if (form.get('decision') !== 'confirm') {
      return finish(provider, request, reply, { error: 'access_denied', error_description: 'the user declined' });
    }
    const app = await getAppByKey(services.db, String(details.params.client_id));
    if (!app) return expired(reply);
    const userId = session.user.id;
    await services.db.transaction().execute(async (trx) => {
      // Consent widens what was granted before; it never silently narrows it.
      const before = await getActiveGrant(trx, app.id, userId, OIDC_GRANT_KIND);
      const scopes = [...new Set([...(before?.scopes ?? []), ...requestedScopes(details)])];
      await upsertGrant(trx, { appId: app.id, userId, kind: OIDC_GRANT_KIND, scopes }, services.clock);
    });
    return finish(provider, request, reply, { consent: { grantId: await saveLibraryGrant(provider, details, accountId) } });
  });
}
