// Webhooks through the admin API: an app's owner (or an admin) registers endpoints, sees each endpoint's deliveries
// with their attempts, disables an endpoint and re-queues a delivery. The signing secret is in the creation answer
// only; it is stored sealed (core/events/webhookStore.ts).
import type { Kysely } from 'kysely';
import type { Developer } from '../core/identity/developers.js';
import { ownedLiveApp } from '../core/identity/apps.js';
import {
  createWebhookEndpoint,
  disableWebhookEndpoint,
  getWebhookDelivery,
  getWebhookEndpoint,
  listWebhookDeliveries,
  listWebhookEndpoints,
  resendWebhookDelivery,
  WEBHOOK_EVENT_TYPES_MAX,
  WEBHOOK_URL_MAX,
  type WebhookAttempt,
  type WebhookDelivery,
  type WebhookEndpoint,
} from '../core/events/webhookStore.js';
import type { DB } from '../db/schema.js';
import { adminError } from './errors.js';
import { defineRoute, type AdminRoute } from './route.js';
import type { ObjectSchema, Schema } from './schema.js';
import { listOf } from './views.js';

const id: Schema = { type: 'integer', minimum: 1 };
const appParams: ObjectSchema = { type: 'object', properties: { id }, required: ['id'] };
const endpointParams: ObjectSchema = { type: 'object', properties: { id, wid: id }, required: ['id', 'wid'] };
const time: Schema = { type: 'string', format: 'date-time' };
const nullableTime: Schema = { type: ['string', 'null'], format: 'date-time' };
const eventType: Schema = { type: 'string', pattern: '^(\\*|[a-z][a-z0-9_]*(\\.[a-z0-9_]+)*)$', maxLength: 100, example: 'payment.completed' };

const endpointProperties: Record<string, Schema> = {
  id: { type: 'integer' },
  app_id: { type: 'integer' },
  url: { type: 'string', example: 'https://example.com/plaza/webhooks' },
  events: { type: ['array', 'null'], items: eventType, description: 'The event types sent to this endpoint; null = all.' },
  status: { type: 'string', enum: ['active', 'disabled'] },
  created_at: time,
  disabled_at: nullableTime,
};
const endpointSchema: ObjectSchema = { type: 'object', properties: endpointProperties, required: Object.keys(endpointProperties), additionalProperties: false };
const createdEndpointSchema: ObjectSchema = {
  type: 'object',
  properties: {
    ...endpointProperties,
    secret: { type: 'string', description: 'The signing secret of Plaza-Signature. Shown only in this answer: store it now.', example: 'whsec_…' },
  },
  required: [...Object.keys(endpointProperties), 'secret'],
  additionalProperties: false,
};

const attemptSchema: ObjectSchema = {
  type: 'object',
  properties: {
    at: time,
    status_code: { type: ['integer', 'null'], description: 'null when no HTTP answer came (connection error, timeout).' },
    error: { type: ['string', 'null'] },
    duration_ms: { type: 'integer' },
  },
  required: ['at', 'status_code', 'error', 'duration_ms'],
  additionalProperties: false,
};
const deliveryProperties: Record<string, Schema> = {
  id: { type: 'integer', description: 'Sent as the Plaza-Delivery header.' },
  endpoint_id: { type: 'integer' },
  event_id: { type: 'string', example: 'evt_4f9c2a1b8d7e6f5a4b3c2d1e' },
  event_type: { type: 'string', example: 'payment.completed' },
  status: { type: 'string', enum: ['pending', 'succeeded', 'failed'], description: '`failed`: given up after a day of retries, or the endpoint was disabled.' },
  attempts: { type: 'integer' },
  next_attempt_at: { ...nullableTime, description: 'When the next attempt is due; null unless pending.' },
  last_status_code: { type: ['integer', 'null'] },
  last_error: { type: ['string', 'null'] },
  created_at: time,
  updated_at: time,
};
const deliverySchema: ObjectSchema = { type: 'object', properties: deliveryProperties, required: Object.keys(deliveryProperties), additionalProperties: false };
const deliveryWithAttemptsSchema: ObjectSchema = {
  type: 'object',
  properties: { ...deliveryProperties, attempt_log: listOf(attemptSchema) },
  required: [...Object.keys(deliveryProperties), 'attempt_log'],
  additionalProperties: false,
};

const iso = (ms: number) => new Date(ms).toISOString();
const isoOrNull = (ms: number | null) => (ms === null ? null : iso(ms));

function endpointView(e: WebhookEndpoint) {
  return { id: e.id, app_id: e.appId, url: e.url, events: e.eventTypes, status: e.status, created_at: iso(e.createdAt), disabled_at: isoOrNull(e.disabledAt) };
}

function deliveryView(d: WebhookDelivery) {
  return {
    id: d.id,
    endpoint_id: d.endpointId,
    event_id: d.eventId,
    event_type: d.eventType,
    status: d.status,
    attempts: d.attempts,
    next_attempt_at: isoOrNull(d.nextAttemptAt),
    last_status_code: d.lastStatusCode,
    last_error: d.lastError,
    created_at: iso(d.createdAt),
    updated_at: iso(d.updatedAt),
  };
}

function attemptView(a: WebhookAttempt) {
  return { at: iso(a.at), status_code: a.statusCode, error: a.error, duration_ms: a.durationMs };
}

/** The endpoint `wid` of app `appId`, which `caller` may manage; 404 when it belongs to another app. */
async function endpointOf(db: Kysely<DB>, caller: Developer, appId: number, wid: number): Promise<WebhookEndpoint> {
  await ownedLiveApp(db, caller, appId);
  const endpoint = await getWebhookEndpoint(db, wid);
  if (!endpoint || endpoint.appId !== appId) throw adminError('not_found', `app ${appId} has no webhook endpoint ${wid}`);
  return endpoint;
}

const DEFAULT_PAGE = 50;

export const WEBHOOK_ROUTES: readonly AdminRoute[] = [
  defineRoute({
    method: 'POST',
    path: '/admin/v1/apps/:id/webhooks',
    operationId: 'createWebhookEndpoint',
    summary: "Register a webhook URL for an app's events (the app's owner or an admin); the answer holds the signing secret, once",
    tag: 'webhooks',
    access: 'developer',
    params: appParams,
    body: {
      type: 'object',
      properties: {
        url: { type: 'string', minLength: 1, maxLength: WEBHOOK_URL_MAX, description: 'Absolute http or https URL.', example: 'https://example.com/plaza/webhooks' },
        events: { type: 'array', items: eventType, description: `1 to ${WEBHOOK_EVENT_TYPES_MAX} event types; omitted (or "*") = all.` },
      },
      required: ['url'],
      additionalProperties: false,
    },
    status: 201,
    response: createdEndpointSchema,
    errors: ['invalid_request', 'forbidden', 'not_found', 'invalid_state', 'idempotency_conflict'],
    async handler({ trx, params, body, caller, services }) {
      const appId = params.id as number;
      await ownedLiveApp(trx(), caller, appId);
      const { endpoint, secret } = await createWebhookEndpoint(
        trx(),
        { appId, url: body.url as string, eventTypes: (body.events as string[] | undefined) ?? null },
        { box: services.box, clock: services.clock },
      );
      return { ...endpointView(endpoint), secret };
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/admin/v1/apps/:id/webhooks',
    operationId: 'listWebhookEndpoints',
    summary: "An app's webhook endpoints (without their secrets)",
    tag: 'webhooks',
    access: 'developer',
    params: appParams,
    status: 200,
    response: listOf(endpointSchema),
    errors: ['forbidden', 'not_found'],
    async handler({ db, params, caller }) {
      await ownedLiveApp(db, caller, params.id as number);
      return (await listWebhookEndpoints(db, params.id as number)).map(endpointView);
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/admin/v1/apps/:id/webhooks/:wid/disable',
    operationId: 'disableWebhookEndpoint',
    summary: 'Disable a webhook endpoint: it receives nothing more and its pending deliveries are given up',
    tag: 'webhooks',
    access: 'developer',
    params: endpointParams,
    status: 200,
    response: endpointSchema,
    errors: ['forbidden', 'not_found', 'idempotency_conflict'],
    async handler({ trx, params, caller, services }) {
      await endpointOf(trx(), caller, params.id as number, params.wid as number);
      return endpointView(await disableWebhookEndpoint(trx(), params.wid as number, services.clock));
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/admin/v1/apps/:id/webhooks/:wid/deliveries',
    operationId: 'listWebhookDeliveries',
    summary: "A webhook endpoint's deliveries, newest first, each with its attempts",
    tag: 'webhooks',
    access: 'developer',
    params: endpointParams,
    query: {
      type: 'object',
      properties: {
        before: { type: 'integer', minimum: 1, description: 'Return deliveries with a smaller id (exclusive cursor).' },
        limit: { type: 'integer', minimum: 1, maximum: 200, description: `Page size, default ${DEFAULT_PAGE}.` },
      },
    },
    status: 200,
    response: listOf(deliveryWithAttemptsSchema),
    errors: ['invalid_request', 'forbidden', 'not_found'],
    async handler({ db, params, query, caller }) {
      await endpointOf(db, caller, params.id as number, params.wid as number);
      const list = await listWebhookDeliveries(db, params.wid as number, {
        ...(query.before !== undefined ? { beforeId: query.before as number } : {}),
        limit: (query.limit as number | undefined) ?? DEFAULT_PAGE,
      });
      return list.map((d) => ({ ...deliveryView(d), attempt_log: d.attemptLog.map(attemptView) }));
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/admin/v1/webhook-deliveries/:did/resend',
    operationId: 'resendWebhookDelivery',
    summary: 'Re-queue a delivery for an attempt now, with a fresh day of retries',
    tag: 'webhooks',
    access: 'developer',
    params: { type: 'object', properties: { did: id }, required: ['did'] },
    status: 200,
    response: deliverySchema,
    errors: ['forbidden', 'not_found', 'invalid_state', 'idempotency_conflict'],
    async handler({ trx, params, caller, services }) {
      const delivery = await getWebhookDelivery(trx(), params.did as number);
      const endpoint = delivery ? await getWebhookEndpoint(trx(), delivery.endpointId) : null;
      if (!delivery || !endpoint) throw adminError('not_found', `no webhook delivery ${params.did as number}`);
      await ownedLiveApp(trx(), caller, endpoint.appId);
      return deliveryView(await resendWebhookDelivery(trx(), delivery.id, services.clock));
    },
  }),
];
