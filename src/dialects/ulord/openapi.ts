// The Ulord dialect's API description (spec/ulord.md §5–§7): one declaration per route of ULORD_ROUTES, keyed by
// the route key (`ulord:<path>`). Method, path parameters and who may call come from the route table; request
// bodies are the field tables of schemas.ts — the very objects `parseFields` validates with — turned into JSON
// Schema here (`fieldsSchema`), plus the few fields read by hand (tags, claim ids, is_developer). Every errcode is
// an Errcode of the catalogue, so an unknown code does not compile.
import { objectSchema, operationsOf, type ApiDescription, type DocOperation, type DocSchema } from '../../http/openapi/model.js';
import { errorEnvelope, ULORD_ERRORS, type Errcode } from './errors.js';
import { routeKey, type RouteAuth, type UlordRoute } from './routes.js';
import { ULORD_ROUTES } from './routes.js';
import { WALLET_ROUTES } from './walletRoutes.js';
import * as f from './schemas.js';
import type { FieldSpec } from './schemas.js';

const ref = (name: string): DocSchema => ({ $ref: `#/components/schemas/${name}` });

/** One field of a §6/§7 request table as JSON Schema (the rules `parseFields` applies). */
function fieldSchema(spec: FieldSpec): DocSchema {
  switch (spec.kind) {
    case 'string': {
      const notes = [spec.noControl ? 'no control characters' : '', spec.noWhitespace ? 'no whitespace' : '', 'length in code points'].filter(Boolean).join('; ');
      return {
        type: 'string',
        ...(spec.min !== undefined ? { minLength: spec.min } : spec.required ? { minLength: 1 } : {}),
        ...(spec.max !== undefined ? { maxLength: spec.max } : {}),
        ...(spec.pattern ? { pattern: spec.pattern.source } : {}),
        description: notes,
      };
    }
    case 'integer':
      return spec.allowString
        ? { type: ['integer', 'string'], pattern: '^-?[0-9]+$', description: 'An integer, or a decimal string such as "7".' }
        : { type: 'integer' };
    case 'decimal':
      return {
        type: ['number', 'string'],
        pattern: '^-?[0-9]+(\\.[0-9]+)?$',
        description: `A ULD amount (§2.6): a multiple of 10⁻⁸ with magnitude below 10¹⁰, read exactly${spec.positive ? '; must be > 0' : ''}.`,
      };
  }
}

/** A request table of schemas.ts as an object schema; `extra` adds the fields read outside `parseFields`. */
export function fieldsSchema(specs: Readonly<Record<string, FieldSpec>>, extra: Record<string, DocSchema> = {}, extraRequired: readonly string[] = []): DocSchema {
  const properties: Record<string, DocSchema> = {};
  const required: string[] = [];
  for (const [name, spec] of Object.entries(specs)) {
    properties[name] = fieldSchema(spec);
    if (spec.required) required.push(name);
  }
  return objectSchema({ ...properties, ...extra }, [...required, ...extraRequired]);
}

const TIMESTAMP: DocSchema = { type: ['string', 'null'], description: 'ISO-8601 UTC with six fractional digits and +00:00.' };
const BALANCE: DocSchema = { type: 'string', description: 'Canonical decimal string.' };
const PAGE = (item: string, key = 'data'): DocSchema => objectSchema({ [key]: { type: 'array', items: ref(item) }, pages: { type: 'integer' }, total: { type: 'integer' } }, [key, 'pages', 'total']);
const NUM: DocSchema = objectSchema({ num: { type: 'integer', enum: [0, 1] } }, ['num']);
const ID: DocSchema = objectSchema({ id: { type: 'integer' } }, ['id']);
const IS_DEVELOPER: DocSchema = { type: 'boolean', description: 'Only JSON true selects the developer wallet of the app’s owner (needs the secret header or the owner’s token).' };

const SCHEMAS: Record<string, DocSchema> = {
  Role: objectSchema({ des: { type: ['string', 'null'] }, id: { type: 'integer' }, name: { type: 'string' } }, ['des', 'id', 'name']),
  TypeNode: objectSchema(
    { children: { type: 'array', items: ref('TypeNode'), description: 'Present only when non-empty.' }, des: { type: ['string', 'null'] }, id: { type: 'integer' }, name: { type: 'string' }, parent_id: { type: ['integer', 'null'] } },
    ['des', 'id', 'name', 'parent_id'],
  ),
  App: objectSchema(
    {
      appdes: { type: ['string', 'null'] },
      appkey: { type: 'string', pattern: '^[0-9a-f]{32}$' },
      appname: { type: 'string' },
      create_timed: TIMESTAMP,
      id: { type: 'integer' },
      secret: { type: 'string', pattern: '^[0-9a-f]{32}$' },
      type: { type: ['integer', 'null'] },
      update_timed: TIMESTAMP,
    },
    ['appdes', 'appkey', 'appname', 'create_timed', 'id', 'secret', 'type', 'update_timed'],
  ),
  Content: objectSchema(
    {
      author: { type: 'string' },
      claim_id: { type: 'string', pattern: '^[0-9a-f]{40}$' },
      content_type: { type: 'string' },
      create_timed: TIMESTAMP,
      currency: { type: 'string', const: 'ULD' },
      des: { type: ['string', 'null'] },
      id: { type: 'integer' },
      price: { type: 'number', description: 'Exact decimal; negative for ads.' },
      status: { type: 'integer' },
      tags: { type: 'array', items: { type: 'string' } },
      title: { type: 'string' },
      update_timed: TIMESTAMP,
      views: { type: 'integer' },
    },
    ['author', 'claim_id', 'content_type', 'create_timed', 'currency', 'des', 'id', 'price', 'status', 'tags', 'title', 'update_timed', 'views'],
  ),
  ConsumeRecord: objectSchema(
    {
      author: { type: 'string' },
      claim_id: { type: 'string' },
      create_timed: TIMESTAMP,
      customer: { type: 'string' },
      id: { type: 'string', description: 'The claim id again.' },
      price: { type: 'number' },
      title: { type: 'string' },
      txid: { type: 'string', pattern: '^[0-9a-f]{64}$' },
    },
    ['author', 'claim_id', 'create_timed', 'customer', 'id', 'price', 'title', 'txid'],
  ),
};

const ERROR_SCHEMA: DocSchema = objectSchema(
  {
    errcode: { type: 'integer', enum: Object.keys(ULORD_ERRORS).map(Number).filter((c) => c !== 0) },
    reason: { type: 'string', description: 'Exactly the catalogue text of the errcode.' },
    result: objectSchema(
      { wallet_reason: { type: 'string', enum: ['user_not_found', 'user_exists', 'wrong_pay_password', 'pay_password_locked', 'insufficient_balance', 'same_account', 'ledger_refused', 'wallet_unavailable'] } },
      ['wallet_reason'],
      { description: 'Wallet failures (202xx) only.' },
    ),
  },
  ['errcode', 'reason'],
);

/** `{"errcode":0,"reason":"success","result"?}`: without `result` when the endpoint has nothing to return. */
function envelope(result?: DocSchema): DocSchema {
  const base = { errcode: { type: 'integer', const: 0 } as DocSchema, reason: { type: 'string', const: 'success' } as DocSchema };
  return result ? objectSchema({ ...base, result }, ['errcode', 'reason', 'result']) : objectSchema(base, ['errcode', 'reason']);
}

interface UlordOperationDoc {
  id: string;
  summary: string;
  description?: string;
  body?: DocSchema;
  result?: DocSchema;
  /** The endpoint's own errcodes (§6, §7), beyond the common checks of §3.4. */
  errors: readonly Errcode[];
  /** paytouser, balance: `is_developer: true` also needs the app secret or the owner's token (§3.1). */
  developerWallet?: boolean;
}

const M = (doc: UlordOperationDoc): UlordOperationDoc => doc;

export const ULORD_OPERATION_DOCS: Readonly<Record<string, UlordOperationDoc>> = {
  'ulord:/v1/role/add': M({ id: 'M1', summary: 'Add a developer role', body: fieldsSchema(f.roleAddSchema), result: ID, errors: [20100, 20101, 400] }),
  'ulord:/v1/role/list': M({ id: 'M2', summary: 'List roles', result: { type: 'array', items: ref('Role') }, errors: [] }),
  'ulord:/v1/role/edit': M({ id: 'M3', summary: 'Rename or re-describe a role', body: fieldsSchema(f.roleEditSchema), errors: [20100, 20101, 20005, 10013, 400] }),
  'ulord:/v1/role/remove': M({ id: 'M4', summary: 'Remove a role', body: fieldsSchema(f.idSchema), result: NUM, errors: [20100, 20101, 10013] }),
  'ulord:/v1/type/add': M({ id: 'M5', summary: 'Add an app type', body: fieldsSchema(f.typeAddSchema), result: ID, errors: [20100, 20101, 20005, 400] }),
  'ulord:/v1/type/list': M({ id: 'M6', summary: 'The app type tree', result: { type: 'array', items: ref('TypeNode') }, errors: [] }),
  'ulord:/v1/type/edit': M({ id: 'M7', summary: 'Edit an app type', body: fieldsSchema(f.typeEditSchema), errors: [20100, 20101, 20005, 400] }),
  'ulord:/v1/type/remove': M({ id: 'M8', summary: 'Remove an app type', body: fieldsSchema(f.idSchema), result: NUM, errors: [20100, 20101, 10013] }),
  'ulord:/v1/users/reg': M({
    id: 'M9',
    summary: 'Register a developer (and their ULD wallet)',
    description: 'Closed (10010) when registration is off, unless an admin token is presented.',
    body: fieldsSchema(f.userRegSchema),
    result: ID,
    errors: [10010, 20100, 20101, 10013, 20005, 20000, 20001, 20205],
  }),
  'ulord:/v1/users/login': M({
    id: 'M10',
    summary: 'Developer login: a developer token',
    body: fieldsSchema(f.userLoginSchema),
    result: objectSchema({ expires_at: TIMESTAMP, id: { type: 'integer' }, token: { type: 'string', description: '43 characters, base64url.' } }, ['expires_at', 'id', 'token']),
    errors: [20100, 20003, 20004],
  }),
  'ulord:/v1/users/edit': M({ id: 'M11', summary: 'Change the developer password (other tokens are revoked)', body: fieldsSchema(f.userEditSchema), errors: [20100, 20101, 20003, 10013, 20004] }),
  'ulord:/v1/app/add': M({
    id: 'M12',
    summary: 'Create an app',
    body: fieldsSchema(f.appAddSchema),
    result: objectSchema({ appkey: { type: 'string' }, id: { type: 'integer' }, secret: { type: 'string' } }, ['appkey', 'id', 'secret']),
    errors: [20100, 20101, 10013, 20005, 20002],
  }),
  'ulord:/v1/app/list': M({ id: 'M13', summary: 'A developer’s live apps, with secrets', body: fieldsSchema(f.appListSchema), result: { type: 'array', items: ref('App') }, errors: [20101, 10013, 20005] }),
  'ulord:/v1/app/edit': M({ id: 'M14', summary: 'Regenerate the app secret', body: fieldsSchema(f.appEditSchema), result: objectSchema({ secret: { type: 'string' } }, ['secret']), errors: [20100, 20101, 20005, 10013] }),
  'ulord:/v1/app/rebuild': M({ id: 'M14b', summary: 'Regenerate the app secret (alias of app/edit)', body: fieldsSchema(f.appEditSchema), result: objectSchema({ secret: { type: 'string' } }, ['secret']), errors: [20100, 20101, 20005, 10013] }),
  'ulord:/v1/app/remove': M({ id: 'M15', summary: 'Remove an app', body: fieldsSchema(f.idSchema), result: NUM, errors: [20100, 20101, 10013] }),
  'ulord:/v1/transactions/createwallet': M({
    id: 'X1',
    summary: 'Create a wallet user of the app',
    description: 'The seed’s misspelling `pay_passwrod` is accepted as `pay_password` (which wins when both are sent).',
    body: fieldsSchema(f.createWalletSchema, { pay_passwrod: { type: 'string', description: 'Alias of pay_password.' } }),
    result: objectSchema({ id: { type: 'string', description: 'The wallet user name.' } }, ['id']),
    errors: [20100, 20101, 20204, 20200],
  }),
  'ulord:/v1/transactions/paytouser': M({
    id: 'X2',
    summary: 'Transfer ULD to a wallet user (from a user wallet, or the developer wallet)',
    description: 'send_user and pay_password are required unless is_developer is true (then they are ignored).',
    body: objectSchema({ is_developer: IS_DEVELOPER, ...(fieldsSchema(f.payFromUserSchema).properties ?? {}) }, ['recv_user', 'amount']),
    result: objectSchema({ txid: { type: 'string', pattern: '^[0-9a-f]{64}$' } }, ['txid']),
    errors: [20100, 20101, 10002, 20206, 20006, 20200],
    developerWallet: true,
  }),
  'ulord:/v1/transactions/balance': M({
    id: 'X3',
    summary: 'A wallet’s balance (all four values are decimal strings)',
    body: objectSchema({ is_developer: IS_DEVELOPER, ...(fieldsSchema(f.userBalanceSchema).properties ?? {}) }),
    result: objectSchema({ confirmed: BALANCE, total: BALANCE, unconfirmed: BALANCE, unmatured: BALANCE }, ['confirmed', 'total', 'unconfirmed', 'unmatured']),
    errors: [20100, 20101, 10002, 20203, 20006],
    developerWallet: true,
  }),
  'ulord:/v1/transactions/publish': M({
    id: 'X4',
    summary: 'Publish a resource',
    body: fieldsSchema(f.publishSchema, { tag: { type: ['array', 'string'], items: { type: 'string', minLength: 1, maxLength: 32 }, maxItems: 32, description: 'Tags; a single string is one tag; duplicates dropped.' } }),
    result: objectSchema({ claim_id: { type: 'string' }, id: { type: 'integer' }, txid: { type: 'string' } }, ['claim_id', 'id', 'txid']),
    errors: [20100, 20101, 20201, 20006, 20200],
  }),
  'ulord:/v1/transactions/check': M({
    id: 'X5',
    summary: 'Which resources a user may read',
    description: 'result: one key per requested claim id: null (no such content), the ipfs_hash (readable), or false (not bought / not viewed).',
    body: fieldsSchema(f.checkSchema, { claim_ids: { type: 'array', items: { type: 'string', maxLength: 64 }, maxItems: 500 } }, ['claim_ids']),
    result: { type: 'object', additionalProperties: { type: ['string', 'boolean', 'null'] } },
    errors: [20100, 20101],
  }),
  'ulord:/v1/transactions/consume': M({
    id: 'X6',
    summary: 'Buy a resource (or view an ad) and get its hash',
    body: fieldsSchema(f.consumeSchema),
    result: objectSchema({ ipfs_hash: { type: 'string' } }, ['ipfs_hash']),
    errors: [20100, 20101, 20007, 20008, 20202, 20006, 20200],
  }),
  'ulord:/v1/transactions/publisher/account': M({ id: 'X7', summary: 'An author’s sales and ad payouts', body: fieldsSchema(f.authorSchema), result: PAGE('ConsumeRecord', 'records'), errors: [404, 20100, 20101] }),
  'ulord:/v1/transactions/customer/account': M({ id: 'X8', summary: 'A customer’s purchases and ad rewards', body: fieldsSchema(f.customerSchema), result: PAGE('ConsumeRecord', 'records'), errors: [404, 20100, 20101] }),
  'ulord:/v1/transactions/publish/inout': M({
    id: 'X9',
    summary: 'Four income and expenditure aggregates',
    body: fieldsSchema(f.usernameSchema),
    result: objectSchema(
      Object.fromEntries(
        ['customer_expenditure', 'customer_income', 'publisher_expenditure', 'publisher_income'].map((k) => [k, objectSchema({ count: { type: 'integer' }, sum: { type: ['number', 'null'] } }, ['count', 'sum'])]),
      ),
    ),
    errors: [20100, 20101],
  }),
  'ulord:/v1/transactions/publish/count': M({ id: 'X10', summary: 'Number of resources of an author', body: fieldsSchema(f.authorSchema), result: objectSchema({ count: { type: 'integer' } }, ['count']), errors: [20100, 20101] }),
  'ulord:/v1/content/list': M({ id: 'X11', summary: 'The app’s enabled resources', result: PAGE('Content'), errors: [404, 20101] }),
  'ulord:/v1/content/consume/list': M({
    id: 'X12',
    summary: 'Resources a customer paid for or viewed',
    body: fieldsSchema(f.customerSchema),
    result: objectSchema({ ads: { type: 'array', items: ref('Content') }, consumes: { type: 'array', items: ref('Content') }, pages: { type: 'integer' }, total: { type: 'integer' } }, ['ads', 'consumes', 'pages', 'total']),
    errors: [404, 20100, 20101],
  }),
  'ulord:/v1/content/publish/list': M({ id: 'X13', summary: 'Resources of an author, disabled ones included', body: fieldsSchema(f.authorSchema), result: PAGE('Content'), errors: [404, 20100, 20101] }),
};

const TOKEN: readonly (readonly string[])[] = [['developerToken'], ['developerTokenHeader']];

function security(auth: RouteAuth, developerWallet: boolean): readonly (readonly string[])[] {
  switch (auth) {
    case 'public':
      return [];
    case 'optional':
      return [[], ...TOKEN];
    case 'token':
    case 'admin':
      return TOKEN;
    case 'appkey':
      return developerWallet ? [['ulordAppkey'], ['ulordAppkey', 'ulordSecret'], ['ulordAppkey', 'developerToken'], ['ulordAppkey', 'developerTokenHeader']] : [['ulordAppkey']];
  }
}

/** §3.4: the common checks that apply to a route. */
function commonErrors(route: UlordRoute): Errcode[] {
  const codes: Errcode[] = [405, 10009, 10010, 10004, 10006, 400, 10007, 10008, 500];
  if (route.method === 'POST') codes.push(20102);
  if (route.auth === 'appkey') codes.push(10012, 10001, 10005, 10003, 10002, 20006);
  else if (route.auth !== 'public') codes.push(10011, 20006);
  if (route.auth === 'admin') codes.push(10013);
  return codes;
}

function ulordOperation(route: UlordRoute, doc: UlordOperationDoc): DocOperation {
  const access = route.auth === 'admin' ? 'Developer token of an admin.' : route.auth === 'appkey' ? 'External endpoint: the app’s appkey header.' : route.auth === 'public' ? 'Public.' : route.auth === 'optional' ? 'Public; a supplied token must be valid.' : 'Developer token.';
  return {
    method: route.method,
    path: `${route.path}${route.params ?? ''}`,
    operationId: `ulord${doc.id}`,
    summary: doc.summary,
    description: [`${doc.id}. ${access}`, doc.description ?? ''].filter(Boolean).join(' '),
    tag: route.auth !== 'appkey' ? route.path.split('/')[2]! : WALLET_ROUTES.includes(route) ? 'Wallets' : 'Content',
    security: security(route.auth, doc.developerWallet ?? false),
    ...(route.params ? { parameters: [
      { name: 'page', in: 'path', required: true, schema: { type: 'string', pattern: '^[0-9]+$' }, description: 'Page number, from 1 (0 → 20101; not digits → 404).' },
      { name: 'num', in: 'path', required: true, schema: { type: 'string', pattern: '^[0-9]+$' }, description: 'Page size, 1–100 (else 20101).' },
    ] } : {}),
    ...(doc.body && route.method === 'POST' ? { body: { schema: doc.body, required: false, description: 'An empty body is {}.' } } : {}),
    response: { status: 200, schema: envelope(doc.result) },
    errors: [...new Set([...commonErrors(route), ...doc.errors])].map(String),
    idempotent: route.method === 'POST',
  };
}

export function ulordApi(): ApiDescription {
  return {
    name: 'ulord',
    title: 'Ulord API (Plaza)',
    summary: 'Ulord: developer accounts, roles, app types and apps (management), and app wallets and paid content (external).',
    description:
      'Every path is served with and without its trailing slash (spec/ulord.md). Answers are {"errcode","reason","result"?} with keys in alphabetical order; errcode 0 is success.\n\n' +
      'All errcodes except 400, 404, 405 and 500 are sent with HTTP 200, so a 200 answer is either the success envelope or a refusal: check errcode. Wallet failures (202xx) carry result.wallet_reason.\n\n' +
      'Management endpoints take a developer token (Authorization: Bearer, or header token) from users/login; external endpoints (/v1/transactions, /v1/content) name their app with the appkey header. Every POST accepts Idempotency-Key.',
    appMount: true,
    securitySchemes: {
      developerToken: { type: 'http', scheme: 'bearer', description: 'A developer token from POST /v1/users/login/ (Authorization wins over the token header).' },
      developerTokenHeader: { type: 'apiKey', in: 'header', name: 'token', description: 'The developer token in the seed’s `token` header.' },
      ulordAppkey: { type: 'apiKey', in: 'header', name: 'appkey', description: 'The app’s 32-hex appkey (external endpoints).' },
      ulordSecret: { type: 'apiKey', in: 'header', name: 'secret', description: 'The app secret: proof for developer-wallet operations (is_developer: true).' },
    },
    errors: {
      catalogue: Object.fromEntries(Object.entries(ULORD_ERRORS).filter(([code]) => code !== '0').map(([code, e]) => [code, { status: e.http, message: e.reason }])),
      schema: ERROR_SCHEMA,
      contentType: 'application/json',
      example: (code) => errorEnvelope(Number(code) as Errcode),
    },
    schemas: SCHEMAS,
    tags: [
      { name: 'role', description: 'Developer roles (M1–M4).' },
      { name: 'type', description: 'App types (M5–M8).' },
      { name: 'users', description: 'Developer accounts and tokens (M9–M11).' },
      { name: 'app', description: 'Apps and their secrets (M12–M15).' },
      { name: 'Wallets', description: 'App wallet users and ULD transfers (X1–X3).' },
      { name: 'Content', description: 'Paid content: publish, check, consume, accounts and lists (X4–X13).' },
    ],
    operations: operationsOf(ULORD_ROUTES, routeKey, ULORD_OPERATION_DOCS, ulordOperation),
  };
}
