// @plaza/sdk: typed clients for a Plaza server. `AdminClient` covers the native admin API (types generated from the
// server's route declarations); `PiServerClient`, `KamiyaClient` and `LiveuserClient` cover the dialects integrators
// call most. Global `fetch`, no dependencies.
export * from './admin.js';
export * from './errors.js';
export * from './kamiya.js';
export * from './liveuser.js';
export * from './pi.js';
export { fillPath, HttpCore, newIdempotencyKey, queryString, type ClientOptions, type FetchLike, type RawResponse, type RequestOptions } from './transport.js';
