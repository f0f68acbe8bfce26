// The billing rules of spec/kamiya.md §2.1, §4.2 on the ledger: which user an app may bill, charge / forceCharge,
// auth, detail and the daily check-in. Every function takes the caller's transaction: the user lookup, the balance
// read under lock, the decision, the transfers, the check-in row and the outbox event commit together or not at all.
// A thrown BillingError (or LedgerError) means: roll back.
import type { Transaction } from 'kysely';
import type { Clock } from '../../core/clock.js';
import { emitEvent } from '../../core/events/outbox.js';
import { getActiveGrant } from '../../core/identity/grants.js';
import { isValidUid } from '../../core/identity/uid.js';
import { getUserByUid, type User } from '../../core/identity/users.js';
import { issue, transfer } from '../../core/ledger/transfers.js';
import type { Account } from '../../core/ledger/types.js';
import { formatCanonical } from '../../core/money.js';
import type { DB } from '../../db/schema.js';
import { toNum } from '../../db/values.js';
import { creditAssetId, ensureAppAccounts, ensureUserAccounts, feeAccounts, lockBalances, readBalances } from './accounts.js';
import { BillingError } from './errors.js';
import { canAuthorise, CREDIT_PRECISION, decideCharge, isActive, localDay, splitFee, type Balances, type BillingSettings } from './rules.js';

export const KIND_CHARGE = 'kamiya.charge';
export const KIND_FORCE_CHARGE = 'kamiya.force_charge';
export const KIND_CHECKIN = 'kamiya.checkin';

export interface BillingApp {
  id: number;
  appkey: string;
}

export interface BillingDeps {
  settings: BillingSettings;
  clock: Clock;
}

const text = (minor: bigint): string => formatCanonical(minor, CREDIT_PRECISION);

/**
 * §2.1: the user `uid` names, when this app may bill them: a valid uid of an existing global user with a live
 * `kamiya` grant for the app. Anything else (bad checksum, unknown, an app's uid, never confirmed, revoked) is the
 * same `user_not_found`, so an app cannot probe for users who did not consent to it.
 */
export async function billableUser(trx: Transaction<DB>, appId: number, uid: number): Promise<User> {
  if (!isValidUid(uid)) throw new BillingError('user_not_found');
  const user = await getUserByUid(trx, uid);
  if (!user) throw new BillingError('user_not_found');
  if (!(await getActiveGrant(trx, appId, user.id, 'kamiya'))) throw new BillingError('user_not_found');
  return user;
}

function requireActive(user: User, settings: BillingSettings): void {
  if (!isActive(user, settings.requireEmailVerification)) throw new BillingError('user_not_active');
}

export interface ChargeInput {
  uid: number;
  /** Minor units, > 0 (the dialect bounds it by `maxCreditMinor`). */
  amount: bigint;
  allowNC: boolean;
  forced: boolean;
}

export interface ChargeResult {
  nc: bigint;
  cr: bigint;
  fee: bigint;
  txids: string[];
}

/** Moves one charged part: net to the app, the fee (when > 0) to the platform. Zero amounts make no transfer. */
async function movePart(
  trx: Transaction<DB>,
  part: bigint,
  from: Account,
  to: { app: Account; fee: Account },
  meta: { kind: string; memo: string; settings: BillingSettings; clock: Clock; metadata: Record<string, unknown> },
): Promise<{ fee: bigint; txids: string[] }> {
  const { fee, net } = splitFee(part, meta.settings.platformFeeBps);
  const txids: string[] = [];
  for (const [amount, account, role] of [[net, to.app, 'revenue'], [fee, to.fee, 'fee']] as const) {
    if (amount === 0n) continue;
    const t = await transfer(trx, { debitAccountId: from.id, creditAccountId: account.id, amount, kind: meta.kind, memo: meta.memo, metadata: { ...meta.metadata, role } }, meta.clock);
    txids.push(t.txid);
  }
  return { fee, txids };
}

/**
 * charge (forced = false) and forceCharge (forced = true), §4.2. The user's rows are locked before the balances are
 * read, so the decision holds until commit: of concurrent charges only the affordable ones go through, and a forced
 * charge never interleaves with a normal one. After the moves, a normal charge re-reads and asserts that it left
 * `credit` at >= 0 or untouched (the database CHECK guards `nc_credit`; `credit` is allowed negative for forceCharge).
 */
export async function charge(trx: Transaction<DB>, app: BillingApp, input: ChargeInput, deps: BillingDeps): Promise<ChargeResult> {
  const { settings, clock } = deps;
  const user = await billableUser(trx, app.id, input.uid);
  requireActive(user, settings);
  const assetId = await creditAssetId(trx);
  const userAccounts = await ensureUserAccounts(trx, assetId, user.uid, clock);
  const before = await lockBalances(trx, userAccounts);
  const decision = decideCharge(before, input.amount, input.allowNC, input.forced);
  if (!decision.ok) throw new BillingError('insufficient_credit');

  const appAccounts = await ensureAppAccounts(trx, assetId, app.id, clock);
  const fees = await feeAccounts(trx, assetId, clock);
  const kind = input.forced ? KIND_FORCE_CHARGE : KIND_CHARGE;
  const meta = { kind, memo: `kamiya:${app.appkey}:${input.forced ? 'force_charge' : 'charge'}`, settings, clock };
  // NC first (the order the table describes); the app's and platform's rows are always taken in this same order.
  const ncMoved = await movePart(trx, decision.nc, userAccounts.nc, { app: appAccounts.nc, fee: fees.nc }, { ...meta, metadata: { uid: user.uid, part: 'nc' } });
  const crMoved = await movePart(trx, decision.cr, userAccounts.credit, { app: appAccounts.credit, fee: fees.credit }, { ...meta, metadata: { uid: user.uid, part: 'cr' } });

  if (!input.forced && decision.cr > 0n) {
    const after = await lockBalances(trx, userAccounts);
    if (after.credit < 0n) throw new Error(`charge would take user ${user.uid} credit below zero: refused by the invariant check`);
  }
  const result: ChargeResult = { nc: decision.nc, cr: decision.cr, fee: ncMoved.fee + crMoved.fee, txids: [...ncMoved.txids, ...crMoved.txids] };
  await emitEvent(
    trx,
    {
      appId: app.id,
      type: 'billing.charged',
      payload: {
        appId: app.appkey,
        userId: user.uid,
        amount: text(input.amount),
        nc: text(result.nc),
        cr: text(result.cr),
        fee: text(result.fee),
        forced: input.forced,
        allowNC: input.allowNC,
        txids: result.txids,
      },
    },
    clock,
  );
  return result;
}

/** auth (§3.8): refused when credit + NCCredit <= 0. Changes nothing. */
export async function authorise(trx: Transaction<DB>, app: BillingApp, uid: number, deps: BillingDeps): Promise<void> {
  const user = await billableUser(trx, app.id, uid);
  requireActive(user, deps.settings);
  const balances = await readBalances(trx, await creditAssetId(trx), user.uid);
  if (!canAuthorise(balances)) throw new BillingError('insufficient_credit');
}

export interface Detail {
  email: string;
  role: User['role'];
  balances: Balances;
  active: boolean;
}

/**
 * detail (§3.9): never refused for an inactive user — `active` reports it. Changes no balance; it opens the user's
 * two accounts when missing, so an operator can find and fund them (`GET /admin/v1/accounts?owner_kind=user…`).
 */
export async function detail(trx: Transaction<DB>, app: BillingApp, uid: number, deps: BillingDeps): Promise<Detail> {
  const user = await billableUser(trx, app.id, uid);
  const assetId = await creditAssetId(trx);
  await ensureUserAccounts(trx, assetId, user.uid, deps.clock);
  const balances = await readBalances(trx, assetId, user.uid);
  return { email: user.email ?? '', role: user.role, balances, active: isActive(user, deps.settings.requireEmailVerification) };
}

export interface CheckinResult {
  day: string;
  reward: bigint;
  txid: string | null;
}

/**
 * openidCheckin (§3.10): once per user per calendar day of the configured time zone, across all apps. The
 * (user, day) row is claimed first with insert-or-nothing: of concurrent check-ins one inserts (the others wait for
 * it on PostgreSQL's unique index and then find the row), and only the winner issues the reward.
 */
export async function checkin(trx: Transaction<DB>, app: BillingApp, uid: number, deps: BillingDeps): Promise<CheckinResult> {
  const { settings, clock } = deps;
  const user = await billableUser(trx, app.id, uid);
  requireActive(user, settings);
  const now = clock.now();
  const day = localDay(now, settings.checkinTimeZone);
  const reward = settings.checkinRewardMinor;
  const claimed = await trx
    .insertInto('billing_checkins')
    .values({ user_id: user.id, day, app_id: app.id, reward_minor: reward, txid: null, created_at: now })
    .onConflict((oc) => oc.columns(['user_id', 'day']).doNothing())
    .returning('id')
    .executeTakeFirst();
  if (!claimed) throw new BillingError('already_checkin');
  let txid: string | null = null;
  if (reward > 0n) {
    const assetId = await creditAssetId(trx);
    const { nc } = await ensureUserAccounts(trx, assetId, user.uid, clock);
    const t = await issue(trx, { assetId, toAccountId: nc.id, amount: reward, kind: KIND_CHECKIN, memo: `kamiya:${app.appkey}:checkin:${day}`, metadata: { uid: user.uid, day } }, clock);
    txid = t.txid;
    await trx.updateTable('billing_checkins').set({ txid }).where('id', '=', toNum(claimed.id)).execute();
  }
  await emitEvent(trx, { appId: app.id, type: 'billing.checkin', payload: { appId: app.appkey, userId: user.uid, day, reward: text(reward), txid } }, clock);
  return { day, reward, txid };
}
