// `POST /pi/wallet/token` (spec/pi.md §3.17, row 11): mints the wallet token Plaza's hosted wallet page pays with.
// Not an app route: the credential is the Plaza sign-in session cookie, and the request must come from Plaza's own
// pages — its `Origin` must be Plaza's public origin (publicBase.ts), which also makes it immune to cross-site
// request forgery. Checks in order: per-IP rate limit (429), session (401 `unauthorized`), origin (403 `forbidden`),
// Idempotency-Key (§3.4: scope = the user; the body is ignored and fingerprints as `{}`). Answers use Pi's error
// envelope but no CORS headers (only Plaza's own origin may call), and are never cached.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { issueWalletToken } from '../../core/identity/walletTokens.js';
import { answerOf, fingerprintOf, readIdempotencyKeyHeader, runIdempotent, type IdempotencyKey, type WireResponse } from '../../http/idempotency.js';
import { sendWire } from '../../http/reply.js';
import type { Services } from '../../services.js';
import { clientIp, currentUser } from '../../web/session.js';
import { piErrorBody, PI_ERRORS, type PiErrorCode } from './errors.js';
import { publicOrigin } from './publicBase.js';
import { JSON_CONTENT_TYPE } from './render.js';

export const WALLET_TOKEN_PATH = '/pi/wallet/token';

const HEADERS: Readonly<Record<string, string>> = { 'content-type': JSON_CONTENT_TYPE, 'cache-control': 'no-store' };

function refusal(code: PiErrorCode, message?: string, headers: Record<string, string> = {}): WireResponse {
  return { statusCode: PI_ERRORS[code].http, headers: { ...HEADERS, ...headers }, body: piErrorBody(code, message) };
}

async function mint(request: FastifyRequest, services: Services): Promise<WireResponse> {
  const ip = await services.limiter.check(`ip:${clientIp(request)}`, services.controls.current().perIpPerMinute);
  if (!ip.allowed) return refusal('too_many_requests', undefined, { 'retry-after': String(ip.retryAfterSeconds) });
  const session = await currentUser(request, services);
  if (session === null) return refusal('unauthorized', 'Sign in to Plaza first: this route needs the Plaza session cookie.');
  if (request.headers.origin !== publicOrigin(request, services)) {
    return refusal('forbidden', "Wallet tokens are minted only for Plaza's own pages (the Origin header must be Plaza's).");
  }
  const header = readIdempotencyKeyHeader(request.headers['idempotency-key']);
  if (!header.ok) return refusal('invalid_arguments', 'Idempotency-Key must be 1–255 printable ASCII characters.');
  const userId = session.user.id;
  const key: IdempotencyKey | null =
    header.key === null ? null : { scope: `pi:user:${userId}`, route: `POST ${WALLET_TOKEN_PATH}`, key: header.key, fingerprint: fingerprintOf({}) };
  const ttlSeconds = services.config.pi.walletTokenTtlSeconds;
  const outcome = await runIdempotent(
    services.idempotency,
    key,
    async (trx) => {
      const { token } = await issueWalletToken(trx, userId, ttlSeconds * 1000, services.clock);
      return { statusCode: 200, headers: { ...HEADERS }, body: JSON.stringify({ wallet_token: token, expires_in: ttlSeconds }) };
    },
    (err) => {
      request.log.error({ err, reqId: request.id }, 'pi: wallet token failed');
      return { response: refusal('unknown_error'), store: false };
    },
  );
  return answerOf(outcome, () => refusal('idempotency_key_reused'));
}

export function registerWalletTokenRoute(app: FastifyInstance, services: Services): void {
  for (const url of [WALLET_TOKEN_PATH, `/apps/:appkey${WALLET_TOKEN_PATH}`]) {
    app.post(url, async (request, reply) => sendWire(reply, await mint(request, services)));
  }
}
