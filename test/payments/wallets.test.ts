// Wallet keys and wallet tokens (core/identity/walletKeys.ts, walletTokens.ts; spec/pi.md §2.1, §3.17, §5.4), on
// both stores: addresses and seeds round-trip through stellar-base, seeds are only stored sealed, one key per owner
// even under concurrent creation, the gateway sequence is compare-and-set; wallet tokens expire, can be revoked,
// stop working for a disabled user, and are purged.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Keypair, StrKey } from '@stellar/stellar-base';
import { manualClock } from '../../src/core/clock.js';
import { sha256Hex } from '../../src/core/crypto/tokens.js';
import { setUserDisabled } from '../../src/core/identity/users.js';
import {
  advanceSequence,
  ensureWalletKey,
  getWalletByAddress,
  getWalletOf,
  revealWalletSeed,
  WALLET_SEED_PURPOSE,
  type WalletOwner,
} from '../../src/core/identity/walletKeys.js';
import { authenticateWalletToken, issueWalletToken, purgeExpiredWalletTokens, revokeWalletTokens } from '../../src/core/identity/walletTokens.js';
import { getAccount } from '../../src/core/ledger/accounts.js';
import { paymentAssetId } from '../../src/modules/payments/index.js';
import { STORES } from '../support/stores.js';
import { FIXTURE_START, startPiFixture, type PiFixture } from './fixture.js';

for (const kind of STORES) {
  describe(`wallet keys [${kind}]`, () => {
    const clock = manualClock(FIXTURE_START);
    let f: PiFixture;
    let assetId: number;
    const ensure = (owner: WalletOwner) => {
      const s = f.server.services;
      return s.db.transaction().execute((trx) => ensureWalletKey(trx, owner, { box: s.box, clock, assetId }));
    };

    before(async () => {
      f = await startPiFixture(kind, { clock, dialects: [] });
      assetId = await paymentAssetId(f.server.services.db, f.deps);
    });
    after(() => f.close());

    test('a user wallet: a valid G-address of its public key, bound to the user\'s ledger account in PI', async () => {
      const w = (await getWalletOf(f.server.services.db, { kind: 'user', userId: f.alice.userId }))!;
      assert.equal(w.address, f.alice.address);
      assert.match(w.address, /^G[A-Z2-7]{55}$/);
      assert.ok(StrKey.isValidEd25519PublicKey(w.address));
      assert.deepEqual(StrKey.decodeEd25519PublicKey(w.address), w.publicKey);
      assert.equal(Keypair.fromPublicKey(w.address).rawPublicKey().toString('hex'), w.publicKey.toString('hex'));
      assert.equal(w.sequence, 0n);
      const account = (await getAccount(f.server.services.db, w.accountId))!;
      assert.deepEqual(account.owner, { kind: 'user', id: String(f.alice.uid) });
      assert.equal(account.assetId, assetId);
      assert.equal(account.sub, 'balance');
      assert.equal(account.allowNegative, false);
    });

    test('ensureWalletKey is idempotent; users and apps each get their own key and account', async () => {
      const again = await ensure({ kind: 'user', userId: f.alice.userId });
      assert.equal(again.address, f.alice.address);
      const app = await ensure({ kind: 'app', appId: f.app.id });
      assert.equal(app.address, f.app.address);
      assert.deepEqual(app.owner, { kind: 'app', appId: f.app.id });
      assert.deepEqual((await getAccount(f.server.services.db, app.accountId))!.owner, { kind: 'app', id: String(f.app.id) });
      assert.equal(new Set([f.alice.address, f.bob.address, f.app.address]).size, 3);
      const count = await f.server.services.db.selectFrom('wallet_keys').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
      assert.equal(Number(count.n), 3);
    });

    test('concurrent first creation for one owner ends with one key', async () => {
      const carol = await f.createUser('carol', ['username']);
      await f.server.services.db.deleteFrom('wallet_keys').where('owner_kind', '=', 'user').where('owner_id', '=', carol.userId).execute();
      const keys = await Promise.all(Array.from({ length: 10 }, () => ensure({ kind: 'user', userId: carol.userId })));
      assert.equal(new Set(keys.map((k) => k.address)).size, 1);
      const rows = await f.server.services.db.selectFrom('wallet_keys').select('address').where('owner_kind', '=', 'user').where('owner_id', '=', carol.userId).execute();
      assert.equal(rows.length, 1);
    });

    test('the app seed reveals as an S-seed of the wallet key; no column holds the seed in plain text', async () => {
      const s = f.server.services;
      const seed = await revealWalletSeed(s.db, { kind: 'app', appId: f.app.id }, s.box);
      assert.ok(StrKey.isValidEd25519SecretSeed(seed));
      const kp = Keypair.fromSecret(seed);
      assert.equal(kp.publicKey(), f.app.address);
      const signature = kp.sign(Buffer.from('plaza'));
      assert.ok(Keypair.fromPublicKey(f.app.address).verify(Buffer.from('plaza'), signature));

      const rows = await s.db.selectFrom('wallet_keys').selectAll().execute();
      const raw = kp.rawSecretKey();
      for (const row of rows) {
        const text = JSON.stringify(row, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
        assert.ok(!text.includes(seed), 'S-seed in plain text');
        assert.ok(!text.includes(raw.toString('hex')), 'raw seed hex in plain text');
        assert.ok(!text.includes(raw.toString('base64')), 'raw seed base64 in plain text');
        assert.match(row.seed_enc, /^v1\./);
      }
      const sealed = rows.find((r) => r.address === f.app.address)!.seed_enc;
      assert.equal(s.box.open(sealed, WALLET_SEED_PURPOSE), seed);
      assert.throws(() => s.box.open(sealed, 'app.secret'), 'the purpose is bound to the sealed value');
    });

    test('revealWalletSeed refuses an app without a wallet', async () => {
      const s = f.server.services;
      await assert.rejects(revealWalletSeed(s.db, { kind: 'app', appId: 999_999_999 }, s.box), /no wallet key/);
    });

    test('getWalletByAddress: known address; unknown, malformed, wrong version or checksum → null', async () => {
      const db = f.server.services.db;
      assert.equal((await getWalletByAddress(db, f.bob.address))!.owner.kind, 'user');
      assert.equal(await getWalletByAddress(db, Keypair.random().publicKey()), null);
      const flipped = f.bob.address.slice(0, 55) + (f.bob.address.endsWith('A') ? 'B' : 'A');
      const seed = await revealWalletSeed(db, { kind: 'app', appId: f.app.id }, f.server.services.box);
      for (const bad of ['', 'G'.repeat(56), flipped, f.bob.address.toLowerCase(), seed, `${f.bob.address}A`, 'GAAAA', 'x'.repeat(10_000)]) {
        assert.equal(await getWalletByAddress(db, bad), null, bad.slice(0, 60));
      }
    });

    test('advanceSequence is compare-and-set', async () => {
      const db = f.server.services.db;
      const address = f.bob.address;
      assert.equal(await db.transaction().execute((trx) => advanceSequence(trx, address, 0n, 1n)), true);
      assert.equal(await db.transaction().execute((trx) => advanceSequence(trx, address, 0n, 1n)), false, 'stale expectation');
      assert.equal(await db.transaction().execute((trx) => advanceSequence(trx, address, 1n, 2n)), true);
      assert.equal(await db.transaction().execute((trx) => advanceSequence(trx, Keypair.random().publicKey(), 0n, 1n)), false);
      assert.equal((await getWalletByAddress(db, address))!.sequence, 2n);
      const large = (1n << 62n) + 3n;
      assert.equal(await db.transaction().execute((trx) => advanceSequence(trx, address, 2n, large)), true);
      assert.equal((await getWalletByAddress(db, address))!.sequence, large, 'a 64-bit sequence round-trips exactly');
      const results = await Promise.all(Array.from({ length: 8 }, () => db.transaction().execute((trx) => advanceSequence(trx, address, large, large + 1n))));
      assert.equal(results.filter(Boolean).length, 1, 'exactly one concurrent advance wins');
    });
  });

  describe(`wallet tokens [${kind}]`, () => {
    const clock = manualClock(FIXTURE_START);
    let f: PiFixture;
    const issue = (userId: number, ttlMs = 600_000) => f.server.services.db.transaction().execute((trx) => issueWalletToken(trx, userId, ttlMs, clock));
    const auth = (token: string) => authenticateWalletToken(f.server.services.db, token, clock);

    before(async () => {
      f = await startPiFixture(kind, { clock, dialects: [] });
    });
    after(() => f.close());

    test('a token authenticates its user until it expires; only its SHA-256 is stored', async () => {
      const { token, expiresAt } = await issue(f.alice.userId);
      assert.match(token, /^[A-Za-z0-9_-]{43}$/);
      assert.equal(expiresAt, clock.now() + 600_000);
      assert.deepEqual(await auth(token), { userId: f.alice.userId, expiresAt });
      const row = await f.server.services.db.selectFrom('wallet_tokens').selectAll().where('token_hash', '=', sha256Hex(token)).executeTakeFirstOrThrow();
      assert.ok(!JSON.stringify(row, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)).includes(token));
      clock.advance(599_999);
      assert.notEqual(await auth(token), null);
      clock.advance(1);
      assert.equal(await auth(token), null, 'expired at expiresAt');
    });

    test('unknown, altered, empty and oversized tokens → null', async () => {
      const { token } = await issue(f.alice.userId);
      assert.equal(await auth(token.slice(0, -1) + (token.endsWith('A') ? 'B' : 'A')), null);
      assert.equal(await auth(''), null);
      assert.equal(await auth('A'.repeat(43)), null);
      assert.equal(await auth('A'.repeat(100_000)), null);
    });

    test('an access token is not a wallet token, and the reverse', async () => {
      assert.equal(await auth(f.alice.accessToken), null);
    });

    test('revoked → null, for that user only', async () => {
      const a = await issue(f.alice.userId);
      const b = await issue(f.bob.userId);
      assert.equal(await f.server.services.db.transaction().execute((trx) => revokeWalletTokens(trx, f.alice.userId, clock)) >= 1, true);
      assert.equal(await auth(a.token), null);
      assert.equal((await auth(b.token))!.userId, f.bob.userId);
    });

    test('a disabled user\'s token → null', async () => {
      const dave = await f.createUser('dave', ['payments']);
      const { token } = await issue(dave.userId);
      assert.notEqual(await auth(token), null);
      await f.server.services.db.transaction().execute((trx) => setUserDisabled(trx, dave.userId, true, clock));
      assert.equal(await auth(token), null);
      // Disabling revoked it: enabling the user again within its lifetime does not bring it back.
      await f.server.services.db.transaction().execute((trx) => setUserDisabled(trx, dave.userId, false, clock));
      assert.equal(await auth(token), null);
      assert.notEqual(await auth((await issue(dave.userId)).token), null, 'a fresh token works again');
    });

    test('issue refuses a non-positive lifetime', async () => {
      await assert.rejects(issue(f.alice.userId, 0), RangeError);
    });

    test('purge deletes expired and revoked tokens and keeps live ones', async () => {
      const db = f.server.services.db;
      await db.deleteFrom('wallet_tokens').execute();
      const live = await issue(f.bob.userId, 3_600_000);
      await issue(f.bob.userId, 1000);
      const revoked = await issue(f.alice.userId, 3_600_000);
      await db.updateTable('wallet_tokens').set({ revoked_at: clock.now() }).where('token_hash', '=', sha256Hex(revoked.token)).execute();
      clock.advance(1000);
      assert.equal(await purgeExpiredWalletTokens(db, clock), 2);
      const left = await db.selectFrom('wallet_tokens').select('token_hash').execute();
      assert.deepEqual(left.map((r) => r.token_hash), [sha256Hex(live.token)]);
      assert.equal((await auth(live.token))!.userId, f.bob.userId);
      assert.equal(await purgeExpiredWalletTokens(db, clock), 0);
    });
  });
}
