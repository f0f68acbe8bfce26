// `GET /v2/me` (spec/pi.md §3.6, §3.7): the UserDTO of the access token's user for the token's app.
// Key order: uid, credentials {scopes, valid_until {timestamp, iso8601}}, then username, roles, wallet_address,
// each only with its scope. `wallet_address` is the user's wallet key's G-address, the key created on first need.
import type { Transaction } from 'kysely';
import type { User } from '../../core/identity/users.js';
import type { WireResponse } from '../../http/idempotency.js';
import { ensureWalletKey } from '../../core/identity/walletKeys.js';
import type { DB } from '../../db/schema.js';
import { paymentAssetId, type PaymentsDeps } from '../../modules/payments/index.js';
import { depsOf } from './payments.js';
import type { PiContext } from './pipeline.js';
import { ok, iso8601, unixSeconds } from './render.js';
import { recognisedScopes } from './scopes.js';

/** §3.6 roles: `email_verified` when the email is verified, `core_team` for platform administrators. */
export function piRoles(user: User): string[] {
  const roles: string[] = [];
  if (user.emailVerified) roles.push('email_verified');
  if (user.role === 'Administrator') roles.push('core_team');
  return roles;
}

export interface UserDTO {
  uid: string;
  credentials: { scopes: string[]; valid_until: { timestamp: number; iso8601: string } };
  username?: string;
  roles?: string[];
  wallet_address?: string;
}

/** `walletAddress` is the user's G-address, given whenever the token carries `wallet_address` (§3.6). */
export function userDto(input: { pairwiseUid: string; scopes: readonly string[]; expiresAt: number; user: User; walletAddress: string | null }): UserDTO {
  const scopes = recognisedScopes(input.scopes);
  const dto: UserDTO = {
    uid: input.pairwiseUid,
    credentials: { scopes, valid_until: { timestamp: unixSeconds(input.expiresAt), iso8601: iso8601(input.expiresAt) } },
  };
  if (scopes.includes('username')) dto.username = input.user.username;
  if (scopes.includes('roles')) dto.roles = piRoles(input.user);
  if (scopes.includes('wallet_address') && input.walletAddress !== null) dto.wallet_address = input.walletAddress;
  return dto;
}

/** The user's G-address; the wallet key (and its ledger account in the payment asset) is created on first need. */
async function walletAddressOf(trx: Transaction<DB>, userId: number, deps: PaymentsDeps): Promise<string> {
  const assetId = await paymentAssetId(trx, deps);
  return (await ensureWalletKey(trx, { kind: 'user', userId }, { box: deps.box, clock: deps.clock, assetId })).address;
}

export async function getMe(ctx: PiContext): Promise<WireResponse> {
  const { caller } = ctx;
  // The route accepts access tokens only (the pipeline refused every other scheme).
  if (caller.kind !== 'access') throw new Error('GET /v2/me reached without an access token');
  const { access } = caller;
  // The user's wallet is created on first need (§5.4), here inside the route's transaction.
  const walletAddress = recognisedScopes(access.scopes).includes('wallet_address')
    ? await walletAddressOf(ctx.trx, access.user.id, depsOf(ctx.services))
    : null;
  return ok(userDto({ pairwiseUid: access.grant.pairwiseUid, scopes: access.scopes, expiresAt: access.expiresAt, user: access.user, walletAddress }));
}
