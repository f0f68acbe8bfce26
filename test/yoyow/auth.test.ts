// The YOYOW sign-in routes over HTTP (spec/yoyow.md §4.24–§4.26, examples 17–19): `/auth/sign` and its signature,
// `/auth/verify` with every failure in its check order (1002, 2002, 2001, 1003, 1002 future, 1006), registered
// keys, per-app ageing, and `/auth/signQR` — the PNG is compared byte for byte with a QR code of the exact text
// §4.26 prescribes (signing is deterministic, the clock is fixed), in both QR formats.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import type { User } from '../../src/core/identity/users.js';
import { qrPngBase64 } from '../../src/dialects/yoyow/auth.js';
import { activePublicKeys, publicKeysOf, registerActiveKey, signMessage, verifyMessage } from '../../src/modules/yoyow/keys/index.js';
import { publicKeyOf, toYywPublicKey } from '../../src/modules/yoyow/keys/crypto.js';
import { STORES } from '../support/stores.js';
import { loginMessage, startYoyowServer, type YoyowCtx } from './pagesSupport.js';

const PNG_SIGNATURE = '89504e470d0a1a0a';

function pngSize(base64: string): { width: number; height: number } {
  const png = Buffer.from(base64, 'base64');
  assert.equal(png.subarray(0, 8).toString('hex'), PNG_SIGNATURE);
  assert.equal(png.subarray(12, 16).toString('ascii'), 'IHDR');
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

for (const kind of STORES) {
  describe(`yoyow /auth routes [${kind}]`, () => {
    let c: YoyowCtx;
    let alice: User;
    let bob: User;

    before(async () => {
      c = await startYoyowServer(kind);
      alice = await c.createUser('alice');
      bob = await c.createUser('Bob_Smith');
    });
    after(async () => {
      await c?.close();
    });

    test('example 17: /auth/sign signs {"platform","time"} with the app secondary key; url = the hosted page', async () => {
      const r = await c.get('/auth/sign', c.appHeaders);
      assert.equal(r.status, 200);
      assert.deepEqual(Object.keys(r.json), ['code', 'data', 'message']);
      assert.equal(r.json.code, 0);
      assert.equal(r.json.message, '操作成功');
      const d = r.json.data;
      assert.deepEqual(Object.keys(d), ['sign', 'time', 'platform', 'url']);
      assert.match(d.sign, /^(1f|20)[0-9a-f]{128}$/);
      assert.equal(d.time, String(c.clock.now()));
      assert.equal(d.platform, String(c.platform.app.id));
      assert.ok(d.url.endsWith('/yoyow/authorize-service'), d.url);
      const keys = (await publicKeysOf(c.server.services.db, c.platform.app.id))!;
      // The key the signature verifies with is the one the chain view publishes (§4.1 `secondary.key_auths`).
      const account = await c.get(`/api/v2/accounts/${c.platform.app.id}`);
      assert.equal(account.json.code, 0, account.text);
      assert.deepEqual(account.json.data.secondary.key_auths, [[keys.secondary[0], 1]]);
      const message = `{"platform":"${c.platform.app.id}","time":"${d.time}"}`;
      assert.equal(verifyMessage(d.sign, message, keys.secondary[0]!), true);
      // Not the same message with the platform as a number; not another key.
      assert.equal(verifyMessage(d.sign, `{"platform":${c.platform.app.id},"time":"${d.time}"}`, keys.secondary[0]!), false);
      assert.equal(verifyMessage(d.sign, message, keys.active[0]!), false);
      // The key set is made once: a later call verifies with the same key.
      c.clock.advance(1000);
      const again = await c.get(`/apps/${c.platform.appkey}/auth/sign`);
      assert.equal(again.json.data.time, String(c.clock.now()));
      assert.equal(verifyMessage(again.json.data.sign, `{"platform":"${c.platform.app.id}","time":"${again.json.data.time}"}`, keys.secondary[0]!), true);
      assert.deepEqual(await publicKeysOf(c.server.services.db, c.platform.app.id), keys);
    });

    test('parallel first /auth/sign calls of a new app agree on one key set', async () => {
      const fresh = await c.createApp('Fresh Platform');
      const answers = await Promise.all(Array.from({ length: 8 }, () => c.get(`/apps/${fresh.appkey}/auth/sign`)));
      const keys = (await publicKeysOf(c.server.services.db, fresh.app.id))!;
      for (const r of answers) {
        assert.equal(r.json.code, 0, r.text);
        assert.equal(verifyMessage(r.json.data.sign, `{"platform":"${fresh.app.id}","time":"${r.json.data.time}"}`, keys.secondary[0]!), true);
      }
      const rows = await c.server.services.db.selectFrom('yoyow_keys').select('role').where('uid', '=', fresh.app.id).execute();
      assert.deepEqual(rows.map((r) => r.role).sort(), ['active', 'memo', 'owner', 'secondary']);
    });

    test('/auth/sign: the app`s wallet_url; no app → 404 unknown app', async () => {
      await c.setYoyow(c.platform.app.id, { wallet_url: 'https://wallet.example/authorize' });
      try {
        const r = await c.get('/auth/sign', c.appHeaders);
        assert.equal(r.json.data.url, 'https://wallet.example/authorize');
      } finally {
        await c.setYoyow(c.platform.app.id, { wallet_url: '' });
      }
      const none = await c.get('/auth/sign');
      assert.equal(none.status, 404);
      assert.deepEqual(none.json, { code: 404, data: null, message: 'unknown app' });
      const unknown = await c.get('/apps/00000000000000000000000000000000/auth/sign');
      assert.equal(unknown.status, 404);
    });

    test('example 18: /auth/verify accepts the user`s active-key signature of {"yoyow","time"} and names the account', async () => {
      const now = c.clock.now();
      const sign = await c.signWith({ kind: 'user', uid: alice.uid }, 'active', loginMessage(alice, now));
      const r = await c.get(`/auth/verify?yoyow=${alice.uid}&time=${now}&sign=${sign}`);
      assert.equal(r.status, 200);
      assert.equal(r.text, `{"code":0,"data":{"verify":true,"name":"alice"},"message":"操作成功"}`);
      // A second verification of the same signature also passes (upstream behaviour), with or without an app.
      assert.equal((await c.get(`/auth/verify?yoyow=${alice.uid}&time=${now}&sign=${sign.toUpperCase()}`, c.appHeaders)).json.code, 0);
      // A username that does not fit the chain's name rule is named yoyo<uid>.
      const bobSign = await c.signWith({ kind: 'user', uid: bob.uid }, 'active', loginMessage(bob, now));
      assert.deepEqual((await c.get(`/auth/verify?yoyow=${bob.uid}&time=${now}&sign=${bobSign}`)).json.data, { verify: true, name: `yoyo${bob.uid}` });
    });

    test('/auth/verify failures, each in its check order', async () => {
      const now = c.clock.now();
      const good = await c.signWith({ kind: 'user', uid: alice.uid }, 'active', loginMessage(alice, now));
      const err = (code: number, message: string) => ({ code, data: null, message });
      const v = async (q: string) => (await c.get(`/auth/verify?${q}`)).json;
      // time: 1–16 digits (checked first, even before a bad uid).
      assert.deepEqual(await v(`yoyow=${alice.uid}&sign=${good}`), err(1002, '无效的签名时间'));
      assert.deepEqual(await v(`yoyow=${alice.uid}&time=abc&sign=${good}`), err(1002, '无效的签名时间'));
      assert.deepEqual(await v(`yoyow=${alice.uid}&time=&sign=${good}`), err(1002, '无效的签名时间'));
      assert.deepEqual(await v(`yoyow=${alice.uid}&time=12345678901234567&sign=${good}`), err(1002, '无效的签名时间'));
      assert.deepEqual(await v(`yoyow=${alice.uid}&time=-1&sign=${good}`), err(1002, '无效的签名时间'));
      assert.deepEqual(await v(`yoyow=30834&time=abc&sign=${good}`), err(1002, '无效的签名时间'));
      // yoyow: checksum 2002, then existence 2001 — before the age check.
      assert.deepEqual(await v(`yoyow=${alice.uid + 1}&time=${now}&sign=${good}`), err(2002, '无效的账号'));
      assert.deepEqual(await v(`yoyow=abc&time=${now}&sign=${good}`), err(2002, '无效的账号'));
      assert.deepEqual(await v(`yoyow=256000079&time=1&sign=${good}`), err(2001, '账号不存在'));
      assert.deepEqual(await v(`yoyow=256146&time=${now}&sign=${good}`), err(2001, '账号不存在'));
      assert.equal((await v(`time=${now}&sign=${good}`)).code, 2000);
      // time again: older than secure_ageing (120 s) → 1003; exactly 120 s passes the age check.
      const old = now - 121_000;
      const oldSign = await c.signWith({ kind: 'user', uid: alice.uid }, 'active', loginMessage(alice, old));
      assert.deepEqual(await v(`yoyow=${alice.uid}&time=${old}&sign=${oldSign}`), err(1003, '请求已经过期'));
      const edge = now - 120_000;
      const edgeSign = await c.signWith({ kind: 'user', uid: alice.uid }, 'active', loginMessage(alice, edge));
      assert.equal((await v(`yoyow=${alice.uid}&time=${edge}&sign=${edgeSign}`)).code, 0);
      // (extension) more than secure_future_skew (300 s) ahead → 1002; exactly 300 s passes.
      const ahead = now + 301_000;
      assert.deepEqual(await v(`yoyow=${alice.uid}&time=${ahead}&sign=${good}`), err(1002, '无效的签名时间'));
      const skew = now + 300_000;
      const skewSign = await c.signWith({ kind: 'user', uid: alice.uid }, 'active', loginMessage(alice, skew));
      assert.equal((await v(`yoyow=${alice.uid}&time=${skew}&sign=${skewSign}`)).code, 0);
      // sign: missing, malformed, bad header, wrong key, another account's key, another time, number-valued message.
      const mismatch = err(1006, '账号信息与链上不匹配');
      assert.deepEqual(await v(`yoyow=${alice.uid}&time=${now}`), mismatch);
      assert.deepEqual(await v(`yoyow=${alice.uid}&time=${now}&sign=${good.slice(0, 128)}`), mismatch);
      assert.deepEqual(await v(`yoyow=${alice.uid}&time=${now}&sign=${good}00`), mismatch);
      assert.deepEqual(await v(`yoyow=${alice.uid}&time=${now}&sign=1a${good.slice(2)}`), mismatch);
      assert.deepEqual(await v(`yoyow=${alice.uid}&time=${now}&sign=${'zz'.repeat(65)}`), mismatch);
      const stranger = signMessage(createHash('sha256').update('stranger').digest(), loginMessage(alice, now));
      assert.deepEqual(await v(`yoyow=${alice.uid}&time=${now}&sign=${stranger}`), mismatch);
      const bobs = await c.signWith({ kind: 'user', uid: bob.uid }, 'active', loginMessage(alice, now));
      assert.deepEqual(await v(`yoyow=${alice.uid}&time=${now}&sign=${bobs}`), mismatch);
      assert.deepEqual(await v(`yoyow=${alice.uid}&time=${now - 1}&sign=${good}`), mismatch);
      const numeric = await c.signWith({ kind: 'user', uid: alice.uid }, 'active', JSON.stringify({ yoyow: alice.uid, time: String(now) }));
      assert.deepEqual(await v(`yoyow=${alice.uid}&time=${now}&sign=${numeric}`), mismatch);
      // The secondary key is not an active key.
      const secondary = await c.signWith({ kind: 'user', uid: alice.uid }, 'secondary', loginMessage(alice, now));
      assert.deepEqual(await v(`yoyow=${alice.uid}&time=${now}&sign=${secondary}`), mismatch);
      // A repeated parameter is refused by the transport.
      assert.deepEqual(await v(`yoyow=${alice.uid}&time=${now}&time=${now}&sign=${good}`), err(2000, 'invalid parameter: time'));
    });

    test('/auth/verify accepts a signature by a key the user registered; the app`s secure_ageing applies', async () => {
      const now = c.clock.now();
      const own = createHash('sha256').update('alice own wallet').digest();
      const ownKey = toYywPublicKey(publicKeyOf(own));
      const message = loginMessage(alice, now);
      assert.equal((await c.get(`/auth/verify?yoyow=${alice.uid}&time=${now}&sign=${signMessage(own, message)}`)).json.code, 1006);
      await c.server.services.db.transaction().execute((trx) => registerActiveKey(trx, alice.uid, ownKey, c.clock));
      assert.equal((await activePublicKeys(c.server.services.db, alice.uid))[1], ownKey);
      assert.equal((await c.get(`/auth/verify?yoyow=${alice.uid}&time=${now}&sign=${signMessage(own, message)}`)).json.code, 0);

      await c.setYoyow(c.platform.app.id, { secure_ageing: 10 });
      try {
        const t = now - 11_000;
        const s = signMessage(own, loginMessage(alice, t));
        assert.equal((await c.get(`/auth/verify?yoyow=${alice.uid}&time=${t}&sign=${s}`)).json.code, 0);
        assert.deepEqual((await c.get(`/auth/verify?yoyow=${alice.uid}&time=${t}&sign=${s}`, c.appHeaders)).json, { code: 1003, data: null, message: '请求已经过期' });
      } finally {
        await c.setYoyow(c.platform.app.id, { secure_ageing: 120 });
      }
    });

    test('example 19: /auth/signQR is a PNG of {sign,time,platform,state} in that key order', async () => {
      const r = await c.get('/auth/signQR?state=abc', c.appHeaders);
      assert.equal(r.status, 200);
      assert.equal(r.json.code, 0);
      const png: string = r.json.data;
      assert.ok(png.startsWith('iVBORw0KGgo'), png.slice(0, 20));
      const { width, height } = pngSize(png);
      assert.equal(width, height);
      // 5 px per module and a 4-module margin: (modules + 8) · 5, modules = 17 + 4·version.
      assert.equal(width % 5, 0);
      assert.equal((width / 5 - 8 - 17) % 4, 0);
      // The same text, signed again at the same (fixed) time, gives the same sign, hence byte-identical PNGs.
      const time = String(c.clock.now());
      const platform = String(c.platform.app.id);
      const sign = await c.signWith({ kind: 'app', uid: c.platform.app.id }, 'secondary', JSON.stringify({ platform, time }));
      const text = JSON.stringify({ sign, time, platform, state: 'abc' });
      assert.ok(text.startsWith('{"sign":"'));
      assert.deepEqual(Object.keys(JSON.parse(text)), ['sign', 'time', 'platform', 'state']);
      assert.equal(png, await qrPngBase64(text));
      assert.notEqual(png, await qrPngBase64(JSON.stringify({ sign, time, platform, state: 'abd' })));
      // Without a state the key is omitted.
      const bare = await c.get('/auth/signQR', c.appHeaders);
      assert.equal(bare.json.data, await qrPngBase64(JSON.stringify({ sign, time, platform })));
    });

    test('/auth/signQR: state up to 512 characters; longer → 2000; no app → 404', async () => {
      assert.equal((await c.get(`/auth/signQR?state=${'界'.repeat(512)}`, c.appHeaders)).json.code, 0);
      assert.deepEqual((await c.get(`/auth/signQR?state=${'a'.repeat(513)}`, c.appHeaders)).json, { code: 2000, data: null, message: 'invalid parameter: state' });
      assert.equal((await c.get('/auth/signQR?state=abc')).status, 404);
    });
  });

  describe(`yoyow /auth/signQR in the url format [${kind}]`, () => {
    let c: YoyowCtx;
    before(async () => {
      c = await startYoyowServer(kind, { qrFormat: 'url' });
    });
    after(async () => {
      await c?.close();
    });

    test('the QR holds <public base>/yoyow/scan#<base64url of the JSON>', async () => {
      const r = await c.get('/auth/signQR?state=s1', c.appHeaders);
      const time = String(c.clock.now());
      const platform = String(c.platform.app.id);
      const sign = await c.signWith({ kind: 'app', uid: c.platform.app.id }, 'secondary', JSON.stringify({ platform, time }));
      const json = JSON.stringify({ sign, time, platform, state: 's1' });
      const url = `${c.server.services.config.publicUrl}/yoyow/scan#${Buffer.from(json).toString('base64url')}`;
      assert.equal(r.json.data, await qrPngBase64(url));
    });
  });
}
