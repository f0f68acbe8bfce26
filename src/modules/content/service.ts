// Paid content: the business rules of Ulord X4–X13 (spec/ulord.md §7, §8.3–§8.7), independent of the wire format.
// Writes take the caller's transaction (the dialect's, which also holds the idempotency record); a thrown
// ContentError or LedgerError means "roll back". Pay passwords are checked in two steps (identity/walletUsers.ts):
// the scrypt step runs before the transaction (`planConsume` says which password a consume needs), the functions
// here only confirm its result.
import { randomBytes } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import { ensureAccount } from '../../core/ledger/accounts.js';
import { transfer } from '../../core/ledger/transfers.js';
import { LedgerError, type Account, type AccountOwner } from '../../core/ledger/types.js';
import type { Clock } from '../../core/clock.js';
import type { IdentityDeps } from '../../core/identity/deps.js';
import { IdentityError } from '../../core/identity/errors.js';
import { confirmPayPassword, findWalletUser, walletAccountOf, type PayPasswordCheck, type WalletUser } from '../../core/identity/walletUsers.js';
import { canonicalJson } from '../../core/ledger/canonical.js';
import { formatCanonical } from '../../core/money.js';
import type { DB } from '../../db/schema.js';
import { claimBytes, claimIdOf, claimTxidOf } from './claim.js';
import { ContentError } from './errors.js';
import * as repo from './repository.js';
import type { Content, Db, HistoryEntry, PurchaseRecord } from './repository.js';

/** Owner of the account publish fees are paid into. */
export const FEE_OWNER: AccountOwner = { kind: 'system', id: 'ulord.fees' };
/** Precision of the wallet asset (ULD). */
export const PRICE_PRECISION = 8;
/** Bound on claim id collisions (each retry draws a new nonce; a single collision is already astronomically unlikely). */
const MAX_CLAIM_ATTEMPTS = 4;
/** Bound on the history entries one read returns (oldest first); a resource is toggled by hand, rarely. */
export const MAX_HISTORY_ENTRIES = 500;

export interface ContentDeps {
  clock: Clock;
  identity: IdentityDeps;
  /** Fee per publish, minor units (0 = none). */
  publishFeeMinor: bigint;
  /** Printed as `currency`, stored per resource. */
  assetSymbol: string;
  /** 16 random bytes per claim; injectable for tests. */
  nonce?: () => Buffer;
}

/** The calling app: every read and write is restricted to it. */
export interface AppRef {
  id: number;
  appkey: string;
}

function memo(app: AppRef, kind: string, claimId: string): string {
  return `ulord:${app.appkey}:${kind}:${claimId}`;
}

/** `2018-04-12T10:56:19.394000+00:00` (spec §2.5), the form claim bytes carry. */
export function claimTimestamp(ms: number): string {
  return new Date(ms).toISOString().replace(/Z$/, '000+00:00');
}

/** Identity and ledger refusals → content refusals; anything else is rethrown unchanged. */
function translate(err: unknown): never {
  if (err instanceof IdentityError) {
    const code: string = err.code;
    if (code === 'wallet_user_not_found') throw new ContentError('user_not_found');
    if (code === 'wallet_user_disabled') throw new ContentError('user_disabled');
    if (code === 'wrong_pay_password') throw new ContentError('wrong_pay_password');
    if (code === 'pay_password_locked') throw new ContentError('pay_password_locked');
    if (code === 'wallet_unavailable') throw new ContentError('ledger_refused', err.message);
  }
  if (err instanceof LedgerError) {
    if (err.code === 'insufficient_funds') throw new ContentError('insufficient_balance');
    if (err.code === 'asset_disabled' || err.code === 'account_frozen') throw new ContentError('ledger_refused', err.message);
  }
  throw err;
}

async function guarded<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    return translate(err);
  }
}

async function pay(trx: Transaction<DB>, from: Account, to: Account, amount: bigint, kind: string, memoText: string, clock: Clock): Promise<string> {
  const t = await transfer(trx, { debitAccountId: from.id, creditAccountId: to.id, amount, kind, memo: memoText }, clock);
  return t.txid;
}

// ---- X4 publish ----

export interface PublishInput {
  /** The author's pay-password check (done before the transaction). */
  author: PayPasswordCheck;
  title: string;
  tags: readonly string[];
  ipfsHash: string;
  priceMinor: bigint;
  contentType: string;
  des: string | null;
}

export interface Published {
  id: number;
  claimId: string;
  claimTxid: string;
}

/** Confirms the author, pays the configured fee (when > 0), derives the claim (§8.5) and stores the resource. */
export async function publish(trx: Transaction<DB>, app: AppRef, input: PublishInput, deps: ContentDeps): Promise<Published> {
  const author = await guarded(() => confirmPayPassword(trx, input.author));
  const createdAt = deps.clock.now();
  const claim = await newClaim(trx, app, author, input, createdAt, deps);
  if (deps.publishFeeMinor > 0n) {
    await guarded(async () => {
      const from = await walletAccountOf(trx, author, deps.identity);
      const to = await ensureAccount(trx, { owner: FEE_OWNER, assetId: from.assetId, sub: 'balance' }, deps.clock);
      await pay(trx, from, to, deps.publishFeeMinor, 'ulord.publish_fee', memo(app, 'ulord.publish_fee', claim.claimId), deps.clock);
    });
  }
  const id = await repo.insertContent(trx, {
    appId: app.id,
    author: author.username,
    claimId: claim.claimId,
    claimTxid: claim.claimTxid,
    title: input.title,
    ipfsHash: input.ipfsHash,
    priceMinor: input.priceMinor,
    currency: deps.assetSymbol,
    contentType: input.contentType,
    des: input.des,
    tags: input.tags,
    createdAt,
  });
  await recordHistory(trx, id, 'publish', `app:${app.id}`, deps.clock);
  return { id, ...claim };
}

async function newClaim(trx: Transaction<DB>, app: AppRef, author: WalletUser, input: PublishInput, createdAt: number, deps: ContentDeps): Promise<Omit<Published, 'id'>> {
  for (let attempt = 0; attempt < MAX_CLAIM_ATTEMPTS; attempt++) {
    const nonce = (deps.nonce ?? (() => randomBytes(16)))().toString('hex');
    const bytes = claimBytes({
      appkey: app.appkey,
      author: author.username,
      title: input.title,
      ipfsHash: input.ipfsHash,
      price: formatCanonical(input.priceMinor, PRICE_PRECISION),
      contentType: input.contentType,
      description: input.des,
      tags: input.tags,
      createdAt: claimTimestamp(createdAt),
      nonce,
    });
    const claimTxid = claimTxidOf(bytes);
    const claimId = claimIdOf(claimTxid, 0);
    if (!(await repo.claimIdTaken(trx, app.id, claimId))) return { claimId, claimTxid };
  }
  throw new Error(`claim id collided ${MAX_CLAIM_ATTEMPTS} times in a row`);
}

// ---- content history and the operator's enabled flag (§8.3 last bullet) ----

/** A resource with its history, oldest change first. */
export interface ContentView extends Content {
  history: HistoryEntry[];
}

/** The fields a history snapshot keeps: what the app's lists show, plus the app and the enabled flag (never the hash). */
function snapshotOf(c: Content): string {
  return canonicalJson({
    id: c.id,
    app_id: c.appId,
    author: c.author,
    claim_id: c.claimId,
    title: c.title,
    price_minor: c.priceMinor,
    currency: c.currency,
    content_type: c.contentType,
    des: c.des,
    tags: c.tags,
    status: c.status,
    enabled: c.enabled,
    views: c.views,
    created_at: c.createdAt,
    updated_at: c.updatedAt,
  });
}

/** Appends a history row with the resource as it stands now in `trx` (so after the change). */
async function recordHistory(trx: Transaction<DB>, contentId: number, action: repo.HistoryAction, actor: string, clock: Clock): Promise<void> {
  const c = await repo.findContentById(trx, contentId);
  if (!c) throw new Error(`history of missing content ${contentId}`);
  await repo.insertHistory(trx, { contentId, appId: c.appId, action, actor, snapshot: snapshotOf(c), createdAt: clock.now() });
}

export function getContentHistory(db: Db, contentId: number): Promise<HistoryEntry[]> {
  return repo.listHistory(db, contentId, MAX_HISTORY_ENTRIES);
}

/** Any resource by id, enabled or not, with its history; null when there is none. */
export async function getContent(db: Db, id: number): Promise<ContentView | null> {
  const c = await repo.findContentById(db, id);
  return c ? { ...c, history: await getContentHistory(db, id) } : null;
}

export interface SetEnabledInput {
  contentId: number;
  enabled: boolean;
  /** Who asks, as the history records it (`developer:<id>` from the admin API). */
  actor: string;
}

/**
 * Disables or re-enables a resource (the operator's switch of §8.3) in the caller's transaction, with its history
 * row. Asking for the state it is already in changes nothing and records nothing. `updated_at` is left alone: it is
 * `update_timed` on the wire, and the enabled flag is never shown there. Null when there is no such resource.
 */
export async function setContentEnabled(trx: Transaction<DB>, input: SetEnabledInput, clock: Clock): Promise<ContentView | null> {
  const current = await repo.findContentById(trx, input.contentId, true);
  if (!current) return null;
  // The conditional update decides: of two racing identical requests only one changes the row and writes history.
  if (await repo.updateEnabled(trx, input.contentId, input.enabled)) {
    await recordHistory(trx, input.contentId, input.enabled ? 'enable' : 'disable', input.actor, clock);
  }
  return getContent(trx, input.contentId);
}

// ---- X5 check ----

/** §8.3 "check says": per distinct claim id, the hash, `false` (not yet paid or viewed) or `null` (unknown/disabled). */
export async function checkAccess(db: Db, app: AppRef, reader: string, claimIds: readonly string[]): Promise<Map<string, string | false | null>> {
  const distinct = [...new Set(claimIds)];
  const out = new Map<string, string | false | null>(distinct.map((c) => [c, null]));
  const contents = await repo.findEnabledContents(db, app.id, distinct);
  const recorded = await repo.recordedContentIds(db, app.id, reader, contents.map((c) => c.id));
  for (const c of contents) {
    const open = c.author === reader || c.priceMinor === 0n || recorded.has(c.id);
    out.set(c.claimId, open ? c.ipfsHash : false);
  }
  return out;
}

// ---- X6 consume ----

/** Which pay password a consume needs, decided from a snapshot before the transaction (the transaction re-decides). */
export type ConsumeNeed = 'none' | 'customer_password' | 'author_password';

export async function planConsume(db: Kysely<DB>, app: AppRef, reader: string, claimId: string): Promise<{ need: ConsumeNeed; author: string | null }> {
  const content = await repo.findEnabledContent(db, app.id, claimId);
  if (!content) return { need: 'none', author: null };
  const need = decideConsume(content, reader, (await repo.recordedContentIds(db, app.id, reader, [content.id])).size > 0);
  return { need: need === 'pay' ? 'customer_password' : need === 'ad' ? 'author_password' : 'none', author: content.author };
}

type Decision = 'author' | 'free' | 'recorded' | 'pay' | 'ad';

/** §8.3, pure: what a consume of `content` by `reader` does. */
export function decideConsume(content: Pick<Content, 'author' | 'priceMinor'>, reader: string, recorded: boolean): Decision {
  if (content.author === reader) return 'author';
  if (content.priceMinor === 0n) return 'free';
  if (recorded) return 'recorded';
  return content.priceMinor > 0n ? 'pay' : 'ad';
}

export interface ConsumeInput {
  reader: string;
  claimId: string;
  /** Whether the request carried the password at all (absent → 20008 / 20100), and its check when one was run. */
  customerPassword: { given: boolean; check: PayPasswordCheck | null };
  authorPassword: { given: boolean; check: PayPasswordCheck | null };
}

/**
 * §7 X6 steps 2–8 in the caller's transaction, under a row lock on the content: concurrent consumes of the same
 * content queue on it, so the second of two for the same (app, claim, reader) sees the first's record and pays
 * nothing (§8.4; the unique key is the last guard). Returns the hash.
 */
export async function consume(trx: Transaction<DB>, app: AppRef, input: ConsumeInput, deps: ContentDeps): Promise<string> {
  const content = await repo.findEnabledContent(trx, app.id, input.claimId, true);
  if (!content) throw new ContentError('content_not_found');
  const recorded = (await repo.recordedContentIds(trx, app.id, input.reader, [content.id])).size > 0;
  const decision = decideConsume(content, input.reader, recorded);
  if (decision === 'pay') await payForContent(trx, app, content, input, deps);
  if (decision === 'ad') await payAdReward(trx, app, content, input, deps);
  if (decision !== 'author') await repo.countView(trx, content.id);
  return content.ipfsHash;
}

/** A check the preparer skipped (its snapshot saw no such content, or no need): answer as of that snapshot. */
function requireCheck(check: PayPasswordCheck | null): PayPasswordCheck {
  if (check === null) throw new ContentError('content_not_found', 'the content appeared after the pay-password step');
  return check;
}

async function payForContent(trx: Transaction<DB>, app: AppRef, content: Content, input: ConsumeInput, deps: ContentDeps): Promise<void> {
  if (!input.customerPassword.given) throw new ContentError('payment_required');
  const check = requireCheck(input.customerPassword.check);
  const customer = await guarded(() => confirmPayPassword(trx, check));
  const author = await findWalletUser(trx, app.id, content.author);
  if (!author) throw new Error(`content ${content.id}: author ${content.author} has no wallet`);
  const txid = await guarded(async () => {
    const from = await walletAccountOf(trx, customer, deps.identity);
    const to = await walletAccountOf(trx, author, deps.identity);
    return pay(trx, from, to, content.priceMinor, 'ulord.purchase', memo(app, 'ulord.purchase', content.claimId), deps.clock);
  });
  await repo.insertPurchase(trx, { appId: app.id, contentId: content.id, customer: customer.username, priceMinor: content.priceMinor, txid, createdAt: deps.clock.now() });
}

async function payAdReward(trx: Transaction<DB>, app: AppRef, content: Content, input: ConsumeInput, deps: ContentDeps): Promise<void> {
  if (!input.authorPassword.given) throw new ContentError('author_password_required');
  const viewer = await findWalletUser(trx, app.id, input.reader);
  if (!viewer) throw new ContentError('user_not_found');
  if (viewer.disabled) throw new ContentError('user_disabled');
  const check = requireCheck(input.authorPassword.check);
  const author = await guarded(() => confirmPayPassword(trx, check));
  if (author.username !== content.author) throw new Error(`content ${content.id}: author check was for ${author.username}`);
  const txid = await guarded(async () => {
    const from = await walletAccountOf(trx, author, deps.identity);
    const to = await walletAccountOf(trx, viewer, deps.identity);
    return pay(trx, from, to, -content.priceMinor, 'ulord.ad_reward', memo(app, 'ulord.ad_reward', content.claimId), deps.clock);
  });
  await repo.insertPurchase(trx, { appId: app.id, contentId: content.id, customer: viewer.username, priceMinor: content.priceMinor, txid, createdAt: deps.clock.now() });
}

// ---- X7–X13 reads ----

export interface PageRequest {
  /** 1-based; may exceed any real page (an empty page is returned). */
  page: bigint;
  num: number;
}

export interface Paged<T> {
  items: T[];
  total: number;
  pages: number;
}

/** §8.6: total and pages always; items only when the page starts within the rows. */
async function paged<T>(req: PageRequest, count: () => Promise<number>, list: (p: repo.Page) => Promise<T[]>): Promise<Paged<T>> {
  if (req.page < 1n || req.num < 1) throw new Error('page and num must be positive');
  const total = await count();
  const pages = Math.ceil(total / req.num);
  const offset = (req.page - 1n) * BigInt(req.num);
  const items = offset < BigInt(total) ? await list({ limit: req.num, offset: Number(offset) }) : [];
  return { items, total, pages };
}

/** X7 (by the content's author) and X8 (by customer). */
export function listRecords(db: Db, app: AppRef, filter: repo.RecordFilter, req: PageRequest): Promise<Paged<PurchaseRecord>> {
  return paged(req, () => repo.countRecords(db, app.id, filter), (p) => repo.listRecords(db, app.id, filter, p));
}

export interface InOut {
  publisherIncome: repo.Aggregate;
  publisherExpenditure: repo.Aggregate;
  customerIncome: repo.Aggregate;
  customerExpenditure: repo.Aggregate;
}

/** X9, §8.7: exact sums of recorded prices (signs as recorded), restricted to the app. */
export async function inOut(db: Db, app: AppRef, username: string): Promise<InOut> {
  const asAuthor: repo.RecordFilter = { kind: 'author', author: username };
  const asCustomer: repo.RecordFilter = { kind: 'customer', customer: username };
  return {
    publisherIncome: await repo.aggregateRecords(db, app.id, asAuthor, 'positive'),
    publisherExpenditure: await repo.aggregateRecords(db, app.id, asAuthor, 'negative'),
    customerIncome: await repo.aggregateRecords(db, app.id, asCustomer, 'negative'),
    customerExpenditure: await repo.aggregateRecords(db, app.id, asCustomer, 'positive'),
  };
}

/** X10: resources of the author, enabled or not. */
export function countByAuthor(db: Db, app: AppRef, author: string): Promise<number> {
  return repo.countContent(db, app.id, { kind: 'author', author });
}

/** X11 (enabled resources) and X13 (an author's, including disabled), ascending id. */
export function listContent(db: Db, app: AppRef, filter: repo.ContentFilter, req: PageRequest): Promise<Paged<Content>> {
  return paged(req, () => repo.countContent(db, app.id, filter), (p) => repo.listContent(db, app.id, filter, p));
}

/** X12: a customer's records, each replaced by its resource's current state (disabled ones included). */
export async function listConsumed(db: Db, app: AppRef, customer: string, req: PageRequest): Promise<Paged<Content>> {
  const records = await listRecords(db, app, { kind: 'customer', customer }, req);
  const byId = await repo.contentByIds(db, app.id, records.items.map((r) => r.contentId));
  const items = records.items.map((r) => {
    const c = byId.get(r.contentId);
    if (!c) throw new Error(`record ${r.id} points at missing content ${r.contentId}`);
    return c;
  });
  return { items, total: records.total, pages: records.pages };
}
