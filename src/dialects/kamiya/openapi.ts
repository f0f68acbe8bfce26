// The Kamiya dialect's API description (spec/kamiya.md §3): one declaration per route of KAMIYA_ROUTES, keyed by
// path (every route is a POST). The hand validation in billing.ts and verify.ts stays the authority; the body
// schemas here state the same rules (§3.4), and every error is a KamiyaErrorCode, so a code outside the catalogue
// does not compile. The app's credentials travel in the body (`appId`, `secret`): there is no auth header.
import { objectSchema, operationsOf, type ApiDescription, type DocOperation, type DocSchema } from '../../http/openapi/model.js';
import { KAMIYA_ERRORS, kamiyaError, type KamiyaErrorCode } from './errors.js';
import type { KamiyaRoute } from './pipeline.js';
import { KAMIYA_ROUTES } from './routes.js';

const CREDENTIALS: Record<string, DocSchema> = {
  appId: { type: 'string', minLength: 1, description: "The app's appkey (matched case-insensitively)." },
  secret: { type: 'string', minLength: 1, description: "The app's current secret (compared in constant time)." },
};
const USER_ID: DocSchema = {
  type: ['integer', 'string'],
  minimum: 1,
  maximum: Number.MAX_SAFE_INTEGER,
  pattern: '^[0-9]{1,20}$',
  description: 'A JSON number with a whole value (10989, 10989.0) or a string of decimal digits; 1 ≤ id ≤ 2^53−1.',
};
const CREDIT: DocSchema = {
  type: ['number', 'string'],
  description: 'An exact decimal > 0 with at most 2 fractional digits, at most 1 000 000 000 000; a number or a decimal string.',
  example: 12.5,
};
const ALLOW_NC: DocSchema = { type: ['boolean', 'null'], description: 'Use NC credit first; absent or null = false.' };

const USER_BODY = objectSchema({ ...CREDENTIALS, id: USER_ID }, ['appId', 'secret', 'id']);
const CHARGE_BODY = objectSchema({ ...CREDENTIALS, id: USER_ID, credit: CREDIT, allowNC: ALLOW_NC }, ['appId', 'secret', 'id', 'credit']);

const OK: DocSchema = objectSchema({ status: { type: 'integer', const: 200 }, message: { type: 'string', const: 'OK' } }, ['status', 'message']);

const ERROR_SCHEMA: DocSchema = objectSchema(
  {
    status: { type: 'integer', description: 'Equal to the HTTP status.' },
    message: { type: 'string', enum: [...new Set(Object.values(KAMIYA_ERRORS).map((e) => e.message))] },
  },
  ['status', 'message'],
);

interface KamiyaOperationDoc {
  operationId: string;
  summary: string;
  description?: string;
  tag: 'Session' | 'Billing';
  body: DocSchema;
  response: DocSchema;
  /** Errors beyond the common ones, in the spec's check order. */
  errors: readonly KamiyaErrorCode[];
}

export const KAMIYA_OPERATION_DOCS: Readonly<Record<string, KamiyaOperationDoc>> = {
  '/api/session/verifyOpenIDToken': {
    operationId: 'kamiyaVerifyOpenIDToken',
    summary: 'Redeem a one-time login token for the user’s id, email and role',
    description: 'The token is trimmed and upper-cased; anything not shaped XXXXX-XXXXX is 404 like an unknown, expired, used or other-app token. The answer has `data` and no `message`.',
    tag: 'Session',
    body: objectSchema({ ...CREDENTIALS, token: { type: 'string', description: 'XXXXX-XXXXX, from the login page redirect.' } }, ['appId', 'secret', 'token']),
    response: objectSchema(
      { status: { type: 'integer', const: 200 }, data: objectSchema({ id: { type: 'integer' }, email: { type: 'string' }, role: { type: 'string' } }, ['id', 'email', 'role']) },
      ['status', 'data'],
    ),
    errors: ['token_not_found'],
  },
  '/api/billing/charge': {
    operationId: 'kamiyaCharge',
    summary: 'Charge credits, all or nothing',
    tag: 'Billing',
    body: CHARGE_BODY,
    response: OK,
    errors: ['user_not_found', 'user_not_active', 'insufficient_credit'],
  },
  '/api/billing/auth': {
    operationId: 'kamiyaAuth',
    summary: 'Whether the user has credit (credit + NCCredit > 0)',
    tag: 'Billing',
    body: USER_BODY,
    response: OK,
    errors: ['user_not_found', 'user_not_active', 'insufficient_credit'],
  },
  '/api/billing/detail': {
    operationId: 'kamiyaDetail',
    summary: 'The user’s email, role, balances and standing',
    tag: 'Billing',
    body: USER_BODY,
    response: objectSchema(
      {
        status: { type: 'integer', const: 200 },
        message: { type: 'string', const: 'OK' },
        data: objectSchema(
          {
            email: { type: 'string' },
            role: { type: 'string' },
            credit: { type: 'number', description: 'Exact decimal; may be negative.' },
            NCCredit: { type: 'number', description: 'Exact decimal; never negative.' },
            active: { type: 'boolean' },
          },
          ['email', 'role', 'credit', 'NCCredit', 'active'],
        ),
      },
      ['status', 'message', 'data'],
    ),
    errors: ['user_not_found'],
  },
  '/api/billing/openidCheckin': {
    operationId: 'kamiyaCheckin',
    summary: 'The daily check-in reward, into NC credit (once per user per day)',
    tag: 'Billing',
    body: USER_BODY,
    response: OK,
    errors: ['user_not_found', 'user_not_active', 'already_checkin'],
  },
  '/api/billing/forceCharge': {
    operationId: 'kamiyaForceCharge',
    summary: 'Charge credits, never refused for balance (credit may go negative)',
    tag: 'Billing',
    body: CHARGE_BODY,
    response: OK,
    errors: ['user_not_found', 'user_not_active'],
  },
};

/** §3.3 steps 1–5 and the unexpected failure, on every route. */
const COMMON: readonly KamiyaErrorCode[] = ['method_not_allowed', 'too_many_requests', 'payload_too_large', 'bad_request', 'unauthorized', 'idempotency_key_reused', 'internal'];

function kamiyaOperation(route: KamiyaRoute, doc: KamiyaOperationDoc): DocOperation {
  return {
    method: 'POST',
    path: route.path,
    operationId: doc.operationId,
    summary: doc.summary,
    ...(doc.description ? { description: doc.description } : {}),
    tag: doc.tag,
    // The credentials are body fields (appId, secret); no header carries one.
    security: [],
    body: { schema: doc.body },
    response: { status: 200, schema: doc.response },
    errors: [...new Set([...COMMON, ...doc.errors])],
    idempotent: true,
  };
}

export function kamiyaApi(): ApiDescription {
  return {
    name: 'kamiya',
    title: 'Kamiya OpenID and billing API (Plaza)',
    summary: 'Kamiya OpenID apps: one-time login tokens and credit billing (charge, auth, detail, check-in, force charge).',
    description:
      'Every call is a POST with a JSON object body (at most 16 KiB) carrying the app’s credentials, appId and secret: there is no authentication header, and secret-bearing routes send no CORS headers (app backends only).\n\n' +
      'Every answer is {"status","message"?,"data"?} with the HTTP status equal to `status`. Clients key off `status`, and off `message` only to tell the two 403 cases apart. Every POST accepts Idempotency-Key.\n\n' +
      'Users sign in on the hosted page GET /openIDAppLogin.html?appId=<appkey>, which redirects back with ?token=.',
    appMount: true,
    securitySchemes: {},
    errors: {
      catalogue: Object.fromEntries(Object.entries(KAMIYA_ERRORS).map(([code, e]) => [code, { status: e.status, message: e.message }])),
      schema: ERROR_SCHEMA,
      contentType: 'application/json; charset=utf-8',
      example: (code) => JSON.parse(kamiyaError(code as KamiyaErrorCode).body) as unknown,
    },
    schemas: {},
    tags: [
      { name: 'Session', description: 'Sign-in: redeeming the one-time token of the hosted login page.' },
      { name: 'Billing', description: 'Credits of users who confirmed the app (spec/kamiya.md §4.2).' },
    ],
    operations: operationsOf(KAMIYA_ROUTES, (r) => r.path, KAMIYA_OPERATION_DOCS, kamiyaOperation),
  };
}
