// The hosted wallet page the Pi SDK opens for a U2A payment (spec/pi.md §6.2, §6.3):
//   GET  /pi/wallet?payment=<identifier>&origin=<page origin>   (also under /apps/<appkey>)
//   POST /pi/wallet   form: csrf, payment, origin, decision=pay|reject, pay_password (pay only)
// It shows the app, the memo, the amount and the user's balance, then by state: "waiting for approval" (`created`),
// Pay / Reject (`approved`; Pay disabled with the reason when the balance is short or no pay password is usable),
// "waiting for the app" (`verified`), done (`completed`, `cancelled`: the window closes itself).
//
// Design: paying is a plain form POST to this page — CSRF token + the user's **pay password** — and the server pays
// by calling the payments module's `payPayment` with a `{kind: 'wallet', userId}` payer. The pay password is checked
// with core/identity/payPasswords.ts in two steps: the scrypt check on the root connection with no transaction open,
// then, inside the one transaction that pays, `confirmUserPayPassword` (which refuses if the hash changed meanwhile)
// followed by `payPayment`. So no payment is ever paid from this page without the pay password, and no credential
// that could spend the balance ever reaches the browser (the page needs no wallet token; `POST /pi/wallet/token`
// and the transaction route stay available for API use). Reject is the user's cancel (`cancelPayment` with a wallet
// viewer) and needs no pay password: it moves no money.
//
// Checks in order: the origin parameter (400 page), the Plaza session (→ hosted sign-in, back here), the payment as
// the signed-in user sees it (404 page: unknown, another user's, or not a U2A payment), its app (404 page), the
// origin registered for that app (400 page; nothing is ever posted to an unregistered origin). POSTs check CSRF
// first. While waiting (`created`, `verified`) the page reloads itself every 2 s (`Refresh` header; no script
// needed); a nonce script tells the opener `{type: 'plaza:pi:wallet', payment, state}` — a hint only: the SDK
// re-reads the payment — with the exact registered origin as targetOrigin, and closes the window when done.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { getApp, type App } from '../../core/identity/apps.js';
import { IdentityError } from '../../core/identity/errors.js';
import {
  checkUserPayPassword,
  confirmUserPayPassword,
  getPayPasswordState,
  MAX_PAY_PASSWORD_LENGTH,
  type PayPasswordDeps,
} from '../../core/identity/payPasswords.js';
import type { User } from '../../core/identity/users.js';
import { getWalletOf } from '../../core/identity/walletKeys.js';
import { getAccount } from '../../core/ledger/accounts.js';
import { formatCanonical } from '../../core/money.js';
import { appServable } from '../../http/appGate.js';
import {
  cancelPayment,
  getPayment,
  payPayment,
  PaymentError,
  paymentsDeps,
  PI_PRECISION,
  type Payment,
} from '../../modules/payments/index.js';
import type { Services } from '../../services.js';
import { checkCsrf, csrfToken, CSRF_FIELD } from '../../web/csrf.js';
import { escapeHtml, field, hidden, input, messagePage, page, readForm, type FieldErrors, type HtmlPage } from '../../web/layout.js';
import { csrfRefused, overLimit, pageRoute, seeOther, waitText, webIdentityDeps } from '../../web/route.js';
import { clientIp, currentUser, signInRedirect } from '../../web/session.js';
import { allowNonceScripts, newNonce, scriptLiteral } from '../hostedScript.js';
import { exactOrigin, originAllowed } from './origins.js';

export const WALLET_PATH = '/pi/wallet';

/** Pay attempts per minute (sliding window), per client address and per user: each costs a scrypt. */
export const WALLET_PAY_LIMITS = { perIpPerMinute: 20, perUserPerMinute: 10 } as const;

/** How often a waiting page reloads itself, and how long a finished page stays open before closing. */
const REFRESH_SECONDS = 2;
const CLOSE_AFTER_MS = 1500;

/** The message type the SDK listens for; `state` is a hint, the SDK re-reads the payment. */
export const WALLET_MESSAGE_TYPE = 'plaza:pi:wallet';

interface Target {
  payment: Payment;
  app: App;
  /** The bare origin of the app page (the postMessage target). */
  origin: string;
  user: User;
  /** The `/apps/<appkey>` prefix the page was reached under, if any. */
  prefix: string | undefined;
}

/** What a re-rendered form shows: errors next to their field, or a banner. */
interface View {
  errors?: FieldErrors;
  error?: string;
  status?: number;
}

function errorPage(status: number, title: string, message: string): HtmlPage {
  return messagePage({ title, message, status });
}

function param(source: Record<string, unknown> | URLSearchParams, name: string): string {
  const v = source instanceof URLSearchParams ? source.get(name) : source[name];
  return typeof v === 'string' ? v : '';
}

function prefixOf(request: FastifyRequest): string | undefined {
  return (request.params as { appkey?: string }).appkey;
}

function pageUrl(prefix: string | undefined, identifier: string, origin: string): string {
  const base = prefix !== undefined ? `/apps/${encodeURIComponent(prefix)}${WALLET_PATH}` : WALLET_PATH;
  return `${base}?${new URLSearchParams({ payment: identifier, origin }).toString()}`;
}

function actionUrl(prefix: string | undefined): string {
  return prefix !== undefined ? `/apps/${encodeURIComponent(prefix)}${WALLET_PATH}` : WALLET_PATH;
}

/** The payment, its app and the origin of a request, the sign-in redirect, or the page refusing it. */
async function resolveTarget(
  request: FastifyRequest,
  reply: FastifyReply,
  source: Record<string, unknown> | URLSearchParams,
  services: Services,
): Promise<Target | HtmlPage | FastifyReply> {
  const identifier = param(source, 'payment').slice(0, 64);
  const origin = exactOrigin(param(source, 'origin'));
  if (origin === null) return errorPage(400, 'Missing origin', 'This payment link does not name the web page to return to (parameter "origin").');
  const prefix = prefixOf(request);
  const session = await currentUser(request, services);
  if (session === null) return signInRedirect(reply, pageUrl(prefix, identifier, origin));
  const unknown = errorPage(404, 'Unknown payment', 'There is no payment of yours with this id. It may belong to another Plaza account: check who is signed in.');
  let payment: Payment;
  try {
    // getPayment applies an overdue expiry first (§4.3), so it needs a transaction.
    payment = await services.db.transaction().execute((trx) => getPayment(trx, identifier, { kind: 'wallet', userId: session.user.id }, paymentsDeps(services)));
  } catch (err) {
    if (err instanceof PaymentError && err.code === 'payment_not_found') return unknown;
    throw err;
  }
  // An app-to-user payment is paid by the app: there is nothing for the user to approve here.
  if (payment.direction !== 'user_to_app') return unknown;
  const app = await getApp(services.db, payment.appId);
  if (!app || (prefix !== undefined && prefix.toLowerCase() !== app.appkey) || !(await appServable(services.db, app, 'pi', services.clock))) {
    return errorPage(404, 'Unknown app', 'The app this payment belongs to does not exist or is disabled.');
  }
  if (!originAllowed(app, origin, services.config.sandbox)) {
    return errorPage(400, 'Unregistered web address', `${origin} is not a web address registered for ${app.name}; nothing was sent to it.`);
  }
  return { payment, app, origin, user: session.user, prefix };
}

function isTarget(t: Target | HtmlPage | FastifyReply): t is Target {
  return 'payment' in t;
}

function amountText(minor: bigint, services: Services): string {
  return `${formatCanonical(minor, PI_PRECISION)} ${services.config.pi.assetSymbol}`;
}

/** What the user can spend now: the posted balance less outbound holds; 0 without a wallet yet. */
async function spendable(services: Services, userId: number): Promise<bigint> {
  const wallet = await getWalletOf(services.db, { kind: 'user', userId });
  const account = wallet ? await getAccount(services.db, wallet.accountId) : null;
  return account ? account.balance - account.pendingOut : 0n;
}

function formatTime(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

const CANCEL_TEXT: Record<string, string> = {
  user: 'You rejected this payment. Nothing was paid.',
  developer: 'The app cancelled this payment. Nothing was paid.',
  approval_timeout: 'The app did not approve this payment in time. Nothing was paid.',
  expired: 'This payment was not paid in time. Nothing was paid.',
  superseded: 'A newer payment replaced this one. Nothing was paid.',
};

function alertBanner(html: string): string {
  return `<div class="banner banner-error" role="alert">${html}</div>`;
}

function statusBanner(text: string): string {
  return `<div class="banner banner-notice" role="status">${escapeHtml(text)}</div>`;
}

function rejectForm(t: Target, csrf: string): string {
  return `<form method="post" action="${escapeHtml(actionUrl(t.prefix))}" class="actions">
${hidden(CSRF_FIELD, csrf)}${hidden('payment', t.payment.identifier)}${hidden('origin', t.origin)}${hidden('decision', 'reject')}
<button type="submit" class="danger">Reject</button>
</form>`;
}

/** Pay form, with the reason it is disabled (if any) above it; Reject below. */
async function approvedSection(t: Target, csrf: string, balance: bigint, services: Services, v: View): Promise<string> {
  const pay = await getPayPasswordState(services.db, t.user.id, services.clock);
  const reload = escapeHtml(pageUrl(t.prefix, t.payment.identifier, t.origin));
  let blocked: string | null = null;
  if (!pay?.set) {
    blocked = `You need a pay password to pay. <a href="/account#pay-password" target="_blank" rel="noopener">Set one on your account page</a> (opens in a new tab), then <a href="${reload}">reload this page</a>.`;
  } else if (pay.lockedUntil !== null) {
    blocked = `Your pay password is locked after too many wrong attempts until ${escapeHtml(formatTime(pay.lockedUntil))}.`;
  } else if (balance < t.payment.amount) {
    blocked = `Your balance is too low for this payment: you have ${escapeHtml(amountText(balance, services))}. Add funds, then <a href="${reload}">reload this page</a>.`;
  }
  const disabled = blocked !== null ? ' disabled' : '';
  return `${v.error ? alertBanner(escapeHtml(v.error)) : ''}${blocked !== null ? alertBanner(blocked) : ''}
<form method="post" action="${escapeHtml(actionUrl(t.prefix))}" novalidate>
${hidden(CSRF_FIELD, csrf)}${hidden('payment', t.payment.identifier)}${hidden('origin', t.origin)}${hidden('decision', 'pay')}
${input({ name: 'pay_password', label: 'Pay password', type: 'password', autocomplete: 'off', hint: 'The pay password you set on your Plaza account, not your sign-in password.', errors: v.errors ?? {}, extra: `${disabled}${blocked === null ? ' autofocus' : ''}`.trim() })}
<button type="submit" class="block"${disabled}>Pay ${escapeHtml(amountText(t.payment.amount, services))}</button>
</form>
${rejectForm(t, csrf)}`;
}

/** The script that hands the state to the opener (registered origin only) and, when done, closes the window. */
function messageScript(t: Target, state: 'paid' | 'completed' | 'cancelled', nonce: string): string {
  const message = { type: WALLET_MESSAGE_TYPE, payment: t.payment.identifier, state };
  const close = state === 'paid' ? '' : `setTimeout(function(){window.close();},${CLOSE_AFTER_MS});`;
  return `<script nonce="${nonce}">(function(){var m=${scriptLiteral(message)};var o=${scriptLiteral(t.origin)};` +
    `if(window.opener){try{window.opener.postMessage(m,o);}catch(e){}${close}}})();</script>`;
}

async function walletPage(request: FastifyRequest, reply: FastifyReply, t: Target, services: Services, v: View = {}): Promise<HtmlPage> {
  const p = t.payment;
  const balance = await spendable(services, t.user.id);
  const facts = `<dl class="facts">
<dt>App</dt><dd>${escapeHtml(t.app.name)}</dd>
<dt>For</dt><dd>${p.memo === '' ? '<span class="muted">no description</span>' : escapeHtml(p.memo)}</dd>
<dt>Amount</dt><dd data-field="amount">${escapeHtml(amountText(p.amount, services))}</dd>
<dt>Your balance</dt><dd data-field="balance">${escapeHtml(amountText(balance, services))}</dd>
<dt>Paying as</dt><dd>${escapeHtml(t.user.username)}</dd>
</dl>`;
  const nonce = newNonce();
  let title = `Pay ${t.app.name}`;
  let section: string;
  let refresh = false;
  switch (p.state) {
    case 'created':
      section = `${statusBanner(`Waiting for ${t.app.name} to approve this payment… This page updates by itself.`)}\n${rejectForm(t, csrfToken(request, reply, services))}`;
      refresh = true;
      break;
    case 'approved':
      section = await approvedSection(t, csrfToken(request, reply, services), balance, services, v);
      break;
    case 'verified':
      title = 'Paid';
      section = `${statusBanner(`Paid. Waiting for ${t.app.name} to confirm… This window closes by itself.`)}${messageScript(t, 'paid', nonce)}`;
      refresh = true;
      break;
    case 'completed':
      title = 'Payment complete';
      section = `${statusBanner('Payment complete. This window closes by itself.')}${messageScript(t, 'completed', nonce)}`;
      break;
    case 'cancelled':
      title = 'Payment cancelled';
      section = `${statusBanner(CANCEL_TEXT[p.cancelReason ?? 'developer'] ?? CANCEL_TEXT.developer!)}${messageScript(t, 'cancelled', nonce)}`;
      break;
  }
  const rendered = allowNonceScripts(page({ title, status: v.status ?? 200, body: `<h1>${escapeHtml(title)}</h1>\n${facts}\n${section}` }), nonce);
  const headers: Record<string, string> = { ...rendered.headers, 'referrer-policy': 'no-referrer' };
  if (refresh) headers.refresh = String(REFRESH_SECONDS);
  return { ...rendered, headers };
}

function payPasswordDeps(services: Services): PayPasswordDeps {
  const { payPasswordMaxFailures, payPasswordLockSeconds } = services.config.ulord;
  return { ...webIdentityDeps(services), maxFailures: payPasswordMaxFailures, lockSeconds: payPasswordLockSeconds };
}

const WRONG_PAY_PASSWORD = 'That is not your pay password.';

async function reload(request: FastifyRequest, reply: FastifyReply, t: Target, services: Services, v: View): Promise<HtmlPage | FastifyReply> {
  // The state may have moved since the form was shown (paid elsewhere, cancelled): render what it is now.
  const fresh = await resolveTarget(request, reply, new URLSearchParams({ payment: t.payment.identifier, origin: t.origin }), services);
  return isTarget(fresh) ? walletPage(request, reply, fresh, services, v) : fresh;
}

/** An identity refusal of the pay password as the page shows it; null for one that is not about the password. */
function payPasswordRefusal(code: string): View | null {
  switch (code) {
    case 'wrong_pay_password':
      return { errors: { pay_password: WRONG_PAY_PASSWORD }, status: 400 };
    case 'pay_password_locked':
    case 'pay_password_not_set':
      // The section explains both (locked until …, set one on the account page).
      return { status: 403 };
    default:
      return null;
  }
}

async function pay(request: FastifyRequest, reply: FastifyReply, t: Target, form: URLSearchParams, services: Services): Promise<HtmlPage | FastifyReply> {
  const payPassword = field(form, 'pay_password', { trim: false, max: MAX_PAY_PASSWORD_LENGTH + 1 });
  if (payPassword === '') return walletPage(request, reply, t, services, { errors: { pay_password: 'Enter your pay password.' }, status: 400 });
  const wait = await overLimit(services, [
    [`web.piwallet.ip:${clientIp(request)}`, WALLET_PAY_LIMITS.perIpPerMinute],
    [`web.piwallet.user:${t.user.id}`, WALLET_PAY_LIMITS.perUserPerMinute],
  ]);
  if (wait !== null) {
    reply.header('retry-after', String(wait));
    return walletPage(request, reply, t, services, { error: `Too many attempts. Wait ${waitText(wait)} and try again.`, status: 429 });
  }
  // Step 1, expensive, with no transaction open.
  const check = await checkUserPayPassword(services.db, t.user.id, payPassword, payPasswordDeps(services));
  if (check.kind === 'wrong') return walletPage(request, reply, t, services, { errors: { pay_password: WRONG_PAY_PASSWORD }, status: 400 });
  if (check.kind === 'locked' || check.kind === 'not_set') return walletPage(request, reply, t, services, { status: 403 });
  if (check.kind === 'user_not_found') return signInRedirect(reply, pageUrl(t.prefix, t.payment.identifier, t.origin));
  try {
    // Step 2: the password still holds, and the payment is paid, in one transaction.
    await services.db.transaction().execute(async (trx) => {
      await confirmUserPayPassword(trx, check);
      await payPayment(trx, t.payment.identifier, { kind: 'wallet', userId: t.user.id }, paymentsDeps(services));
    });
  } catch (err) {
    if (err instanceof IdentityError) {
      const view = payPasswordRefusal(err.code);
      if (view) return reload(request, reply, t, services, view);
      return signInRedirect(reply, pageUrl(t.prefix, t.payment.identifier, t.origin));
    }
    if (err instanceof PaymentError && err.code === 'insufficient_funds') {
      return reload(request, reply, t, services, { error: 'Your balance does not cover this payment. Nothing was paid.', status: 409 });
    }
    if (err instanceof PaymentError && err.code === 'payment_not_approved') {
      return reload(request, reply, t, services, { error: 'The app has not approved this payment yet.', status: 409 });
    }
    // Cancelled meanwhile (by the app, a timeout or another window): the page shows it.
    if (!(err instanceof PaymentError && err.code === 'cancelled_payment')) throw err;
  }
  return seeOther(reply, pageUrl(t.prefix, t.payment.identifier, t.origin));
}

async function reject(reply: FastifyReply, t: Target, services: Services): Promise<FastifyReply> {
  try {
    await services.db.transaction().execute((trx) => cancelPayment(trx, t.payment.identifier, { kind: 'wallet', userId: t.user.id }, paymentsDeps(services)));
  } catch (err) {
    // Paid, completed or cancelled meanwhile: nothing to reject any more, and the page shows the state it is in.
    const settled = ['payment_tx_present', 'already_completed', 'cancelled_payment'];
    if (!(err instanceof PaymentError && settled.includes(err.code))) throw err;
  }
  return seeOther(reply, pageUrl(t.prefix, t.payment.identifier, t.origin));
}

async function showPage(request: FastifyRequest, reply: FastifyReply, services: Services): Promise<FastifyReply | HtmlPage> {
  const t = await resolveTarget(request, reply, request.query as Record<string, unknown>, services);
  return isTarget(t) ? walletPage(request, reply, t, services) : t;
}

async function answerForm(request: FastifyRequest, reply: FastifyReply, services: Services): Promise<FastifyReply | HtmlPage> {
  const form = readForm(request);
  if (!checkCsrf(request, form, services)) return csrfRefused();
  const t = await resolveTarget(request, reply, form, services);
  if (!isTarget(t)) return t;
  const decision = form.get('decision');
  if (decision === 'reject') return reject(reply, t, services);
  if (decision !== 'pay') return errorPage(400, 'No decision', 'Choose Pay or Reject.');
  // Paid, cancelled or not approved yet: the page shows the state it is in (a double submit lands here).
  if (t.payment.state !== 'approved') return seeOther(reply, pageUrl(t.prefix, t.payment.identifier, t.origin));
  return pay(request, reply, t, form, services);
}

export function registerWalletPage(app: FastifyInstance, services: Services): void {
  for (const url of [WALLET_PATH, `/apps/:appkey${WALLET_PATH}`]) {
    app.get(url, pageRoute((request, reply) => showPage(request, reply, services)));
    app.post(url, pageRoute((request, reply) => answerForm(request, reply, services)));
  }
}
