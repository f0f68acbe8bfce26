// The dependencies of the chain's writes, built from the server's services (settings converted once per config).
import type { Config } from '../../config.js';
import type { Services } from '../../services.js';
import type { WriteDeps } from './operations.js';
import { chainSettings, type YoyowChainSettings } from './settings.js';

const cache = new WeakMap<Config, YoyowChainSettings>();

export function yoyowDeps(services: Pick<Services, 'config' | 'clock' | 'box'>): WriteDeps {
  let settings = cache.get(services.config);
  if (!settings) {
    settings = chainSettings(services.config);
    cache.set(services.config, settings);
  }
  return { clock: services.clock, box: services.box, settings };
}
