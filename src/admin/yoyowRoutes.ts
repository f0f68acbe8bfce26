// The native operations the YOYOW dialect relies on (spec/yoyow.md Appendix B), for operators, the console and test
// fixtures: issue YOYO into an account's `balance` or `prepaid` (op 0 from the issuer), grant csaf (op 6), set
// `can_post` / `can_reply` / `can_rate`, create / change / suspend / revoke consents (ops 23/24), and edit an app's
// YOYOW settings. Admins only. Handlers parse and call modules/yoyow, which owns every rule; a chain refusal maps to
// the admin catalogue (2001 → not_found, 2004/2005 → insufficient_funds, 2003 → invalid_amount, others → invalid_request).
import type { Kysely, Transaction } from 'kysely';
import { setAppControls } from '../core/identity/appControls.js';
import { getApp, type AppSettings } from '../core/identity/apps.js';
import { isValidUid } from '../core/identity/uid.js';
import type { DB } from '../db/schema.js';
import type { JsonNumber } from '../http/body.js';
import {
  accountBalances,
  appChainSettings,
  grantConsent,
  grantCsaf,
  issueYoyo,
  liveConsent,
  nameOf,
  resolveAccount,
  revokeConsent,
  setAccountFlags,
  setConsentSuspended,
  YoyowChainError,
  yoyowDeps,
  YOYO_PRECISION,
  FEE_OPS,
  INT64_MAX,
  type Consent,
} from '../modules/yoyow/index.js';
import { parseAmount } from './amounts.js';
import { adminError } from './errors.js';
import { defineRoute, type AdminRoute } from './route.js';
import { idParam, pathParams, type ObjectSchema, type Schema } from './schema.js';

const TAG = 'yoyow';
const uidSchema: Schema = { type: 'integer', minimum: 0, description: 'A uid of the space users and apps share (YOYOW checksum rule).' };
const amountText: Schema = { type: 'string', pattern: '^(0|[1-9][0-9]*)(\\.[0-9]+)?$', description: 'YOYO units (precision 5), e.g. "1000" or "0.5".', example: '1000' };
const baseUnits: Schema = { type: 'string', pattern: '^[0-9]+$', description: 'Base units (1 YOYO = 100000) as decimal text.' };

function object(properties: Record<string, Schema>, optional: readonly string[] = []): ObjectSchema {
  return { type: 'object', properties, required: Object.keys(properties).filter((k) => !optional.includes(k)), additionalProperties: false };
}

const writeResultSchema = object({
  block_num: { type: 'integer', description: 'The block that seals the operation.' },
  txid: { type: 'string', pattern: '^[0-9a-f]{40}$', description: 'The YOYOW txid (first 40 hex of the operation record txid).' },
});

const accountSchema = object({
  uid: { type: 'integer' },
  kind: { type: 'string', enum: ['user', 'app', 'system'] },
  name: { type: 'string' },
  balance: baseUnits,
  prepaid: baseUnits,
  csaf: { ...baseUnits, description: 'Including the accrual pending now.' },
  can_post: { type: 'boolean' },
  can_reply: { type: 'boolean' },
  can_rate: { type: 'boolean' },
});

const consentSchema = object(
  {
    id: { type: 'string', description: 'Object id 2.22.<i>.' },
    account: { type: 'integer' },
    platform: { type: 'integer' },
    max_limit: { type: ['string', 'null'], pattern: '^[0-9]+$', description: 'Base units; null = unlimited.' },
    cur_used: baseUnits,
    permission_flags: { type: 'integer' },
    memo: { type: ['string', 'null'] },
    suspended: { type: 'boolean' },
    block_num: { type: 'integer' },
    txid: { type: 'string', pattern: '^[0-9a-f]{40}$' },
  },
  ['block_num', 'txid'],
);

const uidParam = pathParams({ uid: uidSchema });
const consentParams = pathParams({ user_uid: uidSchema, app_uid: uidSchema });

/** Maps a chain refusal onto the admin catalogue; anything else is rethrown. */
async function chain<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (!(err instanceof YoyowChainError)) throw err;
    if (err.code === 2001 || err.message === 'consent not found') throw adminError('not_found', err.message);
    if (err.code === 2004 || err.code === 2005) throw adminError('insufficient_funds', err.message);
    if (err.code === 2003) throw adminError('invalid_amount', err.message);
    throw adminError('invalid_request', err.message);
  }
}

function uidOf(v: unknown): number {
  const uid = v as number;
  if (!isValidUid(uid)) throw adminError('not_found', `${uid} is not a valid uid`);
  return uid;
}

async function accountView(db: Kysely<DB> | Transaction<DB>, uid: number, services: Parameters<typeof yoyowDeps>[0]): Promise<Record<string, unknown>> {
  const ref = await resolveAccount(db, uid);
  if (!ref) throw adminError('not_found', `no account has uid ${uid}`);
  const balances = (await accountBalances(db, uid, yoyowDeps(services))) ?? { balance: 0n, prepaid: 0n, csaf: 0n };
  const row = await db.selectFrom('yoyow_accounts').select(['can_post', 'can_reply', 'can_rate']).where('uid', '=', uid).executeTakeFirst();
  const system = ref.kind === 'system';
  return {
    uid,
    kind: ref.kind,
    name: nameOf(ref),
    balance: balances.balance.toString(),
    prepaid: balances.prepaid.toString(),
    csaf: balances.csaf.toString(),
    can_post: !system && (row ? Number(row.can_post) === 1 : true),
    can_reply: !system && (row ? Number(row.can_reply) === 1 : true),
    can_rate: !system && (row ? Number(row.can_rate) === 1 : true),
  };
}

function consentView(c: Consent, tx?: { block_num: number; txid: string }): Record<string, unknown> {
  return {
    id: `2.22.${c.instance}`,
    account: c.userUid,
    platform: c.appUid,
    max_limit: c.maxLimit === null ? null : c.maxLimit.toString(),
    cur_used: c.curUsed.toString(),
    permission_flags: c.permissionFlags,
    memo: c.memo,
    suspended: c.suspended,
    ...(tx ?? {}),
  };
}

const YOYOW_SETTINGS_PROPS: Record<string, Schema> = {
  security_level: { type: 'string', enum: ['simple', 'standard'] },
  secure_ageing: { type: 'integer', minimum: 1, maximum: 30 * 86400, description: 'Seconds.' },
  secure_future_skew: { type: 'integer', minimum: 0, maximum: 30 * 86400, description: 'Seconds; 0 disables.' },
  replay_protection: { type: 'boolean' },
  use_csaf: { type: 'boolean', description: 'Fees from csaf (true) or from prepaid (false).' },
  to_balance: { type: 'boolean', description: '/transfer credits the recipient\'s balance (true) or prepaid (false).' },
  wallet_url: { type: 'string', maxLength: 2048 },
  callback_url: { type: 'string', maxLength: 2048 },
  login_method: { type: 'string', enum: ['post_json', 'post_form', 'get'] },
  consent_permission_flags: { type: 'integer', minimum: 0, maximum: 255 },
  consent_max_limit: { type: 'string', pattern: '^[0-9]{1,19}$', description: 'Suggested max_limit, base units.' },
  fees: {
    type: 'object',
    description: 'Per-operation fee overrides, base units.',
    properties: Object.fromEntries(FEE_OPS.map((op) => [op, { type: 'integer', minimum: 0, maximum: Number.MAX_SAFE_INTEGER }])),
    additionalProperties: false,
  },
};

const yoyowSettingsSchema: ObjectSchema = {
  type: 'object',
  properties: { app_id: { type: 'integer' }, use_csaf: { type: 'boolean' }, to_balance: { type: 'boolean' }, settings: { type: 'object', description: 'The stored overrides (absent = node defaults).' } },
  required: ['app_id', 'use_csaf', 'to_balance', 'settings'],
  additionalProperties: false,
};

async function settingsView(db: Kysely<DB> | Transaction<DB>, appId: number): Promise<Record<string, unknown>> {
  const app = await getApp(db, appId);
  if (!app || app.status !== 'live') throw adminError('not_found', `no live app ${appId}`);
  const s = appChainSettings(app);
  return { app_id: app.id, use_csaf: s.useCsaf, to_balance: s.toBalance, settings: app.settings.yoyow ?? {} };
}

function jsonInt(v: unknown): number {
  return Number((v as JsonNumber).text ?? v);
}

export const YOYOW_ADMIN_ROUTES: readonly AdminRoute[] = [
  defineRoute({
    method: 'GET',
    path: '/admin/v1/yoyow/accounts/:uid',
    operationId: 'getYoyowAccount',
    summary: 'A YOYOW account: sub-balances (csaf with its pending accrual) and permission flags',
    tag: TAG,
    access: 'admin',
    params: uidParam,
    status: 200,
    response: accountSchema,
    errors: ['not_found'],
    async handler({ db, params, services }) {
      return accountView(db, uidOf(params.uid), services);
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/admin/v1/yoyow/accounts/:uid/issue',
    operationId: 'issueYoyo',
    summary: 'Issue YOYO into an account\'s balance or prepaid (op 0 from the issuer; refused beyond the max supply)',
    tag: TAG,
    access: 'admin',
    params: uidParam,
    body: object({ amount: amountText, into: { type: 'string', enum: ['balance', 'prepaid'] } }),
    status: 200,
    response: writeResultSchema,
    errors: ['invalid_request', 'invalid_amount', 'not_found', 'idempotency_conflict'],
    async handler({ trx, params, body, services }) {
      const amount = parseAmount(body.amount as string, YOYO_PRECISION);
      return chain(() => issueYoyo(trx(), { uid: uidOf(params.uid), amount, into: body.into as 'balance' | 'prepaid' }, yoyowDeps(services)));
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/admin/v1/yoyow/accounts/:uid/csaf',
    operationId: 'grantYoyowCsaf',
    summary: 'Grant csaf to an account (op 6 from the issuer)',
    tag: TAG,
    access: 'admin',
    params: uidParam,
    body: object({ amount: { ...amountText, description: 'csaf in YOYO-equivalent units (precision 5).' } }),
    status: 200,
    response: writeResultSchema,
    errors: ['invalid_request', 'invalid_amount', 'not_found', 'idempotency_conflict'],
    async handler({ trx, params, body, services }) {
      const amount = parseAmount(body.amount as string, YOYO_PRECISION);
      return chain(() => grantCsaf(trx(), { uid: uidOf(params.uid), amount }, yoyowDeps(services)));
    },
  }),
  defineRoute({
    method: 'PATCH',
    path: '/admin/v1/yoyow/accounts/:uid/flags',
    operationId: 'setYoyowAccountFlags',
    summary: 'Set can_post / can_reply / can_rate of a user or app (absent fields are kept)',
    tag: TAG,
    access: 'admin',
    params: uidParam,
    body: { type: 'object', properties: { can_post: { type: 'boolean' }, can_reply: { type: 'boolean' }, can_rate: { type: 'boolean' } }, additionalProperties: false },
    status: 200,
    response: accountSchema,
    errors: ['invalid_request', 'not_found', 'idempotency_conflict'],
    async handler({ trx, params, body, services }) {
      const uid = uidOf(params.uid);
      const flags = {
        ...(body.can_post !== undefined ? { canPost: body.can_post as boolean } : {}),
        ...(body.can_reply !== undefined ? { canReply: body.can_reply as boolean } : {}),
        ...(body.can_rate !== undefined ? { canRate: body.can_rate as boolean } : {}),
      };
      await chain(() => setAccountFlags(trx(), uid, flags, yoyowDeps(services)));
      return accountView(trx(), uid, services);
    },
  }),
  defineRoute({
    method: 'PUT',
    path: '/admin/v1/yoyow/consents/:user_uid/:app_uid',
    operationId: 'putYoyowConsent',
    summary: "Grant or change a user's consent to an app (op 23); cur_used is kept on a change",
    tag: TAG,
    access: 'admin',
    params: consentParams,
    body: {
      type: 'object',
      properties: {
        max_limit: { type: ['string', 'null'], pattern: '^[0-9]{1,19}$', description: 'Prepaid the app may spend, base units; null or absent = unlimited.' },
        permission_flags: { type: 'integer', minimum: 0, maximum: 255, description: 'Default 255 (kept on a change when absent).' },
        memo: { type: ['string', 'null'], maxLength: 1024 },
      },
      additionalProperties: false,
    },
    status: 200,
    response: consentSchema,
    errors: ['invalid_request', 'not_found', 'idempotency_conflict'],
    async handler({ trx, params, body, services }) {
      const limitText = body.max_limit as string | null | undefined;
      const maxLimit = limitText == null ? null : BigInt(limitText);
      if (maxLimit !== null && maxLimit > INT64_MAX) throw adminError('invalid_request', 'max_limit exceeds 2^63-1');
      const r = await chain(() =>
        grantConsent(
          trx(),
          {
            userUid: uidOf(params.user_uid),
            appUid: uidOf(params.app_uid),
            maxLimit,
            ...(body.permission_flags !== undefined ? { permissionFlags: jsonInt(body.permission_flags) } : {}),
            ...(body.memo !== undefined ? { memo: body.memo as string | null } : {}),
          },
          yoyowDeps(services),
        ),
      );
      return consentView(r.consent, { block_num: r.block_num, txid: r.txid });
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/admin/v1/yoyow/consents/:user_uid/:app_uid',
    operationId: 'getYoyowConsent',
    summary: "A user's live consent to an app (suspended ones included)",
    tag: TAG,
    access: 'admin',
    params: consentParams,
    status: 200,
    response: consentSchema,
    errors: ['not_found'],
    async handler({ db, params }) {
      const c = await liveConsent(db, uidOf(params.user_uid), uidOf(params.app_uid));
      if (!c) throw adminError('not_found', 'consent not found');
      return consentView(c);
    },
  }),
  defineRoute({
    method: 'PATCH',
    path: '/admin/v1/yoyow/consents/:user_uid/:app_uid/suspension',
    operationId: 'suspendYoyowConsent',
    summary: 'Suspend or resume a consent (a suspended consent acts as absent; recorded as op 23)',
    tag: TAG,
    access: 'admin',
    params: consentParams,
    body: object({ suspended: { type: 'boolean' } }),
    status: 200,
    response: consentSchema,
    errors: ['invalid_request', 'not_found', 'idempotency_conflict'],
    async handler({ trx, params, body, services }) {
      const r = await chain(() => setConsentSuspended(trx(), { userUid: uidOf(params.user_uid), appUid: uidOf(params.app_uid), suspended: body.suspended as boolean }, yoyowDeps(services)));
      return consentView(r.consent, { block_num: r.block_num, txid: r.txid });
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/admin/v1/yoyow/consents/:user_uid/:app_uid/revoke',
    operationId: 'revokeYoyowConsent',
    summary: 'Revoke a consent (op 24)',
    tag: TAG,
    access: 'admin',
    params: consentParams,
    status: 200,
    response: writeResultSchema,
    errors: ['not_found', 'idempotency_conflict'],
    async handler({ trx, params, services }) {
      return chain(() => revokeConsent(trx(), { userUid: uidOf(params.user_uid), appUid: uidOf(params.app_uid) }, yoyowDeps(services)));
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/admin/v1/apps/:id/yoyow',
    operationId: 'getAppYoyowSettings',
    summary: "An app's YOYOW settings (stored overrides, and use_csaf / to_balance in force)",
    tag: TAG,
    access: 'admin',
    params: idParam,
    status: 200,
    response: yoyowSettingsSchema,
    errors: ['not_found'],
    async handler({ db, params }) {
      return settingsView(db, params.id as number);
    },
  }),
  defineRoute({
    method: 'PATCH',
    path: '/admin/v1/apps/:id/yoyow',
    operationId: 'updateAppYoyowSettings',
    summary: "Change an app's YOYOW settings (absent fields are kept; `fees` replaces the stored overrides)",
    tag: TAG,
    access: 'admin',
    params: idParam,
    body: { type: 'object', properties: YOYOW_SETTINGS_PROPS, additionalProperties: false },
    status: 200,
    response: yoyowSettingsSchema,
    errors: ['invalid_request', 'not_found', 'idempotency_conflict'],
    async handler({ trx, params, body, services }) {
      const patch: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(body)) {
        if (k === 'fees') patch.fees = Object.fromEntries(Object.entries(v as Record<string, unknown>).map(([op, fee]) => [op, jsonInt(fee)]));
        else if (YOYOW_SETTINGS_PROPS[k]?.type === 'integer') patch[k] = jsonInt(v);
        else patch[k] = v;
      }
      await setAppControls(trx(), params.id as number, { settings: { yoyow: patch } as AppSettings }, services);
      return settingsView(trx(), params.id as number);
    },
  }),
];

