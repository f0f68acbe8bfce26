// What the hosted wallet pages share (spec/yoyow.md §6.7): checking an app's login link (`platform`, `time`,
// `sign`, optional `state`) — the app, its secondary-key signature and the age of `time` — the admission stamp that
// lets a checked link survive the sign-in round trip, the consent card with permission flags and a lowerable
// `max_limit`, and recording the consent through modules/yoyow.
import { createHmac } from 'node:crypto';
import { derivedKey } from '../../../core/crypto/derive.js';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { safeEqual } from '../../../core/crypto/tokens.js';
import { getApp, type StoredApp } from '../../../core/identity/apps.js';
import { isValidUid } from '../../../core/identity/uid.js';
import type { User } from '../../../core/identity/users.js';
import { formatCanonical, parseDecimal } from '../../../core/money.js';
import { appServable } from '../../../http/appGate.js';
import { chainSettings, grantConsent, PERMISSION, YOYO_PRECISION, type Consent, type WriteDeps } from '../../../modules/yoyow/index.js';
import { parseSignature } from '../../../modules/yoyow/keys/crypto.js';
import { verifyPlatformLogin } from '../../../modules/yoyow/keys/signin.js';
import type { Services } from '../../../services.js';
import { consentForm } from '../../../web/consent.js';
import { csrfToken } from '../../../web/csrf.js';
import { escapeHtml, messagePage, page, type HtmlPage } from '../../../web/layout.js';
import { getDeveloper } from '../../../core/identity/developers.js';
import { MAX_STATE_LENGTH } from '../auth.js';
import { transportSettings } from '../settings.js';

/** How long a link checked on arrival stays usable for the sign-in round trip and the consent (ms). */
export const ADMISSION_WINDOW_MS = 15 * 60 * 1000;

/** The link an app sends a browser (or a QR code) with: the app's signed `{"platform","time"}` and its `state`. */
export interface LoginLink {
  platform: string;
  time: string;
  sign: string;
  state?: string;
}

export interface CheckedLink extends LoginLink {
  app: StoredApp;
  /** The admission stamp to carry through the sign-in round trip and the forms. */
  admitted: string;
}

export function errorPage(status: number, title: string, message: string): HtmlPage {
  return messagePage({ title, message, status });
}

/** The link fields of a query string or form; null for each absent one. */
export function linkFields(source: URLSearchParams | Record<string, unknown>): Partial<LoginLink> {
  const get = (name: string): string | undefined => {
    const v = source instanceof URLSearchParams ? source.get(name) : source[name];
    return typeof v === 'string' ? v : undefined;
  };
  const out: Partial<LoginLink> = {};
  for (const name of ['platform', 'time', 'sign', 'state'] as const) {
    const v = get(name);
    if (v !== undefined) out[name] = v;
  }
  return out;
}

function admissionKey(services: Services): Buffer {
  return derivedKey(services.config.masterKey, 'plaza.yoyow.admission');
}

function stampMac(services: Services, link: LoginLink, at: number): string {
  const text = JSON.stringify([link.platform, link.time, link.sign, link.state ?? null, at]);
  return createHmac('sha256', admissionKey(services)).update(text).digest('base64url');
}

/** `<ms>.<HMAC>`: "this link passed its age check at <ms>" — only Plaza can make one. */
function admissionStamp(services: Services, link: LoginLink, at: number): string {
  return `${at}.${stampMac(services, link, at)}`;
}

function admittedAt(services: Services, link: LoginLink, stamp: string | undefined): number | null {
  const m = stamp === undefined ? null : /^([0-9]{1,16})\.([A-Za-z0-9_-]{43})$/.exec(stamp);
  if (!m) return null;
  const at = Number(m[1]);
  return safeEqual(m[2]!, stampMac(services, link, at)) ? at : null;
}

/**
 * §6.7 step 2: `platform` names an app that may speak YOYOW, `sign` verifies with its secondary key over
 * `{"platform","time"}`, and `time` is within the app's `secure_ageing` (and the future bound) — or the link was
 * already admitted within the admission window, so a person who signs in first is not sent back to the app.
 */
export async function checkLink(services: Services, fields: Partial<LoginLink>, stamp: string | undefined): Promise<CheckedLink | HtmlPage> {
  const { platform, time, sign, state } = fields;
  if (platform === undefined || time === undefined || sign === undefined) {
    return errorPage(400, 'Incomplete sign-in link', 'This sign-in link lacks its platform, time or signature. Go back to the app and start again.');
  }
  const uid = /^[0-9]{1,16}$/.test(platform) ? Number(platform) : NaN;
  const app = Number.isSafeInteger(uid) && isValidUid(uid) ? await getApp(services.db, uid) : null;
  if (!app || !(await appServable(services.db, app, 'yoyow', services.clock))) {
    return errorPage(404, 'Unknown app', 'The app this sign-in link names does not exist or is disabled.');
  }
  if (!/^[0-9]{1,16}$/.test(time) || parseSignature(sign) === null || (state !== undefined && [...state].length > MAX_STATE_LENGTH)) {
    return errorPage(400, 'Invalid sign-in link', `This sign-in link from ${app.name} is malformed. Go back to the app and start again.`);
  }
  const link: LoginLink = { platform, time, sign, ...(state !== undefined ? { state } : {}) };
  if (!(await verifyPlatformLogin(services.db, app.id, time, sign))) {
    return errorPage(400, 'Invalid sign-in link', `This sign-in link was not signed by ${app.name}. Nothing was shared.`);
  }
  const now = services.clock.now();
  const at = admittedAt(services, link, stamp);
  if (at !== null && now - at >= 0 && now - at <= ADMISSION_WINDOW_MS) return { ...link, app, admitted: stamp! };
  const settings = transportSettings(app, services.config.yoyow);
  const t = Number(time);
  if (now - t > settings.secureAgeing * 1000) {
    return errorPage(400, 'Sign-in link expired', `This sign-in link from ${app.name} has expired. Go back to the app and start again.`);
  }
  if (settings.secureFutureSkew > 0 && t - now > settings.secureFutureSkew * 1000) {
    return errorPage(400, 'Invalid sign-in link', `This sign-in link from ${app.name} is dated in the future. Check your device's clock and start again.`);
  }
  return { ...link, app, admitted: admissionStamp(services, link, now) };
}

/** The hidden fields that carry a checked link through a form. */
export function linkHidden(link: CheckedLink): Record<string, string> {
  const out: Record<string, string> = { platform: link.platform, time: link.time, sign: link.sign };
  if (link.state !== undefined) out.state = link.state;
  out.admitted = link.admitted;
  return out;
}

/** `url` with `params` appended to its query (existing parameters kept). */
export function withParams(url: string, params: Record<string, string>): string {
  const u = new URL(url);
  for (const [k, v] of Object.entries(params)) u.searchParams.append(k, v);
  return u.toString();
}

// ---- consent ----------------------------------------------------------------------------------------------

const PERMISSION_LINES: ReadonlyArray<readonly [bit: number, line: string]> = [
  [PERMISSION.post, 'publish posts in your name'],
  [PERMISSION.comment, 'comment in your name'],
  [PERMISSION.forward, 'forward posts in your name'],
  [PERMISSION.liked, 'score posts with your csaf'],
  [PERMISSION.reward, 'reward authors from your prepaid'],
  [PERMISSION.transfer, 'buy advertising with your prepaid'],
  [PERMISSION.buyout, 'buy out posts'],
  [PERMISSION.contentUpdate, 'update content'],
];

export interface ConsentRequest {
  permissionFlags: number;
  /** Base units; null = unlimited. */
  suggestedMaxLimit: bigint | null;
}

/** The app's consent defaults (Appendix A): flags 255, suggested `max_limit` unlimited. */
export function consentRequest(app: StoredApp): ConsentRequest {
  const y = app.settings.yoyow ?? {};
  const flags = y.consent_permission_flags;
  const limit = typeof y.consent_max_limit === 'string' && /^[0-9]{1,19}$/.test(y.consent_max_limit) ? BigInt(y.consent_max_limit) : null;
  return {
    permissionFlags: typeof flags === 'number' && Number.isInteger(flags) && flags >= 0 && flags <= 255 ? flags : 255,
    suggestedMaxLimit: limit !== null && limit <= 9223372036854775807n ? limit : null,
  };
}

/** The limit the user typed (YOYO, up to 5 decimals; empty = the suggestion), or the error to show next to it. */
export function parseLimit(text: string, request: ConsentRequest): { maxLimit: bigint | null } | { error: string } {
  const t = text.trim();
  if (t === '') return { maxLimit: request.suggestedMaxLimit };
  const v = parseDecimal(t, YOYO_PRECISION);
  if (v === 'malformed' || (typeof v === 'bigint' && v < 0n)) return { error: 'Enter an amount of YOYO such as 100 or 2.5, or leave it empty.' };
  if (v === 'too_precise') return { error: 'YOYO has at most 5 decimals.' };
  if (v > 9223372036854775807n) return { error: 'That amount is too large.' };
  if (request.suggestedMaxLimit !== null && v > request.suggestedMaxLimit) {
    return { error: `The limit can only be lowered: at most ${formatCanonical(request.suggestedMaxLimit, YOYO_PRECISION)} YOYO.` };
  }
  return { maxLimit: v };
}

export interface ConsentPageOptions {
  request: FastifyRequest;
  reply: FastifyReply;
  services: Services;
  link: CheckedLink;
  user: User;
  action: string;
  hidden: Record<string, string>;
  limitValue?: string;
  limitError?: string;
  heading?: string;
}

/** §6.7 step 3: the app's name and profile, what it asks for, and the limit the user may lower. */
export async function consentPage(o: ConsentPageOptions): Promise<HtmlPage> {
  const { app } = o.link;
  const asked = consentRequest(app);
  const developer = await getDeveloper(o.services.db, app.developerId);
  const profile = app.settings.yoyow?.profile ?? {};
  const items = [
    `your YOYOW account ${o.user.uid} and its name`,
    ...PERMISSION_LINES.filter(([bit]) => (asked.permissionFlags & bit) !== 0).map(([, line]) => line),
  ];
  const limitHint =
    asked.suggestedMaxLimit === null
      ? 'Leave empty to let the app spend from your prepaid without a limit, or enter a limit in YOYO.'
      : `Suggested by the app: ${formatCanonical(asked.suggestedMaxLimit, YOYO_PRECISION)} YOYO. You may lower it.`;
  const intro = [
    o.heading ? `<p class="muted">${escapeHtml(o.heading)}</p>` : '',
    typeof profile.description === 'string' && profile.description !== '' ? `<p>${escapeHtml(profile.description)}</p>` : '',
    `<p class="hint">${escapeHtml(limitHint)}</p>`,
  ].join('\n');
  const form = consentForm({
    app,
    developerName: developer?.username ?? 'an unknown developer',
    signedInAs: o.user,
    items,
    action: o.action,
    hidden: o.hidden,
    csrf: csrfToken(o.request, o.reply, o.services),
    spendingLimit: true,
    spendingLimitLabel: 'Spending limit (YOYO)',
    ...(o.limitValue !== undefined ? { spendingLimitValue: o.limitValue } : {}),
    ...(o.limitError !== undefined ? { spendingLimitError: o.limitError } : {}),
  });
  return page({ title: `Authorise ${app.name}`, body: form.replace('</h1>\n', () => `</h1>\n${intro}\n`), status: o.limitError ? 400 : 200 });
}

export function chainDeps(services: Services): WriteDeps {
  return { clock: services.clock, box: services.box, settings: chainSettings(services.config) };
}

/** Records the user's consent to the app (op 23): the app's flags and the limit the user chose. */
export async function recordConsent(services: Services, userUid: number, app: StoredApp, maxLimit: bigint | null): Promise<Consent> {
  const flags = consentRequest(app).permissionFlags;
  const result = await services.db
    .transaction()
    .execute((trx) => grantConsent(trx, { userUid, appUid: app.id, maxLimit, permissionFlags: flags }, chainDeps(services)));
  return result.consent;
}
