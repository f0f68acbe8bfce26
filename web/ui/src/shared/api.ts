// The one way the UIs talk to Plaza: JSON over fetch with a bearer token, and every failure turned into an ApiError
// carrying the server's `{"error":{"code","message"}}` (or a plain description when the answer was not JSON).
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export type Query = Record<string, string | number | boolean | undefined | null>;

export interface ApiClient {
  get<T>(path: string, query?: Query): Promise<T>;
  send<T>(method: 'POST' | 'PATCH' | 'PUT', path: string, body?: unknown): Promise<T>;
}

export function withQuery(path: string, query: Query = {}): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null && v !== '') params.set(k, String(v));
  const qs = params.toString();
  return qs ? `${path}?${qs}` : path;
}

function errorOf(status: number, text: string): ApiError {
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed && typeof parsed === 'object' && 'error' in parsed) {
      const e = (parsed as { error: unknown }).error;
      if (e && typeof e === 'object') {
        const { code, message } = e as { code?: unknown; message?: unknown };
        return new ApiError(status, typeof code === 'string' ? code : 'error', typeof message === 'string' ? message : `request failed (${status})`);
      }
      if (typeof e === 'string') return new ApiError(status, e, `request failed: ${e}`);
    }
  } catch {
    // not JSON: fall through to a generic description
  }
  return new ApiError(status, status === 0 ? 'network_error' : 'http_error', status === 0 ? 'Plaza could not be reached' : `request failed (HTTP ${status})`);
}

/**
 * A client for one API prefix. `token()` is read on every call (the session may change); `onUnauthorized` runs on a
 * 401 so the app can drop a dead session and show the sign-in page.
 */
export function createClient(options: { base: string; token: () => string | null; onUnauthorized?: () => void }): ApiClient {
  async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json' };
    const token = options.token();
    if (token) headers.authorization = `Bearer ${token}`;
    let init: RequestInit = { method, headers };
    if (method !== 'GET') {
      headers['content-type'] = 'application/json';
      // A fresh key per click: a retried network failure of the same call cannot apply twice.
      headers['idempotency-key'] = crypto.randomUUID();
      init = { ...init, body: JSON.stringify(body ?? {}) };
    }
    let response: Response;
    try {
      response = await fetch(`${options.base}${path}`, init);
    } catch {
      throw errorOf(0, '');
    }
    const text = await response.text();
    if (!response.ok) {
      if (response.status === 401) options.onUnauthorized?.();
      throw errorOf(response.status, text);
    }
    return (text ? JSON.parse(text) : null) as T;
  }
  return {
    get: <T>(path: string, query?: Query) => call<T>('GET', withQuery(path, query)),
    send: <T>(method: 'POST' | 'PATCH' | 'PUT', path: string, body?: unknown) => call<T>(method, path, body),
  };
}

export function messageOf(err: unknown): string {
  if (err instanceof ApiError) return err.message;
  if (err instanceof Error) return err.message;
  return String(err);
}
