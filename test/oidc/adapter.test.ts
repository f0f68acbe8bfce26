// The Kysely adapter on both stores: expiry on every read, single-use consume (a second consume is refused),
// secondary lookups, per-model revocation by grant; and the signing keys are created once and shared.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { manualClock } from '../../src/core/clock.js';
import { createSecretBox } from '../../src/core/crypto/secretbox.js';
import { kyselyAdapter, oidcDb, purgeExpiredOidcPayloads } from '../../src/oidc/adapter.js';
import { loadSigningKeys } from '../../src/oidc/keys.js';
import { createTestStore, STORES, type TestStore } from '../support/stores.js';

for (const kind of STORES) {
  describe(`oidc adapter (${kind})`, () => {
    let store: TestStore;
    const clock = manualClock();
    before(async () => {
      store = await createTestStore(kind);
    });
    after(async () => {
      await store?.drop();
    });

    test('upsert/find with expiry, consume once, destroy, lookups by uid and user code', async () => {
      const factory = kyselyAdapter(store.database.db, clock, async () => undefined);
      const codes = factory('AuthorizationCode');
      await codes.upsert('c1', { grantId: 'g1', accountId: '7' }, 60);
      assert.equal((await codes.find('c1'))?.accountId, '7');
      await codes.upsert('c1', { grantId: 'g1', accountId: '8' }, 60);
      assert.equal((await codes.find('c1'))?.accountId, '8', 'upsert replaces');
      await codes.consume('c1');
      assert.equal(typeof (await codes.find('c1'))?.consumed, 'number');
      await assert.rejects(codes.consume('c1'), (e: unknown) => (e as { error?: string }).error === 'invalid_grant');
      clock.advance(61_000);
      assert.equal(await codes.find('c1'), undefined, 'expired');
      assert.equal(await purgeExpiredOidcPayloads(store.database.db, clock), 1);

      const sessions = factory('Session');
      await sessions.upsert('s1', { uid: 'u-1', accountId: '9' }, 600);
      assert.equal((await sessions.findByUid('u-1'))?.accountId, '9');
      assert.equal(await sessions.findByUid('u-2'), undefined);
      await sessions.destroy('s1');
      assert.equal(await sessions.find('s1'), undefined);

      const devices = factory('DeviceCode');
      await devices.upsert('d1', { userCode: 'ABCD-EFGH' }, 600);
      assert.ok(await devices.findByUserCode('ABCD-EFGH'));
      await devices.upsert('d2', {});
      assert.ok(await devices.find('d2'), 'no expiry');
    });

    test('revokeByGrantId removes only that model and that grant', async () => {
      const factory = kyselyAdapter(store.database.db, clock, async () => undefined);
      const access = factory('AccessToken');
      const refresh = factory('RefreshToken');
      await access.upsert('a1', { grantId: 'g2' }, 600);
      await access.upsert('a2', { grantId: 'g3' }, 600);
      await refresh.upsert('r1', { grantId: 'g2' }, 600);
      await access.revokeByGrantId('g2');
      assert.equal(await access.find('a1'), undefined);
      assert.ok(await access.find('a2'));
      assert.ok(await refresh.find('r1'));
    });

    test('purgeExpiredOidcPayloads deletes expired rows only: live, consumed-but-live and never-expiring rows stay', async () => {
      const tokens = kyselyAdapter(store.database.db, clock, async () => undefined)('PurgeProbe');
      await tokens.upsert('short', { grantId: 'g9' }, 30);
      await tokens.upsert('consumed', { grantId: 'g9' }, 300);
      await tokens.consume('consumed');
      await tokens.upsert('forever', { grantId: 'g9' });
      await purgeExpiredOidcPayloads(store.database.db, clock); // rows the other tests left behind
      const left = async () =>
        (await oidcDb(store.database.db).selectFrom('oidc_payloads').select('id').where('model', '=', 'PurgeProbe').orderBy('id').execute()).map((r) => r.id);
      assert.deepEqual(await left(), ['consumed', 'forever', 'short']);
      clock.advance(30_000);
      assert.equal(await purgeExpiredOidcPayloads(store.database.db, clock), 1, 'at its expiry');
      assert.deepEqual(await left(), ['consumed', 'forever']);
      assert.equal(typeof (await tokens.find('consumed'))?.consumed, 'number', 'a used refresh token stays for replay detection');
      clock.advance(270_000);
      assert.equal(await purgeExpiredOidcPayloads(store.database.db, clock), 1);
      assert.deepEqual(await left(), ['forever']);
    });

    test('signing keys: created once, sealed, the same for every loader', async () => {
      const box = createSecretBox(Buffer.alloc(32, 7));
      const [a, b] = await Promise.all([loadSigningKeys(store.database.db, box), loadSigningKeys(store.database.db, box)]);
      const c = await loadSigningKeys(store.database.db, box);
      assert.deepEqual(a, c);
      assert.deepEqual(b, c);
      assert.deepEqual(c.keys.map((k) => k.alg), ['RS256', 'ES256']);
      assert.ok(c.keys.every((k) => typeof k.d === 'string'), 'private keys for signing');
      assert.throws(() => createSecretBox(Buffer.alloc(32, 8)).open('x', 'oidc.jwks'));
    });
  });
}
