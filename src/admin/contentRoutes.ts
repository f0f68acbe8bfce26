// Paid content through the admin API (modules/content): read a resource with its history, and the operator's
// enabled switch of spec ulord §8.3 — disabled content leaves check, consume and the app's list (X5, X6, X11) but
// stays in records, aggregates, counts and the customer's and author's lists.
import { formatAmount } from './amounts.js';
import { adminError } from './errors.js';
import { defineRoute, type AdminRoute } from './route.js';
import { idParam, type ObjectSchema } from './schema.js';
import { getContent, PRICE_PRECISION, setContentEnabled, type ContentView } from '../modules/content/service.js';

const historyEntrySchema: ObjectSchema = {
  type: 'object',
  properties: {
    action: { type: 'string', enum: ['publish', 'disable', 'enable'] },
    actor: { type: 'string', description: '`app:<id>` for a publish, `developer:<id>` for an admin API change.', example: 'developer:1' },
    at: { type: 'string', format: 'date-time' },
  },
  required: ['action', 'actor', 'at'],
  additionalProperties: false,
};

const contentSchema: ObjectSchema = {
  type: 'object',
  properties: {
    id: { type: 'integer' },
    app_id: { type: 'integer' },
    author: { type: 'string', description: "The author's wallet user name in the app." },
    claim_id: { type: 'string', pattern: '^[0-9a-f]{40}$' },
    title: { type: 'string' },
    price: { type: 'string', pattern: '^-?[0-9]+(\\.[0-9]+)?$', description: 'Price in ULD units; negative = an advertisement.' },
    price_minor: { type: 'string', pattern: '^-?[0-9]+$', description: 'Exact price in minor units.' },
    enabled: { type: 'boolean', description: 'Disabled content is invisible to check, consume and the app list (Ulord X5, X6, X11).' },
    views: { type: 'integer' },
    created_at: { type: 'string', format: 'date-time' },
    history: { type: 'array', items: historyEntrySchema, description: 'Publish, then every disable / enable, oldest first.' },
  },
  required: ['id', 'app_id', 'author', 'claim_id', 'title', 'price', 'price_minor', 'enabled', 'views', 'created_at', 'history'],
  additionalProperties: false,
};

function contentView(c: ContentView) {
  return {
    id: c.id,
    app_id: c.appId,
    author: c.author,
    claim_id: c.claimId,
    title: c.title,
    price: formatAmount(c.priceMinor, PRICE_PRECISION),
    price_minor: c.priceMinor.toString(),
    enabled: c.enabled,
    views: c.views,
    created_at: new Date(c.createdAt).toISOString(),
    history: c.history.map((h) => ({ action: h.action, actor: h.actor, at: new Date(h.createdAt).toISOString() })),
  };
}

function notFound(id: number): never {
  throw adminError('not_found', `no content ${id}`);
}

export const CONTENT_ROUTES: readonly AdminRoute[] = [
  defineRoute({
    method: 'GET',
    path: '/admin/v1/content/:id',
    operationId: 'getContent',
    summary: 'A paid-content resource (Ulord), enabled or not, with its history',
    tag: 'content',
    access: 'admin',
    params: idParam,
    status: 200,
    response: contentSchema,
    errors: ['not_found'],
    async handler({ db, params }) {
      const id = params.id as number;
      return contentView((await getContent(db, id)) ?? notFound(id));
    },
  }),
  defineRoute({
    method: 'PATCH',
    path: '/admin/v1/content/:id',
    operationId: 'updateContent',
    summary: 'Disable or re-enable a paid-content resource (recorded in its history; the same state again changes nothing)',
    tag: 'content',
    access: 'admin',
    params: idParam,
    body: { type: 'object', properties: { enabled: { type: 'boolean' } }, required: ['enabled'], additionalProperties: false },
    status: 200,
    response: contentSchema,
    errors: ['invalid_request', 'not_found', 'idempotency_conflict'],
    async handler({ trx, params, body, caller, services }) {
      const id = params.id as number;
      const input = { contentId: id, enabled: body.enabled as boolean, actor: `developer:${caller.id}` };
      return contentView((await setContentEnabled(trx(), input, services.clock)) ?? notFound(id));
    },
  }),
];
