// Concurrency over HTTP (spec/pi.md §4.4): parallel approve, complete, cancel and pay of one payment; cancel racing
// pay; parallel U2A creates by one user; parallel A2U creates against the open limit; parallel pays draining one
// balance; parallel requests sharing one Idempotency-Key. Exactly one winner where the spec says so, one event per
// transition, balances right. Both stores.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { upsertGrant } from '../../src/core/identity/grants.js';
import { issueAccessToken } from '../../src/core/identity/userTokens.js';
import { STORES } from '../support/stores.js';
import type { HttpResult } from '../support/server.js';
import { KITTEN_BODY, startPayCtx, type PayCtx } from './paymentsSupport.js';

const N = 8;

function statuses(rs: HttpResult[]): number[] {
  return rs.map((r) => r.status).sort();
}

for (const kind of STORES) {
  describe(`pi payments: concurrency [${kind}]`, () => {
    let c: PayCtx;

    before(async () => {
      c = await startPayCtx(kind);
      await c.fund(c.alice, '1000');
      await c.fund('app', '1000');
    });
    after(() => c.close());

    test(`${N} parallel approves → all 200 with one body, one payment.approved`, async () => {
      const p = await c.createU2A(c.alice);
      const rs = await Promise.all(Array.from({ length: N }, () => c.approve(p.identifier)));
      assert.deepEqual(statuses(rs), Array(N).fill(200));
      assert.equal(new Set(rs.map((r) => r.text)).size, 1);
      assert.equal((await c.events(p.identifier, 'payment.approved')).length, 1);
    });

    test(`${N} parallel pays with the wallet token → one transfer, all 200 with one body, balance charged once`, async () => {
      const p = await c.createU2A(c.alice);
      await c.approve(p.identifier);
      const before = await c.balance(c.alice);
      const token = await c.walletToken(c.alice);
      const rs = await Promise.all(Array.from({ length: N }, () => c.call('POST', `/v2/payments/${p.identifier}/transaction`, { auth: `Bearer ${token}` })));
      assert.deepEqual(statuses(rs), Array(N).fill(200), rs.map((r) => r.text).join('\n'));
      assert.equal(new Set(rs.map((r) => r.text)).size, 1);
      assert.equal(await c.transfersOf(p.identifier), 1);
      assert.equal(await c.balance(c.alice), before - 31_400_000n);
      assert.equal((await c.events(p.identifier, 'payment.transaction_verified')).length, 1);

      const txid = rs[0]!.json.transaction.txid as string;
      const done = await Promise.all(Array.from({ length: N }, () => c.call('POST', `/v2/payments/${p.identifier}/complete`, { auth: c.key(), body: { txid } })));
      assert.deepEqual(statuses(done), Array(N).fill(200));
      assert.equal(new Set(done.map((r) => r.text)).size, 1);
      assert.equal((await c.events(p.identifier, 'payment.completed')).length, 1);
    });

    test(`${N} parallel cancels → exactly one 200, the others 409 cancelled_payment, one payment.cancelled`, async () => {
      const p = await c.createU2A(c.alice);
      const rs = await Promise.all(
        Array.from({ length: N }, (_, i) => c.call('POST', `/v2/payments/${p.identifier}/cancel`, { auth: i % 2 ? c.key() : `Bearer ${c.alice.accessToken}` })),
      );
      assert.deepEqual(statuses(rs), [200, ...Array(N - 1).fill(409)]);
      for (const r of rs.filter((x) => x.status === 409)) assert.equal(r.json.error, 'cancelled_payment');
      assert.equal((await c.events(p.identifier, 'payment.cancelled')).length, 1);
    });

    test('cancel racing pay: either the cancel wins (no transfer) or the pay does (409 payment_tx_present), never both', async () => {
      const outcomes = new Set<string>();
      for (let round = 0; round < 6; round++) {
        const p = await c.createU2A(c.alice);
        await c.approve(p.identifier);
        const before = await c.balance(c.alice);
        const token = await c.walletToken(c.alice);
        const pay = () => c.call('POST', `/v2/payments/${p.identifier}/transaction`, { auth: `Bearer ${token}` });
        const cancel = () => c.call('POST', `/v2/payments/${p.identifier}/cancel`, { auth: c.key() });
        const [a, b] = round % 2 ? await Promise.all([pay(), cancel()]) : (await Promise.all([cancel(), pay()])).reverse();
        const transfers = await c.transfersOf(p.identifier);
        if (a!.status === 200) {
          assert.equal(b!.status, 409, b!.text);
          assert.equal(b!.json.error, 'payment_tx_present');
          assert.equal(transfers, 1);
          assert.equal(await c.balance(c.alice), before - 31_400_000n);
          outcomes.add('paid');
          await c.call('POST', `/v2/payments/${p.identifier}/complete`, { auth: c.key(), body: { txid: a!.json.transaction.txid } });
        } else {
          assert.equal(a!.status, 409, a!.text);
          assert.equal(a!.json.error, 'cancelled_payment');
          assert.equal(b!.status, 200, b!.text);
          assert.equal(transfers, 0);
          assert.equal(await c.balance(c.alice), before);
          outcomes.add('cancelled');
        }
      }
      assert.ok(outcomes.size >= 1);
    });

    test(`${N} parallel U2A creates by one user → all 200, exactly one left open, the others superseded`, async () => {
      const rs = await Promise.all(Array.from({ length: N }, () => c.call('POST', '/v2/payments/user_to_app', { auth: `Bearer ${c.alice.accessToken}`, body: KITTEN_BODY })));
      assert.deepEqual(statuses(rs), Array(N).fill(200), rs.map((r) => r.text).join('\n'));
      const ids = rs.map((r) => r.json.identifier as string);
      assert.equal(new Set(ids).size, N);
      const now = await Promise.all(ids.map((id) => c.call('GET', `/v2/payments/${id}`, { auth: c.key() })));
      const open = now.filter((r) => !r.json.status.cancelled);
      assert.equal(open.length, 1, now.map((r) => r.text).join('\n'));
      for (const id of ids) assert.equal((await c.events(id, 'payment.cancelled')).length, id === open[0]!.json.identifier ? 0 : 1);
    });

    test(`${N} parallel A2U creates with the open limit 1 → exactly one 200, the others 409 ongoing_payment_found`, async () => {
      const rs = await Promise.all(
        Array.from({ length: N }, (_, i) =>
          c.call('POST', '/v2/payments', { auth: c.key(), body: `{"payment":{"amount":1,"memo":"r${i}","metadata":{},"uid":"${c.bob.pairwiseUid}"}}` }),
        ),
      );
      assert.deepEqual(statuses(rs), [200, ...Array(N - 1).fill(409)], rs.map((r) => r.text).join('\n'));
      const winner = rs.find((r) => r.status === 200)!;
      for (const r of rs.filter((x) => x.status === 409)) {
        assert.equal(r.json.error, 'ongoing_payment_found');
        assert.equal(r.json.payment.identifier, winner.json.identifier);
      }
      await c.call('POST', `/v2/payments/${winner.json.identifier}/cancel`, { auth: c.key() });
    });

    test('parallel pays of one user to four apps draining 5 PI: exactly two succeed, the ledger never overdraws', async () => {
      const s = c.server.services;
      const carol = await c.createUser('carol', ['username', 'payments']);
      await c.fund(carol, '5');
      const payments: string[] = [];
      for (let i = 0; i < 4; i++) {
        const shop = i === 0 ? c.app : await c.createApp(`Shop ${i}`);
        const access = await s.db.transaction().execute(async (trx) => {
          const grant = await upsertGrant(trx, { appId: shop.id, userId: carol.userId, kind: 'pi', scopes: ['payments'] }, c.clock);
          return issueAccessToken(trx, { grant, scopes: ['payments'], kind: 'pi', ttlSeconds: 3600 }, c.clock);
        });
        const r = await c.call('POST', '/v2/payments/user_to_app', { auth: `Bearer ${access.token}`, body: '{"amount":2,"memo":"","metadata":{}}' });
        assert.equal(r.status, 200, r.text);
        assert.equal((await c.call('POST', `/v2/payments/${r.json.identifier}/approve`, { auth: c.key(shop.secret) })).status, 200);
        payments.push(r.json.identifier);
      }
      const token = await c.walletToken(carol);
      const rs = await Promise.all(payments.map((id) => c.call('POST', `/v2/payments/${id}/transaction`, { auth: `Bearer ${token}` })));
      assert.deepEqual(statuses(rs), [200, 200, 409, 409], rs.map((r) => r.text).join('\n'));
      for (const r of rs.filter((x) => x.status === 409)) assert.equal(r.json.error, 'insufficient_funds');
      assert.equal(await c.balance(carol), 10_000_000n);
    });

    test('parallel requests with one Idempotency-Key: one execution, the same answer for all', async () => {
      const headers = { 'idempotency-key': 'parallel-create' };
      const rs = await Promise.all(
        Array.from({ length: 4 }, () => c.call('POST', '/v2/payments/user_to_app', { auth: `Bearer ${c.bob.accessToken}`, body: KITTEN_BODY, headers })),
      );
      assert.deepEqual(statuses(rs), [200, 200, 200, 200]);
      assert.equal(new Set(rs.map((r) => r.text)).size, 1);
      assert.equal(rs.filter((r) => r.headers.get('idempotent-replayed') === 'true').length, 3);
      assert.equal((await c.events(rs[0]!.json.identifier, 'payment.created')).length, 1);
    });
  });
}
