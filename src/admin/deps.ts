// The identity module's dependencies, derived from the server's services (or the same three parts at start-up).
import type { IdentityDeps } from '../core/identity/deps.js';
import type { Services } from '../services.js';

export function identityDeps(services: Pick<Services, 'config' | 'clock' | 'box'>): IdentityDeps {
  return {
    clock: services.clock,
    box: services.box,
    wallet: { assetSymbol: services.config.ulord.assetSymbol, developerGrant: services.config.ulord.developerGrant },
  };
}
