// GET /api/v2/accounts/:uid (§4.1) and GET /api/v2/accounts/:uid/histories (§4.2): parse, call modules/yoyow, render
// the chain objects in the spec's key order.
import { accountInstance, accountState, listHistory, resolveAccount, yoyowDeps, type AccountState, type HistoryEntry } from '../../../modules/yoyow/index.js';
import { YoyowRefusal } from '../errors.js';
import { parseInteger, parseUid } from '../parse.js';
import { readRoute, type YoyowReadContext } from '../pipeline.js';
import { chainInt, chainTime, renderUid } from '../render.js';

/** The chain's null public key (33 zero bytes) for accounts without keys (system accounts). */
export const NULL_PUBLIC_KEY = 'YYW1111111111111111111111111111111114T1Anm';

function authority(keys: readonly string[], uidAuths: readonly number[]): Record<string, unknown> {
  return {
    weight_threshold: 1,
    account_uid_auths: uidAuths.map((uid) => [{ uid: renderUid(uid), auth_type: 'secondary_auth' }, 1]),
    key_auths: keys.map((k) => [k, 1]),
  };
}

const ZERO_AMOUNT = { amount: 0, asset_id: 0 };

export function renderAccount(s: AccountState): Record<string, unknown> {
  const n = accountInstance(s.ref.uid);
  const node = renderUid(s.info.nodeUid);
  return {
    id: `1.2.${n}`,
    uid: renderUid(s.ref.uid),
    name: s.name,
    owner: authority(s.keys?.owner ?? [], []),
    active: authority(s.keys?.active ?? [], []),
    secondary: authority(s.keys?.secondary ?? [], s.authorisedPlatforms),
    memo_key: s.keys?.memo ?? NULL_PUBLIC_KEY,
    reg_info: {
      registrar: node,
      referrer: node,
      registrar_percent: 0,
      referrer_percent: 0,
      allowance_per_article: ZERO_AMOUNT,
      max_share_per_article: ZERO_AMOUNT,
      max_share_total: ZERO_AMOUNT,
      buyout_percent: 10000,
    },
    can_post: s.canPost,
    can_reply: s.canReply,
    can_rate: s.canRate,
    is_full_member: true,
    is_registrar: false,
    is_admin: false,
    create_time: chainTime(s.createdAt),
    last_update_time: chainTime(s.updatedAt),
    active_data: '{}',
    secondary_data: '{}',
    statistics: {
      obj_id: `2.4.${n}`,
      core_balance: chainInt(s.balance),
      prepaid: chainInt(s.prepaid),
      csaf: chainInt(s.csaf),
      total_witness_pledge: 0,
      total_committee_member_pledge: 0,
      total_platform_pledge: 0,
      releasing_witness_pledge: 0,
      releasing_committee_member_pledge: 0,
      releasing_platform_pledge: 0,
    },
    assets: s.assets.map(({ asset, amount }) => ({
      amount: amount.toString(),
      asset_id: asset.assetId,
      precision: asset.precision,
      symbol: asset.symbol,
      description: '',
      max_supply: asset.maxSupply.toString(),
      current_supply: asset.currentSupply.toString(),
      issuer: renderUid(asset.info.issuerUid),
    })),
  };
}

async function account(ctx: YoyowReadContext): Promise<unknown> {
  const uid = parseUid(ctx.params.uid, 'uid');
  const state = await accountState(ctx.services.db, uid, yoyowDeps(ctx.services));
  if (!state) throw YoyowRefusal.of('accountNotFound');
  return renderAccount(state);
}

export function renderHistoryEntry(e: HistoryEntry): [number, Record<string, unknown>] {
  return [
    e.seq,
    {
      id: `1.10.${e.op.instance}`,
      op: [e.op.type, e.op.fields],
      result: e.op.result === null ? [0, {}] : [1, e.op.result],
      block_timestamp: chainTime(e.blockTimestamp),
      block_num: e.op.blockNumber,
      trx_in_block: e.op.trxInBlock,
      op_in_trx: 0,
      virtual_op: 0,
    },
  ];
}

const INT32_MAX = 2147483647;

async function histories(ctx: YoyowReadContext): Promise<unknown> {
  const uid = parseUid(ctx.params.uid, 'uid');
  const { op_type: opTypeText, start: startText, limit: limitText } = ctx.query;
  const opType = opTypeText === undefined ? undefined : parseInteger(opTypeText, 'op_type', 0, INT32_MAX);
  const start = startText === undefined ? 0 : parseInteger(startText, 'start', 0, Number.MAX_SAFE_INTEGER);
  const limit = limitText === undefined ? 10 : parseInteger(limitText, 'limit', 1, 100);
  if (!(await resolveAccount(ctx.db, uid))) throw YoyowRefusal.of('accountNotFound');
  const entries = await listHistory(ctx.db, uid, { start, limit, ...(opType !== undefined ? { opType } : {}) });
  return entries.map(renderHistoryEntry);
}

export const ACCOUNT_ROUTES = [readRoute('/api/v2/accounts/:uid', account), readRoute('/api/v2/accounts/:uid/histories', histories)];
