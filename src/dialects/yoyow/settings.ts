// The transport settings in force for one app (spec/yoyow.md §2.4, §2.5, Appendix A): the app's `yoyow` overrides
// (AppSettings.yoyow, edited by operators) over the node's `yoyow` section. Overrides are read defensively: a value
// of the wrong type is ignored rather than turning every request of the app into a 500.
import type { YoyowSettings } from '../../config.js';
import type { App } from '../../core/identity/apps.js';
import type { SecurityLevel } from './cipher.js';

export interface TransportSettings {
  securityLevel: SecurityLevel;
  /** Seconds. */
  secureAgeing: number;
  /** Seconds; 0 = no future bound. */
  secureFutureSkew: number;
  replayProtection: boolean;
}

function wholeOr(v: unknown, fallback: number, min: number): number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= min ? v : fallback;
}

export function transportSettings(app: App, node: YoyowSettings): TransportSettings {
  const o = app.settings.yoyow ?? {};
  return {
    securityLevel: o.security_level === 'standard' ? 'standard' : 'simple',
    secureAgeing: wholeOr(o.secure_ageing, node.secureAgeing, 1),
    secureFutureSkew: wholeOr(o.secure_future_skew, node.secureFutureSkew, 0),
    replayProtection: typeof o.replay_protection === 'boolean' ? o.replay_protection : node.replayProtection,
  };
}
