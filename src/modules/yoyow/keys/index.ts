// YOYOW keys (spec/yoyow.md §6.3): the four secp256k1 keys (owner, active, secondary, memo) Plaza holds for every
// user and app account, the active public keys users register for their own wallets, WIF import of app keys, and
// signing / verification with them. Private keys are sealed with the secret box (purpose `yoyow.key`) and never
// leave this module except to the in-process callers that sign or encrypt memos with them.
import type { Kysely, Transaction } from 'kysely';
import type { Clock } from '../../../core/clock.js';
import type { SecretBox } from '../../../core/crypto/secretbox.js';
import type { DB } from '../../../db/schema.js';
import { parseYywPublicKey, publicKeyOf, randomPrivateKey, signMessage, toYywPublicKey, verifyMessage, wifToPrivateKey } from './crypto.js';

export {
  decryptMemo,
  encryptMemo,
  parseSignature,
  parseYywPublicKey,
  privateKeyToWif,
  publicKeyOf,
  recoverPublicKeyText,
  signMessage,
  toYywPublicKey,
  verifyMessage,
  wifToPrivateKey,
  type EncryptedMemo,
} from './crypto.js';

type Db = Kysely<DB> | Transaction<DB>;

export type KeyRole = 'owner' | 'active' | 'secondary' | 'memo';
export const KEY_ROLES: readonly KeyRole[] = ['owner', 'active', 'secondary', 'memo'];

/** The secret-box purpose of every sealed YOYOW private key. */
export const KEY_PURPOSE = 'yoyow.key';

/** Most own-wallet active keys one user may register. */
export const MAX_REGISTERED_KEYS = 16;

export interface YoyowKeyAccount {
  kind: 'user' | 'app';
  uid: number;
}

export interface YoyowPublicKeys {
  owner: string[];
  /** The Plaza-held active key first, then the user's registered keys in registration order. */
  active: string[];
  secondary: string[];
  memo: string;
}

/** A key operation refused for a reason the caller renders (bad WIF, bad public key, too many keys…). */
export class YoyowKeyError extends Error {
  constructor(
    readonly reason: 'invalid_wif' | 'invalid_public_key' | 'not_an_app' | 'no_keys' | 'too_many_keys',
    message: string,
  ) {
    super(message);
    this.name = 'YoyowKeyError';
  }
}

async function readKeyRows(db: Db, uid: number): Promise<Map<KeyRole, string>> {
  const rows = await db.selectFrom('yoyow_keys').select(['role', 'public_key']).where('uid', '=', uid).execute();
  return new Map(rows.map((r) => [r.role, r.public_key]));
}

/**
 * The account's four public keys, generating the missing ones. Idempotent and race-safe: each role is an insert
 * that does nothing on conflict, and the answer is read back, so two concurrent first uses agree on one key set.
 */
export async function ensureYoyowKeys(trx: Db, account: YoyowKeyAccount, deps: { box: SecretBox; clock: Clock }): Promise<Record<KeyRole, string>> {
  let keys = await readKeyRows(trx, account.uid);
  const missing = KEY_ROLES.filter((role) => !keys.has(role));
  if (missing.length > 0) {
    const now = deps.clock.now();
    await trx
      .insertInto('yoyow_keys')
      .values(
        missing.map((role) => {
          const priv = randomPrivateKey();
          return {
            uid: account.uid,
            role,
            account_kind: account.kind,
            public_key: toYywPublicKey(publicKeyOf(priv)),
            private_key_enc: deps.box.seal(Buffer.from(priv).toString('hex'), KEY_PURPOSE),
            source: 'generated' as const,
            created_at: now,
            updated_at: now,
          };
        }),
      )
      .onConflict((oc) => oc.columns(['uid', 'role']).doNothing())
      .execute();
    keys = await readKeyRows(trx, account.uid);
  }
  return { owner: keys.get('owner')!, active: keys.get('active')!, secondary: keys.get('secondary')!, memo: keys.get('memo')! };
}

/** Registered own-wallet active keys of a user, in registration order. */
export async function registeredActiveKeys(db: Db, uid: number): Promise<string[]> {
  const rows = await db.selectFrom('yoyow_registered_keys').select('public_key').where('uid', '=', uid).orderBy('id').execute();
  return rows.map((r) => r.public_key);
}

/** The account's public keys for rendering (§4.1), or null when it has no key set yet. */
export async function publicKeysOf(db: Db, uid: number): Promise<YoyowPublicKeys | null> {
  const keys = await readKeyRows(db, uid);
  if (!KEY_ROLES.every((role) => keys.has(role))) return null;
  return {
    owner: [keys.get('owner')!],
    active: [keys.get('active')!, ...(await registeredActiveKeys(db, uid))],
    secondary: [keys.get('secondary')!],
    memo: keys.get('memo')!,
  };
}

/** Every active public key of the account (Plaza-held first), or [] when it has none. */
export async function activePublicKeys(db: Db, uid: number): Promise<string[]> {
  const held = await db.selectFrom('yoyow_keys').select('public_key').where('uid', '=', uid).where('role', '=', 'active').executeTakeFirst();
  const registered = await registeredActiveKeys(db, uid);
  return held ? [held.public_key, ...registered] : registered;
}

/**
 * A Plaza-held private key, for in-process signing and memo encryption only — never rendered, logged or returned
 * by any API. Null when the account has no key of that role.
 */
export async function privateKeyOf(db: Db, uid: number, role: KeyRole, box: SecretBox): Promise<Uint8Array | null> {
  const row = await db.selectFrom('yoyow_keys').select('private_key_enc').where('uid', '=', uid).where('role', '=', role).executeTakeFirst();
  if (!row) return null;
  return new Uint8Array(Buffer.from(box.open(row.private_key_enc, KEY_PURPOSE), 'hex'));
}

/** §6.1 signature of `message` with the account's Plaza-held key of `role`; YoyowKeyError('no_keys') without one. */
export async function signAs(db: Db, uid: number, role: KeyRole, message: string, box: SecretBox): Promise<string> {
  const key = await privateKeyOf(db, uid, role, box);
  if (key === null) throw new YoyowKeyError('no_keys', `account ${uid} has no ${role} key`);
  return signMessage(key, message);
}

/** True when `signatureHex` over `message` verifies against at least one active key of the account (§4.25). */
export async function verifyByActiveKey(db: Db, uid: number, signatureHex: string, message: string): Promise<boolean> {
  for (const key of await activePublicKeys(db, uid)) {
    if (verifyMessage(signatureHex, message, key)) return true;
  }
  return false;
}

/**
 * Replaces one of an app's Plaza-held keys with an imported WIF (§6.3: keep keys from an existing deployment).
 * The app's key set is completed first, so the other roles keep (or get) generated keys. Returns the public key.
 * The caller records the operation (and the audit entry) in the same transaction.
 */
export async function importAppKeyWif(
  trx: Db,
  account: YoyowKeyAccount,
  role: KeyRole,
  wif: string,
  deps: { box: SecretBox; clock: Clock },
): Promise<string> {
  if (account.kind !== 'app') throw new YoyowKeyError('not_an_app', 'only an app’s keys can be imported');
  const priv = wifToPrivateKey(wif);
  if (priv === null) throw new YoyowKeyError('invalid_wif', 'not a valid WIF private key');
  await ensureYoyowKeys(trx, account, deps);
  const publicKey = toYywPublicKey(publicKeyOf(priv));
  await trx
    .updateTable('yoyow_keys')
    .set({ public_key: publicKey, private_key_enc: deps.box.seal(Buffer.from(priv).toString('hex'), KEY_PURPOSE), source: 'imported', updated_at: deps.clock.now() })
    .where('uid', '=', account.uid)
    .where('role', '=', role)
    .execute();
  return publicKey;
}

/**
 * Registers a user's own-wallet active public key (public only). Returns false when it was already registered
 * (idempotent). Never replaces the Plaza-held active key, which stays first.
 */
export async function registerActiveKey(trx: Db, uid: number, publicKeyText: string, clock: Clock): Promise<boolean> {
  if (parseYywPublicKey(publicKeyText) === null) throw new YoyowKeyError('invalid_public_key', 'not a valid YYW public key');
  const existing = await trx.selectFrom('yoyow_registered_keys').select('public_key').where('uid', '=', uid).execute();
  if (existing.some((r) => r.public_key === publicKeyText)) return false;
  if (existing.length >= MAX_REGISTERED_KEYS) throw new YoyowKeyError('too_many_keys', `at most ${MAX_REGISTERED_KEYS} keys may be registered`);
  const inserted = await trx
    .insertInto('yoyow_registered_keys')
    .values({ uid, public_key: publicKeyText, created_at: clock.now() })
    .onConflict((oc) => oc.columns(['uid', 'public_key']).doNothing())
    .returning('id')
    .executeTakeFirst();
  return inserted !== undefined;
}

/** Removes a registered key; false when it was not registered. The Plaza-held key cannot be removed. */
export async function removeActiveKey(trx: Db, uid: number, publicKeyText: string): Promise<boolean> {
  const result = await trx.deleteFrom('yoyow_registered_keys').where('uid', '=', uid).where('public_key', '=', publicKeyText).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}
