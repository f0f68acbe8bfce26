// The periodic purges of dead identity rows (lifecycle.ts runs them), on both stores: what goes and, as much, what
// must stay — a rotated refresh token of a live family stays, or reuse detection would stop seeing the replay.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sha256Hex } from '../../src/core/crypto/tokens.js';
import { consumeEmailToken, createEmailToken, purgeSpentEmailTokens } from '../../src/core/identity/emailTokens.js';
import type { Grant } from '../../src/core/identity/grants.js';
import { authenticateUserSession, createUserSession, purgeExpiredUserSessions, revokeUserSession } from '../../src/core/identity/sessions.js';
import {
  issueAccessToken,
  issueLoginToken,
  issueRefreshToken,
  purgeExpiredUserTokens,
  redeemLoginToken,
  rotateRefreshToken,
} from '../../src/core/identity/userTokens.js';
import { STORES } from '../support/stores.js';
import { identityStoreFixture } from './fixture.js';

const SECOND = 1000;

for (const kind of STORES) {
  describe(`identity purges [${kind}]`, () => {
    const f = identityStoreFixture(kind);
    const { clock, key, db, newUser, newApp, grant } = f;
    const newGrant = async (): Promise<Grant> => grant(await newApp(), (await newUser()).id);
    const tokenRows = async (...tokens: string[]): Promise<number> =>
      (await db().selectFrom('user_tokens').select('id').where('token_hash', 'in', tokens.map(sha256Hex)).execute()).length;

    before(() => f.open());
    after(() => f.drop());

    test('user tokens: expired lone tokens and redeemed login tokens go; live ones stay', async () => {
      const grant = await newGrant();
      const short = await issueAccessToken(db(), { grant, scopes: ['username'], kind: 'pi', ttlSeconds: 60 }, clock);
      const long = await issueAccessToken(db(), { grant, scopes: ['username'], kind: 'pi', ttlSeconds: 3600 }, clock);
      const redeemed = await issueLoginToken(db(), { grant }, clock, key);
      await issueLoginToken(db(), { grant }, clock, key);
      assert.ok(await db().transaction().execute((trx) => redeemLoginToken(trx, { appId: grant.appId, token: redeemed.token }, clock, key)));

      assert.equal(await purgeExpiredUserTokens(db(), clock), 1, 'only the redeemed login token');
      assert.equal(await tokenRows(short.token, long.token), 2);
      clock.advance(60 * SECOND);
      assert.equal(await purgeExpiredUserTokens(db(), clock), 1, 'the access token at its expiry');
      assert.equal(await tokenRows(short.token, long.token), 1);
      clock.advance(600 * SECOND);
      assert.equal(await purgeExpiredUserTokens(db(), clock), 1, 'the unused login token once expired');
      assert.equal(await purgeExpiredUserTokens(db(), clock), 0);
      assert.equal(await tokenRows(long.token), 1);
    });

    test('user tokens: a refresh family stays while any of its tokens lives, so a replay is still detected', async () => {
      const grant = await newGrant();
      const first = await issueRefreshToken(db(), { grant, scopes: ['username'], kind: 'pi', ttlSeconds: 100 }, clock);
      clock.advance(50 * SECOND);
      const rotate = (token: string) =>
        db().transaction().execute((trx) => rotateRefreshToken(trx, token, clock, { graceMs: 2 * SECOND, accessTtlSeconds: 60, refreshTtlSeconds: 1000 }));
      const rotated = await rotate(first.token);
      assert.equal(rotated.kind, 'rotated');
      if (rotated.kind !== 'rotated') return;

      clock.advance(150 * SECOND); // the first refresh token and the new access token have expired; the new refresh has not
      assert.equal(await purgeExpiredUserTokens(db(), clock), 0);
      assert.equal(await tokenRows(first.token, rotated.access.token, rotated.refresh.token), 3);
      assert.deepEqual(await rotate(first.token), { kind: 'reused' }, 'the replay is detected after a purge');

      clock.advance(1000 * SECOND); // the whole family is dead (revoked by the reuse, and expired)
      assert.equal(await purgeExpiredUserTokens(db(), clock), 3);
      assert.equal(await tokenRows(first.token, rotated.access.token, rotated.refresh.token), 0);
      assert.deepEqual(await rotate(first.token), { kind: 'invalid' });
    });

    test('email tokens: used ones go at once, unused ones at their expiry', async () => {
      const user = await newUser(`purge${f.next()}@example.com`);
      const verify = await createEmailToken(db(), user.id, 'verify', clock);
      const reset = await createEmailToken(db(), user.id, 'reset', clock);
      const used = await createEmailToken(db(), user.id, 'reset', clock);
      assert.equal(await consumeEmailToken(db(), used, 'reset', clock), user.id);
      const left = async () => (await db().selectFrom('email_tokens').select('token_hash').where('user_id', '=', user.id).execute()).map((r) => r.token_hash).sort();

      assert.equal(await purgeSpentEmailTokens(db(), clock), 1);
      assert.deepEqual(await left(), [sha256Hex(verify), sha256Hex(reset)].sort());
      clock.advance(3600 * SECOND);
      assert.equal(await purgeSpentEmailTokens(db(), clock), 1, 'the reset token (1 h)');
      assert.deepEqual(await left(), [sha256Hex(verify)]);
      assert.equal(await consumeEmailToken(db(), verify, 'verify', clock), user.id, 'the live token still works');
      assert.equal(await purgeSpentEmailTokens(db(), clock), 1);
      assert.deepEqual(await left(), []);
    });

    test('sessions: expired ones go, revoked or not; live ones stay', async () => {
      const user = await newUser();
      const short = await createUserSession(db(), user.id, clock, 60 * SECOND);
      const revoked = await createUserSession(db(), user.id, clock, 60 * SECOND);
      const long = await createUserSession(db(), user.id, clock);
      await revokeUserSession(db(), revoked.token, clock);
      assert.equal(await purgeExpiredUserSessions(db(), clock), 0);
      clock.advance(60 * SECOND);
      assert.equal(await purgeExpiredUserSessions(db(), clock), 2);
      const left = await db().selectFrom('user_sessions').select('token_hash').where('user_id', '=', user.id).execute();
      assert.deepEqual(left.map((r) => r.token_hash), [sha256Hex(long.token)]);
      assert.ok(await authenticateUserSession(db(), long.token, clock));
      assert.equal(await authenticateUserSession(db(), short.token, clock), null);
    });
  });
}
