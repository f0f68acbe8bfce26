// Liveness and readiness for orchestrators and load balancers. /healthz says the process answers; /readyz says it
// can reach its store (a `select 1`), so a replica that lost its database is taken out of rotation.
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { headBlock } from '../core/ledger/blocks.js';
import type { Services } from '../services.js';

/** The last sealed block's number, 0 before the first seal. */
export async function headBlockNumber(services: Pick<Services, 'db'>): Promise<number> {
  const head = await headBlock(services.db);
  return head?.number ?? 0;
}

export function healthRoutes(app: FastifyInstance, services: Services): void {
  app.get('/healthz', async (_request, reply) => reply.send({ status: 'ok' }));
  app.get('/readyz', async (request, reply) => {
    try {
      await sql`select 1`.execute(services.db);
      const head = await headBlockNumber(services);
      return reply.send({ status: 'ready', store: services.database.store, head_block: head });
    } catch (err) {
      request.log.warn({ err }, 'readiness check failed');
      return reply.code(503).send({ status: 'unavailable' });
    }
  });
}
