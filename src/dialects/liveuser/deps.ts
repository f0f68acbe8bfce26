// What the liveuser handlers need besides the server's services, built once per server: the WeChat client (it reads
// `config.publicUrl` and `config.wechat` on every call) and this process's id generator (leased on first use).
import type { LiveuserTokenSettings } from '../../core/identity/liveuserTokens.js';
import { createWechatClient, type WechatClient } from '../../integrations/wechat/index.js';
import { idGeneratorFor, type IdGenerator } from '../../modules/orders/ids.js';
import type { Services } from '../../services.js';

export interface LiveuserDeps {
  client: WechatClient;
  ids(): Promise<IdGenerator>;
  tokens: LiveuserTokenSettings;
}

const cache = new WeakMap<Services, LiveuserDeps>();

export function liveuserDeps(services: Services): LiveuserDeps {
  let deps = cache.get(services);
  if (!deps) {
    deps = {
      client: createWechatClient({ config: services.config, clock: services.clock }),
      ids: () => idGeneratorFor(services.database, services.clock),
      tokens: services.config.liveuser,
    };
    cache.set(services, deps);
  }
  return deps;
}
