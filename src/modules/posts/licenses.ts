// Licences (§4.15, §5.6): numbered per platform from 1 (`last + 1`, decided under the chain's write lock; the unique
// index on (platform, lid) is the last guard). Each platform starts with licence 1 ("default") when the node's
// `yoyow.default_license` is on: it is created, as op 41 with fee 0, by the platform's first posts write.
import { createHash } from 'node:crypto';
import type { Transaction } from 'kysely';
import type { StoredApp } from '../../core/identity/apps.js';
import type { DB } from '../../db/schema.js';
import {
  beginChainWrite,
  chainError,
  chainRule,
  chainInt,
  chargeFee,
  ensureYoyowChain,
  feeField,
  nextInstance,
  objectId,
  recordOperation,
  requireAccount,
  resolveAccount,
} from '../yoyow/index.js';
import { getLicense, lastLicenseLid } from './store.js';
import type { License, PostsDeps } from './types.js';

type Trx = Transaction<DB>;

export function sha256Text(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

interface LicenseFields {
  type: number;
  hashValue: string;
  title: string;
  body: string;
  extraData: string;
}

async function insertLicense(trx: Trx, platformUid: number, fields: LicenseFields, fee: { fee: bigint; from: 'csaf' | 'prepaid'; txids: string[] }, deps: PostsDeps) {
  const licenseLid = (await lastLicenseLid(trx, platformUid)) + 1;
  const instance = await nextInstance(trx, '2.17');
  const now = deps.clock.now();
  await trx
    .insertInto('yoyow_licenses')
    .values({ instance, platform_uid: platformUid, license_lid: licenseLid, type: fields.type, hash_value: fields.hashValue, extra_data: fields.extraData, title: fields.title, body: fields.body, created_at: now })
    .execute();
  const rec = await recordOperation(
    trx,
    {
      type: 41,
      fields: {
        fee: feeField(fee.fee, fee.from),
        license_lid: chainInt(licenseLid),
        platform: chainInt(platformUid),
        type: fields.type,
        hash_value: fields.hashValue,
        extra_data: fields.extraData,
        title: fields.title,
        body: fields.body,
      },
      involved: [platformUid],
      resultObjectId: objectId(2, 17, instance),
      transferTxids: fee.txids,
    },
    deps,
  );
  const license: License = { instance, platformUid, licenseLid, ...fields, createdAt: now };
  return { rec, license };
}

/** Creates licence 1 of the platform when it has none and the node wants one (§4.15, Plaza decision). */
export async function ensureDefaultLicense(trx: Trx, platformUid: number, deps: PostsDeps): Promise<void> {
  if (!deps.defaultLicense || (await lastLicenseLid(trx, platformUid)) > 0) return;
  await insertLicense(trx, platformUid, { type: 0, hashValue: sha256Text(''), title: 'default', body: '', extraData: '' }, { fee: 0n, from: 'csaf', txids: [] }, deps);
}

/** The licence a post names (§5.6): `license not found` otherwise. Creates the default licence first. */
export async function requireLicense(trx: Trx, platformUid: number, licenseLid: number, deps: PostsDeps): Promise<License> {
  await ensureDefaultLicense(trx, platformUid, deps);
  const license = await getLicense(trx, platformUid, licenseLid);
  if (!license) throw chainRule('license not found');
  return license;
}

export interface CreateLicenseInput extends LicenseFields {
  /** The payload's `platform` (default the app). */
  platformUid: number;
}

/**
 * POST /create_license (§4.15, op 41): stage C (platform exists) → D (platform = the app, 1007) → E (the platform
 * pays the fee, 2004) → the next licence number of the platform.
 */
export async function createLicense(trx: Trx, app: StoredApp, input: CreateLicenseInput, deps: PostsDeps) {
  await beginChainWrite(trx);
  const info = await ensureYoyowChain(trx, deps.clock);
  if (input.platformUid !== app.id && !(await resolveAccount(trx, input.platformUid))) throw chainError('accountNotFound');
  if (input.platformUid !== app.id) throw chainError('notAuthorised');
  const { ref } = await requireAccount(trx, app.id, info, deps);
  const fee = await chargeFee(trx, ref, 'license_create', app, deps);
  await ensureDefaultLicense(trx, app.id, deps);
  const { rec, license } = await insertLicense(trx, app.id, input, fee, deps);
  return { block_num: rec.blockNum, txid: rec.txid, license, fee: fee.fee };
}
