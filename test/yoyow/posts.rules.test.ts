// YOYOW post rules (spec/yoyow.md §3.4, §4.11–§4.15, §5.5–§5.8): every error code of the posts routes in the check
// order of §3.4 (one defect at a time), receiptors validation, comment and forward rules with the forward payment,
// the pid sequence per poster across platforms, account flags, and fees with use_csaf off counted in cur_used.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { STORES } from '../support/stores.js';
import type { TestApp } from '../support/identityFixtures.js';
import { startChainFixture, UID, UNUSED_UID, type ChainFixture } from './fixture.js';

const refusal = (code: number, message: string) => ({ code, data: null, message });
const R2000 = (m: string) => refusal(2000, m);
const E2001 = refusal(2001, '账号不存在');
const E2002 = refusal(2002, '无效的账号');
const E1007 = refusal(1007, '未授权该平台');
const E2004 = refusal(2004, '零钱和积分不足支付操作手续费');
const RECEIPTORS = R2000('invalid parameter: extensions.receiptors');

for (const kind of STORES) {
  describe(`yoyow post rules [${kind}]`, () => {
    let fx: ChainFixture;
    let Q: TestApp;
    const send = (path: string, p: Record<string, unknown>) => fx.post(path, p).then((r) => r.json);
    const viaQ = (path: string, p: Record<string, unknown>) => fx.post(path, p, { secret: Q.secret, headers: { 'x-plaza-app': Q.appkey } }).then((r) => r.json);
    before(async () => {
      fx = await startChainFixture(kind);
      Q = await fx.ctx.createApp('Platform Q');
      assert.equal((await fx.consent(UID.A, Q.app.id)).status, 200);
      // A's post 1 on P (default receiptors), flags 255, forward price 20000 so it can be forwarded.
      const r = await send('/api/v2/posts', { poster: UID.A, title: 'origin', extensions: { license_lid: 1, forward_price: 20000 } });
      assert.equal(r.code, 0, JSON.stringify(r));
    });
    after(async () => {
      await fx?.close();
    });

    test('example 11: C has no consent → 1007; the consent must hold the bit of the post type', async () => {
      assert.deepEqual(await send('/api/v2/posts/simple', { poster: UID.C, title: 't', body: 'b', url: 'https://x', license_lid: 1 }), E1007);
      await fx.consent(UID.B, UID.P, { permission_flags: 255 - 64 - 8 - 1 - 2 - 16 });
      assert.deepEqual(await send('/api/v2/posts/simple', { poster: UID.B, license_lid: 1 }), E1007, 'Post (64)');
      assert.deepEqual(await send('/api/v2/posts', { poster: UID.B, extensions: { license_lid: 1, post_type: 1 }, origin_platform: UID.P, origin_poster: UID.A, origin_post_pid: 1 }), E1007, 'Comment (8)');
      assert.deepEqual(await send('/api/v2/posts', { poster: UID.B, extensions: { license_lid: 1, post_type: 2 }, origin_platform: UID.P, origin_poster: UID.A, origin_post_pid: 1 }), E1007, 'Forward (1)');
      assert.deepEqual(await send('/api/v2/posts/score', { from_account: UID.B, poster: UID.A, pid: 1, score: 1, csaf: 1 }), E1007, 'Liked (2)');
      assert.deepEqual(await send('/api/v2/posts/reward-proxy', { from_account: UID.B, poster: UID.A, pid: 1, amount: 1 }), E1007, 'Reward (16)');
      await fx.consent(UID.B, UID.P, { permission_flags: 255 });
      assert.equal((await send('/api/v2/posts/simple', { poster: UID.B, license_lid: 1 })).code, 0);
    });

    test('/posts/simple check order: A shape → B 2002 → C 2001 → D 1007 → E 2004 → F can_post, licence', async () => {
      const p = '/api/v2/posts/simple';
      assert.deepEqual(await send(p, { poster: 30834, title: 'x'.repeat(4097), license_lid: 1 }), R2000('invalid parameter: title'));
      assert.deepEqual(await send(p, { poster: 30834, body: 'x'.repeat(65537), license_lid: 1 }), R2000('invalid parameter: body'));
      assert.deepEqual(await send(p, { poster: 30834, url: 'u'.repeat(2049), license_lid: 1 }), R2000('invalid parameter: url'));
      assert.deepEqual(await send(p, { poster: 30834, hash_value: 'h'.repeat(257), license_lid: 1 }), R2000('invalid parameter: hash_value'));
      assert.deepEqual(await send(p, { poster: 30834, title: {} , license_lid: 1 }), R2000('invalid parameter: title'));
      assert.deepEqual(await send(p, { poster: 30834 }), R2000('missing parameter: license_lid'));
      assert.deepEqual(await send(p, { poster: 30834, license_lid: 0 }), R2000('invalid parameter: license_lid'));
      assert.deepEqual(await send(p, { poster: 30834, license_lid: 1 }), E2002);
      assert.deepEqual(await send(p, { platform: 'abc', poster: UNUSED_UID, license_lid: 1 }), E2002);
      assert.deepEqual(await send(p, { poster: UNUSED_UID, license_lid: 99 }), E2001);
      assert.deepEqual(await send(p, { platform: UNUSED_UID, poster: UID.A, license_lid: 99 }), E2001);
      assert.deepEqual(await send(p, { platform: UID.B, poster: UID.A, license_lid: 99 }), E1007);
      assert.deepEqual(await send(p, { poster: UID.C, license_lid: 99 }), E1007);
      const a = await fx.balances(UID.A);
      await fx.setYoyow(UID.P, { fees: { post: Number(a.csaf + 1n) } });
      assert.deepEqual(await send(p, { poster: UID.A, license_lid: 99 }), E2004);
      await fx.setYoyow(UID.P, { fees: {} });
      assert.equal((await fx.admin('PATCH', `/admin/v1/yoyow/accounts/${UID.A}/flags`, { can_post: false })).status, 200);
      assert.deepEqual(await send(p, { poster: UID.A, license_lid: 99 }), R2000('account not allowed to post'));
      assert.equal((await fx.admin('PATCH', `/admin/v1/yoyow/accounts/${UID.A}/flags`, { can_post: true })).status, 200);
      assert.deepEqual(await send(p, { poster: UID.A, license_lid: 99 }), R2000('license not found'));
      assert.deepEqual(await fx.balances(UID.A), a, 'refusals move nothing');
    });

    test('/posts check order: shapes, origins, static rules, 2002, 2001, 1007, 2004, then F in order', async () => {
      const p = '/api/v2/posts';
      const origin = { origin_platform: UID.P, origin_poster: UID.A, origin_post_pid: 1 };
      assert.deepEqual(await send(p, { poster: 30834, post_pid: 0, extensions: { license_lid: 1 } }), R2000('invalid parameter: post_pid'));
      assert.deepEqual(await send(p, { poster: 30834, extra_data: 'e'.repeat(8193), extensions: { license_lid: 1 } }), R2000('invalid parameter: extra_data'));
      assert.deepEqual(await send(p, { poster: 30834 }), R2000('missing parameter: extensions'));
      assert.deepEqual(await send(p, { poster: 30834, extensions: [] }), R2000('invalid parameter: extensions'));
      assert.deepEqual(await send(p, { poster: 30834, extensions: { license_lid: 1, post_type: 4 } }), R2000('invalid parameter: extensions.post_type'));
      assert.deepEqual(await send(p, { poster: 30834, extensions: { license_lid: 1, forward_price: 0 } }), R2000('invalid parameter: extensions.forward_price'));
      assert.deepEqual(await send(p, { poster: 30834, extensions: {} }), R2000('missing parameter: extensions.license_lid'));
      assert.deepEqual(await send(p, { poster: 30834, extensions: { license_lid: 'one' } }), R2000('invalid parameter: extensions.license_lid'));
      assert.deepEqual(await send(p, { poster: 30834, extensions: { license_lid: 1, permission_flags: 4294967296 } }), R2000('invalid parameter: extensions.permission_flags'));
      assert.deepEqual(await send(p, { poster: 30834, extensions: { license_lid: 1 }, origin_platform: UID.P, origin_poster: UID.A }), R2000('invalid parameter: origin_post_pid'));
      assert.deepEqual(await send(p, { poster: 30834, extensions: { license_lid: 1 }, ...origin, origin_post_pid: 'x' }), R2000('invalid parameter: origin_post_pid'));
      assert.deepEqual(await send(p, { poster: 30834, extensions: { license_lid: 1, post_type: 2 } }), R2000('missing parameter: origin_post_pid'));
      assert.deepEqual(await send(p, { poster: 30834, extensions: { license_lid: 1, post_type: 1 }, ...origin, origin_platform: Q.app.id }), R2000('invalid parameter: origin_platform'));
      // stage B: poster, then origin uids
      assert.deepEqual(await send(p, { poster: 30834, extensions: { license_lid: 1 } }), E2002);
      assert.deepEqual(await send(p, { poster: UID.A, extensions: { license_lid: 1 }, ...origin, origin_poster: 12345 }), E2002);
      // stage C, D
      assert.deepEqual(await send(p, { poster: UNUSED_UID, extensions: { license_lid: 1 } }), E2001);
      assert.deepEqual(await send(p, { poster: UID.C, extensions: { license_lid: 1 } }), E1007);
      // stage F in order: 3001 → licence → origin post → comment rules → forward rules
      assert.deepEqual(await send(p, { poster: UID.A, post_pid: 1, extensions: { license_lid: 99 }, ...origin, origin_post_pid: 50 }), refusal(3001, '文章ID必须为该平台该发文人的上一篇文章ID +1'));
      assert.deepEqual(await send(p, { poster: UID.A, extensions: { license_lid: 99 }, ...origin, origin_post_pid: 50 }), R2000('license not found'));
      assert.deepEqual(await send(p, { poster: UID.A, extensions: { license_lid: 1, post_type: 1 }, ...origin, origin_post_pid: 50 }), R2000('origin post not found'));
      assert.deepEqual(await send(p, { poster: UID.A, extensions: { license_lid: 1, post_type: 2 }, ...origin, origin_poster: UID.B, origin_post_pid: 77 }), R2000('origin post not found'));
    });

    test('receiptors: static rules (example 12), forms, checksums and existence', async () => {
      const p = '/api/v2/posts';
      const rc = (receiptors: unknown, extra: Record<string, unknown> = {}) => send(p, { poster: UID.A, extensions: { license_lid: 1, receiptors }, ...extra });
      assert.deepEqual(await rc([[33313, { cur_ratio: 3000 }], [30833, { cur_ratio: 7000 }]]), RECEIPTORS, 'example 12');
      assert.deepEqual(await send(p, { extensions: { license_lid: 1, receiptors: [[33313, { cur_ratio: 3000 }], [30833, { cur_ratio: 7000 }]] } }), RECEIPTORS, 'example 12, poster = platform');
      for (const bad of [
        [],
        'x',
        [[UID.P, { cur_ratio: 2500 }], [UID.A, { cur_ratio: 7499 }]],
        [[UID.P, { cur_ratio: 2500 }], [UID.A, { cur_ratio: 2400 }], [UID.B, { cur_ratio: 5100 }]],
        [[UID.P, { cur_ratio: 3000 }], [UID.A, { cur_ratio: 7000 }]],
        [[UID.P, { cur_ratio: 2500 }], [UID.A, { cur_ratio: 7500 }], [UID.A, { cur_ratio: 0 }]],
        [[UID.P, { cur_ratio: 2500 }], [UID.A, { cur_ratio: 7500, to_buyout: true }]],
        [[UID.P, { cur_ratio: 2500 }], [UID.A, { cur_ratio: 7500, to_buyout: true, buyout_price: 5, buyout_ratio: 7501 }]],
        [[UID.P, { cur_ratio: 2500 }], [UID.A, { cur_ratio: 7500, buyout_price: 5 }]],
        [[UID.P, { cur_ratio: 2500 }], [UID.A, {}]],
        [[UID.P, { cur_ratio: 2500 }], [UID.A, { cur_ratio: 7500, buyout_expiration: 'soon' }]],
        [[UID.P, { cur_ratio: 2500 }], [UID.A]],
        [[UID.P, { cur_ratio: 1000 }], [UID.A, { cur_ratio: 5000 }], [UID.B, { cur_ratio: 1000 }], [UID.C, { cur_ratio: 1000 }], [Q.app.id, { cur_ratio: 1000 }], [256146, { cur_ratio: 1000 }]],
      ]) {
        assert.deepEqual(await rc(bad), RECEIPTORS, JSON.stringify(bad));
      }
      // platform = poster: ≥ 5000 for the platform
      assert.equal((await send(p, { extensions: { license_lid: 1, receiptors: [[UID.P, { cur_ratio: 5000 }], [UID.B, { cur_ratio: 5000 }]] } })).code, 0);
      // stage B / C on receiptor uids
      assert.deepEqual(await rc([[UID.P, { cur_ratio: 2500 }], [UID.A, { cur_ratio: 5000 }], [12345, { cur_ratio: 2500 }]]), E2002);
      assert.deepEqual(await rc([[UID.P, { cur_ratio: 2500 }], [UID.A, { cur_ratio: 5000 }], [UNUSED_UID, { cur_ratio: 2500 }]]), E2001);
      // the object form, keyed by uid; a timestamp expiration
      const ok = await rc({ [UID.A]: { cur_ratio: 7500, to_buyout: true, buyout_ratio: 100, buyout_price: '9', buyout_expiration: '2030-01-01T00:00:00' }, [UID.P]: { cur_ratio: 2500 } });
      assert.equal(ok.code, 0, JSON.stringify(ok));
      assert.deepEqual(ok.data.post.extensions.receiptors[0], ['30833', { cur_ratio: 7500, to_buyout: true, buyout_ratio: 100, buyout_price: 9, buyout_expiration: '2030-01-01T00:00:00' }]);
    });

    test('comments: can_reply, then the origin must allow Comment; a comment needs the origin on its platform', async () => {
      const p = '/api/v2/posts';
      const noComment = await send(p, { poster: UID.A, extensions: { license_lid: 1, permission_flags: 255 - 8 } });
      assert.equal(noComment.code, 0);
      const pid = noComment.data.post.post_pid as number;
      const comment = (originPid: number) => send(p, { poster: UID.B, extensions: { license_lid: 1, post_type: 1 }, origin_platform: UID.P, origin_poster: UID.A, origin_post_pid: originPid });
      await fx.admin('PATCH', `/admin/v1/yoyow/accounts/${UID.B}/flags`, { can_reply: false });
      assert.deepEqual(await comment(pid), R2000('account not allowed to reply'));
      await fx.admin('PATCH', `/admin/v1/yoyow/accounts/${UID.B}/flags`, { can_reply: true });
      assert.deepEqual(await comment(pid), R2000('文章不允许评论'));
      const ok = await comment(1);
      assert.equal(ok.code, 0, JSON.stringify(ok));
      assert.deepEqual(Object.keys(ok.data.post).slice(0, 6), ['platform', 'poster', 'post_pid', 'origin_platform', 'origin_poster', 'origin_post_pid']);
      assert.deepEqual([ok.data.post.origin_platform, ok.data.post.origin_poster, ok.data.post.origin_post_pid], ['33313', '30833', 1]);
      const g = (await fx.get(`/api/v2/posts?poster=${UID.B}&post_pid=${ok.data.post.post_pid}`)).json.data;
      assert.deepEqual([g.post_type, g.origin_poster, g.origin_post_pid, g.origin_platform], [1, UID.A, 1, UID.P]);
    });

    test('forwards: the origin must allow Forward and have a price; the price is paid to its receiptors (2011 when short)', async () => {
      const p = '/api/v2/posts';
      const noPrice = await send(p, { poster: UID.A, extensions: { license_lid: 1 } });
      const noFlag = await send(p, { poster: UID.A, extensions: { license_lid: 1, forward_price: 10, permission_flags: 254 } });
      const fwd = (originPid: number, poster: number = UID.B) => send(p, { poster, extensions: { license_lid: 1, post_type: 2 }, origin_platform: UID.P, origin_poster: UID.A, origin_post_pid: originPid });
      assert.deepEqual(await fwd(noPrice.data.post.post_pid), R2000('文章不允许转发'));
      assert.deepEqual(await fwd(noFlag.data.post.post_pid), R2000('文章不允许转发'));
      const before = { a: await fx.balances(UID.A), b: await fx.balances(UID.B), p: await fx.balances(UID.P) };
      const cons0 = (await fx.get(`/api/v2/authPermissions?account=${UID.B}`)).json.data[0].cur_used as number;
      const ok = await fwd(1);
      assert.equal(ok.code, 0, JSON.stringify(ok));
      const after = { a: await fx.balances(UID.A), b: await fx.balances(UID.B), p: await fx.balances(UID.P) };
      assert.equal(before.b.prepaid - after.b.prepaid, 20000n);
      assert.equal(after.a.prepaid - before.a.prepaid, 15000n);
      assert.equal(after.p.prepaid - before.p.prepaid, 5000n);
      assert.equal((await fx.get(`/api/v2/authPermissions?account=${UID.B}`)).json.data[0].cur_used - cons0, 20000);
      // the two shares are `yoyow.forward` transfers out of B's prepaid; op 18 is in B's and P's histories only
      const kinds = await fx.ctx.server.services.db.selectFrom('ledger_transfers').select(['kind', 'amount']).where('kind', '=', 'yoyow.forward').execute();
      assert.deepEqual(kinds.map((k) => BigInt(k.amount)).sort(), [15000n, 5000n].sort());
      const fwdId = (await fx.get(`/api/v2/posts?poster=${UID.B}&post_pid=${ok.data.post.post_pid}`)).json.data.id as string;
      const results = async (uid: number) => (await fx.get(`/api/v2/accounts/${uid}/histories?op_type=18&limit=100`)).json.data.map((e: [number, { result: [number, string] }]) => e[1].result[1]);
      assert.ok(!(await results(UID.A)).includes(fwdId));
      assert.ok((await results(UID.B)).includes(fwdId));
      assert.ok((await results(UID.P)).includes(fwdId));
      // a forward-and-modify from another platform (Q forwards P's post for A): A pays P's post receiptors; C has no prepaid
      assert.equal((await fx.issue(UID.A, '1', 'prepaid')).status, 200);
      const q = await viaQ(p, { poster: UID.A, extensions: { license_lid: 1, post_type: 3 }, origin_platform: UID.P, origin_poster: UID.A, origin_post_pid: 1 });
      assert.equal(q.code, 0, JSON.stringify(q));
      assert.equal(q.data.post.platform, String(Q.app.id));
      await fx.consent(UID.C, UID.P);
      assert.deepEqual(await fwd(1, UID.C), refusal(2011, '转发失败，零钱不足'));
      // a limited consent: prepaid enough, usable prepaid not
      await fx.consent(UID.B, UID.P, { max_limit: String(BigInt(cons0) + 20000n + 19999n) });
      assert.deepEqual(await fwd(1), refusal(2011, '转发失败，零钱不足'));
      await fx.consent(UID.B, UID.P, { max_limit: null });
    });

    test('the pid sequence is per poster across platforms: A’s next pid on Q follows its last on P', async () => {
      const last = (await fx.get(`/api/v2/posts/getPostList?poster=${UID.A}&limit=1`)).json.data[0].post_pid as number;
      const lastQ = (await fx.get(`/api/v2/posts/getPostList?platform=${Q.app.id}&poster=${UID.A}&limit=1`)).json.data[0].post_pid as number;
      const mine = Math.max(last, lastQ);
      assert.deepEqual(await viaQ('/api/v2/posts', { poster: UID.A, post_pid: 1, extensions: { license_lid: 1 } }), refusal(3001, '文章ID必须为该平台该发文人的上一篇文章ID +1'));
      const q = await viaQ('/api/v2/posts/simple', { poster: UID.A, license_lid: 1 });
      assert.equal(q.data.post.post_pid, mine + 1);
      const pNext = await send('/api/v2/posts', { poster: UID.A, post_pid: mine + 2, extensions: { license_lid: 1 } });
      assert.equal(pNext.code, 0, JSON.stringify(pNext));
      // GET /posts by (platform, poster, pid): Q's post is not P's
      assert.equal((await fx.get(`/api/v2/posts?poster=${UID.A}&post_pid=${mine + 1}`)).json.data, null);
      assert.equal((await fx.get(`/api/v2/posts?platform=${Q.app.id}&poster=${UID.A}&post_pid=${mine + 1}`)).json.data.platform, Q.app.id);
      // Q's licences are its own: its first create_license answers 2
      const l = await viaQ('/api/v2/create_license', { title: 'q' });
      assert.equal(l.data.license.license_lid, 2);
      assert.equal(l.data.license.platform, Q.app.id);
    });

    test('/posts/score check order: A → B → C → D → E → post, Liked, can_rate, 2010, already scored', async () => {
      const p = '/api/v2/posts/score';
      const base = { from_account: UID.B, poster: UID.A, pid: 1, score: 1, csaf: 1 };
      assert.deepEqual(await send(p, { ...base, from_account: undefined, poster: 30834 }), R2000('missing parameter: from_account'));
      assert.deepEqual(await send(p, { ...base, from_account: 30834, poster: undefined }), R2000('missing parameter: poster'));
      assert.deepEqual(await send(p, { ...base, from_account: 30834, pid: undefined }), R2000('missing parameter: pid'));
      assert.deepEqual(await send(p, { ...base, from_account: 30834, pid: 'x' }), R2000('invalid parameter: pid'));
      assert.deepEqual(await send(p, { ...base, from_account: 30834, score: undefined }), R2000('missing parameter: score'));
      assert.deepEqual(await send(p, { ...base, from_account: 30834, score: -6 }), R2000('invalid parameter: score'));
      assert.deepEqual(await send(p, { ...base, from_account: 30834, score: 1.5 }), R2000('invalid parameter: score'));
      assert.deepEqual(await send(p, { ...base, from_account: 30834, csaf: 0 }), R2000('invalid parameter: csaf'));
      assert.deepEqual(await send(p, { ...base, from_account: 30834, csaf: 100000001 }), R2000('invalid parameter: csaf'));
      assert.deepEqual(await send(p, { ...base, from_account: 30834 }), E2002);
      assert.deepEqual(await send(p, { ...base, platform: 30834, from_account: UNUSED_UID }), E2002);
      assert.deepEqual(await send(p, { ...base, from_account: UNUSED_UID }), E2001);
      assert.deepEqual(await send(p, { ...base, poster: UNUSED_UID }), E2001);
      assert.deepEqual(await send(p, { ...base, platform: Q.app.id, pid: 99 }), E1007);
      assert.deepEqual(await send(p, { ...base, from_account: UID.C, pid: 99 }), refusal(2000, 'post not found'), 'C has a consent since the forward test');
      await fx.admin('POST', `/admin/v1/yoyow/consents/${UID.C}/${UID.P}/revoke`);
      assert.deepEqual(await send(p, { ...base, from_account: UID.C, pid: 99 }), E1007);
      const b = await fx.balances(UID.B);
      await fx.setYoyow(UID.P, { fees: { score_create: Number(b.csaf + 1n) } });
      assert.deepEqual(await send(p, { ...base, pid: 99 }), E2004);
      await fx.setYoyow(UID.P, { fees: {} });
      assert.deepEqual(await send(p, { ...base, pid: 99 }), R2000('post not found'));
      const noLike = await send('/api/v2/posts', { poster: UID.A, extensions: { license_lid: 1, permission_flags: 255 - 2 - 16 } });
      assert.deepEqual(await send(p, { ...base, pid: noLike.data.post.post_pid }), R2000('post does not allow scoring'));
      assert.deepEqual(await send('/api/v2/posts/reward-proxy', { from_account: UID.B, poster: UID.A, pid: noLike.data.post.post_pid, amount: 1 }), R2000('post does not allow rewards'));
      await fx.admin('PATCH', `/admin/v1/yoyow/accounts/${UID.B}/flags`, { can_rate: false });
      assert.deepEqual(await send(p, { ...base, csaf: Number(b.csaf) }), R2000('account not allowed to rate'));
      await fx.admin('PATCH', `/admin/v1/yoyow/accounts/${UID.B}/flags`, { can_rate: true });
      assert.deepEqual(await send(p, { ...base, csaf: Number(b.csaf) }), refusal(2010, '打分失败，积分不足'));
      assert.equal((await send(p, { ...base, score: '-5' })).code, 0);
      assert.deepEqual(await send(p, { ...base, csaf: Number(b.csaf) }), refusal(2010, '打分失败，积分不足'), '2010 comes before already scored');
      assert.deepEqual(await send(p, base), R2000('already scored'));
    });

    test('/posts/reward-proxy and /create_license check orders', async () => {
      const p = '/api/v2/posts/reward-proxy';
      const base = { from_account: UID.B, poster: UID.A, pid: 1, amount: 1 };
      assert.deepEqual(await send(p, { ...base, from_account: 30834, amount: undefined }), R2000('missing parameter: amount'));
      assert.deepEqual(await send(p, { ...base, from_account: 30834, amount: 0 }), R2000('invalid parameter: amount'));
      assert.deepEqual(await send(p, { ...base, from_account: 30834, amount: '1.5' }), R2000('invalid parameter: amount'));
      assert.deepEqual(await send(p, { ...base, from_account: 30834 }), E2002);
      assert.deepEqual(await send(p, { ...base, from_account: UNUSED_UID }), E2001);
      assert.deepEqual(await send(p, { ...base, from_account: UID.C, pid: 99 }), E1007);
      assert.deepEqual(await send(p, { ...base, pid: 99 }), R2000('post not found'));
      const b = await fx.balances(UID.B);
      assert.deepEqual(await send(p, { ...base, amount: String(b.prepaid + 1n) }), refusal(2012, '打赏失败，零钱/余额不足'));
      // with use_csaf off the fee comes from prepaid first: prepaid = amount is then short
      await fx.setYoyow(UID.P, { use_csaf: false });
      assert.deepEqual(await send(p, { ...base, amount: String(b.prepaid) }), refusal(2012, '打赏失败，零钱/余额不足'));
      const cons0 = (await fx.get(`/api/v2/authPermissions?account=${UID.B}`)).json.data[0].cur_used as number;
      assert.equal((await send(p, { ...base, amount: 100 })).code, 0);
      assert.equal((await fx.get(`/api/v2/authPermissions?account=${UID.B}`)).json.data[0].cur_used - cons0, 1100, 'reward and prepaid fee both count');
      assert.equal(b.prepaid - (await fx.balances(UID.B)).prepaid, 1100n);
      await fx.setYoyow(UID.P, { use_csaf: true });
      // create_license
      const l = '/api/v2/create_license';
      assert.deepEqual(await send(l, { platform: 30834, type: 256 }), R2000('invalid parameter: type'));
      assert.deepEqual(await send(l, { platform: 30834, title: 'x'.repeat(4097) }), R2000('invalid parameter: title'));
      assert.deepEqual(await send(l, { platform: 30834, extra_data: 'x'.repeat(8193) }), R2000('invalid parameter: extra_data'));
      assert.deepEqual(await send(l, { platform: 30834 }), E2002);
      assert.deepEqual(await send(l, { platform: UNUSED_UID }), E2001);
      assert.deepEqual(await send(l, { platform: UID.A }), E1007);
      const pBal = await fx.balances(UID.P);
      await fx.setYoyow(UID.P, { fees: { license_create: Number(pBal.csaf + 1n) } });
      assert.deepEqual(await send(l, {}), E2004);
      await fx.setYoyow(UID.P, { fees: {} });
    });
  });
}
