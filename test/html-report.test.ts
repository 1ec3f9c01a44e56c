// report.html in a real browser (Debian's chromium via playwright-core): it renders, sorts,
// filters, raises no console or page errors, and a hostile company name stays text.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { buildPartnerReport } from '../src/report/build.ts';
import { awsTenant, reportInput, tempDir, testKey } from './report-fixtures.ts';

const CHROMIUM = '/usr/bin/chromium';
const HOSTILE = '<img src=x onerror=alert(1)><script>window.pwned=1</script>';

describe('report.html in a browser', function () {
  this.timeout(90_000);
  let browser: Browser;
  let page: Page;
  const problems: string[] = [];
  const dialogs: string[] = [];

  before(async () => {
    if (!existsSync(CHROMIUM))
      throw new Error(
        `${CHROMIUM} is missing: install it with "apt-get update && apt-get install -y chromium"`,
      );
    const key = await testKey();
    const dir = join(await tempDir(), 'report');
    const tenants = [
      awsTenant('111111111111', {
        entityName: 'Beta Industries',
        usage: { requests: 5, inputTokens: 1, outputTokens: 1, spend: 300, currency: 'USD' },
      }),
      awsTenant('222222222222', {
        entityName: HOSTILE,
        usage: { requests: 9, inputTokens: 1, outputTokens: 1, spend: 20, currency: 'USD' },
      }),
      awsTenant('333333333333', {
        entityName: 'Gamma Review Co',
        decision: 'review',
        reasons: ['unknown-origin'],
        usage: { requests: 1, inputTokens: 1, outputTokens: 1, spend: 1000, currency: 'USD' },
        restrictionEffectiveAt: '2025-10-05T00:00:00Z',
      }),
      awsTenant('444444444444', {
        entityName: 'Alpha Trading',
        restrictionEffectiveAt: '2025-10-05T00:00:00Z',
        usage: {
          requests: 2,
          inputTokens: 1,
          outputTokens: 1,
          spend: 5,
          currency: 'USD',
          lastUsageAt: '2025-10-20T00:00:00Z',
        },
      }),
    ];
    await buildPartnerReport(reportInput('aws', tenants), { dir, signingKey: key });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    });
    page = await browser.newPage();
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    page.on('request', (r) => {
      if (!r.url().startsWith('file:')) problems.push(`network request: ${r.url()}`);
    });
    await page.goto(pathToFileURL(join(dir, 'report.html')).href, { waitUntil: 'load' });
  });

  after(async () => {
    await browser?.close();
  });

  const keysInOrder = () =>
    page.$$eval('#tenants tbody tr:not([hidden]) td:first-child', (tds) => tds.map((td) => td.textContent));

  it('renders the table, one SVG chain per tenant, and the metadata', async () => {
    assert.equal(await page.locator('#tenants tbody tr').count(), 4);
    assert.equal(await page.locator('svg.chain').count(), 4);
    assert.match((await page.locator('header').textContent()) ?? '', /channelguard-default/);
    assert.equal(await page.locator('.gap').count(), 1);
  });

  it('shows the hostile company name as text and runs none of it', async () => {
    assert.equal(await page.locator('td', { hasText: HOSTILE }).count(), 1);
    assert.equal(await page.evaluate(() => (globalThis as unknown as { pwned?: number }).pwned), undefined);
    assert.equal(await page.locator('img').count(), 0);
    assert.equal(await page.locator('body script').count(), 1);
    assert.deepEqual(dialogs, []);
  });

  it('sorts by a column when its header is clicked, and reverses on a second click', async () => {
    await page.click('th button:text("Spend")');
    assert.deepEqual(await keysInOrder(), ['444444444444', '222222222222', '111111111111', '333333333333']);
    await page.click('th button:text("Spend")');
    assert.deepEqual(await keysInOrder(), ['333333333333', '111111111111', '222222222222', '444444444444']);
    await page.click('th button:text("Company")');
    assert.deepEqual(await keysInOrder(), ['222222222222', '444444444444', '111111111111', '333333333333']);
  });

  it('filters rows by the text typed in the filter', async () => {
    await page.fill('#filter', 'review co');
    assert.deepEqual(await keysInOrder(), ['333333333333']);
    assert.equal(await page.locator('#shown').textContent(), '1');
    await page.fill('#filter', 'onerror');
    assert.deepEqual(await keysInOrder(), ['222222222222']);
    await page.fill('#filter', '');
    assert.equal((await keysInOrder()).length, 4);
  });

  it('raised no console errors, page errors or network requests', () => {
    assert.deepEqual(problems, []);
  });
});
