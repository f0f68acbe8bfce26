// Rows of yoyow_posts / yoyow_licenses / yoyow_scores and the reads of §4.7–§4.10 (read-only; the writes are in
// licenses.ts, posts.ts, scores.ts).
import { toBig, toBool, toNum } from '../../db/values.js';
import type { Db } from '../yoyow/index.js';
import type { License, Post, Receiptor, Score } from './types.js';

type Num = bigint | number;

interface StoredReceiptor {
  uid: number;
  cur_ratio: number;
  to_buyout: boolean;
  buyout_ratio: number;
  buyout_price: string;
  buyout_expiration: number | null;
}

export function receiptorsJson(receiptors: readonly Receiptor[]): string {
  const rows: StoredReceiptor[] = receiptors.map((r) => ({
    uid: r.uid,
    cur_ratio: r.curRatio,
    to_buyout: r.toBuyout,
    buyout_ratio: r.buyoutRatio,
    buyout_price: r.buyoutPrice.toString(),
    buyout_expiration: r.buyoutExpiration,
  }));
  return JSON.stringify(rows);
}

function receiptorsOf(text: string): Receiptor[] {
  return (JSON.parse(text) as StoredReceiptor[]).map((r) => ({
    uid: r.uid,
    curRatio: r.cur_ratio,
    toBuyout: r.to_buyout,
    buyoutRatio: r.buyout_ratio,
    buyoutPrice: BigInt(r.buyout_price),
    buyoutExpiration: r.buyout_expiration,
  }));
}

const POST_COLUMNS = [
  'instance',
  'platform_uid',
  'poster_uid',
  'post_pid',
  'post_type',
  'origin_platform',
  'origin_poster',
  'origin_post_pid',
  'hash_value',
  'extra_data',
  'title',
  'body',
  'receiptors',
  'forward_price',
  'license_lid',
  'permission_flags',
  'created_at',
  'updated_at',
] as const;

interface PostRow {
  instance: Num;
  platform_uid: Num;
  poster_uid: Num;
  post_pid: Num;
  post_type: number;
  origin_platform: Num | null;
  origin_poster: Num | null;
  origin_post_pid: Num | null;
  hash_value: string;
  extra_data: string;
  title: string;
  body: string;
  receiptors: string;
  forward_price: Num | null;
  license_lid: Num;
  permission_flags: Num;
  created_at: Num;
  updated_at: Num;
}

function postOf(r: PostRow): Post {
  return {
    instance: toNum(r.instance),
    platformUid: toNum(r.platform_uid),
    posterUid: toNum(r.poster_uid),
    postPid: toNum(r.post_pid),
    postType: toNum(r.post_type),
    origin:
      r.origin_platform === null || r.origin_poster === null || r.origin_post_pid === null
        ? null
        : { platformUid: toNum(r.origin_platform), posterUid: toNum(r.origin_poster), postPid: toNum(r.origin_post_pid) },
    hashValue: r.hash_value,
    extraData: r.extra_data,
    title: r.title,
    body: r.body,
    createdAt: toNum(r.created_at),
    updatedAt: toNum(r.updated_at),
    receiptors: receiptorsOf(r.receiptors),
    forwardPrice: r.forward_price === null ? null : toBig(r.forward_price),
    licenseLid: toNum(r.license_lid),
    permissionFlags: toNum(r.permission_flags),
  };
}

/** §4.7: the post `pid` of `poster` on `platform`, or null. */
export async function getPost(db: Db, platformUid: number, posterUid: number, postPid: number): Promise<Post | null> {
  const r = await db
    .selectFrom('yoyow_posts')
    .select(POST_COLUMNS)
    .where('platform_uid', '=', platformUid)
    .where('poster_uid', '=', posterUid)
    .where('post_pid', '=', postPid)
    .executeTakeFirst();
  return r ? postOf(r) : null;
}

/** The poster's last post sequence, over all platforms (§5.6); 0 before the first post. */
export async function lastPostPid(db: Db, posterUid: number): Promise<number> {
  const r = await db.selectFrom('yoyow_posts').select((eb) => eb.fn.max('post_pid').as('last')).where('poster_uid', '=', posterUid).executeTakeFirst();
  return r?.last == null ? 0 : toNum(r.last as Num);
}

export interface PostListQuery {
  platformUid: number;
  posterUid?: number;
  /** Inclusive `1.7.<i>` bound; undefined = newest. */
  lowerBound?: number;
  /** Used when `lowerBound` is undefined: posts whose create_time (whole seconds) is ≤ this, in seconds. */
  startSeconds?: number;
  /** 1–100. */
  limit: number;
}

/** §4.8: posts of a platform (optionally one poster), descending id. */
export async function listPosts(db: Db, q: PostListQuery): Promise<Post[]> {
  let query = db.selectFrom('yoyow_posts').select(POST_COLUMNS).where('platform_uid', '=', q.platformUid);
  if (q.posterUid !== undefined) query = query.where('poster_uid', '=', q.posterUid);
  if (q.lowerBound !== undefined) query = query.where('instance', '<=', q.lowerBound);
  else if (q.startSeconds !== undefined) query = query.where('created_at', '<', (q.startSeconds + 1) * 1000);
  const rows = await query.orderBy('instance', 'desc').limit(Math.min(Math.max(q.limit, 1), 100)).execute();
  return rows.map(postOf);
}

const LICENSE_COLUMNS = ['instance', 'platform_uid', 'license_lid', 'type', 'hash_value', 'extra_data', 'title', 'body', 'created_at'] as const;

export async function getLicense(db: Db, platformUid: number, licenseLid: number): Promise<License | null> {
  const r = await db.selectFrom('yoyow_licenses').select(LICENSE_COLUMNS).where('platform_uid', '=', platformUid).where('license_lid', '=', licenseLid).executeTakeFirst();
  if (!r) return null;
  return {
    instance: toNum(r.instance),
    platformUid: toNum(r.platform_uid),
    licenseLid: toNum(r.license_lid),
    type: toNum(r.type),
    hashValue: r.hash_value,
    extraData: r.extra_data,
    title: r.title,
    body: r.body,
    createdAt: toNum(r.created_at),
  };
}

/** The platform's last licence number; 0 before its first. */
export async function lastLicenseLid(db: Db, platformUid: number): Promise<number> {
  const r = await db.selectFrom('yoyow_licenses').select((eb) => eb.fn.max('license_lid').as('last')).where('platform_uid', '=', platformUid).executeTakeFirst();
  return r?.last == null ? 0 : toNum(r.last as Num);
}

const SCORE_COLUMNS = ['instance', 'from_account_uid', 'platform_uid', 'poster_uid', 'post_pid', 'score', 'csaf', 'created_at'] as const;

function scoreOf(r: { instance: Num; from_account_uid: Num; platform_uid: Num; poster_uid: Num; post_pid: Num; score: number; csaf: Num; created_at: Num }): Score {
  return {
    instance: toNum(r.instance),
    fromAccountUid: toNum(r.from_account_uid),
    platformUid: toNum(r.platform_uid),
    posterUid: toNum(r.poster_uid),
    postPid: toNum(r.post_pid),
    score: toNum(r.score),
    csaf: toBig(r.csaf),
    createdAt: toNum(r.created_at),
  };
}

export interface ScoreListQuery {
  platformUid: number;
  posterUid: number;
  postPid: number;
  /** Inclusive lower bound as an object id; compared as the chain compares ids (space, type, instance). */
  lowerBound: { space: number; type: number; instance: number };
  /** 1–100. */
  limit: number;
}

/** §4.9: the scores of a post, ascending id; [] for an unknown post. */
export async function listScores(db: Db, q: ScoreListQuery): Promise<Score[]> {
  const post = await getPost(db, q.platformUid, q.posterUid, q.postPid);
  if (!post) return [];
  const { space, type, instance } = q.lowerBound;
  const below = space < 2 || (space === 2 && type < 16);
  const above = space > 2 || (space === 2 && type > 16);
  if (above) return [];
  const from = below ? 0 : instance;
  const rows = await db
    .selectFrom('yoyow_scores')
    .select(SCORE_COLUMNS)
    .where('post_instance', '=', post.instance)
    .where('instance', '>=', from)
    .orderBy('instance')
    .limit(Math.min(Math.max(q.limit, 1), 100))
    .execute();
  return rows.map(scoreOf);
}

/** §4.10: the score `fromUid` gave the post, or null. */
export async function getScore(db: Db, platformUid: number, posterUid: number, postPid: number, fromUid: number): Promise<Score | null> {
  const post = await getPost(db, platformUid, posterUid, postPid);
  if (!post) return null;
  const r = await db.selectFrom('yoyow_scores').select(SCORE_COLUMNS).where('post_instance', '=', post.instance).where('from_account_uid', '=', fromUid).executeTakeFirst();
  return r ? scoreOf(r) : null;
}

/** `can_post` / `can_reply` / `can_rate` of an opened chain account (false for system accounts and unknown rows). */
export async function accountAbilities(db: Db, uid: number): Promise<{ canPost: boolean; canReply: boolean; canRate: boolean }> {
  const r = await db.selectFrom('yoyow_accounts').select(['can_post', 'can_reply', 'can_rate']).where('uid', '=', uid).executeTakeFirst();
  if (!r) return { canPost: false, canReply: false, canRate: false };
  return { canPost: toBool(r.can_post), canReply: toBool(r.can_reply), canRate: toBool(r.can_rate) };
}
