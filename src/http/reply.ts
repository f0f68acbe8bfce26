// Puts a WireResponse on the wire. Bodies are pre-rendered strings (so idempotent replays are byte-identical);
// JSON is the default content type when the response names none.
import type { FastifyReply } from 'fastify';
import type { WireResponse } from './idempotency.js';

export function sendWire(reply: FastifyReply, response: WireResponse): FastifyReply {
  reply.code(response.statusCode);
  for (const [k, v] of Object.entries(response.headers)) reply.header(k, v);
  if (!('content-type' in response.headers)) reply.header('content-type', 'application/json; charset=utf-8');
  return reply.send(response.body);
}
