// The chain's writes (spec §5.3–§5.5, Appendix B): opening accounts (welcome csaf), csaf settlement, fees,
// issuance (op 0 from the issuer), csaf grants (op 6), the platform transfer of §4.23 (op 0), consents (ops 23/24)
// and account flags. Each takes the caller's transaction, starts with `beginChainWrite` and ends with
// `recordOperation`; a thrown YoyowChainError (or LedgerError) means: roll back.
import type { Transaction } from 'kysely';
import type { SecretBox } from '../../core/crypto/secretbox.js';
import type { StoredApp } from '../../core/identity/apps.js';
import { transfer } from '../../core/ledger/transfers.js';
import { LedgerError, type Transfer } from '../../core/ledger/types.js';
import type { DB } from '../../db/schema.js';
import { ensureAccount } from '../../core/ledger/accounts.js';
import { exposedAsset, exposedBalance, type ExposedAsset } from './exposed.js';
import {
  currentSupply,
  ledgerOwner,
  ensureYoyowChain,
  insertChainRow,
  lockChainAccount,
  readSubBalances,
  resolveAccount,
  subAccounts,
  type ChainInfo,
  type Sub,
  type SubAccounts,
} from './accounts.js';
import { assetAmount, chainInt, chainTime, objectId } from './chainJson.js';
import { ALL_PERMISSIONS, activeConsent, liveConsent, spendThroughConsent, usablePrepaid } from './consents.js';
import { accrue, nowSeconds } from './csaf.js';
import { encryptMemo, ensureYoyowKeys, privateKeyOf, publicKeysOf } from './keys/index.js';
import { beginChainWrite, nextInstance, recordOperation } from './records.js';
import { appChainSettings, feeFor, type FeeOp } from './settings.js';
import { chainError, chainRule, INT64_MAX, YOYO_PRECISION, YoyowChainError, type ChainDeps, type Consent, type WriteResult, type YoyowAccountRef } from './types.js';

export const KIND = {
  issue: 'yoyow.issue',
  transfer: 'yoyow.transfer',
  fee: 'yoyow.fee',
  csafAccrual: 'yoyow.csaf_accrual',
} as const;

/** Chain deps plus the secret box (keys are created when an account opens; memos need the sender's memo key). */
export interface WriteDeps extends ChainDeps {
  box: SecretBox;
}

type Trx = Transaction<DB>;

function issuerRef(info: ChainInfo): YoyowAccountRef {
  return { kind: 'system', uid: info.issuerUid, systemRole: 'issuer' };
}

async function move(trx: Trx, from: number, to: number, amount: bigint, kind: string, deps: ChainDeps, metadata: Record<string, unknown>): Promise<Transfer> {
  return transfer(trx, { debitAccountId: from, creditAccountId: to, amount, kind, metadata }, deps.clock);
}

/** The `fee` field of a recorded op: total, plus the sub-balance it came from when > 0 (§5.4). */
export function feeField(fee: bigint, from: 'csaf' | 'prepaid'): Record<string, unknown> {
  const total = assetAmount(fee);
  if (fee === 0n) return { total };
  return { total, options: { [from === 'csaf' ? 'from_csaf' : 'from_prepaid']: assetAmount(fee) } };
}

/**
 * Opens a user's or app's chain account on first use: its chain row, its three YOYO ledger accounts, its keys
 * (keys module), and — once, when the row is created — the welcome csaf grant (op 6 from the issuer, §5.3).
 * Returns the sub-accounts.
 */
export async function openAccount(trx: Trx, ref: YoyowAccountRef, info: ChainInfo, deps: WriteDeps): Promise<SubAccounts> {
  const subs = await subAccounts(trx, ref, info.assetId, deps.clock);
  if (ref.kind === 'system') return subs;
  const created = await insertChainRow(trx, ref, deps.clock);
  if (!created) return subs;
  await ensureYoyowKeys(trx, { kind: ref.kind, uid: ref.uid }, { box: deps.box, clock: deps.clock });
  const grant = deps.settings.csaf.welcomeGrant;
  if (grant > 0n) {
    const issuer = await subAccounts(trx, issuerRef(info), info.assetId, deps.clock);
    const t = await move(trx, issuer.csaf.id, subs.csaf.id, grant, KIND.issue, deps, { uid: ref.uid, sub: 'csaf', reason: 'welcome' });
    await recordOperation(
      trx,
      {
        type: 6,
        fields: { fee: feeField(0n, 'csaf'), from: chainInt(info.issuerUid), to: chainInt(ref.uid), amount: assetAmount(grant), time: chainTime(deps.clock.now()) },
        involved: [ref.uid],
        transferTxids: [t.txid],
      },
      deps,
    );
  }
  return subs;
}

/** Resolves a uid that must name an existing account (2001 otherwise) and opens it. */
export async function requireAccount(trx: Trx, uid: number, info: ChainInfo, deps: WriteDeps): Promise<{ ref: YoyowAccountRef; subs: SubAccounts }> {
  const ref = await resolveAccount(trx, uid);
  if (!ref) throw chainError('accountNotFound');
  return { ref, subs: await openAccount(trx, ref, info, deps) };
}

/**
 * Settles the account's csaf accrual (§5.3): under its row lock, moves earned' from the issuer's csaf and stores the
 * new settlement time and carry. Called first by every operation that changes the account's `balance` or spends
 * its csaf. The issuer never accrues.
 */
export async function settleCsaf(trx: Trx, ref: YoyowAccountRef, subs: SubAccounts, info: ChainInfo, deps: ChainDeps): Promise<string[]> {
  if (ref.kind === 'system') return [];
  const row = await lockChainAccount(trx, ref.uid);
  const balances = await readSubBalances(trx, ref, info.assetId);
  const t = nowSeconds(deps.clock.now());
  const { earned, carry } = accrue({ balance: balances.balance, csaf: balances.csaf, settledAt: row.csafSettledAt, carry: row.csafCarry }, t, deps.settings.csaf);
  const txids: string[] = [];
  if (earned > 0n) {
    const issuer = await subAccounts(trx, issuerRef(info), info.assetId, deps.clock);
    txids.push((await move(trx, issuer.csaf.id, subs.csaf.id, earned, KIND.csafAccrual, deps, { uid: ref.uid, seconds: t })).txid);
  }
  await trx.updateTable('yoyow_accounts').set({ csaf_settled_at: t, csaf_carry: carry }).where('uid', '=', ref.uid).execute();
  return txids;
}

/** The account's csaf as a read shows it (§5.3): stored csaf plus the pending accrual, nothing written. */
export async function csafWithAccrual(trx: Trx | import('kysely').Kysely<DB>, ref: YoyowAccountRef, info: ChainInfo, deps: ChainDeps): Promise<{ balance: bigint; prepaid: bigint; csaf: bigint }> {
  const balances = await readSubBalances(trx, ref, info.assetId);
  if (ref.kind === 'system') return balances;
  const row = await trx.selectFrom('yoyow_accounts').select(['csaf_settled_at', 'csaf_carry']).where('uid', '=', ref.uid).executeTakeFirst();
  if (!row) return balances;
  const { earned } = accrue(
    { balance: balances.balance, csaf: balances.csaf, settledAt: Number(row.csaf_settled_at), carry: BigInt(row.csaf_carry) },
    nowSeconds(deps.clock.now()),
    deps.settings.csaf,
  );
  return { ...balances, csaf: balances.csaf + earned };
}

export interface FeeCharge {
  fee: bigint;
  from: 'csaf' | 'prepaid';
  /** Settlement and fee transfers, in order. */
  txids: string[];
}

/**
 * Charges the fee of `op` from `payer` (§5.4) with the app's `use_csaf`: from csaf (after settlement) back to the
 * issuer's csaf, or from prepaid burned into the issuer's balance — counted in `consent.cur_used` when the app acts
 * for the payer (then it must fit the consent's usable prepaid). Short → 2004, no fallback.
 */
export async function chargeFee(trx: Trx, payer: YoyowAccountRef, op: FeeOp, app: StoredApp, deps: WriteDeps, consent?: Consent): Promise<FeeCharge> {
  const info = await ensureYoyowChain(trx, deps.clock);
  const subs = await openAccount(trx, payer, info, deps);
  const fee = feeFor(op, app, deps.settings);
  const useCsaf = appChainSettings(app).useCsaf;
  const from = useCsaf ? 'csaf' : 'prepaid';
  const txids: string[] = [];
  if (useCsaf) txids.push(...(await settleCsaf(trx, payer, subs, info, deps)));
  else if (payer.kind !== 'system') await lockChainAccount(trx, payer.uid);
  if (fee === 0n) return { fee, from, txids };
  const balances = await readSubBalances(trx, payer, info.assetId);
  const issuer = await subAccounts(trx, issuerRef(info), info.assetId, deps.clock);
  const short = (): YoyowChainError => chainError('feeUnpaid');
  try {
    if (useCsaf) {
      if (balances.csaf < fee) throw short();
      txids.push((await move(trx, subs.csaf.id, issuer.csaf.id, fee, KIND.fee, deps, { uid: payer.uid, op, app: app.id })).txid);
    } else {
      if (usablePrepaid(balances.prepaid, consent ?? null) < fee) throw short();
      if (consent && !(await spendThroughConsent(trx, consent, fee))) throw short();
      txids.push((await move(trx, subs.prepaid.id, issuer.balance.id, fee, KIND.fee, deps, { uid: payer.uid, op, app: app.id })).txid);
    }
  } catch (err) {
    if (err instanceof LedgerError && err.code === 'insufficient_funds') throw short();
    throw err;
  }
  return { fee, from, txids };
}

// ---- issuance and csaf grants (Appendix B) ----

export interface IssueInput {
  uid: number;
  amount: bigint;
  into: 'balance' | 'prepaid';
}

/** Op 0 from the issuer into the account's `balance` or `prepaid`; refused beyond the max supply. */
export async function issueYoyo(trx: Trx, input: IssueInput, deps: WriteDeps): Promise<WriteResult> {
  if (input.amount <= 0n || input.amount > INT64_MAX) throw chainError('invalidAmount');
  await beginChainWrite(trx);
  const info = await ensureYoyowChain(trx, deps.clock);
  const { ref, subs } = await requireAccount(trx, input.uid, info, deps);
  if (ref.kind === 'system') throw chainRule('cannot issue to a system account');
  const supply = await currentSupply(trx, info);
  if (supply + input.amount > deps.settings.maxSupply) throw chainRule('issuance exceeds the max supply');
  const txids: string[] = [];
  if (input.into === 'balance') txids.push(...(await settleCsaf(trx, ref, subs, info, deps)));
  const issuer = await subAccounts(trx, issuerRef(info), info.assetId, deps.clock);
  txids.push((await move(trx, issuer.balance.id, subs[input.into].id, input.amount, KIND.issue, deps, { uid: ref.uid, sub: input.into })).txid);
  const amount = assetAmount(input.amount);
  const rec = await recordOperation(
    trx,
    {
      type: 0,
      fields: {
        fee: feeField(0n, 'csaf'),
        from: chainInt(info.issuerUid),
        to: chainInt(ref.uid),
        amount,
        extensions: { from_balance: amount, [input.into === 'balance' ? 'to_balance' : 'to_prepaid']: amount },
      },
      involved: [info.issuerUid, ref.uid],
      transferTxids: txids,
    },
    deps,
  );
  return { block_num: rec.blockNum, txid: rec.txid };
}

/** Op 6 from the issuer: csaf into the account (Appendix B). */
export async function grantCsaf(trx: Trx, input: { uid: number; amount: bigint }, deps: WriteDeps): Promise<WriteResult> {
  if (input.amount <= 0n || input.amount > INT64_MAX) throw chainError('invalidAmount');
  await beginChainWrite(trx);
  const info = await ensureYoyowChain(trx, deps.clock);
  const { ref, subs } = await requireAccount(trx, input.uid, info, deps);
  if (ref.kind === 'system') throw chainRule('cannot grant csaf to a system account');
  const issuer = await subAccounts(trx, issuerRef(info), info.assetId, deps.clock);
  const t = await move(trx, issuer.csaf.id, subs.csaf.id, input.amount, KIND.issue, deps, { uid: ref.uid, sub: 'csaf', reason: 'grant' });
  const rec = await recordOperation(
    trx,
    {
      type: 6,
      fields: { fee: feeField(0n, 'csaf'), from: chainInt(info.issuerUid), to: chainInt(ref.uid), amount: assetAmount(input.amount), time: chainTime(deps.clock.now()) },
      involved: [ref.uid],
      transferTxids: [t.txid],
    },
    deps,
  );
  return { block_num: rec.blockNum, txid: rec.txid };
}

// ---- /transfer (§4.23) ----

export interface PlatformTransferInput {
  /** The payload's `platform` (defaults to the app); ≠ the app → 1007. */
  platformUid: number;
  /** Recipient. */
  uid: number;
  /** Base units, > 0 (the dialect parsed the display amount exactly: 2003 before this call). */
  amount: bigint;
  assetId: number;
  memo?: string;
}

/**
 * The platform sends YOYO from its `prepaid` to the recipient's `prepaid` (or `balance` with the app's
 * `to_balance`). Checks from stage C on, in the order of §4.23: 2001 → 1007 → `cannot transfer to self` → 2006 →
 * 2008 → 2004 → 2005.
 */
export async function platformTransfer(trx: Trx, app: StoredApp, input: PlatformTransferInput, deps: WriteDeps): Promise<WriteResult> {
  await beginChainWrite(trx);
  const info = await ensureYoyowChain(trx, deps.clock);
  const platform: YoyowAccountRef = { kind: 'app', uid: app.id, appId: app.id };
  const recipient = await resolveAccount(trx, input.uid);
  if (!recipient || (input.platformUid !== app.id && !(await resolveAccount(trx, input.platformUid)))) throw chainError('accountNotFound');
  if (input.platformUid !== app.id) throw chainError('notAuthorised');
  if (recipient.uid === platform.uid) throw chainRule('cannot transfer to self');
  const exposed = input.assetId === 0 ? null : await exposedAsset(trx, deps.settings, input.assetId);
  if (input.assetId !== 0 && !exposed) throw chainError('invalidAsset');
  const platformSubs = await openAccount(trx, platform, info, deps);
  const recipientSubs = await openAccount(trx, recipient, info, deps);
  let memo: Record<string, unknown> | undefined;
  if (input.memo !== undefined) {
    const senderKey = await privateKeyOf(trx, platform.uid, 'memo', deps.box);
    if (!senderKey) throw chainError('noMemoKey');
    const recipientKeys = recipient.kind === 'system' ? null : await publicKeysOf(trx, recipient.uid);
    if (!recipientKeys) throw chainError('noMemoKey');
    memo = { ...encryptMemo(senderKey, recipientKeys.memo, input.memo) };
  }
  const fee = await chargeFee(trx, platform, 'transfer', app, deps);
  if (exposed) return exposedTransfer(trx, { platform, recipient, exposed, amount: input.amount, fee, ...(memo ? { memo } : {}) }, deps);
  const balances = await readSubBalances(trx, platform, info.assetId);
  if (balances.prepaid < input.amount) throw chainError('prepaidShort');
  const toBalance = appChainSettings(app).toBalance;
  const txids = [...fee.txids];
  if (toBalance) txids.push(...(await settleCsaf(trx, recipient, recipientSubs, info, deps)));
  const target: Sub = toBalance ? 'balance' : 'prepaid';
  try {
    const t = await transfer(
      trx,
      {
        debitAccountId: platformSubs.prepaid.id,
        creditAccountId: recipientSubs[target].id,
        amount: input.amount,
        kind: KIND.transfer,
        metadata: { from: platform.uid, to: recipient.uid, ...(input.memo !== undefined ? { memo: input.memo } : {}) },
      },
      deps.clock,
    );
    txids.push(t.txid);
  } catch (err) {
    if (err instanceof LedgerError && err.code === 'insufficient_funds') throw chainError('prepaidShort');
    throw err;
  }
  const amount = assetAmount(input.amount);
  const rec = await recordOperation(
    trx,
    {
      type: 0,
      fields: {
        fee: feeField(fee.fee, fee.from),
        from: chainInt(platform.uid),
        to: chainInt(recipient.uid),
        amount,
        ...(memo ? { memo } : {}),
        extensions: { from_prepaid: amount, [toBalance ? 'to_balance' : 'to_prepaid']: amount },
      },
      involved: [platform.uid, recipient.uid],
      transferTxids: txids,
    },
    deps,
  );
  return { block_num: rec.blockNum, txid: rec.txid };
}

/** An exposed asset (§5.2) moves balance → balance; the fee was charged in YOYO. Short → 2005. */
async function exposedTransfer(
  trx: Trx,
  t: { platform: YoyowAccountRef; recipient: YoyowAccountRef; exposed: ExposedAsset; amount: bigint; fee: FeeCharge; memo?: Record<string, unknown> },
  deps: WriteDeps,
): Promise<WriteResult> {
  if (t.recipient.kind === 'system') throw chainError('invalidAsset');
  const from = await ensureAccount(trx, { owner: ledgerOwner(t.platform), assetId: t.exposed.ledgerAssetId, sub: 'balance' }, deps.clock);
  const to = await ensureAccount(trx, { owner: ledgerOwner(t.recipient), assetId: t.exposed.ledgerAssetId, sub: 'balance' }, deps.clock);
  if ((await exposedBalance(trx, t.platform, t.exposed)) < t.amount) throw chainError('prepaidShort');
  const txids = [...t.fee.txids];
  try {
    txids.push((await move(trx, from.id, to.id, t.amount, KIND.transfer, deps, { from: t.platform.uid, to: t.recipient.uid, asset_id: t.exposed.assetId })).txid);
  } catch (err) {
    if (err instanceof LedgerError && err.code === 'insufficient_funds') throw chainError('prepaidShort');
    throw err;
  }
  const amount = assetAmount(t.amount, t.exposed.assetId);
  const rec = await recordOperation(
    trx,
    {
      type: 0,
      fields: {
        fee: feeField(t.fee.fee, t.fee.from),
        from: chainInt(t.platform.uid),
        to: chainInt(t.recipient.uid),
        amount,
        ...(t.memo ? { memo: t.memo } : {}),
        extensions: { from_balance: amount, to_balance: amount },
      },
      involved: [t.platform.uid, t.recipient.uid],
      transferTxids: txids,
    },
    deps,
  );
  return { block_num: rec.blockNum, txid: rec.txid };
}

/** The precision `/transfer` parses `amount` with: the exposed asset's, else YOYO's (2006 comes later). */
export async function transferPrecision(db: Trx | import('kysely').Kysely<DB>, assetId: number, deps: ChainDeps): Promise<number> {
  if (assetId === 0) return YOYO_PRECISION;
  return (await exposedAsset(db, deps.settings, assetId))?.precision ?? YOYO_PRECISION;
}

// ---- consents (ops 23/24) and account flags ----

export interface ConsentInput {
  userUid: number;
  appUid: number;
  /** Base units; null = unlimited. */
  maxLimit: bigint | null;
  permissionFlags?: number;
  memo?: string | null;
}

async function requireUserAndApp(trx: Trx, userUid: number, appUid: number, info: ChainInfo, deps: WriteDeps): Promise<void> {
  const user = await resolveAccount(trx, userUid);
  const app = await resolveAccount(trx, appUid);
  if (!user || !app) throw chainError('accountNotFound');
  if (user.kind !== 'user') throw chainRule('consents are granted by users');
  if (app.kind !== 'app') throw chainRule('consents are granted to apps');
  await openAccount(trx, user, info, deps);
  await openAccount(trx, app, info, deps);
}

async function touchAccount(trx: Trx, uid: number, deps: ChainDeps): Promise<void> {
  await trx.updateTable('yoyow_accounts').set({ updated_at: deps.clock.now() }).where('uid', '=', uid).execute();
}

async function recordConsentOp(trx: Trx, consent: Consent, created: boolean, deps: WriteDeps): Promise<WriteResult & { consent: Consent }> {
  const rec = await recordOperation(
    trx,
    {
      type: 23,
      fields: {
        fee: feeField(0n, 'csaf'),
        uid: chainInt(consent.userUid),
        platform: chainInt(consent.appUid),
        extensions: {
          limit_for_platform: chainInt(consent.maxLimit ?? INT64_MAX),
          permission_flags: consent.permissionFlags,
          ...(consent.memo !== null ? { memo: consent.memo } : {}),
        },
      },
      involved: [consent.userUid, consent.appUid],
      ...(created ? { resultObjectId: objectId(2, 22, consent.instance) } : {}),
      transferTxids: [],
    },
    deps,
  );
  return { block_num: rec.blockNum, txid: rec.txid, consent };
}

function checkConsentInput(input: ConsentInput): void {
  if (input.maxLimit !== null && (input.maxLimit < 0n || input.maxLimit > INT64_MAX)) throw chainRule('invalid parameter: max_limit');
  const flags = input.permissionFlags;
  if (flags !== undefined && (!Number.isInteger(flags) || flags < 0 || flags > ALL_PERMISSIONS)) throw chainRule('invalid parameter: permission_flags');
  if (input.memo != null && input.memo.length > 1024) throw chainRule('invalid parameter: memo');
}

/**
 * Grants (op 23, new `2.22.<i>`) or changes (op 23 on the live row; `cur_used` kept) the user's consent to the app.
 * An absent `permissionFlags` / `memo` keeps the current value (255 / none for a fresh grant).
 */
export async function grantConsent(trx: Trx, input: ConsentInput, deps: WriteDeps): Promise<WriteResult & { consent: Consent }> {
  checkConsentInput(input);
  await beginChainWrite(trx);
  const info = await ensureYoyowChain(trx, deps.clock);
  await requireUserAndApp(trx, input.userUid, input.appUid, info, deps);
  const now = deps.clock.now();
  const live = await liveConsent(trx, input.userUid, input.appUid);
  let consent: Consent;
  if (live) {
    consent = {
      ...live,
      maxLimit: input.maxLimit,
      permissionFlags: input.permissionFlags ?? live.permissionFlags,
      memo: input.memo === undefined ? live.memo : input.memo,
    };
    await trx
      .updateTable('yoyow_consents')
      .set({ max_limit: consent.maxLimit, permission_flags: consent.permissionFlags, memo: consent.memo, updated_at: now })
      .where('instance', '=', live.instance)
      .where('status', '=', 'active')
      .execute();
  } else {
    const instance = await nextInstance(trx, '2.22');
    consent = { instance, userUid: input.userUid, appUid: input.appUid, maxLimit: input.maxLimit, curUsed: 0n, permissionFlags: input.permissionFlags ?? ALL_PERMISSIONS, memo: input.memo ?? null, suspended: false };
    await trx
      .insertInto('yoyow_consents')
      .values({
        instance,
        user_uid: consent.userUid,
        app_uid: consent.appUid,
        max_limit: consent.maxLimit,
        cur_used: 0,
        permission_flags: consent.permissionFlags,
        memo: consent.memo,
        suspended: 0,
        status: 'active',
        created_at: now,
        updated_at: now,
      })
      .execute();
  }
  await touchAccount(trx, input.userUid, deps);
  return recordConsentOp(trx, consent, !live, deps);
}

/** Suspends or resumes a live consent (recorded as op 23 of the unchanged consent). 2000 `consent not found`. */
export async function setConsentSuspended(trx: Trx, input: { userUid: number; appUid: number; suspended: boolean }, deps: WriteDeps): Promise<WriteResult & { consent: Consent }> {
  await beginChainWrite(trx);
  const live = await liveConsent(trx, input.userUid, input.appUid);
  if (!live) throw chainRule('consent not found');
  await trx
    .updateTable('yoyow_consents')
    .set({ suspended: input.suspended ? 1 : 0, updated_at: deps.clock.now() })
    .where('instance', '=', live.instance)
    .where('status', '=', 'active')
    .execute();
  await touchAccount(trx, input.userUid, deps);
  return recordConsentOp(trx, { ...live, suspended: input.suspended }, false, deps);
}

/** Revokes the live consent (op 24): the row leaves this dialect's view. 2000 `consent not found`. */
export async function revokeConsent(trx: Trx, input: { userUid: number; appUid: number }, deps: WriteDeps): Promise<WriteResult> {
  await beginChainWrite(trx);
  const live = await liveConsent(trx, input.userUid, input.appUid);
  if (!live) throw chainRule('consent not found');
  const r = await trx
    .updateTable('yoyow_consents')
    .set({ status: 'revoked', updated_at: deps.clock.now() })
    .where('instance', '=', live.instance)
    .where('status', '=', 'active')
    .executeTakeFirst();
  if (Number(r.numUpdatedRows) !== 1) throw chainRule('consent not found');
  await touchAccount(trx, input.userUid, deps);
  const rec = await recordOperation(
    trx,
    { type: 24, fields: { fee: feeField(0n, 'csaf'), uid: chainInt(live.userUid), platform: chainInt(live.appUid) }, involved: [live.userUid, live.appUid], transferTxids: [] },
    deps,
  );
  return { block_num: rec.blockNum, txid: rec.txid };
}

/**
 * The consent an app needs to act for `actorUid` (§5.5): none when the actor is the app itself; otherwise an
 * active consent holding `bit` (when given), else 1007.
 */
export async function requireConsent(trx: Trx, actorUid: number, appUid: number, bit?: number): Promise<Consent | null> {
  if (actorUid === appUid) return null;
  const consent = await activeConsent(trx, actorUid, appUid);
  if (!consent || (bit !== undefined && (consent.permissionFlags & bit) === 0)) throw chainError('notAuthorised');
  return consent;
}

export interface AccountFlags {
  canPost?: boolean;
  canReply?: boolean;
  canRate?: boolean;
}

/** Sets `can_post` / `can_reply` / `can_rate` of a user or app (an administrator's decision). */
export async function setAccountFlags(trx: Trx, uid: number, flags: AccountFlags, deps: WriteDeps): Promise<{ canPost: boolean; canReply: boolean; canRate: boolean }> {
  await beginChainWrite(trx);
  const info = await ensureYoyowChain(trx, deps.clock);
  const { ref } = await requireAccount(trx, uid, info, deps);
  if (ref.kind === 'system') throw chainRule('system accounts cannot post, reply or rate');
  const row = await lockChainAccount(trx, uid);
  const next = { canPost: flags.canPost ?? row.canPost, canReply: flags.canReply ?? row.canReply, canRate: flags.canRate ?? row.canRate };
  await trx
    .updateTable('yoyow_accounts')
    .set({ can_post: next.canPost ? 1 : 0, can_reply: next.canReply ? 1 : 0, can_rate: next.canRate ? 1 : 0, updated_at: deps.clock.now() })
    .where('uid', '=', uid)
    .execute();
  return next;
}

