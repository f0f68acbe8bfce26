// §5.8: a payment out of the payer's prepaid (a reward or a forward price), split over a post's receiptors, counted
// in the consent's `cur_used` when the app acts for the payer. Runs after the fee (stage E), so the balances and the
// consent it checks are the ones left after the fee.
import type { Transaction } from 'kysely';
import { transfer } from '../../core/ledger/transfers.js';
import { LedgerError } from '../../core/ledger/types.js';
import type { DB } from '../../db/schema.js';
import {
  activeConsent,
  readSubBalances,
  requireAccount,
  spendThroughConsent,
  usablePrepaid,
  type ChainInfo,
  type YoyowAccountRef,
  type YoyowChainError,
} from '../yoyow/index.js';
import { splitPayment } from './rules.js';
import type { PostsDeps, Receiptor } from './types.js';

export interface Payment {
  payer: YoyowAccountRef;
  /** The app acting; when it is not the payer, the payer's consent to it is charged. */
  appUid: number;
  amount: bigint;
  /** The receiving post's receiptors and platform (for a forward: the origin post's). */
  receiptors: readonly Receiptor[];
  platformUid: number;
  kind: string;
  /** The refusal when the prepaid or the consent's usable prepaid is short (2011 / 2012). */
  short: () => YoyowChainError;
  metadata: Record<string, unknown>;
}

/** Returns the transfers' txids and the uids credited. */
export async function payReceiptors(trx: Transaction<DB>, p: Payment, info: ChainInfo, deps: PostsDeps): Promise<{ txids: string[]; credited: number[] }> {
  const payer = await requireAccount(trx, p.payer.uid, info, deps);
  const consent = p.payer.uid === p.appUid ? null : await activeConsent(trx, p.payer.uid, p.appUid);
  const { prepaid } = await readSubBalances(trx, p.payer, info.assetId);
  if (prepaid < p.amount || usablePrepaid(prepaid, consent) < p.amount) throw p.short();
  // The conditional update is the last guard against concurrent spends through one consent.
  if (consent && !(await spendThroughConsent(trx, consent, p.amount))) throw p.short();
  const txids: string[] = [];
  const credited: number[] = [];
  for (const share of splitPayment(p.amount, p.receiptors, p.platformUid)) {
    // A payer who is also a receiptor keeps its own share: nothing to move.
    if (share.uid === p.payer.uid) continue;
    const to = await requireAccount(trx, share.uid, info, deps);
    try {
      const t = await transfer(
        trx,
        { debitAccountId: payer.subs.prepaid.id, creditAccountId: to.subs.prepaid.id, amount: share.amount, kind: p.kind, metadata: { ...p.metadata, from: p.payer.uid, to: share.uid } },
        deps.clock,
      );
      txids.push(t.txid);
      credited.push(share.uid);
    } catch (err) {
      if (err instanceof LedgerError && err.code === 'insufficient_funds') throw p.short();
      throw err;
    }
  }
  return { txids, credited };
}
