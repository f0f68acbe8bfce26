// An OIDC test world: a Plaza server with the hosted pages and the provider, listening on a port chosen before the
// server is built (the issuer, `${publicUrl}/oidc`, must be the URL the client really talks to), a developer's app
// registered as a client with one redirect URI, a signed-in user, and openid-client configured by discovery.
import { createServer, type AddressInfo } from 'node:net';
import * as client from 'openid-client';
import { testConfig } from '../../src/config.js';
import { identityDeps } from '../../src/admin/deps.js';
import { createApp } from '../../src/core/identity/apps.js';
import { setAppRedirectUris } from '../../src/core/identity/appAccess.js';
import { ensureAdminDeveloper, hashNewPassword } from '../../src/core/identity/developers.js';
import { createUserSession } from '../../src/core/identity/sessions.js';
import { registerUser, type User } from '../../src/core/identity/users.js';
import type { StoreKind } from '../../src/db/database.js';
import { oidcRoutesWith } from '../../src/oidc/routes.js';
import type { OidcSettings } from '../../src/oidc/constants.js';
import { buildServer } from '../../src/server.js';
import type { Services } from '../../src/services.js';
import { webPages } from '../../src/web/plugin.js';
import { SESSION_COOKIE } from '../../src/web/session.js';
import { createTestStore, type TestStore } from '../support/stores.js';
import { createAgent, formAction, hiddenField, type Agent } from './agent.js';

export const REDIRECT_URI = 'https://app.example.test/callback';

export interface OidcWorld {
  baseUrl: string;
  issuer: URL;
  services: Services;
  store: TestStore;
  app: { id: number; appkey: string; secret: string };
  user: User;
  /** A hosted-page session of `user`. */
  sessionToken: string;
  /** openid-client configured by discovery, authenticating with client_secret_basic. */
  config: client.Configuration;
  close(): Promise<void>;
}

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

export async function discover(world: Pick<OidcWorld, 'issuer'>, clientId: string, auth: client.ClientAuth): Promise<client.Configuration> {
  return client.discovery(world.issuer, clientId, undefined, auth, { execute: [client.allowInsecureRequests] });
}

export async function startOidcWorld(kind: StoreKind, settings: Partial<OidcSettings> = {}): Promise<OidcWorld> {
  const store = await createTestStore(kind);
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const config = testConfig({ databaseUrl: store.url, publicUrl: baseUrl, port });
  const { app, services } = await buildServer({ config, database: store.database, dialects: [], extras: [webPages, oidcRoutesWith(settings)] });
  await app.listen({ host: '127.0.0.1', port });

  const deps = identityDeps(services);
  const developer = await ensureAdminDeveloper(services.db, { username: 'acme', password: 'developer-password' }, deps);
  const userHash = await hashNewPassword('user-password-1', deps);
  const seeded = await services.db.transaction().execute(async (trx) => {
    const created = await createApp(trx, { developerId: developer.id, name: 'Acme Notes' }, deps);
    await setAppRedirectUris(trx, created.app.id, [REDIRECT_URI], services.clock);
    const user = await registerUser(trx, { username: 'alice', email: 'alice@example.test', passwordHash: userHash }, deps);
    return { app: { id: created.app.id, appkey: created.app.appkey, secret: created.secret }, user };
  });
  const session = await createUserSession(services.db, seeded.user.id, services.clock);
  const issuer = new URL(`${baseUrl}/oidc`);
  const clientConfig = await discover({ issuer }, seeded.app.appkey, client.ClientSecretBasic(seeded.app.secret));
  return {
    baseUrl,
    issuer,
    services,
    store,
    ...seeded,
    sessionToken: session.token,
    config: clientConfig,
    async close() {
      await app.close();
      await store.drop();
    },
  };
}

/** A browser already signed in to Plaza's hosted pages as the world's user. */
export function signedInAgent(world: OidcWorld): Agent {
  const agent = createAgent(world.baseUrl);
  agent.setCookie(SESSION_COOKIE, world.sessionToken);
  return agent;
}

export interface Checks {
  pkceCodeVerifier: string;
  expectedState: string;
  expectedNonce: string;
}

/** An authorization URL with PKCE (S256), state and nonce, and the checks to redeem its code with. */
export async function authorizationRequest(
  config: client.Configuration,
  params: Record<string, string> = {},
): Promise<{ url: URL; checks: Checks }> {
  const pkceCodeVerifier = client.randomPKCECodeVerifier();
  const checks = { pkceCodeVerifier, expectedState: client.randomState(), expectedNonce: client.randomNonce() };
  const url = client.buildAuthorizationUrl(config, {
    redirect_uri: REDIRECT_URI,
    scope: 'openid profile email offline_access',
    prompt: 'consent',
    code_challenge: await client.calculatePKCECodeChallenge(pkceCodeVerifier),
    code_challenge_method: 'S256',
    state: checks.expectedState,
    nonce: checks.expectedNonce,
    ...params,
  });
  return { url, checks };
}

/** Drives the browser from the authorization URL to the consent card, answers it, and returns the app callback. */
export async function consentAndReturn(agent: Agent, url: URL, decision: 'confirm' | 'decline' = 'confirm'): Promise<URL> {
  const card = await agent.follow(url.href);
  if (card.status !== 200 || !card.text.includes('Acme Notes wants')) throw new Error(`expected the consent card, got ${card.status} ${card.location ?? ''}\n${card.text.slice(0, 1500)}`);
  const form = new URLSearchParams({ csrf: hiddenField(card.text, 'csrf'), decision });
  const posted = await agent.request('POST', formAction(card.text), form);
  if (posted.status !== 303 || posted.location === null) throw new Error(`consent post answered ${posted.status}\n${posted.text.slice(0, 1500)}`);
  const back = posted.location.startsWith(REDIRECT_URI) ? posted : await agent.follow(posted.location);
  if (back.location === null || !back.location.startsWith(REDIRECT_URI)) throw new Error(`expected a redirect to the app, got ${back.status} ${back.location ?? ''}\n${back.text.slice(0, 1500)}`);
  return new URL(back.location);
}

/** The whole flow: consent, then code → tokens with openid-client. */
export async function signInWithCode(world: OidcWorld, agent: Agent, params: Record<string, string> = {}) {
  const { url, checks } = await authorizationRequest(world.config, params);
  const callback = await consentAndReturn(agent, url);
  return client.authorizationCodeGrant(world.config, callback, checks);
}
