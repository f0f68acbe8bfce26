// Posts (§4.11, §4.12, §5.6, op 18): simple and full posts, comments and forwards. Checks from stage C on, in the
// order of §3.4 / §4.12: 2001 (platform, poster, receiptors) → 1007 (platform = the app; the consent bit of the post
// type when the app posts for another account) → 2004 (the poster pays the fee) → `account not allowed to post` →
// 3001 → `license not found` → `origin post not found` → comment: `account not allowed to reply`, `文章不允许评论` →
// forward: `文章不允许转发`, 2011 → the forward payment (§5.8). Every rule is decided inside the write
// transaction, after `beginChainWrite`, so parallel posts by one poster get consecutive pids.
import type { Transaction } from 'kysely';
import type { StoredApp } from '../../core/identity/apps.js';
import { isUniqueViolation } from '../../db/errors.js';
import type { DB } from '../../db/schema.js';
import {
  beginChainWrite,
  chainError,
  chainInt,
  chainRule,
  chainTime,
  chargeFee,
  ensureYoyowChain,
  feeField,
  nextInstance,
  objectId,
  PERMISSION,
  recordOperation,
  requireAccount,
  requireConsent,
  resolveAccount,
} from '../yoyow/index.js';
import { requireLicense } from './licenses.js';
import { payReceiptors } from './payments.js';
import { checkOrigin, checkReceiptors, defaultReceiptors } from './rules.js';
import { accountAbilities, getPost, lastPostPid, receiptorsJson } from './store.js';
import { DEFAULT_POST_FLAGS, POST_FLAGS, POST_TYPE, POSTS_KIND, postError, type Post, type PostOrigin, type PostsDeps, type Receiptor } from './types.js';

type Trx = Transaction<DB>;

export interface PostInput {
  /** The payload's `platform` (default the app). */
  platformUid: number;
  /** Default: the platform. */
  posterUid: number;
  /** Given → must be the poster's last + 1 (3001); absent → assigned. */
  postPid?: number;
  postType: number;
  origin: PostOrigin | null;
  title: string;
  body: string;
  extraData: string;
  hashValue: string;
  /** Given receiptors (checked by `checkPostShape`); absent → the defaults. */
  receiptors?: Receiptor[];
  forwardPrice?: bigint;
  licenseLid: number;
  /** Default 255. */
  permissionFlags?: number;
}

/** Stage A's static rules of §5.6 (origin and receiptors); the dialect calls it before parsing uids. */
export function checkPostShape(input: Pick<PostInput, 'postType' | 'origin' | 'receiptors' | 'platformUid' | 'posterUid'>): void {
  if (!Object.values(POST_TYPE).includes(input.postType as 0)) throw chainRule('invalid parameter: extensions.post_type');
  checkOrigin(input.postType, input.origin, input.platformUid);
  if (input.receiptors !== undefined) checkReceiptors(input.receiptors, input.platformUid, input.posterUid);
}

export interface PostResult {
  block_num: number;
  txid: string;
  post: Post;
  fee: bigint;
  /** Whether the platform posted for another account (`sign_platform`). */
  signed: boolean;
  /** Whether receiptors were given (they are echoed then). */
  receiptorsGiven: boolean;
}

function consentBit(postType: number): number {
  if (postType === POST_TYPE.post) return PERMISSION.post;
  if (postType === POST_TYPE.comment) return PERMISSION.comment;
  return PERMISSION.forward;
}

/** Stage F checks on the origin of a comment or forward; returns the origin post (null for a plain post). */
async function checkOriginPost(trx: Trx, input: PostInput, posterUid: number): Promise<Post | null> {
  if (input.origin === null) return null;
  const origin = await getPost(trx, input.origin.platformUid, input.origin.posterUid, input.origin.postPid);
  if (!origin) throw chainRule('origin post not found');
  if (input.postType === POST_TYPE.comment) {
    if (!(await accountAbilities(trx, posterUid)).canReply) throw chainRule('account not allowed to reply');
    if ((origin.permissionFlags & POST_FLAGS.comment) === 0) throw chainRule('文章不允许评论');
  }
  if (input.postType === POST_TYPE.forward || input.postType === POST_TYPE.forwardAndModify) {
    if ((origin.permissionFlags & POST_FLAGS.forward) === 0 || origin.forwardPrice === null || origin.forwardPrice <= 0n) throw chainRule('文章不允许转发');
  }
  return origin;
}

/** Creates a post (op 18). `input` passed `checkPostShape` (stage A); uids passed their checksum (stage B). */
export async function createPost(trx: Trx, app: StoredApp, input: PostInput, deps: PostsDeps): Promise<PostResult> {
  checkPostShape(input);
  await beginChainWrite(trx);
  const info = await ensureYoyowChain(trx, deps.clock);
  // Stage C.
  if (input.platformUid !== app.id && !(await resolveAccount(trx, input.platformUid))) throw chainError('accountNotFound');
  const posterRef = await resolveAccount(trx, input.posterUid);
  if (!posterRef) throw chainError('accountNotFound');
  for (const r of input.receiptors ?? []) if (!(await resolveAccount(trx, r.uid))) throw chainError('accountNotFound');
  // Stage D.
  if (input.platformUid !== app.id) throw chainError('notAuthorised');
  const consent = await requireConsent(trx, input.posterUid, app.id, consentBit(input.postType));
  // Stage E.
  await requireAccount(trx, app.id, info, deps);
  const fee = await chargeFee(trx, posterRef, 'post', app, deps, consent ?? undefined);
  // Stage F.
  if (!(await accountAbilities(trx, input.posterUid)).canPost) throw chainRule('account not allowed to post');
  const last = await lastPostPid(trx, input.posterUid);
  if (input.postPid !== undefined && input.postPid !== last + 1) throw postError('pidMismatch');
  await requireLicense(trx, app.id, input.licenseLid, deps);
  const origin = await checkOriginPost(trx, input, input.posterUid);
  const txids = [...fee.txids];
  if (origin && origin.forwardPrice !== null && input.postType >= POST_TYPE.forward) {
    const paid = await payReceiptors(
      trx,
      {
        payer: posterRef,
        appUid: app.id,
        amount: origin.forwardPrice,
        receiptors: origin.receiptors,
        platformUid: origin.platformUid,
        kind: POSTS_KIND.forward,
        short: () => postError('forwardPrepaidShort'),
        metadata: { post: objectId(1, 7, origin.instance) },
      },
      info,
      deps,
    );
    txids.push(...paid.txids);
  }
  const post = await insertPost(trx, app.id, last + 1, input, deps);
  const signed = input.posterUid !== app.id;
  const rec = await recordOperation(
    trx,
    {
      type: 18,
      fields: postOperationFields(post, fee, input.receiptors !== undefined, signed),
      // §5.12: op 18 is in the histories of the poster and the platform (forward receiptors see only the transfer).
      involved: [input.posterUid, app.id],
      resultObjectId: objectId(1, 7, post.instance),
      transferTxids: txids,
    },
    deps,
  );
  return { block_num: rec.blockNum, txid: rec.txid, post, fee: fee.fee, signed, receiptorsGiven: input.receiptors !== undefined };
}

async function insertPost(trx: Trx, platformUid: number, postPid: number, input: PostInput, deps: PostsDeps): Promise<Post> {
  const instance = await nextInstance(trx, '1.7');
  const now = deps.clock.now();
  const receiptors = [...(input.receiptors ?? defaultReceiptors(platformUid, input.posterUid))].sort((a, b) => a.uid - b.uid);
  const post: Post = {
    instance,
    platformUid,
    posterUid: input.posterUid,
    postPid,
    postType: input.postType,
    origin: input.origin,
    hashValue: input.hashValue,
    extraData: input.extraData,
    title: input.title,
    body: input.body,
    createdAt: now,
    updatedAt: now,
    receiptors,
    forwardPrice: input.forwardPrice ?? null,
    licenseLid: input.licenseLid,
    permissionFlags: input.permissionFlags ?? DEFAULT_POST_FLAGS,
  };
  try {
    await trx
      .insertInto('yoyow_posts')
      .values({
        instance,
        platform_uid: platformUid,
        poster_uid: post.posterUid,
        post_pid: postPid,
        post_type: post.postType,
        origin_platform: post.origin?.platformUid ?? null,
        origin_poster: post.origin?.posterUid ?? null,
        origin_post_pid: post.origin?.postPid ?? null,
        hash_value: post.hashValue,
        extra_data: post.extraData,
        title: post.title,
        body: post.body,
        receiptors: receiptorsJson(receiptors),
        forward_price: post.forwardPrice,
        license_lid: post.licenseLid,
        permission_flags: post.permissionFlags,
        created_at: now,
        updated_at: now,
      })
      .execute();
  } catch (err) {
    // The write lock makes this unreachable; the unique index is the last guard of the pid rule.
    if (isUniqueViolation(err)) throw postError('pidMismatch');
    throw err;
  }
  return post;
}

/** Receiptors as histories and blocks render them (§5.12): uids as numbers, expiration as a timestamp. */
export function chainReceiptors(receiptors: readonly Receiptor[], uid: (n: number) => number | string = chainInt): unknown[] {
  return receiptors.map((r) => [
    uid(r.uid),
    {
      cur_ratio: r.curRatio,
      to_buyout: r.toBuyout,
      buyout_ratio: r.buyoutRatio,
      buyout_price: chainInt(r.buyoutPrice),
      buyout_expiration: r.buyoutExpiration === null ? '1969-12-31T23:59:59' : chainTime(r.buyoutExpiration * 1000),
    },
  ]);
}

function postOperationFields(post: Post, fee: { fee: bigint; from: 'csaf' | 'prepaid' }, receiptorsGiven: boolean, signed: boolean): Record<string, unknown> {
  return {
    fee: feeField(fee.fee, fee.from),
    post_pid: chainInt(post.postPid),
    platform: chainInt(post.platformUid),
    poster: chainInt(post.posterUid),
    ...(post.origin
      ? { origin_poster: chainInt(post.origin.posterUid), origin_post_pid: chainInt(post.origin.postPid), origin_platform: chainInt(post.origin.platformUid) }
      : {}),
    hash_value: post.hashValue,
    extra_data: post.extraData,
    title: post.title,
    body: post.body,
    extensions: {
      post_type: post.postType,
      ...(post.forwardPrice !== null ? { forward_price: chainInt(post.forwardPrice) } : {}),
      license_lid: chainInt(post.licenseLid),
      permission_flags: chainInt(post.permissionFlags),
      ...(receiptorsGiven ? { receiptors: chainReceiptors(post.receiptors) } : {}),
      ...(signed ? { sign_platform: chainInt(post.platformUid) } : {}),
    },
  };
}

