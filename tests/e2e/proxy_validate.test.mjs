// The validating proxy (docs/validating-proxy.md): `popcheck proxy --mode passthrough --contracts` in
// front of the emulator. Deliberately non-conforming requests (an unknown parameter, a missing
// required one, a value outside an allowed set, InstanceId.2 without .1, a non-integer and an
// out-of-range Integer, a non-boolean, an over-long value, a version the action is not documented
// for, an unknown action) and conforming ones (V1 GET, V3 POST); GET /__popcheck/violations while it
// runs; on SIGTERM the JUnit, valid against the Ant schema, one case per exchange, each violation in
// its own case. No credential sent reaches the report or the log. Then real SDKs through it: the
// only request violation is the call that leaves out InstanceId on purpose.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import test from 'node:test';

import {
  admin, copyDir, dataDir, junitProblems, popcheck, readText, request, sdkMissing, src, startEmulator, startProxy,
  tempDir, xpath,
} from './lib/harness.mjs';
import { callThroughSdks, SDK_CALLS } from './lib/sdk_calls.mjs';

const tmp = tempDir();
const seeds = path.join(tmp, 'seeds');
const keyId = 'LTAIe2eValidateKey42';
const token = 'STS.e2eValidateToken42xyz';
let emulator;

test('contracts: the seed catalogue, and the ECS metadata for actions the emulator does not implement', async () => {
  copyDir(path.join(src, 'cases'), seeds);
  const r = await popcheck(['compile', path.join(dataDir, 'metadata', 'ecs-2014-05-26.json'), '--out', path.join(tmp, 'ecs'), '-q']);
  for (const f of [path.join(seeds, 'ecs', 'DeleteInstances.json'), path.join(seeds, 'vpc', 'TagResources.json'),
    path.join(tmp, 'ecs', 'ecs', 'DescribeInstances.json')]) {
    assert.ok(fs.existsSync(f), `no ${f}: ${r.text}`);
  }
  emulator = await startEmulator();
});

test('each deliberate violation is found by its check, the conforming exchanges pass', async (t) => {
  // Resources for the conforming calls, made directly on the emulator.
  const provisioned = await admin(emulator.url, 'POST', 'provision', {
    region: 'cn-hangzhou',
    needs: [{ var: 'i', resource: 'instance', with: { Status: 'Stopped' } }, { var: 'v', resource: 'vpc' }],
  });
  assert.equal(provisioned.status, 200, provisioned.body);
  const { i: instance, v: vpc } = JSON.parse(provisioned.body).vars;
  const report = path.join(tmp, 'out', 'junit.xml');
  // The seeds come first: for an action both describe, the first --contracts folder wins.
  const proxy = await startProxy(['--mode', 'passthrough', '--upstream', emulator.url, '--fixtures', path.join(tmp, 'fixtures'),
    '--contracts', seeds, '--contracts', path.join(tmp, 'ecs'), '--contracts-report', report]);
  const signed = `AccessKeyId=${keyId}&SecurityToken=${token}&SignatureMethod=HMAC-SHA1&SignatureVersion=1.0` +
    '&SignatureNonce=n-1&Timestamp=2026-11-23T10%3A00%3A00Z&Signature=c2lnZTJlVmFsaWRhdGU%3D';
  const call = (query) => request(`${proxy.url}/?${signed}&${query}`);
  const ecs = 'Version=2014-05-26&Format=JSON&RegionId=cn-hangzhou';
  const ess = 'Version=2014-08-28&ScalingGroupId=asg-1';
  // [case id, check, path, query]: ids count the exchanges of one action in arrival order.
  const cases = [
    ['DeleteInstances#1', 'unknown-parameter', 'Colour', `Action=DeleteInstances&${ecs}&InstanceId.1=i&Colour=red`],
    ['DetachDisk#1', 'missing-required', 'DiskId', `Action=DetachDisk&${ecs}&InstanceId=i-x`],
    ['RemoveTags#1', 'allowed-values', 'ResourceType', `Action=RemoveTags&${ecs}&ResourceId=d&ResourceType=bucket`],
    ['RemoveInstances#1', 'repeat-numbering', 'InstanceId.N', `Action=RemoveInstances&${ess}&InstanceId.2=i-2`],
    ['DescribeInstances#1', 'type', 'PageSize', `Action=DescribeInstances&${ecs}&PageSize=ten`],
    ['DescribeInstances#2', 'range', 'PageSize', `Action=DescribeInstances&${ecs}&PageSize=500`],
    ['DeleteInstances#2', 'type', 'Force', `Action=DeleteInstances&${ecs}&InstanceId.1=i-x&Force=yes`],
    ['DeleteInstances#3', 'length', 'ClientToken', `Action=DeleteInstances&${ecs}&InstanceId.1=i&ClientToken=${'c'.repeat(65)}`],
    ['RemoveInstances#2', 'unknown-action', 'Version', 'Action=RemoveInstances&Version=2014-05-26&Force=1'],
    ['LaunchRocket#1', 'unknown-action', 'Action', `Action=LaunchRocket&${ecs}`],
  ];
  for (const [id, , , query] of cases) {
    const r = await call(query);
    assert.ok(r.status >= 100 && r.status < 600, `${id}: no answer through the proxy`);
  }
  // Conforming: a V1 GET on a provisioned instance, and a V3 POST (Action and Version in x-acs-*
  // headers, no Format) on a provisioned VPC.
  assert.equal((await call(`Action=DeleteInstances&${ecs}&InstanceId.1=${instance}&Force=true`)).status, 200);
  const v3 = await request(`${proxy.url}/?RegionId=cn-hangzhou&ResourceType=VPC&ResourceId.1=${vpc}&Tag.1.Key=team&Tag.1.Value=a`, {
    method: 'POST',
    headers: {
      'x-acs-action': 'TagResources', 'x-acs-version': '2016-04-28', 'x-acs-security-token': token,
      Authorization: `ACS3-HMAC-SHA256 Credential=${keyId},SignedHeaders=host,Signature=abcdef`,
    },
  });
  assert.equal(v3.status, 200, v3.body);

  const live = await request(`${proxy.url}/__popcheck/violations`);
  await t.test('GET /__popcheck/violations while running', () => {
    assert.equal(live.status, 200);
    for (const [id, check] of cases) {
      assert.match(live.body, new RegExp(`"case": *"${id}"`), `lacks ${id}`);
      assert.match(live.body, new RegExp(`"check": *"${check}"`), `lacks ${check}`);
    }
    assert.ok(!live.body.includes('"DeleteInstances#4"'), 'the conforming DeleteInstances#4 has violations');
    assert.ok(!live.body.includes('"TagResources#1"'), 'the conforming TagResources#1 has violations');
  });
  const code = await proxy.stop();
  await t.test('on SIGTERM: exit 1 (violations) and a JUnit valid against the Ant schema', async () => {
    assert.equal(code, 1, proxy.err());
    assert.equal(await junitProblems(report), '');
  });
  await t.test('each violation in its own case, the conforming ones passed, nothing else', async () => {
    for (const [id, check, at] of cases) {
      const text = await xpath(report, `string(//testcase[@name='${id}']/failure)`);
      assert.ok(text.includes(`${check} at ${at}:`), `${id}: no '${check} at ${at}' in '${text}'`);
    }
    for (const id of ['DeleteInstances#4', 'TagResources#1']) {
      assert.equal(await xpath(report, `count(//testcase[@name='${id}'])`), '1', `the conforming ${id} is not in the report`);
      assert.equal(await xpath(report, `count(//testcase[@name='${id}']/failure)`), '0', `the conforming ${id} failed`);
    }
    assert.equal(Number(await xpath(report, 'count(//testcase)')), cases.length + 2);
  });
  await t.test('one stderr line per violating exchange; no credential in the report, the log or the API', () => {
    assert.match(proxy.err() + proxy.out(), /unknown-parameter at Colour/);
    for (const secret of [keyId, token, 'c2lnZTJlVmFsaWRhdGU']) {
      assert.ok(!readText(report).includes(secret), `${secret} leaked into the report`);
      assert.ok(!(proxy.err() + proxy.out()).includes(secret), `${secret} leaked into the log`);
      assert.ok(!live.body.includes(secret), `${secret} leaked into /__popcheck/violations`);
    }
  });
});

test('real SDKs through the validating proxy: only the deliberate request violation', { skip: sdkMissing('@alicloud/pop-core') },
  async () => {
    const report = path.join(tmp, 'out', 'sdk.xml');
    const proxy = await startProxy(['--mode', 'passthrough', '--upstream', emulator.url, '--fixtures', path.join(tmp, 'fixtures'),
      '--contracts', seeds, '--contracts-report', report]);
    await callThroughSdks(proxy.url.slice(7), keyId, 'dummySecretE2e42', token);
    await proxy.stop();
    assert.equal(await junitProblems(report), '');
    const n = Number(await xpath(report, 'count(//testcase)'));
    assert.ok(n >= SDK_CALLS, `${n} SDK exchanges in the report, expected ${SDK_CALLS}`);
    const requestChecks = /^(unknown-parameter|missing-required|repeat-numbering|type|allowed-values|range|length|forbidden-prefix|forbidden-substring|pattern|unknown-action) /;
    const found = [];
    for (let i = 1; i <= n; i++) {
      const name = await xpath(report, `string((//testcase)[${i}]/@name)`);
      const text = await xpath(report, `string((//testcase)[${i}]/failure)`);
      for (const line of text.split('\n')) if (requestChecks.test(line)) found.push(`${name}: ${line}`);
    }
    assert.deepEqual(found, ['DeleteInstances#2: missing-required at InstanceId.N: expected InstanceId.N (required), actual absent']);
    const text = readText(report);
    for (const secret of [keyId, token, 'dummySecretE2e42']) assert.ok(!text.includes(secret), `${secret} leaked into the report`);
  });

test('the emulator stops cleanly', async () => {
  assert.equal(await emulator.stop(), 0);
});
