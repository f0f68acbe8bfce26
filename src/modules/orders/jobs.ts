// The periodic work behind the liveuser dialect, started once per process by lifecycle.ts: renewing this process's
// id-worker lease and deleting rotation replays whose grace window ended (every minute), and reconciling unpaid
// orders with WeChat Pay (every `wechat.reconcileIntervalSeconds`). Timers are unref'd; `stop` waits for a running
// pass and gives the worker number back.
import type { FastifyBaseLogger } from 'fastify';
import type { Config } from '../../config.js';
import type { Clock } from '../../core/clock.js';
import type { SecretBox } from '../../core/crypto/secretbox.js';
import { purgeLiveuserReplays } from '../../core/identity/liveuserTokens.js';
import type { Database } from '../../db/database.js';
import { createWechatClient } from '../../integrations/wechat/index.js';
import { releaseIdWorker, renewIdWorker } from './ids.js';
import { reconcileOrders } from './reconcile.js';

const MAINTENANCE_INTERVAL_MS = 60_000;

export interface LiveuserJobDeps {
  database: Database;
  box: SecretBox;
  clock: Clock;
  config: Pick<Config, 'publicUrl' | 'wechat'>;
  logger: FastifyBaseLogger;
}

export interface LiveuserJobs {
  stop(): Promise<void>;
}

export function startLiveuserJobs(deps: LiveuserJobDeps): LiveuserJobs {
  const client = createWechatClient({ config: deps.config, clock: deps.clock });
  // One slot per job: a long reconciliation never delays the lease renewal.
  const running = new Map<string, Promise<void>>();
  const runOnce = (name: string, work: () => Promise<unknown>) => {
    if (running.has(name)) return;
    running.set(
      name,
      work()
        .then(() => undefined)
        .catch((err: unknown) => deps.logger.warn({ err, job: name }, 'liveuser job failed'))
        .finally(() => running.delete(name)),
    );
  };
  const maintenance = setInterval(
    () =>
      runOnce('maintenance', async () => {
        await renewIdWorker(deps.database, deps.clock);
        await purgeLiveuserReplays(deps.database.db, deps.clock);
      }),
    MAINTENANCE_INTERVAL_MS,
  );
  const reconcile = setInterval(
    () => runOnce('reconcile', () => reconcileOrders({ db: deps.database.db, box: deps.box, clock: deps.clock, client, logger: deps.logger })),
    deps.config.wechat.reconcileIntervalSeconds * 1000,
  );
  maintenance.unref();
  reconcile.unref();
  return {
    async stop() {
      clearInterval(maintenance);
      clearInterval(reconcile);
      await Promise.all(running.values());
      await releaseIdWorker(deps.database).catch((err: unknown) => deps.logger.warn({ err }, 'id worker release failed'));
    },
  };
}
