// Ulord external endpoints X4–X13: publish, check, consume, bills, aggregates, content lists (spec §7).
// Paged routes carry `<page>/<num>` as a `params` suffix: digits only, otherwise the route does not match (HTTP 404
// envelope, §2.1); their route key stays the bare path (e.g. `ulord:/v1/content/list`).
import * as h from './content.js';
import { CONTENT_WALLET_ERRCODES } from './content.js';
import type { UlordRoute } from './routes.js';

const PAGED = '/:page(^[0-9]+$)/:num(^[0-9]+$)';

export const CONTENT_ROUTES: readonly UlordRoute[] = [
  { path: '/v1/transactions/publish', method: 'POST', auth: 'appkey', scope: 'app', walletErrcode: CONTENT_WALLET_ERRCODES.publish, prepare: h.publish },
  { path: '/v1/transactions/check', method: 'POST', auth: 'appkey', scope: 'app', handler: h.check },
  { path: '/v1/transactions/consume', method: 'POST', auth: 'appkey', scope: 'app', walletErrcode: CONTENT_WALLET_ERRCODES.consume, prepare: h.consume },
  { path: '/v1/transactions/publisher/account', params: PAGED, method: 'POST', auth: 'appkey', scope: 'app', handler: h.publisherAccount },
  { path: '/v1/transactions/customer/account', params: PAGED, method: 'POST', auth: 'appkey', scope: 'app', handler: h.customerAccount },
  { path: '/v1/transactions/publish/inout', method: 'POST', auth: 'appkey', scope: 'app', handler: h.publishInOut },
  { path: '/v1/transactions/publish/count', method: 'POST', auth: 'appkey', scope: 'app', handler: h.publishCount },
  { path: '/v1/content/list', params: PAGED, method: 'GET', auth: 'appkey', scope: 'app', handler: h.contentList },
  { path: '/v1/content/consume/list', params: PAGED, method: 'POST', auth: 'appkey', scope: 'app', handler: h.consumeList },
  { path: '/v1/content/publish/list', params: PAGED, method: 'POST', auth: 'appkey', scope: 'app', handler: h.publishList },
];
