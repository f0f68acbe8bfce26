// The ledger gateway's routes (spec/pi.md §3.5 rows 12–17, §3.18): parse, call the gateway module, render.
// `POST /horizon/transactions` runs the checks in the order of §3.18: 1 decode → 2 replay of an accepted transaction
// → 3 supported subset → 4 source wallet → 5 signature → Idempotency-Key (scope: the source address) → 6–11 in one
// transaction (modules/gateway `acceptSubmission`). Refusals from step 6 on are stored under an Idempotency-Key like
// any final answer; nothing else of a refused transaction is written.
import { readFileSync } from 'node:fs';
import type { FastifyRequest } from 'fastify';
import { parseJsonObject, rawBody } from '../../../http/body.js';
import { guarded } from '../../../http/guarded.js';
import { answerOf, fingerprintOf, readIdempotencyKeyHeader, runIdempotent, type RenderedFailure, type WireResponse } from '../../../http/idempotency.js';
import { namedAppkey } from '../../../http/appGate.js';
import {
  acceptSubmission,
  gatewayAccount,
  gatewayDeps,
  gatewayNetwork,
  GatewayRefusal,
  gatewayTransaction,
  latestLedger,
  replayOf,
  submissionSigner,
} from '../../../modules/gateway/service.js';
import type { Services } from '../../../services.js';
import { publicBase } from '../publicBase.js';
import { decodeEnvelope, signedBy } from './envelope.js';
import {
  accountResource,
  feeStatsResource,
  ok,
  operationsResource,
  problem,
  rootResource,
  submittedResource,
  transactionFailed,
  transactionResource,
} from './render.js';

/** One envelope is a few hundred bytes; the gateway reads at most 64 KiB, like the `/v2` routes (§3.1). */
export const HORIZON_BODY_LIMIT_BYTES = 64 * 1024;

export interface HorizonContext {
  request: FastifyRequest;
  services: Services;
  /** Path parameters without the mount's `appkey`. */
  params: Readonly<Record<string, string>>;
}

export interface HorizonRoute {
  method: 'GET' | 'POST';
  /** Fastify path without mount prefix or trailing slash. */
  path: string;
  handler(ctx: HorizonContext): Promise<WireResponse>;
}

let version: string | null = null;

/** Plaza's version from its package.json (two levels further up in the build than in the sources). */
function plazaVersion(): string {
  if (version !== null) return version;
  version = 'unknown';
  for (let up = 4; up <= 6; up++) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(`${'../'.repeat(up)}package.json`, import.meta.url), 'utf8')) as { name?: unknown; version?: unknown };
      if (pkg.name === 'plaza' && typeof pkg.version === 'string') return (version = pkg.version);
    } catch {
      // not at this level
    }
  }
  return version;
}

function appkeyOf(ctx: HorizonContext): string | null {
  return namedAppkey(ctx.request.params, ctx.request.headers);
}

async function root(ctx: HorizonContext): Promise<WireResponse> {
  const { db } = ctx.services;
  const networkPassphrase = await gatewayNetwork(db, appkeyOf(ctx));
  return ok(rootResource({ version: plazaVersion(), networkPassphrase, latestLedger: await latestLedger(db) }));
}

async function feeStats(ctx: HorizonContext): Promise<WireResponse> {
  return ok(feeStatsResource(await latestLedger(ctx.services.db)));
}

async function account(ctx: HorizonContext): Promise<WireResponse> {
  const a = await gatewayAccount(ctx.services.db, ctx.params.address ?? '', gatewayDeps(ctx.services));
  return a ? ok(accountResource(a)) : problem('not_found');
}

async function transaction(ctx: HorizonContext): Promise<WireResponse> {
  const tx = await gatewayTransaction(ctx.services.db, ctx.params.txid ?? '', gatewayDeps(ctx.services));
  return tx ? ok(transactionResource(tx, publicBase(ctx.request, ctx.services))) : problem('not_found');
}

async function operations(ctx: HorizonContext): Promise<WireResponse> {
  const tx = await gatewayTransaction(ctx.services.db, ctx.params.txid ?? '', gatewayDeps(ctx.services));
  return tx ? ok(operationsResource(tx)) : problem('not_found');
}

function isJson(request: FastifyRequest): boolean {
  const ct = request.headers['content-type'];
  return typeof ct === 'string' && (ct.split(';')[0] ?? '').trim().toLowerCase() === 'application/json';
}

/** The `tx` field: form-encoded as stellar-sdk sends it, or a JSON object; null when absent or not a string. */
function readTx(request: FastifyRequest): string | null {
  const raw = rawBody(request);
  if (isJson(request)) {
    const parsed = parseJsonObject(raw);
    return parsed.ok && typeof parsed.value.tx === 'string' ? parsed.value.tx : null;
  }
  return new URLSearchParams(raw.toString('utf8')).get('tx');
}

function renderThrown(err: unknown, envelopeXdr: string, request: FastifyRequest): RenderedFailure {
  if (err instanceof GatewayRefusal) return { response: transactionFailed(envelopeXdr, err.transaction, err.operation, err.verificationError), store: true };
  request.log.error({ err, reqId: request.id }, 'horizon: unexpected failure');
  return { response: problem('server_error'), store: false };
}

async function submit(ctx: HorizonContext): Promise<WireResponse> {
  const { request, services } = ctx;
  if (rawBody(request).length > HORIZON_BODY_LIMIT_BYTES) return problem('payload_too_large');
  const tx = readTx(request);
  if (tx === null) return problem('transaction_malformed', { detail: 'The request has no `tx` field: send tx=<base64 XDR TransactionEnvelope>.', extras: { envelope_xdr: '' } });
  const decoded = decodeEnvelope(tx);
  if (decoded.kind === 'undecodable') return problem('transaction_malformed', { extras: { envelope_xdr: tx } });
  if (decoded.kind === 'ok') {
    const first = await replayOf(services.db, decoded.envelope.submission.transactionHash);
    if (first !== null) return ok(first);
  }
  if (decoded.kind === 'unsupported') return transactionFailed(decoded.envelopeXdr, 'tx_malformed');

  const { envelope } = decoded;
  const deps = gatewayDeps(services);
  const signer = await submissionSigner(services.db, envelope.submission, appkeyOf(ctx));
  if (signer === null) return transactionFailed(envelope.envelopeXdr, 'tx_no_source_account');
  if (!signedBy(envelope, signer.publicKey, signer.network)) return transactionFailed(envelope.envelopeXdr, 'tx_bad_auth');

  const header = readIdempotencyKeyHeader(request.headers['idempotency-key']);
  if (!header.ok) return problem('bad_request', { detail: 'Idempotency-Key must be 1–255 printable ASCII characters.' });
  const key =
    header.key === null
      ? null
      : { scope: `pi-gateway:${envelope.submission.source}`, route: 'POST /horizon/transactions', key: header.key, fingerprint: fingerprintOf({ tx: envelope.envelopeXdr }) };
  const base = publicBase(request, services);
  const outcome = await runIdempotent(
    services.idempotency,
    key,
    async (trx) => ok((await acceptSubmission(trx, envelope.submission, deps, (t) => submittedResource(t, base, envelope.envelopeXdr))).body),
    (err) => renderThrown(err, envelope.envelopeXdr, request),
  );
  return answerOf(outcome, () => problem('idempotency_key_reused'));
}

/** Every answer of a route goes through here: an unexpected failure is a 500 problem, never a stack trace. */
export function handleHorizon(route: HorizonRoute, ctx: HorizonContext): Promise<WireResponse> {
  return guarded(
    () => route.handler(ctx),
    (err) => {
      ctx.request.log.error({ err, reqId: ctx.request.id }, 'horizon: unexpected failure');
      return { response: problem('server_error'), store: false };
    },
  );
}

export const HORIZON_ROUTES: readonly HorizonRoute[] = [
  { method: 'GET', path: '/horizon', handler: root },
  { method: 'GET', path: '/horizon/fee_stats', handler: feeStats },
  { method: 'GET', path: '/horizon/accounts/:address', handler: account },
  { method: 'POST', path: '/horizon/transactions', handler: submit },
  { method: 'GET', path: '/horizon/transactions/:txid', handler: transaction },
  { method: 'GET', path: '/horizon/transactions/:txid/operations', handler: operations },
];
