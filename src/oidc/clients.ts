// OpenID Connect clients are Plaza apps, looked up when the provider asks (nothing is copied or registered twice):
// client_id = the appkey, client_secret = the app's secret (unsealed), redirect URIs = the app's registered ones.
// A removed or banned app, an app whose key expired, or one without redirect URIs is no client at all; a rotated
// secret takes effect on the next request (the provider caches clients by the hash of this metadata).
import type { AdapterPayload } from 'oidc-provider';
import { getAppByKey, revealAppSecret } from '../core/identity/apps.js';
import { appRedirectUris } from '../core/identity/appAccess.js';
import type { Services } from '../services.js';

export async function clientMetadata(services: Pick<Services, 'db' | 'box' | 'clock'>, clientId: string): Promise<AdapterPayload | undefined> {
  const app = await getAppByKey(services.db, clientId);
  if (!app || app.banned) return undefined;
  if (app.keyExpiresAt !== null && app.keyExpiresAt <= services.clock.now()) return undefined;
  const redirectUris = appRedirectUris(app);
  if (redirectUris.length === 0) return undefined;
  return {
    client_id: app.appkey,
    client_secret: revealAppSecret(services.box, app),
    client_name: app.name,
    redirect_uris: redirectUris,
    // An app may return its users to any page it registered as a redirect URI after signing out.
    post_logout_redirect_uris: redirectUris,
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_basic',
  };
}
