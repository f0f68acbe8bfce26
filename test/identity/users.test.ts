// Global end users on both stores: registration (case-insensitive uniqueness, concurrent), sign-in checks, lists,
// email changes, sessions, email tokens and the development mailbox.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { manualClock } from '../../src/core/clock.js';
import type { PasswordHasher } from '../../src/core/crypto/passwords.js';
import { createSecretBox } from '../../src/core/crypto/secretbox.js';
import { sha256Hex } from '../../src/core/crypto/tokens.js';
import { createMailer, listSandboxMail } from '../../src/core/events/mailer.js';
import type { IdentityDeps } from '../../src/core/identity/deps.js';
import { consumeEmailToken, createEmailToken } from '../../src/core/identity/emailTokens.js';
import { IdentityError } from '../../src/core/identity/errors.js';
import { authenticateUserSession, createUserSession, revokeUserSession } from '../../src/core/identity/sessions.js';
import { isValidUid } from '../../src/core/identity/uid.js';
import {
  checkSignIn,
  getUser,
  getUserByUid,
  listUsers,
  markEmailVerified,
  registerUser,
  setUserDisabled,
  setUserEmail,
  setUserPassword,
  type User,
} from '../../src/core/identity/users.js';
import { testConfig } from '../../src/config.js';
import { createTestStore, STORES, type TestStore } from '../support/stores.js';

/** A cheap, deterministic password scheme: these tests are about rules, not scrypt. */
const fakePasswords: PasswordHasher = {
  hash: async (pw) => `fake$${pw}`,
  verify: async (pw, stored) => stored === `fake$${pw}`,
};

function isCode(code: string) {
  return (e: unknown) => e instanceof IdentityError && e.code === code;
}

for (const kind of STORES) {
  describe(`global users [${kind}]`, () => {
    let store: TestStore;
    const clock = manualClock(Date.UTC(2026, 0, 1));
    const deps: IdentityDeps = { clock, box: createSecretBox(Buffer.alloc(32, 9)), wallet: { assetSymbol: 'ULD', developerGrant: '0' }, passwords: fakePasswords };
    const db = () => store.database.db;
    const register = (username: string, email: string | null, password = 'pw-1') =>
      db().transaction().execute((trx) => registerUser(trx, { username, email, passwordHash: `fake$${password}` }, deps));

    before(async () => {
      store = await createTestStore(kind);
    });
    after(() => store.drop());

    test('registration: uid with the checksum rule, role Normal, unverified; lookups by id and uid', async () => {
      const u = await register('Ann', 'Ann@Example.com');
      assert.ok(isValidUid(u.uid));
      assert.deepEqual({ ...u, id: 0, uid: 0 }, { id: 0, uid: 0, username: 'Ann', email: 'Ann@Example.com', role: 'Normal', disabled: false, emailVerified: false, createdAt: clock.now() });
      assert.deepEqual(await getUser(db(), u.id), u);
      assert.deepEqual(await getUserByUid(db(), u.uid), u);
      assert.equal(await getUserByUid(db(), u.uid + 1), null);
      assert.equal(await getUser(db(), 999_999), null);
    });

    test('usernames and emails are unique case-insensitively', async () => {
      await register('Bea', 'bea@example.com');
      await assert.rejects(register('bEA', null), isCode('username_taken'));
      await assert.rejects(register('bea2', 'BEA@EXAMPLE.COM'), isCode('email_taken'));
      const c = await register('cat', null);
      await register('dog', null); // several users without email coexist
      assert.equal(c.email, null);
    });

    test('concurrent registrations of one name (any case): exactly one wins, the others are username_taken', async () => {
      const names = Array.from({ length: 12 }, (_, i) => (i % 2 === 0 ? 'Racer' : 'rACER'));
      const results = await Promise.allSettled(names.map((n, i) => register(n, `racer${i}@example.com`)));
      assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
      for (const r of results) if (r.status === 'rejected') assert.ok(isCode('username_taken')(r.reason), String(r.reason));
      const emails = await Promise.allSettled(['e1', 'e2', 'e3', 'e4', 'e5', 'e6'].map((n) => register(n, 'Same@Example.com')));
      assert.equal(emails.filter((r) => r.status === 'fulfilled').length, 1);
      for (const r of emails) if (r.status === 'rejected') assert.ok(isCode('email_taken')(r.reason), String(r.reason));
    });

    test('checkSignIn: unknown, wrong, disabled, ok — by username or email, case-insensitively', async () => {
      const u = await register('Signer', 'signer@example.com', 'right-pw');
      assert.deepEqual(await checkSignIn(db(), 'nobody', 'right-pw', deps), { kind: 'unknown' });
      assert.deepEqual(await checkSignIn(db(), '', 'right-pw', deps), { kind: 'unknown' });
      assert.deepEqual(await checkSignIn(db(), 'signer', 'wrong-pw', deps), { kind: 'wrong' });
      for (const login of ['signer', 'SIGNER', ' Signer@Example.COM ']) {
        const ok = await checkSignIn(db(), login, 'right-pw', deps);
        assert.equal(ok.kind, 'ok');
        assert.equal(ok.kind === 'ok' && ok.user.id, u.id);
        assert.equal(ok.kind === 'ok' && ok.passwordHashSeen, 'fake$right-pw');
      }
      await db().transaction().execute((trx) => setUserDisabled(trx, u.id, true, clock));
      assert.deepEqual(await checkSignIn(db(), 'signer', 'right-pw', deps), { kind: 'disabled' });
      // The state of an account is not revealed without its password.
      assert.deepEqual(await checkSignIn(db(), 'signer', 'wrong-pw', deps), { kind: 'wrong' });
      await db().transaction().execute((trx) => setUserDisabled(trx, u.id, false, clock));
      assert.equal((await checkSignIn(db(), 'signer', 'right-pw', deps)).kind, 'ok');
    });

    test('listUsers: ascending id, cursor, limit, search by name / email / uid; LIKE wildcards are literal', async () => {
      const a = await register('list_one', 'l1@lists.io');
      const b = await register('list_two', 'l2@lists.io');
      const c = await register('zed', 'ZED@LISTS.IO');
      const hits = await listUsers(db(), { query: 'LISTS.io', limit: 50 });
      assert.deepEqual(hits.map((u) => u.id), [a.id, b.id, c.id]);
      assert.deepEqual((await listUsers(db(), { query: 'lists.io', afterId: a.id, limit: 1 })).map((u) => u.id), [b.id]);
      assert.deepEqual((await listUsers(db(), { query: 'list_', limit: 50 })).map((u) => u.id), [a.id, b.id]);
      assert.deepEqual((await listUsers(db(), { query: '%', limit: 50 })).length, 0);
      assert.deepEqual((await listUsers(db(), { query: String(c.uid), limit: 50 })).map((u) => u.id), [c.id]);
      const all = await listUsers(db(), { limit: 1000 });
      assert.ok(all.length <= 200 && all.length >= 3);
      assert.deepEqual(all.map((u) => u.id), [...all.map((u) => u.id)].sort((x, y) => x - y));
    });

    test('setUserEmail clears verification and refuses a taken address; markEmailVerified', async () => {
      const u = await register('mailer', 'old@mail.io');
      await register('holder', 'held@mail.io');
      const verified = await db().transaction().execute((trx) => markEmailVerified(trx, u.id, clock));
      assert.equal(verified?.emailVerified, true);
      await assert.rejects(db().transaction().execute((trx) => setUserEmail(trx, u.id, 'HELD@mail.io', clock)), isCode('email_taken'));
      const changed = await db().transaction().execute((trx) => setUserEmail(trx, u.id, 'New@mail.io', clock));
      assert.deepEqual([changed.email, changed.emailVerified], ['New@mail.io', false]);
      assert.equal(await db().transaction().execute((trx) => markEmailVerified(trx, 999_999, clock)), null);
    });

    test('sessions: only the SHA-256 is stored; expiry, revoke, disabled user, new password', async () => {
      const u = await register('sessy', null);
      const s = await createUserSession(db(), u.id, clock, 60_000);
      assert.match(s.token, /^[A-Za-z0-9_-]{43}$/);
      const stored = await db().selectFrom('user_sessions').select('token_hash').where('user_id', '=', u.id).executeTakeFirstOrThrow();
      assert.equal(stored.token_hash, sha256Hex(s.token));
      assert.equal((await authenticateUserSession(db(), s.token, clock))?.user.id, u.id);
      assert.equal(await authenticateUserSession(db(), s.token + 'x', clock), null);
      assert.equal(await authenticateUserSession(db(), '', clock), null);
      clock.advance(60_000);
      assert.equal(await authenticateUserSession(db(), s.token, clock), null, 'expired');

      const s2 = await createUserSession(db(), u.id, clock);
      await revokeUserSession(db(), s2.token, clock);
      assert.equal(await authenticateUserSession(db(), s2.token, clock), null, 'revoked');

      const s3 = await createUserSession(db(), u.id, clock);
      await db().transaction().execute((trx) => setUserDisabled(trx, u.id, true, clock));
      assert.equal(await authenticateUserSession(db(), s3.token, clock), null, 'disabled user');
      await db().transaction().execute((trx) => setUserDisabled(trx, u.id, false, clock));
      assert.equal(await authenticateUserSession(db(), s3.token, clock), null, 'disabling revoked it for good');

      const s4 = await createUserSession(db(), u.id, clock);
      await db().transaction().execute((trx) => setUserPassword(trx, u.id, 'fake$new', clock));
      assert.equal(await authenticateUserSession(db(), s4.token, clock), null, 'a new password signs out everywhere');
      assert.equal((await checkSignIn(db(), 'sessy', 'new', deps)).kind, 'ok');
    });

    test('email tokens: single use, per purpose, expiry, bound to the address they were sent to', async () => {
      const u = await register('verifier', 'v@mail.io');
      const t = await db().transaction().execute((trx) => createEmailToken(trx, u.id, 'verify', clock));
      assert.equal(await consumeEmailToken(db(), t, 'reset', clock), null, 'wrong purpose');
      assert.equal(await consumeEmailToken(db(), t, 'verify', clock), u.id);
      assert.equal(await consumeEmailToken(db(), t, 'verify', clock), null, 'single use');

      const r = await db().transaction().execute((trx) => createEmailToken(trx, u.id, 'reset', clock));
      clock.advance(3600 * 1000);
      assert.equal(await consumeEmailToken(db(), r, 'reset', clock), null, 'reset tokens last one hour');
      const v = await db().transaction().execute((trx) => createEmailToken(trx, u.id, 'verify', clock));
      clock.advance(23 * 3600 * 1000);
      assert.equal(await consumeEmailToken(db(), v, 'verify', clock), u.id, 'verify tokens last 24 hours');

      const old = await db().transaction().execute((trx) => createEmailToken(trx, u.id, 'verify', clock));
      await db().transaction().execute((trx) => setUserEmail(trx, u.id, 'other@mail.io', clock));
      assert.equal(await consumeEmailToken(db(), old, 'verify', clock), null, 'sent to an address the user no longer has');

      const nomail = await register('nomail', null);
      await assert.rejects(db().transaction().execute((trx) => createEmailToken(trx, nomail.id, 'verify', clock)), isCode('not_found'));
    });

    test('email tokens: of concurrent consumers exactly one gets the user', async () => {
      const u = await register('racer-mail', 'rm@mail.io');
      const t = await db().transaction().execute((trx) => createEmailToken(trx, u.id, 'reset', clock));
      const results = await Promise.all(Array.from({ length: 10 }, () => db().transaction().execute((trx) => consumeEmailToken(trx, t, 'reset', clock))));
      assert.deepEqual(results.filter((r) => r !== null), [u.id]);
    });

    test('the development mailbox keeps what was sent, newest first, filtered by address', async () => {
      const mailer = createMailer(testConfig(), db(), clock);
      await mailer.send({ to: 'Box@Mail.io', subject: 'Verify your email', text: 'link 1' });
      await mailer.send({ to: 'other@mail.io', subject: 'Reset', text: 'link 2', html: '<p>link 2</p>' });
      await mailer.send({ to: 'box@mail.io', subject: 'Again', text: 'link 3' });
      const mine = await listSandboxMail(db(), { to: 'BOX@mail.io', limit: 10 });
      assert.deepEqual(mine.map((m) => m.subject), ['Again', 'Verify your email']);
      const all = await listSandboxMail(db(), { limit: 2 });
      assert.deepEqual(all.map((m) => [m.to, m.html]), [['box@mail.io', null], ['other@mail.io', '<p>link 2</p>']]);
      await assert.rejects(mailer.send({ to: 'a@b.io, c@d.io', subject: 'x', text: 'y' }));
      await assert.rejects(mailer.send({ to: 'a@b.io', subject: 'x\r\nBcc: evil@x.io', text: 'y' }));
    });
  });
}

describe('checkSignIn does its password work outside any transaction [sqlite]', () => {
  let store: TestStore;
  before(async () => {
    store = await createTestStore('sqlite');
  });
  after(() => store.drop());

  test('while a sign-in check is verifying, a write transaction on the one SQLite connection completes', async () => {
    const clock = manualClock();
    let entered!: () => void;
    let release!: () => void;
    const inVerify = new Promise<void>((r) => (entered = r));
    const gate = new Promise<void>((r) => (release = r));
    const passwords: PasswordHasher = {
      hash: async (pw) => `fake$${pw}`,
      async verify(pw, stored) {
        entered();
        await gate;
        return stored === `fake$${pw}`;
      },
    };
    const deps: IdentityDeps = { clock, box: createSecretBox(Buffer.alloc(32, 9)), wallet: { assetSymbol: 'ULD', developerGrant: '0' }, passwords };
    const db = store.database.db;
    await db.transaction().execute((trx) => registerUser(trx, { username: 'slow', email: null, passwordHash: 'fake$pw' }, deps));
    const check = checkSignIn(db, 'slow', 'pw', deps);
    await inVerify;
    let timer: NodeJS.Timeout | undefined;
    const other: User = await Promise.race([
      db.transaction().execute((trx) => registerUser(trx, { username: 'meanwhile', email: null, passwordHash: 'fake$x' }, deps)),
      new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error('the write waited for the password check')), 2000))),
    ]).finally(() => clearTimeout(timer));
    assert.equal(other.username, 'meanwhile');
    release();
    assert.equal((await check).kind, 'ok');
  });
});
