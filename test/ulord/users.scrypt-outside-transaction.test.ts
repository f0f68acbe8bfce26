// Regression: users/reg, users/login and users/edit ran scrypt (~50–100 ms) inside the request's database
// transaction. On SQLite Kysely has one connection, so every other request of the server queued behind each hash; on
// PostgreSQL a pool connection and row locks were held for as long. Password work now runs before the transaction.
// These tests inject a password hasher whose calls wait on a gate the test opens, so they are deterministic.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { scryptPasswords, type PasswordHasher } from '../../src/core/crypto/passwords.js';
import { STORES } from '../support/stores.js';
import { setup, type Ctx, type Dev } from './helpers.js';

interface Gate {
  /** Resolves when a gated call has started (and is waiting). */
  entered: Promise<void>;
  open(): void;
}

/**
 * Installs a hasher that counts calls and holds the next `which` call whose password is `password` until the gate
 * opens; every other call goes straight to scrypt.
 */
function gatedHasher(c: Ctx, which: 'hash' | 'verify', password: string): Gate & { calls: { hash: number; verify: number } } {
  let signalEntered!: () => void;
  let open!: () => void;
  const entered = new Promise<void>((r) => (signalEntered = r));
  const gate = new Promise<void>((r) => (open = r));
  let armed = true;
  const calls = { hash: 0, verify: 0 };
  const hasher: PasswordHasher = {
    async hash(pw) {
      calls.hash++;
      if (which === 'hash' && armed && pw === password) {
        armed = false;
        signalEntered();
        await gate;
      }
      return scryptPasswords.hash(pw);
    },
    async verify(pw, stored) {
      calls.verify++;
      if (which === 'verify' && armed && pw === password) {
        armed = false;
        signalEntered();
        await gate;
      }
      return scryptPasswords.verify(pw, stored);
    },
  };
  c.server.services.passwords = hasher;
  return { entered, open, calls };
}

/** `p`, or a failure after `ms`: used to prove that `p` does not wait for the gated password call. */
function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} still waiting after ${ms} ms: is password work inside a transaction?`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

describe('ulord password work outside the transaction [sqlite]', () => {
  let c: Ctx;
  let dev: Dev;
  before(async () => {
    c = await setup('sqlite');
    dev = await c.dev('slowpoke', { password: 'slow-pw-1' });
  });
  after(async () => {
    delete c.server.services.passwords;
    await c.close();
  });

  const cases = [
    { name: 'users/login (verify)', which: 'verify', pw: 'slow-pw-1', path: '/v1/users/login', body: () => ({ username: 'slowpoke', password: 'slow-pw-1' }), token: false },
    { name: 'users/reg (hash)', which: 'hash', pw: 'fresh-pw-1', path: '/v1/users/reg', body: () => ({ username: 'newcomer', password: 'fresh-pw-1' }), token: false },
    {
      name: 'users/edit (verify of the current password)',
      which: 'verify',
      pw: 'slow-pw-1',
      path: '/v1/users/edit',
      body: () => ({ username: 'slowpoke', password: 'slow-pw-1', new_password: 'slow-pw-2' }),
      token: true,
    },
  ] as const;

  for (const k of cases) {
    test(`while ${k.name} hashes, the one SQLite connection stays free for other requests`, async () => {
      const gate = gatedHasher(c, k.which, k.pw);
      const pending = c.call(k.path, k.body(), k.token ? { token: dev.token } : {});
      await within(gate.entered, 10_000, 'the gated password call');
      try {
        // A direct query on the same store and a whole cheap request both finish while the hash is held.
        await within(c.server.services.db.selectFrom('developers').select('id').execute(), 5_000, 'a query on the store');
        const list = await within(c.call('/v1/role/list', undefined, { token: dev.token, method: 'GET' }), 5_000, 'GET /v1/role/list');
        assert.equal(list.json.errcode, 0);
      } finally {
        gate.open();
      }
      assert.equal((await pending).json.errcode, 0);
    });
  }

  test('a replayed users/login or users/reg does no password work again', async () => {
    const counted = gatedHasher(c, 'verify', 'never-gated');
    const h = { headers: { 'idempotency-key': 'login-replay-1' } };
    const first = await c.call('/v1/users/login', { username: 'slowpoke', password: 'slow-pw-2' }, h);
    assert.equal(first.json.errcode, 0);
    const again = await c.call('/v1/users/login', { username: 'slowpoke', password: 'slow-pw-2' }, h);
    assert.equal(again.headers.get('idempotent-replayed'), 'true');
    assert.equal(again.text, first.text);
    const conflict = await c.call('/v1/users/login', { username: 'slowpoke', password: 'other' }, h);
    assert.equal(conflict.status, 400);
    assert.deepEqual(counted.calls, { hash: 0, verify: 1 });
    const r = { headers: { 'idempotency-key': 'reg-replay-1' } };
    assert.equal((await c.call('/v1/users/reg', { username: 'replayer', password: 'replay-pw' }, r)).json.errcode, 0);
    assert.equal((await c.call('/v1/users/reg', { username: 'replayer', password: 'replay-pw' }, r)).headers.get('idempotent-replayed'), 'true');
    assert.deepEqual(counted.calls, { hash: 1, verify: 1 });
    // Field errors are decided before any password work, as before: 20100 / 20101 cost no hash.
    assert.equal((await c.call('/v1/users/reg', { username: 'has space', password: 'replay-pw' })).json.errcode, 20101);
    assert.equal((await c.call('/v1/users/login', { username: 'slowpoke' })).json.errcode, 20100);
    assert.deepEqual(counted.calls, { hash: 1, verify: 1 });
  });
});

for (const kind of STORES) {
  describe(`ulord password change racing a login [${kind}]`, () => {
    let c: Ctx;
    before(async () => {
      c = await setup(kind);
    });
    after(async () => {
      delete c.server.services.passwords;
      await c.close();
    });

    test('a login checked against the old password gets no token once the password changed (20004)', async () => {
      const d = await c.dev('racer', { password: 'old-pw-1' });
      const gate = gatedHasher(c, 'verify', 'old-pw-1');
      // The login reads the old hash and is held in its (correct) verify of the old password…
      const login = c.call('/v1/users/login', { username: 'racer', password: 'old-pw-1' });
      await within(gate.entered, 10_000, 'the gated verify');
      // …meanwhile the password is changed (its own verify of old-pw-1 passes the spent gate).
      let edit: Awaited<ReturnType<Ctx['call']>>;
      try {
        edit = await within(c.call('/v1/users/edit', { username: 'racer', password: 'old-pw-1', new_password: 'new-pw-1' }, { token: d.token }), 10_000, 'users/edit');
      } finally {
        gate.open();
      }
      assert.equal(edit.json.errcode, 0);
      assert.equal((await login).json.errcode, 20004);
      const tokens = await c.server.services.db.selectFrom('developer_tokens').select('id').where('developer_id', '=', d.id).execute();
      assert.equal(tokens.length, 1, 'only the token issued by the fixture');
      assert.equal((await c.call('/v1/users/login', { username: 'racer', password: 'old-pw-1' })).json.errcode, 20004);
      assert.equal((await c.call('/v1/users/login', { username: 'racer', password: 'new-pw-1' })).json.errcode, 0);
    });
  });
}
