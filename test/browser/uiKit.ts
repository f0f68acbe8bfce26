// What the console's browser tests share: building the UI into a temporary directory, viewports, page-side probes
// (passed as text: the test tsconfig has no DOM types), keyboard walks and the phone-layout check.
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'vite';
import type { Page } from '../support/browser.js';

const root = new URL('../..', import.meta.url).pathname;
export const DESKTOP = { width: 1280, height: 860 };
export const PHONE = { width: 390, height: 844 };

/** Builds the UI into a fresh temporary directory (offline, ~1 s) and returns it. */
export async function buildUi(): Promise<string> {
  const outDir = mkdtempSync(join(tmpdir(), 'plaza-ui-'));
  await build({ configFile: join(root, 'web/ui/vite.config.ts'), logLevel: 'error', build: { outDir, emptyOutDir: true } });
  return outDir;
}

export function inPage<T>(page: Page, expression: string): Promise<T> {
  return page.evaluate(expression) as Promise<T>;
}

export interface FocusStop {
  tag: string;
  text: string;
  outline: string;
}

/** The focused element, described for assertions: its tag, accessible text and outline. */
export function focused(page: Page): Promise<FocusStop> {
  return inPage(
    page,
    `(() => {
      const el = document.activeElement;
      if (!el) return { tag: '', text: '', outline: 'none' };
      const style = getComputedStyle(el);
      const label = el.labels && el.labels[0] ? el.labels[0].textContent : null;
      return { tag: el.tagName.toLowerCase(), text: (el.getAttribute('aria-label') ?? label ?? el.textContent ?? '').trim(), outline: style.outlineStyle + ' ' + style.outlineWidth };
    })()`,
  );
}

/** Presses Tab until the focused element's text matches, at most `max` times; returns every stop on the way. */
export async function tabTo(page: Page, want: RegExp, max: number): Promise<FocusStop[]> {
  const stops: FocusStop[] = [];
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    const f = await focused(page);
    stops.push(f);
    if (want.test(f.text)) return stops;
  }
  assert.fail(`Tab never reached ${want}; stops: ${stops.map((s) => `${s.tag}:${s.text}`).join(' | ')}`);
}

export async function noHorizontalScroll(page: Page): Promise<void> {
  const { scroll, client } = await inPage<{ scroll: number; client: number }>(page, '({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth })');
  assert.ok(scroll <= client, `the page scrolls sideways on a phone: ${scroll}px content in ${client}px`);
}
