// The signed messages of YOYOW sign-in (spec/yoyow.md §6.4): the platform's login signature (`/auth/sign`,
// `/auth/signQR`, checked by the hosted wallet pages) and the user's account signature (`/auth/verify`, the hosted
// wallet's redirect, the scan-login callback). Key order and value types are part of the signature: both values
// are JSON strings, in the order shown.
import type { Kysely, Transaction } from 'kysely';
import type { Clock } from '../../../core/clock.js';
import type { SecretBox } from '../../../core/crypto/secretbox.js';
import type { DB } from '../../../db/schema.js';
import { verifyMessage } from './crypto.js';
import { ensureYoyowKeys, publicKeysOf, signAs, verifyByActiveKey } from './index.js';

type Db = Kysely<DB> | Transaction<DB>;

export interface KeyDeps {
  box: SecretBox;
  clock: Clock;
}

/** `{"platform":"<uid>","time":"<ms>"}`. */
export function platformLoginMessage(platform: string, time: string): string {
  return JSON.stringify({ platform, time });
}

/** `{"yoyow":"<uid>","time":"<ms>"}`. */
export function accountLoginMessage(yoyow: string, time: string): string {
  return JSON.stringify({ yoyow, time });
}

export interface PlatformLoginSignature {
  sign: string;
  /** ms, decimal text. */
  time: string;
  /** The app's uid, decimal text. */
  platform: string;
}

/** §4.24: the app signs `{"platform","time"}` (now) with its secondary key, created on first use. */
export async function signPlatformLogin(db: Kysely<DB>, appUid: number, deps: KeyDeps): Promise<PlatformLoginSignature> {
  await db.transaction().execute((trx) => ensureYoyowKeys(trx, { kind: 'app', uid: appUid }, deps));
  const time = String(deps.clock.now());
  const platform = String(appUid);
  return { sign: await signAs(db, appUid, 'secondary', platformLoginMessage(platform, time), deps.box), time, platform };
}

/** True when `sign` is the app's secondary-key signature of `{"platform","time"}` (values as received). */
export async function verifyPlatformLogin(db: Db, appUid: number, time: string, sign: string): Promise<boolean> {
  const keys = await publicKeysOf(db, appUid);
  if (keys === null) return false;
  const message = platformLoginMessage(String(appUid), time);
  return keys.secondary.some((k) => verifyMessage(sign, message, k));
}

export interface AccountLoginSignature {
  yoyow: number;
  time: string;
  sign: string;
}

/** The hosted wallet's signature for a user: `{"yoyow","time"}` (now) with the user's Plaza-held active key. */
export async function signAccountLogin(db: Kysely<DB>, userUid: number, deps: KeyDeps): Promise<AccountLoginSignature> {
  await db.transaction().execute((trx) => ensureYoyowKeys(trx, { kind: 'user', uid: userUid }, deps));
  const time = String(deps.clock.now());
  return { yoyow: userUid, time, sign: await signAs(db, userUid, 'active', accountLoginMessage(String(userUid), time), deps.box) };
}

/** §4.25: `sign` over `{"yoyow","time"}` (both exactly as received) verifies against one of the account's active keys. */
export function verifyAccountLogin(db: Db, uid: number, yoyowText: string, time: string, sign: string): Promise<boolean> {
  return verifyByActiveKey(db, uid, sign, accountLoginMessage(yoyowText, time));
}
