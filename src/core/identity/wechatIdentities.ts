// WeChat identities (spec/liveuser.md §1, §6.3 step 5): one row per (WeChat appid, openid), each pointing at one
// global Plaza end user. Identities that report the same `unionid` — the same person in several mini-programs of
// one WeChat open platform account — point at the same user, so one person has one wallet across apps; the claim
// on a unionid is a row of `wechat_unions` taken with insert-or-nothing, so two concurrent first logins of one
// person end on one user. The latest `session_key` is stored sealed (purpose `wechat.session_key`) and never leaves
// this file: no function returns it and no token carries it (§10.1 item 11).
//
// Users created here are global users without a password or an email (`wx_` + 16 hex as the username): they sign
// in through WeChat only. A user created for a login that then loses a race (the identity or the unionid was
// claimed by a concurrent login first) is deleted again in the same transaction, so no orphan user remains.
import { randomBytes } from 'node:crypto';
import type { Transaction } from 'kysely';
import type { Clock } from '../clock.js';
import type { SecretBox } from '../crypto/secretbox.js';
import type { DB } from '../../db/schema.js';
import { toNum } from '../../db/values.js';
import type { Db } from './deps.js';
import { insertEndUser } from './endUsers.js';
import { IdentityError } from './errors.js';
import { getUser, type User } from './users.js';

export const SESSION_KEY_PURPOSE = 'wechat.session_key';

export interface WechatIdentity {
  id: number;
  wechatAppid: string;
  openid: string;
  unionid: string | null;
  userId: number;
}

export interface WechatLogin {
  wechatAppid: string;
  openid: string;
  unionid: string | null;
  /** From code2Session; sealed before it is written. */
  sessionKey: string;
}

type Row = { id: bigint | number; wechat_appid: string; openid: string; unionid: string | null; user_id: bigint | number };

const COLUMNS = ['id', 'wechat_appid', 'openid', 'unionid', 'user_id'] as const;

function toIdentity(r: Row): WechatIdentity {
  return { id: toNum(r.id), wechatAppid: r.wechat_appid, openid: r.openid, unionid: r.unionid, userId: toNum(r.user_id) };
}

export async function getWechatIdentity(db: Db, id: number): Promise<WechatIdentity | null> {
  const r = await db.selectFrom('wechat_identities').select(COLUMNS).where('id', '=', id).executeTakeFirst();
  return r ? toIdentity(r) : null;
}

export async function findWechatIdentity(db: Db, wechatAppid: string, openid: string): Promise<WechatIdentity | null> {
  const r = await db.selectFrom('wechat_identities').select(COLUMNS).where('wechat_appid', '=', wechatAppid).where('openid', '=', openid).executeTakeFirst();
  return r ? toIdentity(r) : null;
}

/** A WeChat-only global user: no password, no email; the username is never shown to the mini-program. */
async function createWechatUser(trx: Transaction<DB>, clock: Clock): Promise<number> {
  const username = `wx_${randomBytes(8).toString('hex')}`;
  return insertEndUser(
    trx,
    { app_id: null, username, username_lower: username, email: null, email_lower: null, password_hash: null, role: 'Normal', email_verified: 0, pay_password_hash: null },
    () => new IdentityError('username_taken'),
    clock,
  );
}

async function dropUnusedUser(trx: Transaction<DB>, userId: number): Promise<void> {
  await trx.deleteFrom('end_users').where('id', '=', userId).execute();
}

/** Claims `unionid` for `userId` unless someone holds it; returns the holder. */
async function claimUnion(trx: Transaction<DB>, unionid: string, userId: number, clock: Clock): Promise<number> {
  await trx
    .insertInto('wechat_unions')
    .values({ unionid, user_id: userId, created_at: clock.now() })
    .onConflict((oc) => oc.column('unionid').doNothing())
    .execute();
  const row = await trx.selectFrom('wechat_unions').select('user_id').where('unionid', '=', unionid).executeTakeFirstOrThrow();
  return toNum(row.user_id);
}

async function refresh(trx: Transaction<DB>, identity: WechatIdentity, login: WechatLogin, deps: { box: SecretBox; clock: Clock }): Promise<WechatIdentity> {
  const learnsUnion = identity.unionid === null && login.unionid !== null;
  await trx
    .updateTable('wechat_identities')
    .set({
      session_key_enc: deps.box.seal(login.sessionKey, SESSION_KEY_PURPOSE),
      updated_at: deps.clock.now(),
      ...(learnsUnion ? { unionid: login.unionid } : {}),
    })
    .where('id', '=', identity.id)
    .execute();
  // A unionid learned late is claimed for this identity's user when free. When another user already holds it, the
  // two users stay apart: merging two wallets is an operator's decision, not a side effect of a login.
  if (learnsUnion) await claimUnion(trx, login.unionid!, identity.userId, deps.clock);
  return learnsUnion ? { ...identity, unionid: login.unionid } : identity;
}

/**
 * Finds or creates the identity of a successful code2Session in the caller's transaction and returns it with its
 * user (who may be disabled: the caller refuses then). A new identity joins the user holding its unionid, else a new
 * user. Of concurrent first logins of one openid (or one unionid) exactly one creates; the others end on its rows.
 */
export async function upsertWechatIdentity(trx: Transaction<DB>, login: WechatLogin, deps: { box: SecretBox; clock: Clock }): Promise<{ identity: WechatIdentity; user: User }> {
  const existing = await findWechatIdentity(trx, login.wechatAppid, login.openid);
  if (existing) return withUser(trx, await refresh(trx, existing, login, deps));

  const holder = login.unionid === null ? undefined : await trx.selectFrom('wechat_unions').select('user_id').where('unionid', '=', login.unionid).executeTakeFirst();
  const created = holder === undefined ? await createWechatUser(trx, deps.clock) : null;
  let userId = holder !== undefined ? toNum(holder.user_id) : created!;
  const now = deps.clock.now();
  const inserted = await trx
    .insertInto('wechat_identities')
    .values({
      wechat_appid: login.wechatAppid,
      openid: login.openid,
      unionid: login.unionid,
      user_id: userId,
      session_key_enc: deps.box.seal(login.sessionKey, SESSION_KEY_PURPOSE),
      created_at: now,
      updated_at: now,
    })
    .onConflict((oc) => oc.columns(['wechat_appid', 'openid']).doNothing())
    .returning('id')
    .executeTakeFirst();
  if (!inserted) {
    // A concurrent login of the same openid committed first: use its identity.
    if (created !== null) await dropUnusedUser(trx, created);
    const winner = (await findWechatIdentity(trx, login.wechatAppid, login.openid))!;
    return withUser(trx, await refresh(trx, winner, login, deps));
  }
  if (created !== null && login.unionid !== null) {
    const unionHolder = await claimUnion(trx, login.unionid, created, deps.clock);
    if (unionHolder !== created) {
      // A concurrent first login of the same person (another appid) claimed the unionid first: join its user.
      await trx.updateTable('wechat_identities').set({ user_id: unionHolder }).where('id', '=', toNum(inserted.id)).execute();
      await dropUnusedUser(trx, created);
      userId = unionHolder;
    }
  }
  return withUser(trx, { id: toNum(inserted.id), wechatAppid: login.wechatAppid, openid: login.openid, unionid: login.unionid, userId });
}

async function withUser(db: Db, identity: WechatIdentity): Promise<{ identity: WechatIdentity; user: User }> {
  const user = await getUser(db, identity.userId);
  if (!user) throw new Error(`wechat identity ${identity.id} points at missing user ${identity.userId}`);
  return { identity, user };
}

/** The WeChat identities of a user (console, tests): never with the session key. */
export async function listWechatIdentities(db: Db, userId: number): Promise<WechatIdentity[]> {
  const rows = await db.selectFrom('wechat_identities').select(COLUMNS).where('user_id', '=', userId).orderBy('id', 'asc').limit(1000).execute();
  return rows.map(toIdentity);
}
