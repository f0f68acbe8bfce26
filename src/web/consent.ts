// The consent card shared by every flow that asks a user to grant an app access (OpenID Connect, the Pi and Kamiya
// dialects): "<app> wants: …" with the human lines of the scopes asked for, an optional spending limit, and
// Confirm / Decline. Callers own the route, the CSRF check and what a decision does; this renders only.
import type { App } from '../core/identity/apps.js';
import { CSRF_FIELD } from './csrf.js';
import { escapeHtml, hidden, input } from './layout.js';

/** The field that carries the spending limit the user typed, when asked for. */
export const SPENDING_LIMIT_FIELD = 'spending_limit';

export interface ConsentFormOptions {
  app: App;
  developerName: string;
  /** The account that is about to grant: shown, so a person with two accounts knows which one consents. */
  signedInAs: { username: string; email: string | null };
  /** Human lines: "your user id, email and role", "make payments up to your limit", … */
  items: string[];
  /** Where the form posts (a same-origin path). */
  action: string;
  hidden: Record<string, string>;
  csrf: string;
  /** Ask for a spending limit (a decimal amount). */
  spendingLimit?: boolean;
  /** Label of the limit field, e.g. "Spending limit (π)"; a generic one otherwise. */
  spendingLimitLabel?: string;
  /** The value to show again in the limit field, and the error next to it, after a refused submission. */
  spendingLimitValue?: string;
  spendingLimitError?: string;
}

/** An HTML fragment (escaped) with Confirm and Decline buttons (`name="decision"`, `value="confirm"|"decline"`). */
export function consentForm(opts: ConsentFormOptions): string {
  const appName = escapeHtml(opts.app.name);
  const items = opts.items.length
    ? `<ul class="scopes">${opts.items.map((i) => `<li>${escapeHtml(i)}</li>`).join('')}</ul>`
    : '<p class="muted">Nothing beyond knowing that you signed in.</p>';
  const hiddenFields = Object.entries(opts.hidden)
    .map(([k, v]) => hidden(k, v))
    .join('\n');
  const limit = opts.spendingLimit
    ? input({
        name: SPENDING_LIMIT_FIELD,
        label: opts.spendingLimitLabel ?? 'Spending limit',
        type: 'text',
        value: opts.spendingLimitValue ?? '',
        hint: `The most ${opts.app.name} may spend from your wallet without asking again.`,
        errors: opts.spendingLimitError ? { [SPENDING_LIMIT_FIELD]: opts.spendingLimitError } : {},
        extra: 'inputmode="decimal"',
      })
    : '';
  return `<h1>${appName} wants:</h1>
${items}
<p class="muted">${appName} is made by ${escapeHtml(opts.developerName)}. You can revoke access at any time on your account page.</p>
<form method="post" action="${escapeHtml(opts.action)}">
${hidden(CSRF_FIELD, opts.csrf)}
${hiddenFields}
${limit}
<div class="actions">
<button type="submit" name="decision" value="confirm">Confirm</button>
<button type="submit" name="decision" value="decline" class="secondary">Decline</button>
</div>
</form>
<p class="muted">Signed in as ${escapeHtml(opts.signedInAs.username)}${opts.signedInAs.email ? ` (${escapeHtml(opts.signedInAs.email)})` : ''}.</p>`;
}
