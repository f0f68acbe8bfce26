// The Pi payments fixture every payments, Pi dialect, gateway and browser test shares: a server with the given
// dialects (default: the Pi dialect) plus the hosted pages, the payment asset, one app with its wallet, and two global
// users with a `pi` grant, an access token and a wallet — alice (username, payments) and bob (username, payments,
// wallet_address). Shortcuts go straight to the core: funding by issuance, balances, wallet tokens.
import { identityDeps } from '../../src/admin/deps.js';
import type { Config } from '../../src/config.js';
import { manualClock, type Clock } from '../../src/core/clock.js';
import { createApp, getApp, revealAppSecret } from '../../src/core/identity/apps.js';
import { hashNewPassword, registerDeveloper } from '../../src/core/identity/developers.js';
import { upsertGrant } from '../../src/core/identity/grants.js';
import { ensureBuiltinRoles } from '../../src/core/identity/roles.js';
import { issueAccessToken } from '../../src/core/identity/userTokens.js';
import { registerUser } from '../../src/core/identity/users.js';
import { ensureWalletKey, type WalletOwner } from '../../src/core/identity/walletKeys.js';
import { issueWalletToken } from '../../src/core/identity/walletTokens.js';
import { getAccount } from '../../src/core/ledger/accounts.js';
import { ensureAsset } from '../../src/core/ledger/assets.js';
import { issue } from '../../src/core/ledger/transfers.js';
import { parseDecimal } from '../../src/core/money.js';
import type { StoreKind } from '../../src/db/database.js';
import { piDialect } from '../../src/dialects/pi/plugin.js';
import type { DialectPlugin } from '../../src/http/dialect.js';
import { ensurePayments, paymentAssetId, paymentsDeps, PI_PRECISION, type PaymentsDeps } from '../../src/modules/payments/index.js';
import { webPages } from '../../src/web/plugin.js';
import { startTestServer, type TestServer } from '../support/server.js';

export interface PiUser {
  /** end_users.id */
  userId: number;
  /** The global (Kamiya/YOYOW) uid; the ledger account owner id. */
  uid: number;
  /** The user's pairwise uid for the fixture's app (the Pi `uid`). */
  pairwiseUid: string;
  /** A Pi access token of the fixture's app with the user's scopes. */
  accessToken: string;
  /** The user's wallet G-address. */
  address: string;
  username: string;
  scopes: string[];
}

export interface PiFixtureApp {
  id: number;
  appkey: string;
  /** The Server API Key. */
  secret: string;
  /** The app wallet's G-address. */
  address: string;
}

export interface PiFixture {
  server: TestServer;
  /** The server's clock: the one passed in, else a manual clock starting 2026-03-01T09:22:07Z. */
  clock: Clock;
  /** The payments module's deps as the server builds them. */
  deps: PaymentsDeps;
  app: PiFixtureApp;
  alice: PiUser;
  bob: PiUser;
  /** Issues `amount` (decimal text, e.g. "10") of the payment asset to the user's or the app's wallet. */
  fund(user: PiUser | 'app', amount: string): Promise<void>;
  /** Posted balance (minor units) of the user's or the app's wallet. */
  balance(user: PiUser | 'app'): Promise<bigint>;
  /** A fresh wallet token of the user (as the hosted wallet page would get). */
  walletToken(user: PiUser): Promise<string>;
  /** Another global user with a `pi` grant of the fixture's app, or of `forApp` (own access token and wallet). */
  createUser(username: string, scopes: string[], forApp?: PiFixtureApp): Promise<PiUser>;
  /** Another app of the fixture's developer, with its wallet. */
  createApp(name: string): Promise<PiFixtureApp>;
  close(): Promise<void>;
}

export const FIXTURE_START = Date.UTC(2026, 2, 1, 9, 22, 7);

export async function startPiFixture(
  kind: StoreKind,
  options: { dialects?: readonly DialectPlugin[]; config?: Partial<Config>; clock?: Clock } = {},
): Promise<PiFixture> {
  const clock = options.clock ?? manualClock(FIXTURE_START);
  const server = await startTestServer(kind, {
    dialects: options.dialects ?? [piDialect],
    extras: [webPages],
    clock,
    ...(options.config ? { config: options.config } : {}),
  });
  try {
    const s = server.services;
    const ids = identityDeps(s);
    const deps = paymentsDeps(s);
    await ensurePayments(s.db, deps);
    const assetId = await paymentAssetId(s.db, deps);
    const wallet = (owner: WalletOwner) => s.db.transaction().execute((trx) => ensureWalletKey(trx, owner, { box: s.box, clock, assetId }));

    await ensureBuiltinRoles(s.db);
    await ensureAsset(s.db, { symbol: s.config.ulord.assetSymbol, precision: 8 }, clock);
    const passwordHash = await hashNewPassword('dev-password-1', ids);
    const developer = await s.db.transaction().execute((trx) => registerDeveloper(trx, { username: 'pimaker', passwordHash }, ids));

    const newApp = async (name: string): Promise<PiFixtureApp> => {
      const { app } = await s.db.transaction().execute((trx) => createApp(trx, { developerId: developer.id, name }, ids));
      const stored = (await getApp(s.db, app.id))!;
      return { id: app.id, appkey: stored.appkey, secret: revealAppSecret(s.box, stored), address: (await wallet({ kind: 'app', appId: app.id })).address };
    };
    const app = await newApp('Kitten Shop');

    const newUser = async (username: string, scopes: string[], forApp: PiFixtureApp = app): Promise<PiUser> => {
      const { user, grant, access } = await s.db.transaction().execute(async (trx) => {
        const user = await registerUser(trx, { username, email: `${username}@example.com`, passwordHash: 'scrypt$unusable' }, ids);
        const grant = await upsertGrant(trx, { appId: forApp.id, userId: user.id, kind: 'pi', scopes }, clock);
        const access = await issueAccessToken(trx, { grant, scopes, kind: 'pi', ttlSeconds: s.config.pi.accessTokenTtlSeconds }, clock);
        return { user, grant, access };
      });
      const w = await wallet({ kind: 'user', userId: user.id });
      return { userId: user.id, uid: user.uid, pairwiseUid: grant.pairwiseUid, accessToken: access.token, address: w.address, username, scopes };
    };
    const alice = await newUser('alice', ['username', 'payments']);
    const bob = await newUser('bob', ['username', 'payments', 'wallet_address']);

    const ownerOf = (who: PiUser | 'app'): WalletOwner => (who === 'app' ? { kind: 'app', appId: app.id } : { kind: 'user', userId: who.userId });
    return {
      server,
      clock,
      deps,
      app,
      alice,
      bob,
      async fund(who, amount) {
        const minor = parseDecimal(amount, PI_PRECISION);
        if (typeof minor !== 'bigint' || minor <= 0n) throw new Error(`fund: bad amount ${amount}`);
        await s.db.transaction().execute(async (trx) => {
          const w = await ensureWalletKey(trx, ownerOf(who), { box: s.box, clock, assetId });
          await issue(trx, { assetId, toAccountId: w.accountId, amount: minor, memo: 'test funding' }, clock);
        });
      },
      async balance(who) {
        const w = await wallet(ownerOf(who));
        return (await getAccount(s.db, w.accountId))!.balance;
      },
      walletToken: async (user) =>
        (await s.db.transaction().execute((trx) => issueWalletToken(trx, user.userId, s.config.pi.walletTokenTtlSeconds * 1000, clock))).token,
      createUser: newUser,
      createApp: newApp,
      close: () => server.close(),
    };
  } catch (err) {
    await server.close().catch(() => undefined);
    throw err;
  }
}
