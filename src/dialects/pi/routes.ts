// The Pi route table (spec/pi.md §3.5). Each path is served with and without a trailing slash and under
// `/apps/:appkey`. The payment routes (2–11) join this table with the payments issue.
import { getMe } from './me.js';
import type { PiRoute } from './pipeline.js';

export const PI_ROUTES: readonly PiRoute[] = [{ method: 'GET', path: '/v2/me', schemes: ['access'], handler: getMe }];

/** Every URL a path answers on. */
export function routeUrls(path: string): string[] {
  return [path, `${path}/`, `/apps/:appkey${path}`, `/apps/:appkey${path}/`];
}
