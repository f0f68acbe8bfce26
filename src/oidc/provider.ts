// The OpenID Connect provider: oidc-provider (OpenID Certified) configured on Plaza's store, apps, users and hosted
// pages. Plaza writes no protocol code of its own: discovery, JWKS, the authorization endpoint, PKCE, the token
// endpoint with refresh rotation and reuse detection, userinfo, revocation, introspection and end-session are the
// library's. Plaza supplies storage (adapter.ts), clients (clients.ts), accounts (findAccount below), keys (keys.ts),
// the interaction pages (interactions.ts) and the HTML of the pages the library renders itself.
import type { Kysely } from 'kysely';
import Provider, { type Account, type Configuration, type KoaContextWithOIDC } from 'oidc-provider';
import { getAppByKey } from '../core/identity/apps.js';
import { getActiveGrant } from '../core/identity/grants.js';
import { revokeUserSession } from '../core/identity/sessions.js';
import { getUserByUid } from '../core/identity/users.js';
import type { DB } from '../db/schema.js';
import type { Services } from '../services.js';
import { messagePage, page } from '../web/layout.js';
import { SESSION_COOKIE } from '../web/session.js';
import { kyselyAdapter } from './adapter.js';
import { clientMetadata } from './clients.js';
import { cookieKeys, loadSigningKeys } from './keys.js';

import { defaultOidcSettings, OIDC_GRANT_KIND, OIDC_MOUNT, OIDC_SCOPES, type OidcSettings } from './constants.js';

export { OIDC_GRANT_KIND, OIDC_MOUNT, OIDC_SCOPES };

export function oidcIssuer(services: Services): string {
  return `${services.config.publicUrl}${OIDC_MOUNT}`;
}

/**
 * The account behind `sub` (a Plaza user's uid). With a token (code exchange, refresh, userinfo) the user must still
 * hold a live `oidc` grant for the token's app: revoking access on the account page, removing the app or disabling
 * the user stops refreshes and userinfo at once, not when the tokens expire.
 */
async function findAccount(db: Kysely<DB>, ctx: KoaContextWithOIDC, sub: string, token: { clientId?: string | undefined } | undefined): Promise<Account | undefined> {
  if (!/^[1-9][0-9]{0,15}$/.test(sub)) return undefined;
  const user = await getUserByUid(db, Number(sub));
  if (!user || user.disabled) return undefined;
  if (token !== undefined) {
    const clientId = ctx.oidc.client?.clientId ?? token.clientId;
    const app = clientId === undefined ? null : await getAppByKey(db, clientId);
    if (!app || !(await getActiveGrant(db, app.id, user.id, OIDC_GRANT_KIND))) return undefined;
  }
  return {
    accountId: sub,
    claims: () => ({
      sub,
      preferred_username: user.username,
      ...(user.email === null ? {} : { email: user.email, email_verified: user.emailVerified }),
    }),
  };
}

/** The library's own grant, unless the user revoked Plaza's record of it (then the consent prompt comes back). */
async function loadExistingGrant(db: Kysely<DB>, ctx: KoaContextWithOIDC) {
  const { client, session, result } = ctx.oidc;
  if (!client || !session) return undefined;
  const fresh = result?.consent?.grantId;
  const grantId = fresh ?? session.grantIdFor(client.clientId);
  if (!grantId) return undefined;
  if (fresh === undefined) {
    const app = await getAppByKey(db, client.clientId);
    const user = session.accountId ? await getUserByUid(db, Number(session.accountId)) : null;
    if (!app || !user || !(await getActiveGrant(db, app.id, user.id, OIDC_GRANT_KIND))) return undefined;
  }
  return ctx.oidc.provider.Grant.find(grantId);
}

function renderHtml(ctx: KoaContextWithOIDC, p: { statusCode: number; headers: Record<string, string>; body: string }): void {
  for (const [k, v] of Object.entries(p.headers)) ctx.set(k, v);
  ctx.type = 'html';
  ctx.body = p.body;
}

function configuration(services: Services, settings: OidcSettings, jwks: Configuration['jwks']): Configuration {
  const { db } = services;
  return {
    adapter: kyselyAdapter(db, services.clock, (clientId) => clientMetadata(services, clientId)),
    clients: [],
    clientDefaults: {
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic',
      id_token_signed_response_alg: 'RS256',
    },
    clientAuthMethods: ['client_secret_basic', 'client_secret_post'],
    responseTypes: ['code'],
    pkce: { required: () => true },
    scopes: [...OIDC_SCOPES],
    claims: { openid: ['sub'], profile: ['preferred_username'], email: ['email', 'email_verified'] },
    findAccount: (ctx, sub, token) => findAccount(db, ctx, sub, token),
    loadExistingGrant: (ctx) => loadExistingGrant(db, ctx),
    rotateRefreshToken: true,
    jwks,
    cookies: {
      keys: cookieKeys(services.config.masterKey),
      long: { httpOnly: true, sameSite: 'lax' },
      short: { httpOnly: true, sameSite: 'lax' },
    },
    interactions: { url: (_ctx, interaction) => `${OIDC_MOUNT}/interaction/${interaction.uid}` },
    features: {
      devInteractions: { enabled: false },
      // An app may revoke or introspect only its own tokens.
      revocation: { enabled: true, allowedPolicy: (_ctx, client, token) => token.clientId === client.clientId },
      introspection: { enabled: true, allowedPolicy: (_ctx, client, token) => token.clientId === client.clientId },
      userinfo: { enabled: true },
      rpInitiatedLogout: {
        enabled: true,
        logoutSource: (ctx, form) =>
          renderHtml(
            ctx,
            page({
              title: 'Sign out',
              body: `<h1>Sign out of Plaza?</h1>
${form}
<div class="actions">
<button autofocus type="submit" form="op.logoutForm" value="yes" name="logout">Yes, sign me out</button>
<button type="submit" form="op.logoutForm" class="secondary">No, stay signed in</button>
</div>`,
            }),
          ),
        postLogoutSuccessSource: (ctx) =>
          renderHtml(ctx, messagePage({ title: 'Signed out', message: 'You have signed out.', status: 200, link: { href: '/signin', text: 'Sign in again' } })),
      },
    },
    ttl: {
      AccessToken: settings.accessTokenTtlSeconds,
      AuthorizationCode: settings.authorizationCodeTtlSeconds,
      IdToken: settings.idTokenTtlSeconds,
      RefreshToken: settings.refreshTokenTtlSeconds,
      Interaction: settings.interactionTtlSeconds,
      Session: settings.sessionTtlSeconds,
      Grant: settings.grantTtlSeconds,
    },
    renderError: (ctx, out) =>
      renderHtml(
        ctx,
        messagePage({
          title: 'Sign-in failed',
          // The library's error codes and descriptions are meant for people ("redirect_uri did not match …").
          message: `${out.error}: ${out.error_description ?? ''}`,
          status: ctx.status >= 400 ? ctx.status : 400,
        }),
      ),
  };
}

/** Builds the provider (loading or creating the signing keys). One per server; every process shares the store. */
export async function createOidcProvider(services: Services, settings: OidcSettings = defaultOidcSettings()): Promise<Provider> {
  const issuer = oidcIssuer(services);
  const jwks = await loadSigningKeys(services.db, services.box);
  const provider = new Provider(issuer, configuration(services, settings, jwks as Configuration['jwks']));
  // Plaza does not trust X-Forwarded-* (server.ts: trustProxy false); the provider must not either.
  provider.proxy = false;
  provider.on('server_error', (_ctx: unknown, err: unknown) => services.logger.error({ err }, 'oidc provider failure'));
  // "Yes, sign me out" on the end-session page also ends the hosted-page session the sign-in came from.
  provider.use(async (ctx, next) => {
    await next();
    const oidc = (ctx as Partial<KoaContextWithOIDC>).oidc;
    if (oidc?.route !== 'end_session_confirm' || !oidc.params?.logout) return;
    const token = ctx.cookies.get(SESSION_COOKIE, { signed: false });
    if (token) await revokeUserSession(services.db, token, services.clock);
    ctx.append('set-cookie', `${SESSION_COOKIE}=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax`);
  });
  return provider;
}
