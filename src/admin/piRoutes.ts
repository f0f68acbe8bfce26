// The admin routes of Pi payments (spec/pi.md §5.4, §8): an app's Pi settings (network, A2U switch and open limit),
// the reveal of its wallet's S-seed to its owner, and its payments for the console. Settings and payments: the app's
// owner or an admin. The seed: the owner only, re-authenticated by the developer's password — checked with scrypt
// before the transaction opens (`prepare`) and confirmed inside it with a condition on the hash that was checked.
// Like every write, the reveal is audited (the password is redacted there and the seed never enters the log).
import type { Kysely, Transaction } from 'kysely';
import { setAppControls } from '../core/identity/appControls.js';
import { getApp, ownedLiveApp } from '../core/identity/apps.js';
import { confirmPasswordCheck, precheckPassword, type Developer, type PasswordCheck } from '../core/identity/developers.js';
import { IdentityError } from '../core/identity/errors.js';
import { ensureWalletKey, getWalletOf, revealWalletSeed } from '../core/identity/walletKeys.js';
import { formatFixed } from '../core/money.js';
import type { DB } from '../db/schema.js';
import { JsonNumber } from '../http/body.js';
import {
  appPiSettings,
  getPayment,
  listAppPayments,
  PaymentError,
  paymentAssetId,
  paymentFlags,
  paymentsDeps,
  PI_PRECISION,
  type Payment,
} from '../modules/payments/index.js';
import type { Services } from '../services.js';
import { adminError } from './errors.js';
import { defineRoute, type AdminRoute } from './route.js';
import { idParam, pathParams, type ObjectSchema, type Schema } from './schema.js';
import { listOf } from './views.js';

const str: Schema = { type: 'string' };
const int: Schema = { type: 'integer' };
const bool: Schema = { type: 'boolean' };
const time: Schema = { type: 'string', format: 'date-time' };
const nullableTime: Schema = { type: ['string', 'null'], format: 'date-time' };
const address: Schema = { type: 'string', pattern: '^G[A-Z2-7]{55}$', description: 'StrKey G-address of the wallet key.' };
const identifier: Schema = { type: 'string', pattern: '^[0-9A-Za-z]{28}$', description: 'The payment identifier.' };

const STATES = ['created', 'approved', 'verified', 'completed', 'cancelled'] as const;
const DIRECTIONS = ['user_to_app', 'app_to_user'] as const;
const CANCEL_REASONS = ['developer', 'approval_timeout', 'expired', 'superseded', 'user'] as const;
/** §5.7. */
const MAX_NETWORK = 64;
/** The payments module treats a larger open limit as unset; the API refuses it instead. */
const MAX_OPEN_LIMIT = 1000;
const DEFAULT_PAGE = 50;
const MAX_PAGE = 200;

function object(properties: Record<string, Schema>): ObjectSchema {
  return { type: 'object', properties, required: Object.keys(properties), additionalProperties: false };
}

const piSettingsSchema = object({
  app_id: int,
  network: { type: 'string', description: 'Passphrase copied onto each new payment; gateway signatures are checked against it.', example: 'Pi Testnet' },
  a2u_enabled: { type: 'boolean', description: 'Whether the app may create app-to-user payments.' },
  a2u_max_open_per_app: { type: 'integer', description: 'How many A2U payments may be open (approved or paid, not completed) at once.' },
  wallet_address: { type: ['string', 'null'], description: "The app wallet's G-address; null until the wallet is first needed." },
});

const revealedSeedSchema = object({
  app_id: int,
  address,
  seed: { type: 'string', pattern: '^S[A-Z2-7]{55}$', description: "The app wallet's StrKey S-seed: give it to pi-backend or stellar-sdk, never to a browser." },
});

const paymentSchema = object({
  identifier,
  app_id: int,
  direction: { type: 'string', enum: DIRECTIONS },
  user_id: { type: 'integer', description: 'The payer (U2A) or recipient (A2U).' },
  user_uid: { type: 'string', description: "That user's uid for this app." },
  amount: { type: 'string', pattern: '^[0-9]+\\.[0-9]{7}$', description: 'Amount in asset units.' },
  amount_minor: { type: 'string', pattern: '^[0-9]+$', description: 'Exact amount in minor units (10^-7).' },
  memo: str,
  metadata_json: { type: 'string', description: 'The metadata object exactly as the app sent it (JSON text).' },
  from_address: address,
  to_address: address,
  network: str,
  state: { type: 'string', enum: STATES },
  cancel_reason: { type: ['string', 'null'], description: `Why it was cancelled: ${CANCEL_REASONS.join(', ')}; null unless cancelled.` },
  status: object({ developer_approved: bool, transaction_verified: bool, developer_completed: bool, cancelled: bool, user_cancelled: bool }),
  txid: { type: ['string', 'null'], pattern: '^[0-9a-f]{64}$' },
  created_at: time,
  approved_at: nullableTime,
  verified_at: nullableTime,
  completed_at: nullableTime,
  cancelled_at: nullableTime,
});

function isoOrNull(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString();
}

function paymentView(p: Payment) {
  return {
    identifier: p.identifier,
    app_id: p.appId,
    direction: p.direction,
    user_id: p.userId,
    user_uid: p.userUid,
    amount: formatFixed(p.amount, PI_PRECISION),
    amount_minor: p.amount.toString(),
    memo: p.memo,
    metadata_json: p.metadataJson,
    from_address: p.fromAddress,
    to_address: p.toAddress,
    network: p.network,
    state: p.state,
    cancel_reason: p.cancelReason,
    status: { ...paymentFlags(p) },
    txid: p.txid,
    created_at: new Date(p.createdAt).toISOString(),
    approved_at: isoOrNull(p.approvedAt),
    verified_at: isoOrNull(p.verifiedAt),
    completed_at: isoOrNull(p.completedAt),
    cancelled_at: isoOrNull(p.cancelledAt),
  };
}

async function settingsView(db: Kysely<DB> | Transaction<DB>, appId: number) {
  const app = await getApp(db, appId);
  if (!app) throw adminError('not_found', `no live app ${appId}`);
  const s = appPiSettings(app);
  const wallet = await getWalletOf(db, { kind: 'app', appId });
  return { app_id: appId, network: s.network, a2u_enabled: s.a2uEnabled, a2u_max_open_per_app: s.a2uMaxOpenPerApp, wallet_address: wallet?.address ?? null };
}

function passwordDeps(services: Services) {
  return services.passwords ? { passwords: services.passwords } : {};
}

/** The seed is the owner's alone (§5.4): an admin who does not own the app is refused too. */
function requireOwner(app: { developerId: number; status: string } | null, caller: Developer, appId: number): void {
  if (!app || app.status !== 'live') throw adminError('not_found', `no live app ${appId}`);
  if (app.developerId !== caller.id) throw adminError('forbidden', "only the app's owner may reveal its wallet seed");
}

/** Runs a payments call in its own transaction (a read may apply an overdue expiry); its refusals become 404s. */
async function paymentsRead<T>(db: Kysely<DB>, work: (trx: Transaction<DB>) => Promise<T>): Promise<T> {
  try {
    return await db.transaction().execute(work);
  } catch (err) {
    if (err instanceof PaymentError && err.code === 'payment_not_found') throw adminError('not_found', 'no such payment of this app');
    throw err;
  }
}

const appPaymentParams = pathParams({ id: { type: 'integer', minimum: 1 }, identifier });

export const PI_ROUTES: readonly AdminRoute[] = [
  defineRoute({
    method: 'GET',
    path: '/admin/v1/apps/:id/pi',
    operationId: 'getAppPiSettings',
    summary: "An app's Pi settings in force (defaults filled in) and its wallet address (the app's owner or an admin)",
    tag: 'pi',
    access: 'developer',
    params: idParam,
    status: 200,
    response: piSettingsSchema,
    errors: ['not_found', 'forbidden'],
    async handler({ db, params, caller }) {
      await ownedLiveApp(db, caller, params.id as number);
      return settingsView(db, params.id as number);
    },
  }),
  defineRoute({
    method: 'PATCH',
    path: '/admin/v1/apps/:id/pi',
    operationId: 'updateAppPiSettings',
    summary: "Change an app's Pi settings (the app's owner or an admin); new payments take the network in force at creation",
    tag: 'pi',
    access: 'developer',
    params: idParam,
    body: {
      type: 'object',
      description: 'A partial update: absent fields are kept.',
      properties: {
        network: { type: 'string', minLength: 1, maxLength: MAX_NETWORK, description: 'Network passphrase, e.g. `Pi Testnet` or `Pi Network`.', example: 'Pi Network' },
        a2u_enabled: { type: 'boolean', description: 'Allow app-to-user payments (default true).' },
        a2u_max_open_per_app: { type: 'integer', minimum: 1, maximum: MAX_OPEN_LIMIT, description: 'Open A2U payments allowed at once (default 1).' },
      },
      additionalProperties: false,
    },
    status: 200,
    response: piSettingsSchema,
    errors: ['invalid_request', 'not_found', 'forbidden', 'idempotency_conflict'],
    async handler({ trx, params, body, caller, services }) {
      const appId = params.id as number;
      await ownedLiveApp(trx(), caller, appId);
      const pi: { network?: string; a2uEnabled?: boolean; a2uMaxOpenPerApp?: number } = {};
      if (body.network !== undefined) pi.network = body.network as string;
      if (body.a2u_enabled !== undefined) pi.a2uEnabled = body.a2u_enabled as boolean;
      if (body.a2u_max_open_per_app !== undefined) pi.a2uMaxOpenPerApp = Number((body.a2u_max_open_per_app as JsonNumber).text);
      await setAppControls(trx(), appId, { settings: { pi } }, services);
      return settingsView(trx(), appId);
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/admin/v1/apps/:id/pi/wallet/reveal-seed',
    operationId: 'revealAppWalletSeed',
    summary: "Reveal the app wallet's S-seed to the app's owner, who re-enters their password (created on first need)",
    tag: 'pi',
    access: 'developer',
    params: idParam,
    body: object({ password: { type: 'string', minLength: 1, maxLength: 1024, description: "The calling developer's password." } }),
    status: 200,
    response: revealedSeedSchema,
    errors: ['invalid_request', 'not_found', 'forbidden', 'idempotency_conflict'],
    async prepare({ services, caller, params, body }): Promise<PasswordCheck> {
      const appId = params.id as number;
      requireOwner(await getApp(services.db, appId), caller, appId);
      return precheckPassword(services.db, caller.username, body.password as string, passwordDeps(services));
    },
    async handler({ trx, params, caller, services, prepared }) {
      const appId = params.id as number;
      const check = prepared as PasswordCheck;
      try {
        const confirmed = await confirmPasswordCheck(trx(), check);
        if (confirmed.id !== caller.id) throw new IdentityError('wrong_password');
      } catch (err) {
        if (err instanceof IdentityError) throw adminError('forbidden', 'the password does not match: re-enter your developer password');
        throw err;
      }
      // Ownership again inside the transaction: the app may have changed hands since `prepare` looked.
      requireOwner(await getApp(trx(), appId), caller, appId);
      const deps = paymentsDeps(services);
      const key = await ensureWalletKey(trx(), { kind: 'app', appId }, { box: services.box, clock: services.clock, assetId: await paymentAssetId(trx(), deps) });
      return { app_id: appId, address: key.address, seed: await revealWalletSeed(trx(), { kind: 'app', appId }, services.box) };
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/admin/v1/apps/:id/payments',
    operationId: 'listAppPayments',
    summary: "An app's Pi payments, newest first (the app's owner or an admin)",
    tag: 'pi',
    access: 'developer',
    params: idParam,
    query: {
      type: 'object',
      properties: {
        state: { type: 'string', enum: STATES },
        direction: { type: 'string', enum: DIRECTIONS },
        after: { ...identifier, description: 'Return payments older than this one (exclusive cursor: the last identifier of the previous page).' },
        limit: { type: 'integer', minimum: 1, maximum: MAX_PAGE, description: `Page size, default ${DEFAULT_PAGE}.` },
      },
    },
    status: 200,
    response: listOf(paymentSchema),
    errors: ['invalid_request', 'not_found', 'forbidden'],
    async handler({ db, params, query, caller, services }) {
      const appId = params.id as number;
      await ownedLiveApp(db, caller, appId);
      const filter = {
        ...(query.state !== undefined ? { state: query.state as (typeof STATES)[number] } : {}),
        ...(query.direction !== undefined ? { direction: query.direction as (typeof DIRECTIONS)[number] } : {}),
        ...(query.after !== undefined ? { after: query.after as string } : {}),
        limit: (query.limit as number | undefined) ?? DEFAULT_PAGE,
      };
      const page = await paymentsRead(db, (trx) => listAppPayments(trx, appId, filter, paymentsDeps(services)));
      if (page === null) throw adminError('invalid_request', `query parameter after: app ${appId} has no payment ${filter.after ?? ''}`);
      return page.map(paymentView);
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/admin/v1/apps/:id/payments/:identifier',
    operationId: 'getAppPayment',
    summary: "One of an app's Pi payments (the app's owner or an admin)",
    tag: 'pi',
    access: 'developer',
    params: appPaymentParams,
    status: 200,
    response: paymentSchema,
    errors: ['invalid_request', 'not_found', 'forbidden'],
    async handler({ db, params, caller, services }) {
      const appId = params.id as number;
      await ownedLiveApp(db, caller, appId);
      const p = await paymentsRead(db, (trx) => getPayment(trx, params.identifier as string, { kind: 'app', appId }, paymentsDeps(services)));
      return paymentView(p);
    },
  }),
];
