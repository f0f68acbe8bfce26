// oidc-provider's storage on Plaza's database: one row per (model, id) in `oidc_payloads` (migration 0006), shared by
// every Plaza process, so a code issued by one process is redeemed by another. Every read ignores rows past their
// expiry; `consume` is a conditional update, so of two concurrent redemptions of one authorization code or one
// refresh token exactly one sees it unconsumed (the library then treats the other as a replay and revokes the grant).
// The `Client` model is not stored here: clients are Plaza apps (clients.ts).
import type { Kysely } from 'kysely';
import { errors, type Adapter, type AdapterFactory, type AdapterPayload } from 'oidc-provider';
import type { Clock } from '../core/clock.js';
import type { DB } from '../db/schema.js';
import { toNumOrNull } from '../db/values.js';

/** Row type of `oidc_payloads` (kept beside its only user). */
export interface OidcPayloadsTable {
  model: string;
  id: string;
  payload: string;
  grant_id: string | null;
  user_code: string | null;
  uid: string | null;
  expires_at: number | bigint | null;
  consumed_at: number | bigint | null;
}

export type OidcDb = Kysely<DB & { oidc_payloads: OidcPayloadsTable }>;

export function oidcDb(db: Kysely<DB>): OidcDb {
  return db.withTables<{ oidc_payloads: OidcPayloadsTable }>();
}

/** The longest payload the adapter accepts: the library's payloads are small; a huge one is a bug, not data. */
const MAX_PAYLOAD_CHARS = 64 * 1024;

type Row = Pick<OidcPayloadsTable, 'payload' | 'consumed_at'>;

function revive(row: Row | undefined): AdapterPayload | undefined {
  if (!row) return undefined;
  const payload = JSON.parse(row.payload) as AdapterPayload;
  const consumedAt = toNumOrNull(row.consumed_at);
  // The library reads `consumed` as "used once" (epoch seconds); the column is the single source of that fact.
  if (consumedAt !== null) payload.consumed = Math.floor(consumedAt / 1000);
  return payload;
}

/**
 * The adapter factory oidc-provider calls once per model name. `clientLookup` answers the `Client` model (the
 * library asks the adapter for clients it does not know statically).
 */
export function kyselyAdapter(
  database: Kysely<DB>,
  clock: Clock,
  clientLookup: (clientId: string) => Promise<AdapterPayload | undefined>,
): AdapterFactory {
  const db = oidcDb(database);
  return (model: string): Adapter => {
    const live = () =>
      db
        .selectFrom('oidc_payloads')
        .select(['payload', 'consumed_at'])
        .where('model', '=', model)
        .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', clock.now())]));

    if (model === 'Client') return clientAdapter(clientLookup);
    return {
      async upsert(id, payload, expiresIn) {
        const text = JSON.stringify(payload);
        if (text.length > MAX_PAYLOAD_CHARS) throw new Error(`oidc ${model} payload too large (${text.length} chars)`);
        const values = {
          payload: text,
          grant_id: payload.grantId ?? null,
          user_code: payload.userCode ?? null,
          uid: payload.uid ?? null,
          expires_at: typeof expiresIn === 'number' ? clock.now() + expiresIn * 1000 : null,
          consumed_at: typeof payload.consumed === 'number' ? payload.consumed * 1000 : null,
        };
        await db
          .insertInto('oidc_payloads')
          .values({ model, id, ...values })
          .onConflict((oc) => oc.columns(['model', 'id']).doUpdateSet(values))
          .execute();
      },
      async find(id) {
        return revive(await live().where('id', '=', id).executeTakeFirst());
      },
      async findByUserCode(userCode) {
        return revive(await live().where('user_code', '=', userCode).executeTakeFirst());
      },
      async findByUid(uid) {
        return revive(await live().where('uid', '=', uid).executeTakeFirst());
      },
      async consume(id) {
        const r = await db
          .updateTable('oidc_payloads')
          .set({ consumed_at: clock.now() })
          .where('model', '=', model)
          .where('id', '=', id)
          .where('consumed_at', 'is', null)
          .executeTakeFirst();
        // The library checked `consumed` on its read; a racing request consumed it in between. Refusing here
        // keeps a code or a refresh token single-use even across processes.
        if (Number(r.numUpdatedRows) !== 1) throw new errors.InvalidGrant(`${model} already used`);
      },
      async destroy(id) {
        await db.deleteFrom('oidc_payloads').where('model', '=', model).where('id', '=', id).execute();
      },
      async revokeByGrantId(grantId) {
        await db.deleteFrom('oidc_payloads').where('model', '=', model).where('grant_id', '=', grantId).execute();
      },
    };
  };
}

function clientAdapter(lookup: (clientId: string) => Promise<AdapterPayload | undefined>): Adapter {
  const readOnly = async () => {
    throw new Error('oidc clients are Plaza apps; they are managed through the apps API, not the provider');
  };
  return {
    find: (id) => lookup(id),
    findByUid: async () => undefined,
    findByUserCode: async () => undefined,
    upsert: readOnly,
    consume: readOnly,
    destroy: readOnly,
    revokeByGrantId: async () => undefined,
  };
}

/** Deletes the expired rows; returns how many went. */
export async function purgeExpiredOidcPayloads(database: Kysely<DB>, clock: Clock): Promise<number> {
  const r = await oidcDb(database).deleteFrom('oidc_payloads').where('expires_at', '<=', clock.now()).executeTakeFirst();
  return Number(r.numDeletedRows);
}
