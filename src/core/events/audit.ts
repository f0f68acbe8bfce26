// The audit log: who changed what, when, under which request. Entries are written in the same transaction as the
// change they describe, so the log never claims a change that rolled back nor misses one that committed.
import type { Kysely, Transaction } from 'kysely';
import type { Clock } from '../clock.js';
import type { DB } from '../../db/schema.js';
import { toNum } from '../../db/values.js';

export interface AuditEntry {
  /** `developer:<id>`, `app:<uid>`, `system`, `cli`… */
  actor: string;
  /** A stable verb: `admin.issueAsset`, `ulord.app.add`… */
  action: string;
  /** What was acted on: `account:12`, `app:30833`… or `` when the action names it. */
  target: string;
  /** Non-secret details (callers strip passwords, secrets and tokens). */
  details: Record<string, unknown>;
  requestId?: string | null;
}

export interface AuditRecord extends Required<AuditEntry> {
  id: number;
  at: number;
}

/**
 * Keys whose values never enter the log, at any depth, judged by their last word: passwords (with the seed's
 * `pay_passwrod` typo), secrets, tokens, hashes and keys. A setting such as `requireSecretForDeveloperWallet`
 * stays readable, and so does the public `appkey`.
 */
const SECRET_ENDINGS = ['password', 'passwrod', 'secret', 'token', 'hash', 'apikey', 'privatekey', 'apivkey', 'seed'];

function isSecretKey(key: string): boolean {
  const flat = key.toLowerCase().replace(/[^a-z]/g, '');
  return flat === 'key' || SECRET_ENDINGS.some((end) => flat.endsWith(end));
}

/** Drops secret-looking keys at every level; JSON numbers and bigints become their text. */
export function redactDetails(value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(redactDetails);
  if ('text' in value && Object.keys(value).length === 1) return (value as { text: string }).text;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = isSecretKey(k) ? '[redacted]' : redactDetails(v);
  return out;
}

export async function recordAudit(db: Kysely<DB> | Transaction<DB>, entry: AuditEntry, clock: Clock): Promise<void> {
  await db
    .insertInto('audit_log')
    .values({
      at: clock.now(),
      actor: entry.actor,
      action: entry.action,
      target: entry.target,
      details: JSON.stringify(redactDetails(entry.details)),
      request_id: entry.requestId ?? null,
    })
    .execute();
}

/** Newest first. */
export async function listAudit(db: Kysely<DB>, filter: { actor?: string; beforeId?: number; limit: number }): Promise<AuditRecord[]> {
  let q = db.selectFrom('audit_log').selectAll();
  if (filter.actor !== undefined) q = q.where('actor', '=', filter.actor);
  if (filter.beforeId !== undefined) q = q.where('id', '<', filter.beforeId);
  const rows = await q.orderBy('id', 'desc').limit(Math.min(Math.max(filter.limit, 1), 500)).execute();
  return rows.map((r) => ({
    id: toNum(r.id),
    at: toNum(r.at),
    actor: r.actor,
    action: r.action,
    target: r.target,
    details: JSON.parse(r.details) as Record<string, unknown>,
    requestId: r.request_id,
  }));
}
