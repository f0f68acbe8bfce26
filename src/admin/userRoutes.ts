// End users and app access through the admin API: admins list, search and read global users, disable / enable them
// (disabling revokes their sessions and tokens at once) and mark their email verified; an app's owner (or an
// admin) reads and replaces its redirect URIs and allowed origins. Rules live in core/identity.
import { AppAccessError, appAllowedOrigins, appRedirectUris, MAX_ACCESS_ENTRIES, setAppAllowedOrigins, setAppRedirectUris } from '../core/identity/appAccess.js';
import { getApp, type StoredApp } from '../core/identity/apps.js';
import type { Developer } from '../core/identity/developers.js';
import { getUser, listUsers, markEmailVerified, MAX_USER_PAGE, setUserDisabled, type User } from '../core/identity/users.js';
import type { Db } from '../core/identity/deps.js';
import { adminError } from './errors.js';
import { defineRoute, type AdminRoute } from './route.js';
import { idParam, type ObjectSchema } from './schema.js';

const DEFAULT_PAGE = 50;

const userSchema: ObjectSchema = {
  type: 'object',
  properties: {
    id: { type: 'integer' },
    uid: { type: 'integer', description: 'Numeric uid in the space users and apps share (YOYOW checksum rule).' },
    username: { type: 'string' },
    email: { type: ['string', 'null'] },
    role: { type: 'string', enum: ['Normal', 'Administrator'] },
    disabled: { type: 'boolean', description: 'A disabled user cannot sign in; its sessions and tokens stop working.' },
    email_verified: { type: 'boolean' },
    created_at: { type: 'string', format: 'date-time' },
  },
  required: ['id', 'uid', 'username', 'email', 'role', 'disabled', 'email_verified', 'created_at'],
  additionalProperties: false,
};

function userView(u: User) {
  return {
    id: u.id,
    uid: u.uid,
    username: u.username,
    email: u.email,
    role: u.role,
    disabled: u.disabled,
    email_verified: u.emailVerified,
    created_at: new Date(u.createdAt).toISOString(),
  };
}

function userNotFound(id: number): never {
  throw adminError('not_found', `no user ${id}`);
}

const users: AdminRoute[] = [
  defineRoute({
    method: 'GET',
    path: '/admin/v1/users',
    operationId: 'listUsers',
    summary: 'List or search global end users, ascending id',
    tag: 'users',
    access: 'admin',
    query: {
      type: 'object',
      properties: {
        query: { type: 'string', maxLength: 254, description: 'A part of the username or email (case-insensitive), or an exact uid.' },
        after: { type: 'integer', minimum: 0, description: 'Return users after this id (exclusive cursor).' },
        limit: { type: 'integer', minimum: 1, maximum: MAX_USER_PAGE, description: `Page size, default ${DEFAULT_PAGE}.` },
      },
    },
    status: 200,
    response: { type: 'array', items: userSchema },
    errors: ['invalid_request'],
    async handler({ db, query }) {
      const list = await listUsers(db, {
        ...(query.query !== undefined ? { query: query.query as string } : {}),
        ...(query.after !== undefined ? { afterId: query.after as number } : {}),
        limit: (query.limit as number | undefined) ?? DEFAULT_PAGE,
      });
      return list.map(userView);
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/admin/v1/users/:id',
    operationId: 'getUser',
    summary: 'A global end user',
    tag: 'users',
    access: 'admin',
    params: idParam,
    status: 200,
    response: userSchema,
    errors: ['invalid_request', 'not_found'],
    async handler({ db, params }) {
      const id = params.id as number;
      return userView((await getUser(db, id)) ?? userNotFound(id));
    },
  }),
  defineRoute({
    method: 'PATCH',
    path: '/admin/v1/users/:id',
    operationId: 'updateUser',
    summary: 'Disable or enable a user (disabling revokes its sessions and tokens at once), or mark its email verified',
    tag: 'users',
    access: 'admin',
    params: idParam,
    body: {
      type: 'object',
      properties: {
        disabled: { type: 'boolean' },
        email_verified: { type: 'boolean', description: 'Only `true` is accepted: an operator confirms an address; un-verifying is not offered.' },
      },
      additionalProperties: false,
    },
    status: 200,
    response: userSchema,
    errors: ['invalid_request', 'not_found', 'idempotency_conflict'],
    async handler({ trx, params, body, services }) {
      const id = params.id as number;
      if (body.email_verified === false) throw adminError('invalid_request', 'email_verified can only be set to true');
      const t = trx();
      let user = (await getUser(t, id)) ?? userNotFound(id);
      if (body.disabled !== undefined) user = (await setUserDisabled(t, id, body.disabled as boolean, services.clock)) ?? userNotFound(id);
      if (body.email_verified === true) {
        if (user.email === null) throw adminError('invalid_request', `user ${id} has no email to verify`);
        user = (await markEmailVerified(t, id, services.clock)) ?? userNotFound(id);
      }
      return userView(user);
    },
  }),
];

const accessSchema: ObjectSchema = {
  type: 'object',
  properties: {
    app_id: { type: 'integer' },
    redirect_uris: {
      type: 'array',
      items: { type: 'string', example: 'https://app.example.com/callback' },
      description: 'Absolute http(s) URLs without a fragment; a redirect must match one exactly.',
    },
    allowed_origins: {
      type: 'array',
      items: { type: 'string', example: 'https://app.example.com' },
      description: '`scheme://host[:port]` origins allowed to call from a browser.',
    },
  },
  required: ['app_id', 'redirect_uris', 'allowed_origins'],
  additionalProperties: false,
};

function accessView(app: StoredApp) {
  return { app_id: app.id, redirect_uris: appRedirectUris(app), allowed_origins: appAllowedOrigins(app) };
}

/** A live app the caller may manage: 404 when unknown or removed, 403 when neither its owner nor an admin. */
async function manageableApp(db: Db, caller: Developer, id: number): Promise<StoredApp> {
  const app = await getApp(db, id);
  if (!app || app.status !== 'live') throw adminError('not_found', `no live app ${id}`);
  if (app.developerId !== caller.id && !caller.isAdmin) throw adminError('forbidden', 'not your app (only its owner or an admin may manage it)');
  return app;
}

const stringList = (description: string) => ({ type: 'array' as const, items: { type: 'string' as const, maxLength: 2000 }, description: `${description} At most ${MAX_ACCESS_ENTRIES}.` });

const access: AdminRoute[] = [
  defineRoute({
    method: 'GET',
    path: '/admin/v1/apps/:id/access',
    operationId: 'getAppAccess',
    summary: "An app's redirect URIs and allowed origins (the app's owner or an admin)",
    tag: 'apps',
    access: 'developer',
    params: idParam,
    status: 200,
    response: accessSchema,
    errors: ['invalid_request', 'not_found', 'forbidden'],
    async handler({ db, params, caller }) {
      return accessView(await manageableApp(db, caller, params.id as number));
    },
  }),
  defineRoute({
    method: 'PUT',
    path: '/admin/v1/apps/:id/access',
    operationId: 'setAppAccess',
    summary: "Replace an app's redirect URIs and allowed origins (the app's owner or an admin); in force at once",
    tag: 'apps',
    access: 'developer',
    params: idParam,
    body: {
      type: 'object',
      properties: {
        redirect_uris: stringList('Absolute http(s) URLs without a fragment.'),
        allowed_origins: stringList('`scheme://host[:port]` origins.'),
      },
      required: ['redirect_uris', 'allowed_origins'],
      additionalProperties: false,
    },
    status: 200,
    response: accessSchema,
    errors: ['invalid_request', 'not_found', 'forbidden', 'idempotency_conflict'],
    async handler({ trx, params, body, caller, services }) {
      const id = params.id as number;
      const t = trx();
      await manageableApp(t, caller, id);
      try {
        await setAppRedirectUris(t, id, body.redirect_uris as string[], services.clock);
        await setAppAllowedOrigins(t, id, body.allowed_origins as string[], services.clock);
      } catch (err) {
        if (err instanceof AppAccessError) throw adminError('invalid_request', err.message);
        throw err;
      }
      return accessView((await getApp(t, id))!);
    },
  }),
];

export const USER_ROUTES: readonly AdminRoute[] = [...users, ...access];
