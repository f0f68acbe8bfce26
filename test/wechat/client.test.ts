// The WeChat client (spec/liveuser.md §8.2–§8.8) over real HTTP: against the sandbox (sandbox mode: login code →
// code2Session; prepay → query → the user pays → the notification POSTed to a local receiver and verified), and
// against a scripted "live" WeChat for what the sandbox never does (bad or missing response signatures, stale
// answers, 5xx, non-JSON, timeouts, unreachable hosts) — on both stores.
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import {
  buildSignMessage,
  createWechatClient,
  orderDescription,
  payParams,
  signMessage,
  verifyNotification,
  verifyRsaSha256,
  WechatBadReply,
  WechatUnavailable,
  type WechatAppConfig,
  type WechatClient,
} from '../../src/integrations/wechat/index.js';
import { defaultWechatSettings } from '../../src/config.js';
import { STORES } from '../support/stores.js';
import { http } from '../support/server.js';
import { startReceiver, startWechatFixture, type Receiver, type WechatFixture } from './support.js';

const keys = () =>
  generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } });

/** A scripted WeChat: records each request, answers with `respond`. */
interface FakeWechat {
  base: string;
  requests: Array<{ method: string; url: string; headers: IncomingMessage['headers']; body: string }>;
  respond: (req: IncomingMessage, body: string, res: ServerResponse) => void;
  close(): Promise<void>;
}

async function startFake(): Promise<FakeWechat> {
  const fake: FakeWechat = {
    base: '',
    requests: [],
    respond: (_req, _body, res) => res.end('{}'),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      fake.requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      fake.respond(req, body, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  fake.base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return fake;
}

for (const kind of STORES) {
  describe(`WeChat client against the sandbox (${kind})`, () => {
    let f: WechatFixture;
    let a: WechatAppConfig;
    let client: WechatClient;
    let receiver: Receiver;

    before(async () => {
      f = await startWechatFixture(kind);
      a = await f.merchant(7);
      client = createWechatClient({ config: f.server.services.config, clock: f.clock });
      receiver = await startReceiver('/apps/ak_test/liveuser/Wx/Postpay');
    });
    after(async () => {
      await receiver.close();
      await f.close();
    });

    it('uses the sandbox base URLs in sandbox mode', () => {
      assert.deepEqual(client.baseUrls(a), { api: `${f.server.baseUrl}/_sandbox/wechat/api`, pay: `${f.server.baseUrl}/_sandbox/wechat/pay` });
      assert.deepEqual(client.baseUrls({ ...a, mode: 'live' }), { api: 'https://api.weixin.qq.com', pay: 'https://api.mch.weixin.qq.com' });
    });

    it('code2Session: a sandbox login code gives the openid once; errors come back as errcode/errmsg', async () => {
      const { code, openid } = await f.login(a, 'alice');
      const r = await client.code2Session(a, code);
      assert.ok(r.ok);
      assert.equal(r.openid, openid);
      assert.equal(Buffer.from(r.sessionKey, 'base64').length, 16);
      assert.equal(r.unionid, null);
      const again = await client.code2Session(a, code);
      assert.ok(!again.ok);
      assert.equal(again.errcode, 40163);
      assert.match(again.errmsg, /^code been used, rid: [0-9a-f]{24}$/);
      const wrongSecret = await client.code2Session({ ...a, appSecret: 'f'.repeat(32) }, (await f.login(a, 'alice')).code);
      assert.ok(!wrongSecret.ok && wrongSecret.errcode === 40125);
      // Characters that need URL encoding reach WeChat intact (and are simply an unknown code).
      const odd = await client.code2Session(a, 'a b&c=d/é');
      assert.ok(!odd.ok && odd.errcode === 40029);
      const withU = await f.login(a, 'bob', true);
      const u = await client.code2Session(a, withU.code);
      assert.ok(u.ok && u.unionid === withU.unionid);
    });

    it('prepay → query → the user pays → a notification verifyNotification accepts → query SUCCESS', async () => {
      const { openid } = await f.login(a, 'alice');
      const outTradeNo = '689032396800389';
      const request = { description: orderDescription(['Gold pack', 'Silver']), outTradeNo, notifyUrl: receiver.url, totalFen: 300, payerOpenid: openid };
      const prepay = await client.jsapiPrepay(a, request);
      assert.ok(prepay.ok, JSON.stringify(prepay));
      // The same body again: accepted, a new prepay_id (WeChat's behaviour the 110-minute reuse relies on).
      const again = await client.jsapiPrepay(a, request);
      assert.ok(again.ok && again.prepayId !== prepay.prepayId);
      // A different amount for the same out_trade_no is refused.
      const changed = await client.jsapiPrepay(a, { ...request, totalFen: 301 });
      assert.deepEqual({ ...changed, message: undefined }, { ok: false, status: 400, code: 'INVALID_REQUEST', message: undefined });

      const open = await client.queryOrder(a, outTradeNo);
      assert.ok(open.ok);
      assert.equal(open.transaction.tradeState, 'NOTPAY');
      assert.equal(open.transaction.transactionId, '');
      assert.equal(open.transaction.successTimeMs, null);
      assert.equal(open.transaction.amountTotal, 300);

      const params = payParams(a, prepay.prepayId, f.clock.now());
      const before = receiver.received.length;
      const paid = await http(f.server.baseUrl, 'POST', '/_sandbox/wechat/requestPayment', { body: { ...params, openid } });
      assert.equal(paid.status, 200, paid.text);
      assert.equal(paid.json.notify.status, 204);
      const note = receiver.received[before]!;
      const v = verifyNotification(a, note.headers, note.body, f.clock.now(), f.server.services.config.wechat.notifyToleranceSeconds);
      assert.ok(v.ok && v.kind === 'transaction');
      assert.equal(v.transaction.outTradeNo, outTradeNo);
      assert.equal(v.transaction.appid, a.appid);
      assert.equal(v.transaction.mchid, a.mchid);
      assert.equal(v.transaction.amountTotal, 300);
      assert.equal(v.transaction.payerOpenid, openid);

      const done = await client.queryOrder(a, outTradeNo);
      assert.ok(done.ok);
      assert.equal(done.transaction.tradeState, 'SUCCESS');
      assert.equal(done.transaction.transactionId, paid.json.transaction_id);
      assert.equal(done.transaction.successTimeMs, Math.floor(f.clock.now() / 1000) * 1000);

      const paidAgain = await client.jsapiPrepay(a, request);
      assert.ok(!paidAgain.ok && paidAgain.status === 403 && paidAgain.code === 'ORDERPAID');
      const unknown = await client.queryOrder(a, '689032396800390');
      assert.ok(!unknown.ok && unknown.status === 404 && unknown.code === 'ORDER_NOT_EXIST');
    });

    it('a merchant the sandbox does not know, or a wrong merchant key, is a 4xx refusal (not an outage)', async () => {
      const { openid } = await f.login(a, 'alice');
      const request = { description: 'x', outTradeNo: '689032396800391', notifyUrl: receiver.url, totalFen: 1, payerOpenid: openid };
      const r1 = await client.jsapiPrepay({ ...a, mchid: '1900000000' }, request);
      assert.ok(!r1.ok && r1.status === 400 && r1.code === 'MCH_NOT_EXISTS');
      const r2 = await client.jsapiPrepay({ ...a, merchantPrivateKeyPem: keys().privateKey }, request);
      assert.ok(!r2.ok && r2.status === 401 && r2.code === 'SIGN_ERROR');
    });

    it('a sandbox answer is refused (WechatBadReply) when the configured platform key does not match', async () => {
      const { openid } = await f.login(a, 'alice');
      const request = { description: 'x', outTradeNo: '689032396800392', notifyUrl: receiver.url, totalFen: 1, payerOpenid: openid };
      const forged = { ...a, platformKeys: [{ serial: a.platformKeys[0]!.serial, publicKeyPem: keys().publicKey }] };
      await assert.rejects(client.jsapiPrepay(forged, request), (e: unknown) => e instanceof WechatBadReply && /invalid signature/.test(e.message));
      const otherSerial = { ...a, platformKeys: [{ serial: 'PUB_KEY_ID_1', publicKeyPem: a.platformKeys[0]!.publicKeyPem }] };
      await assert.rejects(client.queryOrder(otherSerial, '689032396800392'), (e: unknown) => e instanceof WechatBadReply && /unknown platform key/.test(e.message));
    });
  });

}

// No store involved: runs once.
describe('WeChat client against a scripted live WeChat', () => {
  let fake: FakeWechat;
  let client: WechatClient;
  const platform = keys();
  const merchant = keys();
  let now = Date.UTC(2026, 4, 1, 12, 0, 0);
  const cfg: WechatAppConfig = {
    mode: 'live',
    appid: 'wx1a2b3c4d5e6f7a8b',
    appSecret: 'S3cr3tS3cr3tS3cr3tS3cr3tS3cr3t00',
    mchid: '1900000109',
    merchantSerial: '5157F09EFDC096DE15EBE81A47057A7232F1B8E1',
    merchantPrivateKeyPem: merchant.privateKey,
    apiV3Key: 'Plaza0sandbox0APIv3key0123456789',
    platformKeys: [{ serial: 'PUB_KEY_ID_0114232134912410000000000000000001', publicKeyPem: platform.publicKey }],
    notifyUrl: null,
  };
  const request = { description: 'Gold pack', outTradeNo: '689032396800389', notifyUrl: 'https://plaza.example.com/apps/ak/liveuser/Wx/Postpay', totalFen: 200, payerOpenid: 'oX3kA9bQ2c8dE5fG7hJ1kL3mN5pR' };

  const signed = (res: ServerResponse, status: number, body: string, o: { timestamp?: number; key?: string; serial?: string; tamper?: boolean } = {}) => {
    const ts = String(Math.floor((o.timestamp ?? now) / 1000));
    const nonce = 'abcdefabcdefabcdefabcdefabcdef12';
    res.statusCode = status;
    res.setHeader('content-type', 'application/json');
    res.setHeader('wechatpay-timestamp', ts);
    res.setHeader('wechatpay-nonce', nonce);
    res.setHeader('wechatpay-signature', signMessage(o.key ?? platform.privateKey, `${ts}\n${nonce}\n${body}\n`));
    res.setHeader('wechatpay-serial', o.serial ?? cfg.platformKeys[0]!.serial);
    res.end(o.tamper ? body.replace('wx2', 'wx3') : body);
  };

  before(async () => {
    fake = await startFake();
    client = createWechatClient({
      // A live WeChat under a path prefix: the signed URL must include it (§8.3).
      config: { publicUrl: 'http://unused.invalid', wechat: { ...defaultWechatSettings(), apiBaseUrl: `${fake.base}/wxapi`, payBaseUrl: `${fake.base}/mch` } },
      clock: { now: () => now },
      totalTimeoutMs: 400,
    });
  });
  after(() => fake.close());

  it('signs the request exactly as §8.3 says, prefix and body included, and accepts a signed answer', async () => {
    fake.respond = (_req, _body, res) => signed(res, 200, '{"prepay_id":"wx201410272009395522657a690389285100"}');
    const r = await client.jsapiPrepay(cfg, request);
    assert.deepEqual(r, { ok: true, prepayId: 'wx201410272009395522657a690389285100' });
    const got = fake.requests.at(-1)!;
    assert.equal(got.method, 'POST');
    assert.equal(got.url, '/mch/v3/pay/transactions/jsapi');
    assert.equal(
      got.body,
      '{"appid":"wx1a2b3c4d5e6f7a8b","mchid":"1900000109","description":"Gold pack","out_trade_no":"689032396800389","notify_url":"https://plaza.example.com/apps/ak/liveuser/Wx/Postpay","amount":{"total":200,"currency":"CNY"},"payer":{"openid":"oX3kA9bQ2c8dE5fG7hJ1kL3mN5pR"}}',
    );
    assert.equal(got.headers.accept, 'application/json');
    assert.equal(got.headers['content-type'], 'application/json');
    assert.match(String(got.headers['user-agent']), /^Plaza\//);
    const m = /^WECHATPAY2-SHA256-RSA2048 mchid="(\d+)",nonce_str="([0-9A-F]{32})",signature="([^"]+)",timestamp="(\d+)",serial_no="([0-9A-F]{40})"$/.exec(String(got.headers.authorization));
    assert.ok(m, String(got.headers.authorization));
    assert.equal(m[1], cfg.mchid);
    assert.equal(m[4], String(Math.floor(now / 1000)));
    assert.equal(m[5], cfg.merchantSerial);
    assert.ok(verifyRsaSha256(merchant.publicKey, buildSignMessage('POST', got.url, m[4]!, m[2]!, got.body), m[3]!));

    fake.respond = (_req, _body, res) => signed(res, 200, JSON.stringify({ appid: cfg.appid, mchid: cfg.mchid, out_trade_no: '689032396800389', trade_state: 'NOTPAY', payer: { openid: 'o1' }, amount: { total: 200, currency: 'CNY' } }));
    const q = await client.queryOrder(cfg, '689032396800389');
    assert.ok(q.ok && q.transaction.tradeState === 'NOTPAY');
    const get = fake.requests.at(-1)!;
    assert.equal(get.url, '/mch/v3/pay/transactions/out-trade-no/689032396800389?mchid=1900000109');
    assert.equal(get.body, '');
    const g = /nonce_str="([0-9A-F]{32})",signature="([^"]+)",timestamp="(\d+)"/.exec(String(get.headers.authorization))!;
    assert.ok(verifyRsaSha256(merchant.publicKey, buildSignMessage('GET', get.url, g[3]!, g[1]!, ''), g[2]!), 'GET signs an empty body over path + query');
  });

  it('refuses 2xx answers that fail §8.6: unsigned, tampered, other key, unknown serial, stale, not JSON, no prepay_id', async () => {
    const body = '{"prepay_id":"wx201410272009395522657a690389285100"}';
    const cases: Array<[string, (res: ServerResponse) => void, RegExp]> = [
      ['unsigned', (res) => res.end(body), /missing signature headers/],
      ['tampered body', (res) => signed(res, 200, body, { tamper: true }), /invalid signature/],
      ['other key', (res) => signed(res, 200, body, { key: merchant.privateKey }), /invalid signature/],
      ['unknown serial', (res) => signed(res, 200, body, { serial: 'PUB_KEY_ID_2' }), /unknown platform key/],
      ['stale', (res) => signed(res, 200, body, { timestamp: now - 301_000 }), /timestamp out of range/],
      ['future', (res) => signed(res, 200, body, { timestamp: now + 301_000 }), /timestamp out of range/],
      ['not json', (res) => signed(res, 200, 'OK'), /not a JSON object/],
      ['no prepay_id', (res) => signed(res, 200, '{"id":1}'), /without prepay_id/],
    ];
    for (const [name, respond, reason] of cases) {
      fake.respond = (_req, _body, res) => respond(res);
      await assert.rejects(client.jsapiPrepay(cfg, request), (e: unknown) => e instanceof WechatBadReply && reason.test(e.message), name);
    }
    fake.respond = (_req, _body, res) => signed(res, 200, body, { timestamp: now - 300_000 });
    assert.ok((await client.jsapiPrepay(cfg, request)).ok, 'exactly 300 s is still accepted');
  });

  it('4xx is a refusal read for its code (signed or not); 5xx, timeouts and unreachable hosts are WechatUnavailable', async () => {
    fake.respond = (_req, _body, res) => {
      res.statusCode = 400;
      res.end('{"code":"PARAM_ERROR","message":"bad"}');
    };
    assert.deepEqual(await client.jsapiPrepay(cfg, request), { ok: false, status: 400, code: 'PARAM_ERROR', message: 'bad' });
    fake.respond = (_req, _body, res) => signed(res, 403, '{"code":"ORDERPAID","message":"paid"}');
    assert.deepEqual(await client.jsapiPrepay(cfg, request), { ok: false, status: 403, code: 'ORDERPAID', message: 'paid' });
    fake.respond = (_req, _body, res) => {
      res.statusCode = 404;
      res.end('not json');
    };
    assert.deepEqual(await client.queryOrder(cfg, '1'), { ok: false, status: 404, code: '', message: '' });
    for (const status of [500, 502, 503]) {
      fake.respond = (_req, _body, res) => signed(res, status, '{"code":"SYSTEM_ERROR","message":"busy"}');
      await assert.rejects(client.jsapiPrepay(cfg, request), WechatUnavailable);
    }
    fake.respond = () => undefined; // never answers
    await assert.rejects(client.jsapiPrepay(cfg, request), (e: unknown) => e instanceof WechatUnavailable && /timeout/.test(e.message));
    const closed = await startFake();
    const deadBase = closed.base;
    await closed.close();
    const dead = createWechatClient({ config: { publicUrl: 'x', wechat: { ...defaultWechatSettings(), apiBaseUrl: deadBase, payBaseUrl: deadBase } }, clock: { now: () => now } });
    await assert.rejects(dead.jsapiPrepay(cfg, request), (e: unknown) => e instanceof WechatUnavailable && /network error/.test(e.message));
    await assert.rejects(dead.code2Session(cfg, 'c'), WechatUnavailable);
  });

  it('code2Session: GET with encoded values; errcode, non-200, non-JSON, missing openid; never leaks the secret', async () => {
    fake.respond = (_req, _body, res) => res.end('{"openid":"oABC","session_key":"c2Vzc2lvbmtleTEyMzQ1Ng==","unionid":"oU1","errcode":0}');
    assert.deepEqual(await client.code2Session(cfg, 'co de+1'), { ok: true, openid: 'oABC', sessionKey: 'c2Vzc2lvbmtleTEyMzQ1Ng==', unionid: 'oU1' });
    const got = fake.requests.at(-1)!;
    assert.equal(got.method, 'GET');
    assert.equal(got.url, `/wxapi/sns/jscode2session?appid=${cfg.appid}&secret=${cfg.appSecret}&js_code=co%20de%2B1&grant_type=authorization_code`);

    fake.respond = (_req, _body, res) => res.end('{"errcode":40226,"errmsg":"high risk user"}');
    assert.deepEqual(await client.code2Session(cfg, 'c'), { ok: false, errcode: 40226, errmsg: 'high risk user' });
    fake.respond = (_req, _body, res) => res.end('{"errcode":-1,"errmsg":"system busy"}');
    assert.deepEqual(await client.code2Session(cfg, 'c'), { ok: false, errcode: -1, errmsg: 'system busy' });

    const failures: Array<[(res: ServerResponse) => void, typeof WechatUnavailable | typeof WechatBadReply]> = [
      [(res) => ((res.statusCode = 502), res.end('{"errcode":-1}')), WechatUnavailable],
      [(res) => ((res.statusCode = 404), res.end('{}')), WechatUnavailable],
      [(res) => res.end('<html>busy</html>'), WechatUnavailable],
      [(res) => res.end('{"session_key":"x"}'), WechatBadReply],
      [() => undefined, WechatUnavailable],
    ];
    for (const [respond, type] of failures) {
      fake.respond = (_req, _body, res) => respond(res);
      await assert.rejects(client.code2Session(cfg, 'c'), (e: unknown) => e instanceof type && !(e as Error).message.includes(cfg.appSecret));
    }
  });
});
