// How a dialect plugs into the server. The server owns the cross-cutting parts (body limit, request ids, logging,
// health, metrics, shutdown) and asks the dialect that owns a path prefix to render what goes wrong there, so an
// unknown path or an oversized body under `/v1` answers in Ulord's envelope and never as HTML or a stack trace.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Services } from '../services.js';
import type { WireResponse } from './idempotency.js';

export type TransportFailure =
  | { kind: 'not_found' }
  | { kind: 'body_too_large' }
  | { kind: 'bad_request' }
  /** A bug or an unexpected failure: nothing was written; the client may retry. */
  | { kind: 'internal' };

export interface DialectPlugin {
  name: string;
  /** Path prefixes this dialect owns (e.g. `/v1`); also matched under `/apps/<appkey>`. */
  prefixes: readonly string[];
  /** Creates what the dialect needs before serving (its asset, its accounts); idempotent. */
  init?(services: Services): Promise<void>;
  /** Registers the routes (both at the root and under `/apps/:appkey`). */
  register(app: FastifyInstance, services: Services): void | Promise<void>;
  /** Renders a failure that happened before or outside the dialect's own handlers. */
  renderTransportFailure(failure: TransportFailure, request: FastifyRequest): WireResponse;
}
