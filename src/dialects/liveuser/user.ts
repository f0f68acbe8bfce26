// User.Set and User.Get (spec/liveuser.md §6.1, §6.2): wire format only. The record is always the token's own
// (app, uid); modules/profiles checks the fields and stores the record.
import type { Transaction } from 'kysely';
import type { DB } from '../../db/schema.js';
import type { WireResponse } from '../../http/idempotency.js';
import { getProfile, setProfile } from '../../modules/profiles/service.js';
import { field, readObject } from './parse.js';
import { sessionOf, type LiveuserContext } from './pipeline.js';
import { empty, ok, userRecord } from './render.js';

export async function userSet(ctx: LiveuserContext, trx: Transaction<DB>): Promise<WireResponse> {
  const s = sessionOf(ctx);
  const user = readObject(ctx.body, 'user');
  const input = user === null ? null : { uid: field(user, 'uid'), name: field(user, 'name'), agent: field(user, 'agent'), avatar: field(user, 'avatar') };
  await setProfile(trx, { appId: s.app.id, userId: s.user.id, uid: s.uid }, input, ctx.services.clock);
  return empty();
}

export async function userGet(ctx: LiveuserContext, trx: Transaction<DB>): Promise<WireResponse> {
  const s = sessionOf(ctx);
  return ok({ user: userRecord(await getProfile(trx, { appId: s.app.id, uid: s.uid })) });
}
