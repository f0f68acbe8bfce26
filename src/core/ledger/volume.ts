// Ledger statistics for charts: how many transfers were posted in one asset per UTC hour or day, and how much they
// moved. Read-only; buckets are aligned to the epoch (so to UTC midnights for days) and empty buckets are omitted.
import { sql } from 'kysely';
import { toBig, toNum } from '../../db/values.js';
import type { Db } from './rows.js';

export type VolumeBucket = 'hour' | 'day';

export const BUCKET_MS: Record<VolumeBucket, number> = { hour: 3_600_000, day: 86_400_000 };

/** Most buckets one query may span: a bound on the work and the answer, not on the data. */
export const MAX_VOLUME_BUCKETS = 1000;

export interface VolumePoint {
  /** Start of the bucket, ms since the epoch. */
  start: number;
  count: number;
  /** Sum of the posted amounts, minor units. */
  amount: bigint;
}

/**
 * Posted transfers of `assetId` whose `posted_at` lies in [`from`, `to`), grouped by bucket, ascending. `from` is
 * rounded down to its bucket. Throws RangeError when `to` <= `from` or the range spans more than MAX_VOLUME_BUCKETS.
 */
export async function ledgerVolume(db: Db, input: { assetId: number; bucket: VolumeBucket; from: number; to: number }): Promise<VolumePoint[]> {
  const size = BUCKET_MS[input.bucket];
  const from = Math.floor(input.from / size) * size;
  if (!(input.to > from)) throw new RangeError('to must be after from');
  if ((input.to - from) / size > MAX_VOLUME_BUCKETS) throw new RangeError(`the range spans more than ${MAX_VOLUME_BUCKETS} buckets`);
  // Integer division on both stores (posted_at is an integer column); the bucket size is a trusted constant.
  const start = sql<number>`(posted_at / ${sql.lit(size)}) * ${sql.lit(size)}`;
  const rows = await db
    .selectFrom('ledger_transfers')
    .select([start.as('start'), (eb) => eb.fn.countAll().as('n'), (eb) => eb.fn.sum('amount').as('total')])
    .where('asset_id', '=', input.assetId)
    .where('status', '=', 'posted')
    .where('posted_at', '>=', from)
    .where('posted_at', '<', input.to)
    .groupBy(start)
    .orderBy(start)
    .execute();
  return rows.map((r) => ({
    start: toNum(r.start as unknown as bigint | number | string),
    count: toNum(r.n as bigint | number | string),
    amount: toBig(String(r.total as bigint | number | string)),
  }));
}
