// What every hosted-page handler shares: failures rendered as an HTML page (never the JSON error or a stack trace),
// the CSRF refusal, rate limits with a clear 429, the identity dependencies, and links on the public URL.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { identityDeps } from '../admin/deps.js';
import type { IdentityDeps } from '../core/identity/deps.js';
import type { Services } from '../services.js';
import { messagePage, sendPage, type HtmlPage } from './layout.js';

export type PageHandler = (request: FastifyRequest, reply: FastifyReply) => Promise<FastifyReply | HtmlPage>;

/**
 * Wraps a page handler: a returned page is sent; an unexpected failure is logged with the request id and answered
 * with an HTML 500 page (the transaction it happened in has rolled back, so nothing is half-written).
 */
export function pageRoute(handler: PageHandler): (request: FastifyRequest, reply: FastifyReply) => Promise<FastifyReply> {
  return async (request, reply) => {
    try {
      const result = await handler(request, reply);
      return (result as unknown) === reply ? reply : sendPage(reply, result as HtmlPage);
    } catch (err) {
      request.log.error({ err }, 'hosted page failed');
      if (reply.sent) return reply;
      reply.removeHeader('set-cookie');
      return sendPage(
        reply,
        messagePage({
          title: 'Something went wrong',
          message: 'Plaza could not finish this request and nothing was changed. Please try again in a moment.',
          status: 500,
          link: { href: '/account', text: 'Back to your account' },
        }),
      );
    }
  };
}

export function csrfRefused(): HtmlPage {
  return messagePage({
    title: 'This form has expired',
    message:
      'The form was not sent from this Plaza page, or it was open for too long (cookies may be blocked). Nothing was changed. Go back, reload the page and submit it again.',
    status: 403,
  });
}

/**
 * Counts one attempt under every bucket; the seconds to wait when any of them is over its limit, else null. Every
 * bucket is counted even after one refuses, so hammering one login also spends the client's address budget.
 */
export async function overLimit(services: Services, buckets: ReadonlyArray<readonly [bucket: string, perMinute: number]>): Promise<number | null> {
  let wait: number | null = null;
  for (const [bucket, perMinute] of buckets) {
    const d = await services.limiter.check(bucket, perMinute);
    if (!d.allowed) wait = Math.max(wait ?? 0, d.retryAfterSeconds);
  }
  return wait;
}

export function waitText(seconds: number): string {
  return seconds <= 60 ? `${seconds} second${seconds === 1 ? '' : 's'}` : `${Math.ceil(seconds / 60)} minutes`;
}

/** A 303 redirect (the answer to a POST that succeeded). */
export function seeOther(reply: FastifyReply, location: string): FastifyReply {
  return reply.code(303).header('location', location).header('cache-control', 'no-store').send();
}

export function webIdentityDeps(services: Services): IdentityDeps {
  return { ...identityDeps(services), ...(services.passwords ? { passwords: services.passwords } : {}) };
}

/** An absolute link on the public URL (what emails carry). */
export function publicLink(services: Services, path: string): string {
  return `${services.config.publicUrl.replace(/\/+$/, '')}${path}`;
}
