// Credits in (issue #5 item 3): an operator tops a user up through the native admin API — naming the user, not an
// account id, since a user who was never billed has no CREDIT account yet — and the app can then charge them.
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { startWebhookWorker, verifyPlazaSignature } from '../../src/core/events/webhooks.js';
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

    test('a charge reaches the app as a signed billing.charged webhook', async () => {
      const app = await c.createApp('Hooked');
      const user = await c.createUser('ulla', { verified: true });
      await c.grant(app.app.id, user.id, 'kamiya', []);
      const auth = { authorization: `Bearer ${adminToken}` };
      await http(c.server.baseUrl, 'POST', '/admin/v1/assets/CREDIT/issue', {
        headers: auth,
        body: { owner_kind: 'user', owner_id: String(user.uid), sub: 'credit', amount: '3' },
      });
      const received: Array<{ body: string; signature: string | undefined }> = [];
      const receiver = createServer((req, res) => {
        let text = '';
        req.on('data', (d: Buffer) => (text += d.toString('utf8')));
        req.on('end', () => {
          received.push({ body: text, signature: req.headers['plaza-signature'] as string | undefined });
          res.writeHead(204).end();
        });
      });
      await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
      try {
        const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`;
        const endpoint = await http(c.server.baseUrl, 'POST', `/admin/v1/apps/${app.app.id}/webhooks`, { headers: auth, body: { url, events: ['billing.charged'] } });
        assert.equal(endpoint.status, 201, endpoint.text);
        const charged = await http(c.server.baseUrl, 'POST', '/api/billing/charge', { body: { appId: app.appkey, secret: app.secret, id: user.uid, credit: '1.25' } });
        assert.equal(charged.status, 200, charged.text);
        const s = c.server.services;
        const worker = startWebhookWorker({ db: s.db, box: s.box, clock: s.clock, logger: s.logger });
        try {
          assert.equal(await worker.runOnce(), 1);
        } finally {
          await worker.stop();
        }
        assert.equal(received.length, 1);
        const [delivery] = received;
        assert.ok(verifyPlazaSignature(delivery!.signature, delivery!.body, endpoint.json.secret, 300, s.clock.now()));
        const event = JSON.parse(delivery!.body);
        assert.equal(event.type, 'billing.charged');
        assert.equal(event.data.userId, user.uid);
        assert.equal(event.data.amount, '1.25');
      } finally {
        await new Promise((resolve) => receiver.close(resolve));
      }
    });
  });
}
