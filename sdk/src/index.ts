// @plaza/sdk: typed clients for a Plaza server. `AdminClient` covers the native admin API (types generated from the
// server's route declarations); `PiServerClient`, `KamiyaClient`, `LiveuserClient`, `UlordClient` and `YoyowClient`
// cover the five dialects. Global `fetch`, no dependencies.
export * from './admin.js';
export * from './errors.js';
export * from './kamiya.js';
export * from './liveuser.js';
export * from './pi.js';
export * from './ulord.js';
export * from './yoyow.js';
export { fillPath, HttpCore, newIdempotencyKey, queryString, type ClientOptions, type FetchLike, type RawResponse, type RequestOptions } from './transport.js';
