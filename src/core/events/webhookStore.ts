// Webhook endpoints and their deliveries as stored: registering an endpoint (its signing secret sealed with the
// secret box, shown once), disabling it, listing deliveries with their attempts, and re-queuing a delivery. The
// worker that sends deliveries lives in webhooks.ts; who may call these (the app's owner or an admin) is the admin
// API's business.
import { randomBytes } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import type { Clock } from '../clock.js';
import type { SecretBox } from '../crypto/secretbox.js';
import type { DB } from '../../db/schema.js';
import { toNum, toNumOrNull } from '../../db/values.js';
import { isEventType, RETRY_WINDOW_MS } from './outbox.js';

type Db = Kysely<DB> | Transaction<DB>;

/** The secret box purpose of `webhook_endpoints.secret_enc`. */
export const WEBHOOK_SECRET_PURPOSE = 'webhook.secret';
export const WEBHOOK_URL_MAX = 2048;
export const WEBHOOK_EVENT_TYPES_MAX = 50;
/** Endpoints per app: a bound on the fan-out of one event. */
export const WEBHOOK_ENDPOINTS_PER_APP_MAX = 20;

export interface WebhookEndpoint {
  id: number;
  appId: number;
  url: string;
  /** null = every event type. */
  eventTypes: string[] | null;
  status: 'active' | 'disabled';
  createdAt: number;
  disabledAt: number | null;
}

export interface WebhookAttempt {
  at: number;
  statusCode: number | null;
  error: string | null;
  durationMs: number;
}

export interface WebhookDelivery {
  id: number;
  endpointId: number;
  eventId: string;
  eventType: string;
  status: 'pending' | 'succeeded' | 'failed';
  attempts: number;
  nextAttemptAt: number | null;
  lastStatusCode: number | null;
  lastError: string | null;
  createdAt: number;
  updatedAt: number;
}

export class WebhookError extends Error {
  constructor(
    readonly code: 'invalid_request' | 'not_found' | 'invalid_state',
    message: string,
  ) {
    super(message);
    this.name = 'WebhookError';
  }
}

/** Why `url` cannot be a webhook URL, or null when it can: absolute http(s), no credentials, no fragment. */
export function webhookUrlProblem(url: string): string | null {
  if (url.length > WEBHOOK_URL_MAX) return `the URL is longer than ${WEBHOOK_URL_MAX} characters`;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'the URL must be absolute, e.g. https://example.com/plaza/webhooks';
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return 'the URL must use http or https';
  if (parsed.username !== '' || parsed.password !== '') return 'the URL must not carry credentials; verify the Plaza-Signature header instead';
  if (parsed.hash !== '') return 'the URL must not have a fragment';
  return null;
}

type EndpointRow = { id: bigint | number; app_id: bigint | number; url: string; event_types: string | null; status: 'active' | 'disabled'; created_at: bigint | number; disabled_at: bigint | number | null };

function endpointOf(r: EndpointRow): WebhookEndpoint {
  return {
    id: toNum(r.id),
    appId: toNum(r.app_id),
    url: r.url,
    eventTypes: r.event_types === null ? null : (JSON.parse(r.event_types) as string[]),
    status: r.status,
    createdAt: toNum(r.created_at),
    disabledAt: toNumOrNull(r.disabled_at),
  };
}

const ENDPOINT_COLUMNS = ['id', 'app_id', 'url', 'event_types', 'status', 'created_at', 'disabled_at'] as const;

export async function createWebhookEndpoint(
  trx: Transaction<DB>,
  input: { appId: number; url: string; eventTypes: string[] | null },
  deps: { box: SecretBox; clock: Clock },
): Promise<{ endpoint: WebhookEndpoint; secret: string }> {
  const problem = webhookUrlProblem(input.url);
  if (problem) throw new WebhookError('invalid_request', problem);
  const types = input.eventTypes === null ? null : [...new Set(input.eventTypes)];
  if (types !== null) {
    if (types.length === 0 || types.length > WEBHOOK_EVENT_TYPES_MAX) throw new WebhookError('invalid_request', `events must list 1 to ${WEBHOOK_EVENT_TYPES_MAX} event types, or be omitted for all`);
    const bad = types.find((t) => t !== '*' && !isEventType(t));
    if (bad !== undefined) throw new WebhookError('invalid_request', `${JSON.stringify(bad)} is not an event type (e.g. payment.completed)`);
  }
  const active = await trx.selectFrom('webhook_endpoints').select(({ fn }) => fn.countAll<number>().as('n')).where('app_id', '=', input.appId).where('status', '=', 'active').executeTakeFirstOrThrow();
  if (Number(active.n) >= WEBHOOK_ENDPOINTS_PER_APP_MAX) throw new WebhookError('invalid_state', `an app may have at most ${WEBHOOK_ENDPOINTS_PER_APP_MAX} active webhook endpoints; disable one first`);
  const secret = `whsec_${randomBytes(24).toString('base64url')}`;
  const row = await trx
    .insertInto('webhook_endpoints')
    .values({
      app_id: input.appId,
      url: input.url,
      event_types: types === null || types.includes('*') ? null : JSON.stringify(types),
      secret_enc: deps.box.seal(secret, WEBHOOK_SECRET_PURPOSE),
      status: 'active',
      created_at: deps.clock.now(),
      disabled_at: null,
    })
    .returning(ENDPOINT_COLUMNS)
    .executeTakeFirstOrThrow();
  return { endpoint: endpointOf(row), secret };
}

export async function getWebhookEndpoint(db: Db, id: number): Promise<WebhookEndpoint | null> {
  const row = await db.selectFrom('webhook_endpoints').select(ENDPOINT_COLUMNS).where('id', '=', id).executeTakeFirst();
  return row ? endpointOf(row) : null;
}

export async function listWebhookEndpoints(db: Db, appId: number): Promise<WebhookEndpoint[]> {
  const rows = await db.selectFrom('webhook_endpoints').select(ENDPOINT_COLUMNS).where('app_id', '=', appId).orderBy('id').limit(500).execute();
  return rows.map(endpointOf);
}

/** Disables an endpoint (idempotent): no new deliveries, and its pending ones are given up. */
export async function disableWebhookEndpoint(trx: Transaction<DB>, id: number, clock: Clock): Promise<WebhookEndpoint> {
  const now = clock.now();
  await trx.updateTable('webhook_endpoints').set({ status: 'disabled', disabled_at: now }).where('id', '=', id).where('status', '=', 'active').execute();
  await trx
    .updateTable('webhook_deliveries')
    .set({ status: 'failed', last_error: 'endpoint disabled', updated_at: now })
    .where('endpoint_id', '=', id)
    .where('status', '=', 'pending')
    .execute();
  const endpoint = await getWebhookEndpoint(trx, id);
  if (!endpoint) throw new WebhookError('not_found', `no webhook endpoint ${id}`);
  return endpoint;
}

const DELIVERY_COLUMNS = [
  'd.id',
  'd.endpoint_id',
  'd.event_id',
  'e.type',
  'd.status',
  'd.attempts',
  'd.next_attempt_at',
  'd.last_status_code',
  'd.last_error',
  'd.created_at',
  'd.updated_at',
] as const;

function deliveriesQuery(db: Db) {
  return db.selectFrom('webhook_deliveries as d').innerJoin('events_outbox as e', 'e.id', 'd.event_id').select(DELIVERY_COLUMNS);
}

type DeliveryRow = Awaited<ReturnType<ReturnType<typeof deliveriesQuery>['executeTakeFirstOrThrow']>>;

function deliveryOf(r: DeliveryRow): WebhookDelivery {
  return {
    id: toNum(r.id),
    endpointId: toNum(r.endpoint_id),
    eventId: r.event_id,
    eventType: r.type,
    status: r.status,
    attempts: toNum(r.attempts),
    nextAttemptAt: r.status === 'pending' ? toNum(r.next_attempt_at) : null,
    lastStatusCode: toNumOrNull(r.last_status_code),
    lastError: r.last_error,
    createdAt: toNum(r.created_at),
    updatedAt: toNum(r.updated_at),
  };
}

export async function getWebhookDelivery(db: Db, id: number): Promise<WebhookDelivery | null> {
  const row = await deliveriesQuery(db).where('d.id', '=', id).executeTakeFirst();
  return row ? deliveryOf(row) : null;
}

/** An endpoint's deliveries, newest first, each with its attempts (oldest first). */
export async function listWebhookDeliveries(
  db: Db,
  endpointId: number,
  page: { beforeId?: number; limit: number },
): Promise<Array<WebhookDelivery & { attemptLog: WebhookAttempt[] }>> {
  let q = deliveriesQuery(db).where('d.endpoint_id', '=', endpointId);
  if (page.beforeId !== undefined) q = q.where('d.id', '<', page.beforeId);
  const rows = await q.orderBy('d.id', 'desc').limit(Math.min(Math.max(page.limit, 1), 200)).execute();
  if (rows.length === 0) return [];
  const attempts = await db
    .selectFrom('webhook_attempts')
    .select(['delivery_id', 'at', 'status_code', 'error', 'duration_ms'])
    .where('delivery_id', 'in', rows.map((r) => r.id))
    .orderBy('id')
    .execute();
  const byDelivery = new Map<number, WebhookAttempt[]>();
  for (const a of attempts) {
    const list = byDelivery.get(toNum(a.delivery_id)) ?? [];
    list.push({ at: toNum(a.at), statusCode: toNumOrNull(a.status_code), error: a.error, durationMs: toNum(a.duration_ms) });
    byDelivery.set(toNum(a.delivery_id), list);
  }
  return rows.map((r) => ({ ...deliveryOf(r), attemptLog: byDelivery.get(toNum(r.id)) ?? [] }));
}

/**
 * Re-queues a delivery for an attempt now, whatever its status, with a fresh retry window. Refused when its endpoint
 * is disabled (the delivery would be given up at once).
 */
export async function resendWebhookDelivery(trx: Transaction<DB>, id: number, clock: Clock): Promise<WebhookDelivery> {
  const delivery = await getWebhookDelivery(trx, id);
  if (!delivery) throw new WebhookError('not_found', `no webhook delivery ${id}`);
  const endpoint = await getWebhookEndpoint(trx, delivery.endpointId);
  if (endpoint?.status !== 'active') throw new WebhookError('invalid_state', `webhook endpoint ${delivery.endpointId} is disabled; register a new one`);
  const now = clock.now();
  await trx
    .updateTable('webhook_deliveries')
    .set({ status: 'pending', next_attempt_at: now, retry_until: now + RETRY_WINDOW_MS, updated_at: now })
    .where('id', '=', id)
    .execute();
  return (await getWebhookDelivery(trx, id))!;
}
