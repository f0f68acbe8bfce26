// Shared helpers of the Pi payment route tests: the fixture on a manual clock with the ledger gateway mounted,
// request shortcuts per credential, and readers of the outbox and the ledger.
import assert from 'node:assert/strict';
import type { Config } from '../../src/config.js';
import { manualClock } from '../../src/core/clock.js';
import type { StoreKind } from '../../src/db/database.js';
import { horizonDialect } from '../../src/dialects/pi/horizon/plugin.js';
import { piDialect } from '../../src/dialects/pi/plugin.js';
import type { DialectPlugin } from '../../src/http/dialect.js';
import { FIXTURE_START, startPiFixture, type PiFixture, type PiUser } from '../payments/fixture.js';
import { http, type HttpResult } from '../support/server.js';

export type ManualClock = ReturnType<typeof manualClock>;

export interface PayCtx extends PiFixture {
  clock: ManualClock;
  /** A request; `auth` is the whole Authorization header value, or null for none. */
  call(method: string, path: string, options?: { auth?: string | null; body?: unknown; headers?: Record<string, string> }): Promise<HttpResult>;
  /** `Key <secret>` of the fixture's app (or of `secret`). */
  key(secret?: string): string;
  bearer(token: string): string;
  /** POST /v2/payments/user_to_app as `user` → the PaymentDTO (asserted 200). */
  createU2A(user: PiUser, body?: string): Promise<any>;
  /** POST /v2/payments (A2U) for `uid` → the PaymentDTO (asserted 200). */
  createA2U(uid: string, amount?: string): Promise<any>;
  approve(id: string): Promise<HttpResult>;
  /** POST …/transaction with a fresh wallet token of `user`. */
  payAs(user: PiUser, id: string): Promise<HttpResult>;
  /** Events of `type` in the outbox naming payment `id`. */
  events(id: string, type?: string): Promise<Array<{ type: string; payload: any }>>;
  /** Ledger transfers whose memo is `id`. */
  transfersOf(id: string): Promise<number>;
}

export const KITTEN_BODY = '{"amount":3.14,"memo":"Digital kitten #1234","metadata":{"orderId":1234,"itemIds":[11,42]}}';

export async function startPayCtx(
  kind: StoreKind,
  options: { config?: Partial<Config>; dialects?: readonly DialectPlugin[] } = {},
): Promise<PayCtx> {
  const clock = manualClock(FIXTURE_START);
  const f = await startPiFixture(kind, { clock, dialects: options.dialects ?? [piDialect, horizonDialect], ...(options.config ? { config: options.config } : {}) });
  const base = f.server.baseUrl;
  const call: PayCtx['call'] = (method, path, o = {}) => {
    const headers: Record<string, string> = { ...o.headers };
    if (o.auth) headers.authorization = o.auth;
    return http(base, method, path, { headers, ...(o.body !== undefined ? { body: o.body } : {}) });
  };
  const key = (secret = f.app.secret) => `Key ${secret}`;
  const bearer = (token: string) => `Bearer ${token}`;
  const db = f.server.services.db;
  return {
    ...f,
    clock,
    call,
    key,
    bearer,
    async createU2A(user, body = KITTEN_BODY) {
      const r = await call('POST', '/v2/payments/user_to_app', { auth: bearer(user.accessToken), body });
      assert.equal(r.status, 200, r.text);
      return r.json;
    },
    async createA2U(uid, amount = '1.5') {
      const r = await call('POST', '/v2/payments', { auth: key(), body: `{"payment":{"amount":${amount},"memo":"Refund","metadata":{},"uid":${JSON.stringify(uid)}}}` });
      assert.equal(r.status, 200, r.text);
      return r.json;
    },
    approve: (id) => call('POST', `/v2/payments/${id}/approve`, { auth: key() }),
    async payAs(user, id) {
      return call('POST', `/v2/payments/${id}/transaction`, { auth: bearer(await f.walletToken(user)) });
    },
    async events(id, type) {
      let q = db.selectFrom('events_outbox').select(['type', 'payload']).where('payload', 'like', `%${id}%`);
      if (type !== undefined) q = q.where('type', '=', type);
      // Same-millisecond events have no order in the table; callers compare sets or counts.
      const rows = await q.orderBy('created_at').execute();
      return rows.map((r) => ({ type: r.type, payload: JSON.parse(r.payload) }));
    },
    async transfersOf(id) {
      const rows = await db.selectFrom('ledger_transfers').select('seq').where('memo', '=', id).where('kind', '=', 'pi.payment').execute();
      return rows.length;
    },
  };
}

/** The exact PaymentDTO text the spec's example 3 describes, for the given parts. */
export function kittenDto(p: { identifier: string; uid: string; from: string; to: string; createdAt: string; status?: Partial<Record<string, boolean>>; transaction?: string }): string {
  const s = { developer_approved: false, transaction_verified: false, developer_completed: false, cancelled: false, user_cancelled: false, ...p.status };
  return (
    `{"identifier":"${p.identifier}","user_uid":"${p.uid}","amount":3.14,"memo":"Digital kitten #1234","metadata":{"orderId":1234,"itemIds":[11,42]},` +
    `"from_address":"${p.from}","to_address":"${p.to}","direction":"user_to_app","created_at":"${p.createdAt}","network":"Pi Testnet",` +
    `"status":${JSON.stringify(s)},"transaction":${p.transaction ?? 'null'}}`
  );
}

/** Asserts a Pi error answer: status, code, JSON content type, CORS, and the keys present. */
export function assertPiError(r: HttpResult, status: number, code: string, extra: readonly string[] = []): void {
  assert.equal(r.status, status, r.text);
  assert.equal(r.headers.get('content-type'), 'application/json; charset=utf-8');
  assert.equal(r.json?.error, code, r.text);
  assert.equal(typeof r.json.error_message, 'string');
  assert.deepEqual(Object.keys(r.json), ['error', 'error_message', ...extra], r.text);
}
