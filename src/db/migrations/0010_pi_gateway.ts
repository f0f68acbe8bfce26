// The Pi ledger gateway (modules/gateway, dialects/pi/horizon; spec/pi.md §3.18): the Stellar envelopes it accepted.
// `tx_hash` (SHA-256 of the transaction XDR, signatures aside) is the replay key of step 2: resubmitting an accepted
// transaction answers the stored first response. UNIQUE (source_address, sequence) is the last guard of step 7: a
// wallet's sequence number is consumed once. Refused envelopes are never stored (a refusal changes nothing).
import type { Kysely } from 'kysely';
import type { MigrationContext } from '../migrate.js';

export async function up(db: Kysely<unknown>, ctx: MigrationContext): Promise<void> {
  await db.schema
    .createTable('pi_gateway_envelopes')
    .addColumn('id', ctx.serial, (c) => c.primaryKey())
    /** SHA-256 of the transaction XDR (ENVELOPE_TYPE_TX form), 64 lowercase hex. */
    .addColumn('tx_hash', 'text', (c) => c.notNull().unique())
    /** The source wallet's G-address. */
    .addColumn('source_address', 'text', (c) => c.notNull())
    /** The transaction's seqNum, which became the wallet's sequence. */
    .addColumn('sequence', 'bigint', (c) => c.notNull())
    /** The ledger transfer it posted (the response's `id`). */
    .addColumn('txid', 'text', (c) => c.notNull().unique())
    /** The 200 body exactly as first sent; replayed byte for byte. */
    .addColumn('response', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('pi_gateway_envelopes_sequence', ['source_address', 'sequence'])
    .execute();
}
