// The whole shared metadata (ECS, VPC, ESS and the 45 product-versions of ../shared/metadata/catalogue:
// 3,605 APIs, about 43,000 cases) compiled and run against the embedded emulator: at least 99% of the
// cases pass, and the ones that do not are exactly those of the register docs/emulator-register.json,
// each with its reason (docs/emulator-register.md). A case that starts failing shows up as a new entry
// and fails this test; one that starts passing must leave the register.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import test from 'node:test';

import { bin, needsShared, readJson, run, src, tempDir } from './lib/harness.mjs';

const shared = needsShared('emulator_catalogue');
const tmp = tempDir();

test('the whole shared metadata against the embedded emulator: failures exactly as registered', async () => {
  assert.ok(fs.existsSync(path.join(shared, 'metadata', 'catalogue')), 'the shared folder has no metadata/catalogue');
  // The emulator's documented dummy credentials, whatever the environment holds.
  const env = { POPCHECK: bin, POPCHECK_SHARED: shared, JOBS: '4' };
  for (const k of ['ALIBABA_CLOUD_ACCESS_KEY_ID', 'ALIBABA_CLOUD_ACCESS_KEY_SECRET',
    'ALIBABA_CLOUD_SECURITY_TOKEN', 'ALIBABA_CLOUD_PROFILE']) env[k] = undefined;
  const reports = path.join(tmp, 'reports');
  const r = await run('bash', [path.join(src, 'scripts', 'emulator-catalogue.sh'), reports], { env });
  assert.equal(r.code, 0, `the failures differ from docs/emulator-register.json:\n${r.text}`);

  // The run itself: every product-version of the 48 files that has APIs (cas-2018-07-13 has none),
  // counted from the files independently, and the 99% the register allows at most.
  const meta = path.join(shared, 'metadata');
  const jsonIn = (dir) => fs.readdirSync(dir).filter((f) => f.endsWith('.json')).map((f) => path.join(dir, f));
  const files = [...jsonIn(meta), ...jsonIn(path.join(meta, 'catalogue'))];
  const want = files.filter((f) => Object.keys(readJson(f).apis || {}).length > 0).length;
  const results = readJson(reports, 'results.json');
  const products = new Set(results.cases.map((c) => `${c.product}:${c.version}`));
  const passed = results.cases.filter((c) => c.status === 'passed').length;
  console.log(`${files.length} files, ${want} with APIs; ${products.size} product-versions run, ` +
    `${results.cases.length} cases, ${passed} passed`);
  assert.ok(files.length >= 48, 'fewer than 48 metadata files');
  assert.equal(products.size, want, 'not every product-version with APIs ran');
  assert.ok(passed >= 0.99 * results.cases.length, 'under 99% passed');
});
