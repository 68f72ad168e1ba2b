// The seed suite through each shipped SDK adapter (adapters/, docs/adapters.md) against `popcheck
// emulate` with signature checking: pop-core GET and POST, ecs20140526 V3 and v2, vpc20160428 V3.
// The emulator answers as the documents say, so every reported failure is the SDK's own behaviour
// (checked against a plain HTTP run of the same suite); lib/sdk_findings.mjs checks the counts and the
// findings of docs/protocol.md 4.2. The suite is cases/ plus an XML copy of every JSON error case
// (the seed pages document errors in JSON only). Then an emulator whose DetachDisk errors lack Code
// shows pop-core ignoring the HTTP status.
// Set SDK_FINDINGS=FILE to also write the Markdown summary that docs/sdk-findings.md shows.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import test from 'node:test';

import {
  ADMIN, copyDir, filesBelow, junitProblems, popcheck, readText, request, sdkDir, sdkMissing, src, startEmulator, tempDir,
} from './lib/harness.mjs';
import { checkDropCode, checkRuns, xmlErrors } from './lib/sdk_findings.mjs';

const tmp = tempDir();
const cases = path.join(tmp, 'cases');
const reports = path.join(tmp, 'reports');
const findings = process.env.SDK_FINDINGS;

// With no credentials in the environment, popcheck hands the adapters its documented dummy pair.
const dummyKey = 'popcheck-dummy-key-id=popcheck-dummy-key-secret';
const secretsIn = () => filesBelow(reports).filter((f) => /popcheck-dummy-key-(secret|id)/.test(readText(reports, f)));

// `popcheck run --sdk ADAPTER` of the suite against URL into reports/NAME, from the emulator's
// initial state. The SDKs' findings are failures: exit status 1. The JUnit validates like any other.
async function sdkRun(url, name, adapter, product, options, action) {
  const out = path.join(reports, name);
  fs.mkdirSync(out, { recursive: true });
  assert.equal((await request(`${url}/__popcheck/reset`, { method: 'POST', headers: ADMIN })).status, 200);
  const args = ['run', '--sdk', adapter, '--endpoint', url, '--cases', cases, '--report-dir', out, '-q'];
  if (product) args.push('--product', product);
  if (action) args.push('--action', action);
  for (const o of options) args.push('--sdk-option', o);
  const r = await popcheck(args, { env: { POPCHECK_SDK_MODULES: sdkDir } });
  assert.equal(r.code, 1, `${name}: ${r.text}`);
  assert.ok(fs.existsSync(path.join(out, 'results.json')), `${name}: no results.json`);
  assert.equal(await junitProblems(path.join(out, 'junit.xml')), '', `${name}: the JUnit does not validate`);
}

test('the seed suite through 5 SDK adapter configurations', { skip: sdkMissing('@alicloud/pop-core') }, async (t) => {
  copyDir(path.join(src, 'cases'), cases);
  assert.ok(xmlErrors(cases) > 0);
  const emulator = await startEmulator(['--verify-signature', '--key', dummyKey]);

  await t.test('the baseline: the same suite over plain HTTP', async () => {
    assert.equal((await request(`${emulator.url}/__popcheck/reset`, { method: 'POST', headers: ADMIN })).status, 200);
    const r = await popcheck(['run', '--endpoint', emulator.url, '--cases', cases, '--report-dir', path.join(reports, 'http'), '-q']);
    assert.ok(r.code <= 1 && fs.existsSync(path.join(reports, 'http', 'results.json')), r.text);
  });
  // The generated clients run their own product's cases.
  for (const [name, adapter, product, options] of [
    ['pop-core-get', 'pop-core', '', ['method=GET']],
    ['pop-core-post', 'pop-core', '', ['method=POST']],
    ['ecs20140526-v3', 'openapi', 'Ecs', ['signature=v3']],
    ['ecs20140526-v2', 'openapi', 'Ecs', ['signature=v2']],
    ['vpc20160428-v3', 'openapi', 'Vpc', ['signature=v3']],
  ]) {
    await t.test(name, () => sdkRun(emulator.url, name, adapter, product, options));
  }
  await t.test('each configuration shows what docs/protocol.md 4.2 says, and nothing beyond plain HTTP', () => {
    const { problems, markdown } = checkRuns(cases, reports);
    if (findings) fs.writeFileSync(findings, markdown);
    assert.deepEqual(problems, []);
  });
  await t.test('no key reached a report', () => assert.deepEqual(secretsIn(), []));
  await emulator.stop();

  await t.test('an error body without Code: pop-core returns success for a 4xx, openapi-core a code "undefined"', async () => {
    const deviant = await startEmulator(['--verify-signature', '--key', dummyKey, '--deviation', 'drop:DetachDisk:Code']);
    await sdkRun(deviant.url, 'dropcode-pop-core-get', 'pop-core', '', ['method=GET'], 'DetachDisk');
    await sdkRun(deviant.url, 'dropcode-ecs20140526-v3', 'openapi', 'Ecs', ['signature=v3'], 'DetachDisk');
    await deviant.stop();
    const { problems, markdown } = checkDropCode(cases, reports);
    if (findings) fs.appendFileSync(findings, markdown);
    assert.deepEqual(problems, []);
    assert.deepEqual(secretsIn(), []);
  });
});
