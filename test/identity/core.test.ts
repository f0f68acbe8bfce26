// Identity core on a real database (both stores): seeding, uids, developers, tokens, apps and their secrets.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { manualClock } from '../../src/core/clock.js';
import { createSecretBox } from '../../src/core/crypto/secretbox.js';
import { createApp, getApp, getAppByKey, getAppBySecret, listApps, removeApp, revealAppSecret, rotateAppSecret } from '../../src/core/identity/apps.js';
import type { IdentityDeps } from '../../src/core/identity/deps.js';
import { ensureAdminDeveloper, findDeveloperByUsername, getDeveloper, hashNewPassword, registerDeveloper } from '../../src/core/identity/developers.js';
import { authenticateDeveloperToken, issueDeveloperToken, revokeOtherTokens } from '../../src/core/identity/devTokens.js';
import { IdentityError } from '../../src/core/identity/errors.js';
import { addRole, ensureBuiltinRoles, listRoles } from '../../src/core/identity/roles.js';
import { allocateUid, isValidUid, uidFromSequence } from '../../src/core/identity/uid.js';
import { parseDecimal } from '../../src/core/money.js';
import { findAccount } from '../../src/core/ledger/accounts.js';
import { ensureAsset } from '../../src/core/ledger/assets.js';
import { createTestStore, STORES, type TestStore } from '../support/stores.js';

for (const kind of STORES) {
  describe(`identity core [${kind}]`, () => {
    let store: TestStore;
    const clock = manualClock(Date.UTC(2026, 0, 1));
    const deps: IdentityDeps = { clock, box: createSecretBox(Buffer.alloc(32, 9)), wallet: { assetSymbol: 'ULD', developerGrant: '1.5' } };
    before(async () => {
      store = await createTestStore(kind);
      await ensureBuiltinRoles(store.database.db);
      await ensureBuiltinRoles(store.database.db);
      await ensureAsset(store.database.db, { symbol: 'ULD', precision: 8 }, clock);
    });
    after(() => store.drop());

    test('built-in roles are seeded once; added roles start at id 4', async () => {
      const db = store.database.db;
      assert.deepEqual((await listRoles(db)).map((r) => [r.id, r.name, r.builtin]), [[1, 'admin', true], [2, 'normal', true], [3, 'blocked', true]]);
      const role = await db.transaction().execute((trx) => addRole(trx, { name: 'fourth' }));
      assert.equal(role.id, 4);
    });

    test('allocateUid hands out consecutive, valid uids', async () => {
      const db = store.database.db;
      const a = await db.transaction().execute((trx) => allocateUid(trx, 'user', clock));
      const b = await db.transaction().execute((trx) => allocateUid(trx, 'app', clock));
      assert.ok(isValidUid(a) && isValidUid(b));
      assert.equal(b, uidFromSequence(Math.floor(a / 256) + 1));
    });

    test('registration opens the wallet and credits the configured grant; ensureAdminDeveloper is idempotent', async () => {
      const db = store.database.db;
      const passwordHash = await hashNewPassword('secret1', deps);
      const d = await db.transaction().execute((trx) => registerDeveloper(trx, { username: 'Gina', passwordHash, email: 'g@x.io' }, deps));
      assert.deepEqual({ ...d, createdAt: 0 }, { id: d.id, username: 'Gina', email: 'g@x.io', phone: null, roleId: 2, roleName: 'normal', isAdmin: false, blocked: false, createdAt: 0 });
      const account = await findAccount(db, { kind: 'developer', id: String(d.id) }, (await ensureAsset(db, { symbol: 'ULD', precision: 8 }, clock)).id);
      assert.equal(account?.balance, 150_000_000n);
      assert.deepEqual(await findDeveloperByUsername(db, 'gINA'), d);
      const admin1 = await ensureAdminDeveloper(db, { username: 'boss', password: 'boss-pw' }, deps);
      const admin2 = await ensureAdminDeveloper(db, { username: 'BOSS', password: 'other-pw' }, deps);
      assert.equal(admin1.isAdmin, true);
      assert.deepEqual(admin2, admin1);
      await assert.rejects(
        db.transaction().execute((trx) => registerDeveloper(trx, { username: 'gina', passwordHash }, deps)),
        (e: unknown) => e instanceof IdentityError && e.code === 'username_taken',
      );
    });

    test('tokens: stored hashed, expire, revocation keeps the current one', async () => {
      const db = store.database.db;
      const d = (await getDeveloper(db, (await findDeveloperByUsername(db, 'gina'))!.id))!;
      const t1 = await issueDeveloperToken(db, d.id, clock, 10);
      const t2 = await issueDeveloperToken(db, d.id, clock, 3600);
      const a1 = await authenticateDeveloperToken(db, t1.token, clock);
      assert.equal(a1?.developer.id, d.id);
      assert.equal(await authenticateDeveloperToken(db, t1.token + 'x', clock), null);
      assert.equal(await authenticateDeveloperToken(db, '', clock), null);
      clock.advance(10_000);
      assert.equal(await authenticateDeveloperToken(db, t1.token, clock), null);
      const a2 = (await authenticateDeveloperToken(db, t2.token, clock))!;
      const t3 = await issueDeveloperToken(db, d.id, clock, 3600);
      assert.ok((await revokeOtherTokens(db, d.id, a2.tokenId, clock)) >= 1);
      assert.notEqual(await authenticateDeveloperToken(db, t2.token, clock), null);
      assert.equal(await authenticateDeveloperToken(db, t3.token, clock), null);
      // A token of another kind never authenticates a developer.
      await db.updateTable('developer_tokens').set({ kind: 'pi' }).where('id', '=', a2.tokenId).execute();
      assert.equal(await authenticateDeveloperToken(db, t2.token, clock), null);
    });

    test('apps: uid ids, sealed secrets, lookups by key and secret, rotation, removal', async () => {
      const db = store.database.db;
      const d = (await findDeveloperByUsername(db, 'gina'))!;
      const { app, secret } = await db.transaction().execute((trx) => createApp(trx, { developerId: d.id, name: 'Core', typeId: null }, deps));
      assert.ok(isValidUid(app.id));
      assert.equal('secretEnc' in app, false);
      const stored = (await getApp(db, app.id))!;
      assert.equal(revealAppSecret(deps.box, stored), secret);
      assert.equal((await getAppByKey(db, app.appkey))?.id, app.id);
      assert.equal((await getAppBySecret(db, secret))?.id, app.id);
      assert.equal(await getAppByKey(db, 'Z'.repeat(32)), null);
      await assert.rejects(
        db.transaction().execute((trx) => createApp(trx, { developerId: d.id, name: 'core' }, deps)),
        (e: unknown) => e instanceof IdentityError && e.code === 'app_name_taken',
      );
      await assert.rejects(
        db.transaction().execute((trx) => createApp(trx, { developerId: 999_999, name: 'x' }, deps)),
        (e: unknown) => e instanceof IdentityError && e.code === 'developer_not_found',
      );
      clock.advance(1000);
      const next = await db.transaction().execute((trx) => rotateAppSecret(trx, app.id, deps));
      assert.equal(await getAppBySecret(db, secret), null);
      assert.equal((await getApp(db, app.id))!.updatedAt, clock.now());
      assert.equal((await getAppBySecret(db, next))?.id, app.id);
      assert.equal(await db.transaction().execute((trx) => removeApp(trx, app.id, deps)), true);
      assert.equal(await db.transaction().execute((trx) => removeApp(trx, app.id, deps)), false);
      assert.equal(await getAppByKey(db, app.appkey), null);
      assert.equal(await getAppBySecret(db, next), null);
      assert.deepEqual(await listApps(db, d.id), []);
      await assert.rejects(
        db.transaction().execute((trx) => rotateAppSecret(trx, app.id, deps)),
        (e: unknown) => e instanceof IdentityError && e.code === 'app_not_found',
      );
    });
  });
}

describe('parseDecimal', () => {
  test('exact conversion, no rounding', () => {
    assert.equal(parseDecimal('0', 8), 0n);
    assert.equal(parseDecimal('1.5', 8), 150_000_000n);
    assert.equal(parseDecimal('0.00000001', 8), 1n);
    assert.equal(parseDecimal('2.100000000', 8), 210_000_000n);
    assert.equal(parseDecimal('-3', 8), -300_000_000n);
    assert.equal(parseDecimal('0.000000001', 8), 'too_precise');
    assert.equal(parseDecimal('1e3', 8), 'malformed');
    assert.equal(parseDecimal('', 8), 'malformed');
  });
});
