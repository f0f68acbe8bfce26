// Grants and the tokens they back, on both stores: pairwise uids, access tokens and what invalidates them, refresh
// rotation with reuse detection and the grace window, one-time login tokens, and per-app access lists.
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { sha256Hex } from '../../src/core/crypto/tokens.js';
import {
  AppAccessError,
  appAllowedOrigins,
  appRedirectUris,
  isAllowedOrigin,
  isAllowedRedirectUri,
  setAppAllowedOrigins,
  setAppRedirectUris,
} from '../../src/core/identity/appAccess.js';
import { setAppControls } from '../../src/core/identity/appControls.js';
import { getApp, removeApp } from '../../src/core/identity/apps.js';
import { IdentityError } from '../../src/core/identity/errors.js';
import { getActiveGrant, listUserGrants, revokeGrant, upsertGrant } from '../../src/core/identity/grants.js';
import {
  authenticateAccessToken,
  issueAccessToken,
  issueLoginToken,
  issueRefreshToken,
  redeemLoginToken,
  rotateRefreshToken,
} from '../../src/core/identity/userTokens.js';
import { setUserDisabled } from '../../src/core/identity/users.js';
import { STORES } from '../support/stores.js';
import { identityStoreFixture } from './fixture.js';

const GRACE_MS = 2000;
const ROTATE = { graceMs: GRACE_MS, accessTtlSeconds: 600, refreshTtlSeconds: 86400 };

for (const kind of STORES) {
  describe(`grants and user tokens [${kind}]`, () => {
    const f = identityStoreFixture(kind);
    const { clock, deps, key, db, newUser, newApp, grant } = f;
    before(() => f.open());
    after(() => f.drop());

    test('pairwise uid: a UUID v4, stable across revoke and re-grant and across kinds, different per app', async () => {
      const [appA, appB, user] = [await newApp(), await newApp(), await newUser()];
      const g1 = await db().transaction().execute((trx) =>
        upsertGrant(trx, { appId: appA, userId: user.id, kind: 'pi', scopes: ['username', 'payments', 'username'], spendingLimitMinor: 500n, permissions: { pay: true } }, clock),
      );
      assert.match(g1.pairwiseUid, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      assert.deepEqual([g1.scopes, g1.spendingLimitMinor, g1.permissions, g1.revokedAt], [['username', 'payments'], 500n, { pay: true }, null]);
      assert.equal(await db().transaction().execute((trx) => revokeGrant(trx, g1.id, user.id + 1, clock)), false, 'only the user revokes its grant');
      assert.equal(await db().transaction().execute((trx) => revokeGrant(trx, g1.id, user.id, clock)), true);
      assert.equal(await db().transaction().execute((trx) => revokeGrant(trx, g1.id, user.id, clock)), false);
      assert.equal(await getActiveGrant(db(), appA, user.id, 'pi'), null);
      const again = await grant(appA, user.id);
      assert.deepEqual([again.id, again.pairwiseUid, again.revokedAt, again.spendingLimitMinor, again.permissions], [g1.id, g1.pairwiseUid, null, null, {}]);
      const oidc = await grant(appA, user.id, 'oidc', ['openid']);
      assert.equal(oidc.pairwiseUid, g1.pairwiseUid);
      const other = await grant(appB, user.id);
      assert.notEqual(other.pairwiseUid, g1.pairwiseUid);
      const listed = await listUserGrants(db(), user.id);
      assert.deepEqual(listed.map((g) => [g.id, g.kind]), [[g1.id, 'pi'], [oidc.id, 'oidc'], [other.id, 'pi']]);
      assert.ok(listed.every((g) => g.appName.startsWith('app')));
    });

    test('concurrent first grants of one (app, user, kind) end as one row with one pairwise uid', async () => {
      const [app, user] = [await newApp(), await newUser()];
      const grants = await Promise.all(Array.from({ length: 8 }, (_, i) => grant(app, user.id, i % 2 ? 'pi' : 'kamiya')));
      assert.equal(new Set(grants.map((g) => g.pairwiseUid)).size, 1);
      assert.equal(new Set(grants.filter((g) => g.kind === 'pi').map((g) => g.id)).size, 1);
    });

    test('access tokens: SHA-256 stored, kind-bound, expire, and die with a revoked grant or disabled user', async () => {
      const [app, user] = [await newApp(), await newUser()];
      const g = await grant(app, user.id, 'pi', ['username', 'payments']);
      const t = await issueAccessToken(db(), { grant: g, scopes: ['username'], kind: 'pi', ttlSeconds: 60 }, clock);
      assert.match(t.token, /^[A-Za-z0-9_-]{43}$/);
      assert.ok(await db().selectFrom('user_tokens').select('id').where('token_hash', '=', sha256Hex(t.token)).executeTakeFirst());
      const info = await authenticateAccessToken(db(), t.token, clock, 'pi');
      assert.deepEqual([info?.user.id, info?.app.id, info?.grant.id, info?.scopes, info?.kind, info?.expiresAt], [user.id, app, g.id, ['username'], 'pi', t.expiresAt]);
      assert.equal((info?.app as unknown as Record<string, unknown>).secretEnc, undefined, 'the sealed secret never leaves');
      assert.equal(await authenticateAccessToken(db(), t.token, clock, 'oidc'), null, 'another kind');
      assert.equal(await authenticateAccessToken(db(), t.token.slice(1), clock), null);
      clock.advance(60_000);
      assert.equal(await authenticateAccessToken(db(), t.token, clock), null, 'expired');

      const t2 = await issueAccessToken(db(), { grant: g, scopes: ['username'], kind: 'pi', ttlSeconds: 60 }, clock);
      await db().transaction().execute((trx) => revokeGrant(trx, g.id, user.id, clock));
      assert.equal(await authenticateAccessToken(db(), t2.token, clock), null, 'grant revoked');
      const regranted = await grant(app, user.id, 'pi');
      assert.equal(await authenticateAccessToken(db(), t2.token, clock), null, 'a re-grant does not revive old tokens');

      const t3 = await issueAccessToken(db(), { grant: regranted, scopes: [], kind: 'pi', ttlSeconds: 60 }, clock);
      await db().transaction().execute((trx) => setUserDisabled(trx, user.id, true, clock));
      assert.equal(await authenticateAccessToken(db(), t3.token, clock), null, 'user disabled');
      await db().transaction().execute((trx) => setUserDisabled(trx, user.id, false, clock));
      assert.equal(await authenticateAccessToken(db(), t3.token, clock), null, 'disabling revoked it for good');
    });

    test('access tokens stop at once when their app is banned (and work again when unbanned) or removed', async () => {
      const [app, user] = [await newApp(), await newUser()];
      const g = await grant(app, user.id);
      const t = await issueAccessToken(db(), { grant: g, scopes: [], kind: 'pi', ttlSeconds: 600 }, clock);
      await db().transaction().execute((trx) => setAppControls(trx, app, { banned: true }, { clock }));
      assert.equal(await authenticateAccessToken(db(), t.token, clock), null, 'banned');
      await db().transaction().execute((trx) => setAppControls(trx, app, { banned: false }, { clock }));
      assert.ok(await authenticateAccessToken(db(), t.token, clock), 'unbanned');
      await db().transaction().execute((trx) => removeApp(trx, app, { clock }));
      assert.equal(await authenticateAccessToken(db(), t.token, clock), null, 'removed');
    });

    test('refresh: rotation, grace window, then reuse revokes the whole family', async () => {
      const [app, user] = [await newApp(), await newUser()];
      const g = await grant(app, user.id, 'oidc', ['openid']);
      const first = await issueRefreshToken(db(), { grant: g, scopes: ['openid'], kind: 'oidc', ttlSeconds: 3600 }, clock);
      const firstAccess = await issueAccessToken(db(), { grant: g, scopes: ['openid'], kind: 'oidc', ttlSeconds: 600, familyId: first.familyId }, clock);
      const r1 = await db().transaction().execute((trx) => rotateRefreshToken(trx, first.token, clock, ROTATE));
      assert.equal(r1.kind, 'rotated');
      if (r1.kind !== 'rotated') return;
      assert.deepEqual([r1.scopes, r1.grant.id], [['openid'], g.id]);
      assert.equal((await authenticateAccessToken(db(), r1.access.token, clock, 'oidc'))?.user.id, user.id);

      // Within the grace window the old token is tolerated: `invalid`, nothing revoked.
      clock.advance(GRACE_MS);
      assert.deepEqual(await db().transaction().execute((trx) => rotateRefreshToken(trx, first.token, clock, ROTATE)), { kind: 'invalid' });
      assert.ok(await authenticateAccessToken(db(), r1.access.token, clock));

      const r2 = await db().transaction().execute((trx) => rotateRefreshToken(trx, r1.refresh.token, clock, ROTATE));
      assert.equal(r2.kind, 'rotated');
      if (r2.kind !== 'rotated') return;

      // After the window, presenting a rotated token is reuse: every token of the family is revoked.
      clock.advance(GRACE_MS + 1);
      assert.deepEqual(await db().transaction().execute((trx) => rotateRefreshToken(trx, first.token, clock, ROTATE)), { kind: 'reused' });
      assert.deepEqual(await db().transaction().execute((trx) => rotateRefreshToken(trx, r2.refresh.token, clock, ROTATE)), { kind: 'invalid' });
      for (const t of [firstAccess.token, r1.access.token, r2.access.token]) assert.equal(await authenticateAccessToken(db(), t, clock), null);
      assert.deepEqual(await db().transaction().execute((trx) => rotateRefreshToken(trx, first.token, clock, ROTATE)), { kind: 'invalid' }, 'a revoked family stays dead');
    });

    test('refresh: expired, unknown, revoked grant, disabled user → invalid; of concurrent rotations exactly one wins', async () => {
      const [app, user] = [await newApp(), await newUser()];
      const g = await grant(app, user.id);
      const rotate = (token: string) => db().transaction().execute((trx) => rotateRefreshToken(trx, token, clock, ROTATE));
      assert.deepEqual(await rotate('nope'), { kind: 'invalid' });
      const short = await issueRefreshToken(db(), { grant: g, scopes: [], kind: 'pi', ttlSeconds: 1 }, clock);
      clock.advance(1000);
      assert.deepEqual(await rotate(short.token), { kind: 'invalid' });

      const racing = await issueRefreshToken(db(), { grant: g, scopes: [], kind: 'pi', ttlSeconds: 3600 }, clock);
      const results = await Promise.all(Array.from({ length: 10 }, () => rotate(racing.token)));
      assert.equal(results.filter((r) => r.kind === 'rotated').length, 1);
      assert.equal(results.filter((r) => r.kind === 'invalid').length, 9, 'the losers are inside the grace window');

      const beforeRevoke = await issueRefreshToken(db(), { grant: g, scopes: [], kind: 'pi', ttlSeconds: 3600 }, clock);
      await db().transaction().execute((trx) => revokeGrant(trx, g.id, user.id, clock));
      assert.deepEqual(await rotate(beforeRevoke.token), { kind: 'invalid' });

      const g2 = await grant(app, user.id);
      const beforeDisable = await issueRefreshToken(db(), { grant: g2, scopes: [], kind: 'pi', ttlSeconds: 3600 }, clock);
      await db().transaction().execute((trx) => setUserDisabled(trx, user.id, true, clock));
      assert.deepEqual(await rotate(beforeDisable.token), { kind: 'invalid' });
    });

    test('login tokens: Kamiya format, HMAC storage, single use, app-bound, 600 s', async () => {
      const [app, otherApp, user] = [await newApp(), await newApp(), await newUser()];
      const g = await grant(app, user.id, 'kamiya');
      const issued = await db().transaction().execute((trx) => issueLoginToken(trx, { grant: g }, clock, key));
      assert.match(issued.token, /^[0-9A-Z]{5}-[0-9A-Z]{5}$/);
      assert.equal(issued.expiresAt, clock.now() + 600_000);
      const hmac = createHmac('sha256', key).update(issued.token).digest('hex');
      const row = await db().selectFrom('user_tokens').select(['token_hash', 'token_type']).where('token_hash', '=', hmac).executeTakeFirst();
      assert.deepEqual(row, { token_hash: hmac, token_type: 'login' });
      assert.equal(await db().selectFrom('user_tokens').select('id').where('token_hash', '=', sha256Hex(issued.token)).executeTakeFirst(), undefined);

      const redeem = (appId: number, token: string) => db().transaction().execute((trx) => redeemLoginToken(trx, { appId, token }, clock, key));
      assert.equal(await redeem(otherApp, issued.token), null, 'another app');
      assert.equal(await redeem(app, issued.token.toLowerCase()), null, 'the caller normalises; lower case is malformed');
      assert.equal((await redeem(app, issued.token))?.id, user.id, 'still usable by its own app');
      assert.equal(await redeem(app, issued.token), null, 'single use');

      const late = await db().transaction().execute((trx) => issueLoginToken(trx, { grant: g }, clock, key));
      clock.advance(600_000);
      assert.equal(await redeem(app, late.token), null, 'expired after 600 s');
      const edge = await db().transaction().execute((trx) => issueLoginToken(trx, { grant: g }, clock, key));
      clock.advance(599_999);
      assert.equal((await redeem(app, edge.token))?.id, user.id, 'valid until the last millisecond');

      const revoked = await db().transaction().execute((trx) => issueLoginToken(trx, { grant: g }, clock, key));
      await db().transaction().execute((trx) => revokeGrant(trx, g.id, user.id, clock));
      assert.equal(await redeem(app, revoked.token), null, 'grant revoked');
    });

    test('login tokens: of 20 parallel redeems exactly one gets the user', async () => {
      const [app, user] = [await newApp(), await newUser()];
      const g = await grant(app, user.id, 'kamiya');
      const { token } = await db().transaction().execute((trx) => issueLoginToken(trx, { grant: g }, clock, key));
      const results = await Promise.all(
        Array.from({ length: 20 }, () => db().transaction().execute((trx) => redeemLoginToken(trx, { appId: app, token }, clock, key))),
      );
      assert.deepEqual(results.filter((u) => u !== null).map((u) => u!.id), [user.id]);
    });

    test('login tokens are uniformly drawn from [0-9A-Z]', async () => {
      const [app, user] = [await newApp(), await newUser()];
      const g = await grant(app, user.id, 'kamiya');
      const seen = new Set<string>();
      for (let i = 0; i < 60; i++) {
        const { token } = await issueLoginToken(db(), { grant: g }, clock, key);
        for (const c of token.replace('-', '')) seen.add(c);
      }
      assert.ok(seen.size >= 34, `only ${seen.size} distinct characters in 600`);
    });

    test('app access: redirect URIs and origins are checked, normalised and read back on the app', async () => {
      const app = await newApp();
      await db().transaction().execute(async (trx) => {
        await setAppRedirectUris(trx, app, ['https://app.example.com/cb', 'http://localhost:8080/cb?x=1', 'https://app.example.com/cb'], clock);
        await setAppAllowedOrigins(trx, app, ['https://App.Example.com', 'http://localhost:8080/', 'https://app.example.com:443'], clock);
      });
      const stored = (await getApp(db(), app))!;
      assert.deepEqual(appRedirectUris(stored), ['https://app.example.com/cb', 'http://localhost:8080/cb?x=1']);
      assert.deepEqual(appAllowedOrigins(stored), ['https://app.example.com', 'http://localhost:8080']);
      assert.equal(isAllowedRedirectUri(stored, 'https://app.example.com/cb'), true);
      assert.equal(isAllowedRedirectUri(stored, 'https://app.example.com/cb/extra'), false);
      assert.equal(isAllowedOrigin(stored, 'https://app.example.com'), true);
      assert.equal(isAllowedOrigin(stored, 'https://evil.example.com'), false);
      for (const bad of ['/relative', 'https://app.example.com/cb#frag', 'javascript:alert(1)', 'ftp://x.io/', 'https://u:p@x.io/cb']) {
        await assert.rejects(db().transaction().execute((trx) => setAppRedirectUris(trx, app, [bad], clock)), AppAccessError, bad);
      }
      for (const bad of ['https://x.io/path', 'https://x.io?q=1', 'x.io', 'file:///etc']) {
        await assert.rejects(db().transaction().execute((trx) => setAppAllowedOrigins(trx, app, [bad], clock)), AppAccessError, bad);
      }
      await assert.rejects(db().transaction().execute((trx) => setAppRedirectUris(trx, app, Array.from({ length: 21 }, (_, i) => `https://x.io/${i}`), clock)), AppAccessError);
      await db().transaction().execute((trx) => setAppRedirectUris(trx, app, [], clock));
      assert.deepEqual(appRedirectUris((await getApp(db(), app))!), []);
      await assert.rejects(
        db().transaction().execute((trx) => setAppRedirectUris(trx, 424242, [], clock)),
        (e: unknown) => e instanceof IdentityError && e.code === 'app_not_found',
      );
    });
  });
}
