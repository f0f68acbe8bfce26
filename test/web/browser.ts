// A tiny browser for black-box tests of the hosted pages: keeps cookies (every Plaza cookie is Path=/ on one host),
// never follows redirects (tests assert on each 303 and its Location), and sends forms urlencoded as a browser does.
// Reusable by any test that drives a hosted page (sign-in, consent, account).
import assert from 'node:assert/strict';

export interface PageResponse {
  status: number;
  headers: Headers;
  text: string;
  /** The Location header of a redirect, else null. */
  location: string | null;
  /** The raw Set-Cookie lines of this response. */
  setCookies: string[];
}

export interface Agent {
  baseUrl: string;
  get(path: string, headers?: Record<string, string>): Promise<PageResponse>;
  /** POSTs `fields` as application/x-www-form-urlencoded (exactly these fields: add `csrf` yourself, or use submit). */
  postForm(path: string, fields: Record<string, string> | URLSearchParams, headers?: Record<string, string>): Promise<PageResponse>;
  /** GETs `pagePath`, takes the CSRF token from it, and POSTs `fields` plus that token to `action` (default: pagePath without its query). */
  submit(pagePath: string, fields: Record<string, string>, action?: string): Promise<PageResponse>;
  cookie(name: string): string | undefined;
  setCookie(name: string, value: string): void;
  deleteCookie(name: string): void;
}

export function createAgent(baseUrl: string): Agent {
  const jar = new Map<string, string>();

  function store(res: Response): string[] {
    const lines = res.headers.getSetCookie();
    for (const line of lines) {
      const [pair, ...attrs] = line.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq).trim();
      const value = decodeURIComponent(pair!.slice(eq + 1).trim());
      const expired = attrs.some((a) => /^\s*max-age\s*=\s*0\s*$/i.test(a));
      if (expired || value === '') jar.delete(name);
      else jar.set(name, value);
    }
    return lines;
  }

  async function request(method: string, path: string, body: string | undefined, headers: Record<string, string> = {}): Promise<PageResponse> {
    const h: Record<string, string> = { ...headers };
    if (jar.size) h.cookie = [...jar].map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('; ');
    if (body !== undefined) h['content-type'] ??= 'application/x-www-form-urlencoded';
    const res = await fetch(baseUrl + path, { method, headers: h, redirect: 'manual', ...(body !== undefined ? { body } : {}) });
    const setCookies = store(res);
    const text = await res.text();
    return { status: res.status, headers: res.headers, text, location: res.headers.get('location'), setCookies };
  }

  const agent: Agent = {
    baseUrl,
    get: (path, headers) => request('GET', path, undefined, headers),
    postForm: (path, fields, headers) => request('POST', path, new URLSearchParams(fields).toString(), headers),
    async submit(pagePath, fields, action) {
      const form = await agent.get(pagePath);
      assert.equal(form.status, 200, `GET ${pagePath} answered ${form.status}: ${form.text.slice(0, 300)}`);
      return agent.postForm(action ?? pagePath.split('?')[0]!, { ...fields, csrf: extractCsrf(form.text) });
    },
    cookie: (name) => jar.get(name),
    setCookie: (name, value) => void jar.set(name, value),
    deleteCookie: (name) => void jar.delete(name),
  };
  return agent;
}

/** The value of the first `<input type="hidden" name="csrf" value="…">` of a page. */
export function extractCsrf(html: string): string {
  const m = /<input type="hidden" name="csrf" value="([^"]*)">/.exec(html);
  assert.ok(m, `no CSRF field in the page:\n${html.slice(0, 500)}`);
  return m[1]!;
}

/** Decodes the few entities escapeHtml produces (to read an href or a value out of a page). */
export function unescapeHtml(s: string): string {
  return s.replace(/&(amp|lt|gt|quot|#39);/g, (_, e: string) => ({ amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'" })[e]!);
}
