// A stand-in for a third-party app's backend in the browser tests: a node:http server on an ephemeral loopback port
// whose routes the test supplies. It plays the app that redirects its users to Plaza and receives them back; every
// secret it holds (app secret, PKCE verifier, tokens) stays on this side, as in a real deployment.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type Route = (url: URL, req: IncomingMessage, res: ServerResponse) => Promise<void>;

export interface AppBackend {
  baseUrl: string;
  close(): Promise<void>;
}

/** Escapes text for an HTML body or attribute. */
export function esc(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export function sendHtml(res: ServerResponse, status: number, title: string, body: string): void {
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
  res.end(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title></head><body>${body}</body></html>`);
}

export function redirect(res: ServerResponse, location: string): void {
  res.writeHead(302, { location, 'cache-control': 'no-store' });
  res.end();
}

/** Starts the backend with `routes` keyed by path; anything else is 404. An exception in a route is a 500 page. */
export async function startAppBackend(routes: Record<string, Route>): Promise<AppBackend> {
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const route = routes[url.pathname];
    if (!route) return sendHtml(res, 404, 'Not found', '<h1>Not found</h1>');
    route(url, req, res).catch((err: unknown) => sendHtml(res, 500, 'App error', `<h1>App error</h1><pre id="error">${esc(String(err))}</pre>`));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}
