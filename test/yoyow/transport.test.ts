// The YOYOW transport over HTTP on both stores (spec/yoyow.md §2, §3.1): the secure request scheme's validation
// order (steps 1–7, exact shapes without `data`), the §2.6 vectors V3/V4 against a secure route, crypto-js clients,
// JSON and form bodies with every cipher-field variant, the Plaza extensions (future bound, replay keys and their
// purge), per-app overrides, Idempotency-Key (re-encrypted replay, 409, unstored transport answers), mounts and app
// resolution (404/403), 413, 429, 500, repeated query parameters, and the int64 rendering. Test-only routes
// (transportKit.ts) stand in for the endpoints.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { setAppControls } from '../../src/core/identity/appControls.js';
import { uidFromSequence } from '../../src/core/identity/uid.js';
import { purgeExpiredReplayKeys } from '../../src/dialects/yoyow/replayKeys.js';
import { http, type HttpResult } from '../support/server.js';
import { STORES } from '../support/stores.js';
import { CJ3, CJ4, cryptoJsSimple, cryptoJsStandard, PLAZA_SECRET, simpleBytes, startTransport, VECTORS, type TransportCtx } from './transportKit.js';

const E1003 = '{"code":1003,"message":"请求已过期."}';
const E1004 = '{"code":1004,"message":"无效的操作时间"}';
const E1005 = '{"code":1005,"message":"无效的操作签名"}';
const NOT_FOUND = '{"code":404,"data":null,"message":"Not Found"}';
const UNKNOWN_APP = '{"code":404,"data":null,"message":"unknown app"}';
const DISABLED = '{"code":403,"data":null,"message":"app disabled"}';
const CONFLICT = '{"code":409,"data":null,"message":"idempotency key reused with different input"}';
const TOO_LARGE = '{"code":413,"data":null,"message":"payload too large"}';
const INTERNAL = '{"code":2000,"data":null,"message":"api底层异常"}';

function expect(r: HttpResult, status: number, text: string, what?: string): void {
  assert.equal(r.text, text, what);
  assert.equal(r.status, status);
  assert.equal(r.headers.get('content-type'), 'application/json; charset=utf-8');
}

for (const kind of STORES) {
  describe(`yoyow transport [${kind}]`, () => {
    let t: TransportCtx;
    let base: string;
    let H: Record<string, string>;
    const post = (path: string, body: unknown, headers: Record<string, string> = {}) => http(base, 'POST', path, { body, headers: { ...H, ...headers } });
    const echo = (body: unknown, headers: Record<string, string> = {}) => post('/api/v2/_t/echo', body, headers);
    const now = () => t.c.clock.now();

    before(async () => {
      t = await startTransport(kind);
      base = t.c.server.baseUrl;
      H = { 'x-plaza-app': t.A.appkey };
    });
    after(async () => t.close());

    describe('secure request: success and the validation order', () => {
      test('a valid simple-mode request runs the route with the decrypted payload (numbers as written)', async () => {
        const r = await echo(t.encNow({ uid: 30833, amount: 1.50, big: 12345678901234567890, s: '中文' }));
        expect(r, 200, `{"code":0,"data":{"app":${t.A.app.id},"payload":{"uid":30833,"amount":1.5,"big":12345678901234567000,"s":"中文","time":${now()}}},"message":"操作成功"}`);
      });

      test('step 1: every failure to obtain a JSON object answers exactly 1005 without data', async () => {
        const secret = t.A.secret;
        const good = t.encNow({ a: 1 });
        const bodies: Array<[string, unknown, Record<string, string>?]> = [
          ['empty body as JSON', ''],
          ['{}', {}],
          ['wrong secret', t.encNow({ a: 1 }, '00000000000000000000000000000000')],
          ['missing s', { ct: good.ct, iv: good.iv }],
          ['bad hex ct', { ...good, ct: `zz${good.ct.slice(2)}` }],
          ['odd hex s', { ...good, s: good.s.slice(1) }],
          ['bad padding', { ...good, ct: good.ct.slice(0, -32) + 'ab'.repeat(16) }],
          ['non-UTF-8 plaintext', simpleBytes(secret, Buffer.from([0x7b, 0x22, 0x74, 0x69, 0x6d, 0x65, 0x22, 0x3a, 0x31, 0x2c, 0x22, 0x78, 0x22, 0x3a, 0x22, 0xc3, 0x22, 0x7d]))],
          ['array plaintext', simpleBytes(secret, Buffer.from(`[${now()}]`))],
          ['null plaintext', simpleBytes(secret, Buffer.from('null'))],
          ['malformed plaintext', simpleBytes(secret, Buffer.from(`{"time":${now()},`))],
          ['malformed JSON body', `{"ct":"${good.ct}",`],
          ['JSON array body', `[${JSON.stringify(good)}]`],
          ['text/plain body', JSON.stringify(good), { 'content-type': 'text/plain' }],
          ['no content type', JSON.stringify(good), { 'content-type': '' }],
        ];
        for (const [name, body, headers] of bodies) {
          const r = await echo(body, headers);
          assert.equal(r.text, E1005, name);
          assert.equal(r.status, 200, name);
        }
        assert.equal(t.runs.get('echo'), 1, 'only the first test reached the route');
      });

      test('step 3: time missing, a string, 0, negative, not finite → 1004', async () => {
        for (const time of [undefined, String(now()), 0, -5, null, true]) expect(await echo(t.enc({ uid: 1, time })), 200, E1004);
        expect(await echo(simpleBytes(t.A.secret, Buffer.from('{"time":1e999}'))), 200, E1004);
      });

      test('step 3 accepts fractions; step 4 equality passes, one ms more is 1003; seconds are expired', async () => {
        expect(await echo(t.enc({ time: now() - 0.5 })), 200, `{"code":0,"data":{"app":${t.A.app.id},"payload":{"time":${now() - 0.5}}},"message":"操作成功"}`);
        assert.equal((await echo(t.enc({ time: now() - 120_000 }))).json.code, 0);
        expect(await echo(t.enc({ time: now() - 120_001 })), 200, E1003);
        expect(await echo(t.enc({ time: Math.floor(now() / 1000) })), 200, E1003);
      });

      test('step 5: more than 300 s ahead → 1004; 300 s exactly passes', async () => {
        expect(await echo(t.enc({ time: now() + 300_001 })), 200, E1004);
        expect(await echo(t.enc({ time: now() + 3_600_000 })), 200, E1004);
        assert.equal((await echo(t.enc({ time: now() + 300_000 }))).json.code, 0);
      });

      test('the order: 1005 before 1004 before 1003', async () => {
        expect(await echo(t.enc({ a: 1 }, '00000000000000000000000000000000')), 200, E1005);
        expect(await echo(t.enc({ time: '1' })), 200, E1004);
      });

      test('step 6: the same ciphertext twice → 1003, also with another simple-mode iv', async () => {
        const c = t.encNow({ n: 'replay' });
        assert.equal((await echo(c)).json.code, 0);
        expect(await echo(c), 200, E1003);
        expect(await echo({ ...c, iv: '00'.repeat(16) }), 200, E1003);
        expect(await echo({ ct: c.ct, s: c.s }), 200, E1003);
        expect(await echo({ ...c, ct: c.ct.toUpperCase() }), 200, E1003);
      });

      test('step 6: a key is consumed even when the operation fails, and the failure rolled back', async () => {
        const c = t.encNow({ n: 'refused' });
        expect(await post('/api/v2/_t/refuse', c), 200, '{"code":2005,"data":null,"message":"零钱不足"}');
        expect(await post('/api/v2/_t/refuse', c), 200, E1003);
        assert.equal(t.runs.get('refuse'), 1);
        const rows = await t.c.server.services.db.selectFrom('settings').select('key').where('key', 'like', 'yoyow-test:%').execute();
        assert.deepEqual(rows, [], 'the route\'s write was rolled back');
      });

      test('concurrent copies of one ciphertext: exactly one runs', async () => {
        const before = t.runs.get('echo') ?? 0;
        const c = t.encNow({ n: 'race' });
        const results = await Promise.all(Array.from({ length: 8 }, () => echo(c)));
        assert.equal(results.filter((r) => r.json.code === 0).length, 1);
        assert.equal(results.filter((r) => r.text === E1003).length, 7);
        assert.equal(t.runs.get('echo'), before + 1);
      });

      test('a transient storage failure is retried once more in the same request (steps 3–6 not repeated)', async () => {
        const r = await post('/api/v2/_t/flaky', t.encNow({ n: 'flaky' }));
        assert.equal(r.json.code, 0, r.text);
        assert.equal(r.json.data.attempt, 2);
      });

      test('handled refusals and unexpected failures', async () => {
        expect(await post('/api/v2/_t/rule', t.encNow({})), 200, '{"code":2000,"data":null,"message":"cannot transfer to self"}');
        expect(await post('/api/v2/_t/crash', t.encNow({})), 500, INTERNAL);
      });
    });

    describe('§2.6 vectors and crypto-js clients against a secure route', () => {
      let P: Awaited<ReturnType<TransportCtx['c']['createApp']>>;
      before(async () => {
        P = await t.c.createApp('yoyow-vectors');
        await t.setSecret(P.app.id, PLAZA_SECRET);
      });
      const vec = (v: (typeof VECTORS)['V3' | 'V4'], iv?: string) => ({ ct: v.ct, s: v.s, ...(iv === undefined ? {} : { iv }) });

      test('V3 (simple) → 1003, with its iv, without, or with zeros; the app with another secret → 1005', async () => {
        for (const iv of [VECTORS.V3.iv, undefined, '0'.repeat(32)]) expect(await echo(vec(VECTORS.V3, iv), { 'x-plaza-app': P.appkey }), 200, E1003);
        expect(await echo(vec(VECTORS.V3, VECTORS.V3.iv)), 200, E1005);
        expect(await echo(vec(VECTORS.V4, VECTORS.V4.iv), { 'x-plaza-app': P.appkey }), 200, E1005);
      });

      test('V4 (standard) → 1003 once the app is standard; V3 then → 1005; another secret → 1005', async () => {
        await t.setSettings(P.app.id, { yoyow: { security_level: 'standard' } });
        expect(await echo(vec(VECTORS.V4, VECTORS.V4.iv), { 'x-plaza-app': P.appkey }), 200, E1003);
        expect(await echo(vec(VECTORS.V3, VECTORS.V3.iv), { 'x-plaza-app': P.appkey }), 200, E1005);
        expect(await echo(vec(VECTORS.V4, VECTORS.V4.iv)), 200, E1005);
        expect(await echo(vec(VECTORS.V4), { 'x-plaza-app': P.appkey }), 200, E1005, 'standard mode needs the iv');
        await t.setSettings(P.app.id, { yoyow: { security_level: 'simple' } });
      });

      test('crypto-js 3.3.0 / 4.2.0 ciphertexts are accepted in both modes', async () => {
        const text = () => JSON.stringify({ uid: 30833, time: now() });
        assert.equal((await echo(cryptoJsSimple(CJ3, t.A.secret, text()))).json.code, 0);
        assert.equal((await echo(cryptoJsSimple(CJ4, t.A.secret, text()))).json.code, 0);
        await t.setSettings(t.A.app.id, { yoyow: { security_level: 'standard' } });
        try {
          assert.equal((await echo(cryptoJsStandard(CJ3, t.A.secret, text()))).json.code, 0);
          assert.equal((await echo(cryptoJsStandard(CJ4, t.A.secret, text(), { hasher: CJ4.algo.SHA1, iterations: 100 }))).json.code, 0);
          expect(await echo(cryptoJsStandard(CJ4, t.A.secret, text(), { iterations: 100 })), 200, E1005);
          expect(await echo(cryptoJsSimple(CJ3, t.A.secret, text())), 200, E1005);
        } finally {
          await t.setSettings(t.A.app.id, { yoyow: { security_level: 'simple' } });
        }
      });
    });

    describe('bodies and cipher-field variants (§2.3)', () => {
      const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
      const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

      test('JSON: top-level fields, a `cipher` object, charset parameter; `ct` wins over `cipher`', async () => {
        assert.equal((await echo(t.encNow({ v: 1 }))).json.code, 0);
        assert.equal((await echo({ cipher: t.encNow({ v: 2 }) })).json.code, 0);
        assert.equal((await echo(t.encNow({ v: 3 }), { 'content-type': 'application/json; charset=utf-8' })).json.code, 0);
        expect(await echo({ ct: 'zz', cipher: t.encNow({ v: 4 }) }), 200, E1005);
        expect(await echo({ cipher: JSON.stringify(t.encNow({ v: 5 })) }), 200, E1005);
      });

      test('forms: top-level fields, `cipher` as JSON text, bracket fields; a repeated field is malformed', async () => {
        const c1 = t.encNow({ f: 1 });
        const r = await echo(form({ ct: c1.ct, iv: c1.iv ?? '', s: c1.s }), FORM);
        expect(r, 200, `{"code":0,"data":{"app":${t.A.app.id},"payload":{"f":1,"time":${now()}}},"message":"操作成功"}`);
        assert.equal((await echo(form({ cipher: JSON.stringify(t.encNow({ f: 2 })) }), FORM)).json.code, 0);
        const c3 = t.encNow({ f: 3 });
        assert.equal((await echo(form({ 'cipher[ct]': c3.ct, 'cipher[iv]': c3.iv ?? '', 'cipher[s]': c3.s }), FORM)).json.code, 0);
        const c4 = t.encNow({ f: 4 });
        expect(await echo(`ct=${c4.ct}&ct=${c4.ct}&s=${c4.s}`, FORM), 200, E1005);
        expect(await echo('', FORM), 200, E1005);
      });

      test('413 above yoyow.maxBody and above the server limit', async () => {
        const cfg = t.c.server.services.config.yoyow;
        const saved = cfg.maxBody;
        cfg.maxBody = 2048;
        try {
          expect(await echo({ ...t.encNow({}), pad: 'x'.repeat(3000) }), 413, TOO_LARGE);
        } finally {
          cfg.maxBody = saved;
        }
        expect(await echo({ ...t.encNow({}), pad: 'x'.repeat(1024 * 1024 + 10) }), 413, TOO_LARGE);
      });
    });

    describe('Idempotency-Key (§2.7)', () => {
      test('a re-encrypted retry replays the first answer byte for byte without running the route', async () => {
        const runs = t.runs.get('echo') ?? 0;
        const first = await echo(t.encNow({ uid: 30833, amount: '1.5' }), { 'idempotency-key': 'k-1' });
        assert.equal(first.json.code, 0);
        assert.equal(first.headers.get('idempotent-replayed'), null);
        t.c.clock.advance(5000);
        const again = await echo(t.encNow({ amount: '1.5', uid: 30833 }), { 'idempotency-key': 'k-1' });
        assert.equal(again.text, first.text);
        assert.equal(again.headers.get('idempotent-replayed'), 'true');
        assert.equal(t.runs.get('echo'), runs + 1);
      });

      test('the same ciphertext and key again replays (steps 3–6 do not apply to a replay)', async () => {
        const c = t.encNow({ n: 'idem-same' });
        const first = await echo(c, { 'idempotency-key': 'k-same' });
        const again = await echo(c, { 'idempotency-key': 'k-same' });
        assert.equal(again.text, first.text);
        assert.equal(again.headers.get('idempotent-replayed'), 'true');
      });

      test('another payload under the same key → 409', async () => {
        await echo(t.encNow({ n: 1 }), { 'idempotency-key': 'k-2' });
        expect(await echo(t.encNow({ n: 2 }), { 'idempotency-key': 'k-2' }), 409, CONFLICT);
      });

      test('the key is scoped by route and by app', async () => {
        const c = t.encNow({ n: 'scoped' });
        assert.equal((await echo(c, { 'idempotency-key': 'k-3' })).json.code, 0);
        const other = await post('/api/v2/_t/refuse', t.encNow({ n: 'other' }), { 'idempotency-key': 'k-3' });
        assert.equal(other.json.code, 2005);
        assert.equal(other.headers.get('idempotent-replayed'), null);
      });

      test('a handled refusal is stored and replayed', async () => {
        const runs = t.runs.get('refuse') ?? 0;
        const first = await post('/api/v2/_t/refuse', t.encNow({ n: 'stored' }), { 'idempotency-key': 'k-4' });
        const again = await post('/api/v2/_t/refuse', t.encNow({ n: 'stored' }), { 'idempotency-key': 'k-4' });
        assert.equal(again.text, first.text);
        assert.equal(again.headers.get('idempotent-replayed'), 'true');
        assert.equal(t.runs.get('refuse'), runs + 1);
      });

      test('1003/1004/1005 and 500 answers are not stored: the key stays usable', async () => {
        expect(await echo(t.enc({ n: 'late', time: now() - 200_000 }), { 'idempotency-key': 'k-5' }), 200, E1003);
        expect(await echo(t.enc({ n: 'late' }), { 'idempotency-key': 'k-5' }), 200, E1004);
        const ok = await echo(t.encNow({ n: 'late' }), { 'idempotency-key': 'k-5' });
        assert.equal(ok.json.code, 0);
        assert.equal(ok.headers.get('idempotent-replayed'), null);
        expect(await post('/api/v2/_t/crash', t.encNow({}), { 'idempotency-key': 'k-6' }), 500, INTERNAL);
        expect(await post('/api/v2/_t/crash', t.encNow({}), { 'idempotency-key': 'k-6' }), 500, INTERNAL);
      });

      test('a malformed key → 2000 invalid parameter: Idempotency-Key', async () => {
        expect(await echo(t.encNow({}), { 'idempotency-key': 'k'.repeat(256) }), 200, '{"code":2000,"data":null,"message":"invalid parameter: Idempotency-Key"}');
        expect(await echo(t.encNow({}), { 'idempotency-key': '' }), 200, '{"code":2000,"data":null,"message":"invalid parameter: Idempotency-Key"}');
      });

      test('concurrent requests with one key: the route runs once, every answer is the same', async () => {
        const runs = t.runs.get('echo') ?? 0;
        const results = await Promise.all(Array.from({ length: 6 }, (_, i) => echo(t.enc({ n: 'parallel', time: now() - i }), { 'idempotency-key': 'k-par' })));
        assert.equal(t.runs.get('echo'), runs + 1);
        const bodies = new Set(results.map((r) => r.text));
        assert.equal(bodies.size, 1, [...bodies].join('\n'));
        assert.equal(results.filter((r) => r.headers.get('idempotent-replayed') === 'true').length, 5);
      });
    });

    describe('per-app overrides (§2.5)', () => {
      test('replay_protection false, secure_future_skew 0, secure_ageing 10', async () => {
        const B = await t.c.createApp('yoyow-overrides');
        const HB = { 'x-plaza-app': B.appkey };
        await t.setSettings(B.app.id, { yoyow: { replay_protection: false, secure_future_skew: 0, secure_ageing: 10 } });
        const c = t.encNow({ n: 1 }, B.secret);
        assert.equal((await echo(c, HB)).json.code, 0);
        assert.equal((await echo(c, HB)).json.code, 0, 'replays allowed');
        assert.equal((await echo(t.enc({ time: now() + 86_400_000 }, B.secret), HB)).json.code, 0, 'no future bound');
        assert.equal((await echo(t.enc({ time: now() - 10_000 }, B.secret), HB)).json.code, 0);
        expect(await echo(t.enc({ time: now() - 10_001 }, B.secret), HB), 200, E1003);
      });
    });

    describe('replay keys: retention and purge', () => {
      test('kept until time + secure_ageing, then purged', async () => {
        const db = t.c.server.services.db;
        const purgeNow = () => purgeExpiredReplayKeys(db, t.c.clock);
        await purgeNow();
        t.c.clock.advance(421_000); // the latest earlier key of A: time = now + 300 s, kept 120 s beyond
        await purgeNow();
        const left = await db.selectFrom('yoyow_replay_keys').select('key').where('app_id', '=', t.A.app.id).execute();
        assert.equal(left.length, 0, "A's keys from earlier tests have expired");
        const c = t.encNow({ n: 'purge' });
        assert.equal((await echo(c)).json.code, 0);
        t.c.clock.advance(119_000);
        assert.equal(await purgeNow(), 0);
        expect(await echo(c), 200, E1003);
        t.c.clock.advance(1_000);
        assert.equal(await purgeNow(), 0, 'at exactly time + secure_ageing the ciphertext is still acceptable: kept');
        expect(await echo(c), 200, E1003);
        t.c.clock.advance(1);
        assert.equal(await purgeNow(), 1);
        assert.equal((await db.selectFrom('yoyow_replay_keys').select('key').where('app_id', '=', t.A.app.id).execute()).length, 0);
        expect(await echo(c), 200, E1003, 'expired anyway');
      });
    });

    describe('mounts, app resolution, unknown routes (§2.1, §2.2)', () => {
      test('unknown paths and methods under /api/v2, /api/v1, /auth → 404 envelope', async () => {
        const cases: Array<[string, string]> = [
          ['GET', '/api/v2/nope'],
          ['POST', '/api/v2/nope'],
          ['GET', '/api/v2'],
          ['GET', '/api/v1/accounts/30833'],
          ['POST', '/api/v2/proxy'],
          ['POST', '/api/v2/collect_csaf'],
          ['GET', '/auth/nope'],
          ['GET', '/api/v2/_t/echo'],
          ['PUT', '/api/v2/_t/echo'],
          ['POST', '/api/v2/_t/read/30833'],
          ['HEAD', '/api/v2/_t/big'],
          ['DELETE', '/auth/_t/app'],
          ['GET', `/apps/${t.A.appkey}/api/v2/nope`],
          ['GET', `/apps/${t.A.appkey}/auth/nope`],
        ];
        for (const [method, path] of cases) {
          const r = await http(base, method, path);
          assert.equal(r.status, 404, `${method} ${path}`);
          if (method !== 'HEAD') assert.equal(r.text, NOT_FOUND, `${method} ${path}`);
        }
      });

      test('Kamiya keeps /api/session and /api/billing', async () => {
        const r = await http(base, 'GET', '/api/session/nope');
        assert.equal(r.status, 404);
        assert.equal(r.text, '{"status":404,"message":"Not Found"}');
      });

      test('the app: prefix wins over the header; the header; trailing slash', async () => {
        const B = await t.c.createApp('yoyow-prefix');
        const r = await http(base, 'POST', `/apps/${B.appkey}/api/v2/_t/echo/`, { body: t.encNow({}, B.secret), headers: { 'x-plaza-app': t.A.appkey } });
        assert.equal(r.json.data?.app, B.app.id);
        assert.equal((await http(base, 'GET', `/apps/${B.appkey.toUpperCase()}/auth/_t/app`)).text, `{"code":0,"data":${B.app.id},"message":"操作成功"}`);
        assert.equal((await http(base, 'GET', '/auth/_t/app/', { headers: H })).json.data, t.A.app.id);
      });

      test('unknown app → 404, disabled or not allowed YOYOW → 403 (GET and POST)', async () => {
        expect(await http(base, 'GET', '/api/v2/_t/big', { headers: { 'x-plaza-app': 'f'.repeat(32) } }), 404, UNKNOWN_APP);
        expect(await http(base, 'POST', `/apps/${'e'.repeat(32)}/api/v2/_t/echo`, { body: {} }), 404, UNKNOWN_APP);
        expect(await http(base, 'GET', '/apps/not-an-appkey/api/v2/_t/big'), 404, UNKNOWN_APP);
        const D = await t.c.createApp('yoyow-disabled');
        const db = t.c.server.services.db;
        await db.transaction().execute((trx) => setAppControls(trx, D.app.id, { banned: true }, { clock: t.c.clock }));
        expect(await http(base, 'POST', '/api/v2/_t/echo', { body: t.encNow({}, D.secret), headers: { 'x-plaza-app': D.appkey } }), 403, DISABLED);
        expect(await http(base, 'GET', `/apps/${D.appkey}/api/v2/_t/big`), 403, DISABLED);
        await db.transaction().execute((trx) => setAppControls(trx, D.app.id, { banned: false, dialects: ['pi'] }, { clock: t.c.clock }));
        expect(await http(base, 'GET', '/auth/_t/app', { headers: { 'x-plaza-app': D.appkey } }), 403, DISABLED);
      });

      test('no app: POST and app routes → 404 unknown app; reads go on, `platform` then required', async () => {
        const uid = uidFromSequence(120);
        expect(await http(base, 'POST', '/api/v2/_t/echo', { body: t.encNow({}) }), 404, UNKNOWN_APP);
        expect(await http(base, 'GET', '/auth/_t/app'), 404, UNKNOWN_APP);
        expect(await http(base, 'GET', `/api/v2/_t/read/${uid}`), 200, '{"code":0,"data":null,"message":"missing parameter: platform"}'.replace('"code":0', '"code":2000'));
        expect(await http(base, 'GET', `/api/v2/_t/read/${uid}?platform=${t.A.app.id}`), 200, `{"code":0,"data":{"uid":${uid},"query":{"platform":"${t.A.app.id}"},"platform":${t.A.app.id}},"message":"操作成功"}`);
        expect(await http(base, 'GET', `/api/v2/_t/read/${uid}`, { headers: H }), 200, `{"code":0,"data":{"uid":${uid},"query":{},"platform":${t.A.app.id}},"message":"操作成功"}`);
      });

      test('the node default app (yoyow.defaultApp)', async () => {
        const cfg = t.c.server.services.config.yoyow;
        cfg.defaultApp = t.A.appkey;
        try {
          assert.equal((await http(base, 'POST', '/api/v2/_t/echo', { body: t.encNow({ n: 'default' }) })).json.data?.app, t.A.app.id);
          assert.equal((await http(base, 'GET', '/auth/_t/app')).json.data, t.A.app.id);
          cfg.defaultApp = 'd'.repeat(32);
          expect(await http(base, 'GET', '/auth/_t/app'), 404, UNKNOWN_APP);
        } finally {
          cfg.defaultApp = '';
        }
      });
    });

    describe('GET parameters and rendering (§2.3, §3.2)', () => {
      test('a repeated query parameter → 2000 invalid parameter: <name>; uid checksum → 2002', async () => {
        const uid = uidFromSequence(120);
        expect(await http(base, 'GET', `/api/v2/_t/read/${uid}?a=1&a=2`, { headers: H }), 200, '{"code":2000,"data":null,"message":"invalid parameter: a"}');
        expect(await http(base, 'GET', `/api/v2/_t/read/${uid + 1}`, { headers: H }), 200, '{"code":2002,"data":null,"message":"无效的账号"}');
        expect(await http(base, 'GET', `/api/v2/_t/read/${uid}?platform=abc`, { headers: H }), 200, '{"code":2002,"data":null,"message":"无效的账号"}');
      });

      test('int64 rule for bigints in data', async () => {
        expect(await http(base, 'GET', '/api/v2/_t/big'), 200, '{"code":0,"data":{"small":4294967295,"large":"4294967296","neg":"-4294967296","list":[1,"9223372036854775807"]},"message":"操作成功"}');
      });

      test('no CORS headers', async () => {
        const r = await http(base, 'GET', '/api/v2/_t/big', { headers: { origin: 'https://example.com' } });
        assert.equal(r.headers.get('access-control-allow-origin'), null);
      });
    });
  });

  describe(`yoyow transport limits [${kind}]`, () => {
    test('per-IP limit → 429 with Retry-After, before the app is resolved', async () => {
      const t = await startTransport(kind, { operator: { maintenance: false, maintenanceEndpoints: [], disabledEndpoints: [], ipDenyList: [], perIpPerMinute: 2, perKeyPerMinute: 0 } });
      try {
        const base = t.c.server.baseUrl;
        for (let i = 0; i < 2; i++) assert.equal((await http(base, 'GET', '/api/v2/_t/big')).status, 200);
        const r = await http(base, 'GET', '/api/v2/_t/big', { headers: { 'x-plaza-app': 'f'.repeat(32) } });
        expect(r, 429, '{"code":429,"data":null,"message":"too many requests"}');
        assert.match(r.headers.get('retry-after') ?? '', /^[1-9][0-9]*$/);
      } finally {
        await t.close();
      }
    });

    test('per-app limit → 429 once the app is resolved; other apps unaffected', async () => {
      const t = await startTransport(kind, { operator: { maintenance: false, maintenanceEndpoints: [], disabledEndpoints: [], ipDenyList: [], perIpPerMinute: 0, perKeyPerMinute: 2 } });
      try {
        const base = t.c.server.baseUrl;
        const H = { 'x-plaza-app': t.A.appkey };
        for (let i = 0; i < 2; i++) assert.equal((await http(base, 'POST', '/api/v2/_t/echo', { body: t.encNow({ i }), headers: H })).json.code, 0);
        const r = await http(base, 'POST', '/api/v2/_t/echo', { body: t.encNow({ i: 3 }), headers: H });
        expect(r, 429, '{"code":429,"data":null,"message":"too many requests"}');
        assert.ok(r.headers.get('retry-after'));
        assert.equal((await http(base, 'GET', '/api/v2/_t/big')).status, 200, 'no app, no per-app limit');
      } finally {
        await t.close();
      }
    });

    test('an internal timeout answers 500 in the envelope', async () => {
      const t = await startTransport(kind);
      try {
        t.c.server.services.config.yoyow.requestTimeoutSeconds = 1;
        const r = await http(t.c.server.baseUrl, 'POST', '/api/v2/_t/slow', { body: t.encNow({}), headers: { 'x-plaza-app': t.A.appkey } });
        expect(r, 500, INTERNAL);
        await new Promise((res) => setTimeout(res, 1700));
      } finally {
        await t.close();
      }
    });
  });
}
