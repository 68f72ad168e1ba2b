// Cases from recordings (issue 6, docs/parity.md): a scenario recorded through the proxy against the
// emulator, snapshot cases derived from it, and run against the emulator restored to the recorded
// state:
//  1. unchanged emulator: every case passes;
//  2. one injected deviation: exactly the case of that exchange fails, through the snapshot check,
//     and the reports show its path, expected and actual values;
//  3. the deviation registered as a skip path: everything passes and one parity gap is counted;
//  4. deriving again keeps the skip list; --contracts takes the compiled seed contracts; a corrupt
//     fixture is named, the others still derive, and the command exits 2.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import test from 'node:test';

import {
  admin, copyDir, jsonFilesBelow, popcheck, readJson, readText, request, src, startEmulator, startProxy, tempDir,
} from './lib/harness.mjs';

const tmp = tempDir();
const fixtures = path.join(tmp, 'recordings', 'seed-scenario');
const cases = path.join(tmp, 'cases');
let state;
let calls;

test('a scenario is provisioned, recorded through the proxy and derived into snapshot cases', async (t) => {
  const emulator = await startEmulator();
  const provisioned = await admin(emulator.url, 'POST', 'provision', {
    region: 'cn-hangzhou',
    needs: [
      { var: 'tagged', resource: 'instance', with: { Tags: { team: 'parity', env: 'test' } } },
      { var: 'doomed', resource: 'instance', with: { Status: 'Stopped' } },
      { var: 'disk', resource: 'disk', with: { InstanceId: '${tagged}', Type: 'data', Portable: true } },
      { var: 'vpc', resource: 'vpc' },
      { var: 'group', resource: 'scalinggroup', with: { MinSize: 0 } },
      { var: 'member', resource: 'scalinginstance', with: { ScalingGroupId: '${group}', CreationType: 'Attached' } },
    ],
  });
  assert.equal(provisioned.status, 200, provisioned.body);
  const v = JSON.parse(provisioned.body).vars;
  state = (await request(`${emulator.url}/__popcheck/state`)).body;

  // Successes and errors of the five seed APIs and one API the emulator answers from its contract,
  // in JSON and XML.
  const proxy = await startProxy(['--mode', 'record', '--upstream', emulator.url, '--fixtures', fixtures]);
  const ecs = 'Version=2014-05-26&RegionId=cn-hangzhou';
  calls = [
    `Action=RemoveTags&${ecs}&ResourceType=instance&ResourceId=${v.tagged}&Tag.1.Key=env`,
    `Action=RemoveTags&${ecs}&ResourceType=instance&ResourceId=i-neverexisted1&Tag.1.Key=env`,
    `Action=DetachDisk&${ecs}&InstanceId=${v.tagged}&DiskId=${v.disk}`,
    `Action=DetachDisk&${ecs}&InstanceId=${v.tagged}&DiskId=${v.disk}&Format=XML`,
    `Action=TagResources&Version=2016-04-28&RegionId=cn-hangzhou&ResourceType=VPC&ResourceId.1=${v.vpc}&Tag.1.Key=k&Tag.1.Value=v`,
    `Action=RemoveInstances&Version=2014-08-28&RegionId=cn-hangzhou&ScalingGroupId=${v.group}&InstanceId.1=${v.member}`,
    `Action=RemoveInstances&Version=2014-08-28&RegionId=cn-hangzhou&ScalingGroupId=asg-missing1&InstanceId.1=${v.member}`,
    `Action=DeleteInstances&${ecs}&InstanceId.1=${v.doomed}&Force=true`,
    `Action=DeleteInstances&${ecs}&InstanceId.1=${v.doomed}&Force=true&Format=XML`,
    'Action=DescribeRegions&Version=2014-05-26',
  ];
  const statuses = [];
  for (const q of calls) statuses.push((await request(`${proxy.url}/?${q}`)).status);
  await proxy.stop();
  await emulator.stop();

  await t.test('one fixture per exchange, successes and errors among them', () => {
    assert.equal(jsonFilesBelow(fixtures).length, calls.length);
    const ok = statuses.filter((s) => s === 200).length;
    assert.ok(ok >= 4 && calls.length - ok >= 4, `expected successes and errors, got ${statuses}`);
  });
  await t.test('one recorded case per exchange, of the scenario, with no credential', async () => {
    const r = await popcheck(['cases', 'from-fixtures', fixtures, '--out', cases]);
    assert.equal(r.code, 0, r.text);
    let derived = 0;
    for (const f of jsonFilesBelow(cases)) {
      for (const c of readJson(cases, f).cases) {
        assert.equal(c.kind, 'recorded', c.id);
        assert.equal(c.scenario, 'seed-scenario', c.id);
        derived++;
      }
      assert.ok(!/popcheck-dummy|Signature/.test(readText(cases, f)), `${f} holds credentials`);
    }
    assert.equal(derived, calls.length);
  });
});

// A fresh emulator restored to the saved state (PUT state), with DEVIATION when one is given; the
// derived cases run against it into DIR. Resolves the run's result.
async function runAgainst(deviation, dir) {
  const emulator = await startEmulator(deviation ? ['--deviation', deviation] : []);
  const restored = await admin(emulator.url, 'PUT', 'state', state);
  assert.equal(restored.status, 200, `could not restore the state: ${restored.body}`);
  const r = await popcheck(['run', '--endpoint', emulator.url, '--cases', cases, '--report-dir', dir, '-j', '4']);
  await emulator.stop();
  return r;
}

test('against the unchanged emulator every derived case passes', async () => {
  const dir = path.join(tmp, 'r-plain');
  const r = await runAgainst('', dir);
  assert.equal(r.code, 0, r.text);
  assert.equal(readJson(dir, 'results.json').summary.passed, calls.length);
});

let failedId;
test('one injected deviation fails exactly its case, through the snapshot check, readably', async () => {
  const dir = path.join(tmp, 'r-dev');
  const r = await runAgainst('drop:RemoveInstances:ScalingActivityId', dir);
  assert.equal(r.code, 1, r.text);
  const failed = readJson(dir, 'results.json').cases.filter((c) => c.status !== 'passed');
  assert.deepEqual(failed.map((c) => c.action), ['RemoveInstances'], failed.map((c) => c.id).join(' '));
  const [c] = failed;
  assert.deepEqual(c.failures.map((f) => f.check), ['snapshot']);
  const [f] = c.failures;
  assert.equal(f.path, 'ScalingActivityId');
  assert.ok(f.expected.startsWith('"<scaling-activity-id:'), f.expected);
  assert.equal(f.actual, 'missing');
  assert.match(readText(dir, 'junit.xml'),
    /snapshot at ScalingActivityId: expected "&lt;scaling-activity-id:[0-9]*&gt;", actual missing/);
  failedId = c.id;
});

test('the deviation registered as a skip path: the case passes and one parity gap is counted', async () => {
  assert.ok(failedId, 'no failed case to register');
  for (const f of jsonFilesBelow(cases)) {
    const doc = readJson(cases, f);
    const c = doc.cases.find((k) => k.id === failedId);
    if (!c) continue;
    c.expect.skip = ['ScalingActivityId'];
    fs.writeFileSync(path.join(cases, f), JSON.stringify(doc, null, 2));
  }
  const dir = path.join(tmp, 'r-gap');
  const r = await runAgainst('drop:RemoveInstances:ScalingActivityId', dir);
  assert.equal(r.code, 0, r.text);
  assert.equal(readJson(dir, 'results.json').summary.parity_gaps, 1);
  assert.match(r.stdout, /1 parity gap/, 'the summary line does not count the parity gap');
  assert.ok(readText(dir, 'junit.xml').includes('name="parity_gaps" value="1"'), 'the JUnit suite does not carry the gap');
});

test('deriving again into the same folder keeps the skip list', async () => {
  const r = await popcheck(['cases', 'from-fixtures', fixtures, '--out', cases]);
  assert.equal(r.code, 0, r.text);
  assert.match(r.stdout + r.stderr, /kept 1 skip list/);
  const ess = jsonFilesBelow(path.join(cases, 'ess')).map((f) => readText(cases, 'ess', f)).join('\n');
  assert.ok(ess.includes('"ScalingActivityId"'), 'the skip path is gone from the case file');
});

test('--contracts: the compiled seed contracts for the actions they cover, a minimal one otherwise', async () => {
  const out = path.join(tmp, 'with-contracts');
  const r = await popcheck(['cases', 'from-fixtures', fixtures, '--out', out, '--contracts', path.join(src, 'cases')]);
  assert.equal(r.code, 0, r.text);
  assert.ok(readJson(out, 'ecs', 'DetachDisk.json').contract.params.length > 0, 'DetachDisk lacks its documented contract');
  assert.equal(readJson(out, 'ecs', 'DescribeRegions.json').contract.params.length, 0, 'DescribeRegions should be minimal');
});

test('a corrupt fixture is named, the others still derive, exit 2', async () => {
  const corrupt = path.join(tmp, 'corrupt');
  copyDir(fixtures, corrupt);
  fs.writeFileSync(path.join(corrupt, 'ecs', 'DetachDisk', '000099-deadbeef.json'), '{"popcheck_fixture": 1, "product": \n');
  const out = path.join(tmp, 'corrupt-cases');
  const r = await popcheck(['cases', 'from-fixtures', corrupt, '--out', out]);
  assert.equal(r.code, 2, r.text);
  assert.match(r.stdout + r.stderr, /000099-deadbeef\.json/);
  assert.ok(fs.existsSync(path.join(out, 'ess', 'RemoveInstances.json')), 'the other fixtures were not derived');
});
