// The console's later additions in a real Chromium against a real server: an admin creates an app's product with its
// price typed in CNY (stored as integer fen), is stopped by a bad price, edits and deletes the product and reads its
// snapshot history; reads the audit log and finds the product's creation (and filters it by actor); the ledger's
// live block list shows the newest block first from one request, and an account's history its newest transfer first.
// The product pages work on a phone viewport and by keyboard. An admin bans an app, sets its key expiry and dialects
// in the Controls tab and disables / re-enables a content item; a developer sees neither control.
// The UI is built once into a temporary directory, as in console.test.ts.
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { identityDeps } from '../../src/admin/deps.js';
import { createAdminApi } from '../../src/admin/plugin.js';
import { ensureAdminDeveloper } from '../../src/core/identity/developers.js';
import { ensureBuiltinRoles } from '../../src/core/identity/roles.js';
import { ensureAsset } from '../../src/core/ledger/assets.js';
import { sealBlock } from '../../src/core/ledger/blocks.js';
import { insertContent } from '../../src/modules/content/repository.js';
import { webPages } from '../../src/web/plugin.js';
import { createUiRoutes } from '../../src/web/ui.js';
import { collectPageErrors, launchBrowser, newPage, screenshot, type Browser, type Page } from '../support/browser.js';
import { http, startTestServer, type TestServer } from '../support/server.js';
import { STORES } from '../support/stores.js';
import { buildUi, DESKTOP, focused, inPage, noHorizontalScroll, PHONE, tabTo } from './uiKit.js';


for (const kind of STORES) {
  describe(`browser: console products, audit log and newest blocks [${kind}]`, () => {
    let browser: Browser;
    let server: TestServer;
    let uiDir: string;
    let base: string;

    before(async () => {
      uiDir = await buildUi();
      browser = await launchBrowser();
      server = await startTestServer(kind, { dialects: [createAdminApi({ assertResponses: true })], extras: [webPages, createUiRoutes({ dir: uiDir })] });
      base = server.baseUrl;
      const s = server.services;
      await ensureBuiltinRoles(s.db);
      await ensureAsset(s.db, { symbol: s.config.ulord.assetSymbol, precision: 8 }, s.clock);
      await ensureAdminDeveloper(s.db, { username: 'root', password: 'root-password-1' }, identityDeps(s));
    });
    after(async () => {
      await browser?.close();
      await server?.close();
      if (uiDir) rmSync(uiDir, { recursive: true, force: true });
    });

    async function signInAsRoot(page: Page): Promise<void> {
      await page.goto(`${base}/console/`);
      await page.getByLabel('Username').fill('root');
      await page.getByLabel('Password').fill('root-password-1');
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('heading', { level: 1, name: 'Apps' }).waitFor();
    }

    const token = (page: Page) => inPage<string>(page, "sessionStorage.getItem('plaza.console.token')");

    it('creates, edits and deletes a product and shows its snapshots; the audit log holds the creation', async () => {
      const s = server.services;
      const symbol = s.config.ulord.assetSymbol;
      const page = await newPage(browser);
      const errors = collectPageErrors(page);
      await page.setViewportSize(DESKTOP);
      await signInAsRoot(page);
      await page.getByLabel('App name').fill('Tea Live');
      await page.getByRole('button', { name: 'Create app' }).click();
      await page.getByRole('link', { name: 'Open Tea Live' }).click();
      await page.getByRole('heading', { level: 1, name: 'Tea Live' }).waitFor();
      const appId = Number(/\/apps\/(\d+)/.exec(page.url())?.[1]);
      assert.ok(appId > 0, page.url());
      await page.getByRole('navigation', { name: 'App sections' }).getByRole('link', { name: 'Products' }).click();
      await page.getByText('No live products.').waitFor();

      // A price with three decimals never reaches the API.
      await page.getByLabel('Product id').fill('gold');
      await page.getByLabel('Name').fill('Gold pack');
      await page.getByLabel('Price (CNY)').fill('12.345');
      await page.getByRole('button', { name: 'Create product' }).click();
      await page.getByText(/at most two decimals/).waitFor();
      assert.equal(await page.getByLabel('Price (CNY)').getAttribute('aria-invalid'), 'true');
      assert.equal((await s.db.selectFrom('products').select('product_id').execute()).length, 0);

      // Created with a credit grant: 12.50 CNY is 1250 fen on the wire.
      await page.getByLabel('Price (CNY)').fill('12.5');
      await page.getByLabel('Description (optional)').fill('One hundred credits');
      await page.getByLabel('Grant asset').fill(symbol);
      await page.getByLabel('Grant amount').fill('100');
      await page.getByRole('button', { name: 'Create product' }).click();
      await page.getByText('Created gold at 12.50 CNY.').waitFor();
      const products = page.getByRole('table', { name: 'Products' });
      assert.match(await products.innerText(), new RegExp(`gold[\\s\\S]*Gold pack[\\s\\S]*12\\.50[\\s\\S]*100 ${symbol} \\(balance\\)[\\s\\S]*live`));
      const auth = { headers: { authorization: `Bearer ${await token(page)}` } };
      const stored = await http(base, 'GET', `/admin/v1/apps/${appId}/products/gold`, auth);
      assert.equal(stored.status, 200, stored.text);
      assert.equal(stored.json.price_cent, 1250);
      const snapshots = page.getByRole('table', { name: 'Snapshots of gold' });
      await snapshots.waitFor();
      assert.equal(await snapshots.locator('tbody tr').count(), 1);

      // The same id again is refused with the API's message.
      await page.getByLabel('Product id').fill('gold');
      await page.getByLabel('Name').fill('Gold again');
      await page.getByLabel('Price (CNY)').fill('1');
      await page.getByRole('button', { name: 'Create product' }).click();
      await page.getByRole('alert').filter({ hasText: /delete it first/ }).waitFor();

      // Edit: 0.99 CNY, the grant cleared → a second snapshot, newest on top.
      await page.getByRole('button', { name: 'Edit gold' }).click();
      const edit = page.getByRole('form', { name: 'Edit gold' });
      assert.equal(await edit.getByLabel('Price (CNY)').inputValue(), '12.50');
      await edit.getByLabel('Price (CNY)').fill('0.99');
      await edit.getByLabel('Grant asset').fill('');
      await edit.getByLabel('Grant amount').fill('');
      await edit.getByRole('button', { name: 'Save changes' }).click();
      await page.getByText(/^Saved gold: snapshot \d+\.$/).waitFor();
      // The earlier refusal does not linger next to the success.
      assert.equal(await page.getByRole('alert').count(), 0);
      await products.getByText('0.99').waitFor();
      await snapshots.locator('tbody tr').nth(1).waitFor();
      assert.match(await snapshots.locator('tbody tr').first().innerText(), /current[\s\S]*99/);
      assert.equal((await http(base, 'GET', `/admin/v1/apps/${appId}/products/gold`, auth)).json.grant, null);
      // Saving unchanged fields writes no snapshot.
      await page.getByRole('button', { name: 'Edit gold' }).click();
      await page.getByRole('form', { name: 'Edit gold' }).getByRole('button', { name: 'Save changes' }).click();
      await page.getByText('Nothing changed in gold.').waitFor();
      assert.equal(await snapshots.locator('tbody tr').count(), 2);
      await screenshot(page, 'console-products');

      // Delete asks first; then the product leaves the live list, shows under "Include deleted", with a third snapshot.
      await page.getByRole('button', { name: 'Delete gold…' }).click();
      await page.getByRole('group', { name: 'Confirm deleting gold' }).getByRole('button', { name: 'Delete gold' }).click();
      await page.getByText(/^Deleted gold/).waitFor();
      await page.getByText('No live products.').waitFor();
      await page.getByLabel('Include deleted').check();
      await products.getByText('deleted').waitFor();
      assert.equal(await page.getByRole('button', { name: 'Edit gold' }).count(), 0);
      await snapshots.locator('tbody tr').nth(2).waitFor();
      assert.notEqual((await http(base, 'GET', `/admin/v1/apps/${appId}/products/gold`, auth)).json.deleted_at, null);

      // Paging: 25 more products are 20 + 6 with deleted ones included, in product id order.
      for (let i = 0; i < 25; i++) {
        const r = await http(base, 'POST', `/admin/v1/apps/${appId}/products`, {
          headers: { ...auth.headers, 'idempotency-key': `p-${kind}-${i}` },
          body: JSON.stringify({ product_id: `p${String(i).padStart(2, '0')}`, name: `Pack ${i}`, price_cent: 100 + i }),
        });
        assert.equal(r.status, 201, r.text);
      }
      await page.getByRole('button', { name: 'Snapshots of gold' }).click();
      await page.getByLabel('Include deleted').uncheck();
      await page.getByLabel('Include deleted').check();
      await products.getByText('p18', { exact: true }).waitFor();
      assert.equal(await products.locator('tbody tr').count(), 20);
      assert.match(await products.locator('tbody tr').first().innerText(), /gold/);
      await page.getByRole('button', { name: 'Next' }).click();
      await products.getByText('p24', { exact: true }).waitFor();
      assert.equal(await products.locator('tbody tr').count(), 6);
      assert.equal(await page.getByRole('button', { name: 'Next' }).isDisabled(), true);

      // The audit log: the creation is there, by this admin, with its request body; a foreign actor filters it out.
      await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Audit log' }).click();
      await page.getByRole('heading', { level: 1, name: 'Audit log' }).waitFor();
      const audit = page.getByRole('table', { name: 'Audit log entries' });
      await audit.waitFor();
      const me = await http(base, 'GET', '/admin/v1/me', auth);
      await page.getByLabel('Actor').fill(`developer:${me.json.id as number}`);
      // 25 API creations are newest; the page's own creation of gold is on page 2.
      await audit.getByText('admin.createProduct').first().waitFor();
      await page.getByRole('button', { name: 'Next' }).click();
      const creation = audit.locator('tbody tr').filter({ hasText: 'admin.createProduct' }).filter({ hasText: /"gold"/ });
      await creation.getByText('Request').first().click();
      assert.match(await creation.first().innerText(), new RegExp(`developer:${me.json.id as number}[\\s\\S]*"price_cent": "?1250"?`));
      await page.getByLabel('Actor').fill('developer:999999');
      await page.getByText('No entries match.').waitFor();
      // The only console error is Chromium's note on the one refusal the walk provoked (the duplicate id, a 409).
      assert.deepEqual(errors.filter((e) => !/status of 409 .*\/admin\/v1\/apps\/\d+\/products\)$/.test(e)), []);
      assert.equal(errors.length, 1, errors.join('\n'));
      await page.close();
    });

    it('the product tab works on a phone and by keyboard', async () => {
      const page = await newPage(browser);
      const errors = collectPageErrors(page);
      await page.setViewportSize(PHONE);
      await signInAsRoot(page);
      await page.getByLabel('App name').fill('Phone Tea');
      await page.getByRole('button', { name: 'Create app' }).click();
      await page.getByRole('link', { name: 'Open Phone Tea' }).click();
      await page.getByRole('navigation', { name: 'App sections' }).getByRole('link', { name: 'Products' }).click();
      await page.getByLabel('Product id').fill('mint');
      await page.getByLabel('Name').fill('Mint pack with a rather long name to wrap');
      await page.getByLabel('Price (CNY)').fill('3');
      await page.getByRole('button', { name: 'Create product' }).click();
      await page.getByText('Created mint at 3.00 CNY.').waitFor();
      await page.getByRole('table', { name: 'Snapshots of mint' }).waitFor();
      await noHorizontalScroll(page);
      await screenshot(page, 'console-products-phone');
      // The audit log (with an entry opened) and the controls tab fit the phone too.
      await page.goto(`${base}/console/admin/audit`);
      const audit = page.getByRole('table', { name: 'Audit log entries' });
      await audit.getByText('admin.createProduct').first().waitFor();
      await audit.getByText('Request').first().click();
      await noHorizontalScroll(page);
      await screenshot(page, 'console-audit-phone');
      await page.goBack();
      await page.getByRole('navigation', { name: 'App sections' }).getByRole('link', { name: 'Controls' }).click();
      await page.getByLabel('Key expires at').waitFor();
      await noHorizontalScroll(page);
      await page.getByRole('navigation', { name: 'App sections' }).getByRole('link', { name: 'Products' }).click();
      await page.getByRole('table', { name: 'Products' }).getByText('mint', { exact: true }).waitFor();

      // Keyboard only: from the page's heading to the edit button, every stop with a visible focus ring; Enter opens it.
      await page.setViewportSize(DESKTOP);
      await page.getByRole('heading', { level: 1 }).focus();
      const stops = await tabTo(page, /^Edit mint$/, 60);
      for (const stop of stops) assert.notEqual(stop.outline.split(' ')[0], 'none', `no focus ring on ${stop.tag}:${stop.text}`);
      await page.keyboard.press('Enter');
      await page.getByRole('form', { name: 'Edit mint' }).waitFor();
      // The edit form takes the focus (its name field), so the next Tab is its price.
      assert.equal((await focused(page)).text, 'Name');
      await page.keyboard.press('Tab');
      assert.equal((await focused(page)).text, 'Price (CNY)');
      await page.keyboard.press('ControlOrMeta+a');
      await page.keyboard.type('4.2');
      await page.keyboard.press('Enter');
      await page.getByText(/^Saved mint/).waitFor();
      await page.getByRole('table', { name: 'Products' }).getByText('4.20').waitFor();
      assert.deepEqual(errors, []);
      await page.close();
    });

    it('the live block list shows the newest block first from one request, and an account its newest transfer first', async () => {
      const s = server.services;
      const page = await newPage(browser);
      const errors = collectPageErrors(page);
      await page.setViewportSize(DESKTOP);
      await signInAsRoot(page);
      const auth = { authorization: `Bearer ${await token(page)}` };
      const symbol = s.config.ulord.assetSymbol;
      const issueOne = async (n: number) => {
        const r = await http(base, 'POST', `/admin/v1/assets/${symbol}/issue`, {
          headers: { ...auth, 'idempotency-key': `issue-${kind}-${n}` },
          body: JSON.stringify({ owner_kind: 'user', owner_id: '515151', amount: String(n), memo: `block ${n}` }),
        });
        assert.equal(r.status, 201, r.text);
        const sealed = await sealBlock(s.database, s.box, s.clock);
        assert.ok(sealed);
        return { number: sealed.number, account: r.json.credit_account_id as number };
      };
      // More blocks than the list shows, one issuance each.
      let last = { number: 0, account: 0 };
      for (let n = 1; n <= 14; n++) last = await issueOne(n);
      const blockRequests: string[] = [];
      page.on('request', (r) => {
        if (new URL(r.url()).pathname === '/admin/v1/blocks') blockRequests.push(new URL(r.url()).search);
      });
      await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Ledger' }).click();
      const blocks = page.getByRole('table', { name: 'Latest sealed blocks' });
      await blocks.getByRole('link', { name: `#${last.number}` }).waitFor();
      // No probing: the first paint came from a single newest-first request.
      assert.deepEqual(blockRequests.slice(0, 1), ['?order=desc&after=0&limit=12']);
      const rows = blocks.locator('tbody tr');
      assert.equal(await rows.count(), 12);
      assert.match(await rows.first().innerText(), new RegExp(`^#${last.number}\\b`));
      assert.match(await rows.nth(1).innerText(), new RegExp(`^#${last.number - 1}\\b`));
      // A block sealed while the page is open arrives on top with the next poll, which asks only for newer blocks.
      const fresh = await issueOne(15);
      await blocks.getByRole('link', { name: `#${fresh.number}` }).waitFor({ timeout: 6000 });
      assert.match(await rows.first().innerText(), new RegExp(`^#${fresh.number}\\b`));
      assert.equal(await rows.count(), 12);
      assert.ok(blockRequests.slice(1).every((q) => q.startsWith('?order=desc&after=')), blockRequests.join(' '));

      // The receiving account's history: 15 transfers, newest (+15) first.
      await page.goto(`${base}/console/ledger/accounts/${fresh.account}`);
      const history = page.getByRole('table', { name: `Transfers of account ${fresh.account}` });
      await history.waitFor();
      assert.match(await history.locator('tbody tr').first().innerText(), /\+15(\.0+)? /);
      assert.match(await history.locator('tbody tr').last().innerText(), /\+1(\.0+)? /);
      assert.equal(await history.locator('tbody tr').count(), 15);
      assert.deepEqual(errors, []);
      await page.close();
    });

    it('an admin sets app controls and disables content; a developer sees neither', async () => {
      const s = server.services;
      const page = await newPage(browser);
      const errors = collectPageErrors(page);
      await page.setViewportSize(DESKTOP);
      await signInAsRoot(page);
      await page.getByLabel('App name').fill('Ctl Tea');
      await page.getByRole('button', { name: 'Create app' }).click();
      await page.getByRole('link', { name: 'Open Ctl Tea' }).click();
      await page.getByRole('heading', { level: 1, name: 'Ctl Tea' }).waitFor();
      const appId = Number(/\/apps\/(\d+)/.exec(page.url())?.[1]);
      await page.getByRole('navigation', { name: 'App sections' }).getByRole('link', { name: 'Controls' }).click();
      await page.getByRole('heading', { name: 'Operator controls' }).waitFor();
      assert.equal(await page.getByLabel('All dialects').isChecked(), true);
      // A time without its zone is refused before it is sent.
      await page.getByLabel('Key expires at').fill('2031-02-03 04:05');
      await page.getByRole('button', { name: 'Save controls' }).click();
      await page.getByText(/ISO 8601 time with its zone/).waitFor();
      await page.getByLabel('Banned').check();
      await page.getByLabel('Key expires at').fill('2031-02-03T04:05:00Z');
      await page.getByLabel('All dialects').uncheck();
      await page.getByLabel('pi', { exact: true }).check();
      await page.getByLabel('liveuser', { exact: true }).check();
      await page.getByRole('button', { name: 'Save controls' }).click();
      await page.getByText(/^Saved: banned, key expires 2031-02-03 04:05:00Z, dialects pi, liveuser\.$/).waitFor();
      await page.locator('.app-meta').getByText('banned').waitFor();
      const auth = { headers: { authorization: `Bearer ${await token(page)}` } };
      const stored = await http(base, 'GET', `/admin/v1/apps/${appId}/controls`, auth);
      assert.equal(stored.json.banned, true);
      assert.equal(stored.json.key_expires_at, '2031-02-03T04:05:00.000Z');
      assert.deepEqual(stored.json.dialects, ['pi', 'liveuser']);
      // Back to all dialects, unbanned, never expiring.
      await page.getByLabel('Banned').uncheck();
      await page.getByLabel('Key expires at').fill('');
      await page.getByLabel('All dialects').check();
      await page.getByRole('button', { name: 'Save controls' }).click();
      await page.getByText('Saved: not banned, key never expires, dialects all.').waitFor();
      assert.deepEqual((await http(base, 'GET', `/admin/v1/apps/${appId}/controls`, auth)).json.dialects, null);

      // Content: disable, then enable again, an item published in the app.
      const contentId = await s.db.transaction().execute((trx) =>
        insertContent(trx, { appId, author: 'alice', claimId: 'c'.repeat(40), claimTxid: 'd'.repeat(64), title: 'Oolong notes', ipfsHash: 'Qm' + 'x'.repeat(44), priceMinor: 50_000_000n, currency: 'ULD', contentType: 'text', des: null, tags: [], createdAt: s.clock.now() }),
      );
      await page.getByRole('navigation', { name: 'App sections' }).getByRole('link', { name: 'Content' }).click();
      const content = page.getByRole('table', { name: 'Content' });
      await content.getByText('Oolong notes').waitFor();
      await page.getByRole('button', { name: 'Disable Oolong notes' }).click();
      await page.getByText('Oolong notes is disabled.').waitFor();
      await page.getByRole('button', { name: 'Enable Oolong notes' }).waitFor();
      assert.equal((await http(base, 'GET', `/admin/v1/content/${contentId}`, auth)).json.enabled, false);
      await page.getByLabel('Shown').selectOption('false');
      await content.getByText('Oolong notes').waitFor();
      await page.getByRole('button', { name: 'Enable Oolong notes' }).click();
      await page.getByText('Oolong notes is enabled.').waitFor();
      await page.getByText('No content matches.').waitFor();
      const item = await http(base, 'GET', `/admin/v1/content/${contentId}`, auth);
      assert.equal(item.json.enabled, true);
      assert.deepEqual(item.json.history.map((h: { action: string }) => h.action), ['disable', 'enable']);
      assert.deepEqual(errors, []);
      await page.close();

      // A developer (not an admin) owning an app sees no Controls tab, cannot open it by path, and has no toggle.
      const dev = await newPage(browser);
      await dev.goto(`${base}/console/`);
      await dev.getByRole('link', { name: 'Create a developer account' }).click();
      await dev.getByLabel('Username').fill('plain');
      await dev.getByLabel('Password').fill('plain-password-1');
      await dev.getByRole('button', { name: 'Create account' }).click();
      await dev.getByRole('heading', { level: 1, name: 'Apps' }).waitFor();
      await dev.getByLabel('App name').fill('Own Tea');
      await dev.getByRole('button', { name: 'Create app' }).click();
      await dev.getByRole('link', { name: 'Open Own Tea' }).click();
      await dev.getByRole('heading', { level: 1, name: 'Own Tea' }).waitFor();
      const ownId = Number(/\/apps\/(\d+)/.exec(dev.url())?.[1]);
      assert.doesNotMatch(await dev.getByRole('navigation', { name: 'App sections' }).innerText(), /Controls/);
      await s.db.transaction().execute((trx) =>
        insertContent(trx, { appId: ownId, author: 'bob', claimId: 'e'.repeat(40), claimTxid: 'f'.repeat(64), title: 'Puer notes', ipfsHash: 'Qm' + 'y'.repeat(44), priceMinor: 1n, currency: 'ULD', contentType: 'text', des: null, tags: [], createdAt: s.clock.now() }),
      );
      await dev.getByRole('navigation', { name: 'App sections' }).getByRole('link', { name: 'Content' }).click();
      await dev.getByRole('table', { name: 'Content' }).getByText('Puer notes').waitFor();
      assert.equal(await dev.getByRole('button', { name: /Disable/ }).count(), 0);
      await dev.goto(`${base}/console/apps/${ownId}/controls`);
      await dev.getByRole('heading', { level: 1, name: 'Page not found' }).waitFor();
      await dev.close();
    });
  });
}
