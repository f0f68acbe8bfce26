// The provider's keys. Signing keys (RS256, which every OpenID client must accept, and ES256) are generated once, sealed
// under the master key and kept in `settings` under `oidc.jwks`; every process loads the same set, so a token signed by
// one verifies against the JWKS served by another. The first process to start inserts its set; a racing one keeps
// whichever landed first. Cookie-signing keys are derived from the master key (HKDF), so nothing more is stored.
import { generateKeyPairSync, randomUUID, type JsonWebKey } from 'node:crypto';
import { derivedKey } from '../core/crypto/derive.js';
import type { Kysely } from 'kysely';
import type { SecretBox } from '../core/crypto/secretbox.js';
import type { DB } from '../db/schema.js';

export const JWKS_SETTING = 'oidc.jwks';
const JWKS_PURPOSE = 'oidc.jwks';

export interface PrivateJwks {
  keys: Array<JsonWebKey & { kid: string; alg: string; use: 'sig' }>;
}

function newSigningKeys(): PrivateJwks {
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' });
  const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'jwk' });
  // RS256 first: the library signs ID tokens with the first key matching the client's algorithm (default RS256).
  return {
    keys: [
      { ...rsa, kid: randomUUID(), alg: 'RS256', use: 'sig' },
      { ...ec, kid: randomUUID(), alg: 'ES256', use: 'sig' },
    ],
  };
}

/** The provider's private signing keys, created and stored on first use. */
export async function loadSigningKeys(db: Kysely<DB>, box: SecretBox): Promise<PrivateJwks> {
  const read = async () => (await db.selectFrom('settings').select('value').where('key', '=', JWKS_SETTING).executeTakeFirst())?.value;
  let sealed = await read();
  if (sealed === undefined) {
    const value = box.seal(JSON.stringify(newSigningKeys()), JWKS_PURPOSE);
    await db
      .insertInto('settings')
      .values({ key: JWKS_SETTING, value })
      .onConflict((oc) => oc.column('key').doNothing())
      .execute();
    sealed = await read();
  }
  if (sealed === undefined) throw new Error(`settings ${JWKS_SETTING} vanished right after it was written`);
  const jwks = JSON.parse(box.open(sealed, JWKS_PURPOSE)) as PrivateJwks;
  if (!Array.isArray(jwks.keys) || jwks.keys.length === 0) throw new Error(`settings ${JWKS_SETTING} holds no keys`);
  return jwks;
}

/** Keys for the provider's signed cookies: HKDF-SHA256 of the master key, so every process agrees. */
export function cookieKeys(masterKey: Buffer): string[] {
  return [derivedKey(masterKey, 'plaza.oidc.cookies').toString('base64url')];
}
