// Serves the built single-page apps (web/ui, built by `npm run build:ui` into dist/ui/): the console at /console/*
// and the wallet at /wallet/*, each path answering its app's index.html (the apps route on the client), and their
// shared, content-hashed files at /ui/assets/* with an immutable cache. Files are read per request, so building
// after the server started needs no restart; while they are missing the pages answer a 503 that says how to build.
import type { FastifyInstance, FastifyReply } from 'fastify';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Services } from '../services.js';
import { escapeHtml, page } from './layout.js';

/** The single-page apps and the URL prefixes they own. */
export const UI_APPS = ['console', 'wallet'] as const;
export type UiApp = (typeof UI_APPS)[number];

export const UI_ASSETS_PREFIX = '/ui/assets/';

const BUILD_COMMAND = 'npm run build:ui';

const CONTENT_TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.txt': 'text/plain; charset=utf-8',
};

// The apps load only their own scripts and styles and call only this origin; no inline script exists to allow
// (vite.config.ts builds without one). React's `style` props go through the CSSOM, which style-src does not govern.
const APP_HEADERS: Readonly<Record<string, string>> = {
  'content-type': 'text/html; charset=utf-8',
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
  'x-frame-options': 'DENY',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'same-origin',
  // index.html names the current hashed assets: always revalidate it so a new build is picked up at once.
  'cache-control': 'no-cache',
};

/** The directory holding package.json above this file (src/web in development, dist/src/web once compiled). */
function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    const up = dirname(dir);
    if (up === dir) return process.cwd();
    dir = up;
  }
}

export const DEFAULT_UI_DIR = join(packageRoot(), 'dist', 'ui');

async function readOrNull(path: string): Promise<Buffer | null> {
  try {
    return await readFile(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT' || (err as NodeJS.ErrnoException).code === 'EISDIR') return null;
    throw err;
  }
}

function notBuilt(reply: FastifyReply, app: UiApp): FastifyReply {
  const html = page({
    title: 'Not built yet',
    status: 503,
    body: `<h1>The ${escapeHtml(app)} is not built yet</h1>
<p>Plaza serves the ${escapeHtml(app)} from files built at install time, and they are missing.</p>
<p>Operator: run <code>${escapeHtml(BUILD_COMMAND)}</code> in the Plaza directory (it works offline), then reload this page. No restart is needed.</p>`,
  });
  return reply.code(503).headers({ ...html.headers, 'retry-after': '30' }).send(html.body);
}

/** The route set, reading the built files from `dir` (tests point it at a fixture or a missing directory). */
export function createUiRoutes(options: { dir?: string } = {}) {
  const dir = options.dir ?? DEFAULT_UI_DIR;
  return async (app: FastifyInstance, _services: Services): Promise<void> => {
    for (const name of UI_APPS) {
      const serveIndex = async (_request: unknown, reply: FastifyReply) => {
        const html = await readOrNull(join(dir, name, 'index.html'));
        if (html === null) return notBuilt(reply, name);
        return reply.code(200).headers(APP_HEADERS).send(html);
      };
      app.get(`/${name}`, serveIndex);
      // Every deeper path is a client-side route of the app (the SPA fallback).
      app.get(`/${name}/*`, serveIndex);
    }

    app.get<{ Params: { file: string } }>(`${UI_ASSETS_PREFIX}:file`, async (request, reply) => {
      const { file } = request.params;
      // A flat folder of generated names: anything else (a slash, `..`, a dotfile) is not one of ours.
      const type = CONTENT_TYPES[extname(file)];
      const body = /^[\w-][\w.-]*$/.test(file) && type ? await readOrNull(join(dir, 'assets', file)) : null;
      if (body === null) {
        return reply.code(404).headers({ 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' }).send('not found');
      }
      return reply
        .code(200)
        .headers({
          'content-type': type!,
          'x-content-type-options': 'nosniff',
          // The names carry a content hash: a changed file is a new URL, so these never need revalidating.
          'cache-control': 'public, max-age=31536000, immutable',
        })
        .send(body);
    });
  };
}

export const uiPages = createUiRoutes();
