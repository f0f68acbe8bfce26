// Data loading for pages: one request per dependency change, the latest answer wins, and a reload for after writes.
import { useCallback, useEffect, useRef, useState } from 'react';
import { messageOf } from './api';

export interface Async<T> {
  data: T | undefined;
  error: string | null;
  loading: boolean;
  reload(): void;
}

export function useAsync<T>(load: () => Promise<T>, deps: readonly unknown[]): Async<T> {
  const [state, setState] = useState<{ data: T | undefined; error: string | null; loading: boolean }>({ data: undefined, error: null, loading: true });
  const [tick, setTick] = useState(0);
  const seq = useRef(0);
  useEffect(() => {
    const mine = ++seq.current;
    setState((s) => ({ ...s, loading: true }));
    load().then(
      (data) => {
        if (mine === seq.current) setState({ data, error: null, loading: false });
      },
      (err: unknown) => {
        if (mine === seq.current) setState((s) => ({ data: s.data, error: messageOf(err), loading: false }));
      },
    );
    // eslint-disable-next-line react-hooks/exhaustive-deps -- the caller names the dependencies
  }, [...deps, tick]);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { ...state, reload };
}

/** Runs `fn` every `ms` while the page is visible (the ledger explorer's live refresh). */
export function useInterval(fn: () => void, ms: number): void {
  const saved = useRef(fn);
  saved.current = fn;
  useEffect(() => {
    const id = window.setInterval(() => {
      if (document.visibilityState === 'visible') saved.current();
    }, ms);
    return () => window.clearInterval(id);
  }, [ms]);
}

/**
 * Cursor paging over an API that takes `after` (exclusive) and `limit`: the cursors of the pages seen so far are
 * kept so "Previous" goes back without the API needing a reverse cursor.
 */
export function useCursorPages<C>(): { cursor: C | undefined; page: number; next(c: C): void; previous(): void; reset(): void } {
  const [stack, setStack] = useState<C[]>([]);
  return {
    cursor: stack[stack.length - 1],
    page: stack.length + 1,
    next: (c: C) => setStack((s) => [...s, c]),
    previous: () => setStack((s) => s.slice(0, -1)),
    reset: () => setStack([]),
  };
}

/**
 * One page of a cursor-paged list: asks for one row more than a page to know whether a next page exists, and
 * resets to the first page whenever `deps` (the filters) change.
 */
export function usePaged<T, C>(
  fetchPage: (cursor: C | undefined, limit: number) => Promise<T[]>,
  cursorOf: (row: T) => C,
  deps: readonly unknown[],
  size = 20,
): { rows: T[]; loaded: boolean; error: string | null; page: number; hasNext: boolean; next(): void; previous(): void; reload(): void } {
  const pages = useCursorPages<C>();
  const key = JSON.stringify(deps);
  const [lastKey, setLastKey] = useState(key);
  if (key !== lastKey) {
    setLastKey(key);
    pages.reset();
  }
  const list = useAsync(() => fetchPage(pages.cursor, size + 1), [key, pages.cursor]);
  const rows = list.data?.slice(0, size) ?? [];
  const last = rows[rows.length - 1];
  return {
    rows,
    loaded: list.data !== undefined,
    error: list.error,
    page: pages.page,
    hasNext: (list.data?.length ?? 0) > size,
    next: () => {
      if (last !== undefined) pages.next(cursorOf(last));
    },
    previous: pages.previous,
    reload: list.reload,
  };
}
