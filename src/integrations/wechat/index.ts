// The WeChat integration: everything Plaza says to (and accepts from) WeChat login and WeChat Pay APIv3, for real
// (spec/liveuser.md §8). The liveuser dialect and the orders module import ONLY from this file.
//
// Configuration (store.ts; table `wechat_configs`, migration 0012):
//   getWechatConfig(db, appId, box)            → the app's WechatAppConfig (secrets opened) or null when none.
//   setWechatConfig(trx, appId, cfg, box, clock) → upsert; AppSecret, merchant private key and APIv3 key are sealed
//                                                with the secret box, never logged.
//   enableSandboxWechat(trx, appId, deps, creds?) → switches the app to `sandbox` mode with freshly generated credentials
//                                                registered with the built-in sandbox (§9.1); returns the config.
//                                                `creds` = generateSandboxCredentials(), made before the transaction.
//   ensureSandboxWechat(db, appId, deps)       → the app's config, creating a sandbox one when it has none ("sandbox
//                                                is the default for new apps in development"; own transaction).
//   wechatLoginConfigured(cfg) / wechatPayConfigured(cfg) → the §6.3 "wechat not configured" and §6.5
//                                                "wechat pay not configured" tests (both 500 E0000 in the dialect).
//   maskWechatConfig(cfg, updatedAt)           → what the admin API / console shows.
//
// Calls to WeChat (client.ts): `createWechatClient({ config, clock })` once (e.g. in the dialect's init); it reads
// `config.publicUrl` and `config.wechat` on every call, so an app in `sandbox` mode talks to
// `<publicUrl>/_sandbox/wechat/{api,pay}` and a `live` one to `config.wechat.apiBaseUrl` / `payBaseUrl`.
//   client.code2Session(cfg, code)       → Code2SessionResult: ok, or {errcode, errmsg} (→ 400 E0001).
//   client.jsapiPrepay(cfg, request)     → PrepayResult: {prepayId}, or a 4xx refusal {status, code, message}
//                                          (→ 400 `wechat pay: <code> <message>`, ORDERPAID → 409).
//   client.queryOrder(cfg, outTradeNo)   → QueryOrderResult: the transaction, or a 4xx refusal (ORDER_NOT_EXIST 404).
//   Thrown: `WechatUnavailable` (network error, timeout — 2 s connect, 5 s total —, non-200 code2Session, WeChat Pay
//   5xx, non-JSON code2Session) → 551 E0101; `WechatBadReply` (response signature/serial/timestamp fails §8.6, a 2xx
//   body that is not the expected JSON, code2Session without openid) → 500 E0000. The error messages never hold a
//   secret.
//
// Local computations (crypto.ts, notification.ts), no I/O:
//   payParams(cfg, prepayId, nowMs)      → PayParams with a fresh nonce and `paySign` (§8.5).
//   notifyUrlFor(cfg, publicBaseUrl, appkey), orderDescription(names)  → §8.4 request fields.
//   verifyNotification(cfg, headers, rawBody, nowMs, toleranceSeconds) → §6.6 checks 2–9 in order: a refusal
//     {status, message} to send as {"code":"FAIL","message"}, `ignored` (not TRANSACTION.SUCCESS → 204), or the
//     decrypted transaction. Split in two for the Idempotency-Key step that sits between checks 5 and 6:
//     verifyNotificationSignature(...) (checks 2–5) then openNotification(cfg, rawBody) (checks 6–9).
//   Lower level, used by the sandbox and tests: buildSignMessage, signMessage, authorizationHeader, verifyRsaSha256,
//   verifyResponseSignature, aeadEncrypt/aeadDecrypt, generateMerchantKeys, nonce helpers.
export type {
  Code2SessionResult,
  MaskedWechatConfig,
  NotificationEnvelope,
  NotificationHeaders,
  NotificationRefusal,
  NotificationResult,
  NotificationSignatureResult,
  PayParams,
  PlatformKey,
  PrepayRequest,
  PrepayResult,
  QueryOrderResult,
  WechatAppConfig,
  WechatMode,
  WechatPayRefusal,
  WechatTransaction,
} from './types.js';
export {
  enableSandboxWechat,
  ensureSandboxWechat,
  generateSandboxCredentials,
  getWechatConfig,
  maskWechatConfig,
  setWechatConfig,
  wechatLoginConfigured,
  wechatPayConfigured,
  type SandboxCredentials,
  type SandboxWechatDeps,
  type StoredWechatConfig,
} from './store.js';
export { createWechatClient, WechatBadReply, WechatUnavailable, type WechatClient, type WechatClientOptions } from './client.js';
export {
  aeadDecrypt,
  aeadEncrypt,
  authorizationHeader,
  buildSignMessage,
  generateMerchantKeys,
  hexNonce,
  alnumNonce,
  notifyUrlFor,
  orderDescription,
  payParams,
  paySignMessage,
  platformKeyFor,
  publicKeyOf,
  signMessage,
  verifyResponseSignature,
  verifyRsaSha256,
  type ResponseSignatureHeaders,
} from './crypto.js';
export { openNotification, parseTransaction, verifyNotification, verifyNotificationSignature } from './notification.js';
