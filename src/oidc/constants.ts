// Names and settings the OpenID Connect pieces share. Kept apart from provider.ts so that importing them (config.ts
// does) does not load the oidc-provider library (see routes.ts).

/** Where the provider is mounted; its issuer is `${publicUrl}${OIDC_MOUNT}`. */
export const OIDC_MOUNT = '/oidc';

/** The grant kind Plaza records for consents given through OpenID Connect. */
export const OIDC_GRANT_KIND = 'oidc';

export const OIDC_SCOPES = ['openid', 'profile', 'email', 'offline_access'] as const;

/** Lifetimes, in seconds. Short by default: access tokens and codes are bearer credentials. */
export interface OidcSettings {
  accessTokenTtlSeconds: number;
  authorizationCodeTtlSeconds: number;
  idTokenTtlSeconds: number;
  refreshTokenTtlSeconds: number;
  interactionTtlSeconds: number;
  sessionTtlSeconds: number;
  grantTtlSeconds: number;
}

export function defaultOidcSettings(): OidcSettings {
  return {
    accessTokenTtlSeconds: 600,
    authorizationCodeTtlSeconds: 60,
    idTokenTtlSeconds: 600,
    refreshTokenTtlSeconds: 14 * 24 * 3600,
    interactionTtlSeconds: 600,
    sessionTtlSeconds: 14 * 24 * 3600,
    grantTtlSeconds: 14 * 24 * 3600,
  };
}
