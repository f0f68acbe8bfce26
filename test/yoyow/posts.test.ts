// YOYOW posts, licences, scores and rewards (spec/yoyow.md §4.7–§4.15, examples 10–14): the happy paths with their
// exact echoes and key orders, the reads and their paging, the money each write moves, and the recorded operations.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { STORES } from '../support/stores.js';
import { enc, startChainFixture, UID, type ChainFixture } from './fixture.js';
import { http } from '../support/server.js';

const refusal = (code: number, message: string) => ({ code, data: null, message });
const FEE = 1000n;
const SHA_EMPTY = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

for (const kind of STORES) {
  describe(`yoyow posts [${kind}]`, () => {
    let fx: ChainFixture;
    before(async () => {
      fx = await startChainFixture(kind);
      // §8 fixture: A owns post 1 on P (default receiptors), licence 1 of P exists (created with P's first write).
      const r = await fx.post('/api/v2/posts/simple', { poster: UID.A, title: 'first', body: 'one', license_lid: 1 });
      assert.equal(r.json.code, 0, r.text);
      assert.equal(r.json.data.post.post_pid, 1);
    });
    after(async () => {
      await fx?.close();
    });

    test('example 10: a simple post for A: pid, SHA-256 of body, body stored empty, extra_data, sign_platform, fee', async () => {
      const a0 = await fx.balances(UID.A);
      const r = await fx.post('/api/v2/posts/simple', { poster: UID.A, title: 't', body: 'b', url: 'https://x', license_lid: 1 });
      assert.equal(r.status, 200);
      assert.deepEqual(Object.keys(r.json), ['code', 'data', 'message']);
      assert.equal(r.json.code, 0, r.text);
      assert.equal(r.json.message, '操作成功');
      assert.deepEqual(Object.keys(r.json.data), ['block_num', 'txid', 'post']);
      assert.match(r.json.data.txid, /^[0-9a-f]{40}$/);
      assert.equal(typeof r.json.data.block_num, 'number');
      assert.deepEqual(r.json.data.post, {
        platform: '33313',
        poster: '30833',
        post_pid: 2,
        hash_value: '3e23e8160039594a33894f6564e1b1348bbd7a0088d42c4acb73eeaed59c009d',
        extra_data: '{"url":"https://x"}',
        title: 't',
        body: '',
        extensions: { post_type: 0, license_lid: '1', permission_flags: 255, sign_platform: '33313' },
        fee: { total: { amount: 1000, asset_id: 0 } },
      });
      assert.deepEqual(Object.keys(r.json.data.post), ['platform', 'poster', 'post_pid', 'hash_value', 'extra_data', 'title', 'body', 'extensions', 'fee']);
      assert.equal(a0.csaf - (await fx.balances(UID.A)).csaf, FEE, "A's csaf −1000");
      // The post as GET /posts shows it (§4.7), key order included.
      const g = await fx.get(`/api/v2/posts?poster=${UID.A}&post_pid=2`);
      const p = g.json.data;
      assert.deepEqual(Object.keys(p), [
        'id', 'platform', 'poster', 'post_pid', 'post_type', 'hash_value', 'extra_data', 'title', 'body', 'create_time', 'last_update_time', 'receiptors', 'license_lid', 'permission_flags', 'score_settlement',
      ]);
      assert.match(p.id, /^1\.7\.[0-9]+$/);
      assert.equal(p.platform, UID.P);
      assert.equal(p.poster, UID.A);
      assert.equal(p.body, '');
      assert.match(p.create_time, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/);
      assert.deepEqual(p.receiptors, [
        [UID.A, { cur_ratio: 7500, to_buyout: false, buyout_ratio: 0, buyout_price: 0, buyout_expiration: '1969-12-31T23:59:59' }],
        [UID.P, { cur_ratio: 2500, to_buyout: false, buyout_ratio: 0, buyout_price: 0, buyout_expiration: '1969-12-31T23:59:59' }],
      ]);
      assert.equal(p.score_settlement, false);
      // the alias pid and an unknown post
      assert.deepEqual((await fx.get(`/api/v2/posts?poster=${UID.A}&pid=2`)).json.data, p);
      assert.equal((await fx.get(`/api/v2/posts?poster=${UID.A}&pid=99`)).json.data, null);
      // op 18 in A's history, fields in the chain's order, result the post's id
      const h = (await fx.get(`/api/v2/accounts/${UID.A}/histories?op_type=18&limit=1`)).json.data[0][1];
      assert.deepEqual(h.op[0], 18);
      assert.deepEqual(Object.keys(h.op[1]), ['fee', 'post_pid', 'platform', 'poster', 'hash_value', 'extra_data', 'title', 'body', 'extensions']);
      assert.deepEqual(h.op[1].extensions, { post_type: 0, license_lid: 1, permission_flags: 255, sign_platform: UID.P });
      assert.deepEqual(h.result, [1, p.id]);
      assert.equal(h.block_num, r.json.data.block_num);
    });

    test('simple post by the platform itself: poster defaults to it, no sign_platform, receiptors platform 10000, hash_value honoured', async () => {
      const r = await fx.post('/api/v2/posts/simple', { title: 'p', body: 'x', hash_value: 'given', license_lid: 1 });
      assert.equal(r.json.code, 0, r.text);
      const post = r.json.data.post;
      assert.equal(post.poster, '33313');
      assert.equal(post.hash_value, 'given');
      assert.equal(post.extra_data, '{}');
      assert.deepEqual(post.extensions, { post_type: 0, license_lid: '1', permission_flags: 255 });
      const g = (await fx.get(`/api/v2/posts?poster=${UID.P}&post_pid=${post.post_pid}`)).json.data;
      assert.deepEqual(g.receiptors, [[UID.P, { cur_ratio: 10000, to_buyout: false, buyout_ratio: 0, buyout_price: 0, buyout_expiration: '1969-12-31T23:59:59' }]]);
    });

    test('create_license: the default licence is 1, the next is 2; echo and op 41', async () => {
      const p0 = await fx.balances(UID.P);
      const r = await fx.post('/api/v2/create_license', { title: 'CC', body: 'by' });
      assert.equal(r.json.code, 0, r.text);
      assert.deepEqual(Object.keys(r.json.data), ['block_num', 'txid', 'license']);
      const l = r.json.data.license;
      assert.deepEqual(Object.keys(l), ['platform', 'type', 'hash_value', 'extra_data', 'title', 'body', 'license_lid', 'fee']);
      assert.equal(l.platform, UID.P);
      assert.equal(l.type, 0);
      assert.equal(l.license_lid, 2);
      assert.equal(l.extra_data, '');
      assert.deepEqual(l.fee, { total: { amount: 1000, asset_id: 0 } });
      assert.equal(p0.csaf - (await fx.balances(UID.P)).csaf, FEE, 'the platform pays the licence fee');
      const r3 = await fx.post('/api/v2/create_license', { type: 7, hash_value: 'h', extra_data: 'e' });
      assert.equal(r3.json.data.license.license_lid, 3);
      assert.equal(r3.json.data.license.type, 7);
      const ops = (await fx.get(`/api/v2/accounts/${UID.P}/histories?op_type=41&limit=10`)).json.data.map((e: [number, { op: [number, Record<string, unknown>] }]) => e[1].op[1]);
      assert.deepEqual(
        ops.map((o: Record<string, unknown>) => o.license_lid),
        [3, 2, 1],
      );
      const def = ops[2];
      assert.deepEqual(def, { fee: { total: { amount: 0, asset_id: 0 } }, license_lid: 1, platform: UID.P, type: 0, hash_value: SHA_EMPTY, extra_data: '', title: 'default', body: '' });
      // a post may name licence 3 now, not 4
      assert.equal((await fx.post('/api/v2/posts/simple', { license_lid: 3 })).json.code, 0);
      assert.deepEqual((await fx.post('/api/v2/posts/simple', { license_lid: 4 })).json, refusal(2000, 'license not found'));
    });

    test('full post with receiptors, forward price and flags; 3001 for a pid other than last + 1 (example 11)', async () => {
      const last = (await fx.get(`/api/v2/posts/getPostList?poster=${UID.A}&limit=1`)).json.data[0].post_pid as number;
      assert.deepEqual(
        (await fx.post('/api/v2/posts', { poster: UID.A, post_pid: last + 2, extensions: { license_lid: 1 } })).json,
        refusal(3001, '文章ID必须为该平台该发文人的上一篇文章ID +1'),
      );
      const r = await fx.post('/api/v2/posts', {
        poster: UID.A,
        post_pid: last + 1,
        title: 'full',
        body: 'body text',
        extra_data: '{"k":1}',
        extensions: {
          license_lid: 1,
          forward_price: 5000,
          permission_flags: 31,
          receiptors: [
            [UID.P, { cur_ratio: 2500 }],
            [String(UID.A), { cur_ratio: 6000, to_buyout: true, buyout_ratio: 1000, buyout_price: 700, buyout_expiration: 1800000000 }],
            [UID.B, { cur_ratio: 1500 }],
          ],
        },
      });
      assert.equal(r.json.code, 0, r.text);
      const post = r.json.data.post;
      assert.equal(post.post_pid, last + 1);
      assert.equal(post.body, 'body text', '/posts stores the body');
      assert.equal(post.extra_data, '{"k":1}');
      assert.deepEqual(post.extensions, {
        post_type: 0,
        forward_price: 5000,
        license_lid: '1',
        permission_flags: 31,
        receiptors: [
          ['30833', { cur_ratio: 6000, to_buyout: true, buyout_ratio: 1000, buyout_price: 700, buyout_expiration: '2027-01-15T08:00:00' }],
          ['31479', { cur_ratio: 1500, to_buyout: false, buyout_ratio: 0, buyout_price: 0, buyout_expiration: '1969-12-31T23:59:59' }],
          ['33313', { cur_ratio: 2500, to_buyout: false, buyout_ratio: 0, buyout_price: 0, buyout_expiration: '1969-12-31T23:59:59' }],
        ],
        sign_platform: '33313',
      });
      const g = (await fx.get(`/api/v2/posts?poster=${UID.A}&post_pid=${last + 1}`)).json.data;
      assert.equal(g.forward_price, 5000);
      assert.equal(g.permission_flags, 31);
      assert.equal(g.hash_value.length, 64);
      assert.deepEqual(Object.keys(g).slice(-5), ['receiptors', 'forward_price', 'license_lid', 'permission_flags', 'score_settlement']);
      // url only → extra_data {"url":…}
      const u = await fx.post('/api/v2/posts', { poster: UID.A, url: 'https://u', extensions: { license_lid: 1 } });
      assert.equal(u.json.data.post.extra_data, '{"url":"https://u"}');
    });

    test('getPostList: newest first, consecutive pids, pages by lower_bound and start', async () => {
      const list = (await fx.get(`/api/v2/posts/getPostList?poster=${UID.A}&limit=100`)).json.data as Array<{ id: string; post_pid: number }>;
      const pids = list.map((p) => p.post_pid);
      assert.deepEqual(pids, [...pids].sort((a, b) => b - a), 'newest first');
      assert.deepEqual([...pids].sort((a, b) => a - b), Array.from({ length: pids.length }, (_, i) => i + 1), 'consecutive from 1');
      const all = (await fx.get('/api/v2/posts/getPostList?limit=100')).json.data as Array<{ id: string }>;
      const ids = all.map((p) => Number(p.id.split('.')[2]));
      assert.deepEqual(ids, [...ids].sort((a, b) => b - a));
      // pages of 2: the bound is inclusive (repeated)
      const page1 = (await fx.get('/api/v2/posts/getPostList?limit=2')).json.data as Array<{ id: string }>;
      assert.equal(page1.length, 2);
      const page2 = (await fx.get(`/api/v2/posts/getPostList?limit=2&lower_bound=${page1[1]!.id}`)).json.data as Array<{ id: string }>;
      assert.equal(page2[0]!.id, page1[1]!.id);
      assert.deepEqual((await fx.get('/api/v2/posts/getPostList?limit=2&lower_bound=1.8.0')).json.data, page1);
      // limit clamped, never an error
      assert.equal((await fx.get('/api/v2/posts/getPostList?limit=0')).json.data.length, 1);
      assert.equal((await fx.get('/api/v2/posts/getPostList?limit=-4')).json.data.length, 1);
      assert.equal((await fx.get('/api/v2/posts/getPostList?limit=1000')).json.data.length, all.length);
      // start: posts created at or before it
      assert.deepEqual((await fx.get('/api/v2/posts/getPostList?start=2000-01-01T00:00:00')).json.data, []);
      assert.equal((await fx.get('/api/v2/posts/getPostList?start=2999-01-01T00:00:00&limit=100')).json.data.length, all.length);
      assert.deepEqual((await fx.get('/api/v2/posts/getPostList?start=yesterday')).json, refusal(2000, 'invalid parameter: start'));
      assert.deepEqual((await fx.get('/api/v2/posts/getPostList?lower_bound=2.16.1')).json, refusal(2000, 'invalid parameter: lower_bound'));
      assert.deepEqual((await fx.get('/api/v2/posts/getPostList?poster=30834')).json, refusal(2002, '无效的账号'));
      // another platform lists nothing of P's
      assert.deepEqual((await fx.get(`/api/v2/posts/getPostList?platform=${UID.A}`)).json.data, []);
      // read parameter errors of /posts
      assert.deepEqual((await fx.get('/api/v2/posts?post_pid=1')).json, refusal(2000, 'missing parameter: poster'));
      assert.deepEqual((await fx.get(`/api/v2/posts?poster=${UID.A}`)).json, refusal(2000, 'missing parameter: post_pid'));
      assert.deepEqual((await fx.get(`/api/v2/posts?poster=${UID.A}&post_pid=0`)).json, refusal(2000, 'invalid parameter: post_pid'));
      assert.deepEqual((await fx.get(`/api/v2/posts?poster=12345&post_pid=1`)).json, refusal(2002, '无效的账号'));
    });

    test('example 13: score 6 → 2000; csaf above what is left after the fee → 2010; a valid score, then already scored', async () => {
      const post = (p: Record<string, unknown>) => fx.post('/api/v2/posts/score', p).then((r) => r.json);
      assert.deepEqual(await post({ from_account: UID.B, poster: UID.A, pid: 1, score: 6, csaf: 100 }), refusal(2000, 'invalid parameter: score'));
      const b0 = await fx.balances(UID.B);
      assert.deepEqual(await post({ from_account: UID.B, poster: UID.A, pid: 1, score: 5, csaf: Number(b0.csaf) }), refusal(2010, '打分失败，积分不足'));
      assert.deepEqual(await fx.balances(UID.B), b0, 'nothing moved');
      const ok = await post({ from_account: UID.B, poster: UID.A, pid: '1', score: -3, csaf: 23333 });
      assert.equal(ok.code, 0, JSON.stringify(ok));
      assert.deepEqual(Object.keys(ok.data), ['block_num', 'txid']);
      assert.equal(b0.csaf - (await fx.balances(UID.B)).csaf, 23333n + FEE, 'csaf consumed plus the fee');
      assert.deepEqual(await post({ from_account: UID.B, poster: UID.A, post_pid: 1, score: 5, csaf: 1 }), refusal(2000, 'already scored'));
      // the score object (§4.9, §4.10)
      const s = (await fx.get(`/api/v2/posts/score?poster=${UID.A}&pid=1&from_account=${UID.B}`)).json.data;
      assert.deepEqual(Object.keys(s), ['id', 'from_account_uid', 'platform', 'poster', 'post_pid', 'score', 'csaf', 'period_sequence', 'profits', 'create_time']);
      assert.match(s.id, /^2\.16\.[0-9]+$/);
      assert.deepEqual({ ...s, id: 0, create_time: 0 }, { id: 0, from_account_uid: UID.B, platform: UID.P, poster: UID.A, post_pid: 1, score: -3, csaf: 23333, period_sequence: 0, profits: 0, create_time: 0 });
      assert.equal((await fx.get(`/api/v2/posts/score?poster=${UID.A}&pid=1&from_account=${UID.C}`)).json.data, null);
      assert.deepEqual((await fx.get(`/api/v2/posts/score?poster=${UID.A}&pid=1`)).json, refusal(2000, 'missing parameter: from_account'));
      // P scores as itself (no consent needed), then the list, paged
      assert.equal((await post({ from_account: UID.P, poster: UID.A, pid: 1, score: 5, csaf: 10 })).code, 0);
      assert.equal((await post({ from_account: UID.A, poster: UID.A, pid: 1, score: 1, csaf: 10 })).code, 0);
      const list = (await fx.get(`/api/v2/posts/listScores?poster=${UID.A}&pid=1`)).json.data as Array<{ id: string; from_account_uid: number }>;
      assert.deepEqual(list.map((x) => x.from_account_uid), [UID.B, UID.P, UID.A]);
      const second = (await fx.get(`/api/v2/posts/listScores?poster=${UID.A}&pid=1&limit=1&lower_bound_score=${list[1]!.id}`)).json.data;
      assert.deepEqual(second, [list[1]]);
      assert.deepEqual((await fx.get(`/api/v2/posts/listScores?poster=${UID.A}&post_pid=1&lower_bound_score=2.17.0`)).json.data, []);
      assert.deepEqual((await fx.get(`/api/v2/posts/listScores?poster=${UID.A}&pid=1&lower_bound_score=1.7.99&list_cur_period=false`)).json.data, list);
      assert.deepEqual((await fx.get(`/api/v2/posts/listScores?poster=${UID.A}&pid=77`)).json.data, []);
      assert.deepEqual((await fx.get(`/api/v2/posts/listScores?poster=${UID.A}&pid=1&limit=101`)).json, refusal(2000, 'invalid parameter: limit'));
      assert.deepEqual((await fx.get(`/api/v2/posts/listScores?poster=${UID.A}&pid=1&limit=0`)).json, refusal(2000, 'invalid parameter: limit'));
      assert.deepEqual((await fx.get(`/api/v2/posts/listScores?poster=${UID.A}`)).json, refusal(2000, 'missing parameter: pid'));
      assert.deepEqual((await fx.get(`/api/v2/posts/listScores?poster=${UID.A}&pid=1&list_cur_period=maybe`)).json, refusal(2000, 'invalid parameter: list_cur_period'));
      // op 37 in the scorer's history
      const h = (await fx.get(`/api/v2/accounts/${UID.B}/histories?op_type=37&limit=1`)).json.data[0][1];
      assert.deepEqual(Object.keys(h.op[1]), ['fee', 'from_account_uid', 'platform', 'poster', 'post_pid', 'score', 'csaf', 'sign_platform']);
      assert.deepEqual(h.result, [1, list[0]!.id]);
    });

    test('example 14: a reward of 10001 splits 7500 to A and 2501 to P; cur_used 10001; above B’s prepaid → 2012', async () => {
      const before = { a: await fx.balances(UID.A), b: await fx.balances(UID.B), p: await fx.balances(UID.P) };
      const cons0 = (await fx.get(`/api/v2/authPermissions?account=${UID.B}`)).json.data[0].cur_used as number;
      const r = await fx.post('/api/v2/posts/reward-proxy', { from_account: UID.B, poster: UID.A, pid: 1, amount: 10001 });
      assert.equal(r.json.code, 0, r.text);
      assert.deepEqual(Object.keys(r.json.data), ['block_num', 'txid']);
      const after = { a: await fx.balances(UID.A), b: await fx.balances(UID.B), p: await fx.balances(UID.P) };
      assert.equal(before.b.prepaid - after.b.prepaid, 10001n);
      assert.equal(after.a.prepaid - before.a.prepaid, 7500n);
      assert.equal(after.p.prepaid - before.p.prepaid, 2501n);
      assert.equal(before.b.csaf - after.b.csaf, FEE, 'the fee from B’s csaf');
      const cons1 = (await fx.get(`/api/v2/authPermissions?account=${UID.B}`)).json.data[0].cur_used as number;
      assert.equal(cons1 - cons0, 10001);
      assert.deepEqual(
        (await fx.post('/api/v2/posts/reward-proxy', { from_account: UID.B, poster: UID.A, pid: 1, amount: Number(after.b.prepaid + 1n) })).json,
        refusal(2012, '打赏失败，零钱/余额不足'),
      );
      // op 39 is in the history of every credited receiptor
      const h = (await fx.get(`/api/v2/accounts/${UID.A}/histories?op_type=39&limit=1`)).json.data[0][1];
      assert.deepEqual(h.op[1], { fee: { total: { amount: 1000, asset_id: 0 }, options: { from_csaf: { amount: 1000, asset_id: 0 } } }, from_account_uid: UID.B, platform: UID.P, poster: UID.A, post_pid: 1, amount: 10001, sign_platform: UID.P });
      assert.deepEqual(h.result, [0, {}]);
      const kinds = await fx.ctx.server.services.db.selectFrom('ledger_transfers').select('kind').where('kind', 'in', ['yoyow.reward', 'yoyow.score']).execute();
      assert.deepEqual([...new Set(kinds.map((k) => k.kind))].sort(), ['yoyow.reward', 'yoyow.score']);
      assert.equal(kinds.filter((k) => k.kind === 'yoyow.reward').length, 2, 'two shares of one reward');
    });

    test('a reward on a post with three receiptors: floors to each, the remainder to the platform', async () => {
      const g = (await fx.get(`/api/v2/posts/getPostList?poster=${UID.A}&limit=100`)).json.data as Array<{ post_pid: number; forward_price?: number }>;
      const target = g.find((p) => p.forward_price === 5000)!;
      const before = { a: await fx.balances(UID.A), b: await fx.balances(UID.B), p: await fx.balances(UID.P) };
      // P rewards from its own prepaid (no consent): A 6000‱, B 1500‱, P 2500‱ + remainder; P's own share stays.
      const r = await fx.post('/api/v2/posts/reward-proxy', { from_account: UID.P, poster: UID.A, pid: target.post_pid, amount: 9999 });
      assert.equal(r.json.code, 0, r.text);
      const after = { a: await fx.balances(UID.A), b: await fx.balances(UID.B), p: await fx.balances(UID.P) };
      assert.equal(after.a.prepaid - before.a.prepaid, 5999n);
      assert.equal(after.b.prepaid - before.b.prepaid, 1499n);
      assert.equal(before.p.prepaid - after.p.prepaid, 5999n + 1499n);
    });

    test('Idempotency-Key: a re-encrypted retry of a post replays its answer; the same ciphertext again is a replay (1003)', async () => {
      const headers = { 'idempotency-key': 'post-once-1' };
      const r1 = await fx.post('/api/v2/posts/simple', { poster: UID.A, title: 'idem', license_lid: 1 }, { headers });
      fx.ctx.clock.advance(1000);
      const r2 = await fx.post('/api/v2/posts/simple', { poster: UID.A, title: 'idem', license_lid: 1 }, { headers });
      assert.equal(r1.json.code, 0, r1.text);
      assert.equal(r2.text, r1.text);
      assert.equal(r2.headers.get('idempotent-replayed'), 'true');
      const last = (await fx.get(`/api/v2/posts/getPostList?poster=${UID.A}&limit=1`)).json.data[0];
      assert.equal(last.post_pid, r1.json.data.post.post_pid, 'one post only');
      const body = enc({ poster: UID.A, license_lid: 1, time: fx.now() });
      assert.equal((await http(fx.ctx.server.baseUrl, 'POST', '/api/v2/posts/simple', { body })).json.code, 0);
      assert.deepEqual((await http(fx.ctx.server.baseUrl, 'POST', '/api/v2/posts/simple', { body })).json, { code: 1003, message: '请求已过期.' });
      // a route of this module under the /apps/<appkey> mount
      const m = await http(fx.ctx.server.baseUrl, 'GET', `/apps/${fx.P.appkey}/api/v2/posts?poster=${UID.A}&pid=1`);
      assert.equal(m.json.data.post_pid, 1);
    });
  });
}
