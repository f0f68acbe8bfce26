// Read models for the dialect's GET routes (§4.1–§4.6): plain data; the dialect renders the chain JSON.
import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.js';
import { nameOf, currentSupply, ensureYoyowChain, getChainAccount, readChainInfo, resolveAccount, type ChainInfo } from './accounts.js';
import { liveConsent, liveConsentsOf } from './consents.js';
import { headBlock } from '../../core/ledger/blocks.js';
import { ensureYoyowKeys, publicKeysOf, signAs, type YoyowPublicKeys } from './keys/index.js';
import { csafWithAccrual, openAccount, type WriteDeps } from './operations.js';
import { beginChainWrite, blockData, type BlockData } from './records.js';
import { exposedAssetByName, exposedAssets, exposedBalance, exposedSupply, type ExposedAsset } from './exposed.js';
import { INT64_MAX, YOYO_PRECISION, YOYO_SYMBOL, type ChainDeps, type Consent, type Db, type YoyowAccountRef } from './types.js';

export interface AccountState {
  ref: YoyowAccountRef;
  name: string;
  info: ChainInfo;
  keys: YoyowPublicKeys | null;
  canPost: boolean;
  canReply: boolean;
  canRate: boolean;
  createdAt: number;
  /** Last change of consents or flags (ms); the creation time until then. */
  updatedAt: number;
  balance: bigint;
  prepaid: bigint;
  /** Including the accrual pending at the moment of the read (§5.3). */
  csaf: bigint;
  /** Platforms with an active (not suspended) consent, ascending uid. */
  authorisedPlatforms: number[];
  /** YOYO first, then exposed assets with a non-zero balance. */
  assets: Array<{ asset: AssetState; amount: bigint }>;
}

/**
 * Opens the account (keys, chain row, welcome csaf) when it was never used, so a first read shows what every later
 * read shows. A no-op for accounts already open; null when no account has that uid.
 */
export async function ensureAccountOpen(db: Kysely<DB>, uid: number, deps: WriteDeps): Promise<YoyowAccountRef | null> {
  const ref = await resolveAccount(db, uid);
  if (!ref) return null;
  if (ref.kind === 'system' || (await getChainAccount(db, uid))) return ref;
  await db.transaction().execute(async (trx) => {
    await beginChainWrite(trx);
    const info = await ensureYoyowChain(trx, deps.clock);
    await openAccount(trx, ref, info, deps);
  });
  return ref;
}

/** §4.1 data; null when no account has that uid. Opens a never-used account first (ensureAccountOpen). */
export async function accountState(db: Kysely<DB>, uid: number, deps: WriteDeps): Promise<AccountState | null> {
  const ref = await ensureAccountOpen(db, uid, deps);
  if (!ref) return null;
  const info = await ensureYoyowChain(db, deps.clock);
  const row = await getChainAccount(db, uid);
  const balances = await csafWithAccrual(db, ref, info, deps);
  // A user disabled in Plaza has no active consent (§5.5).
  const consents = ref.kind === 'user' && !ref.disabled ? (await liveConsentsOf(db, uid)).filter((c) => !c.suspended) : [];
  const system = ref.kind === 'system';
  return {
    ref,
    name: nameOf(ref),
    info,
    keys: await publicKeysOf(db, uid),
    canPost: !system && (row?.canPost ?? true),
    canReply: !system && (row?.canReply ?? true),
    canRate: !system && (row?.canRate ?? true),
    createdAt: ref.createdAt ?? row?.createdAt ?? 0,
    updatedAt: Math.max(ref.createdAt ?? 0, row?.updatedAt ?? 0),
    balance: balances.balance,
    prepaid: balances.prepaid,
    csaf: balances.csaf,
    authorisedPlatforms: consents.map((c) => c.appUid),
    assets: [{ asset: await yoyoAsset(db, deps), amount: balances.balance + balances.prepaid }, ...(await otherHoldings(db, ref, info, deps))],
  };
}

/** The account's balances as reads show them (csaf with pending accrual); null when no account has that uid. */
export async function accountBalances(db: Db, uid: number, deps: ChainDeps): Promise<{ balance: bigint; prepaid: bigint; csaf: bigint } | null> {
  const ref = await resolveAccount(db, uid);
  const info = await readChainInfo(db);
  if (!ref || !info) return null;
  return csafWithAccrual(db as Kysely<DB>, ref, info, deps);
}

export interface AssetState {
  info: ChainInfo;
  /** YOYOW asset_id: 0 for YOYO. */
  assetId: number;
  symbol: string;
  precision: number;
  currentSupply: bigint;
  /** YOYO's configured cap; exposed assets have none (2^63 − 1). */
  maxSupply: bigint;
}

export async function yoyoAsset(db: Kysely<DB>, deps: ChainDeps): Promise<AssetState> {
  const info = await ensureYoyowChain(db, deps.clock);
  return { info, assetId: 0, symbol: YOYO_SYMBOL, precision: YOYO_PRECISION, currentSupply: await currentSupply(db, info), maxSupply: deps.settings.maxSupply };
}

async function exposedState(db: Kysely<DB>, info: ChainInfo, asset: ExposedAsset): Promise<AssetState> {
  return { info, assetId: asset.assetId, symbol: asset.symbol, precision: asset.precision, currentSupply: await exposedSupply(db, asset), maxSupply: INT64_MAX };
}

/** §4.4: YOYO by symbol (any case), `0` or `1.3.0`; an exposed asset likewise; null → 2006. */
export async function assetByName(db: Kysely<DB>, text: string, deps: ChainDeps): Promise<AssetState | null> {
  if (text.toUpperCase() === YOYO_SYMBOL || /^0{1,10}$/.test(text) || /^1\.3\.0{1,10}$/.test(text)) return yoyoAsset(db, deps);
  const exposed = await exposedAssetByName(db, deps.settings, text);
  return exposed ? exposedState(db, await ensureYoyowChain(db, deps.clock), exposed) : null;
}

/** §4.1 `assets[]` after YOYO: every exposed asset the account holds a non-zero balance of, ascending asset_id. */
export async function otherHoldings(db: Kysely<DB>, ref: YoyowAccountRef, info: ChainInfo, deps: ChainDeps): Promise<Array<{ asset: AssetState; amount: bigint }>> {
  const out: Array<{ asset: AssetState; amount: bigint }> = [];
  for (const asset of await exposedAssets(db, deps.settings)) {
    const amount = await exposedBalance(db, ref, asset);
    if (amount !== 0n) out.push({ asset: await exposedState(db, info, asset), amount });
  }
  return out;
}

/** §4.3: the live consent (suspended ones included, with `suspended`); revoked ones are gone. */
export async function consentView(db: Db, userUid: number, appUid: number): Promise<(Consent & { userDisabled: boolean }) | null> {
  const c = await liveConsent(db, userUid, appUid);
  if (!c) return null;
  const user = await resolveAccount(db, userUid);
  return { ...c, userDisabled: user?.disabled === true };
}

export interface BlockView extends BlockData {
  nodeUid: number;
  /** YYW text of the node's block key (its active key). */
  signingKey: string;
  /** §6 compact signature by the block key over the text of `block_id`. */
  witnessSignature: string;
}

/**
 * §4.5 data: the sealed block, its operations, and the witness signature. The node's secp256k1 block key is the
 * node system account's active key in the keys module (created on first use; stored with account kind `app`, the
 * keys module knowing only users and apps).
 */
export async function blockView(db: Kysely<DB>, blockNumber: number, deps: WriteDeps): Promise<BlockView | null> {
  const data = await blockData(db, blockNumber);
  if (!data) return null;
  const info = await ensureYoyowChain(db, deps.clock);
  const keys = await ensureYoyowKeys(db, { kind: 'app', uid: info.nodeUid }, deps);
  const witnessSignature = await signAs(db, info.nodeUid, 'active', data.blockId, deps.box);
  return { ...data, nodeUid: info.nodeUid, signingKey: keys.active, witnessSignature };
}

/** §4.6: sealed and followed by at least K sealed blocks. */
export async function blockConfirmed(db: Db, blockNumber: number, deps: ChainDeps): Promise<boolean> {
  if (!Number.isSafeInteger(blockNumber) || blockNumber < 1) return false;
  const head = await headBlock(db);
  if (!head || head.number < blockNumber) return false;
  return head.number - blockNumber >= deps.settings.irreversibleAfterBlocks;
}
