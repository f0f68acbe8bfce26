// The payment routes of spec/pi.md §3.5 (rows 2–10): wire format only. Each handler maps the caller to a payments
// viewer, calls ONE payments-module function inside the pipeline's transaction, and renders the PaymentDTO text the
// module writes. A PaymentError becomes the catalogue's refusal here and nowhere else (`refusing`), with `payment`
// or `verification_error` where §3.2 lists them; it is thrown as a PiRefusal so the transaction rolls back and an
// Idempotency-Key stores the answer.
import type { Services } from '../../services.js';
import {
  approvePayment,
  cancelPayment,
  completePayment,
  createAppToUser,
  createUserToApp,
  getPayment,
  incompleteServerPayments,
  incompleteUserPayment,
  PaymentError,
  paymentDtoJson,
  payPayment,
  paymentsDeps,
  type PaymentErrorCode,
  type PaymentsDeps,
  type PaymentViewer,
} from '../../modules/payments/index.js';
import type { WireResponse } from '../../http/idempotency.js';
import type { PiCaller } from './auth.js';
import { PiRefusal } from './errors.js';
import { parseAppToUser, parseComplete, parseUserToApp } from './paymentFields.js';
import { piRoute, type PiContext, type PiRoute } from './pipeline.js';
import { okJson } from './render.js';

/** §3.2: the refusals whose body carries the payment they refer to. */
const WITH_PAYMENT: ReadonlySet<PaymentErrorCode> = new Set<PaymentErrorCode>([
  'forbidden',
  'ongoing_payment_found',
  'already_completed',
  'cancelled_payment',
  'payment_tx_present',
  'txid_mismatch',
  'payment_not_approved',
  'insufficient_funds',
]);

/** The one mapping of payments refusals onto the Pi catalogue (the codes are the catalogue's own names). */
export function paymentRefusal(err: PaymentError, linkBase: string): PiRefusal {
  const extra: { paymentJson?: string; verification_error?: string } = {};
  if (err.payment !== undefined && WITH_PAYMENT.has(err.code)) extra.paymentJson = paymentDtoJson(err.payment, linkBase);
  if (err.code === 'verification_failed' && err.verificationError !== undefined) extra.verification_error = err.verificationError;
  return new PiRefusal(err.code, { extra });
}

/** Runs a payments function; its refusal becomes the dialect's. */
export async function refusing<T>(work: Promise<T>, linkBase: string): Promise<T> {
  try {
    return await work;
  } catch (err) {
    if (err instanceof PaymentError) throw paymentRefusal(err, linkBase);
    throw err;
  }
}

const depsCache = new WeakMap<Services, PaymentsDeps>();

export function depsOf(services: Services): PaymentsDeps {
  let deps = depsCache.get(services);
  if (!deps) {
    deps = paymentsDeps(services);
    depsCache.set(services, deps);
  }
  return deps;
}

/** Who is asking, as the payments module sees it (§3.10: what each credential may see). */
export function viewerOf(caller: PiCaller): PaymentViewer {
  switch (caller.kind) {
    case 'key':
      return { kind: 'app', appId: caller.app.id };
    case 'access':
      return { kind: 'app_user', appId: caller.app.id, userId: caller.access.user.id };
    case 'wallet':
      return { kind: 'wallet', userId: caller.userId };
  }
}

/** The app of a route that accepts `Key` only (the pipeline refused every other scheme). */
function keyApp(ctx: PiContext<unknown>): number {
  if (ctx.caller.kind !== 'key') throw new Error(`${ctx.request.url} reached without a Key`);
  return ctx.caller.app.id;
}

/** The access token's (app, user) of a route that accepts access tokens only. */
function accessUser(ctx: PiContext<unknown>): { appId: number; userId: number } {
  if (ctx.caller.kind !== 'access') throw new Error(`${ctx.request.url} reached without an access token`);
  return { appId: ctx.caller.app.id, userId: ctx.caller.access.user.id };
}

/**
 * The `{payment_id}` path segment. §5.1: anything that is not 28 of [0-9A-Za-z] (the literal `:paymentId`, or the
 * `user_to_app` segment of a GET) names no payment — answered 404 at step 7, after authentication and the body.
 */
function paymentId(ctx: PiContext<unknown>): string {
  const id = ctx.params.paymentId ?? '';
  if (!/^[0-9A-Za-z]{28}$/.test(id)) throw new PiRefusal('payment_not_found');
  return id;
}

function dto(ctx: PiContext<unknown>) {
  return (p: Parameters<typeof paymentDtoJson>[0]): string => paymentDtoJson(p, ctx.linkBase);
}

const KEY = ['key'] as const;
const ACCESS = ['access'] as const;
/** §2.1: get and cancel also take the payment user's access token or wallet token. */
const ANY = ['key', 'access', 'wallet'] as const;

async function getPaymentHandler(ctx: PiContext<undefined>): Promise<WireResponse> {
  const p = await refusing(getPayment(ctx.trx, paymentId(ctx), viewerOf(ctx.caller), depsOf(ctx.services)), ctx.linkBase);
  return okJson(dto(ctx)(p));
}

export const PAYMENT_ROUTES: readonly PiRoute[] = [
  piRoute({
    method: 'POST',
    path: '/v2/payments',
    schemes: KEY,
    parse: parseAppToUser,
    async handler(ctx) {
      const { uid, amount, memo, metadataJson } = ctx.input;
      const p = await refusing(createAppToUser(ctx.trx, { appId: keyApp(ctx), uid, amount, memo, metadataJson }, depsOf(ctx.services)), ctx.linkBase);
      return okJson(dto(ctx)(p));
    },
  }),
  piRoute({
    method: 'GET',
    path: '/v2/payments/incomplete_server_payments',
    schemes: KEY,
    async handler(ctx) {
      const list = await refusing(incompleteServerPayments(ctx.trx, keyApp(ctx), depsOf(ctx.services)), ctx.linkBase);
      return okJson(`{"incomplete_server_payments":[${list.map(dto(ctx)).join(',')}]}`);
    },
  }),
  piRoute({ method: 'GET', path: '/v2/payments/:paymentId', schemes: ANY, handler: getPaymentHandler }),
  // §3.3: `GET /v2/payments/<anything>` is the get-payment route, including the segment POST uses for U2A creates.
  piRoute({ method: 'GET', path: '/v2/payments/user_to_app', schemes: ANY, handler: getPaymentHandler }),
  piRoute({
    method: 'POST',
    path: '/v2/payments/:paymentId/approve',
    schemes: KEY,
    ignoresBody: true,
    async handler(ctx) {
      const p = await refusing(approvePayment(ctx.trx, paymentId(ctx), keyApp(ctx), depsOf(ctx.services)), ctx.linkBase);
      return okJson(dto(ctx)(p));
    },
  }),
  piRoute({
    method: 'POST',
    path: '/v2/payments/:paymentId/complete',
    schemes: KEY,
    parse: parseComplete,
    async handler(ctx) {
      const p = await refusing(completePayment(ctx.trx, paymentId(ctx), keyApp(ctx), ctx.input.txid, depsOf(ctx.services)), ctx.linkBase);
      return okJson(dto(ctx)(p));
    },
  }),
  piRoute({
    method: 'POST',
    path: '/v2/payments/:paymentId/cancel',
    schemes: ANY,
    ignoresBody: true,
    async handler(ctx) {
      const p = await refusing(cancelPayment(ctx.trx, paymentId(ctx), viewerOf(ctx.caller), depsOf(ctx.services)), ctx.linkBase);
      return okJson(dto(ctx)(p));
    },
  }),
  piRoute({
    method: 'POST',
    path: '/v2/payments/user_to_app',
    schemes: ACCESS,
    scope: 'payments',
    parse: parseUserToApp,
    async handler(ctx) {
      const { appId, userId } = accessUser(ctx);
      const { amount, memo, metadataJson } = ctx.input;
      const p = await refusing(createUserToApp(ctx.trx, { appId, userId, amount, memo, metadataJson }, depsOf(ctx.services)), ctx.linkBase);
      return okJson(dto(ctx)(p));
    },
  }),
  piRoute({
    method: 'GET',
    path: '/v2/payments/incomplete',
    schemes: ACCESS,
    async handler(ctx) {
      const { appId, userId } = accessUser(ctx);
      const p = await refusing(incompleteUserPayment(ctx.trx, appId, userId, depsOf(ctx.services)), ctx.linkBase);
      return okJson(p === null ? '{"exists":false,"payment":null}' : `{"exists":true,"payment":${dto(ctx)(p)}}`);
    },
  }),
  // §3.16: the payer's credential pays. Access tokens are authenticated here only to be refused 403 `forbidden`
  // (after the 404 for payments they cannot see): a credential an app holds never spends a user's balance.
  piRoute({
    method: 'POST',
    path: '/v2/payments/:paymentId/transaction',
    schemes: ANY,
    ignoresBody: true,
    async handler(ctx) {
      const p = await refusing(payPayment(ctx.trx, paymentId(ctx), viewerOf(ctx.caller), depsOf(ctx.services)), ctx.linkBase);
      return okJson(dto(ctx)(p));
    },
  }),
];
