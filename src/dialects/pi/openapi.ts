// The Pi dialect's API description (spec/pi.md §2, §3): one declaration per row of the route table (routes.ts),
// keyed `METHOD path`, plus the hosted-page route `/pi/wallet/token`. Method, path, accepted credentials, whether
// the body is read and the required scope come from the route table itself; bodies and answers are declared here
// (the hand validation in paymentFields.ts stays the authority, sharing its limits), and every error code is a
// PiErrorCode, so a code outside the catalogue does not compile. http/openapi/ renders it as JSON and HTML.
import { objectSchema, operationsOf, type ApiDescription, type DocOperation, type DocParameter, type DocSchema } from '../../http/openapi/model.js';
import { SESSION_COOKIE } from '../../web/session.js';
import type { PiScheme } from './auth.js';
import { PI_ERRORS, piErrorBody, type PiErrorCode } from './errors.js';
import { MAX_MEMO_CODE_POINTS, MAX_METADATA_BYTES } from './paymentFields.js';
import type { PiRoute } from './pipeline.js';
import { PI_ROUTES } from './routes.js';
import { PI_SCOPES } from './scopes.js';
import { WALLET_TOKEN_PATH } from './walletToken.js';

const ref = (name: string): DocSchema => ({ $ref: `#/components/schemas/${name}` });

const VERIFICATION_ERRORS = [
  'tx_not_found',
  'tx_memo_payment_identifier_mismatch',
  'tx_amount_mismatch',
  'tx_source_mismatch',
  'tx_destination_mismatch',
  'payment_not_approved',
  'payment_already_linked_with_a_tx',
  'payment_not_found',
  'cancelled_payment',
] as const;

const G_ADDRESS: DocSchema = { type: 'string', pattern: '^G[A-Z2-7]{55}$', description: 'A Stellar-style G-address (§5.4).' };
const TIMESTAMP: DocSchema = { type: 'string', format: 'date-time', description: 'YYYY-MM-DDTHH:mm:ss.sssZ (UTC).' };

const SCHEMAS: Record<string, DocSchema> = {
  UserDTO: objectSchema(
    {
      uid: { type: 'string', description: 'The pairwise uid of this user for this app.' },
      credentials: objectSchema(
        {
          scopes: { type: 'array', items: { type: 'string', enum: PI_SCOPES }, description: 'Recognised scopes of the token.' },
          valid_until: objectSchema({ timestamp: { type: 'integer', description: 'Unix seconds.' }, iso8601: TIMESTAMP }, ['timestamp', 'iso8601']),
        },
        ['scopes', 'valid_until'],
      ),
      username: { type: 'string', description: 'With scope `username` only.' },
      roles: { type: 'array', items: { type: 'string', enum: ['email_verified', 'core_team'] }, description: 'With scope `roles` only.' },
      wallet_address: { ...G_ADDRESS, description: 'With scope `wallet_address` only.' },
    },
    ['uid', 'credentials'],
  ),
  PaymentDTO: objectSchema(
    {
      identifier: { type: 'string', pattern: '^[0-9A-Za-z]{28}$' },
      user_uid: { type: 'string', description: 'Pairwise uid of the payer (U2A) or recipient (A2U).' },
      amount: { type: 'number', description: 'Exact decimal, at most 7 fractional digits.' },
      memo: { type: 'string' },
      metadata: { type: 'object', description: 'The JSON object as given (values and key order preserved).' },
      from_address: G_ADDRESS,
      to_address: G_ADDRESS,
      direction: { type: 'string', enum: ['user_to_app', 'app_to_user'] },
      created_at: TIMESTAMP,
      network: { type: 'string', example: 'Pi Testnet' },
      status: objectSchema(
        {
          developer_approved: { type: 'boolean' },
          transaction_verified: { type: 'boolean' },
          developer_completed: { type: 'boolean' },
          cancelled: { type: 'boolean' },
          user_cancelled: { type: 'boolean' },
        },
        ['developer_approved', 'transaction_verified', 'developer_completed', 'cancelled', 'user_cancelled'],
      ),
      transaction: {
        type: ['object', 'null'],
        description: 'null until a transaction is linked.',
        properties: {
          txid: { type: 'string', pattern: '^[0-9a-f]{64}$' },
          verified: { type: 'boolean' },
          _link: { type: 'string', format: 'uri', description: 'The transaction on the ledger gateway (/horizon).' },
        },
        required: ['txid', 'verified', '_link'],
      },
    },
    ['identifier', 'user_uid', 'amount', 'memo', 'metadata', 'from_address', 'to_address', 'direction', 'created_at', 'network', 'status', 'transaction'],
  ),
};

const ERROR_SCHEMA: DocSchema = objectSchema(
  {
    error: { type: 'string', enum: Object.keys(PI_ERRORS) },
    error_message: { type: 'string', description: 'Informative English text; clients key off `error`.' },
    payment: { ...ref('PaymentDTO'), description: 'On payment refusals that §3.2 lists with `payment`.' },
    verification_error: { type: 'string', enum: VERIFICATION_ERRORS, description: 'With `verification_failed` only.' },
  },
  ['error', 'error_message'],
);

const AMOUNT: DocSchema = {
  type: ['number', 'string'],
  description: 'A number or decimal string above 0, at most 7 decimals, at most 99999999.9999999; read exactly (never through a float).',
  example: 3.14,
};
const PAYMENT_FIELDS: Record<string, DocSchema> = {
  amount: AMOUNT,
  memo: { type: 'string', maxLength: MAX_MEMO_CODE_POINTS, description: `0–${MAX_MEMO_CODE_POINTS} Unicode code points.` },
  metadata: { type: 'object', description: `A JSON object of at most ${MAX_METADATA_BYTES} bytes serialised; stored and returned as given.` },
};

/** The credential schemes of the document, one per kind of credential a route may accept (§2.1). */
const SCHEME_NAMES: Record<PiScheme, string> = { key: 'piKey', access: 'piAccessToken', wallet: 'piWalletToken' };

interface PiOperationDoc {
  operationId: string;
  summary: string;
  description?: string;
  tag: 'User' | 'Payments' | 'Wallet';
  body?: DocSchema;
  response: DocSchema;
  /** Errors beyond the common ones of every `/v2` route. */
  errors: readonly PiErrorCode[];
}

const PAYMENT_ANSWER = ref('PaymentDTO');

/** One declaration per route of PI_ROUTES, by `METHOD path`. */
export const PI_OPERATION_DOCS: Readonly<Record<string, PiOperationDoc>> = {
  'GET /v2/me': { operationId: 'piGetMe', summary: 'The access token’s user (UserDTO)', tag: 'User', response: ref('UserDTO'), errors: [] },
  'POST /v2/payments': {
    operationId: 'piCreateAppToUserPayment',
    summary: 'Create an app-to-user (A2U) payment, approved at once',
    description: 'Checks after validation: feature_not_available, user_not_found, missing_scope (recipient lacks wallet_address), ongoing_payment_found.',
    tag: 'Payments',
    body: objectSchema({ payment: objectSchema({ ...PAYMENT_FIELDS, uid: { type: 'string', minLength: 1, description: "The recipient's pairwise uid." } }, ['amount', 'memo', 'metadata', 'uid']) }, ['payment']),
    response: PAYMENT_ANSWER,
    errors: ['invalid_amount', 'invalid_metadata', 'feature_not_available', 'user_not_found', 'missing_scope', 'ongoing_payment_found'],
  },
  'GET /v2/payments/incomplete_server_payments': {
    operationId: 'piIncompleteServerPayments',
    summary: 'This app’s A2U payments approved without a transaction, or paid but not completed',
    tag: 'Payments',
    response: objectSchema({ incomplete_server_payments: { type: 'array', items: PAYMENT_ANSWER } }, ['incomplete_server_payments']),
    errors: [],
  },
  'GET /v2/payments/:paymentId': {
    operationId: 'piGetPayment',
    summary: 'One payment the credential may see',
    tag: 'Payments',
    response: PAYMENT_ANSWER,
    errors: ['payment_not_found'],
  },
  'GET /v2/payments/user_to_app': {
    operationId: 'piGetPaymentUserToApp',
    summary: 'The get-payment route on the literal segment `user_to_app`: always payment_not_found',
    description: '§3.3: `GET /v2/payments/<anything>` is the get-payment route, including the segment POST uses for U2A creates.',
    tag: 'Payments',
    response: PAYMENT_ANSWER,
    errors: ['payment_not_found'],
  },
  'POST /v2/payments/:paymentId/approve': {
    operationId: 'piApprovePayment',
    summary: 'Approve a U2A payment (idempotent by state)',
    tag: 'Payments',
    response: PAYMENT_ANSWER,
    errors: ['payment_not_found', 'cancelled_payment'],
  },
  'POST /v2/payments/:paymentId/complete': {
    operationId: 'piCompletePayment',
    summary: 'Complete a paid payment with its txid',
    tag: 'Payments',
    body: objectSchema({ txid: { type: 'string', minLength: 1, description: 'The linked transaction id (64 hex; compared case-insensitively, trimmed).' } }, ['txid']),
    response: PAYMENT_ANSWER,
    errors: ['missing_txid', 'payment_not_found', 'already_completed', 'cancelled_payment', 'verification_failed', 'txid_mismatch'],
  },
  'POST /v2/payments/:paymentId/cancel': {
    operationId: 'piCancelPayment',
    summary: 'Cancel a payment (developer with Key, or the payment’s user)',
    tag: 'Payments',
    response: PAYMENT_ANSWER,
    errors: ['payment_not_found', 'forbidden', 'already_completed', 'payment_tx_present', 'cancelled_payment'],
  },
  'POST /v2/payments/user_to_app': {
    operationId: 'piCreateUserToAppPayment',
    summary: 'Create a user-to-app (U2A) payment (SDK route; needs the payments scope)',
    description: 'A `uid` field is ignored: the payer is the token’s user. Earlier created or approved U2A payments of this user and app are cancelled (superseded).',
    tag: 'Payments',
    body: objectSchema(PAYMENT_FIELDS, ['amount', 'memo', 'metadata']),
    response: PAYMENT_ANSWER,
    errors: ['invalid_amount', 'invalid_metadata', 'ongoing_payment_found'],
  },
  'GET /v2/payments/incomplete': {
    operationId: 'piIncompleteUserPayment',
    summary: 'The user’s paid-but-uncompleted U2A payment with this app, if any (SDK route)',
    tag: 'Payments',
    response: objectSchema({ exists: { type: 'boolean' }, payment: { oneOf: [PAYMENT_ANSWER, { type: 'null' }] } }, ['exists', 'payment']),
    errors: [],
  },
  'POST /v2/payments/:paymentId/transaction': {
    operationId: 'piPayPayment',
    summary: 'Pay: the payer’s credential moves the amount and links the transaction (Plaza route)',
    description: 'A2U: the app’s Key. U2A: a wallet token of the payment’s user. An access token is refused 403 forbidden.',
    tag: 'Payments',
    response: PAYMENT_ANSWER,
    errors: ['payment_not_found', 'forbidden', 'cancelled_payment', 'payment_not_approved', 'insufficient_funds'],
  },
};

const PAYMENT_ID: DocParameter = {
  name: 'paymentId',
  in: 'path',
  required: true,
  schema: { type: 'string', pattern: '^[0-9A-Za-z]{28}$' },
  description: 'The payment identifier (§5.1); anything else names no payment (404 payment_not_found).',
};

/** Every `/v2` route answers these besides its own: §3.3 steps 1–6 and the unexpected failure. */
function commonErrors(route: PiRoute): PiErrorCode[] {
  const codes: PiErrorCode[] = ['unauthorized', 'method_not_allowed', 'too_many_requests', 'payload_too_large', 'invalid_arguments', 'unknown_error'];
  if (route.method === 'POST') codes.push('idempotency_key_reused');
  if (route.scope !== undefined) codes.push('missing_scope');
  return codes;
}

function piOperation(route: PiRoute, doc: PiOperationDoc): DocOperation {
  const scopeNote = route.scope ? `The access token must carry the \`${route.scope}\` scope.` : '';
  const description = [doc.description ?? '', scopeNote, route.ignoresBody ? 'The body is not read (any body is accepted).' : ''].filter(Boolean).join(' ');
  return {
    method: route.method,
    path: route.path,
    operationId: doc.operationId,
    summary: doc.summary,
    ...(description ? { description } : {}),
    tag: doc.tag,
    security: route.schemes.map((s) => [SCHEME_NAMES[s]]),
    ...(route.path.includes(':paymentId') ? { parameters: [PAYMENT_ID] } : {}),
    // An empty body is `{}` on every route that reads one (§3.1), so no body is ever required on the wire.
    ...(doc.body && !route.ignoresBody ? { body: { schema: doc.body, required: false } } : {}),
    response: { status: 200, schema: doc.response },
    errors: [...new Set([...commonErrors(route), ...doc.errors])],
    idempotent: route.method === 'POST',
  };
}

/** §3.17: the hosted wallet page's token, not an app route (Plaza session cookie, same origin). */
const WALLET_TOKEN_OPERATION: DocOperation = {
  method: 'POST',
  path: WALLET_TOKEN_PATH,
  operationId: 'piMintWalletToken',
  summary: 'Mint a wallet token for Plaza’s own wallet page (hosted-page internal)',
  description: 'Needs the Plaza sign-in session cookie and an Origin header equal to Plaza’s public origin. Not for apps; documented so tests can drive U2A payments over HTTP.',
  tag: 'Wallet',
  security: [['plazaSession']],
  response: { status: 200, schema: objectSchema({ wallet_token: { type: 'string' }, expires_in: { type: 'integer', description: 'Seconds.' } }, ['wallet_token', 'expires_in']) },
  errors: ['unauthorized', 'forbidden', 'invalid_arguments', 'idempotency_key_reused', 'too_many_requests', 'unknown_error'] satisfies PiErrorCode[],
  idempotent: true,
};

export function piRouteKey(route: Pick<PiRoute, 'method' | 'path'>): string {
  return `${route.method} ${route.path}`;
}

export function piApi(): ApiDescription {
  return {
    name: 'pi',
    title: 'Pi Platform API v2 (Plaza)',
    summary: 'Pi Network’s Platform API: the user, and app-to-user and user-to-app payments with their lifecycle.',
    description:
      'Pi Network’s Platform API v2 served by Plaza (spec/pi.md). Bodies are JSON objects of at most 64 KiB; an empty body means {} everywhere. Unknown fields and query strings are ignored. Success is HTTP 200.\n\n' +
      'Errors are {"error","error_message"} plus "payment" or "verification_error" where the catalogue says so. Every POST accepts Idempotency-Key; approve, complete and the transaction route are also idempotent by state.\n\n' +
      'The ledger gateway (/horizon) has its own document; the browser SDK (/pi-sdk.js) and the hosted pages (/pi/authenticate, /pi/wallet) are not JSON APIs.',
    appMount: true,
    securitySchemes: {
      piKey: { type: 'apiKey', in: 'header', name: 'Authorization', description: 'The server API key: "Authorization: Key <app secret>" (scheme case-insensitive).' },
      piAccessToken: { type: 'http', scheme: 'bearer', description: 'A user access token issued to this app ("Authorization: Bearer <access token>").' },
      piWalletToken: { type: 'http', scheme: 'bearer', description: 'A wallet token minted for Plaza’s own wallet page (POST /pi/wallet/token).' },
      plazaSession: { type: 'apiKey', in: 'cookie', name: SESSION_COOKIE, description: 'The Plaza sign-in session cookie of the hosted pages.' },
    },
    errors: {
      catalogue: Object.fromEntries(Object.entries(PI_ERRORS).map(([code, e]) => [code, { status: e.http, message: e.message }])),
      schema: ERROR_SCHEMA,
      contentType: 'application/json; charset=utf-8',
      example: (code) => JSON.parse(piErrorBody(code as PiErrorCode)) as unknown,
    },
    schemas: SCHEMAS,
    tags: [
      { name: 'User', description: 'The user an access token names.' },
      { name: 'Payments', description: 'A2U and U2A payments: create, read, approve, pay, complete, cancel (spec/pi.md §3.8–§3.16, §4).' },
      { name: 'Wallet', description: 'Routes of Plaza’s hosted wallet page.' },
    ],
    operations: [...operationsOf(PI_ROUTES, piRouteKey, PI_OPERATION_DOCS, piOperation), WALLET_TOKEN_OPERATION],
  };
}
