// The exact JSON text of one member of a request body (spec/pi.md §3.6: `metadata` comes back "as given", values and
// key order preserved). A parsed JavaScript object cannot carry that: it moves integer-like keys ("7") before the
// others. So the member's text is cut out of the raw body — which lossless-json has already accepted as valid JSON —
// and minified: insignificant whitespace dropped, everything else (key order, number literals such as `1.50` or
// `1e2`, string escapes) kept byte for byte.

const WS = new Set([' ', '\t', '\n', '\r']);

class ScanError extends Error {}

function skipWs(t: string, i: number): number {
  while (i < t.length && WS.has(t[i]!)) i++;
  return i;
}

/** Index just past the string literal starting at `i` (which is `"`). */
function skipString(t: string, i: number): number {
  for (let j = i + 1; j < t.length; j++) {
    if (t[j] === '\\') j++;
    else if (t[j] === '"') return j + 1;
  }
  throw new ScanError('unterminated string');
}

/** Index just past the JSON value starting at `i`. */
function skipValue(t: string, i: number): number {
  const c = t[i];
  if (c === '"') return skipString(t, i);
  if (c === '{' || c === '[') {
    let depth = 0;
    for (let j = i; j < t.length; ) {
      const ch = t[j]!;
      if (ch === '"') {
        j = skipString(t, j);
        continue;
      }
      if (ch === '{' || ch === '[') depth++;
      else if ((ch === '}' || ch === ']') && --depth === 0) return j + 1;
      j++;
    }
    throw new ScanError('unterminated container');
  }
  let j = i;
  while (j < t.length && !WS.has(t[j]!) && t[j] !== ',' && t[j] !== '}' && t[j] !== ']') j++;
  if (j === i) throw new ScanError('value expected');
  return j;
}

/** The span of member `key`'s value in the object starting at `i` (its first occurrence), or null. */
function memberSpan(t: string, i: number, key: string): { start: number; end: number } | null {
  if (t[i] !== '{') return null;
  let j = skipWs(t, i + 1);
  if (t[j] === '}') return null;
  for (;;) {
    const keyEnd = skipString(t, j);
    const name = JSON.parse(t.slice(j, keyEnd)) as string;
    j = skipWs(t, keyEnd);
    if (t[j] !== ':') throw new ScanError('colon expected');
    const start = skipWs(t, j + 1);
    const end = skipValue(t, start);
    if (name === key) return { start, end };
    j = skipWs(t, end);
    if (t[j] === '}') return null;
    if (t[j] !== ',') throw new ScanError('comma expected');
    j = skipWs(t, j + 1);
  }
}

/** `text` without whitespace outside string literals. */
export function minifyJson(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; ) {
    const c = text[i]!;
    if (c === '"') {
      const end = skipString(text, i);
      out += text.slice(i, end);
      i = end;
    } else {
      if (!WS.has(c)) out += c;
      i++;
    }
  }
  return out;
}

/**
 * The minified text of the value at `path` (member names, outermost first) in the JSON object `raw`, or null when a
 * member on the way is missing or not an object. `raw` must be JSON the body parser accepted.
 */
export function memberJson(raw: string, path: readonly string[]): string | null {
  let at = { start: skipWs(raw, 0), end: raw.length };
  try {
    for (const key of path) {
      const span = memberSpan(raw, at.start, key);
      if (span === null) return null;
      at = span;
    }
    return minifyJson(raw.slice(at.start, at.end));
  } catch (err) {
    if (err instanceof ScanError) return null;
    throw err;
  }
}
