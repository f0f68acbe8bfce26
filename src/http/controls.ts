// The operator controls in force (maintenance, switched-off endpoints, IP deny list, rate limits). Dialects read
// them through this store on every request; `current()` is synchronous and cheap (a cached snapshot).
//
// Where the values come from: the configuration (`config.operator`, from the configuration file) is the base; the
// JSON object in the `settings` row `operator.controls` overrides it field by field. The admin API writes that row
// (in its idempotency transaction) and then applies the new overrides in this process at once; every other Plaza
// process sharing the database re-reads the row every CONTROLS_REFRESH_MS, so a change is in force everywhere
// within that bound.
import type { Kysely } from 'kysely';
import type { OperatorControls } from '../config.js';
import type { Db } from '../core/identity/deps.js';
import { isPostgres } from '../core/ledger/rows.js';
import type { DB } from '../db/schema.js';
import { JsonNumber } from './body.js';
import { cidrProblem, createIpFilter, type IpFilter } from './ipFilter.js';

export interface ControlsStore {
  current(): OperatorControls;
  isIpDenied(ip: string): boolean;
  /** Puts stored overrides in force in this process at once (the admin API calls it after its commit). */
  apply?(overrides: ControlsOverrides): void;
  /** Re-reads the stored overrides (what other processes changed). */
  refresh?(): Promise<void>;
  /** Stops the refresh timer and waits for a refresh in flight. */
  close?(): Promise<void>;
}

/** The fields set at runtime, over the configuration's values. */
export type ControlsOverrides = Partial<OperatorControls>;
/** A partial update: a value sets the field, `null` returns it to the configuration's value. */
export type ControlsPatch = { [K in keyof OperatorControls]?: OperatorControls[K] | null };

export const CONTROLS_SETTING = 'operator.controls';
/** Bound on how long another process's change takes to reach this one. */
export const CONTROLS_REFRESH_MS = 2000;

const LIST_FIELDS = ['maintenanceEndpoints', 'disabledEndpoints', 'ipDenyList'] as const;
const LIMIT_FIELDS = ['perIpPerMinute', 'perKeyPerMinute'] as const;
const FIELDS: readonly (keyof OperatorControls)[] = ['maintenance', ...LIST_FIELDS, ...LIMIT_FIELDS];
const MAX_LIST_ENTRIES = 1000;
const MAX_LIMIT_PER_MINUTE = 1_000_000_000;
/** `<dialect>:<path>`, as the dialects name their routes (`ulord:/v1/app/add`). */
const ROUTE_KEY = /^[a-z][a-z0-9_-]{0,31}:\/[!-~]{0,200}$/;

function listProblem(field: (typeof LIST_FIELDS)[number], value: unknown): string | null {
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) return `${field} must be an array of strings`;
  if (value.length > MAX_LIST_ENTRIES) return `${field} holds at most ${MAX_LIST_ENTRIES} entries`;
  for (const entry of value as string[]) {
    const problem = field === 'ipDenyList' ? cidrProblem(entry) : ROUTE_KEY.test(entry) ? null : `"${entry}" is not a route key such as "ulord:/v1/app/add"`;
    if (problem !== null) return `${field}: ${problem}`;
  }
  return null;
}

function limitOf(value: unknown): number | null {
  const n = value instanceof JsonNumber ? Number(value.text) : value;
  return typeof n === 'number' && Number.isInteger(n) && n >= 0 && n <= MAX_LIMIT_PER_MINUTE ? n : null;
}

/**
 * Validates a partial update (camelCase fields of OperatorControls; numbers may be JsonNumbers). Unknown fields,
 * wrong types, malformed route keys and CIDR ranges, negative or fractional limits are refused, one problem each.
 */
export function parseControlsPatch(raw: Record<string, unknown>): { ok: true; patch: ControlsPatch } | { ok: false; problems: string[] } {
  const patch: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const [field, value] of Object.entries(raw)) {
    if (value === undefined) continue;
    if (!FIELDS.includes(field as keyof OperatorControls)) problems.push(`${field} is not an operator control`);
    else if (value === null) patch[field] = null;
    else if (field === 'maintenance') {
      if (typeof value === 'boolean') patch[field] = value;
      else problems.push('maintenance must be true or false');
    } else if ((LIST_FIELDS as readonly string[]).includes(field)) {
      const problem = listProblem(field as (typeof LIST_FIELDS)[number], value);
      if (problem === null) patch[field] = [...new Set(value as string[])];
      else problems.push(problem);
    } else {
      const n = limitOf(value);
      if (n === null) problems.push(`${field} must be a whole number of requests per minute from 0 (unlimited) to ${MAX_LIMIT_PER_MINUTE}`);
      else patch[field] = n;
    }
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, patch: patch as ControlsPatch };
}

/** The overrides after `patch` (null fields dropped: they fall back to the configuration). */
export function patchOverrides(overrides: ControlsOverrides, patch: ControlsPatch): ControlsOverrides {
  const out: Record<string, unknown> = { ...overrides };
  for (const [field, value] of Object.entries(patch)) {
    if (value === null) delete out[field];
    else if (value !== undefined) out[field] = value;
  }
  return out as ControlsOverrides;
}

export function effectiveControls(base: OperatorControls, overrides: ControlsOverrides): OperatorControls {
  return Object.keys(overrides).length === 0 ? base : { ...base, ...overrides };
}

/** The stored overrides; a row that no longer validates (edited by hand) keeps its valid fields only. */
function decodeOverrides(text: string): { overrides: ControlsOverrides; problems: string[] } {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return { overrides: {}, problems: ['the stored value is not JSON'] };
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return { overrides: {}, problems: ['the stored value is not an object'] };
  const valid: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const [k, v] of Object.entries(raw)) {
    const one = parseControlsPatch({ [k]: v });
    if (one.ok) Object.assign(valid, one.patch);
    else problems.push(...one.problems);
  }
  return { overrides: patchOverrides({}, valid as ControlsPatch), problems };
}

async function readRow(db: Db): Promise<string | null> {
  const row = await db.selectFrom('settings').select('value').where('key', '=', CONTROLS_SETTING).executeTakeFirst();
  return row?.value ?? null;
}

export async function readStoredOverrides(db: Db): Promise<ControlsOverrides> {
  const text = await readRow(db);
  return text === null ? {} : decodeOverrides(text).overrides;
}

/** Applies `patch` to the stored overrides inside `trx` (an upsert of one settings row); returns the new overrides. */
export async function storeControlsPatch(trx: Db, patch: ControlsPatch): Promise<ControlsOverrides> {
  // Read-modify-write: on PostgreSQL the row is created if absent, then locked, so two racing changes both count.
  if (isPostgres(trx)) {
    await trx.insertInto('settings').values({ key: CONTROLS_SETTING, value: '{}' }).onConflict((oc) => oc.column('key').doNothing()).execute();
    await trx.selectFrom('settings').select('key').where('key', '=', CONTROLS_SETTING).forUpdate().execute();
  }
  const overrides = patchOverrides(await readStoredOverrides(trx), patch);
  const value = JSON.stringify(overrides);
  await trx
    .insertInto('settings')
    .values({ key: CONTROLS_SETTING, value })
    .onConflict((oc) => oc.column('key').doUpdateSet({ value }))
    .execute();
  return overrides;
}

interface Snapshot {
  controls: OperatorControls;
  filter: IpFilter;
  overrides: ControlsOverrides;
}

function snapshotOf(base: OperatorControls, overrides: ControlsOverrides, previous?: Snapshot): Snapshot {
  const controls = effectiveControls(base, overrides);
  const sameList = previous !== undefined && previous.controls.ipDenyList.join('\n') === controls.ipDenyList.join('\n');
  return { controls, filter: sameList ? previous.filter : createIpFilter(controls.ipDenyList), overrides };
}

/** Controls fixed at start-up (from the configuration); `apply` still works, for this process only. */
export function staticControls(controls: OperatorControls): ControlsStore {
  let snap = snapshotOf(controls, {});
  return {
    current: () => snap.controls,
    isIpDenied: (ip) => snap.filter.isDenied(ip),
    apply: (overrides) => {
      snap = snapshotOf(controls, overrides, snap);
    },
  };
}

export interface DbControlsOptions {
  db: Kysely<DB>;
  /** The configuration's values (`config.operator`). */
  base: OperatorControls;
  logger: { warn(obj: object, msg: string): void };
  refreshMs?: number;
}

export type DbControlsStore = Required<ControlsStore>;

/**
 * Controls backed by the `settings` row, refreshed every `refreshMs` (unref'd timer). Call `refresh()` once before
 * serving (the server does) and `close()` on shutdown. A failed read keeps the last snapshot and logs a warning.
 */
export function createDbControls(options: DbControlsOptions): DbControlsStore {
  const { db, base, logger } = options;
  let snap = snapshotOf(base, {});
  let seenText: string | null = null;
  // Bumped by apply(): a refresh that started before a local change must not put the older row back in force.
  let generation = 0;
  let inFlight: Promise<void> | null = null;
  let closed = false;

  const load = async () => {
    const started = generation;
    const text = await readRow(db);
    if (started !== generation || text === seenText) return;
    seenText = text;
    const { overrides, problems } = text === null ? { overrides: {}, problems: [] } : decodeOverrides(text);
    if (problems.length > 0) logger.warn({ setting: CONTROLS_SETTING, problems }, 'stored operator controls have invalid fields; they are ignored');
    snap = snapshotOf(base, overrides, snap);
  };
  const refresh = () => {
    inFlight ??= load()
      .catch((err: unknown) => logger.warn({ err }, 'could not re-read the operator controls; keeping the last ones'))
      .finally(() => {
        inFlight = null;
      });
    return inFlight;
  };
  const timer = setInterval(() => {
    if (!closed) void refresh();
  }, options.refreshMs ?? CONTROLS_REFRESH_MS);
  timer.unref();

  return {
    current: () => snap.controls,
    isIpDenied: (ip) => snap.filter.isDenied(ip),
    apply(overrides) {
      generation += 1;
      seenText = JSON.stringify(overrides);
      snap = snapshotOf(base, overrides, snap);
    },
    refresh,
    async close() {
      closed = true;
      clearInterval(timer);
      await inFlight;
    },
  };
}
