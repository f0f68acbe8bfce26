// What the developer console (/console) needs from the native admin API: developer sign-up and sign-in (public,
// rate-limited per IP, scrypt before the transaction), sign-out and "me"; apps (list, create — the secret shown once —,
// read, rename / describe); per app, read-only views of its orders (liveuser), the Kamiya charges it received and its
// paid content (Ulord); for admins, the developer directory with block / unblock, roles, and ledger volume for
// charts. Handlers only parse, call one identity / module / ledger function and shape the answer.
import { appTypeTree, type AppTypeNode } from '../core/identity/appTypes.js';
import { createAppAs, ownedLiveApp, type App } from '../core/identity/apps.js';
import type { IdentityDeps } from '../core/identity/deps.js';
import { editAppAs, listAppsFor, listDevelopers, MAX_DIRECTORY_PAGE, revokeDeveloperToken, setDeveloperBlocked } from '../core/identity/directory.js';
import { hashNewPassword, precheckPassword, registerDeveloperAs, type Developer, type PasswordCheck } from '../core/identity/developers.js';
import { loginDeveloper } from '../core/identity/devTokens.js';
import { IdentityError } from '../core/identity/errors.js';
import { listRoles } from '../core/identity/roles.js';
import { getAssetBySymbol } from '../core/ledger/assets.js';
import { ledgerVolume, MAX_VOLUME_BUCKETS, type VolumeBucket } from '../core/ledger/volume.js';
import { listAppCharges, MAX_CHARGE_PAGE, type ChargeKind } from '../modules/billing/charges.js';
import { CREDIT_SYMBOL } from '../modules/billing/rules.js';
import { listAppContent, MAX_APP_CONTENT_PAGE } from '../modules/content/appContent.js';
import type { Content } from '../modules/content/repository.js';
import { PRICE_PRECISION } from '../modules/content/service.js';
import { listAppOrders, MAX_APP_ORDER_PAGE, type OrderView } from '../modules/orders/orders.js';
import { JsonNumber } from '../http/body.js';
import type { Services } from '../services.js';
import { formatAmount } from './amounts.js';
import { identityDeps } from './deps.js';
import { adminError } from './errors.js';
import { defineRoute, type AdminRoute, type AdminRouteContext } from './route.js';
import { idParam, type ObjectSchema, type Schema } from './schema.js';
import { listOf, transferSchema, transferView } from './views.js';

const DEFAULT_PAGE = 50;

const time: Schema = { type: 'string', format: 'date-time' };
const nullableTime: Schema = { type: ['string', 'null'], format: 'date-time' };

function object(properties: Record<string, Schema>, description?: string): ObjectSchema {
  return { type: 'object', properties, required: Object.keys(properties), additionalProperties: false, ...(description ? { description } : {}) };
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/** Identity's dependencies with the server's password hasher (tests inject a fast one). */
function depsOf(services: Services): IdentityDeps {
  return { ...identityDeps(services), ...(services.passwords ? { passwords: services.passwords } : {}) };
}

const limitOf = (max: number): Schema => ({ type: 'integer', minimum: 1, maximum: max, description: `Page size, default ${DEFAULT_PAGE}.` });

// ---- developers ----

const developerSchema = object({
  id: { type: 'integer' },
  username: { type: 'string' },
  email: { type: ['string', 'null'] },
  phone: { type: ['string', 'null'] },
  role_id: { type: 'integer' },
  role: { type: 'string', description: 'The role name: `admin`, `normal`, `blocked` or an added one.' },
  is_admin: { type: 'boolean' },
  blocked: { type: 'boolean', description: 'A blocked developer cannot sign in; its tokens were revoked.' },
  created_at: time,
});

function developerView(d: Developer) {
  return {
    id: d.id,
    username: d.username,
    email: d.email,
    phone: d.phone,
    role_id: d.roleId,
    role: d.roleName,
    is_admin: d.isAdmin,
    blocked: d.blocked,
    created_at: iso(d.createdAt),
  };
}

const sessionSchema = object({
  token: { type: 'string', description: 'The developer token: send it as `Authorization: Bearer <token>`. Shown once.' },
  expires_at: time,
  developer: developerSchema,
});

const credentials = {
  username: { type: 'string', minLength: 1, maxLength: 32, pattern: '^\\S+$', example: 'alice' },
  password: { type: 'string', minLength: 6, maxLength: 128, example: 'correct horse' },
} satisfies Record<string, Schema>;

const sessions: AdminRoute[] = [
  defineRoute({
    method: 'POST',
    path: '/admin/v1/developers/register',
    operationId: 'registerDeveloper',
    summary: 'Sign up as a developer (public; rate-limited per IP); opens the developer wallet',
    tag: 'developers',
    access: 'public',
    body: {
      type: 'object',
      properties: {
        ...credentials,
        email: { type: 'string', maxLength: 128, pattern: '^[^@\\s]+@[^@\\s]+$', example: 'alice@example.com' },
        phone: { type: 'string', pattern: '^[0-9+\\-() ]{3,24}$', example: '+86 138 0000 0000' },
      },
      required: ['username', 'password'],
      additionalProperties: false,
    },
    status: 201,
    response: developerSchema,
    errors: ['invalid_request', 'username_taken', 'email_taken', 'phone_taken', 'rate_limited', 'idempotency_conflict'],
    // scrypt here, before the transaction opens (route.ts `prepare`), never inside it.
    async prepare({ body, services }) {
      if (!services.config.ulord.registrationOpen) return null;
      return hashNewPassword(body.password as string, depsOf(services));
    },
    async handler({ trx, body, services, prepared }) {
      if (prepared === null) throw adminError('forbidden', 'developer registration is closed on this server');
      const input = {
        username: body.username as string,
        passwordHash: prepared as string,
        email: (body.email as string | undefined) ?? null,
        phone: (body.phone as string | undefined) ?? null,
      };
      return developerView(await registerDeveloperAs(trx(), null, input, depsOf(services)));
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/admin/v1/sessions',
    operationId: 'createSession',
    summary: 'Sign in as a developer (public; rate-limited per IP): a developer token',
    tag: 'developers',
    access: 'public',
    body: {
      type: 'object',
      properties: { username: { type: 'string', minLength: 1, maxLength: 32 }, password: { type: 'string', minLength: 1, maxLength: 128 } },
      required: ['username', 'password'],
      additionalProperties: false,
    },
    status: 201,
    response: sessionSchema,
    errors: ['invalid_request', 'unauthorized', 'forbidden', 'rate_limited', 'idempotency_conflict'],
    async prepare({ body, services }) {
      return precheckPassword(services.db, body.username as string, body.password as string, depsOf(services));
    },
    async handler({ trx, services, prepared }) {
      try {
        const r = await loginDeveloper(trx(), prepared as PasswordCheck, { clock: services.clock, ttlSeconds: services.config.ulord.tokenTtlSeconds });
        return { token: r.token, expires_at: iso(r.expiresAt), developer: developerView(r.developer) };
      } catch (err) {
        // One answer for an unknown name and a wrong password: the API does not tell which usernames exist.
        if (err instanceof IdentityError && (err.code === 'unknown_user' || err.code === 'wrong_password')) {
          throw adminError('unauthorized', 'wrong username or password');
        }
        if (err instanceof IdentityError && err.code === 'blocked') throw adminError('forbidden', 'this developer is blocked');
        throw err;
      }
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/admin/v1/sessions/current/revoke',
    operationId: 'revokeCurrentSession',
    summary: 'Sign out: revoke the developer token this request is authenticated with',
    tag: 'developers',
    access: 'developer',
    status: 200,
    response: object({ revoked: { type: 'boolean' } }),
    errors: ['idempotency_conflict'],
    async handler({ trx, callerTokenId, services }) {
      return { revoked: await revokeDeveloperToken(trx(), callerTokenId, services.clock) };
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/admin/v1/me',
    operationId: 'getMe',
    summary: 'The signed-in developer',
    tag: 'developers',
    access: 'developer',
    status: 200,
    response: developerSchema,
    errors: [],
    async handler({ caller }) {
      return developerView(caller);
    },
  }),
];

const directory: AdminRoute[] = [
  defineRoute({
    method: 'GET',
    path: '/admin/v1/developers',
    operationId: 'listDevelopers',
    summary: 'List or search developers, ascending id',
    tag: 'developers',
    access: 'admin',
    query: {
      type: 'object',
      properties: {
        query: { type: 'string', maxLength: 254, description: 'A part of the username or email (case-insensitive), or an exact id.' },
        role_id: { type: 'integer', minimum: 1 },
        after: { type: 'integer', minimum: 0, description: 'Return developers after this id (exclusive cursor).' },
        limit: limitOf(MAX_DIRECTORY_PAGE),
      },
    },
    status: 200,
    response: listOf(developerSchema),
    errors: ['invalid_request'],
    async handler({ db, query }) {
      const list = await listDevelopers(db, {
        ...(query.query !== undefined ? { query: query.query as string } : {}),
        ...(query.role_id !== undefined ? { roleId: query.role_id as number } : {}),
        ...(query.after !== undefined ? { afterId: query.after as number } : {}),
        limit: (query.limit as number | undefined) ?? DEFAULT_PAGE,
      });
      return list.map(developerView);
    },
  }),
  ...(['block', 'unblock'] as const).map((action) =>
    defineRoute({
      method: 'POST',
      path: `/admin/v1/developers/:id/${action}`,
      operationId: `${action}Developer`,
      summary:
        action === 'block'
          ? 'Block a developer (role `blocked`): its tokens are revoked and it cannot sign in; admins cannot be blocked'
          : 'Unblock a developer (back to the default role)',
      tag: 'developers',
      access: 'admin',
      params: idParam,
      status: 200,
      response: developerSchema,
      errors: ['invalid_request', 'not_found', 'forbidden', 'idempotency_conflict'],
      async handler({ trx, params, caller, services }) {
        return developerView(await setDeveloperBlocked(trx(), caller, params.id as number, action === 'block', services.clock));
      },
    }),
  ),
  defineRoute({
    method: 'GET',
    path: '/admin/v1/roles',
    operationId: 'listRoles',
    summary: 'Developer roles (admin 1, normal 2, blocked 3 are built in)',
    tag: 'developers',
    access: 'admin',
    status: 200,
    response: listOf(object({ id: { type: 'integer' }, name: { type: 'string' }, description: { type: ['string', 'null'] }, builtin: { type: 'boolean' } })),
    errors: [],
    async handler({ db }) {
      return (await listRoles(db)).map((r) => ({ id: r.id, name: r.name, description: r.des, builtin: r.builtin }));
    },
  }),
];

// ---- apps ----

const appSchema = object({
  id: { type: 'integer', description: 'The app id (a uid of the space users and apps share).' },
  developer_id: { type: 'integer' },
  name: { type: 'string' },
  description: { type: ['string', 'null'] },
  type_id: { type: ['integer', 'null'] },
  appkey: { type: 'string', pattern: '^[0-9a-f]{32}$' },
  banned: { type: 'boolean' },
  created_at: time,
  updated_at: nullableTime,
});

function appView(a: App) {
  return {
    id: a.id,
    developer_id: a.developerId,
    name: a.name,
    description: a.des,
    type_id: a.typeId,
    appkey: a.appkey,
    banned: a.banned,
    created_at: iso(a.createdAt),
    updated_at: a.updatedAt === null ? null : iso(a.updatedAt),
  };
}

const createdAppSchema: ObjectSchema = {
  ...appSchema,
  properties: { ...appSchema.properties, secret: { type: 'string', description: 'The app secret: shown only in this answer (rotate it to get a new one).' } },
  required: [...(appSchema.required ?? []), 'secret'],
};

const appName: Schema = { type: 'string', minLength: 1, maxLength: 128, pattern: '^[^\\u0000-\\u001f\\u007f]+$', example: 'My shop' };
const appDescription: Schema = { type: ['string', 'null'], maxLength: 500, example: 'A mini program selling tea' };

interface TypeNodeView {
  id: number;
  parent_id: number | null;
  name: string;
  description: string | null;
  children: TypeNodeView[];
}

function typeNodeView(n: AppTypeNode): TypeNodeView {
  return { id: n.id, parent_id: n.parentId, name: n.name, description: n.des, children: n.children.map(typeNodeView) };
}

const typeNodeSchema: Schema = {
  type: 'object',
  properties: {
    id: { type: 'integer' },
    parent_id: { type: ['integer', 'null'] },
    name: { type: 'string' },
    description: { type: ['string', 'null'] },
    children: { type: 'array', items: { type: 'object' }, description: 'Child types, same shape, ascending id.' },
  },
  required: ['id', 'parent_id', 'name', 'description', 'children'],
  additionalProperties: false,
};

const apps: AdminRoute[] = [
  defineRoute({
    method: 'GET',
    path: '/admin/v1/apps',
    operationId: 'listApps',
    summary: "Live apps, ascending id: the caller's own; an admin sees every developer's (or one's, with developer_id)",
    tag: 'apps',
    access: 'developer',
    query: {
      type: 'object',
      properties: {
        developer_id: { type: 'integer', minimum: 1, description: 'Only this developer’s apps (admins; others may name only themselves).' },
        query: { type: 'string', maxLength: 128, description: 'A part of the name (case-insensitive), or an exact app id.' },
        after: { type: 'integer', minimum: 0, description: 'Return apps after this id (exclusive cursor).' },
        limit: limitOf(MAX_DIRECTORY_PAGE),
      },
    },
    status: 200,
    response: listOf(appSchema),
    errors: ['invalid_request', 'forbidden'],
    async handler({ db, query, caller }) {
      const list = await listAppsFor(db, caller, {
        ...(query.developer_id !== undefined ? { developerId: query.developer_id as number } : {}),
        ...(query.query !== undefined ? { query: query.query as string } : {}),
        ...(query.after !== undefined ? { afterId: query.after as number } : {}),
        limit: (query.limit as number | undefined) ?? DEFAULT_PAGE,
      });
      return list.map(appView);
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/admin/v1/apps',
    operationId: 'createApp',
    summary: 'Create an app (opens its wallet); the answer carries the appkey and, this once, the secret',
    tag: 'apps',
    access: 'developer',
    body: {
      type: 'object',
      properties: {
        name: appName,
        description: appDescription,
        type_id: { type: ['integer', 'null'], minimum: 1, description: 'An app type (GET /admin/v1/app-types).' },
        developer_id: { type: 'integer', minimum: 1, description: 'Admins: create the app for this developer.' },
      },
      required: ['name'],
      additionalProperties: false,
    },
    status: 201,
    response: createdAppSchema,
    errors: ['invalid_request', 'forbidden', 'not_found', 'app_name_taken', 'idempotency_conflict'],
    async handler({ trx, body, caller, services }) {
      const typeId = body.type_id instanceof JsonNumber ? Number(body.type_id.text) : null;
      const { app, secret } = await createAppAs(
        trx(),
        caller,
        {
          ...(body.developer_id !== undefined ? { userId: Number((body.developer_id as JsonNumber).text) } : {}),
          name: body.name as string,
          des: (body.description as string | null | undefined) ?? null,
          typeId,
        },
        depsOf(services),
      );
      return { ...appView(app), secret };
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/admin/v1/apps/:id',
    operationId: 'getApp',
    summary: 'A live app (its owner or an admin); the secret is never shown again',
    tag: 'apps',
    access: 'developer',
    params: idParam,
    status: 200,
    response: appSchema,
    errors: ['invalid_request', 'not_found', 'forbidden'],
    async handler({ db, params, caller }) {
      return appView(await ownedLiveApp(db, caller, params.id as number));
    },
  }),
  defineRoute({
    method: 'PATCH',
    path: '/admin/v1/apps/:id',
    operationId: 'updateApp',
    summary: 'Rename or re-describe an app (its owner or an admin); `description: null` clears it',
    tag: 'apps',
    access: 'developer',
    params: idParam,
    body: { type: 'object', properties: { name: appName, description: appDescription }, additionalProperties: false },
    status: 200,
    response: appSchema,
    errors: ['invalid_request', 'not_found', 'forbidden', 'app_name_taken', 'idempotency_conflict'],
    async handler({ trx, params, body, caller, services }) {
      const patch = {
        ...(body.name !== undefined ? { name: body.name as string } : {}),
        ...(body.description !== undefined ? { des: body.description as string | null } : {}),
      };
      return appView(await editAppAs(trx(), caller, params.id as number, patch, services.clock));
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/admin/v1/app-types',
    operationId: 'listAppTypes',
    summary: 'App types as a tree (top-level types with their children nested)',
    tag: 'apps',
    access: 'developer',
    status: 200,
    response: listOf(typeNodeSchema),
    errors: [],
    async handler({ db }) {
      return (await appTypeTree(db)).map(typeNodeView);
    },
  }),
];

// ---- per-app views ----

/** The app of a per-app view: 404 unknown or removed, 403 neither its owner nor an admin. */
async function viewableApp(ctx: Pick<AdminRouteContext, 'db' | 'caller' | 'params'>): Promise<number> {
  return (await ownedLiveApp(ctx.db, ctx.caller, ctx.params.id as number)).id;
}

/** An ISO 8601 time of a query (`from`, `to`) as ms, or `invalid_request`. */
function timeParam(query: Record<string, unknown>, name: string): number | undefined {
  const v = query[name];
  if (v === undefined) return undefined;
  const ms = Date.parse(v as string);
  if (!Number.isFinite(ms)) throw adminError('invalid_request', `query parameter ${name} must be an ISO 8601 date-time`);
  return ms;
}

const isoQuery = (description: string): Schema => ({ type: 'string', maxLength: 40, description: `${description} ISO 8601, e.g. 2026-01-31T00:00:00Z.` });

const orderLineSchema = object({
  product_id: { type: 'string' },
  name: { type: 'string' },
  price: { type: 'integer', description: 'Unit price in cents (CNY fen).' },
  count: { type: 'integer' },
  product_snapshot: { type: 'integer' },
});

const orderSchema = object({
  id: { type: 'integer', description: 'Time-ordered order id.' },
  uid: { type: 'string', description: "The buyer's uid in the app (liveuser)." },
  state: { type: 'string', enum: ['created', 'paid'] },
  amount: { type: 'integer', description: 'Cents.' },
  discount: { type: 'integer', description: 'Cents.' },
  pay: { type: 'integer', description: 'Cents to pay (amount − discount).' },
  paid_at: nullableTime,
  deleted: { type: 'boolean' },
  lines: listOf(orderLineSchema),
  created_at: time,
  updated_at: time,
});

function orderView(o: OrderView) {
  return {
    id: o.id,
    uid: o.uid,
    state: o.state === 1 ? 'paid' : 'created',
    amount: o.amount,
    discount: o.discount,
    pay: o.pay,
    paid_at: o.payAt > 0 ? iso(o.payAt) : null,
    deleted: o.deletedAt > 0,
    lines: o.products.map((l) => ({ product_id: l.productId, name: l.name, price: l.price, count: l.count, product_snapshot: l.productSnapshot })),
    created_at: iso(o.createdAt),
    updated_at: iso(o.updatedAt),
  };
}

const contentItemSchema = object({
  id: { type: 'integer' },
  author: { type: 'string' },
  claim_id: { type: 'string', pattern: '^[0-9a-f]{40}$' },
  title: { type: 'string' },
  price: { type: 'string', pattern: '^-?[0-9]+(\\.[0-9]+)?$', description: 'ULD units; negative = an advertisement.' },
  price_minor: { type: 'string', pattern: '^-?[0-9]+$' },
  enabled: { type: 'boolean' },
  views: { type: 'integer' },
  created_at: time,
});

function contentItemView(c: Content) {
  return {
    id: c.id,
    author: c.author,
    claim_id: c.claimId,
    title: c.title,
    price: formatAmount(c.priceMinor, PRICE_PRECISION),
    price_minor: c.priceMinor.toString(),
    enabled: c.enabled,
    views: c.views,
    created_at: iso(c.createdAt),
  };
}

const appViews: AdminRoute[] = [
  defineRoute({
    method: 'GET',
    path: '/admin/v1/apps/:id/orders',
    operationId: 'listAppOrders',
    summary: "An app's liveuser orders, newest first (its owner or an admin)",
    tag: 'apps',
    access: 'developer',
    params: idParam,
    query: {
      type: 'object',
      properties: {
        state: { type: 'string', enum: ['created', 'paid'] },
        uid: { type: 'string', maxLength: 64, description: "One buyer's uid." },
        before: { type: 'integer', minimum: 1, description: 'Return orders with a smaller id (exclusive cursor: the last id of the previous page).' },
        limit: limitOf(MAX_APP_ORDER_PAGE),
      },
    },
    status: 200,
    response: listOf(orderSchema),
    errors: ['invalid_request', 'not_found', 'forbidden'],
    async handler(ctx) {
      const { db, query } = ctx;
      const list = await listAppOrders(db, await viewableApp(ctx), {
        ...(query.state !== undefined ? { state: query.state === 'paid' ? 1 : 0 } : {}),
        ...(query.uid !== undefined ? { uid: query.uid as string } : {}),
        ...(query.before !== undefined ? { before: query.before as number } : {}),
        limit: (query.limit as number | undefined) ?? DEFAULT_PAGE,
      });
      return list.map(orderView);
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/admin/v1/apps/:id/charges',
    operationId: 'listAppCharges',
    summary: "The Kamiya charges an app received (ledger transfers of kind kamiya.charge / kamiya.force_charge crediting the app), newest first",
    tag: 'apps',
    access: 'developer',
    params: idParam,
    query: {
      type: 'object',
      properties: {
        kind: { type: 'string', enum: ['charge', 'force_charge'] },
        from: isoQuery('Created at or after.'),
        to: isoQuery('Created before.'),
        before: { type: 'integer', minimum: 1, description: 'Return transfers with a smaller seq (exclusive cursor).' },
        limit: limitOf(MAX_CHARGE_PAGE),
      },
    },
    status: 200,
    response: listOf(transferSchema),
    errors: ['invalid_request', 'not_found', 'forbidden'],
    async handler(ctx) {
      const { db, query } = ctx;
      const appId = await viewableApp(ctx);
      const from = timeParam(query, 'from');
      const to = timeParam(query, 'to');
      const list = await listAppCharges(db, appId, {
        ...(query.kind !== undefined ? { kind: query.kind as ChargeKind } : {}),
        ...(from !== undefined ? { from } : {}),
        ...(to !== undefined ? { to } : {}),
        ...(query.before !== undefined ? { before: query.before as number } : {}),
        limit: (query.limit as number | undefined) ?? DEFAULT_PAGE,
      });
      if (list.length === 0) return [];
      const asset = await getAssetBySymbol(db, CREDIT_SYMBOL);
      if (!asset) throw new Error('charges exist but the CREDIT asset does not');
      return list.map((t) => transferView(t, asset));
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/admin/v1/apps/:id/content',
    operationId: 'listAppContent',
    summary: "An app's paid content (Ulord), enabled or not, newest first",
    tag: 'apps',
    access: 'developer',
    params: idParam,
    query: {
      type: 'object',
      properties: {
        author: { type: 'string', maxLength: 64 },
        enabled: { type: 'string', enum: ['true', 'false'] },
        before: { type: 'integer', minimum: 1, description: 'Return content with a smaller id (exclusive cursor).' },
        limit: limitOf(MAX_APP_CONTENT_PAGE),
      },
    },
    status: 200,
    response: listOf(contentItemSchema),
    errors: ['invalid_request', 'not_found', 'forbidden'],
    async handler(ctx) {
      const { db, query } = ctx;
      const list = await listAppContent(db, await viewableApp(ctx), {
        ...(query.author !== undefined ? { author: query.author as string } : {}),
        ...(query.enabled !== undefined ? { enabled: query.enabled === 'true' } : {}),
        ...(query.before !== undefined ? { before: query.before as number } : {}),
        limit: (query.limit as number | undefined) ?? DEFAULT_PAGE,
      });
      return list.map(contentItemView);
    },
  }),
];

// ---- ledger statistics ----

const volumeSchema = object({
  asset: { type: 'string' },
  bucket: { type: 'string', enum: ['hour', 'day'] },
  from: time,
  to: time,
  points: listOf(
    object({
      start: time,
      count: { type: 'integer' },
      amount: { type: 'string', pattern: '^-?[0-9]+(\\.[0-9]+)?$', description: 'Sum in asset units.' },
      amount_minor: { type: 'string', pattern: '^-?[0-9]+$' },
    }),
  ),
});

const ledger: AdminRoute[] = [
  defineRoute({
    method: 'GET',
    path: '/admin/v1/ledger/volume',
    operationId: 'getLedgerVolume',
    summary: `Posted transfers of one asset per UTC hour or day (count and sum; empty buckets omitted; at most ${MAX_VOLUME_BUCKETS} buckets)`,
    tag: 'transfers',
    access: 'admin',
    query: {
      type: 'object',
      properties: {
        asset: { type: 'string', pattern: '^[A-Z][A-Z0-9]{1,11}$', example: 'ULD' },
        bucket: { type: 'string', enum: ['hour', 'day'] },
        from: isoQuery('Start (rounded down to its bucket).'),
        to: isoQuery('End, exclusive.'),
      },
      required: ['asset', 'bucket', 'from', 'to'],
    },
    status: 200,
    response: volumeSchema,
    errors: ['invalid_request', 'not_found'],
    async handler({ db, query }) {
      const asset = await getAssetBySymbol(db, query.asset as string);
      if (!asset) throw adminError('not_found', `no asset with symbol ${query.asset as string}`);
      const bucket = query.bucket as VolumeBucket;
      const from = timeParam(query, 'from')!;
      const to = timeParam(query, 'to')!;
      let points;
      try {
        points = await ledgerVolume(db, { assetId: asset.id, bucket, from, to });
      } catch (err) {
        if (err instanceof RangeError) throw adminError('invalid_request', err.message);
        throw err;
      }
      return {
        asset: asset.symbol,
        bucket,
        from: iso(from),
        to: iso(to),
        points: points.map((p) => ({ start: iso(p.start), count: p.count, amount: formatAmount(p.amount, asset.precision), amount_minor: p.amount.toString() })),
      };
    },
  }),
];

export const CONSOLE_ROUTES: readonly AdminRoute[] = [...sessions, ...directory, ...apps, ...appViews, ...ledger];
