import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { STORES } from '../support/stores.js';
import { startAdminFixture, type AdminFixture } from './support.js';

function assertError(r: { status: number; json: any; text: string }, status: number, code: string): void {
  assert.equal(r.status, status, r.text);
  assert.equal(r.json?.error?.code, code, r.text);
  assert.equal(typeof r.json.error.message, 'string');
}

for (const store of STORES) {
  describe(`admin API errors (${store})`, () => {
    let f: AdminFixture;
    let accountId: number;
    before(async () => {
      f = await startAdminFixture(store);
      const found = await f.call('GET', `/admin/v1/accounts?owner_kind=developer&owner_id=${f.dev.developer.id}`);
      accountId = found.json[0].id;
    });
    after(() => f.close());

    it('refuses amounts that are not exact positive decimals within the precision', async () => {
      for (const amount of ['0.123456789', '-1', 'abc', '1e5', '0', '0.00000000', '', ' 1', '1.', '.5', '01']) {
        const r = await f.call('POST', '/admin/v1/assets/ULD/issue', { body: { account_id: accountId, amount } });
        assertError(r, 400, 'invalid_amount');
      }
      const asNumber = await f.call('POST', '/admin/v1/assets/ULD/issue', { body: `{"account_id":${accountId},"amount":0.123456789}` });
      assertError(asNumber, 400, 'invalid_amount');
      const account = await f.call('GET', `/admin/v1/accounts/${accountId}`);
      assert.equal(account.json.balance_minor, '0');
    });

    it('accepts a JSON number amount exactly', async () => {
      const r = await f.call('POST', '/admin/v1/assets/ULD/issue', { body: `{"account_id":${accountId},"amount":0.1}` });
      assert.equal(r.status, 201, r.text);
      assert.equal(r.json.amount_minor, '10000000');
    });

    it('answers unknown paths, objects and assets with 404 in the envelope', async () => {
      assertError(await f.call('GET', '/admin/v1/nope'), 404, 'not_found');
      assertError(await f.call('DELETE', '/admin/v1/assets'), 404, 'not_found');
      assertError(await f.call('GET', '/admin/v1/accounts/999999'), 404, 'not_found');
      assertError(await f.call('GET', `/admin/v1/transfers/${'ab'.repeat(32)}`), 404, 'not_found');
      assertError(await f.call('GET', '/admin/v1/blocks/999'), 404, 'not_found');
      assertError(await f.call('GET', `/admin/v1/blocks/proof/${'cd'.repeat(32)}`), 404, 'not_found');
      assertError(await f.call('POST', '/admin/v1/assets/NOPE/issue', { body: { account_id: accountId, amount: '1' } }), 404, 'not_found');
      assertError(await f.call('POST', '/admin/v1/assets/ULD/issue', { body: { account_id: 999999, amount: '1' } }), 404, 'not_found');
      assertError(await f.call('POST', '/admin/v1/apps/999999/rotate-secret'), 404, 'not_found');
      assertError(await f.call('POST', '/admin/v1/accounts/999999/freeze'), 404, 'not_found');
      assertError(await f.call('GET', '/admin/v1'), 404, 'not_found');
    });

    it('refuses malformed input with 400', async () => {
      assertError(await f.call('POST', '/admin/v1/assets', { body: '{"symbol":' }), 400, 'invalid_json');
      assertError(await f.call('POST', '/admin/v1/assets', { body: '[1]' }), 400, 'invalid_json');
      assertError(await f.call('POST', '/admin/v1/assets', { body: { symbol: 'gem', precision: 2 } }), 400, 'invalid_request');
      assertError(await f.call('POST', '/admin/v1/assets', { body: { symbol: 'GEM', precision: 19 } }), 400, 'invalid_request');
      assertError(await f.call('POST', '/admin/v1/assets', { body: { symbol: 'GEM' } }), 400, 'invalid_request');
      assertError(await f.call('POST', '/admin/v1/assets', { body: { symbol: 'GEM', precision: 2, extra: 1 } }), 400, 'invalid_request');
      assertError(await f.call('GET', '/admin/v1/accounts/abc'), 400, 'invalid_request');
      assertError(await f.call('GET', '/admin/v1/transfers/not-a-txid'), 400, 'invalid_request');
      assertError(await f.call('GET', '/admin/v1/blocks/proof/xyz'), 400, 'invalid_request');
      assertError(await f.call('POST', '/admin/v1/assets/ULD/issue', { body: { account_id: '1', amount: '1' } }), 400, 'invalid_request');
      assertError(await f.call('GET', '/admin/v1/transfers?limit=0'), 400, 'invalid_request');
      assertError(await f.call('GET', '/admin/v1/transfers?limit=201'), 400, 'invalid_request');
      assertError(await f.call('GET', '/admin/v1/transfers?account_id=1&account_id=2'), 400, 'invalid_request');
      assertError(
        await f.call('POST', '/admin/v1/assets', { body: { symbol: 'GEM', precision: 2 }, headers: { 'idempotency-key': '\u00e9' } }),
        400,
        'invalid_idempotency_key',
      );
    });

    it('refuses a duplicate asset with 409 and an oversized body with 413', async () => {
      assertError(await f.call('POST', '/admin/v1/assets', { body: { symbol: 'ULD', precision: 8 } }), 409, 'asset_exists');
      assertError(await f.call('POST', '/admin/v1/assets', { body: { symbol: 'GEM', precision: 2, pad: 'x'.repeat(5000) } }), 413, 'payload_too_large');
    });
  });
}
