// Kamiya billing (`/api/...`, spec/kamiya.md §3): the app backend verifies a one-time login token and charges, checks,
// reads and rewards a user's credits. Every call is a POST whose body carries `appId` (the appkey) and `secret`;
// this client adds them. Types are hand-written from the spec (§3.5).
import { isRecord, KamiyaApiError, type PlazaHttpError } from './errors.js';
import { HttpCore, type ClientOptions, type RawResponse, type RequestOptions } from './transport.js';

export interface KamiyaClientOptions extends ClientOptions {
  /** The app's appkey (Kamiya `appId`). */
  appId: string;
  secret: string;
}

export interface KamiyaUser {
  id: number;
  email: string;
  role: string;
}

export interface KamiyaDetail {
  email: string;
  role: string;
  /** May be negative after a forced charge. */
  credit: number;
  NCCredit: number;
  active: boolean;
}

export interface ChargeInput {
  /** The user id (`verifyToken` gave it). */
  id: number | string;
  /** Credits, > 0, at most 2 decimals; a decimal string keeps it exact. */
  credit: number | string;
  /** Use non-cash credit first. */
  allowNC?: boolean;
}

function kamiyaError(r: RawResponse): PlazaHttpError {
  const b = isRecord(r.json) ? r.json : {};
  return new KamiyaApiError(typeof b.status === 'number' ? b.status : r.status, typeof b.message === 'string' ? b.message : `HTTP ${r.status}`, r.status, r.text, r.headers);
}

export class KamiyaClient {
  private readonly http: HttpCore;
  private readonly credentials: { appId: string; secret: string };

  constructor(options: KamiyaClientOptions) {
    this.http = new HttpCore(options);
    this.credentials = { appId: options.appId, secret: options.secret };
  }

  private async post(path: string, fields: Record<string, unknown>, options?: RequestOptions): Promise<Record<string, unknown>> {
    const r = await this.http.request('POST', path, { body: { ...this.credentials, ...fields }, options }, kamiyaError);
    return isRecord(r.json) ? r.json : {};
  }

  /** `POST /api/session/verifyOpenIDToken`: the user behind a one-time token (single use, 10 minutes). */
  async verifyToken(token: string, options?: RequestOptions): Promise<KamiyaUser> {
    return (await this.post('/api/session/verifyOpenIDToken', { token }, options)).data as KamiyaUser;
  }

  /** `POST /api/billing/charge`: all or nothing; 403 `insufficient credit` when the balances cannot cover it. */
  async charge(input: ChargeInput, options?: RequestOptions): Promise<void> {
    await this.post('/api/billing/charge', { ...input }, options);
  }

  /** `POST /api/billing/forceCharge`: may take `credit` below zero. */
  async forceCharge(input: ChargeInput, options?: RequestOptions): Promise<void> {
    await this.post('/api/billing/forceCharge', { ...input }, options);
  }

  /** `POST /api/billing/auth`: resolves when credit + NCCredit > 0, else throws 403 `insufficient credit`. */
  async authorise(id: number | string, options?: RequestOptions): Promise<void> {
    await this.post('/api/billing/auth', { id }, options);
  }

  /** `POST /api/billing/detail`. */
  async detail(id: number | string, options?: RequestOptions): Promise<KamiyaDetail> {
    return (await this.post('/api/billing/detail', { id }, options)).data as KamiyaDetail;
  }

  /** `POST /api/billing/openidCheckin`: the daily NC-credit reward; 400 `already checkin` the second time a day. */
  async checkin(id: number | string, options?: RequestOptions): Promise<void> {
    await this.post('/api/billing/openidCheckin', { id }, options);
  }
}
