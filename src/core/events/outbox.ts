// The outbox of domain events. `emitEvent` writes the event in the CALLER's transaction, together with one pending
// delivery per active webhook endpoint of the app that wants it, so an event exists (and will be delivered) exactly
// when the change it reports committed. The webhook worker (webhooks.ts) sends the deliveries later.
import type { Kysely, Transaction } from 'kysely';
import type { Clock } from '../clock.js';
import { randomHex } from '../crypto/tokens.js';
import { canonicalJson } from '../ledger/canonical.js';
import type { DB } from '../../db/schema.js';
import { toNum } from '../../db/values.js';

export interface EventInput {
  appId: number;
  /** Dotted lower-case name, e.g. `payment.completed`. */
  type: string;
  /** Plain JSON (bigints become decimal strings); never a secret. */
  payload: Record<string, unknown>;
}

export interface OutboxEvent {
  id: string;
  appId: number;
  type: string;
  payload: Record<string, unknown>;
  createdAt: number;
}

/** `payment.completed`, `app.key.rotated`… (bounded so a type fits in a header and an index). */
const EVENT_TYPE = /^[a-z][a-z0-9_]*(\.[a-z0-9_]+)*$/;
const EVENT_TYPE_MAX = 100;

export function isEventType(type: string): boolean {
  return type.length <= EVENT_TYPE_MAX && EVENT_TYPE.test(type);
}

/** Whether an endpoint's `event_types` column (JSON array, or null = all) selects `type`. */
export function endpointWants(eventTypes: string | null, type: string): boolean {
  if (eventTypes === null) return true;
  const types = JSON.parse(eventTypes) as unknown;
  return Array.isArray(types) && types.some((t) => t === type || t === '*');
}

/** How long a delivery is retried before it is given up (the issue asks for at least a day). */
export const RETRY_WINDOW_MS = 24 * 3600_000;

export function newEventId(): string {
  return `evt_${randomHex(12)}`;
}

export async function emitEvent(trx: Transaction<DB>, input: EventInput, clock: Clock): Promise<void> {
  if (!isEventType(input.type)) throw new Error(`invalid event type ${JSON.stringify(input.type)}`);
  if (!Number.isSafeInteger(input.appId)) throw new Error('emitEvent: appId must be an integer');
  const now = clock.now();
  const id = newEventId();
  await trx
    .insertInto('events_outbox')
    .values({ id, app_id: input.appId, type: input.type, payload: canonicalJson(input.payload), created_at: now })
    .execute();
  const endpoints = await trx
    .selectFrom('webhook_endpoints')
    .select(['id', 'event_types'])
    .where('app_id', '=', input.appId)
    .where('status', '=', 'active')
    .execute();
  const wanted = endpoints.filter((e) => endpointWants(e.event_types, input.type));
  if (wanted.length === 0) return;
  await trx
    .insertInto('webhook_deliveries')
    .values(
      wanted.map((e) => ({
        endpoint_id: e.id,
        event_id: id,
        status: 'pending' as const,
        attempts: 0,
        next_attempt_at: now,
        retry_until: now + RETRY_WINDOW_MS,
        created_at: now,
        updated_at: now,
      })),
    )
    .execute();
}

export async function getEvent(db: Kysely<DB> | Transaction<DB>, id: string): Promise<OutboxEvent | null> {
  const row = await db.selectFrom('events_outbox').selectAll().where('id', '=', id).executeTakeFirst();
  if (row === undefined) return null;
  return {
    id: row.id,
    appId: toNum(row.app_id),
    type: row.type,
    payload: JSON.parse(row.payload) as Record<string, unknown>,
    createdAt: toNum(row.created_at),
  };
}
