// Unused fixtures (VCR's unused interactions): `popcheck proxy --mode replay --fail-on-unused` lists
// on stop the fixtures of the folder that no request was answered with, and exits 1 when there are
// any; GET /__popcheck/unused lists them while it runs. Recorded through the proxy from the
// emulator, then replayed with the emulator gone.
import assert from 'node:assert/strict';
import path from 'node:path';
import test from 'node:test';

import { getJson, request, startEmulator, startProxy, tempDir } from './lib/harness.mjs';

const tmp = tempDir();
const fixtures = path.join(tmp, 'fixtures');
const signed = 'Format=JSON&Version=2014-05-26&RegionId=cn-hangzhou&AccessKeyId=LTAIe2eUnusedKey01' +
  '&SignatureMethod=HMAC-SHA1&SignatureVersion=1.0&Timestamp=2026-12-07T10%3A00%3A00Z';
const call = (proxy, action, nonce) =>
  request(`${proxy.url}/?Action=${action}&${signed}&SignatureNonce=${nonce}&Signature=c2ln`);
const actions = ['DescribeRegions', 'DescribeZones', 'DescribeInstanceTypeFamilies'];

test('three calls recorded from the emulator', async () => {
  const emulator = await startEmulator();
  const recorder = await startProxy(['--mode', 'record', '--upstream', emulator.url, '--fixtures', fixtures]);
  for (const action of actions) {
    const r = await call(recorder, action, `rec-${action}`);
    assert.equal(r.status, 200, `${action}: ${r.body}`);
  }
  assert.equal(await recorder.stop(), 0);
  assert.equal(await emulator.stop(), 0);
});

test('--fail-on-unused: one call replayed, the two others listed and the exit status 1', async () => {
  const proxy = await startProxy(['--mode', 'replay', '--fixtures', fixtures, '--fail-on-unused']);
  assert.equal((await call(proxy, 'DescribeZones', 'n-1')).status, 200);
  const unused = await getJson(`${proxy.url}/__popcheck/unused`);
  assert.equal(unused.unused, 2);
  assert.deepEqual(unused.files.map((f) => f.split('/')[1]), ['DescribeInstanceTypeFamilies', 'DescribeRegions']);
  assert.equal(await proxy.stop(), 1);
  const err = proxy.err();
  assert.match(err, /2 fixture\(s\) of the folder were never replayed:/);
  for (const file of unused.files) assert.ok(err.includes(`  ${file}\n`), `${file} not listed: ${err}`);
  assert.ok(!err.includes('DescribeZones/'), err);
});

test('every fixture replayed: exit 0; without the flag unused fixtures are only counted', async () => {
  const all = await startProxy(['--mode', 'replay', '--fixtures', fixtures, '--fail-on-unused']);
  for (const action of actions) assert.equal((await call(all, action, `n-${action}`)).status, 200);
  assert.equal((await getJson(`${all.url}/__popcheck/unused`)).unused, 0);
  assert.equal(await all.stop(), 0);
  assert.doesNotMatch(all.err(), /never replayed/);

  const lenient = await startProxy(['--mode', 'replay', '--fixtures', fixtures]);
  assert.equal(await lenient.stop(), 0);
  assert.match(lenient.err(), /3 fixture\(s\) of the folder were never replayed \(--fail-on-unused lists them and fails\)/);
});
