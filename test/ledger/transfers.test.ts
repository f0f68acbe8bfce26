import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ensureAccount, findAccount, getAccount, issuerAccount, listAccounts, setAccountFrozen } from '../../src/core/ledger/accounts.js';
import { ensureAsset, getAsset, getAssetBySymbol, listAssets, setAssetEnabled } from '../../src/core/ledger/assets.js';
import { getTransfer, issue, listTransfers, postPending, transfer, voidPending } from '../../src/core/ledger/transfers.js';
import { computeTxid } from '../../src/core/ledger/txid.js';
import { LedgerError } from '../../src/core/ledger/types.js';
import { verifyLedger } from '../../src/core/ledger/verify.js';
import { STORES } from '../support/stores.js';
import { setup, userAccount, type LedgerFixture } from './helpers.js';

function code(c: string) {
  return (err: unknown) => err instanceof LedgerError && err.code === c;
}

for (const kind of STORES) {
  describe(`ledger transfers (${kind})`, () => {
    let f: LedgerFixture;
    before(async () => {
      f = await setup(kind);
    });
    after(() => f.store.drop());
    const db = () => f.store.database.db;

    it('ensureAsset and ensureAccount are idempotent', async () => {
      const again = await ensureAsset(db(), { symbol: 'ULD', precision: 8 }, f.clock);
      assert.deepEqual(again, f.asset);
      await Promise.all([1, 2, 3].map(() => ensureAsset(db(), { symbol: 'RACE', precision: 2 }, f.clock)));
      assert.equal((await listAssets(db())).length, 2);
      assert.equal((await getAssetBySymbol(db(), 'RACE'))?.precision, 2);
      assert.equal((await getAsset(db(), f.asset.id))?.symbol, 'ULD');
      await assert.rejects(ensureAsset(db(), { symbol: 'ULD', precision: 2 }, f.clock));
      const owner = { kind: 'user', id: 'idem' };
      const [a, b] = await Promise.all([
        ensureAccount(db(), { owner, assetId: f.asset.id }, f.clock),
        ensureAccount(db(), { owner, assetId: f.asset.id }, f.clock),
      ]);
      assert.equal(a.id, b.id);
      assert.equal(a.sub, 'balance');
      assert.equal(a.balance, 0n);
      assert.equal((await findAccount(db(), owner, f.asset.id))?.id, a.id);
      assert.equal((await getAccount(db(), a.id))?.owner.id, 'idem');
      const issuer = await issuerAccount(db(), f.asset.id);
      assert.equal(issuer.allowNegative, true);
      assert.equal(issuer.sub, 'issuer');
      const page = await listAccounts(db(), { ownerKind: 'user', limit: 10 });
      assert.ok(page.every((x) => x.owner.kind === 'user'));
    });

    it('issues and transfers, posting into the open block', async () => {
      const alice = await userAccount(f, 'alice', 1000n);
      const bob = await userAccount(f, 'bob');
      const t = await db().transaction().execute((trx) =>
        transfer(trx, { debitAccountId: alice.id, creditAccountId: bob.id, amount: 300n, kind: 'pay', memo: 'hi', metadata: { b: 1, a: [true, 'x'] } }, f.clock),
      );
      assert.equal(t.status, 'posted');
      assert.equal(t.blockNumber, 1);
      assert.match(t.id, /^[0-9a-f]{32}$/);
      assert.match(t.txid, /^[0-9a-f]{64}$/);
      assert.equal((await getAccount(db(), alice.id))?.balance, 700n);
      assert.equal((await getAccount(db(), bob.id))?.balance, 300n);
      const issuer = await issuerAccount(db(), f.asset.id);
      assert.equal(issuer.balance, -1000n);
      const byTxid = await getTransfer(db(), t.txid);
      assert.deepEqual(byTxid, t);
      assert.deepEqual(await getTransfer(db(), t.id), t);
      assert.equal(await getTransfer(db(), 'nope'), null);
      const listed = await listTransfers(db(), { accountId: bob.id, limit: 10 });
      assert.deepEqual(listed.map((x) => x.id), [t.id]);
      assert.equal((await listTransfers(db(), { kind: 'issue', limit: 10 })).length >= 1, true);
      assert.equal((await verifyLedger(f.store.database)).ok, true);
    });

    it('txids are deterministic and cover every field', () => {
      const base = { id: 'a'.repeat(32), debitAccountId: 1, creditAccountId: 2, assetId: 1, amount: 5n, kind: 'k', memo: 'm', metadataJson: '{"a":1}', createdAt: 7 };
      assert.equal(computeTxid(base), computeTxid({ ...base }));
      for (const change of [{ amount: 6n }, { memo: 'n' }, { metadataJson: '{"a":2}' }, { createdAt: 8 }, { creditAccountId: 3 }, { kind: 'j' }]) {
        assert.notEqual(computeTxid({ ...base, ...change }), computeTxid(base));
      }
    });

    it('refuses each invalid transfer with its LedgerError', async () => {
      const payer = await userAccount(f, 'payer', 100n);
      const payee = await userAccount(f, 'payee');
      const other = await ensureAsset(db(), { symbol: 'OTH', precision: 0 }, f.clock);
      const foreign = await ensureAccount(db(), { owner: { kind: 'user', id: 'payee' }, assetId: other.id }, f.clock);
      const run = (input: Partial<Parameters<typeof transfer>[1]>) =>
        db().transaction().execute((trx) => transfer(trx, { debitAccountId: payer.id, creditAccountId: payee.id, amount: 1n, kind: 'pay', ...input }, f.clock));
      await assert.rejects(run({ amount: 0n }), code('invalid_amount'));
      await assert.rejects(run({ amount: -1n }), code('invalid_amount'));
      await assert.rejects(run({ amount: 1n << 63n }), code('invalid_amount'));
      await assert.rejects(run({ amount: 101n }), code('insufficient_funds'));
      await assert.rejects(run({ creditAccountId: payer.id }), code('same_account'));
      await assert.rejects(run({ creditAccountId: foreign.id }), code('asset_mismatch'));
      await assert.rejects(run({ creditAccountId: 999999 }), code('not_found'));
      await assert.rejects(run({ debitAccountId: 999999 }), code('not_found'));
      await setAccountFrozen(db(), payee.id, true);
      await assert.rejects(run({}), code('account_frozen'));
      await setAccountFrozen(db(), payee.id, false);
      await setAccountFrozen(db(), payer.id, true);
      await assert.rejects(run({}), code('account_frozen'));
      await setAccountFrozen(db(), payer.id, false);
      await setAssetEnabled(db(), f.asset.id, false);
      await assert.rejects(run({}), code('asset_disabled'));
      await setAssetEnabled(db(), f.asset.id, true);
      await assert.rejects(
        db().transaction().execute((trx) => transfer({ ...trx, isTransaction: false } as never, { debitAccountId: payer.id, creditAccountId: payee.id, amount: 1n, kind: 'x' }, f.clock)),
      );
      assert.equal((await getAccount(db(), payer.id))?.balance, 100n);
      const ok = await run({ amount: 100n });
      assert.equal(ok.amount, 100n);
      assert.equal((await getAccount(db(), payer.id))?.balance, 0n);
      assert.equal((await verifyLedger(f.store.database)).ok, true);
    });

    it('replays an idempotent transfer and refuses a different input under the same key', async () => {
      const a = await userAccount(f, 'idem-a', 50n);
      const b = await userAccount(f, 'idem-b');
      const input = { debitAccountId: a.id, creditAccountId: b.id, amount: 20n, kind: 'pay', idempotencyKey: 'k-1', metadata: { x: 1 } };
      const first = await db().transaction().execute((trx) => transfer(trx, input, f.clock));
      const second = await db().transaction().execute((trx) => transfer(trx, { ...input, metadata: { x: 1 } }, f.clock));
      assert.deepEqual(second, first);
      assert.equal((await getAccount(db(), a.id))?.balance, 30n);
      await assert.rejects(db().transaction().execute((trx) => transfer(trx, { ...input, amount: 21n }, f.clock)), code('idempotency_conflict'));
      await assert.rejects(db().transaction().execute((trx) => transfer(trx, { ...input, memo: 'other' }, f.clock)), code('idempotency_conflict'));
    });

    it('holds, posts and voids pending transfers', async () => {
      const a = await userAccount(f, 'hold-a', 100n);
      const b = await userAccount(f, 'hold-b');
      const hold = await db().transaction().execute((trx) =>
        transfer(trx, { debitAccountId: a.id, creditAccountId: b.id, amount: 60n, kind: 'hold', pending: true }, f.clock),
      );
      assert.equal(hold.status, 'pending');
      assert.equal(hold.blockNumber, null);
      let acc = await getAccount(db(), a.id);
      assert.equal(acc?.balance, 100n);
      assert.equal(acc?.pendingOut, 60n);
      assert.equal((await getAccount(db(), b.id))?.pendingIn, 60n);
      // the hold lowers what can be spent
      await assert.rejects(
        db().transaction().execute((trx) => transfer(trx, { debitAccountId: a.id, creditAccountId: b.id, amount: 41n, kind: 'pay' }, f.clock)),
        code('insufficient_funds'),
      );
      f.clock.advance(1000);
      const posted = await db().transaction().execute((trx) => postPending(trx, hold.id, f.clock));
      assert.equal(posted.status, 'posted');
      assert.equal(posted.txid, hold.txid);
      assert.equal(posted.postedAt, f.clock.now());
      assert.ok(posted.blockNumber !== null);
      acc = await getAccount(db(), a.id);
      assert.equal(acc?.balance, 40n);
      assert.equal(acc?.pendingOut, 0n);
      const bAcc = await getAccount(db(), b.id);
      assert.equal(bAcc?.balance, 60n);
      assert.equal(bAcc?.pendingIn, 0n);
      await assert.rejects(db().transaction().execute((trx) => postPending(trx, hold.id, f.clock)), code('invalid_state'));
      await assert.rejects(db().transaction().execute((trx) => voidPending(trx, hold.id, f.clock)), code('invalid_state'));
      await assert.rejects(db().transaction().execute((trx) => postPending(trx, 'f'.repeat(32), f.clock)), code('not_found'));

      const hold2 = await db().transaction().execute((trx) =>
        transfer(trx, { debitAccountId: a.id, creditAccountId: b.id, amount: 40n, kind: 'hold', pending: true }, f.clock),
      );
      const voided = await db().transaction().execute((trx) => voidPending(trx, hold2.txid, f.clock));
      assert.equal(voided.status, 'voided');
      assert.equal(voided.blockNumber, null);
      acc = await getAccount(db(), a.id);
      assert.equal(acc?.balance, 40n);
      assert.equal(acc?.pendingOut, 0n);
      assert.equal((await getAccount(db(), b.id))?.pendingIn, 0n);
      await assert.rejects(db().transaction().execute((trx) => postPending(trx, hold2.id, f.clock)), code('invalid_state'));

      // posting to a frozen account is refused, voiding is allowed
      const hold3 = await db().transaction().execute((trx) =>
        transfer(trx, { debitAccountId: a.id, creditAccountId: b.id, amount: 10n, kind: 'hold', pending: true }, f.clock),
      );
      await setAccountFrozen(db(), b.id, true);
      await assert.rejects(db().transaction().execute((trx) => postPending(trx, hold3.id, f.clock)), code('account_frozen'));
      await db().transaction().execute((trx) => voidPending(trx, hold3.id, f.clock));
      await setAccountFrozen(db(), b.id, false);
      assert.equal((await verifyLedger(f.store.database)).ok, true);
    });

    it('issue uses the issuer account and a default kind', async () => {
      const a = await userAccount(f, 'issued');
      const t = await db().transaction().execute((trx) => issue(trx, { assetId: f.asset.id, toAccountId: a.id, amount: 5n, memo: 'grant' }, f.clock));
      assert.equal(t.kind, 'issue');
      assert.equal(t.debitAccountId, (await issuerAccount(db(), f.asset.id)).id);
      await assert.rejects(db().transaction().execute((trx) => issue(trx, { assetId: 424242, toAccountId: a.id, amount: 5n }, f.clock)), code('not_found'));
    });
  });
}
