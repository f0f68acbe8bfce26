// The Kamiya API route table (spec/kamiya.md §3.5). Each path is served with and without a trailing slash and
// under `/apps/:appkey`. The billing endpoints (2–6) join this table with the billing issue; until then every
// `/api/billing/*` path is an unknown path (404 `Not Found`).
import { kamiyaRoute, type KamiyaRoute } from './pipeline.js';
import { parseVerify, verifyOpenIDToken } from './verify.js';

export const KAMIYA_ROUTES: readonly KamiyaRoute[] = [
  kamiyaRoute({ path: '/api/session/verifyOpenIDToken', parse: parseVerify, handler: verifyOpenIDToken }),
];

export function routeUrls(path: string): string[] {
  return [path, `${path}/`, `/apps/:appkey${path}`, `/apps/:appkey${path}/`];
}
