// Handlers of the external wallet endpoints X1–X3 (spec §7): createwallet, paytouser, balance. Each is a `Preparer`:
// the pay password is hashed (X1) or checked (X2, X3) before the transaction, on the root Kysely, so scrypt never
// holds the store's connection; the handler then confirms that check inside the transaction (walletUsers.ts).
// Refusals are thrown (IdentityError, LedgerError, UlordRefusal) so the transaction rolls back; the pipeline renders
// them with the route's 202xx code (`walletErrcode`).
import type { StoredApp } from '../../core/identity/apps.js';
import { hashNewPassword } from '../../core/identity/developers.js';
import { IdentityError } from '../../core/identity/errors.js';
import {
  checkPayPassword,
  confirmPayPassword,
  createWalletUser,
  developerWalletAccount,
  findWalletUser,
  walletAccountOf,
  type PayPasswordCheck,
} from '../../core/identity/walletUsers.js';
import { balanceSplit } from '../../core/ledger/accounts.js';
import { transfer } from '../../core/ledger/transfers.js';
import type { Account } from '../../core/ledger/types.js';
import { formatCanonical } from '../../core/money.js';
import type { JsonObject } from '../../http/body.js';
import type { Services } from '../../services.js';
import { UlordRefusal, type WalletErrcode } from './errors.js';
import { identityDeps, type Handler, type PrepareContext, type Preparer } from './management.js';
import { failure, success } from './render.js';
import { ULD_PRECISION, createWalletSchema, isMissing, parseFields, payFromDeveloperSchema, payFromUserSchema, userBalanceSchema } from './schemas.js';

function refuse(code: Parameters<typeof failure>[0]): Handler {
  return async () => failure(code);
}

function requireApp(ctx: PrepareContext): StoredApp {
  if (!ctx.app) throw new Error('external endpoint reached without an app');
  return ctx.app;
}

function walletDeps(s: Services) {
  return { ...identityDeps(s), walletGrant: s.config.ulord.walletGrant };
}

function payPasswordDeps(s: Services) {
  return { ...identityDeps(s), maxFailures: s.config.ulord.payPasswordMaxFailures, lockSeconds: s.config.ulord.payPasswordLockSeconds };
}

/** Only JSON `true` selects the developer wallet (§7); anything else is a user wallet. */
function isDeveloper(body: JsonObject): boolean {
  return body.is_developer === true;
}

// ---- X1 createwallet ----

/** The seed misspells the field `pay_passwrod`: accepted, but a present `pay_password` wins (§7 X1). */
function withPayPassword(body: JsonObject): JsonObject {
  return isMissing(body.pay_password) ? { ...body, pay_password: body.pay_passwrod } : body;
}

export const createWallet: Preparer = async (ctx) => {
  const app = requireApp(ctx);
  const f = parseFields(withPayPassword(ctx.body), createWalletSchema);
  if (!f.ok) return refuse(f.errcode);
  const payPasswordHash = await hashNewPassword(f.value.pay_password, identityDeps(ctx.services));
  return async ({ trx, services }) => {
    try {
      await createWalletUser(trx, { app, username: f.value.username, payPasswordHash }, walletDeps(services));
    } catch (err) {
      // X1 answers an unusable wallet asset (missing or disabled) as a ledger refusal (§7 X1: 20200).
      if (err instanceof IdentityError && err.code === 'wallet_unavailable') throw new UlordRefusal({ errcode: 20200, walletReason: 'ledger_refused' });
      throw err;
    }
    return success({ id: f.value.username });
  };
};

// ---- X2 paytouser ----

/** The paying side, decided before the transaction: the owner's developer wallet, or a checked user wallet. */
type Sender = { kind: 'developer'; developerId: number } | { kind: 'user'; check: PayPasswordCheck };

export const payToUser: Preparer = async (ctx) => {
  const app = requireApp(ctx);
  const developer = isDeveloper(ctx.body);
  let sender: Sender;
  let recvUser: string;
  let amount: bigint;
  if (developer) {
    const f = parseFields(ctx.body, payFromDeveloperSchema);
    if (!f.ok) return refuse(f.errcode);
    if (!(await ctx.developerWalletProof())) return refuse(10002);
    sender = { kind: 'developer', developerId: app.developerId };
    ({ recv_user: recvUser, amount } = f.value);
  } else {
    const f = parseFields(ctx.body, payFromUserSchema);
    if (!f.ok) return refuse(f.errcode);
    const check = await checkPayPassword(ctx.services.db, app.id, f.value.send_user, f.value.pay_password, payPasswordDeps(ctx.services));
    sender = { kind: 'user', check };
    ({ recv_user: recvUser, amount } = f.value);
  }
  return async ({ trx, services }) => {
    const deps = identityDeps(services);
    // Sender first (user_not_found, disabled, locked, wrong), then the receiver, then same_account (§7 X2).
    const from: Account =
      sender.kind === 'developer'
        ? await developerWalletAccount(trx, sender.developerId, deps)
        : await walletAccountOf(trx, await confirmPayPassword(trx, sender.check), deps);
    const receiver = await findWalletUser(trx, app.id, recvUser);
    if (!receiver) throw new IdentityError('wallet_user_not_found');
    const to = await walletAccountOf(trx, receiver, deps);
    if (from.id === to.id) throw new UlordRefusal({ errcode: 20206, walletReason: 'same_account' });
    const t = await transfer(
      trx,
      { debitAccountId: from.id, creditAccountId: to.id, amount, kind: 'ulord.pay', memo: `ulord:${app.appkey}:ulord.pay` },
      services.clock,
    );
    return success({ txid: t.txid });
  };
};

// ---- X3 balance ----

export const balance: Preparer = async (ctx) => {
  const app = requireApp(ctx);
  if (isDeveloper(ctx.body)) {
    // `username` and `pay_password` are ignored; no field is required.
    if (!(await ctx.developerWalletProof())) return refuse(10002);
    return async ({ trx, services }) => renderSplit(await balanceSplit(trx, (await developerWalletAccount(trx, app.developerId, identityDeps(services))).id));
  }
  const f = parseFields(ctx.body, userBalanceSchema);
  if (!f.ok) return refuse(f.errcode);
  const check = await checkPayPassword(ctx.services.db, app.id, f.value.username, f.value.pay_password, payPasswordDeps(ctx.services));
  return async ({ trx, services }) => {
    const user = await confirmPayPassword(trx, check);
    const account = await walletAccountOf(trx, user, identityDeps(services));
    return renderSplit(await balanceSplit(trx, account.id));
  };
};

function renderSplit(split: { confirmed: bigint; unconfirmed: bigint; unmatured: bigint; total: bigint }) {
  const d = (v: bigint) => formatCanonical(v, ULD_PRECISION);
  return success({ confirmed: d(split.confirmed), total: d(split.total), unconfirmed: d(split.unconfirmed), unmatured: d(split.unmatured) });
}

/** The 202xx code of each wallet endpoint (§4.1). */
export const WALLET_ERRCODES = { createwallet: 20204, paytouser: 20206, balance: 20203 } as const satisfies Record<string, WalletErrcode>;
