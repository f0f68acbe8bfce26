// The WeChat sandbox (spec/liveuser.md §9) over HTTP, on both stores: every endpoint, every error in the spec's
// order, signed answers, notifications (sync, async, retries, resend), concurrency, and the disabled sandbox.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ensureSandboxWechat, payParams, verifyNotification, verifyResponseSignature, type WechatAppConfig } from '../../src/integrations/wechat/index.js';
import { deliverDueNotifications } from '../../src/sandbox/wechat/notifier.js';
import { ensureSandboxState, sandboxOpenid, sandboxUnionid } from '../../src/sandbox/wechat/state.js';
import { sandboxRoutes } from '../../src/sandbox/plugin.js';
import { chinaTime } from '../../src/sandbox/wechat/wire.js';
import { STORES } from '../support/stores.js';
import { http, startTestServer, type HttpResult } from '../support/server.js';
import { prepayBody, SANDBOX_PAY, startReceiver, startWechatFixture, type Receiver, type WechatFixture } from './support.js';

const JSAPI = `${SANDBOX_PAY}/v3/pay/transactions/jsapi`;

function assertSigned(cfg: WechatAppConfig, r: HttpResult, now: number): void {
  const check = verifyResponseSignature(
    cfg.platformKeys,
    {
      timestamp: r.headers.get('wechatpay-timestamp') ?? undefined,
      nonce: r.headers.get('wechatpay-nonce') ?? undefined,
      signature: r.headers.get('wechatpay-signature') ?? undefined,
      serial: r.headers.get('wechatpay-serial') ?? undefined,
    },
    r.text,
    now,
    300,
  );
  assert.deepEqual(check, { ok: true }, `answer ${r.status} ${r.text} must be signed by the sandbox platform key`);
  assert.match(r.headers.get('request-id') ?? '', /^[0-9A-F]{32}$/);
}

for (const kind of STORES) {
  describe(`WeChat sandbox (${kind})`, () => {
    let f: WechatFixture;
    let a: WechatAppConfig;
    let b: WechatAppConfig;
    let receiver: Receiver;
    let alice: { code: string; openid: string };
    const base = () => f.server.baseUrl;

    before(async () => {
      f = await startWechatFixture(kind);
      a = await f.merchant(101);
      b = await f.merchant(102);
      receiver = await startReceiver();
      alice = await f.login(a, 'alice');
    });
    after(async () => {
      await receiver.close();
      await f.close();
    });

    describe('sandbox credentials (§9.1)', () => {
      it('have the formats of the spec and the platform key is the deployment key', async () => {
        assert.match(a.appid, /^wx[0-9a-f]{16}$/);
        assert.match(a.appSecret, /^[0-9a-f]{32}$/);
        assert.match(a.mchid, /^19[0-9]{8}$/);
        assert.match(a.merchantSerial, /^[0-9A-F]{40}$/);
        assert.match(a.merchantPrivateKeyPem, /^-----BEGIN PRIVATE KEY-----/);
        assert.match(a.apiV3Key, /^[A-Za-z0-9]{32}$/);
        assert.equal(a.mode, 'sandbox');
        assert.equal(a.platformKeys.length, 1);
        assert.match(a.platformKeys[0]!.serial, /^PUB_KEY_ID_[0-9]{32}$/);
        assert.deepEqual(b.platformKeys, a.platformKeys);
        assert.notEqual(a.appid, b.appid);
        assert.notEqual(a.mchid, b.mchid);
      });

      it('ensureSandboxWechat: racing first calls agree on one configuration; an existing one is kept', async () => {
        const deps = { box: f.server.services.box, clock: f.clock };
        const results = await Promise.all([1, 2, 3].map(() => ensureSandboxWechat(f.server.services.db, 555, deps)));
        assert.equal(new Set(results.map((r) => r.appid)).size, 1);
        assert.equal(results[0]!.mode, 'sandbox');
        const existing = await ensureSandboxWechat(f.server.services.db, 101, deps);
        assert.equal(existing.appid, a.appid, 'an app that has a configuration keeps it');
      });
    });

    describe('POST|GET /_sandbox/wechat/login (§9.2)', () => {
      it('mints a single-use 32-character code with the stable openid of the spec formula', async () => {
        const r = await http(base(), 'POST', '/_sandbox/wechat/login', { body: { appid: a.appid, user: 'alice' } });
        assert.equal(r.status, 200);
        assert.match(r.json.code, /^[A-Za-z0-9]{32}$/);
        assert.equal(r.json.expires_in, 300);
        assert.equal('unionid' in r.json, false);
        const { seed } = await ensureSandboxState(f.server.services.db, f.server.services.box, f.clock);
        assert.equal(r.json.openid, sandboxOpenid(seed, a.appid, 'alice'));
        assert.match(r.json.openid, /^o[A-Za-z0-9_-]{27}$/);
        assert.equal(r.json.openid, alice.openid, 'stable across logins');
        assert.notEqual(r.json.code, alice.code);
        const other = await f.login(b, 'alice', true);
        assert.notEqual(other.openid, alice.openid, 'one openid per appid');
        assert.equal(other.unionid, sandboxUnionid(seed, 'alice'));
        const same = await f.login(a, 'alice', true);
        assert.equal(same.unionid, other.unionid, 'one unionid for every appid');
      });

      it('GET form with with_unionid=1', async () => {
        const r = await http(base(), 'GET', `/_sandbox/wechat/login?appid=${a.appid}&user=bob&with_unionid=1`);
        assert.equal(r.status, 200);
        assert.match(r.json.unionid, /^o[A-Za-z0-9_-]{27}$/);
      });

      it('errors in order: 41002 → 40013 → 47001', async () => {
        const cases: Array<[unknown, number, string]> = [
          [{ user: '' }, 41002, 'appid missing'],
          [{ appid: '', user: 'x' }, 41002, 'appid missing'],
          [{ appid: 'wx0000000000000000' }, 40013, 'invalid appid'],
          [{ appid: a.appid }, 47001, 'data format error'],
          [{ appid: a.appid, user: '' }, 47001, 'data format error'],
          [{ appid: a.appid, user: 'x'.repeat(65) }, 47001, 'data format error'],
          [{ appid: a.appid, user: 7 }, 47001, 'data format error'],
        ];
        for (const [body, errcode, errmsg] of cases) {
          const r = await http(base(), 'POST', '/_sandbox/wechat/login', { body });
          assert.equal(r.status, 400, JSON.stringify(body));
          assert.deepEqual(r.json, { errcode, errmsg });
        }
        assert.equal((await http(base(), 'POST', '/_sandbox/wechat/login', { body: { appid: a.appid, user: 'é'.repeat(64) } })).status, 200);
      });
    });

    describe('GET /_sandbox/wechat/api/sns/jscode2session (§9.3)', () => {
      const exchange = (q: Record<string, string>) => http(base(), 'GET', `/_sandbox/wechat/api/sns/jscode2session?${new URLSearchParams(q).toString()}`);
      const expectErr = async (q: Record<string, string>, errcode: number, text: string) => {
        const r = await exchange(q);
        assert.equal(r.status, 200, 'always HTTP 200');
        assert.equal(r.json.errcode, errcode, `${JSON.stringify(q)} → ${r.text}`);
        assert.match(r.json.errmsg, new RegExp(`^${text}, rid: [0-9a-f]{24}$`));
      };

      it('exchanges a code once for openid and session_key', async () => {
        const { code, openid } = await f.login(a, 'carol');
        const r = await exchange({ appid: a.appid, secret: a.appSecret, js_code: code, grant_type: 'authorization_code' });
        assert.equal(r.status, 200);
        assert.equal(r.json.openid, openid);
        assert.equal(Buffer.from(r.json.session_key, 'base64').length, 16);
        assert.equal('unionid' in r.json, false);
        assert.equal('errcode' in r.json, false);
        const withU = await f.login(a, 'carol', true);
        const r2 = await exchange({ appid: a.appid, secret: a.appSecret, js_code: withU.code, grant_type: 'authorization_code' });
        assert.equal(r2.json.unionid, withU.unionid);
      });

      it('every error, in order', async () => {
        const { code } = await f.login(a, 'dave');
        const good = { appid: a.appid, secret: a.appSecret, js_code: code, grant_type: 'authorization_code' };
        await expectErr({}, 41002, 'appid missing');
        await expectErr({ appid: 'wx0000000000000000' }, 40013, 'invalid appid');
        await expectErr({ appid: a.appid, grant_type: 'x' }, 41004, 'appsecret missing');
        await expectErr({ appid: a.appid, secret: b.appSecret, grant_type: 'x' }, 40125, 'invalid appsecret');
        await expectErr({ ...good, grant_type: 'client_credential', js_code: '' }, 40002, 'invalid grant_type');
        await expectErr({ ...good, js_code: '' }, 41008, 'missing code');
        await expectErr({ ...good, js_code: 'nope' }, 40029, 'invalid code');
        // A code minted for another appid is invalid here (b's own secret, so the first checks pass).
        await expectErr({ appid: b.appid, secret: b.appSecret, js_code: code, grant_type: 'authorization_code' }, 40029, 'invalid code');
        assert.equal((await exchange(good)).json.openid !== undefined, true);
        await expectErr(good, 40163, 'code been used');
      });

      it('a code expires after 300 s (40029 wins over 40163)', async () => {
        const fresh = await f.login(a, 'erin');
        const used = await f.login(a, 'erin');
        await exchange({ appid: a.appid, secret: a.appSecret, js_code: used.code, grant_type: 'authorization_code' });
        f.clock.advance(300_000);
        try {
          await expectErr({ appid: a.appid, secret: a.appSecret, js_code: fresh.code, grant_type: 'authorization_code' }, 40029, 'invalid code');
          await expectErr({ appid: a.appid, secret: a.appSecret, js_code: used.code, grant_type: 'authorization_code' }, 40029, 'invalid code');
        } finally {
          f.clock.advance(1000);
        }
      });

      it('45011 after 100 exchanges per minute for one openid; another openid is unaffected', async () => {
        for (let i = 0; i < 100; i++) {
          const { code } = await f.login(a, 'quota');
          const r = await exchange({ appid: a.appid, secret: a.appSecret, js_code: code, grant_type: 'authorization_code' });
          assert.ok(r.json.openid, `exchange ${i + 1}: ${r.text}`);
        }
        const { code } = await f.login(a, 'quota');
        await expectErr({ appid: a.appid, secret: a.appSecret, js_code: code, grant_type: 'authorization_code' }, 45011, 'api minute-quota reach limit');
        const other = await f.login(a, 'not-quota');
        assert.ok((await exchange({ appid: a.appid, secret: a.appSecret, js_code: other.code, grant_type: 'authorization_code' })).json.openid);
        f.clock.advance(61_000);
        assert.ok((await exchange({ appid: a.appid, secret: a.appSecret, js_code: code, grant_type: 'authorization_code' })).json.openid, 'the refused code is still usable');
      });

      it('two concurrent exchanges of one code: exactly one wins', async () => {
        const { code } = await f.login(a, 'racer');
        const q = { appid: a.appid, secret: a.appSecret, js_code: code, grant_type: 'authorization_code' };
        const results = await Promise.all(Array.from({ length: 6 }, () => exchange(q)));
        assert.equal(results.filter((r) => typeof r.json.openid === 'string').length, 1);
        assert.equal(results.filter((r) => r.json.errcode === 40163).length, 5);
      });
    });

    describe('POST /_sandbox/wechat/pay/v3/pay/transactions/jsapi (§9.4)', () => {
      let n = 0;
      const tradeNo = () => `SBX${Date.now()}${++n}`;
      const body = (o: Partial<Parameters<typeof prepayBody>[1]> = {}) => prepayBody(a, { outTradeNo: tradeNo(), openid: alice.openid, notifyUrl: receiver.url, ...o });
      const expectPay = (r: HttpResult, status: number, code: string) => {
        assert.equal(r.status, status, r.text);
        assert.equal(r.json.code, code, r.text);
        assert.equal(typeof r.json.message, 'string');
        assertSigned(a, r, f.clock.now());
      };

      it('creates a NOTPAY transaction and answers a fresh signed prepay_id on every call', async () => {
        const b1 = body();
        const r1 = await f.pay(a, 'POST', JSAPI, b1);
        assert.equal(r1.status, 200, r1.text);
        const stamp = chinaTime(f.clock.now()).slice(0, 19).replace(/[-T:]/g, '');
        assert.match(r1.json.prepay_id, new RegExp(`^wx${stamp}[0-9a-f]{20}$`), 'UTC+8 time of the manual clock');
        assertSigned(a, r1, f.clock.now());
        const r2 = await f.pay(a, 'POST', JSAPI, b1);
        assert.equal(r2.status, 200);
        assert.notEqual(r2.json.prepay_id, r1.json.prepay_id);
      });

      it('checks 1–5: the merchant signature', async () => {
        const b1 = body();
        expectPay(await f.pay(a, 'POST', JSAPI, b1, { authorization: null }), 401, 'SIGN_ERROR');
        expectPay(await f.pay(a, 'POST', JSAPI, b1, { authorization: 'Bearer x' }), 401, 'SIGN_ERROR');
        expectPay(await f.pay(a, 'POST', JSAPI, b1, { authorization: `WECHATPAY2-SHA256-RSA2048 mchid="${a.mchid}",nonce_str="N",timestamp="1",serial_no="S"` }), 401, 'SIGN_ERROR');
        // 2: unknown mchid, even with a stale timestamp and another serial.
        expectPay(await f.pay(a, 'POST', JSAPI, b1, { mchid: '1999999999', serial: 'AB', timestamp: '1' }), 400, 'MCH_NOT_EXISTS');
        // 3: another merchant's serial, even with a stale timestamp.
        expectPay(await f.pay(a, 'POST', JSAPI, b1, { serial: b.merchantSerial, timestamp: '1' }), 401, 'SIGN_ERROR');
        // 4: ±300 s.
        const now = Math.floor(f.clock.now() / 1000);
        expectPay(await f.pay(a, 'POST', JSAPI, b1, { timestamp: String(now - 301) }), 401, 'SIGN_ERROR');
        expectPay(await f.pay(a, 'POST', JSAPI, b1, { timestamp: String(now + 301) }), 401, 'SIGN_ERROR');
        assert.equal((await f.pay(a, 'POST', JSAPI, b1, { timestamp: String(now - 300) })).status, 200);
        // 5: signature over another body, or with another key, or over the path without the sandbox prefix.
        expectPay(await f.pay(a, 'POST', JSAPI, b1, { signedBody: b1.replace('200', '201') }), 401, 'SIGN_ERROR');
        expectPay(await f.pay(a, 'POST', JSAPI, b1, { key: b.merchantPrivateKeyPem }), 401, 'SIGN_ERROR');
        // Invalid body but a bad signature: the signature is checked first.
        expectPay(await f.pay(a, 'POST', JSAPI, 'not json', { signedBody: 'not json!' }), 401, 'SIGN_ERROR');
      });

      it('check 6: PARAM_ERROR for each malformed field', async () => {
        const raw = JSON.parse(body()) as Record<string, any>;
        const variants: Array<Record<string, unknown> | string> = [
          'not json',
          '',
          { ...raw, appid: undefined },
          { ...raw, mchid: b.mchid },
          { ...raw, description: '' },
          { ...raw, description: 'x'.repeat(128) },
          { ...raw, out_trade_no: '12345' },
          { ...raw, out_trade_no: '1'.repeat(33) },
          { ...raw, out_trade_no: '123456#' },
          { ...raw, notify_url: '/relative' },
          { ...raw, notify_url: `${receiver.url}?x=1` },
          { ...raw, notify_url: 'ftp://example.com/n' },
          { ...raw, notify_url: `http://example.com/${'n'.repeat(240)}` },
          { ...raw, amount: { total: 0, currency: 'CNY' } },
          { ...raw, amount: { total: 1.5 } },
          { ...raw, amount: { total: '200' } },
          { ...raw, amount: { total: 200, currency: 'USD' } },
          { ...raw, amount: undefined },
          { ...raw, payer: {} },
          { ...raw, payer: undefined },
        ];
        for (const v of variants) {
          const text = typeof v === 'string' ? v : JSON.stringify(v);
          const r = await f.pay(a, 'POST', JSAPI, text);
          assert.equal(r.status, 400, `${text} → ${r.text}`);
          assert.equal(r.json.code, 'PARAM_ERROR', `${text} → ${r.text}`);
          assertSigned(a, r, f.clock.now());
        }
        // Boundaries that are valid: 127-character description, 6- and 32-character trade numbers, currency absent.
        for (const ok of [
          { ...raw, description: '金'.repeat(127), out_trade_no: 'A_b-|*' },
          { ...raw, out_trade_no: '9'.repeat(32), amount: { total: 1 } },
        ]) {
          const r = await f.pay(a, 'POST', JSAPI, JSON.stringify(ok));
          assert.equal(r.status, 200, r.text);
        }
      });

      it('checks 7–10: appid binding, payer, paid order, changed parameters', async () => {
        expectPay(await f.pay(a, 'POST', JSAPI, prepayBody(a, { outTradeNo: tradeNo(), openid: alice.openid, notifyUrl: receiver.url }).replace(a.appid, b.appid)), 400, 'APPID_MCHID_NOT_MATCH');
        expectPay(await f.pay(a, 'POST', JSAPI, body().replace(a.appid, 'wx0000000000000000')), 400, 'APPID_MCHID_NOT_MATCH');
        // 8: an openid the sandbox never minted for this appid (alice's openid under b).
        const bAlice = await f.login(b, 'alice');
        expectPay(await f.pay(a, 'POST', JSAPI, body({ openid: bAlice.openid })), 400, 'PARAM_ERROR');
        expectPay(await f.pay(a, 'POST', JSAPI, body({ openid: 'oNotASandboxOpenid000000000' })), 400, 'PARAM_ERROR');
        // 10: same out_trade_no, different description / amount / payer / notify_url.
        const no = tradeNo();
        const bob = await f.login(a, 'bob');
        assert.equal((await f.pay(a, 'POST', JSAPI, body({ outTradeNo: no }))).status, 200);
        for (const changed of [
          body({ outTradeNo: no, description: 'Other' }),
          body({ outTradeNo: no, total: 201 }),
          body({ outTradeNo: no, openid: bob.openid }),
          body({ outTradeNo: no, notifyUrl: `${receiver.url}2` }),
        ]) {
          expectPay(await f.pay(a, 'POST', JSAPI, changed), 400, 'INVALID_REQUEST');
        }
        // 9: paid → ORDERPAID, which wins over changed parameters.
        const prepay = await f.pay(a, 'POST', JSAPI, body({ outTradeNo: no }));
        const pp = payParams(a, prepay.json.prepay_id, f.clock.now());
        const paid = await http(base(), 'POST', '/_sandbox/wechat/requestPayment', { body: { ...pp, openid: alice.openid } });
        assert.equal(paid.status, 200, paid.text);
        expectPay(await f.pay(a, 'POST', JSAPI, body({ outTradeNo: no })), 403, 'ORDERPAID');
        expectPay(await f.pay(a, 'POST', JSAPI, body({ outTradeNo: no, total: 999 })), 403, 'ORDERPAID');
      });
    });

    describe('GET …/v3/pay/transactions/out-trade-no/{no} (§9.5)', () => {
      const path = (no: string, mchid: string) => `${SANDBOX_PAY}/v3/pay/transactions/out-trade-no/${no}?mchid=${mchid}`;

      it('merchant checks, mchid match, unknown order, then the transaction object', async () => {
        const no = `Q${Date.now()}`;
        let r = await f.pay(a, 'GET', path(no, a.mchid), '', { authorization: null });
        assert.equal(r.status, 401);
        assert.equal(r.json.code, 'SIGN_ERROR');
        r = await f.pay(a, 'GET', path(no, a.mchid), '', { signedBody: 'x' });
        assert.equal(r.json.code, 'SIGN_ERROR');
        r = await f.pay(a, 'GET', path(no, b.mchid));
        assert.equal(r.status, 400);
        assert.equal(r.json.code, 'PARAM_ERROR');
        r = await f.pay(a, 'GET', path(no, a.mchid));
        assert.equal(r.status, 404);
        assert.equal(r.json.code, 'ORDER_NOT_EXIST');
        assertSigned(a, r, f.clock.now());

        const prepay = await f.pay(a, 'POST', JSAPI, prepayBody(a, { outTradeNo: no, openid: alice.openid, notifyUrl: receiver.url, total: 300 }));
        r = await f.pay(a, 'GET', path(no, a.mchid));
        assert.equal(r.status, 200);
        assertSigned(a, r, f.clock.now());
        assert.deepEqual(r.json, {
          appid: a.appid,
          mchid: a.mchid,
          out_trade_no: no,
          trade_type: 'JSAPI',
          trade_state: 'NOTPAY',
          trade_state_desc: '订单未支付',
          payer: { openid: alice.openid },
          amount: { total: 300, currency: 'CNY', payer_currency: 'CNY' },
        });
        // Another merchant cannot see it.
        assert.equal((await f.pay(b, 'GET', path(no, b.mchid))).status, 404);

        const pp = payParams(a, prepay.json.prepay_id, f.clock.now());
        const paid = await http(base(), 'POST', '/_sandbox/wechat/requestPayment', { body: { ...pp, openid: alice.openid } });
        r = await f.pay(a, 'GET', path(no, a.mchid));
        assert.deepEqual(r.json, {
          appid: a.appid,
          mchid: a.mchid,
          out_trade_no: no,
          transaction_id: paid.json.transaction_id,
          trade_type: 'JSAPI',
          trade_state: 'SUCCESS',
          trade_state_desc: '支付成功',
          bank_type: 'OTHERS',
          success_time: chinaTime(f.clock.now()),
          payer: { openid: alice.openid },
          amount: { total: 300, payer_total: 300, currency: 'CNY', payer_currency: 'CNY' },
        });
      });
    });

    describe('POST /_sandbox/wechat/requestPayment and notifications (§9.6, §9.7)', () => {
      let n = 0;
      const newPrepay = async (o: { total?: number } = {}) => {
        const no = `P${Date.now()}${++n}`;
        const r = await f.pay(a, 'POST', JSAPI, prepayBody(a, { outTradeNo: no, openid: alice.openid, notifyUrl: receiver.url, ...o }));
        assert.equal(r.status, 200, r.text);
        return { no, prepayId: r.json.prepay_id as string };
      };
      const pay = (body: unknown) => http(base(), 'POST', '/_sandbox/wechat/requestPayment', { body });
      const expectFail = (r: HttpResult, reason: string) => {
        assert.equal(r.status, 400, r.text);
        assert.deepEqual(r.json, { errMsg: `requestPayment:fail ${reason}` });
      };

      it('pays, then POSTs a signed, encrypted notification that verifyNotification accepts', async () => {
        const { no, prepayId } = await newPrepay();
        const before = receiver.received.length;
        const pp = payParams(a, prepayId, f.clock.now());
        const r = await pay({ ...pp, openid: alice.openid });
        assert.equal(r.status, 200, r.text);
        assert.equal(r.json.errMsg, 'requestPayment:ok');
        assert.match(r.json.transaction_id, /^42000[0-9]{23}$/);
        assert.equal(r.json.out_trade_no, no);
        assert.deepEqual(r.json.notify, { url: receiver.url, status: 204, attempt: 1 });
        assert.equal(receiver.received.length, before + 1);
        const got = receiver.received[before]!;
        assert.equal(got.method, 'POST');
        assert.equal(got.url, '/notify');
        assert.equal(got.headers['wechatpay-signature-type'], 'WECHATPAY2-SHA256-RSA2048');
        assert.match(String(got.headers['wechatpay-nonce']), /^.{32}$/);
        assert.equal(got.headers['wechatpay-serial'], a.platformKeys[0]!.serial);
        const v = verifyNotification(a, got.headers, got.body, f.clock.now(), 300);
        assert.ok(v.ok && v.kind === 'transaction', JSON.stringify(v));
        assert.match(v.envelope.id, /^[0-9a-f-]{36}$/);
        assert.equal(v.envelope.eventType, 'TRANSACTION.SUCCESS');
        assert.equal(v.envelope.createTime, chinaTime(f.clock.now()));
        assert.match(v.envelope.createTime, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+08:00$/);
        const env = JSON.parse(got.body.toString('utf8'));
        assert.equal(env.resource_type, 'encrypt-resource');
        assert.equal(env.summary, '支付成功');
        assert.equal(env.resource.associated_data, 'transaction');
        assert.equal(env.resource.original_type, 'transaction');
        assert.match(env.resource.nonce, /^[A-Za-z0-9]{12}$/);
        assert.equal(v.transaction.transactionId, r.json.transaction_id);
        assert.equal(v.transaction.outTradeNo, no);
        assert.equal(v.transaction.tradeState, 'SUCCESS');
        assert.equal(v.transaction.tradeStateDesc, '支付成功');
        assert.equal(v.transaction.payerOpenid, alice.openid);
        assert.equal(v.transaction.amountTotal, 200);
        assert.equal(v.transaction.raw.payer_total, undefined, 'payer_total lives under amount');
        assert.equal((v.transaction.raw.amount as Record<string, unknown>).payer_total, 200);
        assert.equal(v.transaction.successTimeMs, f.clock.now());
        // Another merchant's APIv3 key cannot read it.
        const wrong = verifyNotification({ ...a, apiV3Key: b.apiV3Key }, got.headers, got.body, f.clock.now(), 300);
        assert.deepEqual(wrong, { ok: false, status: 400, message: 'decrypt failed' });
      });

      it('every error, in order', async () => {
        const { prepayId } = await newPrepay();
        const pp = payParams(a, prepayId, f.clock.now());
        const ok = { ...pp, openid: alice.openid };
        expectFail(await pay('not json'), 'invalid request');
        expectFail(await pay({ ...ok, package: 'prepay_id=wx000', appId: 'x', signType: 'MD5' }), 'prepay_id not found');
        expectFail(await pay({ ...ok, package: prepayId }), 'prepay_id not found');
        expectFail(await pay({ ...ok, appId: b.appid, signType: 'MD5' }), 'appId mismatch');
        expectFail(await pay({ ...ok, signType: 'MD5', paySign: 'x' }), 'invalid signType');
        expectFail(await pay({ ...ok, paySign: payParams(b, prepayId, f.clock.now()).paySign, openid: 'someone' }), 'invalid paySign');
        expectFail(await pay({ ...ok, nonceStr: 'x'.repeat(32) }), 'invalid paySign');
        expectFail(await pay({ ...ok, openid: 'someone-else' }), 'payer mismatch');
        assert.equal((await pay(ok)).status, 200);
        expectFail(await pay(ok), 'order paid');
        // Expiry: a prepay_id older than 2 h, checked right after "not found".
        const late = await newPrepay();
        const latePp = { ...payParams(a, late.prepayId, f.clock.now()), openid: alice.openid };
        f.clock.advance(2 * 3600_000 + 1000);
        try {
          expectFail(await pay({ ...latePp, appId: b.appid }), 'prepay_id expired');
        } finally {
          f.clock.advance(0);
        }
      });

      it('two concurrent payments of one prepay: exactly one succeeds and one notification is sent', async () => {
        const { prepayId } = await newPrepay();
        const before = receiver.received.length;
        const body = { ...payParams(a, prepayId, f.clock.now()), openid: alice.openid };
        const results = await Promise.all(Array.from({ length: 5 }, () => pay(body)));
        assert.equal(results.filter((r) => r.status === 200).length, 1);
        assert.equal(results.filter((r) => r.json.errMsg === 'requestPayment:fail order paid').length, 4);
        assert.equal(receiver.received.length, before + 1);
      });

      it('delivery "async": answers first (status null), the notification follows', async () => {
        const { prepayId, no } = await newPrepay();
        const before = receiver.received.length;
        const r = await pay({ ...payParams(a, prepayId, f.clock.now()), openid: alice.openid, delivery: 'async' });
        assert.equal(r.status, 200);
        assert.deepEqual(r.json.notify, { url: receiver.url, status: null, attempt: 1 });
        await receiver.waitFor(before + 1);
        const v = verifyNotification(a, receiver.received[before]!.headers, receiver.received[before]!.body, f.clock.now(), 300);
        assert.ok(v.ok && v.kind === 'transaction' && v.transaction.outTradeNo === no);
      });

      it('a refused delivery is retried on the stored schedule with the same notification id, then given up', async () => {
        const { prepayId } = await newPrepay();
        receiver.status = 500;
        const before = receiver.received.length;
        try {
          const r = await pay({ ...payParams(a, prepayId, f.clock.now()), openid: alice.openid });
          assert.deepEqual(r.json.notify, { url: receiver.url, status: 500, attempt: 1 });
          const deps = {
            db: f.server.services.db,
            box: f.server.services.box,
            clock: f.clock,
            logger: f.server.services.logger,
            retrySeconds: f.server.services.config.wechat.sandboxNotifyRetrySeconds,
          };
          f.clock.advance(14_000);
          assert.equal(await deliverDueNotifications(deps), 0, 'not before 15 s');
          f.clock.advance(1000);
          assert.equal(await deliverDueNotifications(deps), 1);
          assert.equal(receiver.received.length, before + 2);
          f.clock.advance(30_000);
          assert.equal(await deliverDueNotifications(deps), 1);
          assert.equal(receiver.received.length, before + 3);
          // The schedule ([15, 30] in this fixture) is exhausted: failed, nothing more.
          f.clock.advance(3600_000);
          assert.equal(await deliverDueNotifications(deps), 0);
          const ids = receiver.received.slice(before).map((x) => JSON.parse(x.body.toString('utf8')).id as string);
          assert.equal(new Set(ids).size, 1, 'retries carry the same notification id');
          for (const x of receiver.received.slice(before)) {
            const v = verifyNotification(a, x.headers, x.body, f.clock.now() - 3600_000, 300);
            assert.ok(v.ok, 'each attempt is freshly signed');
          }
          const row = await f.server.services.db.selectFrom('sandbox_wechat_notifications').selectAll().where('notification_id', '=', ids[0]!).executeTakeFirstOrThrow();
          assert.equal(row.status, 'failed');
          assert.equal(Number(row.attempts), 3);
        } finally {
          receiver.status = 204;
        }
      });

      it('a retry that is accepted ends the schedule', async () => {
        const { prepayId, no } = await newPrepay();
        receiver.status = 500;
        try {
          const r = await pay({ ...payParams(a, prepayId, f.clock.now()), openid: alice.openid });
          assert.equal(r.json.notify.status, 500);
        } finally {
          receiver.status = 204;
        }
        const deps = {
          db: f.server.services.db,
          box: f.server.services.box,
          clock: f.clock,
          logger: f.server.services.logger,
          retrySeconds: f.server.services.config.wechat.sandboxNotifyRetrySeconds,
        };
        f.clock.advance(15_000);
        assert.equal(await deliverDueNotifications(deps), 1);
        const row = await f.server.services.db.selectFrom('sandbox_wechat_notifications').selectAll().where('out_trade_no', '=', no).executeTakeFirstOrThrow();
        assert.equal(row.status, 'delivered');
        assert.equal(Number(row.attempts), 2);
        assert.equal(row.next_attempt_at, null);
        f.clock.advance(30_000);
        assert.equal(await deliverDueNotifications(deps), 0);
      });

      it('an unreachable notify URL is scheduled for a retry', async () => {
        const dead = await startReceiver();
        const deadUrl = dead.url;
        await dead.close();
        const no = `D${Date.now()}`;
        const prepay = await f.pay(a, 'POST', JSAPI, prepayBody(a, { outTradeNo: no, openid: alice.openid, notifyUrl: deadUrl }));
        const r = await pay({ ...payParams(a, prepay.json.prepay_id, f.clock.now()), openid: alice.openid });
        assert.deepEqual(r.json.notify, { url: deadUrl, status: null, attempt: 1 });
        const row = await f.server.services.db.selectFrom('sandbox_wechat_notifications').selectAll().where('out_trade_no', '=', no).executeTakeFirstOrThrow();
        assert.equal(row.status, 'pending');
        assert.equal(Number(row.next_attempt_at), f.clock.now() + 15_000);
        assert.equal(row.last_error, 'network error');
      });

      it('resend: 404 for unknown or unpaid, else a fresh notification and the merchant status', async () => {
        const resend = (body: unknown) => http(base(), 'POST', '/_sandbox/wechat/notify/resend', { body });
        let r = await resend({ mchid: a.mchid, out_trade_no: 'nope00' });
        assert.equal(r.status, 404);
        assert.equal(r.json.code, 'ORDER_NOT_EXIST');
        const { no, prepayId } = await newPrepay();
        r = await resend({ mchid: a.mchid, out_trade_no: no });
        assert.equal(r.status, 404, 'not paid yet');
        r = await resend({ mchid: b.mchid, out_trade_no: no });
        assert.equal(r.status, 404, 'another merchant');
        await pay({ ...payParams(a, prepayId, f.clock.now()), openid: alice.openid });
        const before = receiver.received.length;
        r = await resend({ mchid: a.mchid, out_trade_no: no });
        assert.deepEqual(r.json, { status: 204 });
        assert.equal(receiver.received.length, before + 1);
        const first = JSON.parse(receiver.received[before - 1]!.body.toString('utf8'));
        const again = JSON.parse(receiver.received[before]!.body.toString('utf8'));
        assert.notEqual(again.id, first.id, 'a new notification id');
        assert.notEqual(again.resource.nonce, first.resource.nonce);
        const v = verifyNotification(a, receiver.received[before]!.headers, receiver.received[before]!.body, f.clock.now(), 300);
        assert.ok(v.ok && v.kind === 'transaction' && v.transaction.outTradeNo === no);
        receiver.status = 503;
        try {
          assert.deepEqual((await resend({ mchid: a.mchid, out_trade_no: no })).json, { status: 503 });
        } finally {
          receiver.status = 204;
        }
      });
    });
  });

  describe(`WeChat sandbox disabled (${kind})`, () => {
    it('every /_sandbox/* path answers 404', async () => {
      const server = await startTestServer(kind, { dialects: [], extras: [sandboxRoutes], config: { sandbox: false } });
      try {
        for (const [method, path] of [
          ['POST', '/_sandbox/wechat/login'],
          ['GET', '/_sandbox/wechat/login?appid=wx&user=a'],
          ['GET', '/_sandbox/wechat/api/sns/jscode2session?appid=x'],
          ['POST', '/_sandbox/wechat/pay/v3/pay/transactions/jsapi'],
          ['GET', '/_sandbox/wechat/pay/v3/pay/transactions/out-trade-no/123456?mchid=1'],
          ['POST', '/_sandbox/wechat/requestPayment'],
          ['POST', '/_sandbox/wechat/notify/resend'],
          ['GET', '/_sandbox/anything'],
        ] as const) {
          const r = await http(server.baseUrl, method, path, method === 'POST' ? { body: {} } : {});
          assert.equal(r.status, 404, `${method} ${path}`);
        }
        const state = await server.services.db.selectFrom('sandbox_wechat_state').selectAll().execute();
        assert.equal(state.length, 0, 'a disabled sandbox creates nothing');
      } finally {
        await server.close();
      }
    });
  });
}
