// `GET /pi-sdk.js` and `GET /apps/<appkey>/pi-sdk.js` (spec/pi.md §6.1): the browser SDK. The text is the same for
// every app (the script reads its app from its own URL), built once at start-up; it is served with a strong ETag
// (304 on a matching If-None-Match), `Access-Control-Allow-Origin: *`, and revalidated on every use (`no-cache`)
// because apps load it from an unversioned URL and must pick up a new Plaza release at once.
import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Services } from '../../../services.js';
import { piSdkSource } from './source.js';

export const PI_SDK_PATH = '/pi-sdk.js';

export const PI_SDK_CONTENT_TYPE = 'application/javascript; charset=utf-8';

interface SdkAsset {
  body: string;
  etag: string;
}

function sdkAsset(services: Services): SdkAsset {
  const body = piSdkSource(services.config.publicUrl);
  return { body, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 32)}"` };
}

/** RFC 9110 §13.1.2: `*`, or any listed entity tag equal under the weak comparison. */
export function etagMatches(ifNoneMatch: string | undefined, etag: string): boolean {
  if (ifNoneMatch === undefined) return false;
  const bare = (tag: string) => tag.trim().replace(/^W\//, '');
  return ifNoneMatch.split(',').some((tag) => tag.trim() === '*' || bare(tag) === bare(etag));
}

function headerText(request: FastifyRequest, name: string): string | undefined {
  const v = request.headers[name];
  return typeof v === 'string' ? v : Array.isArray(v) ? v.join(',') : undefined;
}

function serve(asset: SdkAsset, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  reply
    .header('etag', asset.etag)
    .header('cache-control', 'public, no-cache')
    .header('access-control-allow-origin', '*')
    .header('cross-origin-resource-policy', 'cross-origin')
    .header('x-content-type-options', 'nosniff');
  if (etagMatches(headerText(request, 'if-none-match'), asset.etag)) return reply.code(304).send();
  return reply.code(200).header('content-type', PI_SDK_CONTENT_TYPE).send(asset.body);
}

export function registerPiSdk(app: FastifyInstance, services: Services): void {
  const asset = sdkAsset(services);
  for (const url of [PI_SDK_PATH, `/apps/:appkey${PI_SDK_PATH}`]) {
    app.get(url, async (request, reply) => serve(asset, request, reply));
  }
}
