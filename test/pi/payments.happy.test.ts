// The Pi payment routes' happy paths (spec/pi.md §3.8–§3.16) and the acceptance examples of §9 (3–10, 12; 1–2 are in
// me.test.ts, 11 is pi-backend's), with exact response bodies, on both stores.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { derivedPublicUrl } from '../../src/dialects/pi/publicBase.js';
import { http } from '../support/server.js';
import { STORES } from '../support/stores.js';
import { assertPiError, KITTEN_BODY, kittenDto, startPayCtx, type PayCtx } from './paymentsSupport.js';

const CREATED_AT = '2026-03-01T09:22:07.000Z';
const PUBLIC = 'http://127.0.0.1:3000';

for (const kind of STORES) {
  describe(`pi payments: acceptance examples [${kind}]`, () => {
    let c: PayCtx;
    let P: string;
    let T: string;

    before(async () => {
      c = await startPayCtx(kind);
      await c.fund(c.alice, '10');
    });
    after(() => c.close());

    test('example 3: U2A create → exact PaymentDTO, all flags false, metadata as sent', async () => {
      const r = await c.call('POST', '/v2/payments/user_to_app', { auth: `Bearer ${c.alice.accessToken}`, body: KITTEN_BODY });
      assert.equal(r.status, 200, r.text);
      assert.equal(r.headers.get('content-type'), 'application/json; charset=utf-8');
      assert.equal(r.headers.get('access-control-allow-origin'), '*');
      P = r.json.identifier;
      assert.match(P, /^[0-9A-Za-z]{28}$/);
      assert.equal(r.text, kittenDto({ identifier: P, uid: c.alice.pairwiseUid, from: c.alice.address, to: c.app.address, createdAt: CREATED_AT }));
      assert.equal(c.alice.address.length, 56);
      assert.deepEqual((await c.events(P)).map((e) => e.type), ['payment.created']);
    });

    test('example 4: approve with an empty JSON body → developer_approved; repeated → identical body', async () => {
      const headers = { 'content-type': 'application/json' };
      const first = await c.call('POST', `/v2/payments/${P}/approve`, { auth: c.key(), headers, body: '' });
      assert.equal(first.status, 200, first.text);
      assert.equal(first.text, kittenDto({ identifier: P, uid: c.alice.pairwiseUid, from: c.alice.address, to: c.app.address, createdAt: CREATED_AT, status: { developer_approved: true } }));
      const again = await c.call('POST', `/v2/payments/${P}/approve`, { auth: c.key(), headers, body: '' });
      assert.equal(again.status, 200);
      assert.equal(again.text, first.text);
      assert.equal((await c.events(P, 'payment.approved')).length, 1);
    });

    test('example 5: the wallet token pays → transaction linked and verified, balances moved, _link serves the memo', async () => {
      const r = await c.payAs(c.alice, P);
      assert.equal(r.status, 200, r.text);
      T = r.json.transaction.txid;
      assert.match(T, /^[0-9a-f]{64}$/);
      const link = `${PUBLIC}/horizon/transactions/${T}`;
      assert.equal(
        r.text,
        kittenDto({
          identifier: P,
          uid: c.alice.pairwiseUid,
          from: c.alice.address,
          to: c.app.address,
          createdAt: CREATED_AT,
          status: { developer_approved: true, transaction_verified: true },
          transaction: `{"txid":"${T}","verified":true,"_link":"${link}"}`,
        }),
      );
      assert.equal(await c.balance(c.alice), 68_600_000n);
      assert.equal(await c.balance('app'), 31_400_000n);
      assert.equal(await c.transfersOf(P), 1);
      // The configured public URL is not where the test server listens: follow the link's path on the real one.
      const gateway = await http(c.server.baseUrl, 'GET', new URL(link).pathname);
      assert.equal(gateway.status, 200, gateway.text);
      assert.equal(gateway.json.memo, P);
    });

    test('example 6: complete → txid_mismatch, missing_txid, then completed; repeat unchanged; cancel → already_completed', async () => {
      const other = T.replace(/^./, T[0] === 'a' ? 'b' : 'a');
      const mismatch = await c.call('POST', `/v2/payments/${P}/complete`, { auth: c.key(), body: `{"txid":"${other}"}` });
      assertPiError(mismatch, 409, 'txid_mismatch', ['payment']);
      assert.equal(mismatch.json.payment.identifier, P);
      assert.equal(mismatch.json.payment.status.developer_completed, false);
      assertPiError(await c.call('POST', `/v2/payments/${P}/complete`, { auth: c.key(), body: '{}' }), 400, 'missing_txid');
      // Hex is compared case-insensitively, surrounding whitespace trimmed.
      const done = await c.call('POST', `/v2/payments/${P}/complete`, { auth: c.key(), body: `{"txid":" ${T.toUpperCase()} "}` });
      assert.equal(done.status, 200, done.text);
      assert.deepEqual(done.json.status, { developer_approved: true, transaction_verified: true, developer_completed: true, cancelled: false, user_cancelled: false });
      assert.equal(done.json.transaction.txid, T);
      const again = await c.call('POST', `/v2/payments/${P}/complete`, { auth: c.key(), body: `{"txid":"${T}"}` });
      assert.equal(again.status, 200);
      assert.equal(again.text, done.text);
      const cancel = await c.call('POST', `/v2/payments/${P}/cancel`, { auth: c.key() });
      assertPiError(cancel, 409, 'already_completed', ['payment']);
      assert.equal(cancel.json.payment.status.developer_completed, true);
      assert.deepEqual(
        (await c.events(P)).map((e) => e.type).sort(),
        ['payment.approved', 'payment.completed', 'payment.created', 'payment.transaction_verified'],
      );
      assert.equal(await c.balance(c.alice), 68_600_000n, 'completion moves no money');
    });

    test('example 7: never approved → 60 s later GET shows it cancelled; approve → 409 cancelled_payment', async () => {
      const q = await c.createU2A(c.alice);
      c.clock.advance(59_999);
      assert.equal((await c.call('GET', `/v2/payments/${q.identifier}`, { auth: c.key() })).json.status.cancelled, false);
      c.clock.advance(1);
      const r = await c.call('GET', `/v2/payments/${q.identifier}`, { auth: c.key() });
      assert.equal(r.status, 200, r.text);
      assert.equal(r.json.status.cancelled, true);
      assert.equal(r.json.status.developer_approved, false);
      assert.equal(r.json.status.user_cancelled, false);
      const approve = await c.approve(q.identifier);
      assertPiError(approve, 409, 'cancelled_payment', ['payment']);
      assert.equal(approve.json.payment.identifier, q.identifier);
      // The lazy expiry committed with its one event (the GET ran in a transaction).
      assert.equal((await c.events(q.identifier, 'payment.cancelled')).length, 1);
    });

    let refund: any;
    test('example 8: A2U create for bob → approved app_to_user; a second → ongoing_payment_found; listed as incomplete', async () => {
      await c.fund('app', '5');
      refund = await c.createA2U(c.bob.pairwiseUid);
      assert.equal(refund.direction, 'app_to_user');
      assert.equal(refund.amount, 1.5);
      assert.equal(refund.from_address, c.app.address);
      assert.equal(refund.to_address, c.bob.address);
      assert.equal(refund.user_uid, c.bob.pairwiseUid);
      assert.deepEqual(refund.status, { developer_approved: true, transaction_verified: false, developer_completed: false, cancelled: false, user_cancelled: false });
      assert.equal(refund.transaction, null);
      const second = await c.call('POST', '/v2/payments', { auth: c.key(), body: `{"payment":{"amount":2,"memo":"Again","metadata":{},"uid":"${c.bob.pairwiseUid}"}}` });
      assertPiError(second, 409, 'ongoing_payment_found', ['payment']);
      assert.deepEqual(second.json.payment, refund);
      const list = await c.call('GET', '/v2/payments/incomplete_server_payments', { auth: c.key() });
      assert.equal(list.status, 200);
      assert.equal(list.text, `{"incomplete_server_payments":[${JSON.stringify(refund)}]}`);
    });

    test('example 9: A2U refusals — missing_scope, user_not_found, invalid_amount, invalid_metadata, invalid_arguments', async () => {
      const a2u = (payment: string) => c.call('POST', '/v2/payments', { auth: c.key(), body: `{"payment":${payment}}` });
      assertPiError(await a2u(`{"amount":1,"memo":"x","metadata":{},"uid":"${c.alice.pairwiseUid}"}`), 403, 'missing_scope');
      assertPiError(await a2u('{"amount":1,"memo":"x","metadata":{},"uid":"3f6c1c9e-8a0b-4a51-9d2e-5b7f0c2a4e11"}'), 404, 'user_not_found');
      assertPiError(await a2u(`{"amount":0.00000001,"memo":"x","metadata":{},"uid":"${c.bob.pairwiseUid}"}`), 400, 'invalid_amount');
      assertPiError(await a2u(`{"amount":1,"memo":"x","metadata":[1],"uid":"${c.bob.pairwiseUid}"}`), 400, 'invalid_metadata');
      const bare = await c.call('POST', '/v2/payments', { auth: c.key(), body: `{"amount":1,"memo":"x","metadata":{},"uid":"${c.bob.pairwiseUid}"}` });
      assertPiError(bare, 400, 'invalid_arguments');
    });

    test('example 10: the literal :paymentId → 404 payment_not_found JSON; another app\'s key → 404', async () => {
      const r = await c.call('POST', '/v2/payments/:paymentId/approve', { auth: c.key() });
      assertPiError(r, 404, 'payment_not_found');
      const other = await c.createApp('Other Shop');
      assertPiError(await c.call('GET', `/v2/payments/${P}`, { auth: c.key(other.secret) }), 404, 'payment_not_found');
    });

    test('example 12: two concurrent completes of a verified payment → both 200, identical, one event, no movement', async () => {
      const p = await c.createU2A(c.alice);
      assert.equal((await c.approve(p.identifier)).status, 200);
      const paid = await c.payAs(c.alice, p.identifier);
      assert.equal(paid.status, 200, paid.text);
      const txid = paid.json.transaction.txid as string;
      const before = [await c.balance(c.alice), await c.balance('app')];
      const body = `{"txid":"${txid}"}`;
      const [a, b] = await Promise.all([0, 1].map(() => c.call('POST', `/v2/payments/${p.identifier}/complete`, { auth: c.key(), body })));
      assert.equal(a!.status, 200, a!.text);
      assert.equal(b!.status, 200, b!.text);
      assert.equal(a!.text, b!.text);
      assert.equal(a!.json.status.developer_completed, true);
      assert.equal((await c.events(p.identifier, 'payment.completed')).length, 1);
      assert.deepEqual([await c.balance(c.alice), await c.balance('app')], before);
      assert.equal(await c.transfersOf(p.identifier), 1);
    });
  });

  describe(`pi payments: the other routes' happy paths [${kind}]`, () => {
    let c: PayCtx;

    before(async () => {
      c = await startPayCtx(kind);
      await c.fund(c.alice, '100');
      await c.fund('app', '100');
    });
    after(() => c.close());

    test('GET a payment with Key, the user\'s access token, the user\'s wallet token: same body; HEAD too', async () => {
      const p = await c.createU2A(c.alice);
      const byKey = await c.call('GET', `/v2/payments/${p.identifier}`, { auth: c.key(), headers: { 'content-type': 'application/json' } });
      assert.equal(byKey.status, 200, byKey.text);
      const byToken = await c.call('GET', `/v2/payments/${p.identifier}/`, { auth: `Bearer ${c.alice.accessToken}` });
      const byWallet = await c.call('GET', `/apps/${c.app.appkey}/v2/payments/${p.identifier}`, { auth: `Bearer ${await c.walletToken(c.alice)}` });
      assert.equal(byToken.text, byKey.text);
      assert.equal(byWallet.text, byKey.text);
      const head = await c.call('HEAD', `/v2/payments/${p.identifier}`, { auth: c.key() });
      assert.equal(head.status, 200);
    });

    test('GET /v2/payments/incomplete: {exists:false,payment:null}, then the paid payment until it is completed', async () => {
      const get = () => c.call('GET', '/v2/payments/incomplete', { auth: `Bearer ${c.alice.accessToken}` });
      assert.equal((await get()).text, '{"exists":false,"payment":null}');
      const p = await c.createU2A(c.alice);
      assert.equal((await get()).text, '{"exists":false,"payment":null}', 'created is not incomplete');
      await c.approve(p.identifier);
      const paid = await c.payAs(c.alice, p.identifier);
      const r = await get();
      assert.equal(r.text, `{"exists":true,"payment":${paid.text}}`);
      // While it is paid and not completed, a new U2A payment is refused with it.
      const blocked = await c.call('POST', '/v2/payments/user_to_app', { auth: `Bearer ${c.alice.accessToken}`, body: KITTEN_BODY });
      assertPiError(blocked, 409, 'ongoing_payment_found', ['payment']);
      assert.equal(JSON.stringify(blocked.json.payment), paid.text);
      await c.call('POST', `/v2/payments/${p.identifier}/complete`, { auth: c.key(), body: { txid: paid.json.transaction.txid } });
      assert.equal((await get()).text, '{"exists":false,"payment":null}');
    });

    test('a new U2A payment supersedes the created/approved ones of the same user (status.cancelled)', async () => {
      const first = await c.createU2A(c.alice);
      await c.approve(first.identifier);
      const second = await c.createU2A(c.alice);
      const old = await c.call('GET', `/v2/payments/${first.identifier}`, { auth: c.key() });
      assert.equal(old.json.status.cancelled, true);
      assert.equal(old.json.status.developer_approved, true, 'as before cancel');
      assert.equal((await c.call('GET', `/v2/payments/${second.identifier}`, { auth: c.key() })).json.status.cancelled, false);
    });

    test('cancel: developer (Key) → cancelled; user (access token, wallet token) → user_cancelled; empty JSON body', async () => {
      const headers = { 'content-type': 'application/json' };
      const byKey = await c.createU2A(c.alice);
      const r1 = await c.call('POST', `/v2/payments/${byKey.identifier}/cancel`, { auth: c.key(), headers, body: '' });
      assert.equal(r1.status, 200, r1.text);
      assert.deepEqual(r1.json.status, { developer_approved: false, transaction_verified: false, developer_completed: false, cancelled: true, user_cancelled: false });
      const byUser = await c.createU2A(c.alice);
      await c.approve(byUser.identifier);
      const r2 = await c.call('POST', `/v2/payments/${byUser.identifier}/cancel`, { auth: `Bearer ${c.alice.accessToken}`, body: 'ignored, not JSON' });
      assert.equal(r2.status, 200, r2.text);
      assert.deepEqual(r2.json.status, { developer_approved: true, transaction_verified: false, developer_completed: false, cancelled: false, user_cancelled: true });
      const byWallet = await c.createU2A(c.alice);
      const r3 = await c.call('POST', `/v2/payments/${byWallet.identifier}/cancel`, { auth: `Bearer ${await c.walletToken(c.alice)}` });
      assert.equal(r3.status, 200, r3.text);
      assert.equal(r3.json.status.user_cancelled, true);
    });

    test('A2U: the app pays with its Key on the transaction route, then completes', async () => {
      const before = await c.balance(c.bob);
      const p = await c.createA2U(c.bob.pairwiseUid, '"2.5"');
      assert.equal(p.amount, 2.5, 'a decimal string is accepted');
      const approve = await c.approve(p.identifier);
      assert.equal(approve.status, 200, 'approve of an A2U payment is a harmless no-op');
      assert.equal(approve.text, JSON.stringify(p));
      const paid = await c.call('POST', `/v2/payments/${p.identifier}/transaction`, { auth: c.key() });
      assert.equal(paid.status, 200, paid.text);
      assert.equal(paid.json.status.transaction_verified, true);
      const again = await c.call('POST', `/v2/payments/${p.identifier}/transaction`, { auth: c.key() });
      assert.equal(again.text, paid.text, 'idempotent by state');
      assert.equal(await c.balance(c.bob), before + 25_000_000n);
      const done = await c.call('POST', `/v2/payments/${p.identifier}/complete`, { auth: c.key(), body: { txid: paid.json.transaction.txid } });
      assert.equal(done.json.status.developer_completed, true);
      assert.equal((await c.call('GET', '/v2/payments/incomplete_server_payments', { auth: c.key() })).text, '{"incomplete_server_payments":[]}');
    });

    test('amounts: exact decimals, exponents, trailing zeros, the maximum; written back as plain decimals', async () => {
      await c.fund(c.alice, '99999999.9999999');
      const cases: Array<[string, string]> = [
        ['3.1400000000', '3.14'],
        ['1.5e2', '150'],
        ['"0.0000001"', '0.0000001'],
        ['1E-7', '0.0000001'],
        ['99999999.9999999', '99999999.9999999'],
        ['"12"', '12'],
      ];
      for (const [given, written] of cases) {
        const r = await c.call('POST', '/v2/payments/user_to_app', { auth: `Bearer ${c.alice.accessToken}`, body: `{"amount":${given},"memo":"","metadata":{}}` });
        assert.equal(r.status, 200, `${given}: ${r.text}`);
        assert.ok(r.text.includes(`"amount":${written},`), `${given} → ${r.text}`);
      }
    });

    test('metadata round-trips exactly: key order (integer-like keys too), number literals, escapes, nesting', async () => {
      const metadata = '{"b":1,"7":"seven","a":{"z":[1.50,2e3,-0],"y":null},"s":"\\u00e9\\n\\"q\\"","t":true}';
      const spaced = `{ "amount" : 1 , "memo" : "m", "metadata" : ${metadata.replace(/,/g, ' ,\n ')} }`;
      const r = await c.call('POST', '/v2/payments/user_to_app', { auth: `Bearer ${c.alice.accessToken}`, body: spaced });
      assert.equal(r.status, 200, r.text);
      assert.ok(r.text.includes(`"metadata":${metadata},`), r.text);
      const got = await c.call('GET', `/v2/payments/${r.json.identifier}`, { auth: c.key() });
      assert.ok(got.text.includes(`"metadata":${metadata},`), got.text);
      // The A2U wrapper too, and a memo of 1000 code points (astral characters count once).
      const memo = '😀'.repeat(1000);
      const a2u = await c.call('POST', '/v2/payments', {
        auth: c.key(),
        body: `{"payment":{"uid":"${c.bob.pairwiseUid}","metadata":${metadata},"memo":"${memo}","amount":0.1}}`,
      });
      assert.equal(a2u.status, 200, a2u.text);
      assert.ok(a2u.text.includes(`"memo":"${memo}","metadata":${metadata},`));
      await c.call('POST', `/v2/payments/${a2u.json.identifier}/cancel`, { auth: c.key() });
    });

    test('_link: with the public URL unset (the derived default) the base is the request\'s scheme and host', async () => {
      const config = c.server.services.config;
      const configured = config.publicUrl;
      config.publicUrl = derivedPublicUrl(config);
      try {
        const p = await c.createA2U(c.bob.pairwiseUid);
        const paid = await c.call('POST', `/v2/payments/${p.identifier}/transaction`, { auth: c.key() });
        assert.equal(paid.json.transaction._link, `${c.server.baseUrl}/horizon/transactions/${paid.json.transaction.txid}`);
        const gateway = await http(paid.json.transaction._link, 'GET', '');
        assert.equal(gateway.status, 200);
        assert.equal(gateway.json.memo, p.identifier);
        await c.call('POST', `/v2/payments/${p.identifier}/complete`, { auth: c.key(), body: { txid: paid.json.transaction.txid } });
      } finally {
        config.publicUrl = configured;
      }
    });

    test('the network setting is copied onto new payments', async () => {
      const { setAppControls } = await import('../../src/core/identity/appControls.js');
      const s = c.server.services;
      await s.db.transaction().execute((trx) => setAppControls(trx, c.app.id, { settings: { pi: { network: 'Pi Network' } } }, s));
      const p = await c.createU2A(c.alice);
      assert.equal(p.network, 'Pi Network');
      await s.db.transaction().execute((trx) => setAppControls(trx, c.app.id, { settings: { pi: { network: 'Pi Testnet' } } }, s));
    });
  });
}
