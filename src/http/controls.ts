// The operator controls in force (maintenance, switched-off endpoints, IP deny list, rate limits). Dialects read
// them through this store on every request; `current()` is synchronous and cheap (a cached snapshot).
import type { OperatorControls } from '../config.js';
import { createIpFilter, type IpFilter } from './ipFilter.js';

export interface ControlsStore {
  current(): OperatorControls;
  isIpDenied(ip: string): boolean;
}

/** Controls fixed at start-up (from the configuration). */
export function staticControls(controls: OperatorControls): ControlsStore {
  const filter: IpFilter = createIpFilter(controls.ipDenyList);
  return {
    current: () => controls,
    isIpDenied: (ip) => filter.isDenied(ip),
  };
}
