// The Pi ledger gateway (spec/pi.md §3.18): the Horizon subset's reads (root, accounts, transactions) and the
// submission of one signed payment — steps 2, 4 and 6–11; the dialect decodes the envelope (steps 1, 3) and checks
// its signature (step 5) with the passphrase chosen here. The effect is the payments module's T9
// (`linkGatewayPayment`: the same atomic transfer-and-link as the transaction route), the wallet's sequence advance
// and the accepted-envelope record, all in the caller's transaction: a thrown GatewayRefusal means roll back, so a
// refused transaction changes nothing (its sequence number is not consumed).
import type { Transaction } from 'kysely';
import type { Clock } from '../../core/clock.js';
import { getAppByKey } from '../../core/identity/apps.js';
import type { Db } from '../../core/identity/deps.js';
import { getUserByUid } from '../../core/identity/users.js';
import { advanceSequence, getWalletByAddress, getWalletOf, type WalletKey } from '../../core/identity/walletKeys.js';
import { getAccount } from '../../core/ledger/accounts.js';
import { getAssetBySymbol } from '../../core/ledger/assets.js';
import { headBlock } from '../../core/ledger/blocks.js';
import { getTransfer } from '../../core/ledger/transfers.js';
import type { DB } from '../../db/schema.js';
import { appPiSettings, DEFAULT_NETWORK, linkGatewayPayment, PaymentError, paymentNetwork, paymentsDeps, type PaymentsDeps, type VerificationError } from '../payments/index.js';
import type { Services } from '../../services.js';
import { acceptedResponse, recordAcceptedEnvelope } from './store.js';

/** What the gateway answers for a transaction with `result_codes.transaction` (and `operations`) set. */
export type GatewayTransactionCode = 'tx_malformed' | 'tx_no_source_account' | 'tx_bad_auth' | 'tx_too_early' | 'tx_too_late' | 'tx_bad_seq' | 'tx_failed';
export type GatewayOperationCode = 'op_no_destination' | 'op_payment_mismatch' | 'op_underfunded';

/** A refused submission (§3.18 steps 3–10). Nothing was written: the caller rolls back. */
export class GatewayRefusal extends Error {
  constructor(
    readonly transaction: GatewayTransactionCode,
    readonly operation: GatewayOperationCode | null = null,
    readonly verificationError: VerificationError | null = null,
  ) {
    super(operation ? `${transaction}: ${operation}${verificationError ? ` (${verificationError})` : ''}` : transaction);
    this.name = 'GatewayRefusal';
  }
}

/** The one payment a decoded envelope carries. Amounts are minor units of the payment asset (precision 7). */
export interface GatewaySubmission {
  /** SHA-256 (hex) of the transaction XDR, signatures aside: the replay key of step 2. */
  transactionHash: string;
  /** G-address. */
  source: string;
  sequence: bigint;
  /** Unix seconds; `maxTime` 0 = unbounded. */
  minTime: bigint;
  maxTime: bigint;
  memo: string;
  /** G-address. */
  destination: string;
  amount: bigint;
}

/** A ledger transfer of the payment asset as the gateway shows it. */
export interface GatewayTransaction {
  txid: string;
  /** The sealed block holding it; null until its block is sealed. */
  ledger: number | null;
  createdAt: number;
  /** The payer's wallet; null for issuance (and for accounts that have no wallet). */
  source: string | null;
  destination: string | null;
  memo: string;
  amount: bigint;
}

export interface GatewayAccount {
  address: string;
  sequence: bigint;
  /** The posted balance; null when balances are not public (`pi.gatewayPublicBalances`). */
  balance: bigint | null;
  latestLedger: number;
}

export interface GatewayDeps {
  payments: PaymentsDeps;
  clock: Clock;
  assetSymbol: string;
  publicBalances: boolean;
}

export function gatewayDeps(services: Services): GatewayDeps {
  return {
    payments: paymentsDeps(services),
    clock: services.clock,
    assetSymbol: services.config.pi.assetSymbol,
    publicBalances: services.config.pi.gatewayPublicBalances,
  };
}

/** The number of the last sealed block (0 before the first seal): Horizon's "latest ledger". */
export async function latestLedger(db: Db): Promise<number> {
  return (await headBlock(db))?.number ?? 0;
}

/**
 * The network the gateway speaks when nothing more specific names one: that of the app named by the
 * `/apps/<appkey>` prefix or `X-Plaza-App` (unknown apps count as none), else the default network.
 */
export async function gatewayNetwork(db: Db, appkey: string | null): Promise<string> {
  const app = appkey === null ? null : await getAppByKey(db, appkey);
  return app ? appPiSettings(app).network : DEFAULT_NETWORK;
}

/** Step 2: the first response to an already accepted transaction, or null. */
export function replayOf(db: Db, transactionHash: string): Promise<string | null> {
  return acceptedResponse(db, transactionHash);
}

/**
 * Step 4 and the passphrase of step 5: the source wallet's key and the network its signature must be made for — the
 * network of the payment the memo names, else `gatewayNetwork`. Null when the source is not a Plaza wallet
 * (`tx_no_source_account`). A plain read: whether the payment may be paid this way is step 9's question.
 */
export async function submissionSigner(
  db: Db,
  submission: Pick<GatewaySubmission, 'source' | 'memo'>,
  appkey: string | null,
): Promise<{ publicKey: Buffer; network: string } | null> {
  const wallet = await getWalletByAddress(db, submission.source);
  if (!wallet) return null;
  const network = await paymentNetwork(db, submission.memo);
  return { publicKey: wallet.publicKey, network: network ?? (await gatewayNetwork(db, appkey)) };
}

/** The refusal a payments-module refusal of T9 stands for (steps 9 and 10). */
function refusalOf(err: PaymentError): GatewayRefusal {
  if (err.code === 'insufficient_funds') return new GatewayRefusal('tx_failed', 'op_underfunded');
  const fallback: Partial<Record<string, VerificationError>> = {
    payment_not_found: 'payment_not_found',
    cancelled_payment: 'cancelled_payment',
    payment_not_approved: 'payment_not_approved',
    payment_tx_present: 'payment_already_linked_with_a_tx',
    already_completed: 'payment_already_linked_with_a_tx',
  };
  return new GatewayRefusal('tx_failed', 'op_payment_mismatch', err.verificationError ?? fallback[err.code] ?? 'payment_not_found');
}

export type SubmissionOutcome = { kind: 'accepted'; body: string; txid: string } | { kind: 'replayed'; body: string };

/**
 * Steps 6–11 in the caller's transaction. `render` turns the posted transfer into the 200 body, which is stored
 * with the envelope so that a resubmission replays it byte for byte. A concurrent duplicate that lost the race
 * for the sequence number replays the winner's answer instead of failing with `tx_bad_seq`.
 */
export async function acceptSubmission(
  trx: Transaction<DB>,
  s: GatewaySubmission,
  deps: GatewayDeps,
  render: (tx: GatewayTransaction) => string,
): Promise<SubmissionOutcome> {
  const nowSeconds = BigInt(Math.floor(deps.clock.now() / 1000));
  if (nowSeconds < s.minTime) throw new GatewayRefusal('tx_too_early');
  if (s.maxTime !== 0n && nowSeconds > s.maxTime) throw new GatewayRefusal('tx_too_late');

  const wallet = await getWalletByAddress(trx, s.source);
  if (!wallet) throw new GatewayRefusal('tx_no_source_account');
  // Step 7 claims the sequence number with a conditional update: of two submissions with the same number exactly
  // one advances it; a later refusal rolls the claim back with everything else.
  if (s.sequence !== wallet.sequence + 1n || !(await advanceSequence(trx, s.source, wallet.sequence, s.sequence))) {
    const first = await acceptedResponse(trx, s.transactionHash);
    if (first !== null) return { kind: 'replayed', body: first };
    throw new GatewayRefusal('tx_bad_seq');
  }
  if (!(await getWalletByAddress(trx, s.destination))) throw new GatewayRefusal('tx_failed', 'op_no_destination');

  let txid: string;
  try {
    const linked = await linkGatewayPayment(
      trx,
      { identifier: s.memo, sourceAddress: s.source, destinationAddress: s.destination, amount: s.amount },
      deps.payments,
    );
    txid = linked.txid;
  } catch (err) {
    if (err instanceof PaymentError) throw refusalOf(err);
    throw err;
  }
  const tx = await gatewayTransaction(trx, txid, deps);
  if (!tx) throw new Error(`the gateway cannot read back transfer ${txid} it just posted`);
  const body = render(tx);
  await recordAcceptedEnvelope(trx, { transactionHash: s.transactionHash, source: s.source, sequence: s.sequence, txid, response: body }, deps.clock);
  return { kind: 'accepted', body, txid };
}

/** The wallet address of a ledger account: its owner's wallet key (users by uid, apps by id), else null. */
async function walletAddressOf(db: Db, accountId: number): Promise<string | null> {
  const account = await getAccount(db, accountId);
  if (!account) return null;
  let wallet: WalletKey | null = null;
  if (account.owner.kind === 'app') {
    wallet = await getWalletOf(db, { kind: 'app', appId: Number(account.owner.id) });
  } else if (account.owner.kind === 'user') {
    const user = await getUserByUid(db, Number(account.owner.id));
    wallet = user ? await getWalletOf(db, { kind: 'user', userId: user.id }) : null;
  }
  return wallet !== null && wallet.accountId === accountId ? wallet.address : null;
}

/** `GET /horizon/transactions/{txid}`: any posted ledger transfer of the payment asset; null when there is none. */
export async function gatewayTransaction(db: Db, txid: string, deps: Pick<GatewayDeps, 'assetSymbol'>): Promise<GatewayTransaction | null> {
  if (!/^[0-9a-fA-F]{64}$/.test(txid)) return null;
  const transfer = await getTransfer(db, txid.toLowerCase());
  const asset = transfer ? await getAssetBySymbol(db, deps.assetSymbol) : null;
  if (!transfer || !asset || transfer.assetId !== asset.id || transfer.status !== 'posted') return null;
  const sealed = await latestLedger(db);
  return {
    txid: transfer.txid,
    ledger: transfer.blockNumber !== null && transfer.blockNumber <= sealed ? transfer.blockNumber : null,
    createdAt: transfer.createdAt,
    source: await walletAddressOf(db, transfer.debitAccountId),
    destination: await walletAddressOf(db, transfer.creditAccountId),
    memo: transfer.memo,
    amount: transfer.amount,
  };
}

/** `GET /horizon/accounts/{address}`: a Plaza wallet; null for anything else (unknown or malformed). */
export async function gatewayAccount(db: Db, address: string, deps: Pick<GatewayDeps, 'publicBalances'>): Promise<GatewayAccount | null> {
  const wallet = await getWalletByAddress(db, address);
  if (!wallet) return null;
  const account = deps.publicBalances ? await getAccount(db, wallet.accountId) : null;
  return { address: wallet.address, sequence: wallet.sequence, balance: account ? account.balance : null, latestLedger: await latestLedger(db) };
}
