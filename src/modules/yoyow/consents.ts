// Platform authorisations (spec §5.5): a user's consent to an app — how much prepaid the app may spend for the user
// (`max_limit`, null = unlimited), how much it spent (`cur_used`), which operations it may perform (flag bits).
// Rows are read here; grants, changes, suspensions and revokes are operations (operations.ts: ops 23/24).
import type { Transaction } from 'kysely';
import type { DB } from '../../db/schema.js';
import { toBig, toBool, toNum } from '../../db/values.js';
import { getUserByUid } from '../../core/identity/users.js';
import type { Consent, Db } from './types.js';

export const PERMISSION = {
  forward: 1,
  liked: 2,
  buyout: 4,
  comment: 8,
  reward: 16,
  transfer: 32,
  post: 64,
  contentUpdate: 128,
} as const;
export const ALL_PERMISSIONS = 255;

type ConsentRow = {
  instance: bigint | number;
  user_uid: bigint | number;
  app_uid: bigint | number;
  max_limit: bigint | number | null;
  cur_used: bigint | number;
  permission_flags: number;
  memo: string | null;
  suspended: bigint | number;
};

const COLUMNS = ['instance', 'user_uid', 'app_uid', 'max_limit', 'cur_used', 'permission_flags', 'memo', 'suspended'] as const;

function toConsent(r: ConsentRow): Consent {
  return {
    instance: toNum(r.instance),
    userUid: toNum(r.user_uid),
    appUid: toNum(r.app_uid),
    maxLimit: r.max_limit === null ? null : toBig(r.max_limit),
    curUsed: toBig(r.cur_used),
    permissionFlags: toNum(r.permission_flags),
    memo: r.memo,
    suspended: toBool(r.suspended),
  };
}

/** The live (not revoked) consent row, suspended or not. */
export async function liveConsent(db: Db, userUid: number, appUid: number): Promise<Consent | null> {
  const r = await db
    .selectFrom('yoyow_consents')
    .select(COLUMNS)
    .where('user_uid', '=', userUid)
    .where('app_uid', '=', appUid)
    .where('status', '=', 'active')
    .executeTakeFirst();
  return r ? toConsent(r) : null;
}

/**
 * The consent an app may act on (§5.5): live, not suspended, and its user not disabled in Plaza. Anything else is
 * "no active consent" (1007 where the app acts for the user).
 */
export async function activeConsent(db: Db, userUid: number, appUid: number): Promise<Consent | null> {
  const c = await liveConsent(db, userUid, appUid);
  if (!c || c.suspended) return null;
  const user = await getUserByUid(db, userUid);
  if (!user || user.disabled) return null;
  return c;
}

/** Consents listed in `secondary.account_uid_auths` (§4.1): live ones of the user, ascending app uid. */
export async function liveConsentsOf(db: Db, userUid: number): Promise<Consent[]> {
  const rows = await db.selectFrom('yoyow_consents').select(COLUMNS).where('user_uid', '=', userUid).where('status', '=', 'active').orderBy('app_uid').execute();
  return rows.map(toConsent);
}

/** Usable prepaid through a consent (§5.5): prepaid if unlimited, else min(prepaid, max_limit − cur_used). */
export function usablePrepaid(prepaid: bigint, consent: Consent | null): bigint {
  if (!consent || consent.maxLimit === null) return prepaid;
  const left = consent.maxLimit - consent.curUsed;
  const room = left > 0n ? left : 0n;
  return prepaid < room ? prepaid : room;
}

/**
 * Adds `amount` to the consent's `cur_used` if it still fits its limit (conditional update: of concurrent spends
 * only those that fit pass). false = over the limit (or the consent vanished).
 */
export async function spendThroughConsent(trx: Transaction<DB>, consent: Consent, amount: bigint): Promise<boolean> {
  if (amount === 0n) return true;
  const r = await trx
    .updateTable('yoyow_consents')
    .set((eb) => ({ cur_used: eb('cur_used', '+', amount) }))
    .where('instance', '=', consent.instance)
    .where('status', '=', 'active')
    .where((eb) => eb.or([eb('max_limit', 'is', null), eb(eb('max_limit', '-', eb.ref('cur_used')), '>=', amount)]))
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}
