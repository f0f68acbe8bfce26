// Mounts the provider under /oidc. Fastify routes everything below /oidc to the library (a Koa application) by
// handing it the raw Node request and response; the interaction pages are ordinary Fastify routes beside it.
//
// Bodies: the server's catch-all content-type parser reads every body into a Buffer, and the library reads bodies
// from the request stream itself. The provider's routes therefore live in their own encapsulated context whose only
// parser leaves the stream untouched, so the library reads the bytes itself (with its own size limit); nothing is
// parsed twice and the library never sees a pre-parsed body.
import type { FastifyInstance } from 'fastify';
import type { IncomingMessage } from 'node:http';
import type { Services } from '../services.js';
import { interactionRoutes } from './interactions.js';
import { OIDC_MOUNT, type OidcSettings } from './constants.js';

/** The `/oidc` routes with the configured lifetimes (`config.oidc`), `overrides` on top (tests shorten them). */
export function oidcRoutesWith(overrides: Partial<OidcSettings> = {}) {
  return async (app: FastifyInstance, services: Services): Promise<void> => {
    // Loaded here, not at the top: only a serving process needs the library, and on Node 20 merely importing it
    // prints its "unsupported runtime" notice, which CLI commands such as `plaza migrate` must not emit.
    const { createOidcProvider } = await import('./provider.js');
    const provider = await createOidcProvider(services, { ...services.config.oidc, ...overrides });
    const callback = provider.callback();

    await app.register(async (scope) => {
      scope.removeAllContentTypeParsers();
      scope.addContentTypeParser('*', (_request, _payload, done) => done(null, undefined));
      scope.all(`${OIDC_MOUNT}/*`, (request, reply) => {
        reply.hijack();
        const raw = request.raw as IncomingMessage & { originalUrl?: string };
        // The library routes on the path below its mount point and rebuilds absolute URLs from originalUrl.
        raw.originalUrl = raw.url ?? '/';
        raw.url = raw.originalUrl.slice(OIDC_MOUNT.length) || '/';
        reply.raw.setHeader('x-request-id', request.id);
        return callback(raw, reply.raw);
      });
    });
    interactionRoutes(app, services, provider);
  };
}

/** Extras entry (lifecycle.ts EXTRAS): the OpenID Connect provider with the configured lifetimes. */
export const oidcRoutes = oidcRoutesWith();
