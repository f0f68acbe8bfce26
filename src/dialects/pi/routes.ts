// The Pi route table (spec/pi.md §3.5, rows 1–10). Each path is served with and without a trailing slash and under
// `/apps/:appkey`. Row 11 (`/pi/wallet/token`) is a hosted-page route (walletToken.ts), the gateway (rows 12–17)
// is its own plugin (horizon/).
import { getMe } from './me.js';
import { PAYMENT_ROUTES } from './payments.js';
import { piRoute, type PiRoute } from './pipeline.js';

export const PI_ROUTES: readonly PiRoute[] = [piRoute({ method: 'GET', path: '/v2/me', schemes: ['access'], handler: getMe }), ...PAYMENT_ROUTES];

/** Every URL a path answers on. */
export function routeUrls(path: string): string[] {
  return [path, `${path}/`, `/apps/:appkey${path}`, `/apps/:appkey${path}/`];
}
