// Posts, licences, scores and rewards (spec/yoyow.md §4.7–§4.15): parse (stage A shapes in each endpoint's field
// order, then stage B uid checksums), call one function of modules/posts (stages C–F), render the chain objects and
// the write echoes in the spec's key order. Uids in the post echo are decimal strings (§4.11); everywhere else the
// int64 rule applies.
import { JsonNumber } from '../../../http/body.js';
import {
  chainReceiptors,
  checkPostShape,
  createLicense,
  createPost,
  getPost,
  getScore,
  listPosts,
  listScores,
  postsDeps,
  rewardPost,
  scorePost,
  sha256Text,
  MAX_POST_FLAGS,
  type Post,
  type PostOrigin,
  type PostResult,
  type Receiptor,
  type Score,
} from '../../../modules/posts/index.js';
import { INT64_MAX } from '../../../modules/yoyow/index.js';
import { invalidParameter, missingParameter } from '../errors.js';
import { optional, parseBigInteger, parseBool, parseInteger, parseObjectId, parseString, parseUid, required, type FieldSource } from '../parse.js';
import { platformParam, readRoute, secureRoute, type YoyowReadContext, type YoyowWriteContext } from '../pipeline.js';
import { chainInt, chainTime, renderUid } from '../render.js';

const MAX_PID = Number.MAX_SAFE_INTEGER;
export const LIMITS = { title: 4096, body: 65536, url: 2048, hashValue: 256, extraData: 8192 } as const;

// ---- rendering ----

/** §4.7 post object. */
export function renderPost(p: Post): Record<string, unknown> {
  return {
    id: `1.7.${p.instance}`,
    platform: renderUid(p.platformUid),
    poster: renderUid(p.posterUid),
    post_pid: chainInt(p.postPid),
    post_type: p.postType,
    ...(p.origin
      ? { origin_poster: renderUid(p.origin.posterUid), origin_post_pid: chainInt(p.origin.postPid), origin_platform: renderUid(p.origin.platformUid) }
      : {}),
    hash_value: p.hashValue,
    extra_data: p.extraData,
    title: p.title,
    body: p.body,
    create_time: chainTime(p.createdAt),
    last_update_time: chainTime(p.updatedAt),
    receiptors: chainReceiptors(p.receiptors, renderUid),
    ...(p.forwardPrice !== null ? { forward_price: chainInt(p.forwardPrice) } : {}),
    license_lid: chainInt(p.licenseLid),
    permission_flags: chainInt(p.permissionFlags),
    score_settlement: false,
  };
}

/** §4.9 score object. */
export function renderScore(s: Score): Record<string, unknown> {
  return {
    id: `2.16.${s.instance}`,
    from_account_uid: renderUid(s.fromAccountUid),
    platform: renderUid(s.platformUid),
    poster: renderUid(s.posterUid),
    post_pid: chainInt(s.postPid),
    score: s.score,
    csaf: chainInt(s.csaf),
    period_sequence: 0,
    profits: 0,
    create_time: chainTime(s.createdAt),
  };
}

const feeEcho = (fee: bigint) => ({ total: { amount: chainInt(fee), asset_id: 0 } });

/** §4.11 / §4.12 write answer: the echoed operation with uids as strings. */
function renderPostWrite(r: PostResult): Record<string, unknown> {
  const p = r.post;
  return {
    block_num: r.block_num,
    txid: r.txid,
    post: {
      platform: String(p.platformUid),
      poster: String(p.posterUid),
      post_pid: p.postPid,
      ...(p.origin ? { origin_platform: String(p.origin.platformUid), origin_poster: String(p.origin.posterUid), origin_post_pid: p.origin.postPid } : {}),
      hash_value: p.hashValue,
      extra_data: p.extraData,
      title: p.title,
      body: p.body,
      extensions: {
        post_type: p.postType,
        ...(p.forwardPrice !== null ? { forward_price: chainInt(p.forwardPrice) } : {}),
        license_lid: String(p.licenseLid),
        permission_flags: p.permissionFlags,
        ...(r.receiptorsGiven ? { receiptors: chainReceiptors(p.receiptors, (uid) => String(uid)) } : {}),
        ...(r.signed ? { sign_platform: String(p.platformUid) } : {}),
      },
      fee: feeEcho(r.fee),
    },
  };
}

// ---- shared parsing ----

function text(source: FieldSource, name: string, maxBytes: number, label = name): string | undefined {
  const v = optional(source, name);
  return v === undefined ? undefined : parseString(v, label, { maxBytes });
}

/** `pid` with its alias `post_pid` (or the other way round): the first name is the one errors use. */
function pidField(source: FieldSource, name: 'pid' | 'post_pid'): unknown {
  const other = name === 'pid' ? 'post_pid' : 'pid';
  return optional(source, name) ?? optional(source, other);
}

function parsePid(v: unknown, name: string): number {
  if (v === undefined) throw missingParameter(name);
  return parseInteger(v, name, 1, MAX_PID);
}

// ---- reads ----

async function getPostRoute(ctx: YoyowReadContext): Promise<unknown> {
  const platform = platformParam(ctx);
  const poster = parseUid(ctx.query.poster, 'poster');
  const pid = parsePid(pidField(ctx.query, 'post_pid'), 'post_pid');
  const post = await getPost(ctx.db, platform, poster, pid);
  return post ? renderPost(post) : null;
}

const TIMESTAMP = /^([0-9]{4})-([0-9]{2})-([0-9]{2})T([0-9]{2}):([0-9]{2}):([0-9]{2})$/;

/** A chain timestamp `YYYY-MM-DDTHH:MM:SS` (UTC) as unix seconds; null when malformed. */
function timestampSeconds(t: string): number | null {
  if (!TIMESTAMP.test(t)) return null;
  const ms = Date.parse(`${t}Z`);
  return Number.isFinite(ms) && new Date(ms).toISOString().slice(0, 19) === t ? ms / 1000 : null;
}

/** §4.8 `limit`: clamped as upstream (≤ 0 → 1, > 99 → 100), never an error; unreadable → the default. */
function clampedLimit(t: string | undefined): number {
  const n = t === undefined ? NaN : Number.parseInt(t, 10);
  if (Number.isNaN(n)) return 20;
  if (n <= 0) return 1;
  return n > 99 ? 100 : n;
}

async function getPostList(ctx: YoyowReadContext): Promise<unknown> {
  const platform = platformParam(ctx);
  const poster = ctx.query.poster === undefined ? undefined : parseUid(ctx.query.poster, 'poster');
  let lowerBound: number | undefined;
  const lb = ctx.query.lower_bound;
  if (lb !== undefined && lb !== '1.8.0') lowerBound = parseObjectId(lb, 'lower_bound', { space: 1, type: 7 }).instance;
  let startSeconds: number | undefined;
  if (lb === undefined && ctx.query.start !== undefined) {
    const s = timestampSeconds(ctx.query.start);
    if (s === null) throw invalidParameter('start');
    startSeconds = s;
  }
  const limit = clampedLimit(ctx.query.limit);
  const posts = await listPosts(ctx.db, {
    platformUid: platform,
    ...(poster !== undefined ? { posterUid: poster } : {}),
    ...(lowerBound !== undefined ? { lowerBound } : {}),
    ...(startSeconds !== undefined ? { startSeconds } : {}),
    limit,
  });
  return posts.map(renderPost);
}

async function listScoresRoute(ctx: YoyowReadContext): Promise<unknown> {
  const platform = platformParam(ctx);
  const poster = parseUid(ctx.query.poster, 'poster');
  const pid = parsePid(pidField(ctx.query, 'pid'), 'pid');
  const lowerBound = ctx.query.lower_bound_score === undefined ? { space: 0, type: 0, instance: 0 } : parseObjectId(ctx.query.lower_bound_score, 'lower_bound_score');
  const limit = ctx.query.limit === undefined ? 20 : parseInteger(ctx.query.limit, 'limit', 1, 100);
  if (ctx.query.list_cur_period !== undefined) parseBool(ctx.query.list_cur_period, 'list_cur_period');
  const scores = await listScores(ctx.db, { platformUid: platform, posterUid: poster, postPid: pid, lowerBound, limit });
  return scores.map(renderScore);
}

async function getScoreRoute(ctx: YoyowReadContext): Promise<unknown> {
  const platform = platformParam(ctx);
  const poster = parseUid(ctx.query.poster, 'poster');
  const pid = parsePid(pidField(ctx.query, 'pid'), 'pid');
  const from = parseUid(ctx.query.from_account, 'from_account');
  const score = await getScore(ctx.db, platform, poster, pid, from);
  return score ? renderScore(score) : null;
}

// ---- writes ----

/** §4.11: post_type 0, flags 255, default receiptors, body stored as "" (hashed when no hash_value is given). */
async function simplePost(ctx: YoyowWriteContext): Promise<unknown> {
  const p = ctx.payload;
  const platformValue = optional(p, 'platform');
  const posterValue = optional(p, 'poster');
  const title = text(p, 'title', LIMITS.title) ?? '';
  const body = text(p, 'body', LIMITS.body) ?? '';
  const url = text(p, 'url', LIMITS.url);
  const hashValue = text(p, 'hash_value', LIMITS.hashValue);
  const licenseLid = parseInteger(required(p, 'license_lid'), 'license_lid', 1, MAX_PID);
  const platformUid = platformValue === undefined ? ctx.app.id : parseUid(platformValue, 'platform');
  const posterUid = posterValue === undefined ? platformUid : parseUid(posterValue, 'poster');
  const result = await createPost(
    ctx.db,
    ctx.app,
    {
      platformUid,
      posterUid,
      postType: 0,
      origin: null,
      title,
      body: '',
      extraData: url === undefined ? '{}' : JSON.stringify({ url }),
      hashValue: hashValue ?? sha256Text(body),
      licenseLid,
      permissionFlags: 255,
    },
    postsDeps(ctx.services),
  );
  return renderPostWrite(result);
}

/** Digits → the number (for stage A's receiptor rules); anything else matches no account (NaN). */
function uidValue(v: unknown): number {
  const t = v instanceof JsonNumber ? v.text : typeof v === 'string' ? v : null;
  return t !== null && /^[0-9]{1,16}$/.test(t) ? Number(t) : Number.NaN;
}

function receiptorOf(uidRaw: unknown, v: unknown): Receiptor {
  const bad = () => invalidParameter('extensions.receiptors');
  if (typeof v !== 'object' || v === null || Array.isArray(v) || v instanceof JsonNumber) throw bad();
  const o = v as FieldSource;
  try {
    const expiration = optional(o, 'buyout_expiration');
    let buyoutExpiration: number | null = null;
    if (typeof expiration === 'string' && !/^[0-9]+$/.test(expiration)) {
      buyoutExpiration = timestampSeconds(expiration);
      if (buyoutExpiration === null) throw bad();
    } else if (expiration !== undefined) {
      buyoutExpiration = parseInteger(expiration, 'buyout_expiration', 0, 4294967295);
    }
    const toBuyout = optional(o, 'to_buyout');
    const ratio = optional(o, 'buyout_ratio');
    const price = optional(o, 'buyout_price');
    return {
      uid: uidValue(uidRaw),
      curRatio: parseInteger(required(o, 'cur_ratio'), 'cur_ratio', 0, 10000),
      toBuyout: toBuyout === undefined ? false : parseBool(toBuyout, 'to_buyout'),
      buyoutRatio: ratio === undefined ? 0 : parseInteger(ratio, 'buyout_ratio', 0, 10000),
      buyoutPrice: price === undefined ? 0n : parseBigInteger(price, 'buyout_price', 0n, INT64_MAX),
      buyoutExpiration,
    };
  } catch {
    throw bad();
  }
}

/** `extensions.receiptors`: `[[uid, {…}], …]` or `{"<uid>": {…}}`. Returns the receiptors and their raw uids. */
function parseReceiptors(v: unknown): { receiptors: Receiptor[]; uids: unknown[] } {
  const pairs: Array<[unknown, unknown]> = [];
  if (Array.isArray(v)) {
    for (const e of v) {
      if (!Array.isArray(e) || e.length !== 2) throw invalidParameter('extensions.receiptors');
      pairs.push([e[0], e[1]]);
    }
  } else if (typeof v === 'object' && v !== null && !(v instanceof JsonNumber)) {
    for (const [k, val] of Object.entries(v)) pairs.push([k, val]);
  } else {
    throw invalidParameter('extensions.receiptors');
  }
  return { receiptors: pairs.map(([u, o]) => receiptorOf(u, o)), uids: pairs.map(([u]) => u) };
}

interface Extensions {
  postType: number;
  forwardPrice?: bigint;
  receiptors?: { receiptors: Receiptor[]; uids: unknown[] };
  licenseLid: number;
  permissionFlags: number;
}

function parseExtensions(v: unknown): Extensions {
  if (typeof v !== 'object' || v === null || Array.isArray(v) || v instanceof JsonNumber) throw invalidParameter('extensions');
  const e = v as FieldSource;
  const type = optional(e, 'post_type');
  const price = optional(e, 'forward_price');
  const receiptors = optional(e, 'receiptors');
  const lid = optional(e, 'license_lid');
  const flags = optional(e, 'permission_flags');
  const out: Extensions = {
    postType: type === undefined ? 0 : parseInteger(type, 'extensions.post_type', 0, 3),
    ...(price !== undefined ? { forwardPrice: parseBigInteger(price, 'extensions.forward_price', 1n, INT64_MAX) } : {}),
    ...(receiptors !== undefined ? { receiptors: parseReceiptors(receiptors) } : {}),
    licenseLid: 0,
    permissionFlags: 255,
  };
  if (lid === undefined) throw missingParameter('extensions.license_lid');
  out.licenseLid = parseInteger(lid, 'extensions.license_lid', 1, MAX_PID);
  if (flags !== undefined) out.permissionFlags = parseInteger(flags, 'extensions.permission_flags', 0, MAX_POST_FLAGS);
  return out;
}

/** §4.12: stage A in the field order of the table, the static rules of §5.6, stage B, then the module. */
async function fullPost(ctx: YoyowWriteContext): Promise<unknown> {
  const p = ctx.payload;
  const platformValue = optional(p, 'platform');
  const posterValue = optional(p, 'poster');
  const pidValue = optional(p, 'post_pid');
  const postPid = pidValue === undefined ? undefined : parseInteger(pidValue, 'post_pid', 1, MAX_PID);
  const title = text(p, 'title', LIMITS.title) ?? '';
  const body = text(p, 'body', LIMITS.body) ?? '';
  const extraData = text(p, 'extra_data', LIMITS.extraData);
  const url = text(p, 'url', LIMITS.url);
  const hashValue = text(p, 'hash_value', LIMITS.hashValue) ?? sha256Text(body);
  const extensions = parseExtensions(required(p, 'extensions'));
  const originValues = [optional(p, 'origin_platform'), optional(p, 'origin_poster'), optional(p, 'origin_post_pid')] as const;
  const originCount = originValues.filter((v) => v !== undefined).length;
  if (originCount !== 0 && originCount !== 3) throw invalidParameter('origin_post_pid');
  const originPid = originCount === 3 ? parseInteger(originValues[2], 'origin_post_pid', 1, MAX_PID) : undefined;
  // Static rules (§5.6) on the uids as written; their checksums are stage B's.
  const platformGuess = platformValue === undefined ? ctx.app.id : uidValue(platformValue);
  const posterGuess = posterValue === undefined ? platformGuess : uidValue(posterValue);
  const originGuess: PostOrigin | null = originPid === undefined ? null : { platformUid: uidValue(originValues[0]), posterUid: uidValue(originValues[1]), postPid: originPid };
  checkPostShape({
    postType: extensions.postType,
    origin: originGuess,
    platformUid: platformGuess,
    posterUid: posterGuess,
    ...(extensions.receiptors ? { receiptors: extensions.receiptors.receiptors } : {}),
  });
  // Stage B, in the table's order.
  const platformUid = platformValue === undefined ? ctx.app.id : parseUid(platformValue, 'platform');
  const posterUid = posterValue === undefined ? platformUid : parseUid(posterValue, 'poster');
  const receiptorUids = (extensions.receiptors?.uids ?? []).map((u) => parseUid(u, 'extensions.receiptors'));
  const origin: PostOrigin | null =
    originPid === undefined ? null : { platformUid: parseUid(originValues[0], 'origin_platform'), posterUid: parseUid(originValues[1], 'origin_poster'), postPid: originPid };
  const receiptors = extensions.receiptors?.receiptors.map((r, i) => ({ ...r, uid: receiptorUids[i]! }));
  const result = await createPost(
    ctx.db,
    ctx.app,
    {
      platformUid,
      posterUid,
      ...(postPid !== undefined ? { postPid } : {}),
      postType: extensions.postType,
      origin,
      title,
      body,
      extraData: extraData ?? (url !== undefined ? JSON.stringify({ url }) : ''),
      hashValue,
      ...(receiptors ? { receiptors } : {}),
      ...(extensions.forwardPrice !== undefined ? { forwardPrice: extensions.forwardPrice } : {}),
      licenseLid: extensions.licenseLid,
      permissionFlags: extensions.permissionFlags,
    },
    postsDeps(ctx.services),
  );
  return renderPostWrite(result);
}

/** Stage A and B of the score and reward routes: from_account, platform, poster, pid (alias post_pid). */
function actionFields(ctx: YoyowWriteContext): { from: unknown; platform: unknown; poster: unknown; pid: number } {
  const p = ctx.payload;
  const from = required(p, 'from_account');
  const platform = optional(p, 'platform');
  const poster = required(p, 'poster');
  const pid = parsePid(pidField(p, 'pid'), 'pid');
  return { from, platform, poster, pid };
}

function actionUids(ctx: YoyowWriteContext, f: { from: unknown; platform: unknown; poster: unknown; pid: number }) {
  const fromUid = parseUid(f.from, 'from_account');
  const platformUid = f.platform === undefined ? ctx.app.id : parseUid(f.platform, 'platform');
  const posterUid = parseUid(f.poster, 'poster');
  return { fromUid, platformUid, posterUid, postPid: f.pid };
}

/** `score`: −5…5; a negative decimal string is accepted like a positive one. */
function parseScore(v: unknown): number {
  if (typeof v === 'string' && /^-[0-9]{1,3}$/.test(v)) v = new JsonNumber(v);
  return parseInteger(v, 'score', -5, 5);
}

async function scoreRoute(ctx: YoyowWriteContext): Promise<unknown> {
  const deps = postsDeps(ctx.services);
  const f = actionFields(ctx);
  const score = parseScore(required(ctx.payload, 'score'));
  const csaf = parseBigInteger(required(ctx.payload, 'csaf'), 'csaf', 1n, deps.maxCsafPerApproval);
  const r = await scorePost(ctx.db, ctx.app, { ...actionUids(ctx, f), score, csaf }, deps);
  return { block_num: r.block_num, txid: r.txid };
}

async function rewardRoute(ctx: YoyowWriteContext): Promise<unknown> {
  const f = actionFields(ctx);
  const amount = parseBigInteger(required(ctx.payload, 'amount'), 'amount', 1n, INT64_MAX);
  return rewardPost(ctx.db, ctx.app, { ...actionUids(ctx, f), amount }, postsDeps(ctx.services));
}

async function createLicenseRoute(ctx: YoyowWriteContext): Promise<unknown> {
  const p = ctx.payload;
  const platformValue = optional(p, 'platform');
  const typeValue = optional(p, 'type');
  const type = typeValue === undefined ? 0 : parseInteger(typeValue, 'type', 0, 255);
  const hashValue = text(p, 'hash_value', LIMITS.hashValue);
  const title = text(p, 'title', LIMITS.title) ?? '';
  const body = text(p, 'body', LIMITS.body) ?? '';
  const extraData = text(p, 'extra_data', LIMITS.extraData) ?? '';
  const platformUid = platformValue === undefined ? ctx.app.id : parseUid(platformValue, 'platform');
  const r = await createLicense(ctx.db, ctx.app, { platformUid, type, hashValue: hashValue ?? sha256Text(body), title, body, extraData }, postsDeps(ctx.services));
  const l = r.license;
  return {
    block_num: r.block_num,
    txid: r.txid,
    license: { platform: renderUid(l.platformUid), type: l.type, hash_value: l.hashValue, extra_data: l.extraData, title: l.title, body: l.body, license_lid: chainInt(l.licenseLid), fee: feeEcho(r.fee) },
  };
}

export const POST_ROUTES = [
  readRoute('/api/v2/posts', getPostRoute),
  readRoute('/api/v2/posts/getPostList', getPostList),
  readRoute('/api/v2/posts/listScores', listScoresRoute),
  readRoute('/api/v2/posts/score', getScoreRoute),
  secureRoute('/api/v2/posts/simple', simplePost),
  secureRoute('/api/v2/posts', fullPost),
  secureRoute('/api/v2/posts/score', scoreRoute),
  secureRoute('/api/v2/posts/reward-proxy', rewardRoute),
  secureRoute('/api/v2/create_license', createLicenseRoute),
];

