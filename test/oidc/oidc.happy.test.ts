// The provider end to end with openid-client as the relying party, on both stores: discovery, JWKS, the
// authorization code flow with PKCE through the hosted sign-in and consent pages, userinfo, refresh rotation,
// revocation and introspection, end-session.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import * as client from 'openid-client';
import { authenticateUserSession } from '../../src/core/identity/sessions.js';
import { getActiveGrant } from '../../src/core/identity/grants.js';
import { JWKS_SETTING } from '../../src/oidc/keys.js';
import { SESSION_COOKIE } from '../../src/web/session.js';
import { STORES } from '../support/stores.js';
import { createAgent, formAction, hiddenField } from './agent.js';
import { authorizationRequest, discover, REDIRECT_URI, signedInAgent, signInWithCode, startOidcWorld, type OidcWorld } from './support.js';

for (const kind of STORES) {
  describe(`oidc happy path (${kind})`, () => {
    let w: OidcWorld;
    before(async () => {
      w = await startOidcWorld(kind);
    });
    after(async () => {
      await w?.close();
    });

    test('discovery names the issuer, code flow with S256 only, the scopes and both client auth methods', () => {
      const m = w.config.serverMetadata();
      assert.equal(m.issuer, `${w.baseUrl}/oidc`);
      assert.equal(m.authorization_endpoint, `${w.baseUrl}/oidc/auth`);
      assert.equal(m.token_endpoint, `${w.baseUrl}/oidc/token`);
      assert.deepEqual(m.response_types_supported, ['code']);
      assert.deepEqual(m.code_challenge_methods_supported, ['S256']);
      for (const s of ['openid', 'profile', 'email', 'offline_access']) assert.ok(m.scopes_supported?.includes(s), s);
      assert.deepEqual([...(m.token_endpoint_auth_methods_supported ?? [])].sort(), ['client_secret_basic', 'client_secret_post']);
      assert.ok(m.end_session_endpoint?.startsWith(`${w.baseUrl}/oidc/`));
      assert.ok(m.userinfo_endpoint && m.jwks_uri && m.revocation_endpoint && m.introspection_endpoint);
    });

    test('JWKS serves public RS256 and ES256 keys only; the private set is sealed in settings', async () => {
      const res = await fetch(w.config.serverMetadata().jwks_uri!);
      assert.equal(res.status, 200);
      const jwks = (await res.json()) as { keys: Array<Record<string, unknown>> };
      assert.deepEqual(jwks.keys.map((k) => k.alg).sort(), ['ES256', 'RS256']);
      for (const k of jwks.keys) {
        assert.equal(k.d, undefined, 'no private part');
        assert.equal(typeof k.kid, 'string');
      }
      const row = await w.services.db.selectFrom('settings').select('value').where('key', '=', JWKS_SETTING).executeTakeFirstOrThrow();
      assert.match(row.value, /^v1\./);
      assert.doesNotMatch(row.value, /"d"/);
    });

    test('code + PKCE → tokens; ID token claims, userinfo claims; the consent is recorded as a Plaza grant', async () => {
      const agent = signedInAgent(w);
      const tokens = await signInWithCode(w, agent);
      assert.equal(tokens.token_type.toLowerCase(), 'bearer');
      assert.ok(tokens.refresh_token, 'offline_access yields a refresh token');
      const claims = tokens.claims()!;
      assert.equal(claims.sub, String(w.user.uid));
      assert.equal(claims.iss, `${w.baseUrl}/oidc`);
      assert.equal(claims.aud, w.app.appkey);
      const info = await client.fetchUserInfo(w.config, tokens.access_token, String(w.user.uid));
      assert.equal(info.preferred_username, 'alice');
      assert.equal(info.email, 'alice@example.test');
      assert.equal(info.email_verified, false);
      const grant = await getActiveGrant(w.services.db, w.app.id, w.user.id, 'oidc');
      assert.deepEqual([...grant!.scopes].sort(), ['email', 'offline_access', 'openid', 'profile']);
    });

    test('client_secret_post works too (the token request body reaches the provider)', async () => {
      const post = await discover(w, w.app.appkey, client.ClientSecretPost(w.app.secret));
      const { url, checks } = await authorizationRequest(post, { scope: 'openid' });
      const agent = signedInAgent(w);
      const { consentAndReturn } = await import('./support.js');
      const callback = await consentAndReturn(agent, url);
      const tokens = await client.authorizationCodeGrant(post, callback, checks);
      assert.equal(tokens.claims()!.sub, String(w.user.uid));
      assert.equal(tokens.refresh_token, undefined, 'no offline_access, no refresh token');
    });

    test('refresh rotates: the new token works, the old one is refused', async () => {
      const tokens = await signInWithCode(w, signedInAgent(w));
      const r1 = tokens.refresh_token!;
      const next = await client.refreshTokenGrant(w.config, r1);
      assert.ok(next.refresh_token && next.refresh_token !== r1);
      assert.equal((await client.fetchUserInfo(w.config, next.access_token, String(w.user.uid))).sub, String(w.user.uid));
      const third = await client.refreshTokenGrant(w.config, next.refresh_token);
      assert.ok(third.access_token);
      await assert.rejects(client.refreshTokenGrant(w.config, r1), (e: unknown) => e instanceof client.ResponseBodyError && e.error === 'invalid_grant');
    });

    test('revocation and introspection', async () => {
      const tokens = await signInWithCode(w, signedInAgent(w));
      const active = await client.tokenIntrospection(w.config, tokens.access_token);
      assert.equal(active.active, true);
      assert.equal(active.sub, String(w.user.uid));
      await client.tokenRevocation(w.config, tokens.access_token);
      assert.equal((await client.tokenIntrospection(w.config, tokens.access_token)).active, false);
      await assert.rejects(client.fetchUserInfo(w.config, tokens.access_token, String(w.user.uid)));
    });

    test('a second sign-in with the consent already given skips the consent card', async () => {
      const agent = signedInAgent(w);
      await signInWithCode(w, agent);
      const { url, checks } = await authorizationRequest(w.config, { scope: 'openid profile', prompt: '' });
      const back = await agent.follow(url.href);
      assert.equal(back.status, 303);
      assert.ok(back.location?.startsWith(REDIRECT_URI), back.location ?? back.text.slice(0, 500));
      const tokens = await client.authorizationCodeGrant(w.config, new URL(back.location!), checks);
      assert.equal(tokens.claims()!.sub, String(w.user.uid));
    });

    test('without a Plaza session the interaction sends the browser to /signin and comes back after it', async () => {
      const agent = createAgent(w.baseUrl);
      const { url } = await authorizationRequest(w.config);
      const page = await agent.follow(url.href);
      assert.equal(page.status, 200);
      const signin = new URL(page.url);
      assert.equal(signin.pathname, '/signin');
      assert.match(signin.searchParams.get('next') ?? '', /^\/oidc\/interaction\/[A-Za-z0-9_-]+$/);
      // Signing in on the hosted page (same browser) resumes the flow at the consent card.
      const form = new URLSearchParams({ csrf: hiddenField(page.text, 'csrf'), login: 'alice', password: 'user-password-1', next: signin.searchParams.get('next')! });
      const posted = await agent.request('POST', formAction(page.text), form);
      assert.equal(posted.status, 303, posted.text.slice(0, 800));
      assert.equal(new URL(posted.location!).pathname, signin.searchParams.get('next'));
      const card = await agent.follow(posted.location!);
      assert.equal(card.status, 200);
      assert.match(card.text, /Acme Notes wants/);
    });

    test('end-session: confirm signs out of the provider and of the hosted pages, then returns to the app', async () => {
      const agent = signedInAgent(w);
      const tokens = await signInWithCode(w, agent);
      const url = client.buildEndSessionUrl(w.config, { id_token_hint: tokens.id_token!, post_logout_redirect_uri: REDIRECT_URI, state: 'bye' });
      const confirm = await agent.follow(url.href);
      assert.equal(confirm.status, 200, confirm.text.slice(0, 500));
      const form = new URLSearchParams({ xsrf: hiddenField(confirm.text, 'xsrf'), logout: 'yes' });
      const done = await agent.request('POST', formAction(confirm.text, 'op.logoutForm'), form);
      assert.equal(done.status, 303, done.text.slice(0, 500));
      const back = new URL(done.location!);
      assert.equal(`${back.origin}${back.pathname}`, REDIRECT_URI);
      assert.equal(back.searchParams.get('state'), 'bye');
      assert.equal(await authenticateUserSession(w.services.db, w.sessionToken, w.services.clock), null);
      assert.equal(agent.cookie(SESSION_COOKIE), undefined);
    });
  });
}
