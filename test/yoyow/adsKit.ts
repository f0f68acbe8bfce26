// Helpers of the advertising tests: the escrow system account's YOYO, a slot created through the route.
import assert from 'node:assert/strict';
import { readChainInfo, readSubBalances } from '../../src/modules/yoyow/index.js';
import type { ChainFixture } from './fixture.js';

const DAY = 86_400;

export async function escrowBalance(fx: ChainFixture): Promise<bigint> {
  const db = fx.ctx.server.services.db;
  const info = (await readChainInfo(db))!;
  const b = await readSubBalances(db, { kind: 'system', uid: info.escrowUid, systemRole: 'escrow' }, info.assetId);
  return b.balance + b.prepaid + b.csaf;
}

export async function createAd(fx: ChainFixture, fields: Record<string, unknown> = {}): Promise<number> {
  const r = await fx.post('/api/v2/advertisings', { description: 'slot', unit_price: 5_000_000, unit_time: DAY, ...fields });
  assert.equal(r.json.code, 0, r.text);
  return r.json.data.advertising.advertising_aid as number;
}

