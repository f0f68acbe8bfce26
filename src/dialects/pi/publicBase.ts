// The public base URL Pi answers are built on: `_link` (spec/pi.md §5.8) and the same-origin check of
// `POST /pi/wallet/token` (§3.17). The spec's `publicBaseUrl` is the platform's `config.publicUrl`; "unset" is how
// Plaza represents an operator who did not set PLAZA_PUBLIC_URL: loadConfig then fills in `http://<host>:<port>`
// (PLAZA_HOST, PLAZA_PORT), so a publicUrl equal to that derived value counts as unset, and the base is the scheme
// and host of the request instead. Any other value (an explicit PLAZA_PUBLIC_URL, or a test's own) is used as is.
// Webhook payloads have no request: the payments module renders theirs on `config.publicUrl` always.
import type { FastifyRequest } from 'fastify';
import type { Config } from '../../config.js';
import type { Services } from '../../services.js';

/** What loadConfig makes publicUrl when PLAZA_PUBLIC_URL is absent. */
export function derivedPublicUrl(config: Pick<Config, 'host' | 'port'>): string {
  return `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${config.port}`;
}

export function publicUrlIsSet(config: Pick<Config, 'host' | 'port' | 'publicUrl'>): boolean {
  return config.publicUrl !== derivedPublicUrl(config);
}

/** A Host header worth echoing into a URL: a name or address and an optional port, nothing else. */
const HOST = /^(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::[0-9]{1,5})?$/;

/** `https://plaza.example` (configured) or `http://<Host of this request>`; never a trailing slash. */
export function publicBase(request: FastifyRequest, services: Pick<Services, 'config'>): string {
  const { config } = services;
  if (publicUrlIsSet(config)) return config.publicUrl.replace(/\/+$/, '');
  const host = request.headers.host;
  // The server does not trust proxy headers (server.ts), so the protocol is the socket's.
  return typeof host === 'string' && HOST.test(host) ? `${request.protocol}://${host}` : config.publicUrl.replace(/\/+$/, '');
}

/** The origin (`scheme://host[:port]`) of `publicBase`. */
export function publicOrigin(request: FastifyRequest, services: Pick<Services, 'config'>): string {
  return new URL(publicBase(request, services)).origin;
}
