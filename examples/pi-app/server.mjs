// Kitten Shop: a small Pi app running on Plaza. This is the app's own backend — plain node:http, no framework, no
// dependency — and it holds the one secret the app has, Plaza's "Server API Key" (the app secret). It serves the
// static page and answers the page's calls:
//   POST /signin     {accessToken}        → GET  /v2/me (Bearer) — the trusted uid and username of the visitor
//   POST /approve    {paymentId}          → GET  /v2/payments/{id} (Key), check the product and price, POST …/approve
//   POST /complete   {paymentId, txid}    → POST /v2/payments/{id}/complete (Key), record the order
//   POST /incomplete {payment}            → GET  /v2/payments/{id} (Key); if it has a transaction, complete it
//   POST /cancelled  {paymentId}          → nothing to undo (the shop reserved nothing); logged
//   GET  /orders                          → the orders this process recorded (JSON)
// Every call to Plaza carries `Authorization: Key <PI_API_KEY>`; the secret never reaches the browser.
// The SDK repeats onReadyForServerApproval / onReadyForServerCompletion every 10 s until it sees the effect, so
// /approve and /complete are idempotent (Plaza's approve and complete are idempotent too).
//
// Run:  PLAZA_URL=http://127.0.0.1:3000 PI_APP_KEY=<appkey> PI_API_KEY=<app secret> node examples/pi-app/server.mjs
// Env:  PORT (default 3100; 0 = any free port), HOST (default 127.0.0.1).
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { fileURLToPath, pathToFileURL } from 'node:url';

const PUBLIC_DIR = new URL('./public/', import.meta.url);

/** What the shop sells; the backend, not the page, decides what a product costs. */
export const PRODUCTS = {
  kitten: { name: 'Digital kitten', price: 3.14 },
};

const MAX_BODY_BYTES = 64 * 1024;

function sendJson(res, status, body) {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}

async function readJson(req) {
  const chunks = [];
  let size = 0;
  for await (const chunk of req) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw Object.assign(new Error('body too large'), { status: 413 });
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  try {
    const value = text === '' ? {} : JSON.parse(text);
    if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new Error('not an object');
    return value;
  } catch {
    throw Object.assign(new Error('the body must be a JSON object'), { status: 400 });
  }
}

function escapeHtml(s) {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * Starts the backend. `plazaUrl` is Plaza's base URL (optionally `…/apps/<appkey>`), `appKey` the app's public key
 * (for the SDK's script URL), `apiKey` the Server API Key. Resolves once listening; `close()` stops it.
 */
export async function startKittenShop({ plazaUrl, appKey, apiKey, port = 3100, host = '127.0.0.1', log = console.log }) {
  if (!plazaUrl || !appKey || !apiKey) throw new Error('PLAZA_URL, PI_APP_KEY and PI_API_KEY are required');
  const plaza = plazaUrl.replace(/\/+$/, '');
  /** Orders by payment id: the record of what was delivered. */
  const orders = new Map();

  async function platform(method, path, body) {
    const res = await fetch(`${plaza}${path}`, {
      method,
      headers: { authorization: `Key ${apiKey}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const json = await res.json().catch(() => null);
    if (!res.ok) {
      const err = new Error(`Plaza ${method} ${path}: HTTP ${res.status} ${json?.error ?? ''} ${json?.error_message ?? ''}`.trim());
      err.status = 502;
      err.plaza = json;
      throw err;
    }
    return json;
  }

  const paymentPath = (id) => `/v2/payments/${encodeURIComponent(String(id))}`;

  async function complete(paymentId, txid) {
    const payment = await platform('POST', `${paymentPath(paymentId)}/complete`, { txid });
    if (!orders.has(payment.identifier)) {
      orders.set(payment.identifier, { paymentId: payment.identifier, uid: payment.user_uid, productId: payment.metadata.productId, amount: payment.amount, txid });
      log(`order ${payment.identifier}: ${payment.metadata.productId} delivered to ${payment.user_uid}`);
    }
    return orders.get(payment.identifier);
  }

  const routes = {
    'POST /signin': async (body) => {
      // The access token comes from the browser: ask Plaza who it belongs to rather than trusting the page.
      const res = await fetch(`${plaza}/v2/me`, { headers: { authorization: `Bearer ${String(body.accessToken ?? '')}` } });
      if (!res.ok) throw Object.assign(new Error('not signed in'), { status: 401 });
      const me = await res.json();
      return { uid: me.uid, username: me.username ?? null };
    },
    'POST /approve': async (body) => {
      const payment = await platform('GET', paymentPath(body.paymentId));
      const product = PRODUCTS[payment.metadata?.productId];
      if (payment.direction !== 'user_to_app' || !product || payment.amount !== product.price) {
        throw Object.assign(new Error('this payment is not for a product of this shop at its price'), { status: 400 });
      }
      await platform('POST', `${paymentPath(payment.identifier)}/approve`);
      return { approved: payment.identifier };
    },
    'POST /complete': async (body) => ({ order: await complete(body.paymentId, String(body.txid ?? '')) }),
    'POST /incomplete': async (body) => {
      // A payment paid earlier but never completed (the page was closed, the backend was down…): re-read it from
      // Plaza and complete it if it really has a transaction.
      const payment = await platform('GET', paymentPath(body.payment?.identifier));
      if (!payment.transaction) return { completed: false };
      return { completed: true, order: await complete(payment.identifier, payment.transaction.txid) };
    },
    'POST /cancelled': async (body) => {
      log(`payment ${String(body.paymentId)} cancelled`);
      return { ok: true };
    },
    'GET /orders': async () => [...orders.values()],
  };

  async function servePage(res) {
    const html = await readFile(new URL('index.html', PUBLIC_DIR), 'utf8');
    const sdk = `${plaza}/pi-sdk.js?app=${encodeURIComponent(appKey)}`;
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
    res.end(html.replace('{{PI_SDK_URL}}', escapeHtml(sdk)));
  }

  async function serveStatic(res, name, type) {
    res.writeHead(200, { 'content-type': type, 'cache-control': 'no-store' });
    res.end(await readFile(new URL(name, PUBLIC_DIR)));
  }

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const work = (async () => {
      if (req.method === 'GET' && url.pathname === '/') return servePage(res);
      if (req.method === 'GET' && url.pathname === '/app.js') return serveStatic(res, 'app.js', 'text/javascript; charset=utf-8');
      if (req.method === 'GET' && url.pathname === '/style.css') return serveStatic(res, 'style.css', 'text/css; charset=utf-8');
      const route = routes[`${req.method} ${url.pathname}`];
      if (!route) return sendJson(res, 404, { error: 'not found' });
      const body = req.method === 'POST' ? await readJson(req) : {};
      return sendJson(res, 200, await route(body));
    })();
    work.catch((err) => {
      if (!err.status || err.status >= 500) log(`error: ${err.message}`);
      if (!res.headersSent) sendJson(res, err.status ?? 500, { error: err.message });
    });
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, resolve);
  });
  const address = server.address();
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${address.port}`;
  return {
    url,
    orders: () => [...orders.values()],
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

// Run directly: configuration from the environment; prints the URL to open.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const shop = await startKittenShop({
    plazaUrl: process.env.PLAZA_URL ?? 'http://127.0.0.1:3000',
    appKey: process.env.PI_APP_KEY,
    apiKey: process.env.PI_API_KEY,
    port: Number(process.env.PORT ?? 3100),
    host: process.env.HOST ?? '127.0.0.1',
  });
  console.log(`Kitten Shop listening on ${shop.url} (backend in ${fileURLToPath(import.meta.url)})`);
  const stop = () => void shop.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
