// Scores (§4.13, §5.7, op 37) and rewards (§4.14, §5.8, op 39). Checks from stage C on: 2001 (from_account,
// platform, poster) → 1007 (platform = the app; the Liked / Reward bit when the app acts for another account) → 2004
// (the actor pays the fee) → `post not found` → the post's flag → score: `account not allowed to rate`, 2010 (csaf
// after the fee), `already scored`; reward: 2012 (prepaid and usable prepaid after the fee). All inside the write
// transaction after `beginChainWrite`; the unique index on (post, account) is the last guard of one score each.
import type { Transaction } from 'kysely';
import type { StoredApp } from '../../core/identity/apps.js';
import { transfer } from '../../core/ledger/transfers.js';
import { LedgerError } from '../../core/ledger/types.js';
import { isUniqueViolation } from '../../db/errors.js';
import type { DB } from '../../db/schema.js';
import {
  beginChainWrite,
  chainError,
  chainInt,
  chainRule,
  chargeFee,
  ensureYoyowChain,
  feeField,
  nextInstance,
  objectId,
  PERMISSION,
  readSubBalances,
  recordOperation,
  requireAccount,
  requireConsent,
  resolveAccount,
  settleCsaf,
  type ChainInfo,
  type Consent,
  type FeeCharge,
  type YoyowAccountRef,
} from '../yoyow/index.js';
import { payReceiptors } from './payments.js';
import { accountAbilities, getPost } from './store.js';
import { POST_FLAGS, POSTS_KIND, postError, type Post, type PostsDeps, type Score } from './types.js';

type Trx = Transaction<DB>;

export interface PostActionInput {
  fromUid: number;
  /** The payload's `platform` (default the app). */
  platformUid: number;
  posterUid: number;
  postPid: number;
}

interface Acting {
  info: ChainInfo;
  actor: YoyowAccountRef;
  consent: Consent | null;
  fee: FeeCharge;
}

/** Stages C (2001), D (1007, `bit`) and E (the actor pays `op`'s fee). */
async function actAs(trx: Trx, app: StoredApp, input: PostActionInput, bit: number, op: 'score_create' | 'reward_proxy', deps: PostsDeps): Promise<Acting> {
  await beginChainWrite(trx);
  const info = await ensureYoyowChain(trx, deps.clock);
  const actor = await resolveAccount(trx, input.fromUid);
  if (!actor) throw chainError('accountNotFound');
  if (input.platformUid !== app.id && !(await resolveAccount(trx, input.platformUid))) throw chainError('accountNotFound');
  if (!(await resolveAccount(trx, input.posterUid))) throw chainError('accountNotFound');
  if (input.platformUid !== app.id) throw chainError('notAuthorised');
  const consent = await requireConsent(trx, input.fromUid, app.id, bit);
  await requireAccount(trx, app.id, info, deps);
  const fee = await chargeFee(trx, actor, op, app, deps, consent ?? undefined);
  return { info, actor, consent, fee };
}

async function requirePost(trx: Trx, input: PostActionInput, flag: number, refusal: string): Promise<Post> {
  const post = await getPost(trx, input.platformUid, input.posterUid, input.postPid);
  if (!post) throw chainRule('post not found');
  if ((post.permissionFlags & flag) === 0) throw chainRule(refusal);
  return post;
}

export interface ScoreInput extends PostActionInput {
  /** −5…5 (the dialect's stage A). */
  score: number;
  /** 1 … max_csaf_per_approval, base units (the dialect's stage A). */
  csaf: bigint;
}

/** POST /posts/score: `csaf` moves from the scorer to the issuer's csaf (consumed); a `2.16.<i>` score. */
export async function scorePost(trx: Trx, app: StoredApp, input: ScoreInput, deps: PostsDeps): Promise<{ block_num: number; txid: string; score: Score }> {
  if (!Number.isInteger(input.score) || input.score < -5 || input.score > 5) throw chainRule('invalid parameter: score');
  if (input.csaf <= 0n || input.csaf > deps.maxCsafPerApproval) throw chainRule('invalid parameter: csaf');
  const { info, actor, fee } = await actAs(trx, app, input, PERMISSION.liked, 'score_create', deps);
  const post = await requirePost(trx, input, POST_FLAGS.liked, 'post does not allow scoring');
  if (!(await accountAbilities(trx, actor.uid)).canRate) throw chainRule('account not allowed to rate');
  const scorer = await requireAccount(trx, actor.uid, info, deps);
  const txids = [...fee.txids, ...(await settleCsaf(trx, actor, scorer.subs, info, deps))];
  if ((await readSubBalances(trx, actor, info.assetId)).csaf < input.csaf) throw postError('scoreCsafShort');
  const already = await trx.selectFrom('yoyow_scores').select('instance').where('post_instance', '=', post.instance).where('from_account_uid', '=', actor.uid).executeTakeFirst();
  if (already) throw chainRule('already scored');
  const issuer = await requireAccount(trx, info.issuerUid, info, deps);
  try {
    const t = await transfer(
      trx,
      { debitAccountId: scorer.subs.csaf.id, creditAccountId: issuer.subs.csaf.id, amount: input.csaf, kind: POSTS_KIND.score, metadata: { from: actor.uid, post: objectId(1, 7, post.instance) } },
      deps.clock,
    );
    txids.push(t.txid);
  } catch (err) {
    if (err instanceof LedgerError && err.code === 'insufficient_funds') throw postError('scoreCsafShort');
    throw err;
  }
  const instance = await nextInstance(trx, '2.16');
  const now = deps.clock.now();
  try {
    await trx
      .insertInto('yoyow_scores')
      .values({
        instance,
        post_instance: post.instance,
        from_account_uid: actor.uid,
        platform_uid: post.platformUid,
        poster_uid: post.posterUid,
        post_pid: post.postPid,
        score: input.score,
        csaf: input.csaf,
        created_at: now,
      })
      .execute();
  } catch (err) {
    if (isUniqueViolation(err)) throw chainRule('already scored');
    throw err;
  }
  const signed = actor.uid !== app.id;
  const rec = await recordOperation(
    trx,
    {
      type: 37,
      fields: {
        fee: feeField(fee.fee, fee.from),
        from_account_uid: chainInt(actor.uid),
        platform: chainInt(post.platformUid),
        poster: chainInt(post.posterUid),
        post_pid: chainInt(post.postPid),
        score: input.score,
        csaf: chainInt(input.csaf),
        ...(signed ? { sign_platform: chainInt(app.id) } : {}),
      },
      involved: [actor.uid, post.posterUid, post.platformUid],
      resultObjectId: objectId(2, 16, instance),
      transferTxids: txids,
    },
    deps,
  );
  const score: Score = { instance, fromAccountUid: actor.uid, platformUid: post.platformUid, posterUid: post.posterUid, postPid: post.postPid, score: input.score, csaf: input.csaf, createdAt: now };
  return { block_num: rec.blockNum, txid: rec.txid, score };
}

export interface RewardInput extends PostActionInput {
  /** ≥ 1, base units. */
  amount: bigint;
}

/** POST /posts/reward-proxy: `amount` leaves the rewarder's prepaid, split over the post's receiptors (§5.8). */
export async function rewardPost(trx: Trx, app: StoredApp, input: RewardInput, deps: PostsDeps): Promise<{ block_num: number; txid: string }> {
  if (input.amount <= 0n) throw chainRule('invalid parameter: amount');
  const { info, actor, fee } = await actAs(trx, app, input, PERMISSION.reward, 'reward_proxy', deps);
  const post = await requirePost(trx, input, POST_FLAGS.reward, 'post does not allow rewards');
  const paid = await payReceiptors(
    trx,
    {
      payer: actor,
      appUid: app.id,
      amount: input.amount,
      receiptors: post.receiptors,
      platformUid: post.platformUid,
      kind: POSTS_KIND.reward,
      short: () => postError('rewardShort'),
      metadata: { post: objectId(1, 7, post.instance) },
    },
    info,
    deps,
  );
  const signed = actor.uid !== app.id;
  const rec = await recordOperation(
    trx,
    {
      type: 39,
      fields: {
        fee: feeField(fee.fee, fee.from),
        from_account_uid: chainInt(actor.uid),
        platform: chainInt(post.platformUid),
        poster: chainInt(post.posterUid),
        post_pid: chainInt(post.postPid),
        amount: chainInt(input.amount),
        ...(signed ? { sign_platform: chainInt(app.id) } : {}),
      },
      involved: [actor.uid, post.posterUid, post.platformUid, ...paid.credited],
      transferTxids: [...fee.txids, ...paid.txids],
    },
    deps,
  );
  return { block_num: rec.blockNum, txid: rec.txid };
}
