// A Plaza server on a fresh store, listening on an ephemeral loopback port, for black-box HTTP tests.
import type { AddressInfo } from 'node:net';
import { testConfig, type Config } from '../../src/config.js';
import type { Clock } from '../../src/core/clock.js';
import type { StoreKind } from '../../src/db/database.js';
import type { DialectPlugin } from '../../src/http/dialect.js';
import { buildServer, type BuildOptions } from '../../src/server.js';
import type { Services } from '../../src/services.js';
import { createTestStore, type TestStore } from './stores.js';

export interface TestServer {
  baseUrl: string;
  services: Services;
  store: TestStore;
  close(): Promise<void>;
}

export interface TestServerOptions {
  config?: Partial<Config>;
  clock?: Clock;
  dialects: readonly DialectPlugin[];
  extras?: BuildOptions['extras'];
}

export async function startTestServer(kind: StoreKind, options: TestServerOptions): Promise<TestServer> {
  const store = await createTestStore(kind);
  const config = testConfig({ databaseUrl: store.url, ...options.config });
  const { app, services } = await buildServer({
    config,
    database: store.database,
    dialects: options.dialects,
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.extras ? { extras: options.extras } : {}),
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = app.server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    services,
    store,
    async close() {
      await app.close();
      await store.drop();
    },
  };
}

export interface HttpResult {
  status: number;
  headers: Headers;
  text: string;
  /** The parsed JSON body (undefined when the body is not JSON). */
  json: any;
}

/** One HTTP request; `body` is sent as-is when a string, else JSON-encoded. */
export async function http(
  baseUrl: string,
  method: string,
  path: string,
  options: { body?: unknown; headers?: Record<string, string> } = {},
): Promise<HttpResult> {
  const init: RequestInit = { method, headers: { ...options.headers } };
  if (options.body !== undefined) {
    init.body = typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
    (init.headers as Record<string, string>)['content-type'] ??= 'application/json';
  }
  const res = await fetch(baseUrl + path, init);
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json };
}
