// What the SDK adapter runs show (tests/e2e/sdk_adapters.test.mjs), checked against the behaviours
// of docs/protocol.md 4.2, derived from the cases themselves (never from a list of ids):
//   xmlErrors(CASES_DIR)   adds to every catalogue file an XML copy of each JSON error case (id +
//                          ".xml", Format=XML, root Error);
//   checkRuns(CASES_DIR, REPORTS_DIR)   each configuration's results.json against the expected
//                          behaviours; {problems, markdown}, the Markdown that docs/sdk-findings.md shows;
//   checkDropCode(CASES_DIR, REPORTS_DIR)   the runs against an emulator whose DetachDisk errors lack
//                          Code; {problems, markdown}.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';

import { readJson } from './harness.mjs';

const show = (v) => JSON.stringify(v);

function catalogueFiles(dir) {
  const out = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...catalogueFiles(p));
    else if (e.name.endsWith('.json')) out.push(p);
  }
  return out.sort();
}

function expectsError(c) {
  return c.expect.status >= 400 || !!c.expect.code;
}

export function xmlErrors(dir) {
  let added = 0;
  for (const file of catalogueFiles(dir)) {
    const entry = JSON.parse(fs.readFileSync(file, 'utf8'));
    const copies = [];
    for (const c of entry.cases) {
      if (c.kind !== 'error' || String(c.request.format).toUpperCase() !== 'JSON') continue;
      const x = JSON.parse(JSON.stringify(c));
      x.id = `${c.id}.xml`;
      x.description = `${c.description || ''} (XML copy of the JSON error case)`.trim();
      x.request.format = 'XML';
      x.expect.root = 'Error';
      copies.push(x);
    }
    entry.cases.push(...copies);
    added += copies.length;
    fs.writeFileSync(file, JSON.stringify(entry, null, 1));
  }
  assert.ok(added > 0, 'the seed suite has no JSON error case to copy');
  return added;
}

function loadCases(dir) {
  const cases = new Map();
  for (const file of catalogueFiles(dir))
    for (const c of JSON.parse(fs.readFileSync(file, 'utf8')).cases) cases.set(c.id, c);
  return cases;
}

// What each configuration is expected to show, by case category.
//   xmlSuccess: "parse"  -> sdk-outcome fails with "SDK failed to parse the XML success body"
//   xmlError:   "parse"  -> sdk-outcome fails with "SDK failed to parse the XML error body"
//               "parsed" -> no sdk-outcome failure (the V3 path reads <Error> with the exact type)
const CONFIGS = {
  'pop-core-get': { sdk: '@alicloud/pop-core, GET', xmlError: 'parse', products: null },
  'pop-core-post': { sdk: '@alicloud/pop-core, POST form', xmlError: 'parse', products: null },
  'ecs20140526-v3': { sdk: '@alicloud/ecs20140526, V3 (default)', xmlError: 'parsed',
    products: ['ecs'] },
  'ecs20140526-v2': { sdk: "@alicloud/ecs20140526, signatureAlgorithm 'v2'", xmlError: 'parse',
    products: ['ecs'] },
  'vpc20160428-v3': { sdk: '@alicloud/vpc20160428, V3 (default)', xmlError: 'parsed',
    products: ['vpc'] },
};

function category(c) {
  const xml = String(c.request.format).toUpperCase() === 'XML';
  if (expectsError(c)) return xml ? 'xml-error' : 'json-error';
  return xml ? 'xml-success' : 'json-success';
}

export function checkRuns(casesDir, reportsDir) {
  const cases = loadCases(casesDir);
  const baseline = new Map();
  for (const r of readJson(reportsDir, 'http', 'results.json').cases)
    baseline.set(r.id, r.status);
  const md = [];
  const problems = [];
  const problem = (msg) => problems.push(msg);
  for (const [name, cfg] of Object.entries(CONFIGS)) {
    const results = readJson(reportsDir, name, 'results.json');
    const rs = results.cases;
    const want = [...cases.values()].filter((c) => !cfg.products ||
      cfg.products.includes(String(c.product).toLowerCase()));
    if (rs.length !== want.length)
      problem(`${name}: ${rs.length} case results for ${want.length} selected cases`);
    const s = results.summary;
    if (s.passed + s.failed + s.skipped + (s.errors || 0) !== rs.length)
      problem(`${name}: summary ${JSON.stringify(s)} does not add up to ${rs.length}`);
    const stats = {};
    const findings = new Map();  // "check: actual (normalised)" -> count
    for (const r of rs) {
      const c = cases.get(r.id);
      if (!c) { problem(`${name}: result for unknown case ${r.id}`); continue; }
      const cat = category(c);
      stats[cat] = stats[cat] || { total: 0, passed: 0, failed: 0, skipped: 0, error: 0 };
      stats[cat].total++;
      stats[cat][r.status === 'errors' ? 'error' : r.status] =
        (stats[cat][r.status === 'errors' ? 'error' : r.status] || 0) + 1;
      // The emulator provisions every need: nothing is skipped, and the adapter never fails.
      if (r.status === 'skipped') problem(`${name}: ${r.id} skipped: ${r.skip_reason || ''}`);
      if (r.status === 'error') problem(`${name}: ${r.id} error: ${r.error || ''}`);
      const failures = r.failures || [];
      const outcome = failures.find((f) => f.check === 'sdk-outcome');
      for (const f of failures) {
        const actual = String(f.actual).replace(/[0-9A-F]{8}-[0-9A-F-]{27}/g, '<RequestId>')
          .replace(/'[^']*'/g, "'…'").replace(/127\.0\.0\.1:\d+/g, '127.0.0.1:PORT')
          .slice(0, 140);
        const key = `${f.check}: ${actual}`;
        findings.set(key, (findings.get(key) || 0) + 1);
      }
      // Beyond the SDK's parse behaviour, an SDK run may only repeat what plain HTTP finds.
      const parseFinding = outcome && outcome.actual.startsWith('SDK failed to parse the XML');
      if (failures.length && !parseFinding && baseline.get(r.id) === 'passed')
        problem(`${name}: ${r.id} passes over HTTP but fails through the SDK: ${show(failures)}`);
      if (cat === 'xml-success') {
        if (!outcome || !outcome.actual.startsWith('SDK failed to parse the XML success body'))
          problem(`${name}: ${r.id}: expected an XML success parse failure, got ${show(failures)}`);
      } else if (cat === 'xml-error') {
        if (cfg.xmlError === 'parse') {
          if (!outcome || !outcome.actual.startsWith('SDK failed to parse the XML error body'))
            problem(`${name}: ${r.id}: expected an XML error parse failure, got ${show(failures)}`);
        } else if (outcome) {
          problem(`${name}: ${r.id}: the V3 path should parse the XML error: ${outcome.actual}`);
        }
      } else if (cat === 'json-error') {
        // Every error body of the emulator carries Code, so every SDK rejects (pop-core included,
        // although it ignores the status).
        if (outcome) problem(`${name}: ${r.id}: the SDK should reject: ${outcome.actual}`);
      } else if (outcome) {
        problem(`${name}: ${r.id}: a JSON success should be a success: ${outcome.actual}`);
      }
    }
    if (stats['xml-success'] === undefined || stats['xml-error'] === undefined)
      problem(`${name}: the suite lacks XML success or XML error cases`);

    md.push(`### ${cfg.sdk} (\`${name}\`)`, '');
    md.push(`${s.passed} passed, ${s.failed} failed, ${s.skipped} skipped of ${rs.length} cases.`,
      '');
    md.push('| cases | total | passed | failed |', '|---|---|---|---|');
    for (const cat of ['json-success', 'json-error', 'xml-success', 'xml-error'])
      if (stats[cat]) {
        const t = stats[cat];
        md.push(`| ${cat} | ${t.total} | ${t.passed || 0} | ${t.failed || 0} |`);
      }
    md.push('', '| finding (check: what the SDK did) | cases |', '|---|---|');
    for (const [k, n] of [...findings.entries()].sort((a, b) => b[1] - a[1]))
      md.push(`| ${k.replace(/\|/g, '\\|')} | ${n} |`);
    md.push('');
    console.log(`${name}: ${s.passed} passed, ${s.failed} failed, ${s.skipped} skipped`);
  }
  return { problems, markdown: md.join('\n') + '\n' };
}

// The emulator's DetachDisk error bodies lack Code (--deviation drop:DetachDisk:Code).
export function checkDropCode(casesDir, reportsDir) {
  const cases = loadCases(casesDir);
  const problems = [];
  const problem = (msg) => problems.push(msg);
  const md = [
    '### An error body without Code (`popcheck emulate --deviation drop:DetachDisk:Code`)', '',
    '| SDK | JSON error cases | finding | cases |', '|---|---|---|---|'];
  const expectations = {
    'dropcode-pop-core-get': { check: 'sdk-outcome',
      re: /^SDK returned success for an HTTP 4\d\d response$/,
      sdk: '@alicloud/pop-core, GET' },
    // openapi-core throws ClientError with code "undefined" (a template string of a missing key).
    'dropcode-ecs20140526-v3': { check: 'sdk-code',
      re: /^SDK surfaced the text "undefined" as the error Code$/,
      sdk: '@alicloud/ecs20140526, V3' },
  };
  for (const [name, want] of Object.entries(expectations)) {
    const rs = readJson(reportsDir, name, 'results.json').cases;
    let jsonErrors = 0, hits = 0;
    for (const r of rs) {
      const c = cases.get(r.id);
      if (!c || c.action !== 'DetachDisk') {
        problem(`${name}: unexpected case ${r.id}`);
        continue;
      }
      if (category(c) !== 'json-error') continue;
      jsonErrors++;
      const f = (r.failures || []).find((x) => x.check === want.check && want.re.test(x.actual));
      if (f) hits++;
      else problem(`${name}: ${r.id}: expected ${want.check} ${want.re}, got ${show(r.failures)}`);
    }
    if (jsonErrors === 0) problem(`${name}: no DetachDisk JSON error case ran`);
    const finding = String(want.re).slice(2, -2).replace(/\\d/g, 'x');
    md.push(`| ${want.sdk} | ${jsonErrors} | ${want.check}: ${finding} | ${hits} |`);
    console.log(`${name}: ${hits}/${jsonErrors} JSON error cases show ${want.check}`);
  }
  return { problems, markdown: md.join('\n') + '\n' };
}
