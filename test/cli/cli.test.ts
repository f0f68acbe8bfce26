import assert from 'node:assert/strict';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { openDatabase } from '../../src/db/database.js';
import { STORES } from '../support/stores.js';
import { createCliStore, runPlaza, type CliStore } from './support.js';
import { MIGRATION_NAMES } from '../../src/db/migrate.js';

// Each spawn costs a tsx start-up: independent cases run side by side.
describe('plaza CLI without a store', { concurrency: true }, () => {
  it('--help lists the commands and exits 0; per-command help names its options', async () => {
    const r = await runPlaza(['--help'], {});
    assert.equal(r.code, 0, r.stderr);
    for (const c of ['serve', 'migrate', 'admin create', 'ledger verify']) assert.ok(r.stdout.includes(c), c);
    const sub = await runPlaza(['admin', 'create', '--help'], {});
    assert.equal(sub.code, 0);
    assert.match(sub.stdout, /--username/);
    const viaHelp = await runPlaza(['help', 'ledger', 'verify'], {});
    assert.equal(viaHelp.code, 0);
    assert.match(viaHelp.stdout, /plaza ledger verify/);
  });

  it('refuses an unknown command or option with exit 2 and one line', async () => {
    const unknown = await runPlaza(['frobnicate'], {});
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /unknown command/);
    const badOption = await runPlaza(['migrate', '--nope'], {});
    assert.equal(badOption.code, 2);
    assert.equal(badOption.stderr.trim().split('\n').length, 1, badOption.stderr);
  });

  it('stops on invalid configuration with exit 2 and a message naming the variable, never a stack trace', async () => {
    const r = await runPlaza(['migrate'], { PLAZA_PORT: 'abc' });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /PLAZA_PORT/);
    assert.doesNotMatch(r.stderr, /\n\s+at /);
    assert.equal(r.stderr.trim().split('\n').length, 1);
  });
});

describe('plaza CLI on both stores', { concurrency: true }, () => {
for (const store of STORES) {
  describe(`plaza CLI (${store})`, { concurrency: false }, () => {
    let s: CliStore;
    before(async () => {
      s = await createCliStore(store);
    });
    after(() => s.drop());

    it('migrate applies the migrations once, and generates a 0600 master key when none is configured', async () => {
      const first = await runPlaza(['migrate'], s.env);
      assert.equal(first.code, 0, first.stderr);
      assert.ok(first.stdout.includes(`applied ${MIGRATION_NAMES.length} migration(s): ${MIGRATION_NAMES.join(', ')}`), first.stdout);
      const again = await runPlaza(['migrate'], s.env);
      assert.equal(again.code, 0, again.stderr);
      assert.match(again.stdout, /up to date/);
      const keyFile = join(s.dataDir, 'master.key');
      assert.ok(existsSync(keyFile));
      assert.equal(statSync(keyFile).mode & 0o777, 0o600);
    });

    it('admin create makes an admin developer (password from a flag, the environment or stdin)', async () => {
      const r = await runPlaza(['admin', 'create', '--username', 'root', '--password', 'rootpass'], s.env);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /created admin developer root/);
      const fromEnv = await runPlaza(['admin', 'create', '--username', 'root2'], { ...s.env, PLAZA_ADMIN_PASSWORD: 'envpass1' });
      assert.equal(fromEnv.code, 0, fromEnv.stderr);
      const fromStdin = await runPlaza(['admin', 'create', '--username', 'root3'], s.env, 'stdinpass\n');
      assert.equal(fromStdin.code, 0, fromStdin.stderr);
      const twice = await runPlaza(['admin', 'create', '--username', 'ROOT', '--password', 'rootpass'], s.env);
      assert.equal(twice.code, 1);
      assert.match(twice.stderr, /already exists/);
      const short = await runPlaza(['admin', 'create', '--username', 'x', '--password', '123'], s.env);
      assert.equal(short.code, 2);
      assert.doesNotMatch(short.stderr, /rootpass|123/);
    });

    it('ledger verify passes on a sound ledger and fails, one problem per line, after a transfer amount is tampered with', async () => {
      const ok = await runPlaza(['ledger', 'verify'], s.env);
      assert.equal(ok.code, 0, ok.stderr);
      assert.match(ok.stdout, /^ledger ok: .*transfers=/m);
      const schemaUrl = s.databaseUrl;
      const database = await openDatabase(schemaUrl);
      try {
        // Developers created above have wallets; give one a transfer to tamper with.
        const { issue } = await import('../../src/core/ledger/transfers.js');
        const { getAssetBySymbol } = await import('../../src/core/ledger/assets.js');
        const asset = (await getAssetBySymbol(database.db, 'ULD'))!;
        const account = await database.db.selectFrom('ledger_accounts').select('id').where('owner_kind', '=', 'developer').executeTakeFirstOrThrow();
        await database.db.transaction().execute((trx) => issue(trx, { assetId: asset.id, toAccountId: Number(account.id), amount: 500n }, { now: () => Date.now() }));
        const clean = await runPlaza(['ledger', 'verify'], s.env);
        assert.equal(clean.code, 0, clean.stderr);
        await database.db.updateTable('ledger_transfers').set({ amount: 499 }).where('amount', '=', 500).execute();
      } finally {
        await database.close();
      }
      const bad = await runPlaza(['ledger', 'verify'], s.env);
      assert.equal(bad.code, 1, bad.stdout);
      const lines = bad.stderr.trim().split('\n');
      assert.ok(lines.length >= 2, bad.stderr);
      assert.match(bad.stderr, /problem/);
    });
  });
}
});
