// popcheck's signer, verifier, normaliser and redaction cross-checked against the real Node SDKs:
// lib/sdk_signatures.cjs signs random parameter sets with @alicloud/openapi-core's and openapi-util's
// own helpers and captures whole requests that pop-core and openapi-core put on the wire; the
// protocol unit tests (SdkVectors.*) then recompute every signature and verify every request.
// SDK_SIGNATURES_SEED and SDK_SIGNATURES_COUNT reproduce or widen a run.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import test from 'node:test';
import { fileURLToPath } from 'node:url';

import { bin, readJson, run, sdkMissing, tempDir } from './lib/harness.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));

test('signatures, verification and normalisation agree with the SDKs', { skip: sdkMissing('@alicloud/openapi-core') }, async () => {
  const tests = process.env.POPCHECK_PROTOCOL_TESTS || path.join(path.dirname(bin), '..', 'core', 'popcheck_protocol_tests');
  assert.ok(fs.existsSync(tests), `popcheck_protocol_tests not found (${tests}): build the target or set POPCHECK_PROTOCOL_TESTS`);
  const tmp = tempDir();
  const seed = process.env.SDK_SIGNATURES_SEED || String(1 + Math.floor(Math.random() * 2 ** 30));
  const count = process.env.SDK_SIGNATURES_COUNT || '100';
  console.log(`seed ${seed}, ${count} vectors of each kind (rerun with SDK_SIGNATURES_SEED=${seed})`);
  const vectors = path.join(tmp, 'vectors.json');
  const made = await run('node', [path.join(here, 'lib', 'sdk_signatures.cjs'), vectors, seed, count]);
  assert.equal(made.code, 0, made.text);
  const result = path.join(tmp, 'result.json');
  const r = await run(tests, ['--gtest_filter=SdkVectors.*', `--gtest_output=json:${result}`],
    { env: { POPCHECK_SDK_VECTORS: vectors } });
  assert.equal(r.code, 0, r.text);
  // The file must actually be used: a skipped SdkVectors test would prove nothing.
  const ran = readJson(result).testsuites.flatMap((s) => s.testsuite).filter((t) => t.result === 'COMPLETED');
  assert.equal(ran.length, 3, `expected 3 SdkVectors tests to run, ran ${ran.length}`);
});
