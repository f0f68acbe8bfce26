import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { STORES } from '../support/stores.js';
import { startAdminFixture, type AdminFixture } from './support.js';

for (const store of STORES) {
  describe(`admin API security (${store})`, () => {
    let f: AdminFixture;
    before(async () => {
      f = await startAdminFixture(store);
    });
    after(() => f.close());

    it('answers 401 without a token, with a bad token and with a malformed header', async () => {
      for (const r of [
        await f.call('GET', '/admin/v1/assets', { token: null }),
        await f.call('GET', '/admin/v1/assets', { token: 'not-a-real-token' }),
        await f.call('GET', '/admin/v1/assets', { token: null, headers: { authorization: `Basic ${f.admin.token}` } }),
        await f.call('POST', '/admin/v1/assets', { token: null, body: { symbol: 'GEM', precision: 2 } }),
      ]) {
        assert.equal(r.status, 401, r.text);
        assert.equal(r.json.error.code, 'unauthorized');
      }
    });

    it('answers 403 to a non-admin developer on operator endpoints, and to a blocked developer everywhere', async () => {
      const operatorCalls: Array<[string, string, unknown?]> = [
        ['POST', '/admin/v1/assets', { symbol: 'GEM', precision: 2 }],
        ['POST', '/admin/v1/assets/ULD/issue', { account_id: 1, amount: '1' }],
        ['GET', '/admin/v1/accounts'],
        ['GET', '/admin/v1/accounts/1'],
        ['POST', '/admin/v1/accounts/1/freeze'],
        ['GET', '/admin/v1/transfers'],
        ['GET', '/admin/v1/blocks'],
      ];
      for (const [method, path, body] of operatorCalls) {
        const r = await f.call(method, path, { token: f.dev.token, ...(body ? { body } : {}) });
        assert.equal(r.status, 403, `${method} ${path}: ${r.text}`);
        assert.equal(r.json.error.code, 'forbidden');
      }
      const blocked = await f.call('GET', '/admin/v1/assets', { token: f.blocked.token });
      assert.equal(blocked.status, 403);
    });

    it("does not let a developer rotate another developer's app secret", async () => {
      const appId = await f.createApp(f.dev.developer.id, 'alice-app');
      const r = await f.call('POST', `/admin/v1/apps/${appId}/rotate-secret`, { token: f.other.token });
      assert.equal(r.status, 403, r.text);
      assert.equal(r.json.error.code, 'forbidden');
      assert.doesNotMatch(r.text, /secret"/);
    });

    it('keeps idempotency keys per developer: the same key from two developers does not replay across them', async () => {
      const a = await f.createApp(f.dev.developer.id, 'k1');
      const b = await f.createApp(f.other.developer.id, 'k2');
      const headers = { 'idempotency-key': 'same-key' };
      const first = await f.call('POST', `/admin/v1/apps/${a}/rotate-secret`, { token: f.dev.token, headers });
      const second = await f.call('POST', `/admin/v1/apps/${b}/rotate-secret`, { token: f.other.token, headers });
      assert.equal(first.status, 200);
      assert.equal(second.status, 200);
      assert.equal(second.headers.get('idempotent-replayed'), null);
      assert.notEqual(first.json.secret, second.json.secret);
    });
  });
}
