// GET /_sandbox/mail: the development mailbox (mounted only when the sandbox is on). Lists the newest messages the
// sandbox mailer stored, optionally only those to `?to=`, with their links clickable, so sign-up and password reset
// can be followed offline. It shows reset links to whoever opens it: never enable the sandbox in production.
import type { FastifyInstance } from 'fastify';
import { listSandboxMail, type SandboxMail } from '../core/events/mailer.js';
import type { Services } from '../services.js';
import { escapeHtml, page } from './layout.js';
import { pageRoute } from './route.js';

const PAGE_SIZE = 50;

/** Escapes the text, then turns each http(s) URL in it into a link (only http and https: never `javascript:`). */
export function linkify(text: string): string {
  return escapeHtml(text).replace(/\bhttps?:\/\/[^\s<>"']+/g, (url) => `<a href="${url}">${url}</a>`);
}

function message(m: SandboxMail): string {
  return `<article>
<h2>${escapeHtml(m.subject)}</h2>
<p class="muted">To ${escapeHtml(m.to)} · ${escapeHtml(new Date(m.createdAt).toISOString().replace('T', ' ').slice(0, 19))} UTC</p>
<pre class="mail">${linkify(m.text)}</pre>
</article>`;
}

export function mailboxRoutes(app: FastifyInstance, services: Services): void {
  if (!services.config.sandbox) return;
  app.get(
    '/_sandbox/mail',
    pageRoute(async (request) => {
      const q = (request.query ?? {}) as Record<string, unknown>;
      const to = typeof q.to === 'string' && q.to.trim() !== '' ? q.to.trim().slice(0, 254) : undefined;
      const mails = await listSandboxMail(services.db, { ...(to !== undefined ? { to } : {}), limit: PAGE_SIZE });
      const list = mails.length ? mails.map(message).join('\n') : '<p class="muted">No messages yet.</p>';
      return page({
        title: 'Development mailbox',
        wide: true,
        body: `<h1>Development mailbox</h1>
<p class="muted">Mail Plaza would have sent${to ? ` to ${escapeHtml(to)}` : ''} (no SMTP server is configured). Newest first.</p>
<form method="get" action="/_sandbox/mail">
<div class="field"><label for="f-to">Recipient</label><input id="f-to" name="to" type="email" value="${escapeHtml(to ?? '')}"></div>
<button type="submit" class="secondary">Filter</button>
</form>
${list}`,
      });
    }),
  );
}
