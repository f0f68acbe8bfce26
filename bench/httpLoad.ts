// The load generator of the HTTP benches, run in a worker thread so that the client's event loop does not share the
// server's: `concurrency` keep-alive connections (node:http, no dependency), each sending its next request as soon as
// the previous answer is read, for `durationMs`. Request i sends bodies[(first + i) % bodies.length]. Any status other
// than `expect` stops the slice and is reported with its body, so a bench never averages over failures.
import { Agent, request as httpRequest } from 'node:http';
import { parentPort } from 'node:worker_threads';

export interface SliceRequest {
  url: string;
  method: 'GET' | 'POST';
  path: string;
  /** JSON bodies to rotate through; empty for a request without a body. */
  bodies: string[];
  expect: number;
  concurrency: number;
  durationMs: number;
  /** Index of the first request (slices of one workload continue the rotation). */
  first: number;
}

export interface SliceResult {
  requests: number;
  errors: number;
  /** The first unexpected answer, e.g. `403 {"status":403,"message":"insufficient credit"}`. */
  firstError: string | null;
  seconds: number;
  /** One entry per answered request, in milliseconds. */
  latenciesMs: Float64Array;
}

/** Bounds a slice's memory: at 16 in flight and sub-millisecond answers a 10 s slice stays far below this. */
const MAX_SAMPLES = 2_000_000;

function send(agent: Agent, base: URL, req: SliceRequest, body: string | undefined): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | number> = {};
    if (body !== undefined) {
      headers['content-type'] = 'application/json';
      headers['content-length'] = Buffer.byteLength(body);
    }
    const r = httpRequest({ agent, host: base.hostname, port: base.port, method: req.method, path: req.path, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    r.on('error', reject);
    r.end(body);
  });
}

export async function runSlice(req: SliceRequest): Promise<SliceResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: req.concurrency });
  const base = new URL(req.url);
  const samples = new Float64Array(MAX_SAMPLES);
  let next = req.first;
  let answered = 0;
  let errors = 0;
  let firstError: string | null = null;
  const start = performance.now();
  const deadline = start + req.durationMs;
  await Promise.all(
    Array.from({ length: req.concurrency }, async () => {
      while (firstError === null && answered < MAX_SAMPLES && performance.now() < deadline) {
        const i = next++;
        const body = req.bodies.length === 0 ? undefined : req.bodies[i % req.bodies.length];
        const t0 = performance.now();
        let status: number;
        let text: string;
        try {
          ({ status, text } = await send(agent, base, req, body));
        } catch (err) {
          status = 0;
          text = String(err);
        }
        if (status !== req.expect) {
          errors++;
          firstError ??= `${status} ${text.slice(0, 300)}`;
          break;
        }
        samples[answered++] = performance.now() - t0;
      }
    }),
  );
  const seconds = (performance.now() - start) / 1000;
  agent.destroy();
  return { requests: answered, errors, firstError, seconds, latenciesMs: samples.slice(0, answered) };
}

if (parentPort) {
  const port = parentPort;
  port.on('message', (req: SliceRequest) => {
    runSlice(req).then(
      (result) => port.postMessage(result, [result.latenciesMs.buffer as ArrayBuffer]),
      (err: unknown) => port.postMessage({ requests: 0, errors: 1, firstError: `load generator failed: ${String(err)}`, seconds: 0, latenciesMs: new Float64Array(0) }),
    );
  });
}
