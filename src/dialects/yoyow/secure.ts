// The secure request scheme on the server side (spec/yoyow.md §2.3, §2.4, §2.5): reading the cipher fields from a
// JSON or form body, step 1 (one answer, 1005, for every failure to obtain a JSON object) and steps 3–6 (time,
// age, future bound, replay). Step 2 (Idempotency-Key) sits between them in the pipeline, so steps 3–6 run as the
// `prepare` of `runIdempotent`: a stored answer is replayed without them, and their refusals are never stored.
import type { FastifyRequest } from 'fastify';
import { JsonNumber, parseJsonObject, type JsonObject } from '../../http/body.js';
import type { Services } from '../../services.js';
import { decryptPayload, type CipherFields, type Decrypted } from './cipher.js';
import { YoyowTransportRefusal } from './errors.js';
import { claimReplayKey } from './replayKeys.js';
import type { TransportSettings } from './settings.js';

function mediaType(request: FastifyRequest): string {
  const ct = request.headers['content-type'];
  return typeof ct === 'string' ? (ct.split(';')[0] ?? '').trim().toLowerCase() : '';
}

function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof JsonNumber);
}

function fromObject(o: JsonObject): CipherFields {
  return { ct: o.ct, iv: o.iv, s: o.s };
}

/** A form body as single-valued fields; null when a field is repeated (not well-formed for step 1). */
function formFields(raw: Buffer): Record<string, string> | null {
  const params = new URLSearchParams(raw.toString('utf8'));
  const out: Record<string, string> = {};
  for (const [k, v] of params) {
    if (Object.hasOwn(out, k)) return null;
    out[k] = v;
  }
  return out;
}

function formCipher(f: Record<string, string>): CipherFields | null {
  if (f.ct !== undefined) return { ct: f.ct, iv: f.iv, s: f.s };
  if (f.cipher !== undefined) {
    const parsed = parseJsonObject(Buffer.from(f.cipher, 'utf8'));
    return parsed.ok ? fromObject(parsed.value) : null;
  }
  if (f['cipher[ct]'] !== undefined) return { ct: f['cipher[ct]'], iv: f['cipher[iv]'], s: f['cipher[s]'] };
  return null;
}

/**
 * §2.3: the cipher fields: top-level `ct`/`iv`/`s` when `ct` is present, else the object `cipher`; in form bodies
 * `cipher` may also be JSON text or bracket fields. Any other content type, or an empty body, is `{}` (no fields).
 * Null when there are none or the body is malformed.
 */
export function cipherFieldsOf(request: FastifyRequest, raw: Buffer): CipherFields | null {
  const type = mediaType(request);
  if (type === 'application/json') {
    const parsed = parseJsonObject(raw);
    if (!parsed.ok) return null;
    if (parsed.value.ct !== undefined) return fromObject(parsed.value);
    return isObject(parsed.value.cipher) ? fromObject(parsed.value.cipher) : null;
  }
  if (type === 'application/x-www-form-urlencoded') {
    const f = formFields(raw);
    return f === null ? null : formCipher(f);
  }
  return null;
}

/** Step 1: the decrypted payload, or a 1005 refusal. */
export function decryptStep(request: FastifyRequest, raw: Buffer, settings: TransportSettings, secretText: string): Decrypted {
  const fields = cipherFieldsOf(request, raw);
  const decrypted = fields === null ? null : decryptPayload(settings.securityLevel, secretText, fields);
  if (decrypted === null) throw new YoyowTransportRefusal('invalidOperationSignature');
  return decrypted;
}

/** The payload without `time`: what the Idempotency-Key fingerprint covers (§2.7), so a re-encrypted retry matches. */
export function withoutTime(payload: JsonObject): JsonObject {
  const { time: _time, ...rest } = payload;
  return rest;
}

/**
 * Steps 3–6. Step 3: `time` a finite JSON number > 0 (not a string). Step 4: older than `secure_ageing` (equality
 * passes) → 1003. Step 5: more than `secure_future_skew` ahead → 1004. Step 6: the ciphertext claimed once → else 1003.
 */
export async function admitStep(services: Services, appUid: number, settings: TransportSettings, d: Decrypted): Promise<void> {
  const t = d.payload.time;
  const time = t instanceof JsonNumber ? Number(t.text) : NaN;
  if (!Number.isFinite(time) || time <= 0) throw new YoyowTransportRefusal('invalidOperationTime');
  const now = services.clock.now();
  if ((now - time) / 1000 > settings.secureAgeing) throw new YoyowTransportRefusal('requestExpired');
  if (settings.secureFutureSkew > 0 && time - now > settings.secureFutureSkew * 1000) throw new YoyowTransportRefusal('invalidOperationTime');
  if (!settings.replayProtection) return;
  // Still acceptable at exactly `time + secure_ageing` (equality passes step 4), so kept one ms beyond it.
  const expiresAt = Math.floor(Math.max(time, now) + settings.secureAgeing * 1000) + 1;
  const key = { appUid, mode: settings.securityLevel, s: d.s, iv: d.iv, ct: d.ct };
  if (!(await claimReplayKey(services.db, key, now, expiresAt))) throw new YoyowTransportRefusal('requestExpired');
}
