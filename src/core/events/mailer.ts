// Outgoing email (verification and password-reset links). One interface, two transports: SMTP through nodemailer
// when `PLAZA_SMTP_URL` is set, otherwise the development mailbox — rows in `sandbox_mail` that the hosted page
// `/_sandbox/mail` lists — so sign-up and reset work offline and tests read the mail they caused.
import { createTransport } from 'nodemailer';
import type { Kysely } from 'kysely';
import { systemClock, type Clock } from '../clock.js';
import type { Config } from '../../config.js';
import type { DB } from '../../db/schema.js';
import { toNum } from '../../db/values.js';

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  html?: string;
}

export interface Mailer {
  send(msg: MailMessage): Promise<void>;
}

export interface SandboxMail {
  id: number;
  to: string;
  subject: string;
  text: string;
  html: string | null;
  createdAt: number;
}

/** Most messages one listing returns. */
export const MAX_SANDBOX_PAGE = 200;

/** Longest subject and body accepted (a runaway template never fills the mailbox or the SMTP relay). */
const MAX_SUBJECT_LENGTH = 998;
const MAX_BODY_LENGTH = 1_000_000;

function checkMessage(msg: MailMessage): void {
  if (!/^[^\s@<>,;]+@[^\s@<>,;]+$/.test(msg.to) || msg.to.length > 254) throw new Error(`not a single email address: ${JSON.stringify(msg.to)}`);
  if (/[\r\n]/.test(msg.subject) || msg.subject.length > MAX_SUBJECT_LENGTH) throw new Error('subject must be one line of at most 998 characters');
  if (msg.text.length > MAX_BODY_LENGTH || (msg.html?.length ?? 0) > MAX_BODY_LENGTH) throw new Error('message body too long');
}

/** The development mailbox: every message becomes a row of `sandbox_mail`. */
export function sandboxMailer(db: Kysely<DB>, clock: Clock = systemClock): Mailer {
  return {
    async send(msg) {
      checkMessage(msg);
      await db
        .insertInto('sandbox_mail')
        .values({ to_address: msg.to, subject: msg.subject, text: msg.text, html: msg.html ?? null, created_at: clock.now() })
        .execute();
    },
  };
}

/** SMTP through nodemailer; `url` is `smtp://` or `smtps://[user:password@]host[:port]`, `from` the sender. */
export function smtpMailer(url: string, from: string): Mailer {
  const transport = createTransport(url);
  return {
    async send(msg) {
      checkMessage(msg);
      await transport.sendMail({ from, to: msg.to, subject: msg.subject, text: msg.text, ...(msg.html !== undefined ? { html: msg.html } : {}) });
    },
  };
}

/** SMTP when the configuration names a server, else the development mailbox. */
export function createMailer(config: Pick<Config, 'smtpUrl' | 'mailFrom'>, db: Kysely<DB>, clock: Clock = systemClock): Mailer {
  return config.smtpUrl !== null ? smtpMailer(config.smtpUrl, config.mailFrom) : sandboxMailer(db, clock);
}

/** The newest messages of the development mailbox first, optionally only those to `to` (case-insensitive). */
export async function listSandboxMail(db: Kysely<DB>, filter: { to?: string; limit: number }): Promise<SandboxMail[]> {
  const limit = Math.max(1, Math.min(MAX_SANDBOX_PAGE, Math.floor(filter.limit)));
  let q = db.selectFrom('sandbox_mail').select(['id', 'to_address', 'subject', 'text', 'html', 'created_at']);
  if (filter.to !== undefined) q = q.where((eb) => eb(eb.fn('lower', ['to_address']), '=', filter.to!.toLowerCase()));
  const rows = await q.orderBy('id', 'desc').limit(limit).execute();
  return rows.map((r) => ({ id: toNum(r.id), to: r.to_address, subject: r.subject, text: r.text, html: r.html, createdAt: toNum(r.created_at) }));
}
