// Operator controls through the admin API: the platform-wide switches and limits (http/controls.ts) and one app's
// controls (core/identity/appControls.ts). Wire names are snake_case like the rest of the admin API; the stored and
// configured names are the configuration file's camelCase ones.
import type { OperatorControls } from '../config.js';
import { appControlsOf, DIALECT_NAMES, setAppControls, type AppControls, type AppControlsPatch } from '../core/identity/appControls.js';
import { getApp } from '../core/identity/apps.js';
import {
  CONTROLS_REFRESH_MS,
  effectiveControls,
  parseControlsPatch,
  readStoredOverrides,
  storeControlsPatch,
  type ControlsOverrides,
} from '../http/controls.js';
import { adminError } from './errors.js';
import { defineRoute, type AdminRoute } from './route.js';
import { idParam, type ObjectSchema, type Schema } from './schema.js';

/** Wire name → OperatorControls field. */
const WIRE_FIELDS = {
  maintenance: 'maintenance',
  maintenance_endpoints: 'maintenanceEndpoints',
  disabled_endpoints: 'disabledEndpoints',
  ip_deny_list: 'ipDenyList',
  per_ip_per_minute: 'perIpPerMinute',
  per_key_per_minute: 'perKeyPerMinute',
} as const satisfies Record<string, keyof OperatorControls>;
type WireField = keyof typeof WIRE_FIELDS;

const routeKeys: Schema = { type: 'array', items: { type: 'string', example: 'ulord:/v1/app/add' } };
const perMinute: Schema = { type: 'integer', minimum: 0, description: 'Requests per minute (sliding window); 0 = unlimited.' };
const controlFields: Record<WireField, Schema> = {
  maintenance: { type: 'boolean', description: 'Global maintenance: every dialect endpoint answers its maintenance error (Ulord 10009).' },
  maintenance_endpoints: { ...routeKeys, description: 'Route keys (`<dialect>:<path>`) under maintenance (Ulord 10009).' },
  disabled_endpoints: { ...routeKeys, description: 'Route keys switched off (Ulord 10010).' },
  ip_deny_list: { type: 'array', items: { type: 'string', example: '203.0.113.0/24' }, description: 'IPv4 / IPv6 addresses and CIDR ranges refused (Ulord 10004).' },
  per_ip_per_minute: { ...perMinute, description: 'Limit per client IP (Ulord 10006); 0 = unlimited.' },
  per_key_per_minute: { ...perMinute, description: 'Limit per app key or developer (Ulord 10007); 0 = unlimited.' },
};

const controlsSchema: ObjectSchema = {
  type: 'object',
  properties: {
    ...controlFields,
    overridden: { type: 'array', items: { type: 'string', enum: Object.keys(WIRE_FIELDS) }, description: 'Fields set through this API; the others come from the configuration file.' },
    refresh_seconds: { type: 'integer', description: 'Other Plaza processes apply a change within this many seconds (this one at once).' },
  },
  required: [...Object.keys(WIRE_FIELDS), 'overridden', 'refresh_seconds'],
  additionalProperties: false,
};

const controlsPatchSchema: ObjectSchema = {
  type: 'object',
  description: 'A partial update: absent fields are kept; `null` returns a field to its configured value.',
  properties: Object.fromEntries(
    Object.entries(controlFields).map(([k, s]) => [k, { ...s, type: [s.type as 'boolean' | 'array' | 'integer', 'null'] }]),
  ),
  additionalProperties: false,
};

function controlsView(base: OperatorControls, overrides: ControlsOverrides) {
  const c = effectiveControls(base, overrides);
  const wire = Object.fromEntries(Object.entries(WIRE_FIELDS).map(([w, f]) => [w, c[f]]));
  const overridden = Object.entries(WIRE_FIELDS).filter(([, f]) => overrides[f] !== undefined).map(([w]) => w);
  return { ...wire, overridden, refresh_seconds: Math.ceil(CONTROLS_REFRESH_MS / 1000) };
}

const ISO_TIME = '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}(:[0-9]{2}(\\.[0-9]{1,9})?)?(Z|[+-][0-9]{2}:[0-9]{2})$';

const appControlsSchema: ObjectSchema = {
  type: 'object',
  properties: {
    app_id: { type: 'integer' },
    banned: { type: 'boolean', description: 'A banned app is refused on every endpoint (Ulord 10005).' },
    key_expires_at: { type: ['string', 'null'], format: 'date-time', description: 'After this time the appkey is refused (Ulord 10003); null = never.' },
    dialects: {
      type: ['array', 'null'],
      items: { type: 'string', enum: DIALECT_NAMES },
      description: 'The dialects the app may speak (else Ulord 10002); null = all.',
    },
    settings: {
      type: 'object',
      description: 'Per-app overrides of dialect settings.',
      properties: {
        ulord: {
          type: 'object',
          properties: { requireSecretForDeveloperWallet: { type: 'boolean', description: 'Developer-wallet calls need the app secret (default true).' } },
          additionalProperties: false,
        },
        pi: {
          type: 'object',
          description: 'Pi payments; also settable by the app owner at /admin/v1/apps/{id}/pi.',
          properties: {
            network: { type: 'string', minLength: 1, maxLength: 64, description: 'Network passphrase (default `Pi Testnet`).' },
            a2uEnabled: { type: 'boolean', description: 'App-to-user payments allowed (default true).' },
            a2uMaxOpenPerApp: { type: 'integer', minimum: 1, maximum: 1000, description: 'Open A2U payments allowed at once (default 1).' },
          },
          additionalProperties: false,
        },
      },
      additionalProperties: false,
    },
  },
  required: ['app_id', 'banned', 'key_expires_at', 'dialects', 'settings'],
  additionalProperties: false,
};

const appControlsPatchSchema: ObjectSchema = {
  type: 'object',
  description: 'A partial update: absent fields are kept; settings are merged key by key.',
  properties: {
    banned: appControlsSchema.properties.banned!,
    key_expires_at: { ...appControlsSchema.properties.key_expires_at!, pattern: ISO_TIME, example: '2027-01-01T00:00:00Z' },
    dialects: appControlsSchema.properties.dialects!,
    settings: appControlsSchema.properties.settings!,
  },
  additionalProperties: false,
};

function appControlsView(c: AppControls) {
  return {
    app_id: c.appId,
    banned: c.banned,
    key_expires_at: c.keyExpiresAt === null ? null : new Date(c.keyExpiresAt).toISOString(),
    dialects: c.dialects,
    settings: c.settings,
  };
}

function appPatchOf(body: Record<string, unknown>): AppControlsPatch {
  const patch: AppControlsPatch = {};
  if (body.banned !== undefined) patch.banned = body.banned as boolean;
  if (body.key_expires_at !== undefined) {
    const text = body.key_expires_at as string | null;
    const at = text === null ? null : Date.parse(text);
    if (at !== null && Number.isNaN(at)) throw adminError('invalid_request', `body.key_expires_at: ${text} is not a valid time`);
    patch.keyExpiresAt = at;
  }
  if (body.dialects !== undefined) patch.dialects = body.dialects as string[] | null;
  if (body.settings !== undefined) patch.settings = body.settings as AppControlsPatch['settings'];
  return patch;
}

export const OPERATOR_ROUTES: readonly AdminRoute[] = [
  defineRoute({
    method: 'GET',
    path: '/admin/v1/operator/controls',
    operationId: 'getOperatorControls',
    summary: 'The operator controls in force: maintenance, switched-off endpoints, IP deny list, rate limits',
    tag: 'operator',
    access: 'admin',
    status: 200,
    response: controlsSchema,
    errors: [],
    async handler({ db, services }) {
      return controlsView(services.config.operator, await readStoredOverrides(db));
    },
  }),
  defineRoute({
    method: 'PATCH',
    path: '/admin/v1/operator/controls',
    operationId: 'updateOperatorControls',
    summary: 'Change operator controls (in force at once here, within refresh_seconds in every other process)',
    tag: 'operator',
    access: 'admin',
    body: controlsPatchSchema,
    status: 200,
    response: controlsSchema,
    errors: ['invalid_request', 'idempotency_conflict'],
    async handler({ trx, body, services, afterCommit }) {
      const camel = Object.fromEntries(Object.entries(body).map(([k, v]) => [WIRE_FIELDS[k as WireField] ?? k, v]));
      const parsed = parseControlsPatch(camel);
      if (!parsed.ok) throw adminError('invalid_request', parsed.problems[0]!);
      const overrides = await storeControlsPatch(trx(), parsed.patch);
      afterCommit(() => services.controls.apply?.(overrides));
      return controlsView(services.config.operator, overrides);
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/admin/v1/apps/:id/controls',
    operationId: 'getAppControls',
    summary: "An app's operator controls: banned, key expiry, allowed dialects, setting overrides",
    tag: 'apps',
    access: 'admin',
    params: idParam,
    status: 200,
    response: appControlsSchema,
    errors: ['not_found'],
    async handler({ db, params }) {
      const app = await getApp(db, params.id as number);
      if (!app || app.status !== 'live') throw adminError('not_found', `no live app ${params.id as number}`);
      return appControlsView(appControlsOf(app));
    },
  }),
  defineRoute({
    method: 'PATCH',
    path: '/admin/v1/apps/:id/controls',
    operationId: 'updateAppControls',
    summary: "Change an app's operator controls (in force at once in every process)",
    tag: 'apps',
    access: 'admin',
    params: idParam,
    body: appControlsPatchSchema,
    status: 200,
    response: appControlsSchema,
    errors: ['invalid_request', 'not_found', 'idempotency_conflict'],
    async handler({ trx, params, body, services }) {
      return appControlsView(await setAppControls(trx(), params.id as number, appPatchOf(body), services));
    },
  }),
];
