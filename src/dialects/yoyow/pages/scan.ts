// Plaza's hosted YOYOW scan-login page (spec/yoyow.md §6.7, QR scan login built on `/auth/signQR`):
//   GET  /yoyow/scan                    the paste form (a GET form: `qr` = the QR text); a few lines of script turn
//                                       the `url` QR format's fragment (`/yoyow/scan#<base64url>`) into `?code=`
//   GET  /yoyow/scan?qr=… | ?code=…     check the link (common.ts), sign in (round trip), then the consent card when
//                                       the user has no active consent to the app, else the login confirmation
//   POST /yoyow/scan                    (CSRF) step=consent: record the consent, then ask to confirm the login;
//                                       step=login: sign `{"yoyow","time"}` with the user's active key and call the
//                                       app's scan-login URL (§4.27); success when the app answers `code: 0`
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { User } from '../../../core/identity/users.js';
import { activeConsent, liveConsent } from '../../../modules/yoyow/index.js';
import { signAccountLogin } from '../../../modules/yoyow/keys/signin.js';
import type { Services } from '../../../services.js';
import { SPENDING_LIMIT_FIELD } from '../../../web/consent.js';
import { checkCsrf, csrfToken, CSRF_FIELD } from '../../../web/csrf.js';
import { banner, escapeHtml, hidden, input, page, readForm, type HtmlPage } from '../../../web/layout.js';
import { csrfRefused, pageRoute } from '../../../web/route.js';
import { currentUser, signInRedirect } from '../../../web/session.js';
import { allowNonceScripts, newNonce } from '../../hostedScript.js';
import { SCAN_PATH } from '../auth.js';
import { checkLink, consentPage, consentRequest, errorPage, parseLimit, recordConsent, type CheckedLink, type LoginLink } from './common.js';
import { scanLoginUrl, sendScanLogin, type ScanLoginOutcome } from './scanCallback.js';

/** Longest QR text or code accepted. */
const MAX_QR_TEXT = 4096;

function decodeCode(code: string): string | null {
  if (code.length > MAX_QR_TEXT || !/^[A-Za-z0-9_-]*$/.test(code)) return null;
  return Buffer.from(code, 'base64url').toString('utf8');
}

/** The link in a QR text: the JSON `{sign, time, platform[, state]}`, or a scan-page URL carrying it in its fragment. */
export function parseQrText(raw: string): Partial<LoginLink> | null {
  const text = raw.trim();
  if (text.length === 0 || text.length > MAX_QR_TEXT) return null;
  let json: string | null = text;
  if (!text.startsWith('{')) {
    const hash = text.indexOf('#');
    json = hash >= 0 ? decodeCode(text.slice(hash + 1)) : null;
  }
  if (json === null) return null;
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  const o = value as Record<string, unknown>;
  const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 ? String(v) : undefined);
  const out: Partial<LoginLink> = {};
  const sign = str(o.sign);
  const time = str(o.time);
  const platform = str(o.platform);
  if (sign !== undefined) out.sign = sign;
  if (time !== undefined) out.time = time;
  if (platform !== undefined) out.platform = platform;
  if (typeof o.state === 'string') out.state = o.state;
  return out;
}

/** The link as the `code` this page carries: base64url of the QR JSON (keys sign, time, platform, state). */
function codeOf(link: LoginLink): string {
  const body: Record<string, string> = { sign: link.sign, time: link.time, platform: link.platform };
  if (link.state !== undefined) body.state = link.state;
  return Buffer.from(JSON.stringify(body), 'utf8').toString('base64url');
}

function selfPath(link: CheckedLink): string {
  return `${SCAN_PATH}?${new URLSearchParams({ code: codeOf(link), admitted: link.admitted }).toString()}`;
}

function carried(link: CheckedLink, step: 'consent' | 'login'): Record<string, string> {
  return { code: codeOf(link), admitted: link.admitted, step };
}

/** The paste form; a fragment (the `url` QR format) is moved into `?code=` by the one script. */
function pasteForm(user: User | null, error?: string, status = 200): HtmlPage {
  const who = user
    ? `<p class="muted">Signed in as ${escapeHtml(user.username)}.</p>`
    : `<p class="muted">You will be asked to sign in to Plaza first.</p>`;
  const body = `<h1>Sign in with a QR code</h1>
<p>Scan the app's login QR code with your phone's camera (it opens this page), or paste the text the code holds.</p>
<form method="get" action="${SCAN_PATH}">
${input({ name: 'qr', label: 'QR code text', hint: 'It starts with {"sign": or with this page\'s address.', autocomplete: 'off', errors: error ? { qr: error } : {}, extra: 'spellcheck="false" autofocus' })}
<div class="actions"><button type="submit">Continue</button></div>
</form>
${who}`;
  const nonce = newNonce();
  const script = `(function(){var h=location.hash;if(h.length>1){location.replace(${JSON.stringify(SCAN_PATH)}+'?code='+encodeURIComponent(h.slice(1)));}})();`;
  const rendered = page({ title: 'Scan to sign in', body: `${body}\n<script nonce="${nonce}">${script}</script>`, status });
  return allowNonceScripts(rendered, nonce);
}

function confirmPage(request: FastifyRequest, reply: FastifyReply, services: Services, link: CheckedLink, user: User): HtmlPage {
  const fields = Object.entries(carried(link, 'login'))
    .map(([k, v]) => hidden(k, v))
    .join('\n');
  const name = escapeHtml(link.app.name);
  return page({
    title: `Sign in to ${link.app.name}`,
    body: `<h1>Sign in to ${name}?</h1>
<p>${name} asked you to sign in by scanning its QR code. Confirm only if you just scanned it yourself.</p>
<form method="post" action="${SCAN_PATH}">
${hidden(CSRF_FIELD, csrfToken(request, reply, services))}
${fields}
<div class="actions">
<button type="submit" name="decision" value="confirm">Sign in</button>
<button type="submit" name="decision" value="decline" class="secondary">Cancel</button>
</div>
</form>
<p class="muted">Signed in to Plaza as ${escapeHtml(user.username)} (YOYOW account ${user.uid}).</p>`,
  });
}

function resultPage(link: CheckedLink, outcome: ScanLoginOutcome): HtmlPage {
  const name = escapeHtml(link.app.name);
  if (outcome.ok) {
    return page({ title: `Signed in to ${link.app.name}`, body: `<h1>You are signed in</h1>\n${banner('notice', `${link.app.name} accepted the sign-in.`)}\n<p>Go back to ${name} to continue.</p>` });
  }
  const reasons: Record<Exclude<ScanLoginOutcome, { ok: true }>['reason'], string> = {
    no_login_url: `${link.app.name} has no scan-login address.`,
    unreachable: `${link.app.name} could not be reached.`,
    timeout: `${link.app.name} did not answer in time.`,
    http_status: `${link.app.name} answered with an error${outcome.status !== undefined ? ` (HTTP ${outcome.status})` : ''}.`,
    not_json: `${link.app.name} gave an answer Plaza could not read.`,
    refused: `${link.app.name} refused the sign-in.`,
  };
  const detail = outcome.message !== undefined ? `<p>${name} said: ${escapeHtml(outcome.message)}</p>` : '';
  return page({
    title: 'Sign-in failed',
    status: 502,
    body: `<h1>Sign-in failed</h1>\n${banner('error', reasons[outcome.reason])}\n${detail}\n<p>Scan a fresh QR code to try again.</p>`,
  });
}

type Checked = { link: CheckedLink } | { page: HtmlPage };

async function linkFrom(services: Services, source: URLSearchParams, user: User | null): Promise<Checked | null> {
  const qr = source.get('qr');
  const code = source.get('code');
  if (qr === null && code === null) return null;
  const text = qr ?? decodeCode(code!);
  const fields = text === null ? null : parseQrText(text);
  if (fields === null) return { page: pasteForm(user, 'That is not the text of a sign-in QR code.', 400) };
  const link = await checkLink(services, fields, source.get('admitted') ?? undefined);
  if (!('app' in link)) return { page: link };
  if (scanLoginUrl(link.app) === null) return { page: errorPage(400, 'Scan sign-in not available', `${link.app.name} has not set up sign-in by QR code.`) };
  return { link };
}

/** The consent card, or null when the user's active consent exists; a suspended one refuses. */
async function consentStep(request: FastifyRequest, reply: FastifyReply, services: Services, link: CheckedLink, user: User): Promise<HtmlPage | null> {
  if ((await activeConsent(services.db, user.uid, link.app.id)) !== null) return null;
  const live = await liveConsent(services.db, user.uid, link.app.id);
  if (live?.suspended) return errorPage(403, 'Authorisation suspended', `Your authorisation of ${link.app.name} is suspended by an administrator.`);
  return consentPage({ request, reply, services, link, user, action: SCAN_PATH, hidden: carried(link, 'consent'), heading: 'Before you sign in with this QR code:' });
}

async function showPage(request: FastifyRequest, reply: FastifyReply, services: Services): Promise<FastifyReply | HtmlPage> {
  const source = new URLSearchParams(request.url.includes('?') ? request.url.slice(request.url.indexOf('?') + 1) : '');
  const session = await currentUser(request, services);
  const checked = await linkFrom(services, source, session?.user ?? null);
  if (checked === null) return pasteForm(session?.user ?? null);
  if ('page' in checked) return checked.page;
  if (session === null) return signInRedirect(reply, selfPath(checked.link));
  return (await consentStep(request, reply, services, checked.link, session.user)) ?? confirmPage(request, reply, services, checked.link, session.user);
}

async function answerForm(request: FastifyRequest, reply: FastifyReply, services: Services): Promise<FastifyReply | HtmlPage> {
  const form = readForm(request);
  if (!checkCsrf(request, form, services)) return csrfRefused();
  const session = await currentUser(request, services);
  const checked = await linkFrom(services, form, session?.user ?? null);
  if (checked === null) return errorPage(400, 'Missing QR code', 'This form lost its QR code. Scan it again.');
  if ('page' in checked) return checked.page;
  const { link } = checked;
  if (session === null) return signInRedirect(reply, selfPath(link));
  const user = session.user;
  const decision = form.get('decision');
  if (decision === 'decline') {
    return page({ title: 'Cancelled', body: `<h1>Cancelled</h1>\n<p>Nothing was sent to ${escapeHtml(link.app.name)}.</p>` });
  }
  if (decision !== 'confirm') return errorPage(400, 'No decision', 'Choose Confirm or Cancel.');
  if (form.get('step') === 'consent') {
    const limitText = form.get(SPENDING_LIMIT_FIELD) ?? '';
    const limit = parseLimit(limitText, consentRequest(link.app));
    if ('error' in limit) {
      return consentPage({ request, reply, services, link, user, action: SCAN_PATH, hidden: carried(link, 'consent'), limitValue: limitText.slice(0, 100), limitError: limit.error });
    }
    await recordConsent(services, user.uid, link.app, limit.maxLimit);
    return confirmPage(request, reply, services, link, user);
  }
  if (form.get('step') !== 'login') return errorPage(400, 'Unknown step', 'Scan the QR code again.');
  // The consent may have been revoked or suspended since the confirmation page was shown.
  const needed = await consentStep(request, reply, services, link, user);
  if (needed !== null) return needed;
  const signed = await signAccountLogin(services.db, user.uid, services);
  return resultPage(link, await sendScanLogin(services, link.app, signed, link.state));
}

export function registerScanPage(app: FastifyInstance, services: Services): void {
  app.get(SCAN_PATH, pageRoute((request, reply) => showPage(request, reply, services)));
  app.post(SCAN_PATH, pageRoute((request, reply) => answerForm(request, reply, services)));
}
