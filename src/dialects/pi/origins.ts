// Where the hosted Pi pages may hand a result (spec/pi.md §6.3): only to an origin registered for the app (its
// "App URL" list), and in development (config.sandbox) also to http://localhost and http://127.0.0.1 on any port.
// The origin the page was given must be a bare origin (what `location.origin` yields); it is used verbatim as the
// postMessage targetOrigin, never a wildcard.
import type { App } from '../../core/identity/apps.js';
import { appAllowedOrigins } from '../../core/identity/appAccess.js';

/** The origin when `raw` is exactly an http(s) origin (a trailing slash tolerated), else null. */
export function exactOrigin(raw: string): string | null {
  if (raw.length === 0 || raw.length > 2048) return null;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return null;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
  const given = raw.endsWith('/') ? raw.slice(0, -1) : raw;
  return given === url.origin ? url.origin : null;
}

function isLoopbackDevOrigin(origin: string): boolean {
  const url = new URL(origin);
  return url.protocol === 'http:' && (url.hostname === 'localhost' || url.hostname === '127.0.0.1');
}

export function originAllowed(app: App, origin: string, sandbox: boolean): boolean {
  if (sandbox && isLoopbackDevOrigin(origin)) return true;
  return appAllowedOrigins(app).some((registered) => exactOrigin(registered) === origin);
}
