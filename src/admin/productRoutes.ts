// Products of an app through the admin API (spec/liveuser.md §7.3; modules/orders/products.ts): the app's owner (or
// an admin) creates, updates, deletes and lists products and reads each one's snapshots. Every change that alters
// a field writes a new immutable snapshot — the record an order line copies — and an update that changes nothing
// writes none. Creating a deleted product's id again revives it. Writes are audited and idempotent (plugin.ts).
import type { Kysely } from 'kysely';
import { ownedLiveApp } from '../core/identity/apps.js';
import type { Developer } from '../core/identity/developers.js';
import type { DB } from '../db/schema.js';
import { JsonNumber, type JsonObject } from '../http/body.js';
import { OrderError } from '../modules/orders/errors.js';
import { idGeneratorFor } from '../modules/orders/ids.js';
import {
  createProduct,
  deleteProduct,
  getProduct,
  listProducts,
  listProductSnapshots,
  MAX_PRICE_CENT,
  MAX_PRODUCT_DESCRIPTION,
  MAX_PRODUCT_NAME,
  MAX_PRODUCT_PAGE,
  updateProduct,
  type Product,
  type ProductDraft,
  type ProductSnapshot,
} from '../modules/orders/products.js';
import type { Services } from '../services.js';
import { adminError } from './errors.js';
import { defineRoute, type AdminRoute, type AdminRouteContext } from './route.js';
import type { ObjectSchema, Schema } from './schema.js';
import { listOf } from './views.js';

const productIdSchema: Schema = { type: 'string', pattern: '^[A-Za-z0-9_.:-]{1,64}$', example: 'gold', description: 'Unique per app; the `product_id` of Order.Create.' };
const appParams: ObjectSchema = { type: 'object', properties: { id: { type: 'integer', minimum: 1 } }, required: ['id'] };
const productParams: ObjectSchema = { type: 'object', properties: { id: { type: 'integer', minimum: 1 }, pid: productIdSchema }, required: ['id', 'pid'] };
const time: Schema = { type: 'string', format: 'date-time' };

const grantSchema: Schema = {
  type: ['object', 'null'],
  description: 'Credits granted per unit when an order with this product is paid (ledger transfer `liveuser.order_grant` from the issuer).',
  properties: {
    asset: { type: 'string', example: 'CREDIT' },
    sub_balance: { type: 'string', description: 'Default `credit` for the CREDIT asset, else `balance`.', example: 'credit' },
    amount: { type: 'string', pattern: '^[0-9]+(\\.[0-9]+)?$', description: 'Decimal > 0, exact at the asset precision.', example: '100' },
  },
  required: ['asset', 'amount'],
  additionalProperties: false,
};

const fieldSchemas: Record<string, Schema> = {
  name: { type: 'string', minLength: 1, maxLength: MAX_PRODUCT_NAME * 2, description: `1–${MAX_PRODUCT_NAME} characters.`, example: 'Gold pack' },
  price_cent: { type: 'integer', minimum: 1, maximum: MAX_PRICE_CENT, description: 'Price in fen (1/100 CNY).', example: 100 },
  description: { type: 'string', maxLength: MAX_PRODUCT_DESCRIPTION * 2, description: `At most ${MAX_PRODUCT_DESCRIPTION} characters; default "".` },
  grant: grantSchema,
};

const productProperties: Record<string, Schema> = {
  product_id: productIdSchema,
  app_id: { type: 'integer' },
  name: { type: 'string' },
  price_cent: { type: 'integer' },
  description: { type: 'string' },
  grant: grantSchema,
  snapshot: { type: 'integer', description: 'The current snapshot id.' },
  created_at: time,
  updated_at: time,
  deleted_at: { type: ['string', 'null'], format: 'date-time', description: 'Set while the product is deleted (it cannot be ordered).' },
};
const productSchema: ObjectSchema = { type: 'object', properties: productProperties, required: Object.keys(productProperties), additionalProperties: false };
const updatedSchema: ObjectSchema = {
  type: 'object',
  properties: { ...productProperties, changed: { type: 'boolean', description: 'false: the update changed nothing and wrote no snapshot.' } },
  required: [...Object.keys(productProperties), 'changed'],
  additionalProperties: false,
};
const snapshotSchema: ObjectSchema = {
  type: 'object',
  properties: {
    snapshot: { type: 'integer' },
    created_at: time,
    detail: { type: 'string', description: 'The snapshot record as compact JSON (what an order line shows as `detail`).' },
  },
  required: ['snapshot', 'created_at', 'detail'],
  additionalProperties: false,
};
const productWithSnapshotsSchema: ObjectSchema = {
  type: 'object',
  properties: { ...productProperties, snapshots: listOf(snapshotSchema) },
  required: [...Object.keys(productProperties), 'snapshots'],
  additionalProperties: false,
};

const iso = (ms: number) => new Date(ms).toISOString();

function productView(p: Product) {
  return {
    product_id: p.productId,
    app_id: p.appId,
    name: p.name,
    price_cent: p.priceCent,
    description: p.description,
    grant: p.grant === null ? null : { asset: p.grant.asset, sub_balance: p.grant.subBalance, amount: p.grant.amount },
    snapshot: p.snapshotId,
    created_at: iso(p.createdAt),
    updated_at: iso(p.updatedAt),
    deleted_at: p.deletedAt === 0 ? null : iso(p.deletedAt),
  };
}

function snapshotView(s: ProductSnapshot) {
  return { snapshot: s.id, created_at: iso(s.createdAt), detail: s.detail };
}

/** The module's refusals in the admin envelope. */
async function refusing<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (err) {
    if (err instanceof OrderError) {
      if (err.kind === 'not_found') throw adminError('not_found', err.message);
      if (err.kind === 'exists') throw adminError('invalid_state', `${err.message}; change it with PATCH, or delete it first`);
      throw adminError('invalid_request', err.message);
    }
    throw err;
  }
}

async function appOf(db: Kysely<DB>, caller: Developer, params: Record<string, unknown>): Promise<number> {
  const app = await ownedLiveApp(db, caller, params.id as number);
  return app.id;
}

function int(v: unknown): number {
  return v instanceof JsonNumber ? Number(v.text) : (v as number);
}

/** The body's product fields (already checked against the declared schema). */
function draftOf(body: JsonObject): Partial<ProductDraft> {
  const out: Partial<ProductDraft> = {};
  if (body.name !== undefined) out.name = body.name as string;
  if (body.price_cent !== undefined) out.priceCent = int(body.price_cent);
  if (body.description !== undefined) out.description = body.description as string;
  if (body.grant !== undefined) {
    const g = body.grant as JsonObject | null;
    out.grant = g === null ? null : { asset: g.asset as string, amount: g.amount as string, ...(g.sub_balance !== undefined ? { subBalance: g.sub_balance as string } : {}) };
  }
  return out;
}

async function productDeps(services: Services) {
  return { clock: services.clock, ids: await idGeneratorFor(services.database, services.clock) };
}

async function productOr404(ctx: AdminRouteContext): Promise<Product> {
  const appId = await appOf(ctx.db, ctx.caller, ctx.params);
  const product = await getProduct(ctx.db, appId, ctx.params.pid as string);
  if (!product) throw adminError('not_found', `app ${appId} has no product ${String(ctx.params.pid)}`);
  return product;
}

const writeErrors = ['invalid_request', 'not_found', 'idempotency_conflict'] as const;

export const PRODUCT_ROUTES: readonly AdminRoute[] = [
  defineRoute({
    method: 'POST',
    path: '/admin/v1/apps/:id/products',
    operationId: 'createProduct',
    summary: 'Create a product of an app (liveuser), or revive a deleted one; writes its first (or a new) snapshot',
    tag: 'products',
    access: 'developer',
    params: appParams,
    body: { type: 'object', properties: { product_id: productIdSchema, ...fieldSchemas }, required: ['product_id', 'name', 'price_cent'], additionalProperties: false },
    status: 201,
    response: productSchema,
    errors: [...writeErrors, 'invalid_state'],
    async handler({ trx, services, caller, params, body }) {
      const appId = await appOf(trx(), caller, params);
      const draft = draftOf(body) as ProductDraft;
      const product = await refusing(createProduct(trx(), { appId, productId: body.product_id as string, draft, operator: { developerId: caller.id } }, await productDeps(services)));
      return productView(product);
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/admin/v1/apps/:id/products',
    operationId: 'listProducts',
    summary: "An app's products in product id order",
    tag: 'products',
    access: 'developer',
    params: appParams,
    query: {
      type: 'object',
      properties: {
        include_deleted: { type: 'string', enum: ['true', 'false'], description: 'Also list deleted products (default false).' },
        after: { ...productIdSchema, description: 'Return products after this id (exclusive cursor).' },
        limit: { type: 'integer', minimum: 1, maximum: MAX_PRODUCT_PAGE, description: 'Page size, default 50.' },
      },
    },
    status: 200,
    response: listOf(productSchema),
    errors: ['invalid_request', 'not_found'],
    async handler({ db, caller, params, query }) {
      const appId = await appOf(db, caller, params);
      const products = await listProducts(db, appId, {
        includeDeleted: query.include_deleted === 'true',
        ...(query.after !== undefined ? { after: query.after as string } : {}),
        limit: (query.limit as number | undefined) ?? 50,
      });
      return products.map(productView);
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/admin/v1/apps/:id/products/:pid',
    operationId: 'getProduct',
    summary: 'One product (deleted or not) with every snapshot, oldest first',
    tag: 'products',
    access: 'developer',
    params: productParams,
    status: 200,
    response: productWithSnapshotsSchema,
    errors: ['not_found'],
    async handler(ctx) {
      const product = await productOr404(ctx);
      const snapshots = await listProductSnapshots(ctx.db, product.appId, product.productId);
      return { ...productView(product), snapshots: snapshots.map(snapshotView) };
    },
  }),
  defineRoute({
    method: 'PATCH',
    path: '/admin/v1/apps/:id/products/:pid',
    operationId: 'updateProduct',
    summary: 'Change a live product; fields left out keep their value; a change writes a new snapshot',
    tag: 'products',
    access: 'developer',
    params: productParams,
    body: { type: 'object', properties: fieldSchemas, additionalProperties: false },
    status: 200,
    response: updatedSchema,
    errors: [...writeErrors],
    async handler({ trx, services, caller, params, body }) {
      const appId = await appOf(trx(), caller, params);
      const { product, changed } = await refusing(
        updateProduct(trx(), { appId, productId: params.pid as string, patch: draftOf(body), operator: { developerId: caller.id } }, await productDeps(services)),
      );
      return { ...productView(product), changed };
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/admin/v1/apps/:id/products/:pid/delete',
    operationId: 'deleteProduct',
    summary: 'Delete a product: a snapshot with deleted_at; it can no longer be ordered (existing orders keep their lines)',
    tag: 'products',
    access: 'developer',
    params: productParams,
    status: 200,
    response: productSchema,
    errors: [...writeErrors],
    async handler({ trx, services, caller, params }) {
      const appId = await appOf(trx(), caller, params);
      const product = await refusing(deleteProduct(trx(), { appId, productId: params.pid as string, operator: { developerId: caller.id } }, await productDeps(services)));
      return productView(product);
    },
  }),
];
