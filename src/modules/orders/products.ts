// Products per app and their immutable snapshots (spec/liveuser.md §7.3). Every creation, every update that
// changes a field, every deletion and every revival writes a new snapshot with a §7.6 id; an update that changes
// nothing writes nothing. The snapshot record — compact JSON, keys in the contract's order — is what an order line
// copies into `detail`, so later product changes never alter existing orders. Deletion is a snapshot with
// `deleted_at` set (the product can no longer be ordered); creating the id again revives it. Snapshots are never
// removed. Writes lock the product row (PostgreSQL `FOR UPDATE`; SQLite transactions are serial), so two concurrent
// updates of one product each see the other's result.
import { sql, type Transaction } from 'kysely';
import type { Clock } from '../../core/clock.js';
import { getAssetBySymbol } from '../../core/ledger/assets.js';
import { isPostgres, type Db } from '../../core/ledger/rows.js';
import { formatCanonical, parseDecimal } from '../../core/money.js';
import type { DB } from '../../db/schema.js';
import { toNum } from '../../db/values.js';
import { invalid, OrderError } from './errors.js';
import type { IdGenerator } from './ids.js';

export const PRODUCT_ID_PATTERN = /^[A-Za-z0-9_.:-]{1,64}$/;
export const MAX_PRODUCT_NAME = 128;
export const MAX_PRODUCT_DESCRIPTION = 1024;
export const MAX_PRICE_CENT = 2_147_483_647;
/** Bound on one unit's grant, minor units (keeps amount × 9999 far inside 64 bits). */
const MAX_GRANT_MINOR = 10n ** 15n;
const SUB_PATTERN = /^[a-z][a-z0-9_]{0,31}$/;
const CREDIT_SYMBOL = 'CREDIT';

export interface ProductGrant {
  asset: string;
  subBalance: string;
  /** Canonical decimal text in asset units, > 0. */
  amount: string;
}

export interface Product {
  appId: number;
  productId: string;
  name: string;
  priceCent: number;
  description: string;
  grant: ProductGrant | null;
  /** The current snapshot. */
  snapshotId: number;
  createdAt: number;
  updatedAt: number;
  /** 0 = live. */
  deletedAt: number;
}

export interface ProductSnapshot {
  id: number;
  appId: number;
  productId: string;
  /** The §7.3 record as stored (and as `OrderProduct.detail` shows it). */
  detail: string;
  createdAt: number;
}

/** What an operator writes; absent fields of an update keep their value. */
export interface ProductDraft {
  name: string;
  priceCent: number;
  description?: string;
  grant?: { asset: string; subBalance?: string; amount: string } | null;
}

export interface ProductDeps {
  clock: Clock;
  ids: IdGenerator;
}

/** Who made the change: the acting developer (`operator` in the snapshot). */
export interface Operator {
  developerId: number;
}

type Fields = Pick<Product, 'name' | 'priceCent' | 'description' | 'grant'>;

const codePoints = (s: string): number => Array.from(s).length;

export function checkProductId(productId: string): void {
  if (!PRODUCT_ID_PATTERN.test(productId)) throw invalid('product id must be 1-64 characters of [A-Za-z0-9_.:-]');
}

/** The grant in its stored form: the asset exists, the amount is exact at its precision and > 0. */
async function normaliseGrant(db: Db, grant: ProductDraft['grant']): Promise<ProductGrant | null> {
  if (grant === undefined || grant === null) return null;
  const asset = await getAssetBySymbol(db, grant.asset);
  if (!asset) throw invalid(`grant.asset: no asset ${JSON.stringify(grant.asset)}`);
  const subBalance = grant.subBalance ?? (asset.symbol === CREDIT_SYMBOL ? 'credit' : 'balance');
  if (!SUB_PATTERN.test(subBalance)) throw invalid('grant.sub_balance must be 1-32 characters of [a-z0-9_], starting with a letter');
  const minor = parseDecimal(grant.amount, asset.precision);
  if (typeof minor !== 'bigint') throw invalid(`grant.amount must be a decimal with at most ${asset.precision} places`);
  if (minor <= 0n || minor > MAX_GRANT_MINOR) throw invalid('grant.amount must be above 0 and at most 10^15 minor units');
  return { asset: asset.symbol, subBalance, amount: formatCanonical(minor, asset.precision) };
}

async function checkFields(db: Db, draft: ProductDraft): Promise<Fields> {
  const name = draft.name;
  if (codePoints(name) < 1 || codePoints(name) > MAX_PRODUCT_NAME) throw invalid(`name must be 1-${MAX_PRODUCT_NAME} characters`);
  if (!Number.isInteger(draft.priceCent) || draft.priceCent < 1 || draft.priceCent > MAX_PRICE_CENT) throw invalid(`price_cent must be a whole number 1..${MAX_PRICE_CENT}`);
  const description = draft.description ?? '';
  if (codePoints(description) > MAX_PRODUCT_DESCRIPTION) throw invalid(`description must be at most ${MAX_PRODUCT_DESCRIPTION} characters`);
  return { name, priceCent: draft.priceCent, description, grant: await normaliseGrant(db, draft.grant) };
}

function sameFields(a: Fields, b: Fields): boolean {
  return a.name === b.name && a.priceCent === b.priceCent && a.description === b.description && JSON.stringify(a.grant) === JSON.stringify(b.grant);
}

function grantJson(grant: ProductGrant | null): string | null {
  return grant === null ? null : JSON.stringify({ asset: grant.asset, sub_balance: grant.subBalance, amount: grant.amount });
}

function parseGrant(text: string | null): ProductGrant | null {
  if (text === null) return null;
  const g = JSON.parse(text) as { asset: string; sub_balance: string; amount: string };
  return { asset: g.asset, subBalance: g.sub_balance, amount: g.amount };
}

/** §7.3: the snapshot record, keys in this order, compact. */
export function snapshotDetail(p: Fields & { productId: string; snapshotId: number; createdAt: number; updatedAt: number; deletedAt: number; operator: string }): string {
  return JSON.stringify({
    id: p.productId,
    name: p.name,
    price_cent: p.priceCent,
    snapshot: p.snapshotId,
    created_at: p.createdAt,
    updated_at: p.updatedAt,
    deleted_at: p.deletedAt,
    operator: p.operator,
    description: p.description,
    grant: p.grant === null ? null : { asset: p.grant.asset, sub_balance: p.grant.subBalance, amount: p.grant.amount },
  });
}

type Row = {
  app_id: bigint | number;
  product_id: string;
  name: string;
  price_cent: bigint | number;
  description: string;
  grant_json: string | null;
  snapshot_id: bigint | number;
  created_at: bigint | number;
  updated_at: bigint | number;
  deleted_at: bigint | number;
};

function toProduct(r: Row): Product {
  return {
    appId: toNum(r.app_id),
    productId: r.product_id,
    name: r.name,
    priceCent: toNum(r.price_cent),
    description: r.description,
    grant: parseGrant(r.grant_json),
    snapshotId: toNum(r.snapshot_id),
    createdAt: toNum(r.created_at),
    updatedAt: toNum(r.updated_at),
    deletedAt: toNum(r.deleted_at),
  };
}

export async function getProduct(db: Db, appId: number, productId: string): Promise<Product | null> {
  const r = await db.selectFrom('products').selectAll().where('app_id', '=', appId).where('product_id', '=', productId).executeTakeFirst();
  return r ? toProduct(r) : null;
}

async function lockProduct(trx: Transaction<DB>, appId: number, productId: string): Promise<Product | null> {
  if (isPostgres(trx)) await sql`select product_id from products where app_id = ${appId} and product_id = ${productId} for update`.execute(trx);
  return getProduct(trx, appId, productId);
}

/** Writes the row and its new snapshot: the state `fields` + `deletedAt` at `now`. */
async function writeSnapshot(
  trx: Transaction<DB>,
  target: { appId: number; productId: string; createdAt: number; exists: boolean },
  fields: Fields,
  deletedAt: number,
  operator: Operator,
  deps: ProductDeps,
): Promise<Product> {
  const now = deps.clock.now();
  const snapshotId = await deps.ids.next();
  const detail = snapshotDetail({ ...fields, productId: target.productId, snapshotId, createdAt: target.createdAt, updatedAt: now, deletedAt, operator: String(operator.developerId) });
  await trx.insertInto('product_snapshots').values({ id: snapshotId, app_id: target.appId, product_id: target.productId, detail, created_at: now }).execute();
  const values = {
    name: fields.name,
    price_cent: fields.priceCent,
    description: fields.description,
    grant_json: grantJson(fields.grant),
    snapshot_id: snapshotId,
    updated_at: now,
    deleted_at: deletedAt,
  };
  if (target.exists) {
    await trx.updateTable('products').set(values).where('app_id', '=', target.appId).where('product_id', '=', target.productId).execute();
  } else {
    await trx.insertInto('products').values({ app_id: target.appId, product_id: target.productId, created_at: target.createdAt, ...values }).execute();
  }
  return (await getProduct(trx, target.appId, target.productId))!;
}

/**
 * Creates `productId` in the app, or revives it when it was deleted (a new snapshot either way; `created_at` stays
 * the first creation). A live product with that id is `exists`.
 */
export async function createProduct(trx: Transaction<DB>, input: { appId: number; productId: string; draft: ProductDraft; operator: Operator }, deps: ProductDeps): Promise<Product> {
  checkProductId(input.productId);
  const fields = await checkFields(trx, input.draft);
  const current = await lockProduct(trx, input.appId, input.productId);
  if (current && current.deletedAt === 0) throw new OrderError('exists', `product ${input.productId} exists`);
  const createdAt = current?.createdAt ?? deps.clock.now();
  return writeSnapshot(trx, { appId: input.appId, productId: input.productId, createdAt, exists: current !== null }, fields, 0, input.operator, deps);
}

/** Changes a live product; fields left out keep their value. Writes a snapshot only when something changed. */
export async function updateProduct(
  trx: Transaction<DB>,
  input: { appId: number; productId: string; patch: Partial<ProductDraft>; operator: Operator },
  deps: ProductDeps,
): Promise<{ product: Product; changed: boolean }> {
  const current = await lockProduct(trx, input.appId, input.productId);
  if (!current || current.deletedAt !== 0) throw new OrderError('not_found', `no product ${input.productId}`);
  const { patch } = input;
  const merged: ProductDraft = {
    name: patch.name ?? current.name,
    priceCent: patch.priceCent ?? current.priceCent,
    description: patch.description ?? current.description,
    grant: patch.grant === undefined ? current.grant : patch.grant,
  };
  const fields = await checkFields(trx, merged);
  if (sameFields(fields, current)) return { product: current, changed: false };
  const product = await writeSnapshot(trx, { appId: input.appId, productId: input.productId, createdAt: current.createdAt, exists: true }, fields, 0, input.operator, deps);
  return { product, changed: true };
}

/** Deletes a live product: a snapshot with `deleted_at` set; the product can no longer be ordered. */
export async function deleteProduct(trx: Transaction<DB>, input: { appId: number; productId: string; operator: Operator }, deps: ProductDeps): Promise<Product> {
  const current = await lockProduct(trx, input.appId, input.productId);
  if (!current || current.deletedAt !== 0) throw new OrderError('not_found', `no product ${input.productId}`);
  return writeSnapshot(trx, { appId: input.appId, productId: input.productId, createdAt: current.createdAt, exists: true }, current, deps.clock.now(), input.operator, deps);
}

export const MAX_PRODUCT_PAGE = 200;

/** The app's products by id (code-point order), after `after`; deleted ones only when asked. */
export async function listProducts(db: Db, appId: number, options: { includeDeleted: boolean; after?: string; limit: number }): Promise<Product[]> {
  let q = db.selectFrom('products').selectAll().where('app_id', '=', appId);
  if (!options.includeDeleted) q = q.where('deleted_at', '=', 0);
  // Ids are ASCII, so byte order is code-point order: SQLite compares bytes by default, PostgreSQL does under "C".
  const order = isPostgres(db) ? sql<string>`product_id collate "C"` : sql<string>`product_id`;
  if (options.after !== undefined) q = q.where(order, '>', options.after);
  const rows = await q.orderBy(order).limit(Math.max(1, Math.min(MAX_PRODUCT_PAGE, Math.floor(options.limit)))).execute();
  return rows.map(toProduct);
}

/** Every snapshot of a product, oldest first. */
export async function listProductSnapshots(db: Db, appId: number, productId: string): Promise<ProductSnapshot[]> {
  const rows = await db
    .selectFrom('product_snapshots')
    .selectAll()
    .where('app_id', '=', appId)
    .where('product_id', '=', productId)
    .orderBy('id', 'asc')
    .limit(10_000)
    .execute();
  return rows.map((r) => ({ id: toNum(r.id), appId: toNum(r.app_id), productId: r.product_id, detail: r.detail, createdAt: toNum(r.created_at) }));
}

/** What an order line copies: the live products among `productIds` with their current snapshot's record. */
export async function orderableProducts(db: Db, appId: number, productIds: readonly string[]): Promise<Map<string, Product & { detail: string }>> {
  if (productIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('products as p')
    .innerJoin('product_snapshots as s', 's.id', 'p.snapshot_id')
    .selectAll('p')
    .select('s.detail as detail')
    .where('p.app_id', '=', appId)
    .where('p.product_id', 'in', [...productIds])
    .where('p.deleted_at', '=', 0)
    .execute();
  return new Map(rows.map((r) => [r.product_id, { ...toProduct(r), detail: r.detail }]));
}
