// What the provider refuses, on both stores: open redirects, missing or wrong PKCE, replayed codes, reused refresh
// tokens (the whole grant is revoked), removed apps and rotated secrets, forged consent posts, declined consent,
// and consent revoked on the account page.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import * as client from 'openid-client';
import { identityDeps } from '../../src/admin/deps.js';
import { getAppByKey, removeApp, rotateAppSecret, createApp } from '../../src/core/identity/apps.js';
import { setAppRedirectUris } from '../../src/core/identity/appAccess.js';
import { getActiveGrant, revokeGrant } from '../../src/core/identity/grants.js';
import { STORES } from '../support/stores.js';
import { formAction, hiddenField } from './agent.js';
import { authorizationRequest, consentAndReturn, discover, REDIRECT_URI, signedInAgent, signInWithCode, startOidcWorld, type OidcWorld } from './support.js';

/** An OAuth error response with `code`, in the body or (client authentication failures, 401) in WWW-Authenticate. */
const invalid = (code: string) => (e: unknown) =>
  (e instanceof client.ResponseBodyError && e.error === code) ||
  (e instanceof client.WWWAuthenticateChallengeError && e.cause.some((c) => c.parameters.error === code));

for (const kind of STORES) {
  describe(`oidc security (${kind})`, () => {
    let w: OidcWorld;
    before(async () => {
      w = await startOidcWorld(kind);
    });
    after(async () => {
      await w?.close();
    });

    test('an unregistered redirect_uri is refused on a page, never redirected to', async () => {
      for (const evil of ['https://evil.example/cb', `${REDIRECT_URI}/../x`, `${REDIRECT_URI}?x=1`, 'https://app.example.test/callbackx']) {
        const { url } = await authorizationRequest(w.config, { redirect_uri: evil });
        const res = await signedInAgent(w).follow(url.href);
        assert.equal(res.status, 400, evil);
        assert.equal(res.location, null, evil);
        assert.match(res.text, /redirect_uri/);
      }
    });

    test('PKCE is required (S256 only), and the verifier must match', async () => {
      const { url } = await authorizationRequest(w.config);
      url.searchParams.delete('code_challenge');
      url.searchParams.delete('code_challenge_method');
      const res = await signedInAgent(w).follow(url.href);
      assert.equal(res.status, 303);
      const back = new URL(res.location!);
      assert.equal(`${back.origin}${back.pathname}`, REDIRECT_URI);
      assert.equal(back.searchParams.get('error'), 'invalid_request');
      assert.equal(back.searchParams.get('code'), null);

      const plain = await authorizationRequest(w.config, { code_challenge: 'a'.repeat(43), code_challenge_method: 'plain' });
      const refused = new URL((await signedInAgent(w).follow(plain.url.href)).location!);
      assert.equal(refused.searchParams.get('error'), 'invalid_request');

      const { url: good, checks } = await authorizationRequest(w.config);
      const callback = await consentAndReturn(signedInAgent(w), good);
      await assert.rejects(
        client.authorizationCodeGrant(w.config, callback, { ...checks, pkceCodeVerifier: client.randomPKCECodeVerifier() }),
        invalid('invalid_grant'),
      );
    });

    test('a replayed code is refused and revokes what the first redemption issued', async () => {
      const { url, checks } = await authorizationRequest(w.config);
      const callback = await consentAndReturn(signedInAgent(w), url);
      const tokens = await client.authorizationCodeGrant(w.config, callback, checks);
      await assert.rejects(client.authorizationCodeGrant(w.config, callback, checks), invalid('invalid_grant'));
      await assert.rejects(client.refreshTokenGrant(w.config, tokens.refresh_token!), invalid('invalid_grant'));
      await assert.rejects(client.fetchUserInfo(w.config, tokens.access_token, String(w.user.uid)));
    });

    test('reusing a rotated refresh token revokes the whole grant (reuse detection)', async () => {
      const tokens = await signInWithCode(w, signedInAgent(w));
      const r1 = tokens.refresh_token!;
      const rotated = await client.refreshTokenGrant(w.config, r1);
      const r2 = rotated.refresh_token!;
      await assert.rejects(client.refreshTokenGrant(w.config, r1), invalid('invalid_grant'));
      // The thief's replay also kills the legitimate holder's tokens: the family is revoked.
      await assert.rejects(client.refreshTokenGrant(w.config, r2), invalid('invalid_grant'));
      await assert.rejects(client.fetchUserInfo(w.config, rotated.access_token, String(w.user.uid)));
    });

    test('a forged consent post (no CSRF token) is refused; declining returns access_denied and grants nothing', async () => {
      const agent = signedInAgent(w);
      const { url } = await authorizationRequest(w.config, { scope: 'openid email' });
      const card = await agent.follow(url.href);
      assert.equal(card.status, 200);
      const forged = await agent.request('POST', formAction(card.text), new URLSearchParams({ decision: 'confirm' }));
      assert.equal(forged.status, 403);
      const declined = await agent.request('POST', formAction(card.text), new URLSearchParams({ csrf: hiddenField(card.text, 'csrf'), decision: 'decline' }));
      const back = new URL((await agent.follow(declined.location!)).location!);
      assert.equal(back.searchParams.get('error'), 'access_denied');
    });

    test('revoking the consent on the account side stops refresh and userinfo at once', async () => {
      const tokens = await signInWithCode(w, signedInAgent(w));
      const grant = (await getActiveGrant(w.services.db, w.app.id, w.user.id, 'oidc'))!;
      await w.services.db.transaction().execute((trx) => revokeGrant(trx, grant.id, w.user.id, w.services.clock));
      await assert.rejects(client.refreshTokenGrant(w.config, tokens.refresh_token!), invalid('invalid_grant'));
      await assert.rejects(client.fetchUserInfo(w.config, tokens.access_token, String(w.user.uid)));
      // Signing in again asks for consent again (no silent re-grant).
      const { url } = await authorizationRequest(w.config, { prompt: '', scope: 'openid' });
      const card = await signedInAgent(w).follow(url.href);
      assert.equal(card.status, 200);
      assert.match(card.text, /Acme Notes wants/);
    });

    test("another app cannot redeem this app's code", async () => {
      const deps = identityDeps(w.services);
      const owner = (await getAppByKey(w.services.db, w.app.appkey))!.developerId;
      const other = await w.services.db.transaction().execute(async (trx) => {
        const c = await createApp(trx, { developerId: owner, name: 'Other' }, deps);
        await setAppRedirectUris(trx, c.app.id, [REDIRECT_URI], w.services.clock);
        return c;
      });
      const otherConfig = await discover(w, other.app.appkey, client.ClientSecretBasic(other.secret));
      const { url, checks } = await authorizationRequest(w.config);
      const callback = await consentAndReturn(signedInAgent(w), url);
      await assert.rejects(client.authorizationCodeGrant(otherConfig, callback, checks), invalid('invalid_grant'));
    });

    test('a rotated secret refuses the old one at once; a removed app is no client at all', async () => {
      const tokens = await signInWithCode(w, signedInAgent(w));
      const deps = identityDeps(w.services);
      const secret = await w.services.db.transaction().execute((trx) => rotateAppSecret(trx, w.app.id, deps));
      await assert.rejects(client.refreshTokenGrant(w.config, tokens.refresh_token!), invalid('invalid_client'));
      const fresh = await discover(w, w.app.appkey, client.ClientSecretBasic(secret));
      const rotated = await client.refreshTokenGrant(fresh, tokens.refresh_token!);
      assert.ok(rotated.access_token);

      await w.services.db.transaction().execute((trx) => removeApp(trx, w.app.id, deps));
      await assert.rejects(client.refreshTokenGrant(fresh, rotated.refresh_token!), invalid('invalid_client'));
      await assert.rejects(client.fetchUserInfo(fresh, rotated.access_token, String(w.user.uid)));
      const { url } = await authorizationRequest(fresh);
      const res = await signedInAgent(w).follow(url.href);
      assert.equal(res.status, 400);
      assert.equal(res.location, null);
    });
  });
}
