// Proves the browser-test plumbing end to end: the system Chromium starts, loads a page Plaza serves, renders it
// without console errors and leaves a screenshot under test-output/screenshots/.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { healthRoutes } from '../../src/http/health.js';
import { openApiRoutes } from '../../src/http/openapi.js';
import { collectPageErrors, launchBrowser, newPage, screenshot, type Browser } from '../support/browser.js';
import { startTestServer, type TestServer } from '../support/server.js';

describe('browser smoke: the admin API reference page in Chromium', () => {
  let server: TestServer;
  let browser: Browser;
  before(async () => {
    // The browser first: when Chromium is missing this fails before a server exists that would keep the process alive.
    browser = await launchBrowser();
    server = await startTestServer('sqlite', { dialects: [], extras: [openApiRoutes, healthRoutes] });
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  it('renders /docs/admin with its title and heading, and logs no errors', async () => {
    const page = await newPage(browser);
    const errors = collectPageErrors(page);
    const response = await page.goto(`${server.baseUrl}/docs/admin`);
    assert.equal(response?.status(), 200);
    assert.equal(await page.title(), 'Plaza admin API');
    assert.equal(await page.locator('h1').textContent(), 'Plaza admin API');
    assert.equal(await page.getByRole('link', { name: '/openapi/admin.json' }).getAttribute('href'), '/openapi/admin.json');
    const path = await screenshot(page, 'smoke-docs-admin');
    assert.ok(existsSync(path), `screenshot written at ${path}`);
    await page.close();
    assert.deepEqual(errors, []);
  });
});
