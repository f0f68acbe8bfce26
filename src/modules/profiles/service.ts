// User.Set / User.Get (spec/liveuser.md §6.1, §6.2, §7.2): the per-(app, uid) profile record. The caller passes
// the (app, uid) of the access token; `setProfile` checks the request's fields in the contract's order and replaces
// the record. Refusals are ProfileError with the contract's English detail.
import type { Transaction } from 'kysely';
import type { Clock } from '../../core/clock.js';
import type { Db } from '../../core/ledger/rows.js';
import type { DB } from '../../db/schema.js';
import { toNum } from '../../db/values.js';

export const PROFILE_LIMITS = { name: 128, agent: 256, avatar: 2048 } as const;

export class ProfileError extends Error {
  constructor(
    readonly kind: 'invalid' | 'not_found',
    message: string,
  ) {
    super(message);
    this.name = 'ProfileError';
  }
}

export interface Profile {
  uid: string;
  name: string;
  agent: string;
  /** Unix ms of the last User.Set. */
  updateAt: number;
  avatar: string;
}

/** The fields of a `user` object as received: absent fields are undefined; types are checked here. */
export interface ProfileInput {
  uid?: unknown;
  name?: unknown;
  agent?: unknown;
  avatar?: unknown;
}

export interface ProfileOwner {
  appId: number;
  userId: number;
  uid: string;
}

function text(field: keyof typeof PROFILE_LIMITS, value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value !== 'string') throw new ProfileError('invalid', `user.${field} must be a string`);
  if (Array.from(value).length > PROFILE_LIMITS[field]) throw new ProfileError('invalid', `user.${field} too long: at most ${PROFILE_LIMITS[field]} characters`);
  return value;
}

/**
 * §6.1 after authentication: `user` missing or not an object → `user is nil`; a non-empty `uid` that is not the
 * caller's → `only your account is allowed`; then each of name, agent, avatar (string, length). The record is
 * replaced with all three (absent = "") and `update_at` = now.
 */
export async function setProfile(trx: Transaction<DB>, owner: ProfileOwner, user: ProfileInput | null, clock: Clock): Promise<void> {
  if (user === null) throw new ProfileError('invalid', 'user is nil');
  if (user.uid !== undefined && user.uid !== null && typeof user.uid !== 'string') throw new ProfileError('invalid', 'user.uid must be a string');
  if (typeof user.uid === 'string' && user.uid !== '' && user.uid !== owner.uid) throw new ProfileError('invalid', 'only your account is allowed');
  const fields = { name: text('name', user.name), agent: text('agent', user.agent), avatar: text('avatar', user.avatar) };
  const now = clock.now();
  await trx
    .insertInto('liveuser_profiles')
    .values({ app_id: owner.appId, uid: owner.uid, user_id: owner.userId, ...fields, update_at: now })
    .onConflict((oc) => oc.columns(['app_id', 'uid']).doUpdateSet({ ...fields, user_id: owner.userId, update_at: now }))
    .execute();
}

/** §6.2: the record, or ProfileError `not_found` (`no such user`) before the first User.Set. */
export async function getProfile(db: Db, owner: Pick<ProfileOwner, 'appId' | 'uid'>): Promise<Profile> {
  const r = await db.selectFrom('liveuser_profiles').selectAll().where('app_id', '=', owner.appId).where('uid', '=', owner.uid).executeTakeFirst();
  if (!r) throw new ProfileError('not_found', 'no such user');
  return { uid: r.uid, name: r.name, agent: r.agent, updateAt: toNum(r.update_at), avatar: r.avatar };
}
