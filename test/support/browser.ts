// Real-browser tests drive the machine's Chromium (Debian's `chromium` package, found on PATH or at PLAZA_CHROMIUM)
// through playwright-core, which never downloads a browser. A missing Chromium is a test failure, never a skip: the
// hosted pages are part of the contract, and a silently skipped suite would hide a broken sign-in page.
import { accessSync, constants, mkdirSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

export type { Browser, Page } from 'playwright-core';

const INSTALL_HINT = 'apt-get update && apt-get install -y --no-install-recommends chromium';

// Headless and offline: no sandbox (CI runs as root in a container), no GPU, and none of the background calls to
// Google's services (component updates, sync, first-run, QUIC probes) that would fail without internet and add noise.
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

const LAUNCH_TIMEOUT_MS = 30_000;
export const PAGE_TIMEOUT_MS = 10_000;

const root = new URL('../..', import.meta.url).pathname;
export const SCREENSHOT_DIR = join(root, 'test-output', 'screenshots');

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The Chromium to drive: PLAZA_CHROMIUM when set, else the first `chromium` on PATH; throws with the fix when neither. */
export function findChromium(env: NodeJS.ProcessEnv = process.env): string {
  const explicit = env.PLAZA_CHROMIUM;
  if (explicit) {
    if (isExecutable(explicit)) return explicit;
    throw new Error(`PLAZA_CHROMIUM=${explicit} is not an executable file. Unset it to use \`chromium\` from PATH, or install Chromium: ${INSTALL_HINT}`);
  }
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (dir && isExecutable(join(dir, 'chromium'))) return join(dir, 'chromium');
  }
  throw new Error(`Chromium not found: no \`chromium\` on PATH and PLAZA_CHROMIUM is unset. Browser tests need it; install it with: ${INSTALL_HINT}`);
}

/**
 * A headless Chromium. Each launch gets a fresh, temporary user-data dir (playwright-core creates one per `launch()` and
 * deletes it on `close()`), so no cookie or session leaks between suites. Close it in `after()`.
 */
export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: findChromium(),
    headless: true,
    args: CHROMIUM_ARGS,
    timeout: LAUNCH_TIMEOUT_MS,
  });
}

/**
 * A page in a context of its own (its own cookies and storage; closing the page closes the context), with every wait
 * and navigation bounded by PAGE_TIMEOUT_MS so a broken page fails in seconds rather than at the runner's timeout.
 */
export async function newPage(browser: Browser): Promise<Page> {
  const page = await browser.newPage({ locale: 'en-US', timezoneId: 'UTC' });
  page.setDefaultTimeout(PAGE_TIMEOUT_MS);
  return page;
}

// Chromium fetches /favicon.ico for every page on its own, and Plaza serves none: its 404 says nothing about the page.
function isFaviconProbe(url: string): boolean {
  return url !== '' && new URL(url).pathname === '/favicon.ico';
}

/**
 * Starts recording the page's console errors (with the URL they point at) and uncaught exceptions; the returned array
 * fills as they happen, so a test can `assert.deepEqual(errors, [])` at its end.
 */
export function collectPageErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() !== 'error') return;
    const { url } = message.location();
    if (isFaviconProbe(url)) return;
    errors.push(`console: ${message.text()}${url ? ` (${url})` : ''}`);
  });
  page.on('pageerror', (error) => errors.push(`uncaught: ${error.message}`));
  return errors;
}

/** Saves a full-page PNG at test-output/screenshots/<name>.png (gitignored) and returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  if (!/^[\w.-]+$/.test(name)) throw new Error(`screenshot name "${name}" must be a plain file name (letters, digits, . _ -)`);
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const path = join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}
