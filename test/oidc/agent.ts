// A tiny browser for the OIDC tests: a cookie jar that honours Path, Max-Age and deletions, and manual redirects
// (each hop is visible to the test, and a redirect to another origin is where the browser would leave Plaza).
export interface AgentResponse {
  status: number;
  location: string | null;
  text: string;
  url: string;
}

interface StoredCookie {
  name: string;
  value: string;
  path: string;
}

export interface Agent {
  request(method: string, url: string, body?: URLSearchParams): Promise<AgentResponse>;
  /** Follows same-origin redirects from `url`; stops at a page (2xx/4xx/5xx) or a redirect that leaves `origin`. */
  follow(url: string, maxHops?: number): Promise<AgentResponse>;
  setCookie(name: string, value: string): void;
  cookie(name: string): string | undefined;
}

export function createAgent(origin: string): Agent {
  const jar = new Map<string, StoredCookie>();

  function store(line: string, requestPath: string): void {
    const [pair, ...attrs] = line.split(';').map((s) => s.trim());
    const eq = pair!.indexOf('=');
    const name = pair!.slice(0, eq);
    const value = pair!.slice(eq + 1);
    let path = requestPath.replace(/\/[^/]*$/, '') || '/';
    let gone = value === '';
    for (const a of attrs) {
      const [k, v = ''] = a.split('=');
      const key = k!.toLowerCase();
      if (key === 'path') path = v;
      if (key === 'max-age' && Number(v) <= 0) gone = true;
      if (key === 'expires' && Date.parse(v) <= Date.now()) gone = true;
    }
    const id = `${name}@${path}`;
    if (gone) jar.delete(id);
    else jar.set(id, { name, value, path });
  }

  function header(path: string): string {
    const matching = [...jar.values()]
      .filter((c) => path === c.path || path.startsWith(c.path.endsWith('/') ? c.path : `${c.path}/`))
      .sort((a, b) => b.path.length - a.path.length);
    return matching.map((c) => `${c.name}=${c.value}`).join('; ');
  }

  async function request(method: string, url: string, body?: URLSearchParams): Promise<AgentResponse> {
    const target = new URL(url, origin);
    const headers: Record<string, string> = {};
    const cookies = header(target.pathname);
    if (cookies) headers.cookie = cookies;
    if (body) headers['content-type'] = 'application/x-www-form-urlencoded';
    const res = await fetch(target, { method, headers, redirect: 'manual', ...(body ? { body: body.toString() } : {}) });
    for (const line of res.headers.getSetCookie()) store(line, target.pathname);
    const location = res.headers.get('location');
    return { status: res.status, location: location === null ? null : new URL(location, target).href, text: await res.text(), url: target.href };
  }

  return {
    request,
    async follow(url, maxHops = 10) {
      let res = await request('GET', url);
      for (let i = 0; i < maxHops && res.location !== null && new URL(res.location).origin === origin; i++) {
        res = await request('GET', res.location);
      }
      return res;
    },
    setCookie(name, value) {
      jar.set(`${name}@/`, { name, value, path: '/' });
    },
    cookie(name) {
      return [...jar.values()].find((c) => c.name === name)?.value;
    },
  };
}

/** The value of a hidden input in an HTML page. */
export function hiddenField(html: string, name: string): string {
  const m = new RegExp(`<input[^>]*name="${name}"[^>]*value="([^"]*)"`).exec(html) ?? new RegExp(`<input[^>]*value="([^"]*)"[^>]*name="${name}"`).exec(html);
  if (!m) throw new Error(`no hidden field ${name} in:\n${html.slice(0, 2000)}`);
  return m[1]!.replace(/&amp;/g, '&').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>');
}

/** The action of the first form in an HTML page. */
export function formAction(html: string, id?: string): string {
  const re = id ? new RegExp(`<form[^>]*id="${id.replace('.', '\\.')}"[^>]*>`) : /<form[^>]*>/;
  const tag = re.exec(html)?.[0];
  const m = tag ? /action="([^"]*)"/.exec(tag) : null;
  if (!m) throw new Error(`no form action in:\n${html.slice(0, 2000)}`);
  return m[1]!.replace(/&amp;/g, '&');
}
