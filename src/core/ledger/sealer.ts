// The sealer loop: one setTimeout chain per process (unref'd so it never keeps the process alive). Several
// processes may run it; the advisory lock in sealBlock lets one seal at a time on PostgreSQL.
import type { Clock } from '../clock.js';
import type { SecretBox } from '../crypto/secretbox.js';
import type { Database } from '../../db/database.js';
import { sealBlock } from './blocks.js';
import type { Block } from './types.js';

export interface SealerOptions {
  database: Database;
  box: SecretBox;
  clock: Clock;
  intervalMs: number;
  logger?: { error(obj: unknown, msg?: string): void; debug?(...a: unknown[]): void };
}

export interface Sealer {
  /** Stops the loop, waits for a seal in flight, then seals once more so nothing posted stays unsealed. */
  stop(): Promise<void>;
  /** Seals now (after any seal in flight). */
  sealNow(): Promise<Block | null>;
}

export function startSealer(opts: SealerOptions): Sealer {
  const intervalMs = Math.max(10, opts.intervalMs);
  let stopped = false;
  let timer: NodeJS.Timeout | null = null;
  // Seals run one after another in this process.
  let chain: Promise<unknown> = Promise.resolve();

  const sealOnce = (): Promise<Block | null> => {
    const run = chain.then(() => sealBlock(opts.database, opts.box, opts.clock));
    chain = run.catch(() => undefined);
    return run;
  };

  const tick = async (): Promise<void> => {
    timer = null;
    try {
      const block = await sealOnce();
      if (block) opts.logger?.debug?.({ block: block.number, entries: block.entryCount }, 'block sealed');
    } catch (err) {
      opts.logger?.error({ err }, 'sealing a block failed');
    }
    if (!stopped) schedule();
  };

  const schedule = (): void => {
    timer = setTimeout(() => void tick(), intervalMs);
    timer.unref();
  };

  schedule();
  return {
    sealNow: sealOnce,
    async stop() {
      if (stopped) return;
      stopped = true;
      if (timer) clearTimeout(timer);
      timer = null;
      try {
        await sealOnce();
      } catch (err) {
        opts.logger?.error({ err }, 'final seal failed');
      }
    },
  };
}
