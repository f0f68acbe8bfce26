// The replay guard of YOYOW secure requests (spec/yoyow.md §2.4 step 6, §2.5): transport state of this dialect,
// like the idempotency keys of src/http, so it lives with the transport rather than in a module. A key is
// inserted once steps 3–5 passed and before the operation runs, outside the operation's transaction: it stays
// consumed even when the operation then fails (the client re-encrypts to retry, or uses Idempotency-Key).
import type { Kysely } from 'kysely';
import type { Clock } from '../../core/clock.js';
import { sha256Hex } from '../../core/crypto/tokens.js';
import { isUniqueViolation } from '../../db/errors.js';
import type { DB } from '../../db/schema.js';
import type { SecurityLevel } from './cipher.js';

export interface ReplayKeyInput {
  appUid: number;
  mode: SecurityLevel;
  /** Lowercase hex; `iv` is '' in simple mode. */
  s: string;
  iv: string;
  ct: string;
}

/** §2.5: SHA-256 of `<app uid>|<mode>|<s>|<iv>|<ct>`. */
export function replayKeyOf(k: ReplayKeyInput): string {
  return sha256Hex(`${k.appUid}|${k.mode}|${k.s}|${k.iv}|${k.ct}`);
}

/** Claims the ciphertext; false when it was already accepted (a concurrent twin loses on the primary key). */
export async function claimReplayKey(db: Kysely<DB>, k: ReplayKeyInput, now: number, expiresAt: number): Promise<boolean> {
  try {
    await db.insertInto('yoyow_replay_keys').values({ key: replayKeyOf(k), app_id: k.appUid, created_at: now, expires_at: expiresAt }).execute();
    return true;
  } catch (err) {
    if (isUniqueViolation(err)) return false;
    throw err;
  }
}

/** Deletes keys whose ciphertext is expired anyway (lifecycle purge). Returns how many were removed. */
export async function purgeExpiredReplayKeys(db: Kysely<DB>, clock: Clock): Promise<number> {
  const r = await db.deleteFrom('yoyow_replay_keys').where('expires_at', '<=', clock.now()).executeTakeFirst();
  return Number(r.numDeletedRows);
}
