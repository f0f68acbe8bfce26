// Calls to WeChat (spec/liveuser.md §8.2–§8.6, §8.8): code2Session, JSAPI prepay and the order query, each signed
// per §8.3 and — for WeChat Pay 2xx answers — verified per §8.6 before the body is used. The base URLs follow the
// app's mode: `live` → config.wechat.{apiBaseUrl,payBaseUrl}; `sandbox` → `<publicUrl>/_sandbox/wechat/{api,pay}`.
// Settings are read on every call, so a test can point `publicUrl` at the port it listens on after start.
import type { Config } from '../../config.js';
import type { Clock } from '../../core/clock.js';
import { authorizationHeader, buildSignMessage, hexNonce, signMessage, verifyResponseSignature } from './crypto.js';
import { HttpFailure, headerValue, send, type HttpAnswer } from './http.js';
import { parseTransaction } from './notification.js';
import type { Code2SessionResult, PrepayRequest, PrepayResult, QueryOrderResult, WechatAppConfig, WechatPayRefusal } from './types.js';

/** WeChat could not be reached, timed out, or answered 5xx / not JSON (code2Session): the dialect answers 551. */
export class WechatUnavailable extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WechatUnavailable';
  }
}

/** WeChat answered but the answer cannot be trusted or used (bad signature, unexpected body): 500 E0000. */
export class WechatBadReply extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WechatBadReply';
  }
}

export interface WechatClientOptions {
  config: Pick<Config, 'publicUrl' | 'wechat'>;
  clock: Clock;
  /** Defaults: 2 s connect, 5 s total (§8.2). */
  connectTimeoutMs?: number;
  totalTimeoutMs?: number;
}

export interface WechatClient {
  code2Session(cfg: WechatAppConfig, code: string): Promise<Code2SessionResult>;
  jsapiPrepay(cfg: WechatAppConfig, request: PrepayRequest): Promise<PrepayResult>;
  queryOrder(cfg: WechatAppConfig, outTradeNo: string): Promise<QueryOrderResult>;
  /** The base URLs in force for the app (for logs and the console). */
  baseUrls(cfg: WechatAppConfig): { api: string; pay: string };
}

const USER_AGENT = 'Plaza/0.1.0';

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    return undefined;
  }
}

export function createWechatClient(options: WechatClientOptions): WechatClient {
  const connectTimeoutMs = options.connectTimeoutMs ?? 2000;
  const totalTimeoutMs = options.totalTimeoutMs ?? 5000;

  function baseUrls(cfg: WechatAppConfig): { api: string; pay: string } {
    if (cfg.mode === 'sandbox') {
      const root = `${options.config.publicUrl.replace(/\/+$/, '')}/_sandbox/wechat`;
      return { api: `${root}/api`, pay: `${root}/pay` };
    }
    return { api: options.config.wechat.apiBaseUrl, pay: options.config.wechat.payBaseUrl };
  }

  async function call(method: 'GET' | 'POST', url: string, headers: Record<string, string>, body?: string): Promise<HttpAnswer> {
    try {
      return await send({ method, url, headers, ...(body !== undefined ? { body } : {}), connectTimeoutMs, totalTimeoutMs });
    } catch (err) {
      if (err instanceof HttpFailure) throw new WechatUnavailable(`wechat ${method} ${new URL(url).pathname}: ${err.reason}`);
      throw err;
    }
  }

  /** §8.3-signed call to WeChat Pay, then §8.6 on a 2xx answer. Returns the parsed 2xx body or a 4xx refusal. */
  async function payCall(cfg: WechatAppConfig, method: 'GET' | 'POST', url: string, body: string): Promise<{ ok: true; json: Record<string, unknown> } | WechatPayRefusal> {
    const parsedUrl = new URL(url);
    const timestamp = String(Math.floor(options.clock.now() / 1000));
    const nonce = hexNonce(32);
    const signature = signMessage(cfg.merchantPrivateKeyPem, buildSignMessage(method, parsedUrl.pathname + parsedUrl.search, timestamp, nonce, body));
    const headers: Record<string, string> = {
      authorization: authorizationHeader({ mchid: cfg.mchid, nonce, signature, timestamp, serial: cfg.merchantSerial }),
      accept: 'application/json',
      'user-agent': USER_AGENT,
    };
    if (method === 'POST') headers['content-type'] = 'application/json';
    const answer = await call(method, url, headers, method === 'POST' ? body : undefined);
    const where = `wechat pay ${method} ${parsedUrl.pathname}`;
    if (answer.status >= 200 && answer.status < 300) {
      const check = verifyResponseSignature(
        cfg.platformKeys,
        {
          timestamp: headerValue(answer.headers, 'wechatpay-timestamp'),
          nonce: headerValue(answer.headers, 'wechatpay-nonce'),
          signature: headerValue(answer.headers, 'wechatpay-signature'),
          serial: headerValue(answer.headers, 'wechatpay-serial'),
        },
        answer.body,
        options.clock.now(),
        options.config.wechat.notifyToleranceSeconds,
      );
      if (!check.ok) throw new WechatBadReply(`${where}: response ${check.reason}`);
      const json = parseJson(answer.body);
      if (!isObject(json)) throw new WechatBadReply(`${where}: response is not a JSON object`);
      return { ok: true, json };
    }
    if (answer.status >= 400 && answer.status < 500) {
      // §8.6: error answers are read for their code only (they need not be signed).
      const json = parseJson(answer.body);
      const code = isObject(json) && typeof json.code === 'string' ? json.code : '';
      const message = isObject(json) && typeof json.message === 'string' ? json.message : '';
      return { ok: false, status: answer.status, code, message };
    }
    throw new WechatUnavailable(`${where}: HTTP ${answer.status}`);
  }

  return {
    baseUrls,

    async code2Session(cfg, code) {
      const q = [
        `appid=${encodeURIComponent(cfg.appid)}`,
        `secret=${encodeURIComponent(cfg.appSecret)}`,
        `js_code=${encodeURIComponent(code)}`,
        'grant_type=authorization_code',
      ].join('&');
      const answer = await call('GET', `${baseUrls(cfg).api}/sns/jscode2session?${q}`, { accept: 'application/json', 'user-agent': USER_AGENT });
      if (answer.status !== 200) throw new WechatUnavailable(`wechat code2Session: HTTP ${answer.status}`);
      const json = parseJson(answer.body);
      if (!isObject(json)) throw new WechatUnavailable('wechat code2Session: answer is not a JSON object');
      if (json.errcode !== undefined && json.errcode !== 0) {
        const errcode = typeof json.errcode === 'number' ? json.errcode : Number(json.errcode);
        return { ok: false, errcode: Number.isFinite(errcode) ? errcode : -1, errmsg: typeof json.errmsg === 'string' ? json.errmsg : '' };
      }
      if (typeof json.openid !== 'string' || json.openid === '') throw new WechatBadReply('wechat code2Session: reply without openid');
      return {
        ok: true,
        openid: json.openid,
        sessionKey: typeof json.session_key === 'string' ? json.session_key : '',
        unionid: typeof json.unionid === 'string' && json.unionid !== '' ? json.unionid : null,
      };
    },

    async jsapiPrepay(cfg, request) {
      // Keys in the §8.4 order; serialised once, signed, and sent unchanged.
      const body = JSON.stringify({
        appid: cfg.appid,
        mchid: cfg.mchid,
        description: request.description,
        out_trade_no: request.outTradeNo,
        notify_url: request.notifyUrl,
        amount: { total: request.totalFen, currency: 'CNY' },
        payer: { openid: request.payerOpenid },
      });
      const result = await payCall(cfg, 'POST', `${baseUrls(cfg).pay}/v3/pay/transactions/jsapi`, body);
      if (!result.ok) return result;
      const prepayId = result.json.prepay_id;
      if (typeof prepayId !== 'string' || prepayId === '') throw new WechatBadReply('wechat pay jsapi: response without prepay_id');
      return { ok: true, prepayId };
    },

    async queryOrder(cfg, outTradeNo) {
      const url = `${baseUrls(cfg).pay}/v3/pay/transactions/out-trade-no/${encodeURIComponent(outTradeNo)}?mchid=${encodeURIComponent(cfg.mchid)}`;
      const result = await payCall(cfg, 'GET', url, '');
      if (!result.ok) return result;
      return { ok: true, transaction: parseTransaction(result.json) };
    },
  };
}
