// The HTTP core every Plaza client shares: global `fetch` (or one you pass), JSON in and out, the Idempotency-Key
// header, a timeout, and typed errors that keep the dialect's own error envelope. No dependencies.
import { PlazaError, PlazaHttpError } from './errors.js';

/** A `fetch`-compatible function (the global one by default; pass your own to add logging, retries or a proxy). */
export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

export interface ClientOptions {
  /** The Plaza server, e.g. `https://plaza.example.com` (no trailing path). */
  baseUrl: string;
  fetch?: FetchLike;
  /** Milliseconds before a request is aborted (default 30 000; 0 = none). */
  timeoutMs?: number;
  /** Headers sent with every request (e.g. `X-Plaza-App`). */
  headers?: Record<string, string>;
}

export interface RequestOptions {
  /**
   * Sent as `Idempotency-Key`: a retry with the same key and the same input replays the first answer instead of
   * acting twice (every Plaza dialect, every POST). Use one key per intended effect, e.g. a UUID per order.
   */
  idempotencyKey?: string;
  signal?: AbortSignal;
  headers?: Record<string, string>;
}

export interface RawResponse {
  status: number;
  headers: Headers;
  text: string;
  /** The parsed JSON body; undefined when the body is empty or not JSON. */
  json: unknown;
  /** True when Plaza replayed a stored answer for a repeated Idempotency-Key. */
  replayed: boolean;
}

/** Turns a non-success answer into the dialect's typed error. */
export type ErrorFactory = (response: RawResponse) => PlazaHttpError;

/** A random key for `idempotencyKey` (crypto.randomUUID where available). */
export function newIdempotencyKey(): string {
  const c = (globalThis as { crypto?: { randomUUID?: () => string } }).crypto;
  if (c?.randomUUID) return c.randomUUID();
  return `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}${Math.random().toString(36).slice(2)}`;
}

export class HttpCore {
  readonly baseUrl: string;
  private readonly fetchImpl: FetchLike;
  private readonly timeoutMs: number;
  private readonly headers: Record<string, string>;

  constructor(options: ClientOptions) {
    if (!/^https?:\/\//.test(options.baseUrl)) throw new TypeError('baseUrl must be an absolute http(s) URL');
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    const f = options.fetch ?? (globalThis.fetch as FetchLike | undefined);
    if (!f) throw new TypeError('no global fetch: pass options.fetch (Node 18+ and browsers have one)');
    this.fetchImpl = f;
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.headers = { ...options.headers };
  }

  /**
   * One request. `body` undefined sends none; anything else is JSON-encoded. Answers with a status outside 2xx
   * (or for which `isError` says so) are thrown through `toError`.
   */
  async request(
    method: string,
    path: string,
    input: { body?: unknown; headers?: Record<string, string>; options?: RequestOptions | undefined },
    toError: ErrorFactory,
    isError: (r: RawResponse) => boolean = (r) => r.status < 200 || r.status >= 300,
  ): Promise<RawResponse> {
    const headers: Record<string, string> = { accept: 'application/json', ...this.headers, ...input.headers, ...input.options?.headers };
    const key = input.options?.idempotencyKey;
    if (key !== undefined) headers['idempotency-key'] = key;
    const init: RequestInit = { method, headers };
    if (input.body !== undefined) {
      headers['content-type'] = 'application/json';
      init.body = JSON.stringify(input.body);
    }
    const controller = new AbortController();
    const outer = input.options?.signal;
    const onAbort = () => controller.abort(outer?.reason);
    if (outer) {
      if (outer.aborted) controller.abort(outer.reason);
      else outer.addEventListener('abort', onAbort, { once: true });
    }
    const timer = this.timeoutMs > 0 ? setTimeout(() => controller.abort(new PlazaError(`request timed out after ${this.timeoutMs} ms`)), this.timeoutMs) : null;
    init.signal = controller.signal;
    let res: Response;
    let text: string;
    try {
      res = await this.fetchImpl(this.baseUrl + path, init);
      text = await res.text();
    } finally {
      if (timer) clearTimeout(timer);
      outer?.removeEventListener('abort', onAbort);
    }
    let json: unknown;
    if (text !== '') {
      try {
        json = JSON.parse(text);
      } catch {
        json = undefined;
      }
    }
    const raw: RawResponse = { status: res.status, headers: res.headers, text, json, replayed: res.headers.get('idempotent-replayed') === 'true' };
    if (isError(raw)) throw toError(raw);
    return raw;
  }
}

/** A path with `:name` segments filled from `params` (each value URI-encoded). */
export function fillPath(path: string, params: Record<string, unknown> | undefined): string {
  return path.replace(/:([A-Za-z_][A-Za-z0-9_]*)/g, (_m, name: string) => {
    const v = params?.[name];
    if (v === undefined || v === null) throw new TypeError(`missing path parameter ${name}`);
    return encodeURIComponent(String(v));
  });
}

/** `?a=1&b=x` from the defined values of `query` ('' when none). */
export function queryString(query: Record<string, unknown> | undefined): string {
  if (!query) return '';
  const parts: string[] = [];
  for (const [k, v] of Object.entries(query)) {
    if (v === undefined || v === null) continue;
    parts.push(`${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`);
  }
  return parts.length === 0 ? '' : `?${parts.join('&')}`;
}

/** What the generated admin methods call (admin.ts implements it). */
export interface AdminTransport {
  call(
    operationId: string,
    op: { readonly method: string; readonly path: string; readonly access: string },
    input: { params?: object; query?: object; body?: object } | undefined,
    options: RequestOptions | undefined,
  ): Promise<unknown>;
}
