// The YOYOW dialect's API description (spec/yoyow.md §2–§4): one declaration per route of YOYOW_ROUTES, keyed by
// `METHOD path`, plus the secure request scheme and Plaza's extensions to it (§2.5), which the spec requires the
// document to state. The handlers stay the authority on every rule; every error named here is a catalogue entry
// (errors.ts), so a code outside the catalogue does not compile.
import { objectSchema, operationsOf, type ApiDescription, type DocOperation, type DocParameter, type DocSchema } from '../../http/openapi/model.js';
import { internalError, secureError, transportError, yoyowError, YOYOW_ERRORS, YOYOW_TRANSPORT, type SecureFailure, type YoyowErrorName, type YoyowTransportName } from './errors.js';
import type { YoyowRoute } from './pipeline.js';
import { YOYOW_ROUTES } from './routes.js';

type CatalogueName = YoyowErrorName | YoyowTransportName;

const SECURE_FAILURES: readonly SecureFailure[] = ['requestExpired', 'invalidOperationTime', 'invalidOperationSignature'];

const ENVELOPE = (data: DocSchema): DocSchema =>
  objectSchema({ code: { type: 'integer', const: 0 }, data, message: { type: 'string', const: '操作成功' } }, ['code', 'data', 'message']);

const ERROR_SCHEMA: DocSchema = objectSchema(
  {
    code: { type: 'integer', description: 'The catalogue code; for 404/403/409/413/429 equal to the HTTP status; 2000 with HTTP 500 for an internal failure.' },
    data: { type: 'null', description: 'Absent in the secure-request transport answers (1003/1004/1005 of §2.4 steps 1, 3–6).' },
    message: { type: 'string' },
  },
  ['code', 'message'],
);

const UID: DocSchema = { type: ['integer', 'string'], pattern: '^[0-9]+$', description: 'A YOYOW uid (checksummed, < 2^53); a bad checksum is 2002.' };
const CIPHER_BODY: DocSchema = objectSchema(
  {
    ct: { type: 'string', pattern: '^([0-9a-fA-F]{32})+$', description: 'AES-256-CBC ciphertext of JSON.stringify(payload), hex.' },
    iv: { type: 'string', description: 'Standard mode: the 16-byte IV, hex (required). Simple mode: ignored (the IV is derived).' },
    s: { type: 'string', pattern: '^([0-9a-fA-F]{2})+$', description: 'The salt, hex.' },
    cipher: objectSchema({ ct: { type: 'string' }, iv: { type: 'string' }, s: { type: 'string' } }, [], { description: 'Alternative wrapper of the three fields (read when `ct` is absent).' }),
  },
  [],
);
const WRITE_RESULT: DocSchema = objectSchema({ block_num: { type: 'integer' }, txid: { type: 'string', pattern: '^[0-9a-f]{40}$' } }, ['block_num', 'txid']);
const ANY: DocSchema = { description: 'See spec/yoyow.md §4 for the exact fields and their order.' };

const query = (name: string, schema: DocSchema, description?: string): DocParameter => ({ name, in: 'query', required: false, schema, ...(description ? { description } : {}) });

interface YoyowOperationDoc {
  operationId: string;
  summary: string;
  description?: string;
  tag: 'Chain' | 'Sign-in' | 'Writes';
  parameters?: readonly DocParameter[];
  data: DocSchema;
  /** Endpoint errors in the spec's check order (the transport's are added). */
  errors: readonly YoyowErrorName[];
}

export const YOYOW_OPERATION_DOCS: Readonly<Record<string, YoyowOperationDoc>> = {
  'GET /api/v2/accounts/:uid': { operationId: 'yoyowAccount', summary: 'An account (user, app or system) with statistics and assets', tag: 'Chain', data: ANY, errors: ['invalidAccount', 'accountNotFound'] },
  'GET /api/v2/accounts/:uid/histories': {
    operationId: 'yoyowHistories',
    summary: "An account's operation history, newest first",
    tag: 'Chain',
    parameters: [query('op_type', { type: 'string', pattern: '^[0-9]+$' }), query('start', { type: 'string', pattern: '^[0-9]+$' }), query('limit', { type: 'string', pattern: '^[0-9]+$' }, '1–100, default 10')],
    data: { type: 'array' },
    errors: ['invalidAccount', 'accountNotFound'],
  },
  'GET /api/v2/authPermissions': {
    operationId: 'yoyowAuthPermissions',
    summary: "An account's active consent to a platform",
    tag: 'Chain',
    parameters: [query('platform', UID, 'Default: the request’s app.'), query('account', UID)],
    data: { type: 'array' },
    errors: ['invalidAccount', 'accountNotFound'],
  },
  'GET /api/v2/assets/:asset': { operationId: 'yoyowAsset', summary: 'An asset by symbol, id or object id', tag: 'Chain', data: ANY, errors: ['invalidAsset'] },
  'GET /api/v2/blocks/:block_num': { operationId: 'yoyowBlock', summary: 'A sealed block, or null', tag: 'Chain', data: ANY, errors: [] },
  'GET /api/v2/blocks/:block_num/confirmed': { operationId: 'yoyowBlockConfirmed', summary: 'Whether a block is irreversible', tag: 'Chain', data: { type: 'boolean' }, errors: [] },
  'POST /api/v2/transfer': {
    operationId: 'yoyowTransfer',
    summary: 'Transfer from the platform (secure request)',
    description: 'Payload fields: platform (default the app), uid, amount (display units), asset_id (default 0), memo; plus time.',
    tag: 'Writes',
    data: WRITE_RESULT,
    errors: ['invalidTransferAmount', 'invalidAccount', 'accountNotFound', 'platformNotAuthorized', 'invalidAsset', 'invalidMemoKey', 'feeNotPayable', 'insufficientPrepaid'],
  },
  // Advertising (§4.16–§4.22; modules/ads).
  'POST /api/v2/advertisings': {
    operationId: 'yoyowAdvertisingCreate',
    summary: 'Create an advertising slot (secure request)',
    description: 'Payload fields: platform (default the app), description (≤ 4096 bytes, default ""), unit_price (base units, ≥ 1), unit_time (seconds, 1–4294967295); plus time. data: {block_num, txid, advertising}.',
    tag: 'Writes',
    data: ANY,
    errors: ['invalidAccount', 'accountNotFound', 'platformNotAuthorized', 'feeNotPayable'],
  },
  'POST /api/v2/advertising': {
    operationId: 'yoyowAdvertisingCreateAlias',
    summary: 'Alias of POST /api/v2/advertisings',
    tag: 'Writes',
    data: ANY,
    errors: ['invalidAccount', 'accountNotFound', 'platformNotAuthorized', 'feeNotPayable'],
  },
  'POST /api/v2/advertising/update': {
    operationId: 'yoyowAdvertisingUpdate',
    summary: 'Update an advertising slot (secure request)',
    description: 'Payload fields: platform, advertising_aid, and at least one of description, unit_price, unit_time, on_sell ("nothing to update"); on_sell equal to the current value → "on_sell unchanged".',
    tag: 'Writes',
    data: ANY,
    errors: ['invalidAccount', 'accountNotFound', 'platformNotAuthorized', 'feeNotPayable'],
  },
  'POST /api/v2/advertising/buy': {
    operationId: 'yoyowAdvertisingBuy',
    summary: 'Buy advertising time for an account (secure request; Plaza extension)',
    description:
      'Payload fields: account (alias from_account; uid or name), platform, advertising_aid, start_time (unix seconds, ms ≥ 10^11, or "YYYY-MM-DDTHH:MM:SS"; from now − 60 s to now + 10 years), buy_number, extra_data (≤ 8192 bytes), memo (≤ 2048 bytes). The buyer needs an active consent with Transfer (32). The price (unit_price × buy_number, > the minimum confirmation fee) moves from the buyer\'s prepaid into escrow.',
    tag: 'Writes',
    data: ANY,
    errors: ['invalidAccount', 'accountNotFound', 'platformNotAuthorized', 'invalidMemoKey', 'feeNotPayable', 'insufficientPrepaid'],
  },
  'POST /api/v2/advertising/confirm': {
    operationId: 'yoyowAdvertisingConfirm',
    summary: 'Accept or refuse an advertising order (secure request)',
    description:
      'Payload fields: platform, advertising_aid, advertising_order_oid, isconfirm. Accept: escrow → the platform\'s balance minus the confirmation fee (max(price × confirmed_fee_rate / 10000, confirmed_min_fee)); every other undetermined order of the slot whose period overlaps is refused and refunded. Refuse: the price goes back to the buyer.',
    tag: 'Writes',
    data: ANY,
    errors: ['invalidAccount', 'accountNotFound', 'platformNotAuthorized', 'feeNotPayable'],
  },
  'POST /api/v2/advertising/ransom': {
    operationId: 'yoyowAdvertisingRansom',
    summary: 'The buyer takes back the price of an order left undetermined (secure request; Plaza extension)',
    description: 'Payload fields: from_account (uid or name; the buyer), platform, advertising_aid, advertising_order_oid. Allowed only after yoyow.advertising.ransomAfter seconds (default 7 days) since the purchase.',
    tag: 'Writes',
    data: ANY,
    errors: ['invalidAccount', 'accountNotFound', 'platformNotAuthorized', 'feeNotPayable'],
  },
  'GET /api/v2/advertisings': {
    operationId: 'yoyowAdvertisings',
    summary: "A platform's advertising slots, ascending aid",
    tag: 'Chain',
    parameters: [
      query('platform', UID, 'Default: the request’s app.'),
      query('lower_bound_advertising', { type: 'string' }, 'An aid (inclusive), an object id 2.18.<i>, or 0.0.0; default 0.'),
      query('limit', { type: 'string', pattern: '^[0-9]+$' }, '1–100, default 100'),
    ],
    data: { type: 'array' },
    errors: ['invalidAccount', 'accountNotFound'],
  },
  'GET /api/v2/advertising': {
    operationId: 'yoyowAdvertisingsAlias',
    summary: 'Alias of GET /api/v2/advertisings',
    tag: 'Chain',
    parameters: [query('platform', UID), query('lower_bound_advertising', { type: 'string' }), query('limit', { type: 'string', pattern: '^[0-9]+$' })],
    data: { type: 'array' },
    errors: ['invalidAccount', 'accountNotFound'],
  },
  'GET /api/v2/advertising_orders': {
    operationId: 'yoyowAdvertisingOrders',
    summary: "A purchaser's orders (filter=0) or a slot's orders",
    tag: 'Chain',
    parameters: [
      query('filter', { type: 'string' }, '0 = by purchaser; anything else or absent = by platform + advertising_aid_type.'),
      query('purchaser', UID, 'Required when filter=0.'),
      query('platform', UID, 'Default: the request’s app (filter ≠ 0).'),
      query('advertising_aid_type', { type: 'string', pattern: '^[0-9]+$' }, 'Required when filter ≠ 0.'),
      query('lower_bound_advertising_order', { type: 'string', pattern: '^[0-9]+$' }, 'Also accepted as lower_bound_advertiing_order (the seed’s spelling); default 0.'),
      query('limit', { type: 'string', pattern: '^[0-9]+$' }, '1–100, default 100'),
    ],
    data: { type: 'array' },
    errors: ['invalidAccount', 'accountNotFound'],
  },
  'GET /api/v2/posts': {
    operationId: 'yoyowPost',
    summary: 'A post, or null',
    tag: 'Chain',
    parameters: [query('platform', UID, 'Default: the request’s app.'), query('poster', UID), query('post_pid', { type: 'string', pattern: '^[0-9]+$' }, 'Alias: pid.')],
    data: ANY,
    errors: ['invalidAccount'],
  },
  'GET /api/v2/posts/getPostList': {
    operationId: 'yoyowPostList',
    summary: 'Posts of a platform, newest first',
    tag: 'Chain',
    parameters: [
      query('platform', UID, 'Default: the request’s app.'),
      query('poster', UID, 'Default: all posters.'),
      query('lower_bound', { type: 'string', pattern: '^[0-9]+\\.[0-9]+\\.[0-9]+$' }, 'Inclusive `1.7.<i>`; `1.8.0` = newest.'),
      query('start', { type: 'string' }, 'YYYY-MM-DDTHH:MM:SS; used when lower_bound is absent.'),
      query('limit', { type: 'string' }, 'Default 20, clamped to 1–100.'),
    ],
    data: { type: 'array' },
    errors: ['invalidAccount'],
  },
  'GET /api/v2/posts/listScores': {
    operationId: 'yoyowListScores',
    summary: 'Scores of a post, ascending id',
    tag: 'Chain',
    parameters: [
      query('platform', UID, 'Default: the request’s app.'),
      query('poster', UID),
      query('pid', { type: 'string', pattern: '^[0-9]+$' }, 'Alias: post_pid.'),
      query('lower_bound_score', { type: 'string' }, 'Inclusive object id, default 0.0.0.'),
      query('limit', { type: 'string', pattern: '^[0-9]+$' }, '1–100, default 20'),
      query('list_cur_period', { type: 'string' }, 'Boolean; no effect (one award period).'),
    ],
    data: { type: 'array' },
    errors: ['invalidAccount'],
  },
  'GET /api/v2/posts/score': {
    operationId: 'yoyowScore',
    summary: 'The score an account gave a post, or null',
    tag: 'Chain',
    parameters: [query('platform', UID, 'Default: the request’s app.'), query('poster', UID), query('pid', { type: 'string', pattern: '^[0-9]+$' }, 'Alias: post_pid.'), query('from_account', UID)],
    data: ANY,
    errors: ['invalidAccount'],
  },
  'POST /api/v2/posts/simple': {
    operationId: 'yoyowPostSimple',
    summary: 'Publish a simple post (secure request)',
    description: 'Payload fields: platform (default the app), poster (default the platform), title, body (hashed, stored as ""), url, hash_value, license_lid; plus time.',
    tag: 'Writes',
    data: ANY,
    errors: ['invalidAccount', 'accountNotFound', 'platformNotAuthorized', 'feeNotPayable'],
  },
  'POST /api/v2/posts': {
    operationId: 'yoyowPostCreate',
    summary: 'Publish a post, comment or forward (secure request)',
    description: 'Payload fields: platform, poster, post_pid, title, body, extra_data, url, hash_value, extensions {post_type, forward_price, receiptors, license_lid, permission_flags}, origin_platform, origin_poster, origin_post_pid; plus time.',
    tag: 'Writes',
    data: ANY,
    errors: ['invalidAccount', 'accountNotFound', 'platformNotAuthorized', 'feeNotPayable', 'postPidMismatch', 'forwardInsufficientPrepaid'],
  },
  'POST /api/v2/posts/score': {
    operationId: 'yoyowPostScore',
    summary: 'Score a post with csaf (secure request)',
    description: 'Payload fields: from_account, platform, poster, pid (alias post_pid), score (−5…5), csaf (base units); plus time.',
    tag: 'Writes',
    data: WRITE_RESULT,
    errors: ['invalidAccount', 'accountNotFound', 'platformNotAuthorized', 'feeNotPayable', 'scoreInsufficientCsaf'],
  },
  'POST /api/v2/posts/reward-proxy': {
    operationId: 'yoyowPostReward',
    summary: 'Reward a post from prepaid, split over its receiptors (secure request)',
    description: 'Payload fields: from_account, platform, poster, pid (alias post_pid), amount (base units); plus time.',
    tag: 'Writes',
    data: WRITE_RESULT,
    errors: ['invalidAccount', 'accountNotFound', 'platformNotAuthorized', 'feeNotPayable', 'rewardInsufficient'],
  },
  'POST /api/v2/create_license': {
    operationId: 'yoyowCreateLicense',
    summary: 'Create a licence of the platform (secure request)',
    description: 'Payload fields: platform, type (0–255), hash_value, title, body, extra_data; plus time.',
    tag: 'Writes',
    data: ANY,
    errors: ['invalidAccount', 'accountNotFound', 'platformNotAuthorized', 'feeNotPayable'],
  },
  'GET /auth/sign': { operationId: 'yoyowAuthSign', summary: "The platform's login signature and wallet URL", tag: 'Sign-in', data: ANY, errors: [] },
  'GET /auth/verify': {
    operationId: 'yoyowAuthVerify',
    summary: "Verify a user's login signature",
    tag: 'Sign-in',
    parameters: [query('yoyow', UID), query('time', { type: 'string', pattern: '^[0-9]{1,16}$' }), query('sign', { type: 'string', pattern: '^[0-9a-fA-F]{130}$' })],
    data: ANY,
    errors: ['invalidSignTime', 'invalidAccount', 'accountNotFound', 'signExpired', 'accountMismatch'],
  },
  'GET /auth/signQR': { operationId: 'yoyowAuthSignQR', summary: 'The login signature as a QR code (base64 PNG)', tag: 'Sign-in', parameters: [query('state', { type: 'string', maxLength: 512 })], data: { type: 'string' }, errors: [] },
};

const COMMON: readonly CatalogueName[] = ['notFound', 'unknownApp', 'appDisabled', 'tooManyRequests', 'internal'];
const SECURE_COMMON: readonly CatalogueName[] = ['invalidOperationSignature', 'invalidOperationTime', 'requestExpired', 'idempotencyConflict', 'payloadTooLarge'];

function operation(route: YoyowRoute, doc: YoyowOperationDoc): DocOperation {
  return {
    method: route.method,
    path: route.path,
    operationId: doc.operationId,
    summary: doc.summary,
    ...(doc.description ? { description: doc.description } : {}),
    tag: doc.tag,
    security: [],
    ...(doc.parameters ? { parameters: doc.parameters } : {}),
    ...(route.secure ? { body: { schema: CIPHER_BODY, description: 'application/json or application/x-www-form-urlencoded (also `cipher` as JSON text or `cipher[ct]`…).' } } : {}),
    response: { status: 200, schema: ENVELOPE(doc.data) },
    errors: [...new Set<string>([...COMMON, ...(route.secure ? SECURE_COMMON : []), ...doc.errors])],
    idempotent: route.secure,
  };
}

function example(code: string): unknown {
  if ((SECURE_FAILURES as readonly string[]).includes(code)) return JSON.parse(secureError(code as SecureFailure).body) as unknown;
  if (code === 'internal') return JSON.parse(internalError().body) as unknown;
  if (code in YOYOW_TRANSPORT) return JSON.parse(transportError(code as YoyowTransportName).body) as unknown;
  const [c, message] = YOYOW_ERRORS[code as YoyowErrorName];
  return JSON.parse(yoyowError(c, message).body) as unknown;
}

function catalogue(): Record<string, { status: number; message: string }> {
  const out: Record<string, { status: number; message: string }> = {};
  for (const [name, [, message]] of Object.entries(YOYOW_ERRORS)) out[name] = { status: name === 'internal' ? 500 : 200, message };
  for (const [name, [status, message]] of Object.entries(YOYOW_TRANSPORT)) out[name] = { status, message };
  return out;
}

export function yoyowApi(): ApiDescription {
  return {
    name: 'yoyow',
    title: 'YOYOW middleware V2 API (Plaza)',
    summary: 'yoyow-middleware V2: chain reads, secure (encrypted) writes and platform sign-in, on Plaza’s ledger.',
    description:
      'Every answer is {"code","data","message"} with HTTP 200, except the transport errors (404 unknown route or app, 403 disabled app, 409, 413, 429: HTTP status = code) and an internal failure (HTTP 500, code 2000 "api底层异常").\n\n' +
      'The app is named by the /apps/<appkey> prefix, else the X-Plaza-App header, else the node’s default app (setting yoyow.defaultApp).\n\n' +
      'Every POST is a secure request: the payload object plus `time` (a JSON number, ms) is JSON.stringify-ed and encrypted with AES-256-CBC under the app secret as text. security_level "simple" (default): crypto-js passphrase mode (OpenSSL EVP_BytesToKey, MD5; `iv` ignored). "standard": PBKDF2-HMAC-SHA1, 100 iterations, explicit 16-byte `iv` (crypto-js ≥ 4.2 clients must pass hasher SHA1). Failures answer {"code","message"} without data: 1005 for anything that does not decrypt to a JSON object, 1004 for a missing or non-numeric time, 1003 for an expired one.\n\n' +
      'Plaza extensions (on by default, per node and per app): secure_ageing 120 s; a future bound secure_future_skew 300 s (time further ahead → 1004; 0 disables); replay protection (a ciphertext accepted once answers 1003 when sent again, even if its operation failed — re-encrypt, or use Idempotency-Key, whose fingerprint ignores `time`).',
    appMount: true,
    securitySchemes: {},
    errors: { catalogue: catalogue(), schema: ERROR_SCHEMA, contentType: 'application/json; charset=utf-8', example },
    schemas: {},
    tags: [
      { name: 'Chain', description: 'Public chain-equivalent reads (§4.1–§4.6).' },
      { name: 'Writes', description: 'Secure requests (§2.4, §4.23).' },
      { name: 'Sign-in', description: 'Platform login signatures (§4.24–§4.26).' },
    ],
    operations: operationsOf(YOYOW_ROUTES, (r) => `${r.method} ${r.path}`, YOYOW_OPERATION_DOCS, operation),
  };
}
