// `order=desc` and the `before` cursor of GET /admin/v1/blocks and GET /admin/v1/transfers: newest first, paging
// down without gaps or repeats, combined with the other filters; the default order stays oldest first; bad values
// are refused.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sealBlock } from '../../src/core/ledger/blocks.js';
import { STORES } from '../support/stores.js';
import { startAdminFixture, type AdminFixture } from './support.js';

for (const store of STORES) {
  describe(`admin API newest-first lists (${store})`, () => {
    let f: AdminFixture;
    let accountId: number;
    const blockNumbers: number[] = [];
    before(async () => {
      f = await startAdminFixture(store);
      const s = f.server.services;
      const found = await f.call('GET', `/admin/v1/accounts?owner_kind=developer&owner_id=${f.dev.developer.id}&asset=ULD`);
      assert.equal(found.status, 200, found.text);
      accountId = found.json[0].id;
      // Five blocks, each sealing one issuance into the account and one to another owner.
      for (let i = 1; i <= 5; i++) {
        for (const body of [{ account_id: accountId, amount: `${i}`, memo: `mine ${i}` }, { owner_kind: 'user', owner_id: '77', amount: '1', memo: `theirs ${i}` }]) {
          const r = await f.call('POST', '/admin/v1/assets/ULD/issue', { body });
          assert.equal(r.status, 201, r.text);
        }
        const sealed = await sealBlock(s.database, s.box, s.clock);
        assert.ok(sealed);
        blockNumbers.push(sealed.number);
      }
    });
    after(() => f.close());

    it('lists blocks newest first and pages down with before', async () => {
      const asc = await f.call('GET', '/admin/v1/blocks');
      assert.equal(asc.status, 200, asc.text);
      const all = asc.json.map((b: { number: number }) => b.number) as number[];
      assert.deepEqual(all, [...all].sort((a, b) => a - b), 'the default stays oldest first');
      for (const n of blockNumbers) assert.ok(all.includes(n));

      const head = await f.call('GET', '/admin/v1/blocks?order=desc&limit=2');
      assert.equal(head.status, 200, head.text);
      assert.deepEqual(head.json.map((b: { number: number }) => b.number), [all.at(-1), all.at(-2)]);
      // Paging down: every block once, newest to oldest.
      const seen: number[] = [];
      let cursor: number | undefined;
      for (;;) {
        const r = await f.call('GET', `/admin/v1/blocks?order=desc&limit=2${cursor ? `&before=${cursor}` : ''}`);
        assert.equal(r.status, 200, r.text);
        if (r.json.length === 0) break;
        seen.push(...r.json.map((b: { number: number }) => b.number));
        cursor = seen.at(-1);
      }
      assert.deepEqual(seen, [...all].reverse());
      // before and after together bound a window.
      const window = await f.call('GET', `/admin/v1/blocks?order=desc&before=${blockNumbers[4]}&after=${blockNumbers[1]}`);
      assert.deepEqual(window.json.map((b: { number: number }) => b.number), [blockNumbers[3], blockNumbers[2]]);
      // before alone keeps the ascending order.
      const ascBefore = await f.call('GET', `/admin/v1/blocks?before=${blockNumbers[2]}`);
      assert.deepEqual(ascBefore.json.map((b: { number: number }) => b.number), all.filter((n) => n < blockNumbers[2]!));
    });

    it("lists an account's transfers newest first and pages down with before", async () => {
      const asc = await f.call('GET', `/admin/v1/transfers?account_id=${accountId}`);
      assert.equal(asc.status, 200, asc.text);
      const seqs = asc.json.map((t: { seq: number }) => t.seq) as number[];
      assert.equal(seqs.length, 5);
      assert.deepEqual(seqs, [...seqs].sort((a, b) => a - b));
      const desc = await f.call('GET', `/admin/v1/transfers?account_id=${accountId}&order=desc&limit=3`);
      assert.equal(desc.status, 200, desc.text);
      assert.deepEqual(desc.json.map((t: { memo: string }) => t.memo), ['mine 5', 'mine 4', 'mine 3']);
      const rest = await f.call('GET', `/admin/v1/transfers?account_id=${accountId}&order=desc&limit=3&before=${desc.json[2].seq}`);
      assert.deepEqual(rest.json.map((t: { memo: string }) => t.memo), ['mine 2', 'mine 1']);
      // Without the account filter: every transfer, the other owner's included, newest first.
      const everything = await f.call('GET', '/admin/v1/transfers?order=desc&limit=2');
      assert.deepEqual(everything.json.map((t: { memo: string }) => t.memo), ['theirs 5', 'mine 5']);
      // Within one block.
      const inBlock = await f.call('GET', `/admin/v1/transfers?block=${blockNumbers[2]}&order=desc`);
      assert.deepEqual(inBlock.json.map((t: { memo: string }) => t.memo), ['theirs 3', 'mine 3']);
    });

    it('refuses a bad order or cursor, and non-admins', async () => {
      for (const q of ['order=newest', 'order=DESC', 'before=0', 'before=x', 'before=-1']) {
        for (const path of ['/admin/v1/blocks', '/admin/v1/transfers']) {
          const r = await f.call('GET', `${path}?${q}`);
          assert.equal(r.status, 400, `${path}?${q}: ${r.text}`);
          assert.equal(r.json.error.code, 'invalid_request');
        }
      }
      assert.equal((await f.call('GET', '/admin/v1/blocks?order=desc', { token: f.dev.token })).status, 403);
      assert.equal((await f.call('GET', '/admin/v1/transfers?order=desc', { token: null })).status, 401);
    });
  });
}
