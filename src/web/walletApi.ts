// The end-user wallet's JSON API under /wallet/api (the React wallet at /wallet/ is its only client):
//   GET  /wallet/api/me                      who is signed in, the pay-password state, the CSRF token for writes
//   GET  /wallet/api/balances                every ledger account the user owns, per asset and sub-balance
//   GET  /wallet/api/history                 transfers touching those accounts, newest first (?account=&before=&limit=)
//   GET  /wallet/api/grants                  apps the user granted access, with scopes and spending limits
//   POST /wallet/api/grants/:id/revoke       revoke one (its tokens stop working at once)
//   POST /wallet/api/pay-password            set or change the pay password with the account password
//   GET  /wallet/api/payments/pending        open Pi payments across apps, each with its approval page link
//
// Authentication is the hosted pages' session cookie (session.ts): no session → 401. Writes are refused with 403
// before anything else unless the request is same-origin (`Sec-Fetch-Site`, `Origin`) and carries the signed
// double-submit token of csrf.ts in the `X-CSRF-Token` header (the token comes from GET /me; another site can
// neither read it nor add the header without a CORS preflight Plaza never grants). Handlers call core/identity,
// core/ledger and modules/payments; amounts leave as exact decimal text by the asset's precision, never as floats.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { appAllowedOrigins } from '../core/identity/appAccess.js';
import { getApp } from '../core/identity/apps.js';
import { IdentityError } from '../core/identity/errors.js';
import { listUserGrants, revokeGrant } from '../core/identity/grants.js';
import { changePayPassword, getPayPasswordState, MAX_PAY_PASSWORD_LENGTH, MIN_PAY_PASSWORD_LENGTH, preparePayPasswordChange } from '../core/identity/payPasswords.js';
import type { User } from '../core/identity/users.js';
import { listAccounts } from '../core/ledger/accounts.js';
import { listAssets } from '../core/ledger/assets.js';
import { listAccountsTransfers, MAX_STATEMENT_ACCOUNTS, type StatementEntry } from '../core/ledger/history.js';
import type { Account, AccountOwner, Asset } from '../core/ledger/types.js';
import { formatCanonical } from '../core/money.js';
import { parseJsonObject, rawBody } from '../http/body.js';
import { openUserPayments, paymentsDeps, PI_PRECISION } from '../modules/payments/index.js';
import type { Services } from '../services.js';
import { PAY_PASSWORD_LIMITS } from './account.js';
import { checkCsrf, csrfToken, CSRF_FIELD } from './csrf.js';
import { overLimit, webIdentityDeps } from './route.js';
import { clientIp, currentUser } from './session.js';

export const WALLET_API = '/wallet/api';
/** The request header a write carries its CSRF token in. */
export const CSRF_HEADER = 'x-csrf-token';
/** Where the wallet sends a visitor without a session. */
export const WALLET_SIGN_IN = `/signin?next=${encodeURIComponent('/wallet/')}`;
/** The hosted Pi approval page (dialects/pi/walletPage.ts). */
const PI_WALLET_PATH = '/pi/wallet';

export const HISTORY_DEFAULT_LIMIT = 20;
export const HISTORY_MAX_LIMIT = 100;

const HEADERS: Readonly<Record<string, string>> = {
  'content-type': 'application/json; charset=utf-8',
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
};

type ErrorCode =
  | 'unauthenticated'
  | 'csrf_failed'
  | 'invalid_request'
  | 'not_found'
  | 'wrong_password'
  | 'same_as_password'
  | 'rate_limited'
  | 'internal_error';

/** Bigints are written as decimal strings (money never becomes a float on the wire). */
function send(reply: FastifyReply, status: number, body: unknown): FastifyReply {
  for (const [k, v] of Object.entries(HEADERS)) reply.header(k, v);
  return reply.code(status).send(JSON.stringify(body, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)));
}

/** The error envelope the UI's ApiError reads: `{"error":{"code","message"}}`, plus named fields when a form is at fault. */
function fail(reply: FastifyReply, status: number, code: ErrorCode, message: string, extra: Record<string, unknown> = {}): FastifyReply {
  return send(reply, status, { error: { code, message, ...extra } });
}

function unauthenticated(reply: FastifyReply): FastifyReply {
  return fail(reply, 401, 'unauthenticated', 'Sign in to use your wallet.', { signIn: WALLET_SIGN_IN });
}

/** The origins this server answers on: its public URL, and the Host the request came to. */
function ownOrigins(request: FastifyRequest, services: Services): Set<string> {
  const out = new Set([new URL(services.config.publicUrl).origin]);
  const host = request.headers.host;
  if (typeof host === 'string' && host !== '') out.add(`${request.protocol}://${host}`);
  return out;
}

/**
 * A write is same-origin when the browser says so (`Sec-Fetch-Site`) and its `Origin`, when sent, is ours. A client
 * that sends neither (a script, a test) still needs the token, which only a same-origin page can read.
 */
function sameOrigin(request: FastifyRequest, services: Services): boolean {
  const site = request.headers['sec-fetch-site'];
  if (typeof site === 'string' && site !== 'same-origin' && site !== 'none') return false;
  const origin = request.headers.origin;
  if (origin === undefined) return true;
  return typeof origin === 'string' && ownOrigins(request, services).has(origin);
}

function csrfOk(request: FastifyRequest, services: Services): boolean {
  const token = request.headers[CSRF_HEADER];
  if (typeof token !== 'string' || !sameOrigin(request, services)) return false;
  return checkCsrf(request, new URLSearchParams({ [CSRF_FIELD]: token }), services);
}

type Handler = (request: FastifyRequest, reply: FastifyReply, user: User) => Promise<FastifyReply>;

/** Wraps a handler: CSRF first for writes (nothing is read or written when it fails), then the session, then errors. */
function route(services: Services, write: boolean, handler: Handler) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> => {
    try {
      if (write && !csrfOk(request, services)) {
        return fail(reply, 403, 'csrf_failed', 'This request did not come from the Plaza wallet page, or the page is stale. Reload it and try again.');
      }
      const signedIn = await currentUser(request, services);
      if (!signedIn) return unauthenticated(reply);
      return await handler(request, reply, signedIn.user);
    } catch (err) {
      request.log.error({ err }, 'wallet api failed');
      if (reply.sent) return reply;
      reply.removeHeader('set-cookie');
      return fail(reply, 500, 'internal_error', 'Plaza could not finish this request and nothing was changed. Try again in a moment.');
    }
  };
}

// ------------------------------------------------------------------------------------------------------------ reads

function ownerOf(user: User): AccountOwner {
  return { kind: 'user', id: String(user.uid) };
}

/** The user's accounts (a bounded handful: one per asset and sub-balance), oldest first. */
async function userAccounts(services: Services, user: User): Promise<Account[]> {
  const owner = ownerOf(user);
  return listAccounts(services.db, { ownerKind: owner.kind, ownerId: owner.id, limit: MAX_STATEMENT_ACCOUNTS });
}

async function assetsById(services: Services): Promise<Map<number, Asset>> {
  return new Map((await listAssets(services.db)).map((a) => [a.id, a]));
}

function money(minor: bigint, asset: Asset | undefined): { amount: string; minor: string } {
  return { amount: asset ? formatCanonical(minor, asset.precision) : minor.toString(), minor: minor.toString() };
}

async function me(reply: FastifyReply, request: FastifyRequest, services: Services, user: User): Promise<FastifyReply> {
  const pay = await getPayPasswordState(services.db, user.id, services.clock);
  return send(reply, 200, {
    user: { uid: user.uid, username: user.username, email: user.email, emailVerified: user.emailVerified },
    payPassword: { set: pay?.set ?? false, lockedUntil: pay?.lockedUntil ?? null },
    payPasswordLength: { min: MIN_PAY_PASSWORD_LENGTH, max: MAX_PAY_PASSWORD_LENGTH },
    csrfToken: csrfToken(request, reply, services),
  });
}

async function balances(reply: FastifyReply, services: Services, user: User): Promise<FastifyReply> {
  const [accounts, assets] = await Promise.all([userAccounts(services, user), assetsById(services)]);
  return send(reply, 200, {
    balances: accounts.map((a) => {
      const asset = assets.get(a.assetId);
      return {
        accountId: a.id,
        asset: asset?.symbol ?? String(a.assetId),
        precision: asset?.precision ?? 0,
        sub: a.sub,
        frozen: a.frozen,
        balance: money(a.balance, asset),
        // What can be spent now: posted balance less the outbound holds (pending transfers out).
        available: money(a.balance - a.pendingOut, asset),
        held: money(a.pendingOut, asset),
        incoming: money(a.pendingIn, asset),
      };
    }),
  });
}

/** A non-negative safe integer from a query parameter; undefined when absent, null when malformed. */
function queryInt(q: Record<string, unknown>, name: string): number | undefined | null {
  const v = q[name];
  if (v === undefined || v === '') return undefined;
  if (typeof v !== 'string' || !/^[0-9]{1,15}$/.test(v)) return null;
  return Number(v);
}

/** Who is on the other side of a transfer, as the wallet names it (another user's id is not shown). */
async function counterparty(services: Services, owner: AccountOwner, names: Map<string, string | null>): Promise<{ kind: string; name: string | null }> {
  if (owner.kind !== 'app') return { kind: owner.kind, name: owner.kind === 'system' ? 'Plaza' : null };
  if (!names.has(owner.id)) {
    const app = /^[0-9]{1,15}$/.test(owner.id) ? await getApp(services.db, Number(owner.id)) : null;
    names.set(owner.id, app?.name ?? null);
  }
  return { kind: 'app', name: names.get(owner.id) ?? null };
}

async function historyEntry(services: Services, t: StatementEntry, mine: Set<number>, asset: Asset | undefined, names: Map<string, string | null>) {
  const inbound = mine.has(t.creditAccountId);
  const outbound = mine.has(t.debitAccountId);
  const direction = inbound && outbound ? 'internal' : inbound ? 'in' : 'out';
  return {
    txid: t.txid,
    seq: t.seq,
    direction,
    accountId: direction === 'in' ? t.creditAccountId : t.debitAccountId,
    sub: direction === 'in' ? t.creditSub : t.debitSub,
    asset: asset?.symbol ?? String(t.assetId),
    amount: money(t.amount, asset),
    kind: t.kind,
    memo: t.memo,
    status: t.status,
    block: t.blockNumber,
    createdAt: t.createdAt,
    counterparty: direction === 'internal' ? { kind: 'user', name: 'you' } : await counterparty(services, inbound ? t.debitOwner : t.creditOwner, names),
  };
}

async function history(request: FastifyRequest, reply: FastifyReply, services: Services, user: User): Promise<FastifyReply> {
  const q = (request.query ?? {}) as Record<string, unknown>;
  const account = queryInt(q, 'account');
  const before = queryInt(q, 'before');
  const limit = queryInt(q, 'limit');
  if (account === null || before === null || limit === null || (limit !== undefined && (limit < 1 || limit > HISTORY_MAX_LIMIT))) {
    return fail(reply, 400, 'invalid_request', `account and before are ids; limit is 1..${HISTORY_MAX_LIMIT}.`);
  }
  const accounts = await userAccounts(services, user);
  const ids = account === undefined ? accounts.map((a) => a.id) : accounts.filter((a) => a.id === account).map((a) => a.id);
  // Another user's account and an unknown one answer alike.
  if (account !== undefined && ids.length === 0) return fail(reply, 404, 'not_found', 'You have no account with that id.');
  const size = limit ?? HISTORY_DEFAULT_LIMIT;
  // One more than the page: whether there is a next page is then known without a count.
  const rows = await listAccountsTransfers(services.db, { accountIds: ids, ...(before !== undefined ? { beforeSeq: before } : {}), limit: size + 1 });
  const page = rows.slice(0, size);
  const [assets, names, mine] = [await assetsById(services), new Map<string, string | null>(), new Set(ids)];
  const transfers = [];
  for (const t of page) transfers.push(await historyEntry(services, t, mine, assets.get(t.assetId), names));
  return send(reply, 200, { transfers, next: rows.length > size ? page[page.length - 1]!.seq : null });
}

/** What each kind of grant is called in the wallet (the flow that asked for it). */
const GRANT_KIND_LABELS: Record<string, string> = { oidc: 'Sign-in (OpenID Connect)', pi: 'Pi app', kamiya: 'Kamiya app', liveuser: 'Mini-program' };

async function grants(reply: FastifyReply, services: Services, user: User): Promise<FastifyReply> {
  const list = await listUserGrants(services.db, user.id);
  const piSymbol = services.config.pi.assetSymbol;
  return send(reply, 200, {
    grants: list.map((g) => ({
      id: g.id,
      appId: g.appId,
      appName: g.appName,
      kind: g.kind,
      kindLabel: GRANT_KIND_LABELS[g.kind] ?? g.kind,
      scopes: g.scopes,
      // Only Pi grants name their asset (the payment asset); other kinds keep the limit in minor units. How much of a
      // limit was used is not stored yet: `spent` stays null until a module records it.
      spendingLimit:
        g.spendingLimitMinor === null
          ? null
          : g.kind === 'pi'
            ? { asset: piSymbol, amount: formatCanonical(g.spendingLimitMinor, PI_PRECISION), minor: g.spendingLimitMinor.toString(), spent: null }
            : { asset: null, amount: null, minor: g.spendingLimitMinor.toString(), spent: null },
      grantedAt: g.createdAt,
      updatedAt: g.updatedAt,
    })),
  });
}

/** The approval page of a payment: it hands its result back to a registered origin of the app, so it needs one. */
function reviewUrl(identifier: string, origins: readonly string[]): string | null {
  for (const raw of origins) {
    try {
      const origin = new URL(raw).origin;
      if (origin !== 'null') return `${PI_WALLET_PATH}?${new URLSearchParams({ payment: identifier, origin }).toString()}`;
    } catch {
      continue;
    }
  }
  return null;
}

async function pendingPayments(reply: FastifyReply, services: Services, user: User): Promise<FastifyReply> {
  const deps = paymentsDeps(services);
  // A read may apply a due timeout (§4.3), hence the transaction.
  const open = await services.db.transaction().execute((trx) => openUserPayments(trx, user.id, deps));
  const apps = new Map<number, { name: string; origins: string[] } | null>();
  const payments = [];
  for (const p of open) {
    if (!apps.has(p.appId)) {
      const app = await getApp(services.db, p.appId);
      apps.set(p.appId, app ? { name: app.name, origins: appAllowedOrigins(app) } : null);
    }
    const app = apps.get(p.appId) ?? null;
    payments.push({
      identifier: p.identifier,
      appId: p.appId,
      appName: app?.name ?? null,
      asset: deps.settings.assetSymbol,
      amount: { amount: formatCanonical(p.amount, PI_PRECISION), minor: p.amount.toString() },
      memo: p.memo,
      state: p.state,
      createdAt: p.createdAt,
      reviewUrl: app ? reviewUrl(p.identifier, app.origins) : null,
    });
  }
  return send(reply, 200, { payments });
}

// ----------------------------------------------------------------------------------------------------------- writes

async function revoke(request: FastifyRequest, reply: FastifyReply, services: Services, user: User): Promise<FastifyReply> {
  const raw = (request.params as { id?: string }).id ?? '';
  const grantId = /^[0-9]{1,15}$/.test(raw) ? Number(raw) : null;
  const revoked = grantId !== null && (await services.db.transaction().execute((trx) => revokeGrant(trx, grantId, user.id, services.clock)));
  // Another user's grant, an unknown id and one revoked already answer alike.
  if (!revoked) return fail(reply, 404, 'not_found', 'You have no active grant with that id: it may have been revoked already.');
  return send(reply, 200, { revoked: true, grantId });
}

function bodyString(body: Record<string, unknown>, name: string, max: number): string | null {
  const v = body[name];
  return typeof v === 'string' && v.length <= max ? v : null;
}

async function setPayPassword(request: FastifyRequest, reply: FastifyReply, services: Services, user: User): Promise<FastifyReply> {
  const parsed = parseJsonObject(rawBody(request));
  if (!parsed.ok) return fail(reply, 400, 'invalid_request', 'Send a JSON object: {"currentPassword": "…", "payPassword": "…"}.');
  const password = bodyString(parsed.value, 'currentPassword', 1024);
  // One over the limit, so an over-long pay password is refused by length rather than as malformed.
  const payPassword = bodyString(parsed.value, 'payPassword', MAX_PAY_PASSWORD_LENGTH + 1);
  const fields: Record<string, string> = {};
  if (!password) fields.currentPassword = 'Enter your account password.';
  if (payPassword === null || payPassword === '') fields.payPassword = 'Choose a pay password.';
  else if (payPassword.length < MIN_PAY_PASSWORD_LENGTH || payPassword.length > MAX_PAY_PASSWORD_LENGTH) {
    fields.payPassword = `Use ${MIN_PAY_PASSWORD_LENGTH}–${MAX_PAY_PASSWORD_LENGTH} characters.`;
  }
  if (Object.keys(fields).length || !password || !payPassword) return fail(reply, 400, 'invalid_request', 'Check the highlighted fields.', { fields });

  // Counted before any password work, in the same buckets as the account page's form (one budget per user).
  const wait = await overLimit(services, [
    [`web.paypw.ip:${clientIp(request)}`, PAY_PASSWORD_LIMITS.perIpPerMinute],
    [`web.paypw.user:${user.id}`, PAY_PASSWORD_LIMITS.perUserPerMinute],
  ]);
  if (wait !== null) {
    reply.header('retry-after', String(wait));
    return fail(reply, 429, 'rate_limited', `Too many attempts. Wait ${wait} seconds and try again.`, { retryAfterSeconds: wait });
  }

  const before = await getPayPasswordState(services.db, user.id, services.clock);
  // Step 1 (scrypt) on the root connection, no transaction open.
  const prepared = await preparePayPasswordChange(services.db, user.id, { password, newPayPassword: payPassword }, webIdentityDeps(services));
  switch (prepared.kind) {
    case 'ok':
      break;
    case 'wrong_password':
      return fail(reply, 400, 'wrong_password', 'That is not your account password.', { fields: { currentPassword: 'That is not your account password.' } });
    case 'same_as_password':
      return fail(reply, 400, 'same_as_password', 'Choose a pay password different from your account password.', {
        fields: { payPassword: 'Choose a pay password different from your account password.' },
      });
    case 'invalid_pay_password':
      return fail(reply, 400, 'invalid_request', 'Check the highlighted fields.', { fields: { payPassword: `Use ${MIN_PAY_PASSWORD_LENGTH}–${MAX_PAY_PASSWORD_LENGTH} characters.` } });
    case 'disabled':
    case 'not_found':
      return unauthenticated(reply);
  }
  try {
    // Step 2: written only while the verified account password hash is still the stored one.
    await services.db.transaction().execute((trx) => changePayPassword(trx, prepared, services.clock));
  } catch (err) {
    if (err instanceof IdentityError && err.code === 'wrong_password') {
      return fail(reply, 400, 'wrong_password', 'That is not your account password.', { fields: { currentPassword: 'That is not your account password.' } });
    }
    if (err instanceof IdentityError && (err.code === 'user_disabled' || err.code === 'not_found')) return unauthenticated(reply);
    throw err;
  }
  return send(reply, 200, { payPassword: { set: true, lockedUntil: null }, changed: before?.set ?? false });
}

export function walletApiRoutes(app: FastifyInstance, services: Services): void {
  app.get(`${WALLET_API}/me`, route(services, false, (request, reply, user) => me(reply, request, services, user)));
  app.get(`${WALLET_API}/balances`, route(services, false, (_request, reply, user) => balances(reply, services, user)));
  app.get(`${WALLET_API}/history`, route(services, false, (request, reply, user) => history(request, reply, services, user)));
  app.get(`${WALLET_API}/grants`, route(services, false, (_request, reply, user) => grants(reply, services, user)));
  app.post(`${WALLET_API}/grants/:id/revoke`, route(services, true, (request, reply, user) => revoke(request, reply, services, user)));
  app.post(`${WALLET_API}/pay-password`, route(services, true, (request, reply, user) => setPayPassword(request, reply, services, user)));
  app.get(`${WALLET_API}/payments/pending`, route(services, false, (_request, reply, user) => pendingPayments(reply, services, user)));
  // Without this, an unknown API path would fall to the wallet app's client-side routes (`/wallet/*`, ui.ts) and
  // answer HTML: the API's own unknown paths keep the server's plain JSON 404.
  app.route({
    method: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
    url: `${WALLET_API}/*`,
    handler: (_request, reply) => reply.code(404).headers(HEADERS).send('{"error":"not_found"}'),
  });
}
