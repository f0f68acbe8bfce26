// The liveuser route table (spec/liveuser.md §2.1, §4). Every method is `POST /liveuser/<Service>/<Method>`
// (case-sensitive), served with and without a trailing slash and under `/apps/:appkey`; any other path under
// `/liveuser/` is an unknown route (404 E0102). Wx.Postpay has its own pipeline (postpay.ts).
import { orderCreate, orderList } from './order.js';
import { liveuserRoute, type LiveuserRoute } from './pipeline.js';
import { userGet, userSet } from './user.js';
import { login, loginPrepare, prepay, prepayPrepare, renewToken } from './wx.js';

export const LIVEUSER_ROUTES: readonly LiveuserRoute[] = [
  liveuserRoute({ path: '/liveuser/User/Set', auth: 'bearer', handler: userSet }),
  liveuserRoute({ path: '/liveuser/User/Get', auth: 'bearer', handler: userGet }),
  liveuserRoute({ path: '/liveuser/Wx/Login', auth: 'public', prepare: loginPrepare, handler: login }),
  liveuserRoute({ path: '/liveuser/Wx/RenewToken', auth: 'public', handler: renewToken }),
  liveuserRoute({ path: '/liveuser/Wx/Prepay', auth: 'bearer', prepare: prepayPrepare, handler: prepay }),
  liveuserRoute({ path: '/liveuser/Order/Create', auth: 'bearer', handler: orderCreate }),
  liveuserRoute({ path: '/liveuser/Order/List', auth: 'bearer', handler: orderList }),
];

export function routeUrls(path: string): string[] {
  return [path, `${path}/`, `/apps/:appkey${path}`, `/apps/:appkey${path}/`];
}
