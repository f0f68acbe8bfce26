// Every admin API route, declared once (route.ts). Handlers only parse, call the core, and shape the answer:
// the ledger and identity modules own every rule.
import type { Kysely } from 'kysely';
import { listAudit } from '../core/events/audit.js';
import { rotateAppSecretAs } from '../core/identity/apps.js';
import { identityDeps } from './deps.js';
import { ensureAccount, getAccount, listAccounts, setAccountFrozen } from '../core/ledger/accounts.js';
import { ensureAsset, getAsset, getAssetBySymbol, listAssets } from '../core/ledger/assets.js';
import { getBlock, listBlocks, merkleProof } from '../core/ledger/blocks.js';
import { getTransfer, issue, listTransfers } from '../core/ledger/transfers.js';
import type { Asset } from '../core/ledger/types.js';
import type { DB } from '../db/schema.js';
import { JsonNumber, type JsonObject } from '../http/body.js';
import type { Clock } from '../core/clock.js';
import type { Db } from '../core/ledger/rows.js';
import { parseAmount } from './amounts.js';
import { CONTENT_ROUTES } from './contentRoutes.js';
import { CONSOLE_ROUTES } from './consoleRoutes.js';
import { adminError } from './errors.js';
import { OPERATOR_ROUTES } from './operatorRoutes.js';
import { PI_ROUTES } from './piRoutes.js';
import { USER_ROUTES } from './userRoutes.js';
import { WEBHOOK_ROUTES } from './webhookRoutes.js';
import { PRODUCT_ROUTES } from './productRoutes.js';
import { WECHAT_ROUTES } from './wechatRoutes.js';
import { YOYOW_ADMIN_ROUTES } from './yoyowRoutes.js';
import { defineRoute, type AdminRoute } from './route.js';
import { idParam, pathParams, type ObjectSchema, type Schema } from './schema.js';
import {
  accountSchema,
  accountView,
  assetSchema,
  assetView,
  blockSchema,
  blockView,
  listOf,
  proofSchema,
  proofView,
  transferSchema,
  transferView,
} from './views.js';

const DEFAULT_PAGE = 50;
const MAX_PAGE = 200;

const page: Record<string, Schema> = {
  after: { type: 'integer', minimum: 0, description: 'Return items after this id / number / seq (exclusive cursor).' },
  limit: { type: 'integer', minimum: 1, maximum: MAX_PAGE, description: `Page size, default ${DEFAULT_PAGE}.` },
};

const symbolPattern = '^[A-Z][A-Z0-9]{1,11}$';

/** `order=desc` with the `before` cursor: newest first without knowing the head (the console's live lists). */
const newestPage: Record<string, Schema> = {
  order: { type: 'string', enum: ['asc', 'desc'], description: 'asc (default): oldest first; desc: newest first.' },
  before: { type: 'integer', minimum: 1, description: 'Return items before this number / seq (exclusive cursor; pairs with order=desc).' },
};

function newestOf(query: Record<string, unknown>): { newestFirst: boolean; before?: number } {
  return { newestFirst: query.order === 'desc', ...(query.before !== undefined ? { before: query.before as number } : {}) };
}

function pageOf(query: Record<string, unknown>): { after: number; limit: number } {
  return { after: (query.after as number | undefined) ?? 0, limit: (query.limit as number | undefined) ?? DEFAULT_PAGE };
}

/** Looks assets up once per request: lists of accounts or transfers mostly share one or two. */
function assetCache(db: Kysely<DB>) {
  const seen = new Map<number, Promise<Asset>>();
  return (id: number): Promise<Asset> => {
    let p = seen.get(id);
    if (!p) {
      p = getAsset(db, id).then((a) => {
        if (!a) throw new Error(`ledger refers to missing asset ${id}`);
        return a;
      });
      seen.set(id, p);
    }
    return p;
  };
}

async function assetBySymbol(db: Kysely<DB>, symbol: string): Promise<Asset> {
  const asset = await getAssetBySymbol(db, symbol);
  if (!asset) throw adminError('not_found', `no asset with symbol ${symbol}`);
  return asset;
}

async function accountOr404(db: Kysely<DB>, id: number) {
  const account = await getAccount(db, id);
  if (!account) throw adminError('not_found', `no ledger account ${id}`);
  return account;
}

/**
 * The account an issue credits: `account_id`, or the account of `owner_kind`/`owner_id` (sub `sub`, default
 * `balance`) in the asset, opened when missing — so an operator can top up a user who has never been billed.
 */
async function issueTarget(trx: Db, body: JsonObject, asset: Asset, clock: Clock) {
  const byId = body.account_id !== undefined;
  const byOwner = body.owner_kind !== undefined || body.owner_id !== undefined;
  if (byId === byOwner) throw adminError('invalid_request', 'name the account either by account_id or by owner_kind and owner_id');
  if (byId) return accountOr404(trx, Number((body.account_id as JsonNumber).text));
  if (typeof body.owner_kind !== 'string' || typeof body.owner_id !== 'string') {
    throw adminError('invalid_request', 'owner_kind and owner_id go together');
  }
  return ensureAccount(trx, { owner: { kind: body.owner_kind, id: body.owner_id }, assetId: asset.id, sub: (body.sub as string | undefined) ?? 'balance' }, clock);
}

const assets: AdminRoute[] = [
  defineRoute({
    method: 'POST',
    path: '/admin/v1/assets',
    operationId: 'createAsset',
    summary: 'Create an asset',
    tag: 'assets',
    access: 'admin',
    body: {
      type: 'object',
      properties: {
        symbol: { type: 'string', pattern: symbolPattern, example: 'ULD' },
        precision: { type: 'integer', minimum: 0, maximum: 18, example: 8 },
      },
      required: ['symbol', 'precision'],
      additionalProperties: false,
    },
    status: 201,
    response: assetSchema,
    errors: ['invalid_request', 'asset_exists'],
    async handler({ db, body, services }) {
      const symbol = body.symbol as string;
      if (await getAssetBySymbol(db, symbol)) throw adminError('asset_exists', `asset ${symbol} already exists`);
      const precision = Number((body.precision as JsonNumber).text);
      return assetView(await ensureAsset(db, { symbol, precision }, services.clock));
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/admin/v1/assets',
    operationId: 'listAssets',
    summary: 'List assets',
    tag: 'assets',
    access: 'developer',
    status: 200,
    response: listOf(assetSchema),
    errors: [],
    async handler({ db }) {
      return (await listAssets(db)).map(assetView);
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/admin/v1/assets/:symbol/issue',
    operationId: 'issueAsset',
    summary: 'Issue new units of an asset into an account',
    tag: 'assets',
    access: 'admin',
    params: pathParams({ symbol: { type: 'string', pattern: symbolPattern } }),
    body: {
      type: 'object',
      properties: {
        account_id: { type: 'integer', minimum: 1, description: 'The account to credit; or name its owner instead.' },
        owner_kind: { type: 'string', minLength: 1, maxLength: 32, description: 'With owner_id: the owner of the account (created when missing), e.g. `user`.', example: 'user' },
        owner_id: { type: 'string', minLength: 1, maxLength: 64, description: 'The owner id, e.g. a user uid.', example: '10989' },
        sub: { type: 'string', minLength: 1, maxLength: 32, description: 'Sub-balance with owner_kind/owner_id (default `balance`), e.g. `credit`.', example: 'credit' },
        amount: { type: ['string', 'number'], description: 'Decimal in asset units, at most `precision` decimals.', example: '12.5' },
        memo: { type: 'string', maxLength: 256 },
      },
      required: ['amount'],
      additionalProperties: false,
    },
    status: 201,
    response: transferSchema,
    errors: ['invalid_request', 'invalid_amount', 'not_found', 'asset_mismatch', 'asset_disabled', 'account_frozen', 'idempotency_conflict'],
    async handler({ db, trx, params, body, services }) {
      const asset = await assetBySymbol(db, params.symbol as string);
      const amountText = body.amount instanceof JsonNumber ? body.amount.text : (body.amount as string);
      const amount = parseAmount(amountText, asset.precision);
      const account = await issueTarget(trx(), body, asset, services.clock);
      const transfer = await issue(
        trx(),
        { assetId: asset.id, toAccountId: account.id, amount, kind: 'admin.issue', memo: (body.memo as string | undefined) ?? '' },
        services.clock,
      );
      return transferView(transfer, asset);
    },
  }),
];

const accounts: AdminRoute[] = [
  defineRoute({
    method: 'GET',
    path: '/admin/v1/accounts',
    operationId: 'listAccounts',
    summary: 'List ledger accounts',
    tag: 'accounts',
    access: 'admin',
    query: {
      type: 'object',
      properties: { owner_kind: { type: 'string' }, owner_id: { type: 'string' }, asset: { type: 'string', pattern: symbolPattern }, ...page },
    },
    status: 200,
    response: listOf(accountSchema),
    errors: ['invalid_request', 'not_found'],
    async handler({ db, query }) {
      const assetId = query.asset === undefined ? undefined : (await assetBySymbol(db, query.asset as string)).id;
      const list = await listAccounts(db, {
        ownerKind: query.owner_kind as string | undefined,
        ownerId: query.owner_id as string | undefined,
        assetId,
        afterId: pageOf(query).after,
        limit: pageOf(query).limit,
      });
      const asset = assetCache(db);
      return Promise.all(list.map(async (a) => accountView(a, await asset(a.assetId))));
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/admin/v1/accounts/:id',
    operationId: 'getAccount',
    summary: 'Get a ledger account with its balances',
    tag: 'accounts',
    access: 'admin',
    params: idParam,
    status: 200,
    response: accountSchema,
    errors: ['not_found'],
    async handler({ db, params }) {
      const account = await accountOr404(db, params.id as number);
      return accountView(account, await assetCache(db)(account.assetId));
    },
  }),
  ...(['freeze', 'unfreeze'] as const).map((action) =>
    defineRoute({
      method: 'POST',
      path: `/admin/v1/accounts/:id/${action}`,
      operationId: `${action}Account`,
      summary: action === 'freeze' ? 'Freeze an account (no movement in or out)' : 'Unfreeze an account',
      tag: 'accounts',
      access: 'admin',
      params: idParam,
      status: 200,
      response: accountSchema,
      errors: ['not_found', 'idempotency_conflict'],
      async handler({ db, params }) {
        await accountOr404(db, params.id as number);
        await setAccountFrozen(db, params.id as number, action === 'freeze');
        const account = await accountOr404(db, params.id as number);
        return accountView(account, await assetCache(db)(account.assetId));
      },
    }),
  ),
];

const transfers: AdminRoute[] = [
  defineRoute({
    method: 'GET',
    path: '/admin/v1/transfers',
    operationId: 'listTransfers',
    summary: 'List transfers, oldest first (order=desc: newest first)',
    tag: 'transfers',
    access: 'admin',
    query: {
      type: 'object',
      properties: { account_id: { type: 'integer', minimum: 1 }, block: { type: 'integer', minimum: 1 }, ...page, ...newestPage },
    },
    status: 200,
    response: listOf(transferSchema),
    errors: ['invalid_request'],
    async handler({ db, query }) {
      const list = await listTransfers(db, {
        accountId: query.account_id as number | undefined,
        blockNumber: query.block as number | undefined,
        afterSeq: pageOf(query).after,
        ...(newestOf(query).before !== undefined ? { beforeSeq: newestOf(query).before } : {}),
        newestFirst: newestOf(query).newestFirst,
        limit: pageOf(query).limit,
      });
      const asset = assetCache(db);
      return Promise.all(list.map(async (t) => transferView(t, await asset(t.assetId))));
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/admin/v1/transfers/:idOrTxid',
    operationId: 'getTransfer',
    summary: 'Get a transfer by id or txid',
    tag: 'transfers',
    access: 'admin',
    params: pathParams({ idOrTxid: { type: 'string', pattern: '^[0-9a-f]{32}$|^[0-9a-f]{64}$' } }),
    status: 200,
    response: transferSchema,
    errors: ['invalid_request', 'not_found'],
    async handler({ db, params }) {
      const transfer = await getTransfer(db, params.idOrTxid as string);
      if (!transfer) throw adminError('not_found', `no transfer ${params.idOrTxid as string}`);
      return transferView(transfer, await assetCache(db)(transfer.assetId));
    },
  }),
];


const blocks: AdminRoute[] = [
  defineRoute({
    method: 'GET',
    path: '/admin/v1/blocks',
    operationId: 'listBlocks',
    summary: 'List sealed blocks, oldest first (order=desc: newest first)',
    tag: 'blocks',
    access: 'admin',
    query: { type: 'object', properties: { ...page, ...newestPage } },
    status: 200,
    response: listOf(blockSchema),
    errors: ['invalid_request'],
    async handler({ db, query }) {
      const { newestFirst, before } = newestOf(query);
      return (await listBlocks(db, { afterNumber: pageOf(query).after, ...(before !== undefined ? { beforeNumber: before } : {}), newestFirst, limit: pageOf(query).limit })).map(blockView);
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/admin/v1/blocks/proof/:txid',
    operationId: 'getMerkleProof',
    summary: "Prove a transfer's inclusion in its block",
    tag: 'blocks',
    access: 'admin',
    params: pathParams({ txid: { type: 'string', pattern: '^[0-9a-f]{64}$' } }),
    status: 200,
    response: proofSchema,
    errors: ['invalid_request', 'not_found'],
    async handler({ db, params }) {
      const proof = await merkleProof(db, params.txid as string);
      if (!proof) throw adminError('not_found', `transfer ${params.txid as string} is unknown or not sealed in a block yet`);
      return proofView(proof);
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/admin/v1/blocks/:number',
    operationId: 'getBlock',
    summary: 'Get a sealed block',
    tag: 'blocks',
    access: 'admin',
    params: pathParams({ number: { type: 'integer', minimum: 1 } }),
    status: 200,
    response: blockSchema,
    errors: ['invalid_request', 'not_found'],
    async handler({ db, params }) {
      const block = await getBlock(db, params.number as number);
      if (!block) throw adminError('not_found', `no sealed block ${params.number as number}`);
      return blockView(block);
    },
  }),
];

const apps: AdminRoute[] = [
  defineRoute({
    method: 'POST',
    path: '/admin/v1/apps/:id/rotate-secret',
    operationId: 'rotateAppSecret',
    summary: "Rotate an app's secret (the app's owner or an admin); the old secret stops working at once",
    tag: 'apps',
    access: 'developer',
    params: idParam,
    status: 200,
    response: { type: 'object', properties: { app_id: { type: 'integer' }, secret: { type: 'string' } }, required: ['app_id', 'secret'], additionalProperties: false },
    errors: ['not_found', 'forbidden', 'idempotency_conflict'],
    async handler({ trx, params, caller, services }) {
      const secret = await rotateAppSecretAs(trx(), caller, { appId: params.id as number }, identityDeps(services));
      return { app_id: params.id as number, secret };
    },
  }),
];

const auditEntrySchema: ObjectSchema = {
  type: 'object',
  properties: {
    id: { type: 'integer' },
    at: { type: 'string', description: 'ISO 8601' },
    actor: { type: 'string', example: 'developer:1' },
    action: { type: 'string', example: 'admin.issueAsset' },
    target: { type: 'string', example: 'symbol:ULD' },
    details: { type: 'object', description: 'The request body with secrets redacted.' },
    request_id: { type: ['string', 'null'] },
  },
  required: ['id', 'at', 'actor', 'action', 'target', 'details', 'request_id'],
};

const audit: AdminRoute[] = [
  defineRoute({
    method: 'GET',
    path: '/admin/v1/audit',
    operationId: 'listAudit',
    summary: 'The audit log, newest first (every admin API change is recorded in the transaction that made it)',
    tag: 'audit',
    access: 'admin',
    query: {
      type: 'object',
      properties: {
        actor: { type: 'string', maxLength: 128 },
        before: { type: 'integer', minimum: 1, description: 'Return entries with a smaller id (exclusive cursor).' },
        limit: page.limit!,
      },
    },
    status: 200,
    response: listOf(auditEntrySchema),
    errors: ['invalid_request'],
    async handler({ db, query }) {
      const entries = await listAudit(db, {
        ...(query.actor !== undefined ? { actor: query.actor as string } : {}),
        ...(query.before !== undefined ? { beforeId: query.before as number } : {}),
        limit: (query.limit as number | undefined) ?? DEFAULT_PAGE,
      });
      return entries.map((e) => ({
        id: e.id,
        at: new Date(e.at).toISOString(),
        actor: e.actor,
        action: e.action,
        target: e.target,
        details: e.details,
        request_id: e.requestId,
      }));
    },
  }),
];

export const ADMIN_ROUTES: readonly AdminRoute[] = [...assets, ...accounts, ...transfers, ...blocks, ...apps, ...OPERATOR_ROUTES, ...CONTENT_ROUTES, ...USER_ROUTES, ...WEBHOOK_ROUTES, ...PRODUCT_ROUTES, ...WECHAT_ROUTES, ...PI_ROUTES, ...YOYOW_ADMIN_ROUTES, ...CONSOLE_ROUTES, ...audit];
