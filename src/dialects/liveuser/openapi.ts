// The liveuser dialect's API description (spec/liveuser.md §2–§6): one declaration per route of LIVEUSER_ROUTES,
// keyed by path (every method is a POST), plus the WeChat Pay notify URL Wx.Postpay, which has its own pipeline
// (postpay.ts) and answers WeChat in WeChat's shape. Who may call comes from the route table; the hand validation in
// the handlers stays the authority. Every error is a LiveuserErrorId, so an id outside the catalogue does not compile.
import { objectSchema, operationsOf, type ApiDescription, type DocOperation, type DocSchema } from '../../http/openapi/model.js';
import { LIVEUSER_ERRORS, liveuserErrorBody, type LiveuserErrorId } from './errors.js';
import type { LiveuserRoute } from './pipeline.js';
import { POSTPAY_PATH } from './postpay.js';
import { LIVEUSER_ROUTES } from './routes.js';

const ref = (name: string): DocSchema => ({ $ref: `#/components/schemas/${name}` });
const UINT64: DocSchema = { type: ['integer', 'string'], minimum: 0, pattern: '^[0-9]{1,20}$', description: 'A JSON number or a decimal string.' };
const MS: DocSchema = { type: 'integer', description: 'Unix milliseconds; 0 = never set.' };

const SCHEMAS: Record<string, DocSchema> = {
  UserRecord: objectSchema(
    {
      uid: { type: 'string', description: 'The openid; in User.Set optional (empty = self).' },
      name: { type: 'string', maxLength: 128 },
      agent: { type: 'string', maxLength: 256 },
      update_at: { ...MS, description: 'Set by Plaza on every User.Set; ignored on input.' },
      avatar: { type: 'string', maxLength: 2048 },
    },
    ['uid', 'name', 'agent', 'update_at', 'avatar'],
  ),
  OrderProduct: objectSchema(
    {
      order_id: { type: 'integer' },
      product_id: { type: 'string' },
      name: { type: 'string' },
      price: { type: 'integer', description: 'Fen per unit, from the snapshot.' },
      count: { type: 'integer', minimum: 1 },
      product_snapshot: { type: 'integer' },
      detail: { type: 'string', description: 'The product snapshot as a JSON string.' },
    },
    ['order_id', 'product_id', 'name', 'price', 'count', 'product_snapshot', 'detail'],
  ),
  OrderRecord: objectSchema(
    {
      id: { type: 'integer' },
      uid: { type: 'string' },
      state: { type: 'integer', enum: [0, 1], description: '0 CREATED, 1 PAID.' },
      amount: { type: 'integer', description: 'Σ price × count, fen.' },
      discount: { type: 'integer', const: 0 },
      pay: { type: 'integer', description: 'amount − discount, fen.' },
      pay_at: MS,
      products: { type: 'array', items: ref('OrderProduct') },
      created_at: MS,
      updated_at: MS,
      deleted_at: MS,
    },
    ['id', 'uid', 'state', 'amount', 'discount', 'pay', 'pay_at', 'products', 'created_at', 'updated_at', 'deleted_at'],
  ),
};

const ERROR_SCHEMA: DocSchema = objectSchema(
  {
    id: { type: 'string', enum: Object.keys(LIVEUSER_ERRORS) },
    code: { type: 'integer', description: 'Equal to the HTTP status.' },
    detail: { type: 'string', description: 'A short English message; branch on id or code, not on it.' },
    status: { type: 'string', description: 'The HTTP reason phrase (empty for 550–552).' },
  },
  ['id', 'code', 'detail', 'status'],
);

const TOKENS: DocSchema = objectSchema(
  { access_token: { type: 'string' }, refresh_token: { type: 'string' }, expiry: { type: 'integer', description: 'Unix seconds.' } },
  ['access_token', 'refresh_token', 'expiry'],
);

interface LiveuserOperationDoc {
  operationId: string;
  summary: string;
  description?: string;
  tag: 'User' | 'Wx' | 'Order';
  body?: DocSchema;
  response: DocSchema;
  errors: readonly LiveuserErrorId[];
}

export const LIVEUSER_OPERATION_DOCS: Readonly<Record<string, LiveuserOperationDoc>> = {
  '/liveuser/User/Set': {
    operationId: 'liveuserUserSet',
    summary: 'Replace the caller’s profile (name, agent, avatar)',
    tag: 'User',
    body: objectSchema({ user: ref('UserRecord') }, ['user']),
    response: { type: 'object', maxProperties: 0, description: 'Always {}.' },
    errors: [],
  },
  '/liveuser/User/Get': {
    operationId: 'liveuserUserGet',
    summary: 'The caller’s profile',
    tag: 'User',
    response: objectSchema({ user: ref('UserRecord') }, ['user']),
    errors: ['E0102'],
  },
  '/liveuser/Wx/Login': {
    operationId: 'liveuserWxLogin',
    summary: 'Sign in with a wx.login() code: an access and a refresh token',
    tag: 'Wx',
    body: objectSchema({ code: { type: 'string', minLength: 1, maxLength: 128, description: 'The code from wx.login() (5 minutes, single use).' } }, ['code']),
    response: objectSchema({ ...TOKENS.properties, uid: { type: 'string', description: 'The openid.' } }, ['access_token', 'refresh_token', 'expiry', 'uid']),
    errors: ['E0101'],
  },
  '/liveuser/Wx/RenewToken': {
    operationId: 'liveuserWxRenewToken',
    summary: 'Rotate a refresh token for a new access token',
    description: 'A refresh token presented again inside the grace window replays the rotation; after it the whole session family is revoked.',
    tag: 'Wx',
    body: objectSchema({ refresh_token: { type: 'string', minLength: 1, description: 'Also accepted as refreshToken.' } }, ['refresh_token']),
    response: TOKENS,
    errors: [],
  },
  '/liveuser/Wx/Prepay': {
    operationId: 'liveuserWxPrepay',
    summary: 'WeChat Pay parameters for an order (absent order_id: the newest unpaid one)',
    tag: 'Wx',
    body: objectSchema({ order_id: { ...UINT64, description: 'Absent or 0: the newest CREATED order. Also accepted as orderId.' } }),
    response: objectSchema(
      {
        order_id: { type: 'integer' },
        prepay_id: { type: 'string' },
        pay_params: objectSchema(
          { appId: { type: 'string' }, timeStamp: { type: 'string' }, nonceStr: { type: 'string' }, package: { type: 'string' }, signType: { type: 'string', const: 'RSA' }, paySign: { type: 'string' } },
          ['appId', 'timeStamp', 'nonceStr', 'package', 'signType', 'paySign'],
        ),
      },
      ['order_id', 'prepay_id', 'pay_params'],
    ),
    errors: ['E0102', 'E0101'],
  },
  '/liveuser/Order/Create': {
    operationId: 'liveuserOrderCreate',
    summary: 'Create an order from products (snapshotted prices)',
    tag: 'Order',
    body: objectSchema(
      {
        products: {
          type: 'array',
          minItems: 1,
          maxItems: 50,
          items: objectSchema({ product_id: { type: 'string', minLength: 1, maxLength: 64 }, count: { type: ['integer', 'string'], minimum: 1, maximum: 9999 } }, ['product_id', 'count']),
        },
      },
      ['products'],
    ),
    response: objectSchema({ order: ref('OrderRecord') }, ['order']),
    errors: [],
  },
  '/liveuser/Order/List': {
    operationId: 'liveuserOrderList',
    summary: 'The caller’s orders, newest first, by cursor',
    tag: 'Order',
    body: objectSchema({ cursor: { ...UINT64, description: '0 or absent = from the newest.' } }),
    response: objectSchema({ orders: { type: 'array', items: ref('OrderRecord') }, cursor: { type: 'integer' } }, ['orders', 'cursor']),
    errors: [],
  },
};

/** §3.3: the checks every method runs before its own (public methods resolve the app instead of a token). */
function commonErrors(route: LiveuserRoute): LiveuserErrorId[] {
  const codes: LiveuserErrorId[] = ['E0006', 'E0005', 'E0003', 'E0001', 'E0004', 'E0000', 'E0100'];
  codes.push(route.auth === 'bearer' ? 'E0002' : 'E0102');
  return codes;
}

function liveuserOperation(route: LiveuserRoute, doc: LiveuserOperationDoc): DocOperation {
  return {
    method: 'POST',
    path: route.path,
    operationId: doc.operationId,
    summary: doc.summary,
    ...(doc.description ? { description: doc.description } : {}),
    tag: doc.tag,
    security: route.auth === 'bearer' ? [['liveuserAccessToken'], ['liveuserCookie']] : [],
    ...(doc.body ? { body: { schema: doc.body, required: false, description: 'Field names in snake_case or lowerCamelCase; an empty body is {}.' } } : {}),
    response: { status: 200, schema: doc.response },
    errors: [...new Set([...commonErrors(route), ...doc.errors])],
    idempotent: true,
  };
}

/** §6.6: called by WeChat Pay, not by the mini-program; its failures are WeChat's `{"code":"FAIL","message"}`. */
const POSTPAY_OPERATION: DocOperation = {
  method: 'POST',
  path: POSTPAY_PATH,
  operationId: 'liveuserWxPostpay',
  summary: 'The WeChat Pay notify URL: a verified payment notification marks the order paid',
  description:
    'Authenticated by the WeChat Pay platform signature headers (Wechatpay-Timestamp, -Nonce, -Signature, -Serial). No rate limit; naturally idempotent. Register <publicUrl>/apps/<appkey>/liveuser/Wx/Postpay.',
  tag: 'Wx',
  security: [],
  body: { schema: objectSchema({ id: { type: 'string' }, event_type: { type: 'string' }, resource_type: { type: 'string' }, resource: { type: 'object' } }, ['id', 'event_type', 'resource_type', 'resource']) },
  response: { status: 204, description: 'Accepted (also for events and trade states that change nothing)' },
  errors: [],
  ownErrors: [
    { status: 400, description: 'malformed notification, unsupported resource, decrypt failed, merchant mismatch, payment mismatch, invalid idempotency key' },
    { status: 401, description: 'missing signature headers, unknown platform key, timestamp out of range, invalid signature' },
    { status: 404, description: 'app not found, order not found' },
    { status: 409, description: 'idempotency key reused with different input' },
    { status: 500, description: 'wechat pay not configured, internal error' },
  ],
  ownErrorSchema: objectSchema({ code: { type: 'string', const: 'FAIL' }, message: { type: 'string' } }, ['code', 'message']),
  idempotent: true,
};

export function liveuserApi(): ApiDescription {
  return {
    name: 'liveuser',
    title: 'liveuser API (Plaza)',
    summary: 'WeChat mini-program users: login and token renewal, profiles, products and orders, WeChat Pay.',
    description:
      'Every method is POST /liveuser/<Service>/<Method> (case-sensitive; trailing slash tolerated) with a JSON object body (empty = {}, at most 1 MiB). Public methods act for the app named by /apps/<appkey>, else X-Plaza-App, else the default app; Bearer methods for the token’s app.\n\n' +
      'Errors are {"id","code","detail","status"} with the HTTP status equal to code. Every POST accepts Idempotency-Key. Money is int32 fen; times are Unix milliseconds except expiry (seconds).',
    appMount: true,
    securitySchemes: {
      liveuserAccessToken: { type: 'http', scheme: 'bearer', description: 'An access token from Wx.Login or Wx.RenewToken.' },
      liveuserCookie: { type: 'apiKey', in: 'cookie', name: 'micro-token', description: 'The access token as the micro-token cookie (fallback).' },
    },
    errors: {
      catalogue: Object.fromEntries(Object.entries(LIVEUSER_ERRORS).map(([id, e]) => [id, { status: e.code, message: e.status || `HTTP ${e.code}` }])),
      schema: ERROR_SCHEMA,
      contentType: 'application/json; charset=utf-8',
      example: (id) => JSON.parse(liveuserErrorBody(id as LiveuserErrorId, 'detail text')) as unknown,
    },
    schemas: SCHEMAS,
    tags: [
      { name: 'Wx', description: 'WeChat login, token renewal and WeChat Pay.' },
      { name: 'User', description: 'The caller’s profile record.' },
      { name: 'Order', description: 'Orders of the caller.' },
    ],
    operations: [...operationsOf(LIVEUSER_ROUTES, (r) => r.path, LIVEUSER_OPERATION_DOCS, liveuserOperation), POSTPAY_OPERATION],
  };
}
