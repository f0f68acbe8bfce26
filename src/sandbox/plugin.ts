// The built-in sandbox's route set (`/_sandbox/...`), an extra of the server (lifecycle.ts EXTRAS). Mounted only when
// `config.sandbox` is on — otherwise nothing is registered and every `/_sandbox/*` path answers the plain 404 — and
// it warns at start-up whenever it is on: the sandbox hands out fake payments and login codes to anyone.
// The development mailbox (`/_sandbox/mail`) belongs to the hosted pages (web/mailbox.ts).
import type { FastifyInstance } from 'fastify';
import type { Services } from '../services.js';
import { startNotificationRetries, type NotifierDeps } from './wechat/notifier.js';
import { wechatSandboxRoutes } from './wechat/routes.js';
import { ensureSandboxState } from './wechat/state.js';

/** How long shutdown waits for notifications being sent after an answer (`delivery: "async"`). */
const DRAIN_MS = 6000;

export interface SandboxOptions {
  /** How often due notification retries are sent; null = never in the background (tests drive them). */
  retryIntervalMs?: number | null;
}

/** The sandbox route set with options (tests switch the background retry timer off and drive retries themselves). */
export function createSandboxRoutes(options: SandboxOptions = {}): (app: FastifyInstance, services: Services) => Promise<void> {
  return (app, services) => registerSandbox(app, services, options);
}

/** The production sandbox route set (lifecycle.ts EXTRAS). */
export const sandboxRoutes = createSandboxRoutes();

async function registerSandbox(app: FastifyInstance, services: Services, options: SandboxOptions): Promise<void> {
  if (!services.config.sandbox) return;
  app.log.warn('sandbox enabled: /_sandbox/* serves a fake WeChat login and WeChat Pay and the development mailbox; disable it in production (PLAZA_SANDBOX=false)');
  // The seed and the platform key exist before the first request (and before any app switches to sandbox mode).
  await ensureSandboxState(services.db, services.box, services.clock);
  const notifier: NotifierDeps = {
    db: services.db,
    box: services.box,
    clock: services.clock,
    logger: services.logger,
    retrySeconds: services.config.wechat.sandboxNotifyRetrySeconds,
  };
  const inFlight = new Set<Promise<unknown>>();
  const track = (work: Promise<unknown>) => {
    const p = work.catch((err: unknown) => services.logger.warn({ err }, 'wechat sandbox: notification failed')).finally(() => inFlight.delete(p));
    inFlight.add(p);
  };
  wechatSandboxRoutes(app, services, notifier, track);
  const interval = options.retryIntervalMs === undefined ? 5000 : options.retryIntervalMs;
  const retries = interval === null ? null : startNotificationRetries(notifier, interval);
  app.addHook('onClose', async () => {
    await retries?.stop();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([Promise.all(inFlight), new Promise((resolve) => (timer = setTimeout(resolve, DRAIN_MS)))]);
    clearTimeout(timer);
  });
}
