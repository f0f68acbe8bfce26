// Order and snapshot ids (spec/liveuser.md §7.6): `id = (t << 12) | (w << 7) | s` with t = milliseconds since
// 2020-01-01T00:00:00Z (41 bits), w = worker 0–31, s = sequence 0–127 — below 2^53, so exact in JavaScript and
// JSON, and 15–16 decimal digits (a valid WeChat `out_trade_no`).
//
// The worker number is leased per process from `id_workers` (PostgreSQL: several processes share the store); an
// embedded SQLite store has one process and always uses worker 0. A lease lasts LEASE_TTL_MS and is renewed by the
// liveuser jobs (jobs.ts); a renewal that finds the lease taken over re-leases a free number before the next id.
// Within a process the generator is strictly increasing: 128 ids in one millisecond make it wait for the next one,
// and a clock that steps back is ignored (the last `t` is kept until the clock catches up). A clock that does not
// move at all (a test's manual clock) would wait forever, so after a bounded wait `t` advances logically by one.
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Clock } from '../../core/clock.js';
import type { Database } from '../../db/database.js';

export const ID_EPOCH_MS = Date.UTC(2020, 0, 1);
export const MAX_WORKER = 31;
const MAX_SEQUENCE = 127;
/** How long a worker lease holds without renewal. */
export const LEASE_TTL_MS = 10 * 60_000;
/** Real milliseconds waited for the clock to move before `t` advances logically. */
const MAX_SPINS = 5;

export interface IdGenerator {
  /** The next id: unique, increasing, below 2^53. */
  next(): Promise<number>;
  readonly worker: number;
}

/** Composes an id from its parts (exported for tests: the §7.6 example). */
export function composeId(t: number, worker: number, sequence: number): number {
  if (!Number.isSafeInteger(t) || t < 0 || t >= 2 ** 41) throw new RangeError(`id time ${t} outside 41 bits`);
  if (!Number.isInteger(worker) || worker < 0 || worker > MAX_WORKER) throw new RangeError(`worker ${worker} outside 0..${MAX_WORKER}`);
  if (!Number.isInteger(sequence) || sequence < 0 || sequence > MAX_SEQUENCE) throw new RangeError(`sequence ${sequence} outside 0..${MAX_SEQUENCE}`);
  return t * 4096 + worker * 128 + sequence;
}

/** The parts of an id (console, tests). */
export function decomposeId(id: number): { t: number; worker: number; sequence: number; ms: number } {
  const t = Math.floor(id / 4096);
  const rest = id - t * 4096;
  return { t, worker: Math.floor(rest / 128), sequence: rest % 128, ms: ID_EPOCH_MS + t };
}

export function createIdGenerator(workerOf: () => number, clock: Clock): IdGenerator {
  let lastT = -1;
  let sequence = 0;
  /** Synchronous, so concurrent callers in this process never interleave inside it. Null: wait a millisecond. */
  const take = (force: boolean): number | null => {
    let t = Math.max(clock.now() - ID_EPOCH_MS, lastT);
    if (t === lastT) {
      if (sequence < MAX_SEQUENCE) sequence += 1;
      else if (force) {
        t = lastT + 1;
        sequence = 0;
      } else return null;
    } else sequence = 0;
    lastT = t;
    return composeId(t, workerOf(), sequence);
  };
  return {
    get worker() {
      return workerOf();
    },
    async next() {
      for (let spins = 0; ; spins++) {
        const id = take(spins >= MAX_SPINS);
        if (id !== null) return id;
        await sleep(1);
      }
    },
  };
}

interface Lease {
  worker: number;
  holder: string;
  generator: IdGenerator;
}

const leases = new WeakMap<Database, Promise<Lease>>();

/** Takes the first worker number that is free or whose lease expired (one conditional upsert per number). */
async function acquire(database: Database, holder: string, clock: Clock): Promise<number> {
  if (database.store === 'sqlite') return 0;
  for (let worker = 0; worker <= MAX_WORKER; worker++) {
    const now = clock.now();
    const row = await database.db
      .insertInto('id_workers')
      .values({ worker, holder, expires_at: now + LEASE_TTL_MS })
      .onConflict((oc) =>
        oc
          .column('worker')
          .doUpdateSet({ holder, expires_at: now + LEASE_TTL_MS })
          .where((eb) => eb.or([eb('id_workers.expires_at', '<', now), eb('id_workers.holder', '=', holder)])),
      )
      .returning('worker')
      .executeTakeFirst();
    if (row) return worker;
  }
  throw new Error(`no free id worker: all ${MAX_WORKER + 1} worker numbers are leased by live processes`);
}

/** The id generator of this process for `database`, leasing a worker number on first use. */
export function idGeneratorFor(database: Database, clock: Clock): Promise<IdGenerator> {
  let lease = leases.get(database);
  if (!lease) {
    const holder = randomUUID();
    lease = acquire(database, holder, clock).then((worker) => {
      const state: Lease = { worker, holder, generator: createIdGenerator(() => state.worker, clock) };
      return state;
    });
    // A failed lease is not cached: the next call tries again.
    lease.catch(() => leases.delete(database));
    leases.set(database, lease);
  }
  return lease.then((l) => l.generator);
}

/**
 * Extends this process's lease (PostgreSQL). When another process took the number over (this one stalled past the
 * TTL), a new number is leased and used from the next id on.
 */
export async function renewIdWorker(database: Database, clock: Clock): Promise<void> {
  const lease = await leases.get(database);
  if (!lease || database.store === 'sqlite') return;
  const r = await database.db
    .updateTable('id_workers')
    .set({ expires_at: clock.now() + LEASE_TTL_MS })
    .where('worker', '=', lease.worker)
    .where('holder', '=', lease.holder)
    .executeTakeFirst();
  if (Number(r.numUpdatedRows) !== 1) lease.worker = await acquire(database, lease.holder, clock);
}

/** Gives the number back at shutdown. */
export async function releaseIdWorker(database: Database): Promise<void> {
  const lease = await leases.get(database)?.catch(() => undefined);
  leases.delete(database);
  if (!lease || database.store === 'sqlite') return;
  await database.db.deleteFrom('id_workers').where('worker', '=', lease.worker).where('holder', '=', lease.holder).execute();
}
