// Pay passwords of end users by id (payPasswords.ts), on both stores: set, verify, lock-out after N wrong ones (the
// right one refused until the lock expires), reset on success, the confirm step noticing a change since the check,
// and the account-password rule for setting or changing one.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { manualClock } from '../../src/core/clock.js';
import type { PasswordHasher } from '../../src/core/crypto/passwords.js';
import { createSecretBox } from '../../src/core/crypto/secretbox.js';
import type { IdentityDeps } from '../../src/core/identity/deps.js';
import { IdentityError } from '../../src/core/identity/errors.js';
import {
  changePayPassword,
  checkUserPayPassword,
  confirmUserPayPassword,
  getPayPasswordState,
  preparePayPasswordChange,
  setPayPassword,
  type UserPayPasswordCheck,
} from '../../src/core/identity/payPasswords.js';
import { registerUser, setUserDisabled, setUserPassword } from '../../src/core/identity/users.js';
import { createTestStore, STORES, type TestStore } from '../support/stores.js';

/** A cheap, deterministic password scheme that counts its calls: these tests are about rules, not scrypt. */
let verifies = 0;
const fakePasswords: PasswordHasher = {
  hash: async (pw) => `fake$${pw}`,
  verify: async (pw, stored) => {
    verifies++;
    return stored === `fake$${pw}`;
  },
};

function isCode(code: string) {
  return (e: unknown) => e instanceof IdentityError && e.code === code;
}

const LOCK_SECONDS = 60;

for (const kind of STORES) {
  describe(`pay passwords of end users [${kind}]`, () => {
    let store: TestStore;
    const clock = manualClock(Date.UTC(2026, 0, 1));
    const deps: IdentityDeps & { maxFailures: number; lockSeconds: number } = {
      clock,
      box: createSecretBox(Buffer.alloc(32, 9)),
      wallet: { assetSymbol: 'ULD', developerGrant: '0' },
      passwords: fakePasswords,
      maxFailures: 3,
      lockSeconds: LOCK_SECONDS,
    };
    const db = () => store.database.db;
    const newUser = async (username: string, payPassword: string | null = 'pay-1') => {
      const user = await db().transaction().execute((trx) => registerUser(trx, { username, email: null, passwordHash: 'fake$account-pw' }, deps));
      if (payPassword !== null) await db().transaction().execute((trx) => setPayPassword(trx, user.id, `fake$${payPassword}`, clock));
      return user.id;
    };
    const check = (userId: number, pw: string) => checkUserPayPassword(db(), userId, pw, deps);
    const confirm = (c: UserPayPasswordCheck) => db().transaction().execute((trx) => confirmUserPayPassword(trx, c));
    const failures = async (userId: number) => {
      const r = await db().selectFrom('end_users').select(['pay_failures', 'pay_locked_until']).where('id', '=', userId).executeTakeFirstOrThrow();
      return { failures: Number(r.pay_failures), lockedUntil: r.pay_locked_until === null ? null : Number(r.pay_locked_until) };
    };

    before(async () => {
      store = await createTestStore(kind);
    });
    after(() => store.drop());

    test('set, then the right one is ok (confirmed in a transaction) and a wrong one is refused and counted', async () => {
      const id = await newUser('setter');
      assert.deepEqual(await getPayPasswordState(db(), id, clock), { set: true, lockedUntil: null });
      const ok = await check(id, 'pay-1');
      assert.deepEqual(ok, { kind: 'ok', userId: id, hashSeen: 'fake$pay-1' });
      assert.equal(await confirm(ok), id);

      const wrong = await check(id, 'pay-2');
      assert.deepEqual(wrong, { kind: 'wrong', userId: id });
      await assert.rejects(confirm(wrong), isCode('wrong_pay_password'));
      assert.deepEqual(await failures(id), { failures: 1, lockedUntil: null });
    });

    test('no pay password yet: not_set, nothing counted; unknown user: user_not_found → not_found', async () => {
      const id = await newUser('unset', null);
      assert.deepEqual(await getPayPasswordState(db(), id, clock), { set: false, lockedUntil: null });
      const c = await check(id, 'anything');
      assert.deepEqual(c, { kind: 'not_set', userId: id });
      await assert.rejects(confirm(c), isCode('pay_password_not_set'));
      assert.deepEqual(await failures(id), { failures: 0, lockedUntil: null });

      const unknown = await check(999_999, 'pay-1');
      assert.deepEqual(unknown, { kind: 'user_not_found' });
      await assert.rejects(confirm(unknown), isCode('not_found'));
      assert.equal(await getPayPasswordState(db(), 999_999, clock), null);
    });

    test('lock after maxFailures wrong ones: the right one is refused (no hash computed) until the lock expires', async () => {
      const id = await newUser('locky');
      for (let i = 0; i < deps.maxFailures; i++) assert.equal((await check(id, `bad-${i}`)).kind, 'wrong');
      const lockedAt = clock.now();
      assert.deepEqual(await failures(id), { failures: 0, lockedUntil: lockedAt + LOCK_SECONDS * 1000 });
      assert.deepEqual(await getPayPasswordState(db(), id, clock), { set: true, lockedUntil: lockedAt + LOCK_SECONDS * 1000 });

      const before = verifies;
      const locked = await check(id, 'pay-1');
      assert.deepEqual(locked, { kind: 'locked', userId: id });
      assert.equal(verifies, before, 'no verify while locked');
      await assert.rejects(confirm(locked), isCode('pay_password_locked'));
      // Wrong ones during the lock neither count nor extend it.
      assert.equal((await check(id, 'bad-again')).kind, 'locked');
      clock.advance(LOCK_SECONDS * 1000 - 1);
      assert.equal((await check(id, 'pay-1')).kind, 'locked');
      assert.deepEqual(await failures(id), { failures: 0, lockedUntil: lockedAt + LOCK_SECONDS * 1000 });

      clock.advance(1);
      const ok = await check(id, 'pay-1');
      assert.equal(ok.kind, 'ok');
      assert.equal(await confirm(ok), id);
      assert.deepEqual(await getPayPasswordState(db(), id, clock), { set: true, lockedUntil: null });
    });

    test('a right one resets the count, so failures must be consecutive to lock', async () => {
      const id = await newUser('resetter');
      for (let i = 0; i < deps.maxFailures - 1; i++) await check(id, 'bad');
      assert.equal((await failures(id)).failures, deps.maxFailures - 1);
      assert.equal((await check(id, 'pay-1')).kind, 'ok');
      assert.equal((await failures(id)).failures, 0);
      for (let i = 0; i < deps.maxFailures - 1; i++) await check(id, 'bad');
      assert.equal((await check(id, 'pay-1')).kind, 'ok', 'not locked: the count restarted');
    });

    test('setting a new pay password clears the failures and the lock', async () => {
      const id = await newUser('unlocker');
      for (let i = 0; i < deps.maxFailures; i++) await check(id, 'bad');
      assert.equal((await check(id, 'pay-1')).kind, 'locked');
      await db().transaction().execute((trx) => setPayPassword(trx, id, 'fake$pay-new', clock));
      assert.deepEqual(await failures(id), { failures: 0, lockedUntil: null });
      assert.equal((await check(id, 'pay-new')).kind, 'ok');
      await assert.rejects(db().transaction().execute((trx) => setPayPassword(trx, 999_999, 'fake$x', clock)), isCode('not_found'));
    });

    test('confirm refuses an ok check when the pay password changed between the check and the transaction', async () => {
      const id = await newUser('racer');
      const ok = await check(id, 'pay-1');
      assert.equal(ok.kind, 'ok');
      await db().transaction().execute((trx) => setPayPassword(trx, id, 'fake$pay-changed', clock));
      await assert.rejects(confirm(ok), isCode('wrong_pay_password'));
    });

    test('a disabled user is neither verified nor counted, and confirm says disabled first', async () => {
      const id = await newUser('sleeper');
      const ok = await check(id, 'pay-1');
      await db().transaction().execute((trx) => setUserDisabled(trx, id, true, clock));
      await assert.rejects(confirm(ok), isCode('user_disabled'));
      const before = verifies;
      const c = await check(id, 'pay-1');
      assert.deepEqual(c, { kind: 'wrong', userId: id });
      assert.equal(verifies, before);
      await assert.rejects(confirm(c), isCode('user_disabled'));
      assert.equal((await failures(id)).failures, 0);
    });

    test('setting or changing needs the account password; the change writes only while that password is unchanged', async () => {
      const id = await newUser('changer', null);
      const prepare = (password: string, newPayPassword: string, userId = id) => preparePayPasswordChange(db(), userId, { password, newPayPassword }, deps);
      assert.deepEqual(await prepare('not-it', 'pay-new-1'), { kind: 'wrong_password' });
      assert.deepEqual(await prepare('account-pw', 'account-pw'), { kind: 'same_as_password' });
      assert.deepEqual(await prepare('account-pw', '12345'), { kind: 'invalid_pay_password' });
      assert.deepEqual(await prepare('account-pw', 'x'.repeat(129)), { kind: 'invalid_pay_password' });
      assert.deepEqual(await prepare('account-pw', 'pay-new-1', 999_999), { kind: 'not_found' });
      assert.deepEqual(await getPayPasswordState(db(), id, clock), { set: false, lockedUntil: null }, 'nothing written');

      const set = await prepare('account-pw', 'pay-new-1');
      assert.deepEqual(set, { kind: 'ok', userId: id, passwordHashSeen: 'fake$account-pw', payPasswordHash: 'fake$pay-new-1' });
      if (set.kind !== 'ok') return;
      await db().transaction().execute((trx) => changePayPassword(trx, set, clock));
      assert.equal((await check(id, 'pay-new-1')).kind, 'ok');

      // Prepared with the old account password, which is changed before the write: refused, nothing written.
      const stale = await prepare('account-pw', 'pay-new-2');
      assert.equal(stale.kind, 'ok');
      if (stale.kind !== 'ok') return;
      await db().transaction().execute((trx) => setUserPassword(trx, id, 'fake$account-pw-2', clock));
      await assert.rejects(db().transaction().execute((trx) => changePayPassword(trx, stale, clock)), isCode('wrong_password'));
      assert.equal((await check(id, 'pay-new-1')).kind, 'ok');

      // A disabled user: `disabled` only after the password matched; a write prepared before disabling is refused.
      const beforeDisable = await prepare('account-pw-2', 'pay-new-3');
      await db().transaction().execute((trx) => setUserDisabled(trx, id, true, clock));
      assert.deepEqual(await prepare('wrong', 'pay-new-3'), { kind: 'wrong_password' });
      assert.deepEqual(await prepare('account-pw-2', 'pay-new-3'), { kind: 'disabled' });
      if (beforeDisable.kind !== 'ok') assert.fail('expected ok');
      await assert.rejects(db().transaction().execute((trx) => changePayPassword(trx, beforeDisable, clock)), isCode('user_disabled'));
    });
  });
}
