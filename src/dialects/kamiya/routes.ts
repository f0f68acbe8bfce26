// The Kamiya API route table (spec/kamiya.md §3.5). Each path is served with and without a trailing slash and
// under `/apps/:appkey`; any other `/api/session/*` or `/api/billing/*` path is an unknown path (404 `Not Found`).
import { authRoute, checkinRoute, chargeRoute, detailRoute, forceChargeRoute, parseCharge, parseUser } from './billing.js';
import { kamiyaRoute, type KamiyaRoute } from './pipeline.js';
import { parseVerify, verifyOpenIDToken } from './verify.js';

export const KAMIYA_ROUTES: readonly KamiyaRoute[] = [
  kamiyaRoute({ path: '/api/session/verifyOpenIDToken', parse: parseVerify, handler: verifyOpenIDToken }),
  kamiyaRoute({ path: '/api/billing/charge', parse: parseCharge, handler: chargeRoute }),
  kamiyaRoute({ path: '/api/billing/auth', parse: parseUser, handler: authRoute }),
  kamiyaRoute({ path: '/api/billing/detail', parse: parseUser, handler: detailRoute }),
  kamiyaRoute({ path: '/api/billing/openidCheckin', parse: parseUser, handler: checkinRoute }),
  kamiyaRoute({ path: '/api/billing/forceCharge', parse: parseCharge, handler: forceChargeRoute }),
];

export function routeUrls(path: string): string[] {
  return [path, `${path}/`, `/apps/:appkey${path}`, `/apps/:appkey${path}/`];
}
