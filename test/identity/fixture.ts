// A migrated store with what identity tests build on: the built-in roles, the wallet asset, one developer owning the
// apps the tests create, and helpers for users, apps and grants. Identity code under test is called directly.
import type { Kysely } from 'kysely';
import { manualClock } from '../../src/core/clock.js';
import { createSecretBox } from '../../src/core/crypto/secretbox.js';
import { createApp } from '../../src/core/identity/apps.js';
import type { IdentityDeps } from '../../src/core/identity/deps.js';
import { hashNewPassword, registerDeveloper } from '../../src/core/identity/developers.js';
import { upsertGrant, type Grant } from '../../src/core/identity/grants.js';
import { ensureBuiltinRoles } from '../../src/core/identity/roles.js';
import { registerUser, type User } from '../../src/core/identity/users.js';
import { loginTokenKey } from '../../src/core/identity/userTokens.js';
import { ensureAsset } from '../../src/core/ledger/assets.js';
import type { StoreKind } from '../../src/db/database.js';
import type { DB } from '../../src/db/schema.js';
import { createTestStore, type TestStore } from '../support/stores.js';

export interface IdentityStoreFixture {
  clock: ReturnType<typeof manualClock>;
  deps: IdentityDeps;
  /** The Kamiya login-token HMAC key. */
  key: Buffer;
  db(): Kysely<DB>;
  /** A number never returned before in this fixture (unique names). */
  next(): number;
  newUser(email?: string | null): Promise<User>;
  /** A new app of the fixture's developer; its id. */
  newApp(): Promise<number>;
  grant(appId: number, userId: number, kind?: string, scopes?: string[]): Promise<Grant>;
  /** For before(): opens and seeds the store. */
  open(): Promise<void>;
  /** For after(): verifies the ledger and drops the store. */
  drop(): Promise<void>;
}

export function identityStoreFixture(kind: StoreKind): IdentityStoreFixture {
  const clock = manualClock(Date.UTC(2026, 0, 1));
  const deps: IdentityDeps = { clock, box: createSecretBox(Buffer.alloc(32, 9)), wallet: { assetSymbol: 'ULD', developerGrant: '0' } };
  let store: TestStore | null = null;
  let developerId = 0;
  let n = 0;
  const db = (): Kysely<DB> => {
    if (!store) throw new Error('identityStoreFixture: open() first');
    return store.database.db;
  };
  return {
    clock,
    deps,
    key: loginTokenKey(Buffer.alloc(32, 5)),
    db,
    next: () => ++n,
    newUser: (email = null) => db().transaction().execute((trx) => registerUser(trx, { username: `user${++n}`, email, passwordHash: 'unused' }, deps)),
    newApp: async () => (await db().transaction().execute((trx) => createApp(trx, { developerId, name: `app${++n}` }, deps))).app.id,
    grant: (appId, userId, grantKind = 'pi', scopes = ['username']) =>
      db().transaction().execute((trx) => upsertGrant(trx, { appId, userId, kind: grantKind, scopes }, clock)),
    async open() {
      store = await createTestStore(kind);
      await ensureBuiltinRoles(db());
      await ensureAsset(db(), { symbol: 'ULD', precision: 8 }, clock);
      const passwordHash = await hashNewPassword('dev-pw', deps);
      developerId = (await db().transaction().execute((trx) => registerDeveloper(trx, { username: 'owner', passwordHash }, deps))).id;
    },
    drop: () => (store ? store.drop() : Promise.resolve()),
  };
}
