// The HTML report in a real browser: headless Chromium opens reports made from synthetic results of
// the seed catalogue (small, every detail checked) and of the whole ECS/VPC/ESS catalogue compiled
// from the metadata (17,000+ cases: it must open and filter). tests/browser/check_report.mjs does the
// checking; screenshots and the reports are kept under $POPCHECK_ARTIFACTS (default:
// <build>/artifacts/report_html).
//
// Needs Chromium (Debian's chromium package; installed here with apt-get when missing and running as
// root) and playwright-core from tests/browser/package-lock.json (installed here with npm ci when
// missing).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import test from 'node:test';

import { bin, commandMissing, copyDir, dataDir, popcheck, readJson, readText, run, src, tempDir } from './lib/harness.mjs';

const browserDir = path.join(src, 'tests', 'browser');
const artifacts = path.join(process.env.POPCHECK_ARTIFACTS || path.join(path.dirname(bin), 'artifacts'), 'report_html');
fs.mkdirSync(artifacts, { recursive: true });
const work = tempDir();

test('chromium and playwright-core are there (installed when missing)', async () => {
  if (commandMissing('chromium')) {
    assert.equal(process.getuid(), 0, 'chromium is not installed and this test is not root: apt-get install -y chromium');
    console.log('installing Debian\'s chromium package');
    const r = await run('apt-get', ['install', '-y', 'chromium'], { env: { DEBIAN_FRONTEND: 'noninteractive' } });
    assert.equal(r.code, 0, r.text);
  }
  if (!fs.existsSync(path.join(browserDir, 'node_modules', 'playwright-core'))) {
    console.log('npm ci in tests/browser');
    const r = await run('npm', ['ci', '--no-audit', '--no-fund'], { cwd: browserDir });
    assert.equal(r.code, 0, r.text);
  }
});

// make_results.mjs on CATALOGUE into NAME.json; `popcheck report html` with coverage; then the page
// checked in the browser. Resolves the number of cases.
async function renderAndCheck(name, catalogue, title) {
  const results = path.join(work, `${name}.json`);
  const made = await run('node', [path.join(browserDir, 'make_results.mjs'), catalogue, results]);
  assert.equal(made.code, 0, made.text);
  const html = path.join(artifacts, `${name}.html`);
  const rendered = await popcheck(['report', 'html', results, '-o', html, '--cases', catalogue, '--title', title]);
  assert.equal(rendered.code, 0, rendered.text);
  // Credentials in the results never reach the page, whatever the browser shows.
  assert.ok(!/LTAIe2eFakeKeyId0001|e2eFakeSignatureValue/.test(readText(html)), 'the HTML report holds the fake credentials');
  const checked = await run('node', [path.join(browserDir, 'check_report.mjs'), html, results, path.join(artifacts, `${name}.png`)]);
  assert.equal(checked.code, 0, checked.text);
  return readJson(results).cases.length;
}

test('a small report with coverage against the seed catalogue', async () => {
  const seeds = path.join(work, 'seed-cases');
  copyDir(path.join(src, 'cases'), seeds);
  assert.ok(await renderAndCheck('small', seeds, 'popcheck e2e: seeds') > 0, 'no seed cases');
});

test('the whole catalogue: the big-report path opens and filters', async () => {
  const all = path.join(work, 'all-cases');
  const metadata = path.join(dataDir, 'metadata');
  const compiled = await popcheck(['compile', ...fs.readdirSync(metadata).filter((f) => f.endsWith('.json'))
    .map((f) => path.join(metadata, f)), '--out', all, '-q']);
  assert.equal(compiled.code, 0, compiled.text);
  const total = await renderAndCheck('big', all, 'popcheck e2e: whole catalogue');
  console.log(`whole catalogue: ${total} cases; screenshots in ${artifacts}`);
  assert.ok(total >= 10000, `the big report has only ${total} cases; it should have 10,000 or more`);
});
