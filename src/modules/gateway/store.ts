// The accepted envelopes of the ledger gateway (table `pi_gateway_envelopes`, migration 0010_pi_gateway): written
// once per accepted transaction, in the transaction that posts its transfer, and read back to replay a
// resubmission. Rows are never updated or deleted.
import type { Transaction } from 'kysely';
import type { Clock } from '../../core/clock.js';
import type { Db } from '../../core/identity/deps.js';
import type { DB } from '../../db/schema.js';

/** The stored first 200 body for a transaction hash, or null. */
export async function acceptedResponse(db: Db, transactionHash: string): Promise<string | null> {
  const row = await db.selectFrom('pi_gateway_envelopes').select('response').where('tx_hash', '=', transactionHash).executeTakeFirst();
  return row ? row.response : null;
}

export async function recordAcceptedEnvelope(
  trx: Transaction<DB>,
  input: { transactionHash: string; source: string; sequence: bigint; txid: string; response: string },
  clock: Clock,
): Promise<void> {
  await trx
    .insertInto('pi_gateway_envelopes')
    .values({
      tx_hash: input.transactionHash,
      source_address: input.source,
      sequence: input.sequence,
      txid: input.txid,
      response: input.response,
      created_at: clock.now(),
    })
    .execute();
}
