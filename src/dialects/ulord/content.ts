// Handlers of the external endpoints X4–X13 (spec §7): parse the request table, call modules/content, render.
// X4 and X6 check pay passwords: they are `Preparer`s whose scrypt step runs before the transaction. Content
// refusals are thrown as UlordRefusal so whatever the transaction wrote rolls back (the pipeline renders them).
import type { StoredApp } from '../../core/identity/apps.js';
import { checkPayPassword, type PayPasswordCheck } from '../../core/identity/walletUsers.js';
import { formatCanonical, parseDecimal } from '../../core/money.js';
import { ContentError } from '../../modules/content/errors.js';
import type { Content, PurchaseRecord, Aggregate } from '../../modules/content/repository.js';
import * as content from '../../modules/content/service.js';
import type { Services } from '../../services.js';
import { UlordRefusal, type UlordFailure, type WalletErrcode } from './errors.js';
import { identityDeps, type Handler, type PrepareContext, type Preparer } from './management.js';
import { RawNumber, failure, success, timestamp } from './render.js';
import {
  authorSchema,
  checkSchema,
  consumeSchema,
  customerSchema,
  parseFields,
  publishSchema,
  readClaimIds,
  readPage,
  readTags,
  usernameSchema,
  ULD_PRECISION,
} from './schemas.js';

/** The 202xx code of each content endpoint's wallet refusals (§4.1). */
export const CONTENT_WALLET_ERRCODES = { publish: 20201, consume: 20202 } as const satisfies Record<string, WalletErrcode>;

// ---- shared ----

function requireApp(ctx: PrepareContext): StoredApp {
  if (!ctx.app) throw new Error('external endpoint reached without an app');
  return ctx.app;
}

function refuse(errcode: 20100 | 20101): Handler {
  return async () => failure(errcode);
}

function contentDeps(s: Services): content.ContentDeps {
  const fee = parseDecimal(s.config.ulord.publishFee, ULD_PRECISION);
  if (typeof fee !== 'bigint' || fee < 0n) throw new Error(`invalid ulord.publishFee setting: ${s.config.ulord.publishFee}`);
  return { clock: s.clock, identity: identityDeps(s), publishFeeMinor: fee, assetSymbol: s.config.ulord.assetSymbol };
}

function payDeps(s: Services) {
  return { ...identityDeps(s), maxFailures: s.config.ulord.payPasswordMaxFailures, lockSeconds: s.config.ulord.payPasswordLockSeconds };
}

/** A content refusal → the endpoint's answer; anything else is rethrown for the pipeline. */
function refusalOf(err: unknown, walletErrcode: WalletErrcode): unknown {
  if (!(err instanceof ContentError)) return err;
  const f: UlordFailure = (() => {
    switch (err.code) {
      case 'content_not_found':
        return { errcode: 20007 };
      case 'payment_required':
        return { errcode: 20008 };
      case 'author_password_required':
        return { errcode: 20100 };
      case 'user_disabled':
        return { errcode: 20006 };
      case 'ledger_refused':
        return { errcode: 20200, walletReason: 'ledger_refused' };
      case 'user_not_found':
      case 'wrong_pay_password':
      case 'pay_password_locked':
      case 'insufficient_balance':
        return { errcode: walletErrcode, walletReason: err.code };
    }
  })();
  return new UlordRefusal(f);
}

/** Price and sums: JSON numbers written from the integer (§2.5), never through a float. */
function decimal(minor: bigint): RawNumber {
  return new RawNumber(formatCanonical(minor, ULD_PRECISION));
}

/** §7 content object (X11–X13); txid, ipfs_hash, appkey and the enabled flag are never listed. */
export function contentObject(c: Content): Record<string, unknown> {
  return {
    author: c.author,
    claim_id: c.claimId,
    content_type: c.contentType,
    create_timed: timestamp(c.createdAt),
    currency: c.currency,
    des: c.des,
    id: c.id,
    price: decimal(c.priceMinor),
    status: c.status,
    tags: c.tags,
    title: c.title,
    update_timed: timestamp(c.updatedAt),
    views: c.views,
  };
}

/** §7 consume record (X7, X8): `id` repeats `claim_id` (§9.1 #16). */
export function recordObject(r: PurchaseRecord): Record<string, unknown> {
  return {
    author: r.author,
    claim_id: r.claimId,
    create_timed: timestamp(r.createdAt),
    customer: r.customer,
    id: r.claimId,
    price: decimal(r.priceMinor),
    title: r.title,
    txid: r.txid,
  };
}

function aggregateObject(a: Aggregate): Record<string, unknown> {
  return { count: a.count, sum: a.sumMinor === null ? null : decimal(a.sumMinor) };
}

/** The path parameters of a paged route (bound by plugin.ts from the matched URL). */
function pageOf(ctx: PrepareContext): { page: bigint; num: number } | null {
  return readPage(ctx.params?.page, ctx.params?.num, ctx.services.config.ulord.maxPageSize);
}

// ---- X4 publish ----

export const publish: Preparer = async (ctx) => {
  const app = requireApp(ctx);
  const f = parseFields(ctx.body, publishSchema);
  if (!f.ok) return refuse(f.errcode);
  const tags = readTags(ctx.body.tag);
  if (tags === null) return refuse(20101);
  const v = f.value;
  const check = await checkPayPassword(ctx.services.db, app.id, v.author, v.pay_password, payDeps(ctx.services));
  return async ({ trx, services }) => {
    try {
      const input = { author: check, title: v.title, tags, ipfsHash: v.ipfs_hash, priceMinor: v.price ?? 0n, contentType: v.content_type, des: v.description ?? null };
      const r = await content.publish(trx, app, input, contentDeps(services));
      return success({ claim_id: r.claimId, id: r.id, txid: r.claimTxid });
    } catch (err) {
      throw refusalOf(err, CONTENT_WALLET_ERRCODES.publish);
    }
  };
};

// ---- X5 check ----

export const check: Handler = async (ctx) => {
  const app = requireApp(ctx);
  const f = parseFields(ctx.body, checkSchema);
  if (!f.ok) return failure(f.errcode);
  const ids = readClaimIds(ctx.body.claim_ids);
  if (ids === 'missing') return failure(20100);
  if (ids === null) return failure(20101);
  const access = await content.checkAccess(ctx.trx, app, f.value.username, ids);
  // Object.fromEntries defines own properties, so even a key such as "__proto__" stays a plain key.
  return success(Object.fromEntries(access));
};

// ---- X6 consume ----

export const consume: Preparer = async (ctx) => {
  const app = requireApp(ctx);
  const f = parseFields(ctx.body, consumeSchema);
  if (!f.ok) return refuse(f.errcode);
  const v = f.value;
  const plan = await content.planConsume(ctx.services.db, app, v.username, v.claim_id);
  let customerCheck: PayPasswordCheck | null = null;
  let authorCheck: PayPasswordCheck | null = null;
  // Only the password this consume needs is verified (and counted when wrong): a repeat of a bought item never is.
  if (plan.need === 'customer_password' && v.customer_pay_password !== undefined) {
    customerCheck = await checkPayPassword(ctx.services.db, app.id, v.username, v.customer_pay_password, payDeps(ctx.services));
  }
  if (plan.need === 'author_password' && plan.author !== null && v.author_pay_password !== undefined) {
    authorCheck = await checkPayPassword(ctx.services.db, app.id, plan.author, v.author_pay_password, payDeps(ctx.services));
  }
  return async ({ trx, services }) => {
    try {
      const hash = await content.consume(
        trx,
        app,
        {
          reader: v.username,
          claimId: v.claim_id,
          customerPassword: { given: v.customer_pay_password !== undefined, check: customerCheck },
          authorPassword: { given: v.author_pay_password !== undefined, check: authorCheck },
        },
        contentDeps(services),
      );
      return success({ ipfs_hash: hash });
    } catch (err) {
      throw refusalOf(err, CONTENT_WALLET_ERRCODES.consume);
    }
  };
};

// ---- X7, X8 bills ----

export const publisherAccount: Handler = async (ctx) => {
  const app = requireApp(ctx);
  const page = pageOf(ctx);
  if (!page) return failure(20101);
  const f = parseFields(ctx.body, authorSchema);
  if (!f.ok) return failure(f.errcode);
  const r = await content.listRecords(ctx.trx, app, { kind: 'author', author: f.value.author }, page);
  return success({ pages: r.pages, records: r.items.map(recordObject), total: r.total });
};

export const customerAccount: Handler = async (ctx) => {
  const app = requireApp(ctx);
  const page = pageOf(ctx);
  if (!page) return failure(20101);
  const f = parseFields(ctx.body, customerSchema);
  if (!f.ok) return failure(f.errcode);
  const r = await content.listRecords(ctx.trx, app, { kind: 'customer', customer: f.value.customer }, page);
  return success({ pages: r.pages, records: r.items.map(recordObject), total: r.total });
};

// ---- X9 inout, X10 count ----

export const publishInOut: Handler = async (ctx) => {
  const app = requireApp(ctx);
  const f = parseFields(ctx.body, usernameSchema);
  if (!f.ok) return failure(f.errcode);
  const r = await content.inOut(ctx.trx, app, f.value.username);
  return success({
    customer_expenditure: aggregateObject(r.customerExpenditure),
    customer_income: aggregateObject(r.customerIncome),
    publisher_expenditure: aggregateObject(r.publisherExpenditure),
    publisher_income: aggregateObject(r.publisherIncome),
  });
};

export const publishCount: Handler = async (ctx) => {
  const app = requireApp(ctx);
  const f = parseFields(ctx.body, authorSchema);
  if (!f.ok) return failure(f.errcode);
  return success({ count: await content.countByAuthor(ctx.trx, app, f.value.author) });
};

// ---- X11–X13 lists ----

export const contentList: Handler = async (ctx) => {
  const app = requireApp(ctx);
  const page = pageOf(ctx);
  if (!page) return failure(20101);
  const r = await content.listContent(ctx.trx, app, { kind: 'enabled' }, page);
  return success({ data: r.items.map(contentObject), pages: r.pages, total: r.total });
};

export const consumeList: Handler = async (ctx) => {
  const app = requireApp(ctx);
  const page = pageOf(ctx);
  if (!page) return failure(20101);
  const f = parseFields(ctx.body, customerSchema);
  if (!f.ok) return failure(f.errcode);
  const r = await content.listConsumed(ctx.trx, app, f.value.customer, page);
  return success({
    ads: r.items.filter((c) => c.priceMinor < 0n).map(contentObject),
    consumes: r.items.filter((c) => c.priceMinor >= 0n).map(contentObject),
    pages: r.pages,
    total: r.total,
  });
};

export const publishList: Handler = async (ctx) => {
  const app = requireApp(ctx);
  const page = pageOf(ctx);
  if (!page) return failure(20101);
  const f = parseFields(ctx.body, authorSchema);
  if (!f.ok) return failure(f.errcode);
  const r = await content.listContent(ctx.trx, app, { kind: 'author', author: f.value.author }, page);
  return success({ data: r.items.map(contentObject), pages: r.pages, total: r.total });
};
