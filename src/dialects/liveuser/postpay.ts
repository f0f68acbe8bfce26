// Wx.Postpay, the WeChat Pay notify URL (spec/liveuser.md §6.6, §8.7). Called by WeChat Pay (or the sandbox), not by
// the mini-program: no Bearer token, no rate limit, no envelope — success is 204 with an empty body, a failure is
// `{"code":"FAIL","message"}` with the status of the check that failed (WeChat then retries). Checks in order:
//   1 the app (prefix, else X-Plaza-App, else the default app; a disabled app still records payments) and its
//     WeChat Pay configuration   2–5 signature headers, platform key, timestamp window, RSA signature over the raw
//   bytes (integrations/wechat)   then an Idempotency-Key, if the request carries one (scope: the app)
//   6–9 envelope, event type (not TRANSACTION.SUCCESS → 204), resource, decryption   10–14 merchant, order, payer /
//   amount / currency, trade state, the transition (modules/orders/payments.ts), in one transaction.
// Idempotent without the header: a repeated notification finds the order PAID by the same transaction and changes
// nothing. Processing makes no outbound call, so it stays well inside WeChat's 5-second budget.
import type { FastifyRequest } from 'fastify';
import { setTimeout as sleep } from 'node:timers/promises';
import { getAppByKey } from '../../core/identity/apps.js';
import { isTransientDbError } from '../../db/errors.js';
import { parseJsonObject, rawBody } from '../../http/body.js';
import { guarded } from '../../http/guarded.js';
import { answerOf, fingerprintOf, readIdempotencyKeyHeader, runIdempotent, type IdempotencyKey, type WireResponse } from '../../http/idempotency.js';
import { openNotification, verifyNotificationSignature, type NotificationHeaders } from '../../integrations/wechat/index.js';
import { applyNotification, notificationConfig, recordIgnoredNotification } from '../../modules/orders/payments.js';
import type { Services } from '../../services.js';
import { postpayFailure } from './errors.js';
import { normaliseFieldNames } from './parse.js';
import { selectedAppkey } from './pipeline.js';

export const POSTPAY_PATH = '/liveuser/Wx/Postpay';
/** §6.6: notification bodies above 64 KiB are refused. */
export const POSTPAY_BODY_LIMIT_BYTES = 64 * 1024;
const MAX_ATTEMPTS = 3;

const NO_CONTENT: WireResponse = { statusCode: 204, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: '' };

export function postpay(request: FastifyRequest, services: Services): Promise<WireResponse> {
  return guarded(
    () => postpayChecked(request, services),
    (err) => {
      request.log.error({ err, reqId: request.id }, 'liveuser postpay: unexpected failure');
      return { response: postpayFailure(500, 'internal error'), store: false };
    },
  );
}

async function postpayChecked(request: FastifyRequest, services: Services): Promise<WireResponse> {
  if (request.method !== 'POST') return postpayFailure(405, 'method not allowed', { allow: 'POST' });
  const raw = rawBody(request);
  if (raw.length > POSTPAY_BODY_LIMIT_BYTES) return postpayFailure(400, 'body too large');
  const appkey = selectedAppkey(request, services);
  const app = appkey === null ? null : await getAppByKey(services.db, appkey);
  if (!app) return postpayFailure(404, 'app not found');
  const cfg = await notificationConfig(services.db, app.id, services.box);
  if (!cfg) return postpayFailure(500, 'wechat pay not configured');
  const now = services.clock.now();
  const tolerance = services.config.wechat.notifyToleranceSeconds;
  const signature = verifyNotificationSignature(cfg, request.headers as NotificationHeaders, raw, now, tolerance);
  if (!signature.ok) return postpayFailure(signature.status, signature.message);

  const header = readIdempotencyKeyHeader(request.headers['idempotency-key']);
  if (!header.ok) return postpayFailure(400, 'invalid idempotency key');
  let key: IdempotencyKey | null = null;
  if (header.key !== null) {
    const parsed = parseJsonObject(raw);
    key = { scope: `liveuser:app:${app.id}`, route: `POST ${POSTPAY_PATH}`, key: header.key, fingerprint: fingerprintOf(parsed.ok ? normaliseFieldNames(parsed.value) : raw.toString('utf8')) };
  }

  for (let attempt = 1; ; attempt++) {
    let transient = false;
    const outcome = await runIdempotent(
      services.idempotency,
      key,
      async (trx) => {
        const opened = openNotification(cfg, raw);
        if (!opened.ok) return postpayFailure(opened.status, opened.message);
        if (opened.kind === 'ignored') {
          request.log.info({ notificationId: opened.envelope.id, eventType: opened.envelope.eventType }, 'liveuser postpay: event ignored');
          await recordIgnoredNotification(trx, { appId: app.id, notificationId: opened.envelope.id, eventType: opened.envelope.eventType }, services.clock);
          return NO_CONTENT;
        }
        const result = await applyNotification(
          trx,
          { appId: app.id, cfg, notificationId: opened.envelope.id, eventType: opened.envelope.eventType, transaction: opened.transaction, requestId: request.id },
          services.clock,
        );
        return result.status === 204 ? NO_CONTENT : postpayFailure(result.status, result.message);
      },
      (err) => {
        if (isTransientDbError(err)) transient = true;
        else request.log.error({ err, reqId: request.id }, 'liveuser postpay: the transition failed');
        return { response: postpayFailure(500, 'internal error'), store: false };
      },
    );
    if (transient && attempt < MAX_ATTEMPTS) {
      await sleep(20 * attempt);
      continue;
    }
    return answerOf(outcome, () => postpayFailure(409, 'idempotency key reused with different input'));
  }
}
