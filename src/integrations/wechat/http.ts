// Outbound HTTP for the WeChat integration and the sandbox's notifier: node:http(s) rather than fetch, because
// §8.2 asks for a separate connect timeout (2 s) inside the total one (5 s), and because the response body must be
// kept as the exact bytes received (response signatures cover them).
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';

export interface HttpAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export interface HttpCall {
  method: 'GET' | 'POST';
  url: string;
  headers: Record<string, string>;
  body?: string;
  connectTimeoutMs: number;
  totalTimeoutMs: number;
  /** Largest body read; more is a failure (a WeChat answer is a few KiB). */
  maxBodyBytes?: number;
}

/** Why a call produced no answer; never includes the URL's query (it may hold the AppSecret). */
export class HttpFailure extends Error {
  constructor(readonly reason: 'connect timeout' | 'timeout' | 'network error' | 'body too large') {
    super(reason);
    this.name = 'HttpFailure';
  }
}

export function send(call: HttpCall): Promise<HttpAnswer> {
  const url = new URL(call.url);
  const doRequest = url.protocol === 'https:' ? httpsRequest : httpRequest;
  const maxBody = call.maxBodyBytes ?? 1024 * 1024;
  return new Promise<HttpAnswer>((resolve, reject) => {
    let settled = false;
    const timers: NodeJS.Timeout[] = [];
    const finish = (err: HttpFailure | null, answer?: HttpAnswer) => {
      if (settled) return;
      settled = true;
      for (const t of timers) clearTimeout(t);
      if (err !== null) {
        req.destroy();
        reject(err);
      } else resolve(answer as HttpAnswer);
    };
    const headers: Record<string, string> = { ...call.headers };
    if (call.body !== undefined) headers['content-length'] = String(Buffer.byteLength(call.body, 'utf8'));
    const req = doRequest(url, { method: call.method, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > maxBody) finish(new HttpFailure('body too large'));
        else chunks.push(chunk);
      });
      res.on('end', () => finish(null, { status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', () => finish(new HttpFailure('network error')));
    });
    req.on('error', () => finish(new HttpFailure('network error')));
    timers.push(setTimeout(() => finish(new HttpFailure('timeout')), call.totalTimeoutMs));
    req.on('socket', (socket) => {
      if (!socket.connecting) return;
      const t = setTimeout(() => finish(new HttpFailure('connect timeout')), call.connectTimeoutMs);
      timers.push(t);
      socket.once('connect', () => clearTimeout(t));
    });
    req.end(call.body);
  });
}

/** One header value as a string (the first when repeated). */
export function headerValue(headers: IncomingHttpHeaders, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}
