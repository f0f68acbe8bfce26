// The YOYOW sign-in routes (spec/yoyow.md §4.24–§4.26): `GET /auth/sign` (the app's login signature and the wallet
// URL), `GET /auth/verify` (a user's signature of `{"yoyow","time"}` against the account's active keys) and
// `GET /auth/signQR` (the login signature as a QR code PNG, base64). Signing and verification live in
// modules/yoyow/keys; account existence and names in modules/yoyow.
import type { FastifyRequest } from 'fastify';
import QRCode from 'qrcode';
import type { StoredApp } from '../../core/identity/apps.js';
import { accountName, resolveAccount } from '../../modules/yoyow/index.js';
import { parseSignature } from '../../modules/yoyow/keys/crypto.js';
import { signPlatformLogin, verifyAccountLogin, type PlatformLoginSignature } from '../../modules/yoyow/keys/signin.js';
import type { Services } from '../../services.js';
import { publicBase } from '../pi/publicBase.js';
import { invalidParameter, YoyowRefusal } from './errors.js';
import { parseUid } from './parse.js';
import { appReadRoute, readRoute, type YoyowContext, type YoyowReadContext, type YoyowRoute } from './pipeline.js';
import { transportSettings } from './settings.js';

export const AUTHORIZE_SERVICE_PATH = '/yoyow/authorize-service';
export const SCAN_PATH = '/yoyow/scan';

/** Longest `state` of `/auth/signQR` (characters). */
export const MAX_STATE_LENGTH = 512;

/** §4.24 `url`: the app's `wallet_url`, else Plaza's hosted authorisation page on the public base URL. */
export function walletUrl(request: FastifyRequest, services: Services, app: StoredApp): string {
  const configured = app.settings.yoyow?.wallet_url;
  if (typeof configured === 'string' && configured !== '') return configured;
  return `${publicBase(request, services)}${AUTHORIZE_SERVICE_PATH}`;
}

async function sign(ctx: YoyowContext): Promise<PlatformLoginSignature & { url: string }> {
  const signed = await signPlatformLogin(ctx.services.db, ctx.app.id, ctx.services);
  return { sign: signed.sign, time: signed.time, platform: signed.platform, url: walletUrl(ctx.request, ctx.services, ctx.app) };
}

/** §4.25, checks in the order of its table. */
async function verify(ctx: YoyowReadContext): Promise<{ verify: true; name: string }> {
  const { services, query } = ctx;
  const time = query.time;
  if (time === undefined || !/^[0-9]{1,16}$/.test(time)) throw YoyowRefusal.of('invalidSignTime');
  const yoyowText = query.yoyow;
  const uid = parseUid(yoyowText, 'yoyow');
  const account = await resolveAccount(ctx.db, uid);
  if (account === null) throw YoyowRefusal.of('accountNotFound');
  const settings = ctx.app
    ? transportSettings(ctx.app, services.config.yoyow)
    : { secureAgeing: services.config.yoyow.secureAgeing, secureFutureSkew: services.config.yoyow.secureFutureSkew };
  const now = services.clock.now();
  const at = Number(time);
  if (now - at > settings.secureAgeing * 1000) throw YoyowRefusal.of('signExpired');
  if (settings.secureFutureSkew > 0 && at - now > settings.secureFutureSkew * 1000) throw YoyowRefusal.of('invalidSignTime');
  const signature = query.sign;
  if (signature === undefined || parseSignature(signature) === null) throw YoyowRefusal.of('accountMismatch');
  if (!(await verifyAccountLogin(ctx.db, uid, yoyowText!, time, signature))) throw YoyowRefusal.of('accountMismatch');
  return { verify: true, name: await accountName(ctx.db, account) };
}

/** The QR text of §4.26: keys in the order sign, time, platform, state (`state` only when given). */
export function loginQrText(signed: PlatformLoginSignature, state: string | undefined): string {
  const body: Record<string, string> = { sign: signed.sign, time: signed.time, platform: signed.platform };
  if (state !== undefined) body.state = state;
  return JSON.stringify(body);
}

/** What the QR code holds: the JSON text, or (`yoyow.qr_format = url`) Plaza's scan page with it in the fragment. */
export function qrPayload(request: FastifyRequest, services: Services, json: string): string {
  if (services.config.yoyow.qrFormat !== 'url') return json;
  return `${publicBase(request, services)}${SCAN_PATH}#${Buffer.from(json, 'utf8').toString('base64url')}`;
}

/** A PNG of `text` as base64 (no `data:` prefix): error correction M, 5 px per module, 4-module margin. */
export async function qrPngBase64(text: string): Promise<string> {
  const png = await QRCode.toBuffer(text, { type: 'png', errorCorrectionLevel: 'M', scale: 5, margin: 4 });
  return png.toString('base64');
}

async function signQr(ctx: YoyowContext): Promise<string> {
  const state = ctx.query.state;
  if (state !== undefined && [...state].length > MAX_STATE_LENGTH) throw invalidParameter('state');
  const signed = await signPlatformLogin(ctx.services.db, ctx.app.id, ctx.services);
  return qrPngBase64(qrPayload(ctx.request, ctx.services, loginQrText(signed, state)));
}

export const AUTH_ROUTES: readonly YoyowRoute[] = [
  appReadRoute('/auth/sign', sign),
  readRoute('/auth/verify', verify),
  appReadRoute('/auth/signQR', signQr),
];
