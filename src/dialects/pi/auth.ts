// Pi authentication (spec/pi.md §2.1). `Authorization: <scheme> <credential>`: the scheme is matched
// case-insensitively, spaces or tabs separate it from the credential, surrounding whitespace is trimmed, and the
// credential is compared exactly (identity looks it up by its SHA-256 and confirms in constant time).
// The credential names the app; a different app named by the `/apps/<appkey>` prefix or `X-Plaza-App` is a 401.
// Bearer credentials are either app access tokens or wallet tokens (§2.1, minted for Plaza's own wallet page): an
// access token is tried first, then — on the three routes that accept it — a wallet token. A wallet token names a
// user and no app, so the app-naming check and the app's standing do not apply to it (its user's standing does).
import type { FastifyRequest } from 'fastify';
import type { App, StoredApp } from '../../core/identity/apps.js';
import { getAppBySecret } from '../../core/identity/apps.js';
import { authenticateAccessToken, type AccessTokenInfo } from '../../core/identity/userTokens.js';
import { authenticateWalletToken } from '../../core/identity/walletTokens.js';
import { appServable, namedAppkey } from '../../http/appGate.js';
import type { WireResponse } from '../../http/idempotency.js';
import type { Services } from '../../services.js';
import { piError } from './errors.js';

/** The kinds of credential a route may accept (§2.1). */
export type PiScheme = 'key' | 'access' | 'wallet';

/** The token kind Pi access tokens are issued with; tokens of other dialects are never Pi credentials (§5.5). */
export const PI_TOKEN_KIND = 'pi';

export type PiCaller =
  | { kind: 'key'; app: StoredApp }
  | { kind: 'access'; app: App; access: AccessTokenInfo }
  /** Plaza's wallet page acting for one user (any app); `userId` is the user's `end_users.id`. */
  | { kind: 'wallet'; userId: number; expiresAt: number };

export interface ParsedAuthorization {
  /** Lower-cased: `key`, `bearer`, … */
  scheme: string;
  credential: string;
}

export function parseAuthorization(header: string | undefined): ParsedAuthorization | null {
  if (header === undefined) return null;
  const m = /^[ \t]*([!-~]+)[ \t]+([!-~]+)[ \t]*$/.exec(header);
  if (!m) return null;
  return { scheme: m[1]!.toLowerCase(), credential: m[2]! };
}

const SCHEME_TEXT: Record<PiScheme, string> = {
  key: '"Authorization: Key <server API key>"',
  access: '"Authorization: Bearer <access token>"',
  wallet: '"Authorization: Bearer <wallet token>"',
};

function expected(schemes: readonly PiScheme[]): string {
  return schemes.map((s) => SCHEME_TEXT[s]).join(' or ');
}

function unauthorized(message: string): { response: WireResponse } {
  return { response: piError('unauthorized', { message }) };
}

function headerText(request: FastifyRequest, name: string): string | undefined {
  const v = request.headers[name];
  return typeof v === 'string' ? v : Array.isArray(v) ? v[0] : undefined;
}

async function byScheme(parsed: ParsedAuthorization, schemes: readonly PiScheme[], services: Services): Promise<PiCaller | null | 'scheme'> {
  if (parsed.scheme === 'key' && schemes.includes('key')) {
    const app = await getAppBySecret(services.db, parsed.credential);
    return app ? { kind: 'key', app } : null;
  }
  if (parsed.scheme === 'bearer' && (schemes.includes('access') || schemes.includes('wallet'))) {
    if (schemes.includes('access')) {
      const access = await authenticateAccessToken(services.db, parsed.credential, services.clock, PI_TOKEN_KIND);
      if (access) return { kind: 'access', app: access.app, access };
    }
    if (schemes.includes('wallet')) {
      const wallet = await authenticateWalletToken(services.db, parsed.credential, services.clock);
      if (wallet) return { kind: 'wallet', userId: wallet.userId, expiresAt: wallet.expiresAt };
    }
    return null;
  }
  return 'scheme';
}

/** Step 4 of §3.3: the caller, or the 401 that refuses the request. */
export async function authenticatePi(
  request: FastifyRequest,
  schemes: readonly PiScheme[],
  services: Services,
): Promise<{ caller: PiCaller } | { response: WireResponse }> {
  const header = headerText(request, 'authorization');
  if (header === undefined || header.trim() === '') return unauthorized(`Missing Authorization header: this route expects ${expected(schemes)}.`);
  const parsed = parseAuthorization(header);
  if (parsed === null) return unauthorized(`Malformed Authorization header: this route expects ${expected(schemes)}.`);
  const caller = await byScheme(parsed, schemes, services);
  if (caller === 'scheme') return unauthorized(`This route does not accept the ${parsed.scheme} scheme: it expects ${expected(schemes)}.`);
  if (caller === null) return unauthorized('The credential is unknown, expired or revoked, or its app is disabled.');
  if (caller.kind === 'wallet') return { caller };
  if (!(await appServable(services.db, caller.app, 'pi', services.clock))) {
    return unauthorized('The credential is unknown, expired or revoked, or its app is disabled.');
  }
  const named = namedAppkey(request.params, request.headers);
  if (named !== null && named !== caller.app.appkey) {
    return unauthorized('The app named by the /apps/<appkey> prefix or X-Plaza-App is not the app this credential belongs to.');
  }
  return { caller };
}
