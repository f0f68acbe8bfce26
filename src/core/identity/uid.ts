// The numeric uid space apps and users share (YOYOW's rule): uid = n·256 + SHA256(uint64_le(n))[0], so the low
// byte is a checksum of the sequence number and a mistyped uid is almost always invalid.
import { createHash } from 'node:crypto';
import type { Clock } from '../clock.js';
import { toNum } from '../../db/values.js';
import type { Db } from './deps.js';

/** Largest n whose uid stays a safe integer (n·256 + 255 < 2^53). */
const MAX_SEQUENCE = Math.floor((Number.MAX_SAFE_INTEGER - 255) / 256);

function checksum(n: number): number {
  const b = Buffer.alloc(8);
  b.writeBigUInt64LE(BigInt(n));
  return createHash('sha256').update(b).digest()[0]!;
}

export function uidFromSequence(n: number): number {
  if (!Number.isSafeInteger(n) || n < 0 || n > MAX_SEQUENCE) throw new RangeError(`uid sequence out of range: ${n}`);
  return n * 256 + checksum(n);
}

export function isValidUid(uid: number): boolean {
  if (!Number.isSafeInteger(uid) || uid < 0) return false;
  const n = Math.floor(uid / 256);
  return checksum(n) === uid % 256;
}

/** Takes the next number of the shared sequence (inside the caller's transaction) and returns its uid. */
export async function allocateUid(trx: Db, kind: 'app' | 'user', clock: Clock): Promise<number> {
  const row = await trx.insertInto('uid_sequence').values({ kind, created_at: clock.now() }).returning('n').executeTakeFirstOrThrow();
  return uidFromSequence(toNum(row.n));
}
