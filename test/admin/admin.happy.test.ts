import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sealBlock, verifyMerkleProof } from '../../src/core/ledger/blocks.js';
import { STORES } from '../support/stores.js';
import { startAdminFixture, type AdminFixture } from './support.js';

for (const store of STORES) {
  describe(`admin API happy paths (${store})`, () => {
    let f: AdminFixture;
    let accountId: number;
    before(async () => {
      f = await startAdminFixture(store);
    });
    after(() => f.close());

    it('creates and lists assets', async () => {
      const created = await f.call('POST', '/admin/v1/assets', { body: { symbol: 'GEM', precision: 2 } });
      assert.equal(created.status, 201, created.text);
      assert.equal(created.json.symbol, 'GEM');
      assert.equal(created.json.precision, 2);
      const list = await f.call('GET', '/admin/v1/assets', { token: f.dev.token });
      assert.equal(list.status, 200);
      assert.deepEqual(list.json.map((a: { symbol: string }) => a.symbol).sort(), ['GEM', 'ULD']);
    });

    it('finds a developer wallet and issues an exact decimal amount into it', async () => {
      const found = await f.call('GET', `/admin/v1/accounts?owner_kind=developer&owner_id=${f.dev.developer.id}&asset=ULD`);
      assert.equal(found.status, 200, found.text);
      assert.equal(found.json.length, 1);
      accountId = found.json[0].id;
      const issued = await f.call('POST', '/admin/v1/assets/ULD/issue', { body: { account_id: accountId, amount: '12.5', memo: 'welcome' } });
      assert.equal(issued.status, 201, issued.text);
      assert.equal(issued.json.amount_minor, '1250000000');
      assert.equal(issued.json.amount, '12.50000000');
      assert.equal(issued.json.credit_account_id, accountId);
      assert.equal(issued.json.memo, 'welcome');
      assert.match(issued.json.txid, /^[0-9a-f]{64}$/);
      const account = await f.call('GET', `/admin/v1/accounts/${accountId}`);
      assert.equal(account.status, 200);
      assert.equal(account.json.balance, '12.50000000');
      assert.equal(account.json.balance_minor, '1250000000');
      assert.equal(account.json.asset, 'ULD');
    });

    it('lists transfers of an account and gets one by id and by txid', async () => {
      const list = await f.call('GET', `/admin/v1/transfers?account_id=${accountId}`);
      assert.equal(list.status, 200, list.text);
      const issueTransfer = list.json.find((t: { kind: string; memo: string }) => t.memo === 'welcome');
      assert.ok(issueTransfer);
      for (const key of [issueTransfer.id, issueTransfer.txid]) {
        const one = await f.call('GET', `/admin/v1/transfers/${key}`);
        assert.equal(one.status, 200, one.text);
        assert.equal(one.json.txid, issueTransfer.txid);
      }
      const paged = await f.call('GET', `/admin/v1/transfers?after=${issueTransfer.seq}&account_id=${accountId}`);
      assert.equal(paged.json.filter((t: { seq: number }) => t.seq <= issueTransfer.seq).length, 0);
    });

    it('serves sealed blocks and a Merkle proof that verifies', async () => {
      const s = f.server.services;
      const sealed = await sealBlock(s.database, s.box, s.clock);
      assert.ok(sealed);
      const blocks = await f.call('GET', '/admin/v1/blocks');
      assert.equal(blocks.status, 200, blocks.text);
      assert.equal(blocks.json.at(-1).number, sealed.number);
      const block = await f.call('GET', `/admin/v1/blocks/${sealed.number}`);
      assert.equal(block.json.hash, sealed.hash);
      const transfers = await f.call('GET', `/admin/v1/transfers?block=${sealed.number}`);
      const txid = transfers.json[0].txid as string;
      const proof = await f.call('GET', `/admin/v1/blocks/proof/${txid}`);
      assert.equal(proof.status, 200, proof.text);
      assert.equal(proof.json.block_number, sealed.number);
      assert.equal(proof.json.merkle_root, sealed.merkleRoot);
      assert.ok(verifyMerkleProof({ txid, root: proof.json.merkle_root, path: proof.json.path }));
      const ready = await f.call('GET', '/readyz', { token: null });
      assert.equal(ready.json.head_block, sealed.number);
    });

    it('freezes and unfreezes an account; a frozen account receives nothing', async () => {
      const frozen = await f.call('POST', `/admin/v1/accounts/${accountId}/freeze`);
      assert.equal(frozen.status, 200, frozen.text);
      assert.equal(frozen.json.frozen, true);
      const refused = await f.call('POST', '/admin/v1/assets/ULD/issue', { body: { account_id: accountId, amount: '1' } });
      assert.equal(refused.status, 409, refused.text);
      assert.equal(refused.json.error.code, 'account_frozen');
      const thawed = await f.call('POST', `/admin/v1/accounts/${accountId}/unfreeze`);
      assert.equal(thawed.json.frozen, false);
    });

    it('replays an issue with the same Idempotency-Key and refuses the key with other input', async () => {
      const headers = { 'idempotency-key': 'issue-once-1' };
      const body = { account_id: accountId, amount: '0.00000001' };
      const first = await f.call('POST', '/admin/v1/assets/ULD/issue', { body, headers });
      assert.equal(first.status, 201, first.text);
      assert.equal(first.headers.get('idempotent-replayed'), null);
      const again = await f.call('POST', '/admin/v1/assets/ULD/issue', { body, headers });
      assert.equal(again.status, 201);
      assert.equal(again.headers.get('idempotent-replayed'), 'true');
      assert.equal(again.text, first.text);
      const account = await f.call('GET', `/admin/v1/accounts/${accountId}`);
      assert.equal(account.json.balance_minor, '1250000001');
      const conflict = await f.call('POST', '/admin/v1/assets/ULD/issue', { body: { ...body, amount: '2' }, headers });
      assert.equal(conflict.status, 409);
      assert.equal(conflict.json.error.code, 'idempotency_conflict');
    });

    it('rotates an app secret for its owner and for an admin', async () => {
      const appId = await f.createApp(f.dev.developer.id, 'shop');
      const byOwner = await f.call('POST', `/admin/v1/apps/${appId}/rotate-secret`, { token: f.dev.token });
      assert.equal(byOwner.status, 200, byOwner.text);
      assert.match(byOwner.json.secret, /^[0-9a-f]{32}$/);
      const byAdmin = await f.call('POST', `/admin/v1/apps/${appId}/rotate-secret`);
      assert.equal(byAdmin.status, 200);
      assert.notEqual(byAdmin.json.secret, byOwner.json.secret);
    });

    it('records every change in the audit log, in the same transaction, without secrets', async () => {
      const issued = await f.call('POST', '/admin/v1/assets/ULD/issue', { body: { account_id: accountId, amount: '1', memo: 'audited' } });
      assert.equal(issued.status, 201, issued.text);
      const refused = await f.call('POST', '/admin/v1/assets/ULD/issue', { body: { account_id: accountId, amount: '0.000000001' } });
      assert.equal(refused.status, 400);
      const log = await f.call('GET', '/admin/v1/audit?limit=5');
      assert.equal(log.status, 200, log.text);
      const entry = log.json.find((e: { details: { memo?: string } }) => e.details.memo === 'audited');
      assert.ok(entry, log.text);
      assert.equal(entry.action, 'admin.issueAsset');
      assert.equal(entry.actor, `developer:${f.admin.developer.id}`);
      assert.equal(entry.target, 'symbol:ULD');
      assert.equal(entry.details.amount, '1');
      assert.match(entry.request_id, /.+/);
      // The refused issue rolled back, and so did its audit entry.
      assert.equal(log.json.filter((e: { details: { amount?: string } }) => e.details.amount === '0.000000001').length, 0);
      const appId = await f.createApp(f.dev.developer.id, 'audited-app');
      const rotated = await f.call('POST', `/admin/v1/apps/${appId}/rotate-secret`, { token: f.dev.token });
      assert.equal(rotated.status, 200, rotated.text);
      const after = await f.call('GET', '/admin/v1/audit?limit=1');
      assert.equal(after.json[0].action, 'admin.rotateAppSecret');
      assert.ok(!after.text.includes(rotated.json.secret), 'the new secret must not be in the audit log');
    });
  });
}
