// The webhook delivery worker and the signature scheme.
//
// Every process may run a worker. A worker claims due deliveries with a compare-and-swap on `next_attempt_at`
// (pending and due → pending with a lease in the future), so of several workers reading the same row exactly one
// claims it; the lease also brings a delivery back if its worker dies mid-attempt. The lease (60 s) is longer than
// the request timeout (10 s), so a live worker always finishes before anyone else may claim the row again.
//
// Deciding what happens after an attempt is a pure function (`afterAttempt`); the result is written with a condition
// on the lease this worker holds. Every attempt is appended to `webhook_attempts`.
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { FastifyBaseLogger } from 'fastify';
import type { Kysely } from 'kysely';
import type { Clock } from '../clock.js';
import type { SecretBox } from '../crypto/secretbox.js';
import type { DB } from '../../db/schema.js';
import { toNum } from '../../db/values.js';
import { WEBHOOK_SECRET_PURPOSE } from './webhookStore.js';

export const WEBHOOK_TIMEOUT_MS = 10_000;
export const WEBHOOK_LEASE_MS = 60_000;
export const BACKOFF_BASE_MS = 10_000;
export const BACKOFF_CAP_MS = 6 * 3600_000;
const ERROR_TEXT_MAX = 500;

// ---- Signature ----

/** `t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`. */
export function signPlazaPayload(body: string, secret: string, unixSeconds: number): string {
  const mac = createHmac('sha256', secret).update(`${unixSeconds}.${body}`, 'utf8').digest('hex');
  return `t=${unixSeconds},v1=${mac}`;
}

/**
 * Checks a `Plaza-Signature` header against the raw request body (the exact bytes received, before any JSON parsing)
 * and the endpoint's signing secret. `now` is epoch milliseconds (`Date.now()`); the timestamp must be within
 * `toleranceSeconds` of it, which bounds replays. Any `v1` entry may match (several appear while a secret rotates).
 */
export function verifyPlazaSignature(header: string | undefined | null, body: string | Buffer, secret: string, toleranceSeconds: number, now: number): boolean {
  if (typeof header !== 'string' || header.length > 1024) return false;
  let t: number | null = null;
  const candidates: string[] = [];
  for (const part of header.split(',')) {
    const eq = part.indexOf('=');
    const key = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (key === 't' && /^[0-9]{1,12}$/.test(value)) t = Number(value);
    else if (key === 'v1' && /^[0-9a-f]{64}$/.test(value)) candidates.push(value);
  }
  if (t === null || candidates.length === 0) return false;
  if (Math.abs(now / 1000 - t) > toleranceSeconds) return false;
  const text = typeof body === 'string' ? body : body.toString('utf8');
  const expected = Buffer.from(signPlazaPayload(text, secret, t).slice(`t=${t},v1=`.length), 'hex');
  return candidates.some((c) => timingSafeEqual(Buffer.from(c, 'hex'), expected));
}

// ---- The decision after an attempt ----

export type AttemptOutcome = { ok: true } | { ok: false };

export type NextStep = { status: 'succeeded' } | { status: 'failed' } | { status: 'pending'; nextAttemptAt: number };

/** The delay before retry number `attempts` (1 = after the first failure): 10 s × 2^(n−1), ±20 % jitter, at most 6 h. */
export function backoffMs(attempts: number, random: number): number {
  const exp = Math.min(BACKOFF_BASE_MS * 2 ** Math.min(Math.max(attempts - 1, 0), 30), BACKOFF_CAP_MS);
  return Math.round(exp * (0.8 + 0.4 * random));
}

export function afterAttempt(input: { ok: boolean; attempts: number; retryUntil: number; now: number; random: number }): NextStep {
  if (input.ok) return { status: 'succeeded' };
  if (input.now >= input.retryUntil) return { status: 'failed' };
  return { status: 'pending', nextAttemptAt: input.now + backoffMs(input.attempts, input.random) };
}

// ---- The worker ----

export interface WebhookWorkerOptions {
  db: Kysely<DB>;
  box: SecretBox;
  clock: Clock;
  logger: Pick<FastifyBaseLogger, 'warn' | 'debug'>;
  fetch?: typeof fetch;
  intervalMs?: number;
  batchSize?: number;
  concurrency?: number;
  /** Jitter source in [0, 1); tests pin it. */
  random?: () => number;
}

export interface WebhookWorker {
  /** Claims and sends one batch of due deliveries; resolves with how many were attempted. */
  runOnce(): Promise<number>;
  /** Stops the timer and waits for the running batch. */
  stop(): Promise<void>;
}

interface Claimed {
  id: number;
  leaseUntil: number;
}

/** Claims up to `limit` due deliveries; each claim is a conditional update only one worker can win. */
async function claimDue(db: Kysely<DB>, now: number, limit: number): Promise<Claimed[]> {
  const due = await db
    .selectFrom('webhook_deliveries')
    .select(['id', 'next_attempt_at'])
    .where('status', '=', 'pending')
    .where('next_attempt_at', '<=', now)
    .orderBy('next_attempt_at')
    .limit(limit)
    .execute();
  const claimed: Claimed[] = [];
  const leaseUntil = now + WEBHOOK_LEASE_MS;
  for (const row of due) {
    const r = await db
      .updateTable('webhook_deliveries')
      .set({ next_attempt_at: leaseUntil, updated_at: now })
      .where('id', '=', row.id)
      .where('status', '=', 'pending')
      .where('next_attempt_at', '=', row.next_attempt_at)
      .executeTakeFirst();
    if (Number(r.numUpdatedRows) === 1) claimed.push({ id: toNum(row.id), leaseUntil });
  }
  return claimed;
}

async function loadForSend(db: Kysely<DB>, id: number) {
  return db
    .selectFrom('webhook_deliveries as d')
    .innerJoin('webhook_endpoints as w', 'w.id', 'd.endpoint_id')
    .innerJoin('events_outbox as e', 'e.id', 'd.event_id')
    .select(['d.id', 'd.attempts', 'd.retry_until', 'w.url', 'w.secret_enc', 'w.status as endpoint_status', 'e.id as event_id', 'e.type', 'e.app_id', 'e.payload', 'e.created_at'])
    .where('d.id', '=', id)
    .executeTakeFirst();
}

/** The delivered body: the event as apps see it. Built from the stored canonical payload text, never re-encoded. */
export function eventBody(e: { id: string; type: string; createdAt: number; appId: number; payloadJson: string }): string {
  return `{"id":${JSON.stringify(e.id)},"type":${JSON.stringify(e.type)},"created_at":${JSON.stringify(new Date(e.createdAt).toISOString())},"app_id":${e.appId},"data":${e.payloadJson}}`;
}

async function post(doFetch: typeof fetch, url: string, body: string, headers: Record<string, string>): Promise<{ statusCode: number | null; error: string | null }> {
  try {
    const res = await doFetch(url, { method: 'POST', body, headers, redirect: 'manual', signal: AbortSignal.timeout(WEBHOOK_TIMEOUT_MS) });
    await res.body?.cancel().catch(() => undefined);
    return { statusCode: res.status, error: res.status >= 200 && res.status < 300 ? null : `HTTP ${res.status}` };
  } catch (err) {
    const e = err as Error & { cause?: { code?: string; message?: string } };
    const text = e.name === 'TimeoutError' ? `timed out after ${WEBHOOK_TIMEOUT_MS} ms` : (e.cause?.code ?? e.cause?.message ?? e.message);
    return { statusCode: null, error: String(text).slice(0, ERROR_TEXT_MAX) };
  }
}

async function deliverOne(o: Required<Omit<WebhookWorkerOptions, 'intervalMs' | 'batchSize' | 'concurrency'>>, claim: Claimed): Promise<void> {
  const { db, clock } = o;
  const row = await loadForSend(db, claim.id);
  if (!row) return;
  if (row.endpoint_status !== 'active') {
    await db.updateTable('webhook_deliveries').set({ status: 'failed', last_error: 'endpoint disabled', updated_at: clock.now() }).where('id', '=', claim.id).where('next_attempt_at', '=', claim.leaseUntil).execute();
    return;
  }
  const at = clock.now();
  const body = eventBody({ id: row.event_id, type: row.type, createdAt: toNum(row.created_at), appId: toNum(row.app_id), payloadJson: row.payload });
  const secret = o.box.open(row.secret_enc, WEBHOOK_SECRET_PURPOSE);
  const headers = {
    'content-type': 'application/json',
    'user-agent': 'Plaza-Webhooks/1',
    'plaza-event': row.type,
    'plaza-delivery': String(claim.id),
    'plaza-signature': signPlazaPayload(body, secret, Math.floor(at / 1000)),
  };
  const started = performance.now();
  const result = await post(o.fetch, row.url, body, headers);
  const durationMs = Math.round(performance.now() - started);
  const attempts = toNum(row.attempts) + 1;
  const now = clock.now();
  const next = afterAttempt({ ok: result.error === null, attempts, retryUntil: toNum(row.retry_until), now, random: o.random() });
  await db.transaction().execute(async (trx) => {
    await trx.insertInto('webhook_attempts').values({ delivery_id: claim.id, at, status_code: result.statusCode, error: result.error, duration_ms: durationMs }).execute();
    // Conditional on our lease: a resend meanwhile re-queued the delivery, and its own attempt decides.
    await trx
      .updateTable('webhook_deliveries')
      .set({
        status: next.status,
        attempts,
        next_attempt_at: next.status === 'pending' ? next.nextAttemptAt : now,
        last_status_code: result.statusCode,
        last_error: result.error,
        updated_at: now,
      })
      .where('id', '=', claim.id)
      .where('status', '=', 'pending')
      .where('next_attempt_at', '=', claim.leaseUntil)
      .execute();
  });
  if (next.status === 'failed') o.logger.warn({ deliveryId: claim.id, url: row.url, attempts }, 'webhook delivery given up');
}

/** Runs `work` over `items` with at most `limit` in flight. */
async function eachLimited<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < items.length) await work(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
}

export function startWebhookWorker(options: WebhookWorkerOptions): WebhookWorker {
  const o = { db: options.db, box: options.box, clock: options.clock, logger: options.logger, fetch: options.fetch ?? fetch, random: options.random ?? Math.random };
  const batchSize = options.batchSize ?? 50;
  const concurrency = options.concurrency ?? 8;
  let running: Promise<number> | null = null;
  let stopped = false;

  const runOnce = (): Promise<number> => {
    running ??= (async () => {
      const claimed = await claimDue(o.db, o.clock.now(), batchSize);
      await eachLimited(claimed, concurrency, (c) =>
        deliverOne(o, c).catch((err: unknown) => o.logger.warn({ err, deliveryId: c.id }, 'webhook delivery failed to run')),
      );
      return claimed.length;
    })().finally(() => {
      running = null;
    });
    return running;
  };

  const timer = setInterval(() => {
    if (stopped || running) return;
    void runOnce().catch((err: unknown) => o.logger.warn({ err }, 'webhook worker batch failed'));
  }, options.intervalMs ?? 1000);
  timer.unref();

  return {
    runOnce,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running?.catch(() => undefined);
    },
  };
}
