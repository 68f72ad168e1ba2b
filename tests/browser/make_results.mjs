// Writes a synthetic popcheck results.json (the format of reports/reports.hpp render_json) for every
// case of a compiled catalogue, so that the HTML report can be tested at the size of a real run without
// running one. Statuses are spread deterministically over the cases (a hash of the id), failures carry
// expected against actual, and requests carry fake credentials that the report must remove.
//
// usage: node make_results.mjs CATALOGUE_DIR OUT.json
import fs from 'node:fs';
import path from 'node:path';

const [catalogueDir, outFile] = process.argv.slice(2);
if (!catalogueDir || !outFile) {
  console.error('usage: node make_results.mjs CATALOGUE_DIR OUT.json');
  process.exit(2);
}

// The fake credentials: tests/e2e/report_html.test.mjs checks that the HTML holds neither.
const FAKE_KEY_ID = 'LTAIe2eFakeKeyId0001';
const FAKE_SIGNATURE = 'e2eFakeSignatureValue';

function walk(dir, out) {
  for (const name of fs.readdirSync(dir).sort()) {
    const p = path.join(dir, name);
    if (fs.statSync(p).isDirectory()) walk(p, out);
    else if (name.endsWith('.json')) out.push(p);
  }
  return out;
}

function hash(text) {
  let h = 2166136261;
  for (let i = 0; i < text.length; ++i) { h ^= text.charCodeAt(i); h = Math.imul(h, 16777619); }
  return h >>> 0;
}

const cases = [];
for (const file of walk(catalogueDir, [])) {
  const entry = JSON.parse(fs.readFileSync(file, 'utf8'));
  for (const c of entry.cases) cases.push({c, contract: entry.contract});
}
// The runner's order: sorted by id (code unit order, as std::string compares).
cases.sort((a, b) => (a.c.id < b.c.id ? -1 : a.c.id > b.c.id ? 1 : 0));

const summary = {passed: 0, failed: 0, skipped: 0, errors: 0, total: 0, duration: 0};
const out = [];
let index = 0;
for (const {c} of cases) {
  const bucket = hash(c.id) % 20;
  const status = bucket < 13 ? 'passed' : bucket < 17 ? 'failed' : bucket < 19 ? 'skipped' : 'error';
  const duration = Math.round((0.005 + (hash(c.id + 'd') % 900) / 1000) * 1000) / 1000;
  const r = {id: c.id, product: c.product, version: c.version, action: c.action, kind: c.kind, status,
    duration, failures: [], checks: []};
  summary.duration += duration;
  summary.total += 1;
  if (status === 'error') summary.errors += 1; else summary[status] += 1;
  const expectsError = c.kind !== 'example';
  const code = c.expect && c.expect.code;
  if (status === 'skipped') {
    r.skip_reason = 'needs ' + (c.needs && c.needs.length ? c.needs[0].description || c.needs[0].resource
      : 'a resource the endpoint could not provide');
  } else {
    r.checks = ['status', 'content-type', 'parse', 'shape'];
    if (code) r.checks.push('code');
    r.checks.push('request-id');
    if (status === 'failed') {
      if (code) r.failures.push({check: 'code', expected: code, actual: 'Popcheck.Unexpected', path: ''});
      else r.failures.push({check: 'shape', expected: 'string', actual: 'integer',
        path: 'Items.Item[0].' + (c.action || 'Id')});
    }
  }
  if (status !== 'skipped') {
    const params = c.request.params || {};
    const query = (Array.isArray(params) ? params : Object.entries(params))
      .map(([k, v]) => encodeURIComponent(k) + '=' + encodeURIComponent(String(v))).join('&');
    r.request = {method: c.request.method || 'GET',
      url: 'http://127.0.0.1:8080/?' + query + '&AccessKeyId=' + FAKE_KEY_ID + '&Signature=' + FAKE_SIGNATURE,
      headers: [['Host', '127.0.0.1:8080'], ['x-acs-action', c.action]], body: ''};
  }
  if (status === 'error') r.error = 'connection reset by peer after 2 retries';
  if (status === 'passed' || status === 'failed') {
    const requestId = [hash(c.id).toString(16).padStart(8, '0'), '0000', '4000', '8000',
      '000000000000'].join('-').toUpperCase();
    let body = expectsError
      ? {RequestId: requestId, HostId: 'ecs.aliyuncs.com', Code: status === 'failed' ? 'Popcheck.Unexpected' : (code || 'InvalidParameter'),
        Message: 'The specified parameter is not valid.'}
      : {RequestId: requestId};
    // One body that tries to break out of the report's data block.
    if (index === 0) body.Note = '</script><script>throw new Error("escaped")</script><!-- \u2028 \u2029';
    r.response = {status: expectsError ? 400 : 200,
      headers: [['Content-Type', 'application/json;charset=utf-8']], body: JSON.stringify(body)};
  }
  out.push(r);
  ++index;
}
summary.duration = Math.round(summary.duration * 1000) / 1000;
const doc = {summary, endpoint: 'http://127.0.0.1:8080', timestamp: '2026-11-23T12:00:00', cases: out};
fs.writeFileSync(outFile, JSON.stringify(doc, null, 1) + '\n');
console.log(`wrote ${outFile}: ${summary.total} cases (${summary.passed} passed, ${summary.failed} failed, ` +
  `${summary.skipped} skipped, ${summary.errors} errors)`);
