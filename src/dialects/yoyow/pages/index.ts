// The YOYOW hosted wallet pages (spec/yoyow.md §6.7): `/yoyow/authorize-service` (redirect flow) and `/yoyow/scan`
// (QR scan login and its outbound callback, §4.27). HTML pages, not API routes: registered by the dialect's plugin
// outside its `/api/v2`, `/auth` prefixes, rendered with the hosted-page frame of src/web (CSRF, no framing).
import type { FastifyInstance } from 'fastify';
import type { Services } from '../../../services.js';
import { registerAuthorizeServicePage } from './authorizeService.js';
import { registerScanPage } from './scan.js';

export function registerYoyowPages(app: FastifyInstance, services: Services): void {
  registerAuthorizeServicePage(app, services);
  registerScanPage(app, services);
}
