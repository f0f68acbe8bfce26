// A minimal history router: the path below a base (`/console`), links that navigate without reloading (modified
// clicks still open new tabs), and focus moved to the page heading after each navigation for keyboard and
// screen-reader users.
import { useEffect, useSyncExternalStore, type AnchorHTMLAttributes, type MouseEvent } from 'react';

let base = '';
const listeners = new Set<() => void>();

export function setBase(b: string): void {
  base = b.replace(/\/$/, '');
}

function current(): string {
  const p = window.location.pathname;
  const rest = p.startsWith(base) ? p.slice(base.length) : p;
  return (rest || '/') + window.location.search;
}

function notify(): void {
  for (const l of listeners) l();
}

window.addEventListener('popstate', notify);

export function navigate(to: string, options: { replace?: boolean } = {}): void {
  const url = `${base}${to}`;
  if (options.replace) window.history.replaceState(null, '', url);
  else window.history.pushState(null, '', url);
  notify();
  window.scrollTo(0, 0);
  focusPending = true;
}

let focusPending = false;

/** The current path below the base, with its query string (e.g. `/apps/3/payments?state=completed`). */
export function useLocation(): { path: string; query: URLSearchParams } {
  const full = useSyncExternalStore(
    (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    current,
  );
  const [path, qs] = full.split('?', 2) as [string, string | undefined];
  return { path, query: new URLSearchParams(qs ?? '') };
}

/** Matches `/apps/:id/:tab` against a path; returns the named segments or null. */
export function match(pattern: string, path: string): Record<string, string> | null {
  const ps = pattern.split('/').filter(Boolean);
  const xs = path.split('/').filter(Boolean);
  if (ps.length !== xs.length) return null;
  const out: Record<string, string> = {};
  for (let i = 0; i < ps.length; i++) {
    const p = ps[i]!;
    const x = xs[i]!;
    if (p.startsWith(':')) out[p.slice(1)] = decodeURIComponent(x);
    else if (p !== x) return null;
  }
  return out;
}

type LinkProps = AnchorHTMLAttributes<HTMLAnchorElement> & { to: string };

export function Link({ to, onClick, ...rest }: LinkProps) {
  const handle = (e: MouseEvent<HTMLAnchorElement>) => {
    onClick?.(e);
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    navigate(to);
  };
  return <a href={`${base}${to}`} onClick={handle} {...rest} />;
}

/** Sets the document title and moves focus to the page's h1 when the page changes. */
export function usePageTitle(title: string): void {
  useEffect(() => {
    document.title = `${title} · Plaza console`;
    // Only after an in-app navigation: on first load the browser's own focus order stays untouched.
    const h1 = document.querySelector<HTMLElement>('main h1');
    if (h1 && focusPending) {
      focusPending = false;
      h1.tabIndex = -1;
      h1.focus({ preventScroll: true });
    }
  }, [title]);
}
