// Names the OpenID Connect pieces share. Kept apart from provider.ts so that importing them does not load the
// oidc-provider library (see routes.ts).

/** Where the provider is mounted; its issuer is `${publicUrl}${OIDC_MOUNT}`. */
export const OIDC_MOUNT = '/oidc';

/** The grant kind Plaza records for consents given through OpenID Connect. */
export const OIDC_GRANT_KIND = 'oidc';

export const OIDC_SCOPES = ['openid', 'profile', 'email', 'offline_access'] as const;
