// The YOYOW route table (spec/yoyow.md §4). Each path is served with and without a trailing slash and under
// `/apps/:appkey`, for its one method; any other path or method under `/api/v2/`, `/api/v1/` or `/auth/` is an
// unknown route (404 `{"code":404,"data":null,"message":"Not Found"}`), including upstream's routes Plaza does not
// provide (§2.1). Posts and licences (§4.7–§4.15) live in routes/posts.ts, advertising (§4.16–§4.22) in routes/ads.ts.
//
// Entries: `readRoute(path, handler)` (GET, `ctx.app` may be null), `appReadRoute(path, handler)` (GET needing the
// app), `secureRoute(path, handler)` (POST, §2.4). Handlers return `data` and throw `YoyowRefusal` (errors.ts).
import { AUTH_ROUTES } from './auth.js';
import { ACCOUNT_ROUTES } from './routes/accounts.js';
import { AD_ROUTES } from './routes/ads.js';
import { ASSET_ROUTES } from './routes/assets.js';
import { AUTH_PERMISSION_ROUTES } from './routes/authPermissions.js';
import { BLOCK_ROUTES } from './routes/blocks.js';
import { POST_ROUTES } from './routes/posts.js';
import { TRANSFER_ROUTES } from './routes/transfer.js';
import type { YoyowRoute } from './pipeline.js';

export const YOYOW_ROUTES: readonly YoyowRoute[] = [
  ...AUTH_ROUTES,
  ...ACCOUNT_ROUTES,
  ...AUTH_PERMISSION_ROUTES,
  ...ASSET_ROUTES,
  ...BLOCK_ROUTES,
  ...TRANSFER_ROUTES,
  ...POST_ROUTES,
  ...AD_ROUTES,
];

export function routeUrls(path: string): string[] {
  return [path, `${path}/`, `/apps/:appkey${path}`, `/apps/:appkey${path}/`];
}
