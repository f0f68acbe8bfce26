// `POST /api/session/verifyOpenIDToken` (spec/kamiya.md §3.6, §4.1): turns a one-time login token into the user's
// id, email and role. The token is normalised (trimmed, upper-cased); anything not shaped `XXXXX-XXXXX` is a 404,
// like an unknown, expired, used or other-app token. Redemption is identity's conditional update, so of concurrent
// verifications exactly one succeeds; a token of another app is left untouched.
import { loginTokenKey, redeemLoginToken } from '../../core/identity/userTokens.js';
import type { JsonObject } from '../../http/body.js';
import type { WireResponse } from '../../http/idempotency.js';
import { kamiyaError, kamiyaResponse } from './errors.js';
import type { KamiyaContext } from './pipeline.js';

const TOKEN_PATTERN = /^[0-9A-Z]{5}-[0-9A-Z]{5}$/;

const keys = new WeakMap<Buffer, Buffer>();

function keyFor(masterKey: Buffer): Buffer {
  let key = keys.get(masterKey);
  if (!key) {
    key = loginTokenKey(masterKey);
    keys.set(masterKey, key);
  }
  return key;
}

/** §3.4: `token` must be a string (any string: a malformed one is answered 404, not 400). */
export function parseVerify(body: JsonObject): { token: string } | null {
  return typeof body.token === 'string' ? { token: body.token } : null;
}

export function normaliseToken(raw: string): string | null {
  const token = raw.trim().toUpperCase();
  return TOKEN_PATTERN.test(token) ? token : null;
}

export async function verifyOpenIDToken(ctx: KamiyaContext<{ token: string }>): Promise<WireResponse> {
  const token = normaliseToken(ctx.input.token);
  if (token === null) return kamiyaError('token_not_found');
  const { services } = ctx;
  const user = await redeemLoginToken(ctx.trx, { appId: ctx.app.id, token }, services.clock, keyFor(services.config.masterKey));
  if (user === null) return kamiyaError('token_not_found');
  // Verify success carries `data` and no `message` (the seed's example). The login page never issues a token to an
  // account without an email, so `email` is a string in practice; '' keeps the type if one was ever removed.
  return kamiyaResponse(200, undefined, { id: user.uid, email: user.email ?? '', role: user.role });
}
