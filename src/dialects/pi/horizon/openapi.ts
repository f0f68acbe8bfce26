// The ledger gateway's API description (spec/pi.md §3.18): one declaration per route of HORIZON_ROUTES, keyed
// `METHOD path`; method and path come from the route table. Error kinds are HorizonProblemKinds, so a kind outside
// the gateway's catalogue does not compile; the examples are rendered by the gateway's own `problem`.
import { objectSchema, operationsOf, type ApiDescription, type DocOperation, type DocSchema } from '../../../http/openapi/model.js';
import { HORIZON_PROBLEMS, problem, type HorizonProblemKind } from './render.js';
import { HORIZON_ROUTES, type HorizonRoute } from './routes.js';

const ref = (name: string): DocSchema => ({ $ref: `#/components/schemas/${name}` });
const ADDRESS: DocSchema = { type: 'string', pattern: '^G[A-Z2-7]{55}$' };
const AMOUNT: DocSchema = { type: 'string', pattern: '^-?[0-9]+\\.[0-9]{7}$', description: '7-decimal string.' };
const TIME: DocSchema = { type: 'string', description: 'YYYY-MM-DDTHH:mm:ssZ.' };
const HREF: DocSchema = objectSchema({ href: { type: 'string', format: 'uri' } }, ['href']);

const TRANSACTION_FIELDS: Record<string, DocSchema> = {
  id: { type: 'string', description: "Plaza's txid of the transfer (64 hex)." },
  hash: { type: 'string' },
  successful: { type: 'boolean', const: true },
  ledger: { type: ['integer', 'null'], description: 'Block number; null before sealing.' },
  created_at: TIME,
  source_account: { type: ['string', 'null'], description: 'Payer wallet address; null for issuance.' },
  memo_type: { type: 'string', const: 'text' },
  memo: { type: 'string', description: 'The payment identifier for payment transfers.' },
  fee_charged: { type: 'string', const: '0' },
  operation_count: { type: 'integer', const: 1 },
  _links: objectSchema({ self: HREF, operations: HREF }, ['self', 'operations']),
};

const SCHEMAS: Record<string, DocSchema> = {
  Transaction: objectSchema(TRANSACTION_FIELDS, Object.keys(TRANSACTION_FIELDS)),
};

const ERROR_SCHEMA: DocSchema = objectSchema(
  {
    type: { type: 'string', format: 'uri', description: 'https://stellar.org/horizon-errors/<kind>' },
    title: { type: 'string' },
    status: { type: 'integer' },
    detail: { type: 'string' },
    extras: objectSchema({
      envelope_xdr: { type: 'string' },
      result_codes: objectSchema({ transaction: { type: 'string', example: 'tx_bad_seq' }, operations: { type: 'array', items: { type: 'string' } } }, ['transaction']),
      verification_error: { type: 'string', description: 'With op_payment_mismatch (spec/pi.md §3.2 values).' },
    }),
  },
  ['type', 'title', 'status', 'detail'],
);

interface HorizonOperationDoc {
  operationId: string;
  summary: string;
  description?: string;
  body?: { schema: DocSchema; contentType: string };
  response: DocSchema;
  errors: readonly HorizonProblemKind[];
}

export const HORIZON_OPERATION_DOCS: Readonly<Record<string, HorizonOperationDoc>> = {
  'GET /horizon': {
    operationId: 'horizonRoot',
    summary: 'The root resource: version, network passphrase, latest ledger',
    response: objectSchema({ horizon_version: { type: 'string' }, network_passphrase: { type: 'string' }, history_latest_ledger: { type: 'integer' } }, ['horizon_version', 'network_passphrase', 'history_latest_ledger']),
    errors: [],
  },
  'GET /horizon/fee_stats': {
    operationId: 'horizonFeeStats',
    summary: 'Fee statistics (nominal: Plaza charges no network fee)',
    response: objectSchema({ last_ledger: { type: 'string' }, last_ledger_base_fee: { type: 'string', const: '100' } }, ['last_ledger', 'last_ledger_base_fee']),
    errors: [],
  },
  'GET /horizon/accounts/:address': {
    operationId: 'horizonAccount',
    summary: 'A Plaza wallet as a Stellar account (sequence, balance, signer)',
    response: objectSchema({
      id: ADDRESS,
      account_id: ADDRESS,
      sequence: { type: 'string', description: 'Decimal string.' },
      subentry_count: { type: 'integer' },
      balances: { type: 'array', items: objectSchema({ balance: AMOUNT, asset_type: { type: 'string', const: 'native' } }, ['balance', 'asset_type']) },
      signers: { type: 'array', items: objectSchema({ key: ADDRESS, weight: { type: 'integer' }, type: { type: 'string' } }) },
      thresholds: { type: 'object' },
      flags: { type: 'object' },
      data_attr: { type: 'object' },
      last_modified_ledger: { type: 'integer' },
    }),
    errors: ['not_found'],
  },
  'POST /horizon/transactions': {
    operationId: 'horizonSubmitTransaction',
    summary: 'Submit a signed payment envelope (the signature authenticates)',
    description:
      'Checks in order (§3.18): decodable, replay of an accepted envelope (200), supported subset, source wallet, signature, Idempotency-Key, time bounds, sequence, destination, the named payment, balance. ' +
      'Refusals are 400 transaction_failed with extras.result_codes. Also accepted as JSON {"tx": ...}.',
    body: { schema: objectSchema({ tx: { type: 'string', description: 'Base64 XDR TransactionEnvelope.' } }, ['tx']), contentType: 'application/x-www-form-urlencoded' },
    response: { type: 'object', properties: { ...TRANSACTION_FIELDS, envelope_xdr: { type: 'string' } } },
    errors: ['transaction_malformed', 'transaction_failed', 'bad_request', 'idempotency_key_reused', 'payload_too_large'],
  },
  'GET /horizon/transactions/:txid': {
    operationId: 'horizonTransaction',
    summary: 'A ledger transfer of the payment asset (the `_link` target)',
    response: ref('Transaction'),
    errors: ['not_found'],
  },
  'GET /horizon/transactions/:txid/operations': {
    operationId: 'horizonTransactionOperations',
    summary: 'The one payment operation of a transaction',
    response: objectSchema(
      {
        _embedded: objectSchema({
          records: {
            type: 'array',
            items: objectSchema({
              id: { type: 'string' },
              type: { type: 'string', const: 'payment' },
              type_i: { type: 'integer', const: 1 },
              transaction_hash: { type: 'string' },
              transaction_successful: { type: 'boolean' },
              source_account: { type: ['string', 'null'] },
              from: { type: ['string', 'null'] },
              to: ADDRESS,
              asset_type: { type: 'string', const: 'native' },
              amount: AMOUNT,
              created_at: TIME,
            }),
          },
        }),
      },
      ['_embedded'],
    ),
    errors: ['not_found'],
  },
};

const COMMON: readonly HorizonProblemKind[] = ['method_not_allowed', 'rate_limit_exceeded', 'server_error'];

function horizonOperation(route: HorizonRoute, doc: HorizonOperationDoc): DocOperation {
  return {
    method: route.method,
    path: route.path,
    operationId: doc.operationId,
    summary: doc.summary,
    ...(doc.description ? { description: doc.description } : {}),
    tag: route.method === 'POST' || route.path.startsWith('/horizon/transactions') ? 'Transactions' : 'Network',
    security: [],
    ...(doc.body ? { body: { schema: doc.body.schema, contentType: doc.body.contentType } } : {}),
    response: { status: 200, schema: doc.response, contentType: 'application/json' },
    errors: [...new Set([...COMMON, ...doc.errors])],
    idempotent: route.method === 'POST',
  };
}

export function horizonRouteKey(route: Pick<HorizonRoute, 'method' | 'path'>): string {
  return `${route.method} ${route.path}`;
}

export function horizonApi(): ApiDescription {
  return {
    name: 'horizon',
    title: 'Pi ledger gateway (Horizon subset)',
    summary: 'The Stellar Horizon subset stellar-sdk needs to load an account and submit one payment, and `_link` readers need.',
    description:
      "Plaza's stand-in for Pi's blockchain API (spec/pi.md §3.18). No credentials: reads are public like a chain explorer, and a submitted envelope is authenticated by its Ed25519 signature.\n\n" +
      'Errors use application/problem+json {"type","title","status","detail","extras"?}. Every response carries a Date header.',
    appMount: true,
    securitySchemes: {},
    errors: {
      catalogue: Object.fromEntries(Object.entries(HORIZON_PROBLEMS).map(([kind, p]) => [kind, { status: p.status, message: p.title }])),
      schema: ERROR_SCHEMA,
      contentType: 'application/problem+json; charset=utf-8',
      example: (kind) => JSON.parse(problem(kind as HorizonProblemKind).body) as unknown,
    },
    schemas: SCHEMAS,
    tags: [
      { name: 'Network', description: 'The root, fee statistics and accounts.' },
      { name: 'Transactions', description: 'Submitting a payment and reading transactions.' },
    ],
    operations: operationsOf(HORIZON_ROUTES, horizonRouteKey, HORIZON_OPERATION_DOCS, horizonOperation),
  };
}
