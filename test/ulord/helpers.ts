// Shared fixtures for the Ulord black-box tests: a server per store with the Ulord dialect, developers created
// through the identity core (fast: one scrypt each) with tokens issued directly.
import type { Config } from '../../src/config.js';
import type { Clock } from '../../src/core/clock.js';
import { hashNewPassword, registerDeveloper } from '../../src/core/identity/developers.js';
import { issueDeveloperToken } from '../../src/core/identity/devTokens.js';
import { ADMIN_ROLE_ID } from '../../src/core/identity/roles.js';
import type { StoreKind } from '../../src/db/database.js';
import type { DialectPlugin } from '../../src/http/dialect.js';
import { ulordDialect } from '../../src/dialects/ulord/plugin.js';
import { identityDeps } from '../../src/dialects/ulord/management.js';
import { http, startTestServer, type HttpResult, type TestServer } from '../support/server.js';

export interface Dev {
  id: number;
  username: string;
  password: string;
  token: string;
}

export interface Ctx {
  server: TestServer;
  /** POST (or another method) with a JSON body and an optional token. */
  call(path: string, body?: unknown, options?: { token?: string; headers?: Record<string, string>; method?: string }): Promise<HttpResult>;
  dev(username: string, options?: { roleId?: number; password?: string }): Promise<Dev>;
  close(): Promise<void>;
}

export async function setup(kind: StoreKind, options: { config?: Partial<Config>; clock?: Clock; extraDialects?: DialectPlugin[] } = {}): Promise<Ctx> {
  const server = await startTestServer(kind, { dialects: [ulordDialect, ...(options.extraDialects ?? [])], ...(options.config ? { config: options.config } : {}), ...(options.clock ? { clock: options.clock } : {}) });
  const s = server.services;
  return {
    server,
    call(path, body, o = {}) {
      const headers: Record<string, string> = { ...o.headers };
      if (o.token !== undefined) headers.authorization = `Bearer ${o.token}`;
      const method = o.method ?? 'POST';
      return http(server.baseUrl, method, path, { ...(body !== undefined ? { body } : {}), headers });
    },
    async dev(username, o = {}) {
      const password = o.password ?? 'password-1';
      const passwordHash = await hashNewPassword(password, identityDeps(s));
      const d = await s.db.transaction().execute((trx) =>
        registerDeveloper(trx, { username, passwordHash, roleId: o.roleId ?? null }, identityDeps(s)),
      );
      const { token } = await issueDeveloperToken(s.db, d.id, s.clock, s.config.ulord.tokenTtlSeconds);
      return { id: d.id, username, password, token };
    },
    close: () => server.close(),
  };
}

export const ADMIN = ADMIN_ROLE_ID;

/** Asserts an envelope error: HTTP status and errcode. */
export function errcodeOf(r: HttpResult): number {
  return r.json?.errcode;
}

/** Recursively checks that every object's keys are in alphabetical order (spec §2.5). */
export function keysSorted(value: unknown): boolean {
  if (Array.isArray(value)) return value.every(keysSorted);
  if (value === null || typeof value !== 'object') return true;
  const keys = Object.keys(value);
  const sorted = [...keys].sort();
  return keys.every((k, i) => k === sorted[i]) && keys.every((k) => keysSorted((value as Record<string, unknown>)[k]));
}
