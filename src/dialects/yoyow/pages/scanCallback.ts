// The outbound scan-login callback (spec/yoyow.md §4.27, seed §5.5): Plaza → the app's `login` URL (its YOYOW
// profile), carrying the user's signature of `{"yoyow","time"}` so the app can call `/auth/verify` with it.
// Method per the app's `yoyow.login_method`: `post_json` (default; body `{"yoyow":<number>,"time","sign"[,"state"]}`
// in that key order), `post_form`, or `get` (query parameters). One attempt, no retries (a person is waiting),
// bounded by `yoyow.scanLoginTimeoutSeconds`; redirects are not followed. Success is HTTP 2xx with a JSON object
// whose `code` is 0. Every call is written to the audit log (never the signature).
import type { StoredApp } from '../../../core/identity/apps.js';
import { recordAudit } from '../../../core/events/audit.js';
import type { AccountLoginSignature } from '../../../modules/yoyow/keys/signin.js';
import type { Services } from '../../../services.js';

/** Longest answer body read from the app. */
const MAX_ANSWER_BYTES = 64 * 1024;

export type LoginMethod = 'post_json' | 'post_form' | 'get';

export type ScanLoginOutcome =
  | { ok: true; status: number }
  | { ok: false; reason: 'no_login_url' | 'unreachable' | 'timeout' | 'http_status' | 'not_json' | 'refused'; status?: number; message?: string };

/** The app's scan-login URL (profile `login`), when it is an absolute http(s) URL. */
export function scanLoginUrl(app: StoredApp): string | null {
  const login = app.settings.yoyow?.profile?.login;
  if (typeof login !== 'string' || login === '') return null;
  try {
    const url = new URL(login);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.toString() : null;
  } catch {
    return null;
  }
}

export function loginMethod(app: StoredApp): LoginMethod {
  const m = app.settings.yoyow?.login_method;
  return m === 'post_form' || m === 'get' ? m : 'post_json';
}

function requestFor(url: string, method: LoginMethod, signed: AccountLoginSignature, state: string | undefined): { url: string; init: RequestInit } {
  const text: Record<string, string> = { yoyow: String(signed.yoyow), time: signed.time, sign: signed.sign };
  if (state !== undefined) text.state = state;
  if (method === 'get') {
    const u = new URL(url);
    for (const [k, v] of Object.entries(text)) u.searchParams.append(k, v);
    return { url: u.toString(), init: { method: 'GET', headers: { accept: 'application/json' } } };
  }
  if (method === 'post_form') {
    return { url, init: { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' }, body: new URLSearchParams(text).toString() } };
  }
  // `yoyow` is a JSON number (seed §5.5), `time` a string; key order yoyow, time, sign, state.
  const body = JSON.stringify({ yoyow: signed.yoyow, time: signed.time, sign: signed.sign, ...(state !== undefined ? { state } : {}) });
  return { url, init: { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json' }, body } };
}

async function readLimited(res: Response): Promise<string> {
  const reader = res.body?.getReader();
  if (!reader) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.length;
    if (size > MAX_ANSWER_BYTES) {
      await reader.cancel();
      break;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

async function call(url: string, method: LoginMethod, signed: AccountLoginSignature, state: string | undefined, timeoutMs: number): Promise<ScanLoginOutcome> {
  const { url: target, init } = requestFor(url, method, signed, state);
  const signal = AbortSignal.timeout(timeoutMs);
  let res: Response;
  let text: string;
  try {
    res = await fetch(target, { ...init, redirect: 'manual', signal });
    text = await readLimited(res);
  } catch (err) {
    return { ok: false, reason: signal.aborted || (err instanceof Error && err.name === 'TimeoutError') ? 'timeout' : 'unreachable' };
  }
  let answer: unknown;
  try {
    answer = JSON.parse(text);
  } catch {
    answer = undefined;
  }
  const message = typeof answer === 'object' && answer !== null && typeof (answer as { message?: unknown }).message === 'string' ? (answer as { message: string }).message.slice(0, 500) : undefined;
  const withMessage = message !== undefined ? { message } : {};
  if (res.status < 200 || res.status > 299) return { ok: false, reason: 'http_status', status: res.status, ...withMessage };
  if (typeof answer !== 'object' || answer === null || Array.isArray(answer) || typeof (answer as { code?: unknown }).code !== 'number') {
    return { ok: false, reason: 'not_json', status: res.status };
  }
  if ((answer as { code: number }).code !== 0) return { ok: false, reason: 'refused', status: res.status, ...withMessage };
  return { ok: true, status: res.status };
}

/** Calls the app's scan-login URL once and writes the audit entry. */
export async function sendScanLogin(services: Services, app: StoredApp, signed: AccountLoginSignature, state: string | undefined): Promise<ScanLoginOutcome> {
  const url = scanLoginUrl(app);
  const method = loginMethod(app);
  const outcome: ScanLoginOutcome =
    url === null ? { ok: false, reason: 'no_login_url' } : await call(url, method, signed, state, services.config.yoyow.scanLoginTimeoutSeconds * 1000);
  await recordAudit(
    services.db,
    {
      actor: `user:${signed.yoyow}`,
      action: 'yoyow.scanLogin',
      target: `app:${app.id}`,
      details: { url, method, ok: outcome.ok, ...(outcome.ok ? { status: outcome.status } : { reason: outcome.reason, status: outcome.status ?? null }) },
    },
    services.clock,
  );
  return outcome;
}
