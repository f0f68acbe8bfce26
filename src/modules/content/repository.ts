// Every SQL statement on `content` and `content_purchases`. Rows are converted to plain objects at this edge
// (ids and counts as number, money as bigint). Ordering is fixed here so pages are stable (spec §8.6).
import { sql, type Kysely, type Selectable, type Transaction } from 'kysely';
import type { ContentTable, DB } from '../../db/schema.js';
import { toBig, toBool, toNum, toNumOrNull } from '../../db/values.js';
import { isPostgres } from '../../core/ledger/rows.js';

export type Db = Kysely<DB> | Transaction<DB>;

export interface Content {
  id: number;
  appId: number;
  author: string;
  claimId: string;
  claimTxid: string;
  title: string;
  ipfsHash: string;
  priceMinor: bigint;
  currency: string;
  contentType: string;
  des: string | null;
  tags: string[];
  status: number;
  enabled: boolean;
  views: number;
  createdAt: number;
  updatedAt: number | null;
}

/** A consume record with the fields of its content that bills show. */
export interface PurchaseRecord {
  id: number;
  contentId: number;
  customer: string;
  priceMinor: bigint;
  txid: string;
  createdAt: number;
  author: string;
  claimId: string;
  title: string;
}

export function contentFromRow(r: Selectable<ContentTable>): Content {
  return {
    id: toNum(r.id),
    appId: toNum(r.app_id),
    author: r.author,
    claimId: r.claim_id,
    claimTxid: r.claim_txid,
    title: r.title,
    ipfsHash: r.ipfs_hash,
    priceMinor: toBig(r.price_minor),
    currency: r.currency,
    contentType: r.content_type,
    des: r.des,
    tags: JSON.parse(r.tags) as string[],
    status: toNum(r.status),
    enabled: toBool(r.enabled),
    views: toNum(r.views),
    createdAt: toNum(r.created_at),
    updatedAt: toNumOrNull(r.updated_at),
  };
}

export interface NewContent {
  appId: number;
  author: string;
  claimId: string;
  claimTxid: string;
  title: string;
  ipfsHash: string;
  priceMinor: bigint;
  currency: string;
  contentType: string;
  des: string | null;
  tags: readonly string[];
  createdAt: number;
}

export async function insertContent(trx: Transaction<DB>, c: NewContent): Promise<number> {
  const row = await trx
    .insertInto('content')
    .values({
      app_id: c.appId,
      author: c.author,
      claim_id: c.claimId,
      claim_txid: c.claimTxid,
      title: c.title,
      ipfs_hash: c.ipfsHash,
      price_minor: c.priceMinor,
      currency: c.currency,
      content_type: c.contentType,
      des: c.des,
      tags: JSON.stringify(c.tags),
      status: 1,
      enabled: 1,
      views: 0,
      created_at: c.createdAt,
      updated_at: null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return toNum(row.id);
}

export async function claimIdTaken(db: Db, appId: number, claimId: string): Promise<boolean> {
  const row = await db.selectFrom('content').select('id').where('app_id', '=', appId).where('claim_id', '=', claimId).executeTakeFirst();
  return row !== undefined;
}

/** Enabled content by claim id in one app; with `lock`, the row is locked for the rest of the transaction. */
export async function findEnabledContent(db: Db, appId: number, claimId: string, lock = false): Promise<Content | null> {
  let q = db.selectFrom('content').selectAll().where('app_id', '=', appId).where('claim_id', '=', claimId).where('enabled', '=', 1);
  // SQLite's single writer already serialises; PostgreSQL needs the row lock (consumes of one content queue here).
  if (lock && isPostgres(db)) q = q.forUpdate();
  const row = await q.executeTakeFirst();
  return row ? contentFromRow(row) : null;
}

export async function findEnabledContents(db: Db, appId: number, claimIds: readonly string[]): Promise<Content[]> {
  if (claimIds.length === 0) return [];
  const rows = await db.selectFrom('content').selectAll().where('app_id', '=', appId).where('claim_id', 'in', claimIds).where('enabled', '=', 1).execute();
  return rows.map(contentFromRow);
}

/** Content ids (among `contentIds`) that `customer` has a consume record for. */
export async function recordedContentIds(db: Db, appId: number, customer: string, contentIds: readonly number[]): Promise<Set<number>> {
  if (contentIds.length === 0) return new Set();
  const rows = await db
    .selectFrom('content_purchases')
    .select('content_id')
    .where('app_id', '=', appId)
    .where('customer', '=', customer)
    .where('content_id', 'in', contentIds)
    .execute();
  return new Set(rows.map((r) => toNum(r.content_id)));
}

export async function insertPurchase(
  trx: Transaction<DB>,
  p: { appId: number; contentId: number; customer: string; priceMinor: bigint; txid: string; createdAt: number },
): Promise<void> {
  await trx
    .insertInto('content_purchases')
    .values({ app_id: p.appId, content_id: p.contentId, customer: p.customer, price_minor: p.priceMinor, txid: p.txid, created_at: p.createdAt })
    .execute();
}

export async function countView(trx: Transaction<DB>, contentId: number): Promise<void> {
  await trx.updateTable('content').set({ views: sql`views + 1` }).where('id', '=', contentId).execute();
}

export interface Page {
  limit: number;
  offset: number;
}

export type ContentFilter = { kind: 'enabled' } | { kind: 'author'; author: string };

function contentWhere(db: Db, appId: number, f: ContentFilter) {
  let q = db.selectFrom('content').where('app_id', '=', appId);
  q = f.kind === 'enabled' ? q.where('enabled', '=', 1) : q.where('author', '=', f.author);
  return q;
}

export async function countContent(db: Db, appId: number, f: ContentFilter): Promise<number> {
  const row = await contentWhere(db, appId, f).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
  return toNum(row.n as bigint | number | string);
}

export async function listContent(db: Db, appId: number, f: ContentFilter, page: Page): Promise<Content[]> {
  const rows = await contentWhere(db, appId, f).selectAll().orderBy('id').limit(page.limit).offset(page.offset).execute();
  return rows.map(contentFromRow);
}

export type RecordFilter = { kind: 'author'; author: string } | { kind: 'customer'; customer: string };

function recordsWhere(db: Db, appId: number, f: RecordFilter) {
  const q = db.selectFrom('content_purchases as p').innerJoin('content as c', 'c.id', 'p.content_id').where('p.app_id', '=', appId);
  return f.kind === 'author' ? q.where('c.author', '=', f.author) : q.where('p.customer', '=', f.customer);
}

export async function countRecords(db: Db, appId: number, f: RecordFilter): Promise<number> {
  const row = await recordsWhere(db, appId, f).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
  return toNum(row.n as bigint | number | string);
}

/** Ascending purchase time, then txid (then id, which never ties). */
export async function listRecords(db: Db, appId: number, f: RecordFilter, page: Page): Promise<PurchaseRecord[]> {
  const rows = await recordsWhere(db, appId, f)
    .select(['p.id', 'p.content_id', 'p.customer', 'p.price_minor', 'p.txid', 'p.created_at', 'c.author', 'c.claim_id', 'c.title'])
    .orderBy('p.created_at')
    .orderBy('p.txid')
    .orderBy('p.id')
    .limit(page.limit)
    .offset(page.offset)
    .execute();
  return rows.map((r) => ({
    id: toNum(r.id),
    contentId: toNum(r.content_id),
    customer: r.customer,
    priceMinor: toBig(r.price_minor),
    txid: r.txid,
    createdAt: toNum(r.created_at),
    author: r.author,
    claimId: r.claim_id,
    title: r.title,
  }));
}

/** Content rows by id (any state), for records replaced by their content (X12). */
export async function contentByIds(db: Db, appId: number, ids: readonly number[]): Promise<Map<number, Content>> {
  if (ids.length === 0) return new Map();
  const rows = await db.selectFrom('content').selectAll().where('app_id', '=', appId).where('id', 'in', ids).execute();
  return new Map(rows.map((r) => [toNum(r.id), contentFromRow(r)]));
}

export interface Aggregate {
  count: number;
  /** Exact sum of the recorded prices, minor units; null when count is 0. */
  sumMinor: bigint | null;
}

/** One aggregate over this app's records: by the content's author or by the customer, and the price's sign. */
export async function aggregateRecords(db: Db, appId: number, f: RecordFilter, sign: 'positive' | 'negative'): Promise<Aggregate> {
  const row = await recordsWhere(db, appId, f)
    .where('p.price_minor', sign === 'positive' ? '>' : '<', 0)
    .select((eb) => [eb.fn.countAll().as('n'), eb.fn.sum('p.price_minor').as('s')])
    .executeTakeFirstOrThrow();
  const count = toNum(row.n as bigint | number | string);
  // PostgreSQL's sum(bigint) is numeric (arrives as text); SQLite's is an integer (bigint): both exact.
  const s = row.s as bigint | number | string | null;
  return { count, sumMinor: count === 0 || s === null ? null : BigInt(String(s)) };
}

// ---- content history ----

export type HistoryAction = 'publish' | 'disable' | 'enable';

export interface HistoryEntry {
  id: number;
  contentId: number;
  action: HistoryAction;
  actor: string;
  /** Canonical JSON of the resource's public fields right after the change. */
  snapshot: string;
  createdAt: number;
}

/** Content by id in any state and any app (operator tools); with `lock`, the row is locked for the transaction. */
export async function findContentById(db: Db, id: number, lock = false): Promise<Content | null> {
  let q = db.selectFrom('content').selectAll().where('id', '=', id);
  if (lock && isPostgres(db)) q = q.forUpdate();
  const row = await q.executeTakeFirst();
  return row ? contentFromRow(row) : null;
}

/** Sets the enabled flag only when it differs; true when this call changed it (the row is then the caller's). */
export async function updateEnabled(trx: Transaction<DB>, id: number, enabled: boolean): Promise<boolean> {
  const r = await trx
    .updateTable('content')
    .set({ enabled: enabled ? 1 : 0 })
    .where('id', '=', id)
    .where('enabled', '=', enabled ? 0 : 1)
    .executeTakeFirst();
  return r.numUpdatedRows > 0n;
}

export async function insertHistory(
  trx: Transaction<DB>,
  h: { contentId: number; appId: number; action: HistoryAction; actor: string; snapshot: string; createdAt: number },
): Promise<void> {
  await trx
    .insertInto('content_history')
    .values({ content_id: h.contentId, app_id: h.appId, action: h.action, actor: h.actor, snapshot: h.snapshot, created_at: h.createdAt })
    .execute();
}

/** Oldest first. */
export async function listHistory(db: Db, contentId: number, limit: number): Promise<HistoryEntry[]> {
  const rows = await db.selectFrom('content_history').selectAll().where('content_id', '=', contentId).orderBy('id').limit(limit).execute();
  return rows.map((r) => ({
    id: toNum(r.id),
    contentId: toNum(r.content_id),
    action: r.action,
    actor: r.actor,
    snapshot: r.snapshot,
    createdAt: toNum(r.created_at),
  }));
}
