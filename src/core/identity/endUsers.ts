// The one insert into `end_users`, shared by global users (users.ts) and app-scoped wallet users (walletUsers.ts):
// a uid from the shared space (uid.ts), then the row, with the account state every new end user starts from
// (no pay-password failures, no lock, enabled). Each caller checks its own uniqueness first and names the refusal
// a lost race on a unique index maps to.
import type { Insertable, Transaction } from 'kysely';
import type { Clock } from '../clock.js';
import { isUniqueViolation } from '../../db/errors.js';
import type { DB, EndUsersTable } from '../../db/schema.js';
import { toNum } from '../../db/values.js';
import type { IdentityError } from './errors.js';
import { allocateUid } from './uid.js';

/** The columns that tell one kind of end user from another; uid, account state and timestamps are set here. */
export type NewEndUser = Omit<Insertable<EndUsersTable>, 'id' | 'uid' | 'pay_failures' | 'pay_locked_until' | 'disabled' | 'created_at' | 'updated_at'>;

/**
 * Allocates a uid and inserts the end user in the caller's transaction; returns its id. A unique violation (a
 * concurrent insert won the race for a unique index) is thrown as `duplicate(err)`; any other failure propagates.
 */
export async function insertEndUser(
  trx: Transaction<DB>,
  fields: NewEndUser,
  duplicate: (err: unknown) => IdentityError,
  clock: Clock,
): Promise<number> {
  const uid = await allocateUid(trx, 'user', clock);
  try {
    const row = await trx
      .insertInto('end_users')
      .values({ ...fields, uid, pay_failures: 0, pay_locked_until: null, disabled: 0, created_at: clock.now(), updated_at: null })
      .returning('id')
      .executeTakeFirstOrThrow();
    return toNum(row.id);
  } catch (err) {
    if (isUniqueViolation(err)) throw duplicate(err);
    throw err;
  }
}
