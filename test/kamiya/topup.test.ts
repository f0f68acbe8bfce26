// Credits in (issue #5 item 3): an operator tops a user up through the native admin API — naming the user, not an
// account id, since a user who was never billed has no CREDIT account yet — and the app can then charge them.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createAdminApi } from '../../src/admin/plugin.js';
import { ensureAdminDeveloper } from '../../src/core/identity/developers.js';
import { issueDeveloperToken } from '../../src/core/identity/devTokens.js';
import { kamiyaDialect } from '../../src/dialects/kamiya/plugin.js';
import { startIdentityServer, type IdentityCtx } from '../support/identityFixtures.js';
import { http } from '../support/server.js';
import { STORES } from '../support/stores.js';

for (const kind of STORES) {
  describe(`kamiya credits in through the admin API [${kind}]`, () => {
    let c: IdentityCtx;
    let adminToken: string;
    before(async () => {
      c = await startIdentityServer(kind, { dialects: [kamiyaDialect, createAdminApi()] });
      const s = c.server.services;
      const admin = await ensureAdminDeveloper(s.db, { username: 'root', password: 'root-password' }, c.deps);
      adminToken = (await issueDeveloperToken(s.db, admin.id, s.clock, 3600)).token;
    });
    after(() => c.close());

    test('issue CREDIT to a user by uid with a memo, then the app charges it; both sides balance', async () => {
      const app = await c.createApp('Billed');
      const user = await c.createUser('tess', { verified: true });
      await c.grant(app.app.id, user.id, 'kamiya', []);
      const auth = { authorization: `Bearer ${adminToken}` };
      const issued = await http(c.server.baseUrl, 'POST', '/admin/v1/assets/CREDIT/issue', {
        headers: auth,
        body: { owner_kind: 'user', owner_id: String(user.uid), sub: 'credit', amount: '25.50', memo: 'promo top-up' },
      });
      assert.equal(issued.status, 201, issued.text);
      assert.equal(issued.json.amount, '25.50');
      assert.equal(issued.json.memo, 'promo top-up');
      // Naming both an account and an owner, or neither, is refused.
      const both = await http(c.server.baseUrl, 'POST', '/admin/v1/assets/CREDIT/issue', {
        headers: auth,
        body: { account_id: issued.json.credit_account_id, owner_kind: 'user', owner_id: String(user.uid), amount: '1' },
      });
      assert.equal(both.status, 400, both.text);
      const body = { appId: app.appkey, secret: app.secret, id: user.uid };
      const charged = await http(c.server.baseUrl, 'POST', '/api/billing/charge', { body: { ...body, credit: '20.25' } });
      assert.equal(charged.text, '{"status":200,"message":"OK"}');
      const detail = await http(c.server.baseUrl, 'POST', '/api/billing/detail', { body });
      assert.equal(detail.json.data.credit, 5.25);
    });
  });
}
