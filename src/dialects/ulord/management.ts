// Handlers of the management endpoints M1–M15 (spec §6): parse the request table, call one identity function,
// render the result. Refusals thrown by identity are rendered by the pipeline (errors.ts maps them).
// M9–M11 hash or verify passwords: they are `Preparer`s, whose expensive step runs before the transaction.
import type { Transaction } from 'kysely';
import { addAppType, appTypeTree, editAppType, removeAppType, type AppTypeNode } from '../../core/identity/appTypes.js';
import { createAppAs, listAppsAs, removeAppAs, rotateAppSecretAs } from '../../core/identity/apps.js';
import type { StoredApp } from '../../core/identity/apps.js';
import type { IdentityDeps } from '../../core/identity/deps.js';
import {
  hashNewPassword,
  precheckPassword,
  prepareOwnPasswordChange,
  registerDeveloperAs,
  type Developer,
} from '../../core/identity/developers.js';
import { changeOwnPassword, loginDeveloper } from '../../core/identity/devTokens.js';
import { addRole, editRole, listRoles, removeRole } from '../../core/identity/roles.js';
import type { DB } from '../../db/schema.js';
import type { JsonObject } from '../../http/body.js';
import type { WireResponse } from '../../http/idempotency.js';
import type { Services } from '../../services.js';
import { failure, success, timestamp } from './render.js';
import {
  appAddSchema,
  appEditSchema,
  appListSchema,
  idSchema,
  parseFields,
  roleAddSchema,
  roleEditSchema,
  typeAddSchema,
  typeEditSchema,
  userEditSchema,
  userLoginSchema,
  userRegSchema,
} from './schemas.js';

export interface Caller {
  developer: Developer;
  tokenId: number;
}

export interface PrepareContext {
  body: JsonObject;
  /** The authenticated developer; null only on public endpoints called without a token. */
  caller: Caller | null;
  /** External endpoints (auth `appkey`): the calling app, after the checks of §3.1; null on management endpoints. */
  app: StoredApp | null;
  /** Path parameters of routes declaring `params` (paged routes: `page`, `num`, digits only); absent otherwise. */
  params?: Readonly<Record<string, string>>;
  /**
   * External endpoints: whether the request proves it may use the developer wallet of the app's owner (§3.1: header
   * `secret` = the app secret, or the owner's developer token; true when the app or the config switches the
   * requirement off). Always false on management endpoints.
   */
  developerWalletProof: () => Promise<boolean>;
  services: Services;
}

export interface HandlerContext extends PrepareContext {
  trx: Transaction<DB>;
}

export type Handler = (ctx: HandlerContext) => Promise<WireResponse>;

/**
 * An endpoint whose expensive work (password hashing) must not run inside the transaction. The pipeline calls it
 * after the Idempotency-Key step, with no transaction open; it validates the fields once and returns the handler
 * that runs in the transaction with what it computed (or that renders the validation error, in its usual place).
 */
export type Preparer = (ctx: PrepareContext) => Promise<Handler>;

export function identityDeps(s: Services): IdentityDeps {
  return {
    clock: s.clock,
    box: s.box,
    wallet: { assetSymbol: s.config.ulord.assetSymbol, developerGrant: s.config.ulord.developerGrant },
    ...(s.passwords ? { passwords: s.passwords } : {}),
  };
}

/** The handler of a request whose fields failed validation (20100 / 20101). */
function refuse(errcode: 20100 | 20101): Handler {
  return async () => failure(errcode);
}

function requireCaller(ctx: PrepareContext): Caller {
  if (!ctx.caller) throw new Error('authenticated endpoint reached without a caller');
  return ctx.caller;
}

// ---- roles (M1–M4) ----

export const roleAdd: Handler = async (ctx) => {
  const f = parseFields(ctx.body, roleAddSchema);
  if (!f.ok) return failure(f.errcode);
  const role = await addRole(ctx.trx, { name: f.value.name, des: f.value.des ?? null });
  return success({ id: role.id });
};

export const roleList: Handler = async (ctx) => {
  const roles = await listRoles(ctx.trx);
  return success(roles.map((r) => ({ des: r.des, id: r.id, name: r.name })));
};

export const roleEdit: Handler = async (ctx) => {
  const f = parseFields(ctx.body, roleEditSchema);
  if (!f.ok) return failure(f.errcode);
  await editRole(ctx.trx, f.value.id, { ...(f.value.name !== undefined ? { name: f.value.name } : {}), ...(f.value.des !== undefined ? { des: f.value.des } : {}) });
  return success();
};

export const roleRemove: Handler = async (ctx) => {
  const f = parseFields(ctx.body, idSchema);
  if (!f.ok) return failure(f.errcode);
  return success({ num: (await removeRole(ctx.trx, f.value.id)) ? 1 : 0 });
};

// ---- app types (M5–M8) ----

function typeNode(n: AppTypeNode): Record<string, unknown> {
  return {
    ...(n.children.length > 0 ? { children: n.children.map(typeNode) } : {}),
    des: n.des,
    id: n.id,
    name: n.name,
    parent_id: n.parentId,
  };
}

export const typeAdd: Handler = async (ctx) => {
  const f = parseFields(ctx.body, typeAddSchema);
  if (!f.ok) return failure(f.errcode);
  const parentId = f.value.parent_id === undefined || f.value.parent_id === 0 ? null : f.value.parent_id;
  const type = await addAppType(ctx.trx, { parentId, name: f.value.name, des: f.value.des ?? null }, ctx.services.clock);
  return success({ id: type.id });
};

export const typeList: Handler = async (ctx) => success((await appTypeTree(ctx.trx)).map(typeNode));

export const typeEdit: Handler = async (ctx) => {
  const f = parseFields(ctx.body, typeEditSchema);
  if (!f.ok) return failure(f.errcode);
  const { id, name, des, parent_id } = f.value;
  await editAppType(ctx.trx, id, {
    ...(name !== undefined ? { name } : {}),
    ...(des !== undefined ? { des } : {}),
    // 0 moves the type to the top level (extension); absent or null leaves the parent unchanged.
    ...(parent_id !== undefined ? { parentId: parent_id === 0 ? null : parent_id } : {}),
  });
  return success();
};

export const typeRemove: Handler = async (ctx) => {
  const f = parseFields(ctx.body, idSchema);
  if (!f.ok) return failure(f.errcode);
  return success({ num: (await removeAppType(ctx.trx, f.value.id)) ? 1 : 0 });
};

// ---- developers (M9–M11) ----

export const usersReg: Preparer = async (ctx) => {
  const f = parseFields(ctx.body, userRegSchema);
  if (!f.ok) return refuse(f.errcode);
  const passwordHash = await hashNewPassword(f.value.password, identityDeps(ctx.services));
  return async ({ trx, caller, services }) => {
    const developer = await registerDeveloperAs(
      trx,
      caller?.developer ?? null,
      { username: f.value.username, passwordHash, email: f.value.email ?? null, phone: f.value.telphone ?? null, roleId: f.value.role_id ?? null },
      identityDeps(services),
    );
    return success({ id: developer.id });
  };
};

export const usersLogin: Preparer = async (ctx) => {
  const f = parseFields(ctx.body, userLoginSchema);
  if (!f.ok) return refuse(f.errcode);
  const check = await precheckPassword(ctx.services.db, f.value.username, f.value.password, identityDeps(ctx.services));
  return async ({ trx, services }) => {
    const r = await loginDeveloper(trx, check, { clock: services.clock, ttlSeconds: services.config.ulord.tokenTtlSeconds });
    return success({ expires_at: timestamp(r.expiresAt), id: r.developer.id, token: r.token });
  };
};

export const usersEdit: Preparer = async (ctx) => {
  const caller = requireCaller(ctx);
  const f = parseFields(ctx.body, userEditSchema);
  if (!f.ok) return refuse(f.errcode);
  const prepared = await prepareOwnPasswordChange(
    ctx.services.db,
    caller.developer,
    { username: f.value.username, password: f.value.password, newPassword: f.value.new_password },
    identityDeps(ctx.services),
  );
  return async ({ trx, services }) => {
    await changeOwnPassword(trx, caller.developer, caller.tokenId, prepared, services);
    return success();
  };
};

// ---- apps (M12–M15) ----

export const appAdd: Handler = async (ctx) => {
  const caller = requireCaller(ctx);
  const f = parseFields(ctx.body, appAddSchema);
  if (!f.ok) return failure(f.errcode);
  const { app, secret } = await createAppAs(
    ctx.trx,
    caller.developer,
    { ...(f.value.user_id !== undefined ? { userId: f.value.user_id } : {}), name: f.value.appname, des: f.value.appdes ?? null, typeId: f.value.apptype_id },
    identityDeps(ctx.services),
  );
  return success({ appkey: app.appkey, id: app.id, secret });
};

export const appList: Handler = async (ctx) => {
  const caller = requireCaller(ctx);
  const f = parseFields(ctx.body, appListSchema);
  if (!f.ok) return failure(f.errcode);
  const apps = await listAppsAs(ctx.trx, caller.developer, f.value.user_id, ctx.services.box);
  return success(
    apps.map((a) => ({
      appdes: a.des,
      appkey: a.appkey,
      appname: a.name,
      create_timed: timestamp(a.createdAt),
      id: a.id,
      secret: a.secret,
      type: a.typeId,
      update_timed: timestamp(a.updatedAt),
    })),
  );
};

export const appEdit: Handler = async (ctx) => {
  const caller = requireCaller(ctx);
  const f = parseFields(ctx.body, appEditSchema);
  if (!f.ok) return failure(f.errcode);
  const secret = await rotateAppSecretAs(
    ctx.trx,
    caller.developer,
    { appId: f.value.id, ...(f.value.user_id !== undefined ? { userId: f.value.user_id } : {}) },
    identityDeps(ctx.services),
  );
  return success({ secret });
};

export const appRemove: Handler = async (ctx) => {
  const caller = requireCaller(ctx);
  const f = parseFields(ctx.body, idSchema);
  if (!f.ok) return failure(f.errcode);
  return success({ num: (await removeAppAs(ctx.trx, caller.developer, f.value.id, ctx.services)) ? 1 : 0 });
};
