// The Idempotency-Key contract every dialect's POST routes share (PRODUCT.md, Ulord §2.7). The key row, the input
// fingerprint and the rendered response are written in the same database transaction as the effect; a repeat with
// the same input replays the stored bytes, a repeat with another input is a conflict, and a repeat that arrives
// while the first is running waits for it (the first holds the key row's unique index until it commits).
import type { Kysely, Transaction } from 'kysely';
import type { Clock } from '../core/clock.js';
import type { SecretBox } from '../core/crypto/secretbox.js';
import type { DB } from '../db/schema.js';
import { sha256Hex } from '../core/crypto/tokens.js';
import { canonicalJson } from './body.js';
import { isUniqueViolation } from '../db/errors.js';

/** A response as it goes on the wire: what a replay must reproduce byte for byte. */
export interface WireResponse {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
}

export interface IdempotencyKey {
  /** Who the key belongs to: `app:<id>`, `developer:<id>`, `ip:<addr>`… */
  scope: string;
  /** Method and route path without mount prefix or trailing slash, e.g. `POST /v1/role/add`. */
  route: string;
  key: string;
  fingerprint: string;
}

export type IdempotencyOutcome =
  | { kind: 'fresh'; response: WireResponse }
  | { kind: 'replayed'; response: WireResponse }
  | { kind: 'conflict' };

/** What a failed effect renders to, and whether that answer is final (stored) or to be re-evaluated on retry. */
export interface RenderedFailure {
  response: WireResponse;
  store: boolean;
}

export const REPLAY_HEADER = 'idempotent-replayed';

/** Header value rules: 1–255 printable ASCII characters. */
export function isValidIdempotencyKey(key: string): boolean {
  return /^[\x20-\x7e]{1,255}$/.test(key);
}

export type KeyHeader = { ok: true; key: string | null } | { ok: false };

/** The request's `Idempotency-Key` header: absent → `{ok: true, key: null}`; repeated or malformed → `{ok: false}`. */
export function readIdempotencyKeyHeader(value: string | string[] | undefined): KeyHeader {
  if (value === undefined) return { ok: true, key: null };
  return typeof value === 'string' && isValidIdempotencyKey(value) ? { ok: true, key: value } : { ok: false };
}

/** The answer of an idempotent run: a replay is marked `Idempotent-Replayed: true`; a conflict is the dialect's. */
export function answerOf(outcome: IdempotencyOutcome, conflict: () => WireResponse): WireResponse {
  if (outcome.kind === 'conflict') return conflict();
  if (outcome.kind === 'replayed') return { ...outcome.response, headers: { ...outcome.response.headers, [REPLAY_HEADER]: 'true' } };
  return outcome.response;
}

/** SHA-256 of the canonical JSON of the parsed body. */
export function fingerprintOf(parsedBody: unknown): string {
  return sha256Hex(canonicalJson(parsedBody ?? {}));
}

export interface IdempotencyDeps {
  db: Kysely<DB>;
  clock: Clock;
  retentionMs: number;
  /**
   * Seals stored answers: a replay must repeat the first answer byte for byte, and answers carry secrets (an app
   * secret from app/add, a token from login, a webhook signing secret), which must never rest in plain text.
   */
  box: SecretBox;
}

/** The purpose the stored answers are sealed under (see SecretBox). */
const RESPONSE_PURPOSE = 'idempotency.response';

async function findLive(db: Kysely<DB> | Transaction<DB>, key: IdempotencyKey, now: number) {
  return db
    .selectFrom('idempotency_keys')
    .selectAll()
    .where('scope', '=', key.scope)
    .where('route', '=', key.route)
    .where('key', '=', key.key)
    .where('expires_at', '>', now)
    .executeTakeFirst();
}

function decide(row: { fingerprint: string; status_code: bigint | number; headers: string; body: string }, key: IdempotencyKey, box: SecretBox): IdempotencyOutcome {
  if (row.fingerprint !== key.fingerprint) return { kind: 'conflict' };
  return {
    kind: 'replayed',
    response: { statusCode: Number(row.status_code), headers: JSON.parse(row.headers) as Record<string, string>, body: box.open(row.body, RESPONSE_PURPOSE) },
  };
}

/**
 * Runs `work` in one transaction. With a key: the key row is claimed first, inside that transaction, and completed
 * with the response before commit. A thrown error rolls the effect back; `renderFailure` turns it into a response,
 * which is stored (in a transaction of its own) only when it is a final answer.
 *
 * `prepare`, when given, is the expensive part of the request that must not run inside the transaction (password
 * hashing: on SQLite the one connection, on PostgreSQL a pool connection and row locks would be held meanwhile). It
 * runs once, only after the key was found fresh (a replay or a conflict never runs it), with no transaction open;
 * its result is handed to `work`, which must confirm anything it read with a condition. What it throws is rendered
 * like a failure of `work`.
 */
export function runIdempotent(
  deps: IdempotencyDeps,
  key: IdempotencyKey | null,
  work: (trx: Transaction<DB>) => Promise<WireResponse>,
  renderFailure: (err: unknown) => RenderedFailure,
): Promise<IdempotencyOutcome>;
export function runIdempotent<P>(
  deps: IdempotencyDeps,
  key: IdempotencyKey | null,
  work: (trx: Transaction<DB>, prepared: P) => Promise<WireResponse>,
  renderFailure: (err: unknown) => RenderedFailure,
  prepare: () => Promise<P>,
): Promise<IdempotencyOutcome>;
export async function runIdempotent<P>(
  deps: IdempotencyDeps,
  key: IdempotencyKey | null,
  work: (trx: Transaction<DB>, prepared: P | undefined) => Promise<WireResponse>,
  renderFailure: (err: unknown) => RenderedFailure,
  prepare?: () => Promise<P>,
): Promise<IdempotencyOutcome> {
  let prepared: { value: P | undefined } | null = null;
  // At most once per request, even when the key loop below goes round again.
  const prepareOnce = async (): Promise<P | undefined> => (prepared ??= { value: prepare ? await prepare() : undefined }).value;
  if (key === null) {
    try {
      const value = await prepareOnce();
      return { kind: 'fresh', response: await deps.db.transaction().execute((trx) => work(trx, value)) };
    } catch (err) {
      return { kind: 'fresh', response: renderFailure(err).response };
    }
  }
  // Bounded: a concurrent first request either commits (we replay) or rolls back (we run).
  for (let attempt = 0; attempt < 5; attempt++) {
    const existing = await findLive(deps.db, key, deps.clock.now());
    if (existing) return decide(existing, key, deps.box);
    let failure: RenderedFailure | null = null;
    try {
      const value = await prepareOnce();
      // Read after `prepare`, which may take a while: the claim's expiry sweep and timestamps use the current time.
      const now = deps.clock.now();
      const response = await deps.db.transaction().execute(async (trx) => {
        await trx.deleteFrom('idempotency_keys').where('scope', '=', key.scope).where('route', '=', key.route).where('key', '=', key.key).where('expires_at', '<=', now).execute();
        await trx
          .insertInto('idempotency_keys')
          .values({ ...keyColumns(key), status_code: 0, headers: '{}', body: '', created_at: now, expires_at: now + deps.retentionMs })
          .execute();
        const result = await work(trx, value);
        await storeResponse(trx, key, result, deps.box);
        return result;
      });
      return { kind: 'fresh', response: response };
    } catch (err) {
      if (isUniqueViolation(err) && (await findLive(deps.db, key, deps.clock.now()))) continue;
      failure = renderFailure(err);
    }
    if (failure.store) await storeFailure(deps, key, failure.response);
    return { kind: 'fresh', response: failure.response };
  }
  throw new Error('idempotency key stayed contended after 5 attempts');
}

function keyColumns(key: IdempotencyKey) {
  return { scope: key.scope, route: key.route, key: key.key, fingerprint: key.fingerprint };
}

async function storeResponse(trx: Transaction<DB>, key: IdempotencyKey, response: WireResponse, box: SecretBox): Promise<void> {
  await trx
    .updateTable('idempotency_keys')
    .set({ status_code: response.statusCode, headers: JSON.stringify(response.headers), body: box.seal(response.body, RESPONSE_PURPOSE) })
    .where('scope', '=', key.scope)
    .where('route', '=', key.route)
    .where('key', '=', key.key)
    .execute();
}

/** Stores a final failure answer unless a concurrent request stored its own first (then that one stands). */
async function storeFailure(deps: IdempotencyDeps, key: IdempotencyKey, response: WireResponse): Promise<void> {
  const now = deps.clock.now();
  try {
    await deps.db
      .insertInto('idempotency_keys')
      .values({
        ...keyColumns(key),
        status_code: response.statusCode,
        headers: JSON.stringify(response.headers),
        body: deps.box.seal(response.body, RESPONSE_PURPOSE),
        created_at: now,
        expires_at: now + deps.retentionMs,
      })
      .execute();
  } catch (err) {
    if (!isUniqueViolation(err)) throw err;
  }
}

/** Deletes expired keys; called periodically by the server. Returns how many were removed. */
export async function purgeExpiredKeys(deps: IdempotencyDeps): Promise<number> {
  const r = await deps.db.deleteFrom('idempotency_keys').where('expires_at', '<=', deps.clock.now()).executeTakeFirst();
  return Number(r.numDeletedRows);
}
