// Opens a popcheck HTML report in headless Chromium (the system's /usr/bin/chromium, driven by
// playwright-core) and checks what a reader sees: the page loads without console errors or network
// requests, the figures shown match the results file, the filters select what they say, a failure shows
// expected against actual and the redacted exchange, and more rows come on demand. Keeps a screenshot.
//
// usage: node check_report.mjs REPORT.html RESULTS.json SCREENSHOT.png
// Exit status: 0 all checks held, 1 a check failed (each failure is printed), 2 usage.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {chromium} from 'playwright-core';

const [htmlFile, resultsFile, screenshot] = process.argv.slice(2);
if (!htmlFile || !resultsFile || !screenshot) {
  console.error('usage: node check_report.mjs REPORT.html RESULTS.json SCREENSHOT.png');
  process.exit(2);
}
const executablePath = process.env.CHROMIUM || '/usr/bin/chromium';
const results = JSON.parse(fs.readFileSync(resultsFile, 'utf8'));
const problems = [];
function check(ok, what) {
  if (!ok) problems.push(what);
  console.log((ok ? 'ok   ' : 'FAIL ') + what);
}

// The figures the page must show, counted from the cases rather than copied from the summary.
const count = {passed: 0, failed: 0, skipped: 0, error: 0};
for (const c of results.cases) count[c.status] += 1;

const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'popcheck-chromium-'));
let context;
try {
  context = await chromium.launchPersistentContext(userDataDir, {
    executablePath,
    headless: true,
    viewport: {width: 1400, height: 1000},
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const page = context.pages()[0] || await context.newPage();
  const consoleErrors = [];
  const external = [];
  page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(m.text()); });
  page.on('pageerror', (e) => consoleErrors.push('uncaught: ' + e.message));
  page.on('request', (r) => {
    const u = r.url();
    if (!u.startsWith('file:') && !u.startsWith('data:')) external.push(u);
  });

  // Times are printed for the closing notes, never asserted.
  const started = Date.now();
  await page.goto('file://' + path.resolve(htmlFile), {waitUntil: 'load', timeout: 300000});
  await page.waitForSelector('body[data-ready="true"]', {timeout: 300000});
  console.log(`info ${results.cases.length} cases: page ready after ${Date.now() - started} ms`);
  const text = async (sel) => (await page.textContent(sel)).trim();
  const shownRows = () => page.locator('#results tr.case').count();

  // Figures.
  check(await text('#count-total') === String(results.cases.length), `total is ${results.cases.length}`);
  check(await text('#count-passed') === String(count.passed), `passed is ${count.passed}`);
  check(await text('#count-failed') === String(count.failed), `failed is ${count.failed}`);
  check(await text('#count-skipped') === String(count.skipped), `skipped is ${count.skipped}`);
  check(await text('#count-errors') === String(count.error), `errors is ${count.error}`);
  check(results.summary.total === results.cases.length && results.summary.passed === count.passed,
    'the file\'s own summary agrees with its cases');
  check(await text('#match-count') === String(results.cases.length), 'unfiltered, every case matches');
  const firstChunk = await shownRows();
  check(firstChunk > 0 && firstChunk <= results.cases.length, `rows are shown (${firstChunk})`);
  check(await text('#shown-count') === String(firstChunk), 'the shown count is the rows on the page');

  // Coverage, when the page has it.
  const cov = await page.locator('#cov-codes').count();
  if (cov) {
    const data = JSON.parse(await page.textContent('#popcheck-data'));
    const t = data.coverage.totals;
    check(await text('#cov-codes') === `${t.codes_exercised} / ${t.codes_documented}`,
      `coverage shows ${t.codes_exercised} / ${t.codes_documented} error codes`);
    check(t.codes_documented > 0, 'the catalogue documents error codes');
  }

  // Status filter.
  const filterStart = Date.now();
  await page.selectOption('#filter-status', 'failed');
  console.log(`info status filter applied in ${Date.now() - filterStart} ms`);
  check(await text('#match-count') === String(count.failed), `status=failed matches ${count.failed}`);
  const statuses = await page.locator('#results tr.case').evaluateAll(
    (rows) => [...new Set(rows.map((r) => r.getAttribute('data-status')))]);
  check(statuses.length === (count.failed ? 1 : 0) && (!count.failed || statuses[0] === 'failed'),
    'only failed rows are shown');

  // A failure's details: expected against actual, and the request without credentials.
  if (count.failed) {
    const first = page.locator('#results tr.case').first();
    const id = (await first.locator('td.id').textContent()).trim();
    await first.locator('button').click();
    const detailText = await page.locator('#results tr.detail').first().textContent();
    const f = results.cases.find((c) => c.id === id).failures[0];
    check(detailText.includes(f.expected) && detailText.includes(f.actual),
      'the detail shows expected and actual');
    check(detailText.includes('REDACTED') && !/AccessKeyId=(?!REDACTED)/.test(detailText),
      'the request in the detail has its credentials removed');
  }

  // Product (and action) filter.
  await page.selectOption('#filter-status', '');
  const product = results.cases[results.cases.length - 1].product;
  await page.selectOption('#filter-product', product);
  const ofProduct = results.cases.filter((c) => c.product === product);
  check(await text('#match-count') === String(ofProduct.length), `product=${product} matches ${ofProduct.length}`);
  const action = ofProduct[0].action;
  await page.selectOption('#filter-action', action);
  const ofAction = ofProduct.filter((c) => c.action === action).length;
  check(await text('#match-count') === String(ofAction), `action=${action} matches ${ofAction}`);
  const headings = await page.locator('#results .group h3').allTextContents();
  check(headings.length === 1 && headings[0] === `${product}.${action}`, 'one table, for that action');

  // More rows on demand when the matches exceed the first chunk.
  await page.selectOption('#filter-product', '');
  await page.selectOption('#filter-action', '');
  if (results.cases.length > firstChunk) {
    await page.click('#more');
    const after = await shownRows();
    check(after > firstChunk, `"show more" adds rows (${firstChunk} -> ${after})`);
  }
  // The screenshot shows the failures with the first one opened, from the top of the page.
  await page.selectOption('#filter-status', 'failed');
  if (count.failed) await page.locator('#results tr.case button').first().click();
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({path: screenshot, fullPage: results.cases.length < 500});
  check(fs.existsSync(screenshot), `screenshot kept at ${screenshot}`);

  check(consoleErrors.length === 0, 'no console errors' + (consoleErrors.length ? ': ' + consoleErrors.join(' | ') : ''));
  check(external.length === 0, 'no network request' + (external.length ? ': ' + external.join(' ') : ''));
} catch (e) {
  problems.push(String(e && e.stack || e));
  console.log('FAIL ' + e);
} finally {
  if (context) await context.close();
  fs.rmSync(userDataDir, {recursive: true, force: true});
}
if (problems.length) {
  console.error(`${problems.length} check(s) failed`);
  process.exit(1);
}
