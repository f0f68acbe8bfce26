// The wallet's client of /wallet/api (src/web/walletApi.ts): same-origin fetch with the session cookie, writes carry
// the CSRF token GET /me handed out in `X-CSRF-Token`, and a 401 anywhere sends the browser to the hosted sign-in
// page, which returns to /wallet/ afterwards.
import { ApiError, withQuery, type Query } from '../shared/api';

export const SIGN_IN = `/signin?next=${encodeURIComponent('/wallet/')}`;

export interface Money {
  amount: string;
  minor: string;
}

export interface Me {
  user: { uid: number; username: string; email: string | null; emailVerified: boolean };
  payPassword: { set: boolean; lockedUntil: number | null };
  payPasswordLength: { min: number; max: number };
  csrfToken: string;
}

export interface Balance {
  accountId: number;
  asset: string;
  precision: number;
  sub: string;
  frozen: boolean;
  balance: Money;
  available: Money;
  held: Money;
  incoming: Money;
}

export interface HistoryEntry {
  txid: string;
  seq: number;
  direction: 'in' | 'out' | 'internal';
  accountId: number;
  sub: string;
  asset: string;
  amount: Money;
  kind: string;
  memo: string;
  status: 'pending' | 'posted' | 'voided';
  block: number | null;
  createdAt: number;
  counterparty: { kind: string; name: string | null };
}

export interface Grant {
  id: number;
  appId: number;
  appName: string;
  kind: string;
  kindLabel: string;
  scopes: string[];
  spendingLimit: { asset: string | null; amount: string | null; minor: string; spent: string | null } | null;
  grantedAt: number;
}

export interface PendingPayment {
  identifier: string;
  appName: string | null;
  asset: string;
  amount: Money;
  memo: string;
  state: 'created' | 'approved';
  createdAt: number;
  reviewUrl: string | null;
}

/** An ApiError that may name the form fields at fault. */
export class WalletApiError extends ApiError {
  constructor(
    status: number,
    code: string,
    message: string,
    readonly fields: Record<string, string>,
  ) {
    super(status, code, message);
  }
}

let csrf: string | null = null;

export function setCsrfToken(token: string): void {
  csrf = token;
}

function failure(status: number, text: string): WalletApiError {
  try {
    const e = (JSON.parse(text) as { error?: { code?: unknown; message?: unknown; fields?: unknown } }).error;
    if (e && typeof e === 'object') {
      const fields = e.fields && typeof e.fields === 'object' ? (e.fields as Record<string, string>) : {};
      return new WalletApiError(status, String(e.code ?? 'error'), String(e.message ?? `Request failed (${status}).`), fields);
    }
  } catch {
    // not JSON
  }
  return new WalletApiError(status, 'http_error', status === 0 ? 'Plaza could not be reached. Check your connection and try again.' : `Request failed (HTTP ${status}).`, {});
}

async function call<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  const init: RequestInit = { method, headers, credentials: 'same-origin' };
  if (method === 'POST') {
    headers['content-type'] = 'application/json';
    if (csrf) headers['x-csrf-token'] = csrf;
    init.body = JSON.stringify(body ?? {});
  }
  let response: Response;
  try {
    response = await fetch(`/wallet/api${path}`, init);
  } catch {
    throw failure(0, '');
  }
  const text = await response.text();
  if (response.status === 401) {
    window.location.assign(SIGN_IN);
    throw failure(401, text);
  }
  if (!response.ok) throw failure(response.status, text);
  return JSON.parse(text) as T;
}

export const walletApi = {
  me: () => call<Me>('GET', '/me'),
  balances: () => call<{ balances: Balance[] }>('GET', '/balances'),
  history: (query: Query) => call<{ transfers: HistoryEntry[]; next: number | null }>('GET', withQuery('/history', query)),
  grants: () => call<{ grants: Grant[] }>('GET', '/grants'),
  revoke: (id: number) => call<{ revoked: true; grantId: number }>('POST', `/grants/${id}/revoke`),
  setPayPassword: (currentPassword: string, payPassword: string) =>
    call<{ payPassword: Me['payPassword']; changed: boolean }>('POST', '/pay-password', { currentPassword, payPassword }),
  pending: () => call<{ payments: PendingPayment[] }>('GET', '/payments/pending'),
};
