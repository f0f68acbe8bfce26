// What a store's failure means, the same way on both stores (PostgreSQL SQLSTATE codes, SQLite result codes).
// Callers turn a lost race on a unique index into the same refusal as their pre-check, and a transient failure
// into a "retry" answer rather than a 500.

type DbFailure = { code?: string; message?: string; constraint?: string; detail?: string } | null;

/** A write failed on a unique index or primary key. */
export function isUniqueViolation(err: unknown): boolean {
  const e = err as DbFailure;
  return e?.code === '23505' || /^SQLITE_CONSTRAINT_(UNIQUE|PRIMARYKEY)$/.test(e?.code ?? '') || /UNIQUE constraint failed/.test(e?.message ?? '');
}

/** A write failed on a foreign key. */
export function isForeignKeyViolation(err: unknown): boolean {
  const e = err as DbFailure;
  return e?.code === '23503' || e?.code === 'SQLITE_CONSTRAINT_FOREIGNKEY' || /FOREIGN KEY constraint failed/.test(e?.message ?? '');
}

/** The constraint or column text of a violation, to tell which unique key was hit. */
export function violationDetail(err: unknown): string {
  const e = err as DbFailure;
  return `${e?.constraint ?? ''} ${e?.message ?? ''} ${e?.detail ?? ''}`;
}

/**
 * A failure the client may simply retry: SQLite busy/locked after busy_timeout, PostgreSQL serialization failure,
 * deadlock, lock timeout, statement timeout, or no pool connection in time.
 */
export function isTransientDbError(err: unknown): boolean {
  const e = err as DbFailure;
  const code = e?.code ?? '';
  if (/^SQLITE_(BUSY|LOCKED)/.test(code)) return true;
  if (['40001', '40P01', '55P03', '57014'].includes(code)) return true;
  return /timeout exceeded when trying to connect|database is locked/i.test(e?.message ?? '');
}
