// The one stylesheet of the hosted pages: system fonts, a centred card, readable on a phone, a visible focus ring,
// and respect for the user's colour scheme. It is served from this process (no external asset) under a versioned
// URL so it can be cached for long while a new release is picked up at once.
import { createHash } from 'node:crypto';
import type { FastifyInstance } from 'fastify';

export const STYLESHEET = `:root{color-scheme:light dark;--bg:#f4f5f7;--card:#fff;--text:#1c1f24;--muted:#5d6570;--line:#d5d9e0;--accent:#2458d3;--accent-text:#fff;--danger:#b3261e;--danger-bg:#fdecea;--ok-bg:#e7f4ea;--ok:#1e6b34}
@media (prefers-color-scheme:dark){:root{--bg:#121418;--card:#1c1f25;--text:#e8eaee;--muted:#a3aab5;--line:#3a404a;--accent:#7aa2ff;--accent-text:#0d1020;--danger:#ffb4ab;--danger-bg:#3b1512;--ok-bg:#15301d;--ok:#a6e3b5}}
*{box-sizing:border-box}
html{font-size:100%}
body{margin:0;min-height:100vh;background:var(--bg);color:var(--text);font:1rem/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif}
.top{padding:1rem 1.25rem}
.brand{font-weight:700;font-size:1.125rem;color:var(--text);text-decoration:none}
.card{background:var(--card);max-width:28rem;margin:1rem auto 3rem;padding:2rem 1.75rem;border:1px solid var(--line);border-radius:12px;box-shadow:0 1px 3px rgba(0,0,0,.06)}
.card.wide{max-width:42rem}
h1{font-size:1.5rem;line-height:1.25;margin:0 0 1rem}
h2{font-size:1.125rem;margin:1.5rem 0 .5rem}
p{margin:.5rem 0}
a{color:var(--accent)}
.muted,.hint{color:var(--muted);font-size:.875rem}
.field{margin:0 0 1rem}
label{display:block;font-weight:600;margin:0 0 .25rem}
input[type=text],input[type=email],input[type=password],input[type=number]{width:100%;padding:.625rem .75rem;font:inherit;color:inherit;background:transparent;border:1px solid var(--line);border-radius:8px}
.has-error input{border-color:var(--danger)}
.error{color:var(--danger);font-size:.875rem;margin:.25rem 0 0}
.banner{padding:.75rem 1rem;border-radius:8px;margin:0 0 1rem}
.banner-error{background:var(--danger-bg);color:var(--danger)}
.banner-notice{background:var(--ok-bg);color:var(--ok)}
button{font:inherit;font-weight:600;padding:.625rem 1rem;border-radius:8px;border:1px solid var(--accent);background:var(--accent);color:var(--accent-text);cursor:pointer}
button.secondary{background:transparent;color:var(--accent)}
button.danger{background:transparent;border-color:var(--danger);color:var(--danger)}
button.block{width:100%}
button:disabled,input:disabled{opacity:.5;cursor:not-allowed}
.actions{display:flex;gap:.75rem;flex-wrap:wrap;margin-top:1.25rem}
.actions button{flex:1 1 8rem}
.links{margin-top:1.25rem;font-size:.875rem;display:flex;justify-content:space-between;gap:1rem;flex-wrap:wrap}
a:focus-visible,button:focus-visible,input:focus-visible{outline:3px solid var(--accent);outline-offset:2px}
ul.scopes{padding-left:1.25rem}
ul.scopes li{margin:.25rem 0}
ul.list{list-style:none;padding:0;margin:0}
ul.list li{display:flex;justify-content:space-between;align-items:center;gap:1rem;padding:.75rem 0;border-top:1px solid var(--line)}
ul.list li:first-child{border-top:0}
ul.list form{margin:0}
dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:.25rem 1rem;margin:0 0 1rem}
dl.facts dt{color:var(--muted)}
dl.facts dd{margin:0;overflow-wrap:anywhere}
pre.mail{white-space:pre-wrap;overflow-wrap:anywhere;background:var(--bg);padding:.75rem;border-radius:8px;font-size:.875rem}
@media (max-width:32rem){.card{margin:0;border-radius:0;border-left:0;border-right:0;padding:1.5rem 1rem}}
`;

const VERSION = createHash('sha256').update(STYLESHEET).digest('hex').slice(0, 12);

/** The stylesheet's URL, versioned by its content. */
export const STYLESHEET_PATH = `/assets/plaza.css?v=${VERSION}`;

export function stylesheetRoute(app: FastifyInstance): void {
  app.get('/assets/plaza.css', async (_request, reply) =>
    reply
      .code(200)
      .header('content-type', 'text/css; charset=utf-8')
      .header('cache-control', 'public, max-age=86400')
      .header('x-content-type-options', 'nosniff')
      .send(STYLESHEET),
  );
}
