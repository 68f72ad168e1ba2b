// Fault injection through the proxy (`--fault`, PUT /__popcheck/faults; proxy/README.md):
//  - bad --fault flags exit 2 naming the flag and the bad part;
//  - injected errors in JSON and XML with the exact Content-Types and x-acs-retry-after, never
//    forwarded nor recorded; reset and truncate wrap a real, recorded exchange; faults apply in
//    replay mode too; with --contracts the answers to injected errors are not validated;
//  - real SDKs meet them: @alicloud/ecs20140526 retries Throttling.User with retryOptions and gives
//    up without, its readTimeout fires on latency, reset and truncate fail in transport;
//  - the same seed gives the same injections, request by request.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import test from 'node:test';

import {
  ADMIN, admin, dataDir, getJson, jsonFilesBelow, popcheck, readText, request, requireSdk, sdkMissing, startEmulator,
  startProxy, tempDir, xpath,
} from './lib/harness.mjs';

const tmp = tempDir();
const api = 'Version=2014-05-26&RegionId=cn-hangzhou';

test('bad --fault flags: exit 2 naming the flag and the bad part', async () => {
  for (const [spec, part] of [['error:Throttling.User,p=1.5', "'p=1.5'"], ['latency:soon', "'soon'"],
    ['explode', "'explode'"], ['reset,cuont=2', "'cuont=2'"], ['error:NoSuchCode', 'status=']]) {
    const r = await popcheck(['proxy', '--mode', 'replay', '--fixtures', path.join(tmp, 'none'), '--listen', '127.0.0.1:0',
      '--fault', spec]);
    assert.equal(r.code, 2, `--fault '${spec}': ${r.text}`);
    assert.ok(r.stderr.includes('--fault'), `--fault '${spec}': the flag is not named: ${r.stderr}`);
    assert.ok(r.stderr.includes(part), `--fault '${spec}': ${part} is not named: ${r.stderr}`);
  }
});

test('record mode in front of the emulator', async (t) => {
  const emulator = await startEmulator();
  const fixtures = path.join(tmp, 'fixtures');
  const proxy = await startProxy(['--mode', 'record', '--upstream', emulator.url, '--fixtures', fixtures, '--fault-seed', '3',
    '--fault', 'error:ServiceUnavailable,action=DescribeRegions,count=2,retry-after=1500',
    '--fault', 'reset,action=DescribeZones,count=1', '--fault', 'truncate,action=DescribeZones,count=1']);

  await t.test('an injected JSON error: 503, the exact Content-Type, x-acs-retry-after, the five fields', async () => {
    const r = await request(`${proxy.url}/?Action=DescribeRegions&${api}&Format=JSON`);
    assert.equal(r.status, 503);
    assert.equal(r.headers['content-type'], 'application/json;charset=utf-8');
    assert.equal(r.headers['x-acs-retry-after'], '1500');
    const b = JSON.parse(r.body);
    assert.equal(b.Code, 'ServiceUnavailable');
    assert.equal(b.HostId, 'ecs.aliyuncs.com');
    assert.deepEqual(Object.keys(b).sort(), ['Code', 'HostId', 'Message', 'Recommend', 'RequestId']);
  });
  await t.test('an injected XML error: the Error root and the Content-Type the SDKs parse', async () => {
    const r = await request(`${proxy.url}/?Action=DescribeRegions&${api}&Format=XML`);
    assert.equal(r.status, 503);
    // The SDKs parse XML errors only with exactly this Content-Type.
    assert.equal(r.headers['content-type'], 'text/xml;charset=utf-8');
    const file = path.join(tmp, 'error.xml');
    fs.writeFileSync(file, r.body);
    assert.equal(await xpath(file, 'name(/*)'), 'Error');
    assert.equal(await xpath(file, 'string(/Error/Code)'), 'ServiceUnavailable');
    for (const k of ['RequestId', 'HostId', 'Message', 'Recommend']) {
      assert.notEqual(await xpath(file, `string(/Error/${k})`), '', `no ${k}`);
    }
  });
  await t.test('injected errors are not recorded; the third call reaches the emulator', async () => {
    assert.deepEqual(jsonFilesBelow(fixtures), [], 'an injected error was recorded');
    assert.equal((await request(`${proxy.url}/?Action=DescribeRegions&${api}&Format=JSON`)).status, 200);
  });
  await t.test('reset, then truncate: the client fails, the exchange is recorded, the proxy serves on', async () => {
    await assert.rejects(request(`${proxy.url}/?Action=DescribeZones&${api}`), 'reset: the request succeeded');
    await assert.rejects(request(`${proxy.url}/?Action=DescribeZones&${api}`), 'truncate: the request succeeded');
    assert.equal((await request(`${proxy.url}/?Action=DescribeZones&${api}`)).status, 200);
    // 1 DescribeRegions, 3 DescribeZones.
    assert.equal(jsonFilesBelow(fixtures).length, 4);
    const s = await getJson(`${proxy.url}/__popcheck/stats`);
    assert.equal(s.recorded, 4, JSON.stringify(s));
    assert.deepEqual(s.injected, { latency: 0, error: 2, reset: 1, truncate: 1 });
    assert.deepEqual(s.requests_by_action, { DescribeRegions: 3, DescribeZones: 3 });
    assert.deepEqual(s.injected_by_action.DescribeZones, { reset: 1, truncate: 1 });
  });
  await proxy.stop();

  await t.test('replay mode: the fault comes before the fixtures', async () => {
    const replay = await startProxy(['--mode', 'replay', '--fixtures', fixtures,
      '--fault', 'error:Throttling.User,action=DescribeRegions,count=1']);
    const first = await request(`${replay.url}/?Action=DescribeRegions&${api}&Format=JSON`);
    assert.equal(first.status, 400);
    assert.match(first.body, /"Throttling.User"/);
    assert.equal((await request(`${replay.url}/?Action=DescribeRegions&${api}&Format=JSON`)).status, 200);
    await replay.stop();
  });

  await t.test('with --contracts, answers to injected errors are not validated', async () => {
    const contracts = path.join(tmp, 'contracts');
    const compiled = await popcheck(['compile', path.join(dataDir, 'metadata', 'ecs-2014-05-26.json'), '--out', contracts, '-q']);
    assert.equal(compiled.code, 0, compiled.text);
    const report = path.join(tmp, 'junit.xml');
    const validating = await startProxy(['--mode', 'passthrough', '--upstream', emulator.url, '--fixtures', fixtures,
      '--contracts', contracts, '--contracts-report', report, '--fault', 'error:InternalError,action=DescribeRegions,count=3'],
    { name: 'validating' });
    for (let i = 0; i < 4; i++) await request(`${validating.url}/?Action=DescribeRegions&${api}&Format=JSON`);
    // One violation: an unknown parameter.
    await request(`${validating.url}/?Action=DescribeRegions&${api}&Format=JSON&Colour=red`);
    const v = await getJson(`${validating.url}/__popcheck/violations`);
    assert.equal(await validating.stop(), 1, 'a violation makes the exit status 1');
    assert.ok(validating.err().includes(`JUnit report: ${report}`), 'the report path was not printed');
    assert.match(validating.err(), /violation DescribeRegions#2/);
    // Five requests, three answered by injected errors: two real exchanges were validated.
    assert.equal(Number(await xpath(report, 'count(//testcase)')), 2, readText(report));
    assert.equal(v.observed, 2, JSON.stringify(v));
    assert.equal(v.violating, 1, JSON.stringify(v));
    assert.ok(v.violations.some((x) => x.path === 'Colour'), JSON.stringify(v));
  });
  await emulator.stop();
});

// One SDK call through the proxy at HOST:PORT, its outcome as a plain value. Scenarios: retry
// (retryOptions as docs/protocol.md 4.3 shows: 3 attempts on ThrottlingError or Throttling.User, a
// fixed 20 ms backoff), plain (one attempt), timeout (readTimeout 300 ms), popcore (pop-core GET, which
// never retries). Dummy keys: the emulator behind the proxy does not check signatures here.
async function sdkCall(hostPort, scenario) {
  const OpenApi = requireSdk('@alicloud/openapi-core');
  const Ecs = requireSdk('@alicloud/ecs20140526');
  const RPCClient = requireSdk('@alicloud/pop-core');
  const { RetryOptions } = requireSdk('@darabonba/typescript');
  const keys = { accessKeyId: 'LTAIretryTestKey0001', accessKeySecret: 'retryTestSecret0001' };
  const ecs = (extra) => new Ecs.default(new OpenApi.$OpenApiUtil.Config({
    ...keys, endpoint: hostPort, protocol: 'http', regionId: 'cn-hangzhou', ...extra,
  }));
  const retryOptions = new RetryOptions({
    retryable: true,
    retryCondition: [{
      maxAttempts: 3, exception: ['ThrottlingError'], errorCode: ['Throttling.User'],
      backoff: { policy: 'Fixed', period: 20 },
    }],
  });
  const calls = {
    retry: () => ecs({ retryOptions }).describeRegions(new Ecs.DescribeRegionsRequest({})),
    plain: () => ecs({}).describeRegions(new Ecs.DescribeRegionsRequest({})),
    timeout: () => ecs({ readTimeout: 300 }).describeRegions(new Ecs.DescribeRegionsRequest({})),
    popcore: () => new RPCClient({ ...keys, endpoint: `http://${hostPort}`, apiVersion: '2014-05-26' })
      .request('DescribeRegions', { RegionId: 'cn-hangzhou' }),
  };
  try {
    const r = await calls[scenario]();
    const body = r.body !== undefined ? r.body : r;
    return { ok: true, statusCode: r.statusCode, requestId: body.requestId || body.RequestId };
  } catch (e) {
    return {
      ok: false, name: e.name, code: e.code, statusCode: e.statusCode, retryAfter: e.retryAfter,
      message: String(e.message).replace(/, URL: .*$/s, ''),
    };
  }
}

test('real SDKs meet the faults', { skip: sdkMissing('@alicloud/ecs20140526', '@alicloud/pop-core') }, async (t) => {
  const emulator = await startEmulator();
  // The emulator reads its metadata on the first request for a metadata-only API (seconds on a
  // loaded machine); that first read is not what is tested, so it happens before any SDK timer.
  assert.equal((await request(`${emulator.url}/?Action=DescribeRegions&Version=2014-05-26&Format=JSON`)).status, 200);
  const proxy = await startProxy(['--mode', 'passthrough', '--upstream', emulator.url, '--fixtures', path.join(tmp, 'sdk-fixtures'),
    '--fault-seed', '1', '--fault', 'error:Throttling.User,action=DescribeRegions,count=2,retry-after=20']);
  await proxy.errMatching(/injecting error:Throttling\.User/);
  const hostPort = proxy.url.slice('http://'.length);
  const stats = () => getJson(`${proxy.url}/__popcheck/stats`);
  // Requests for DescribeRegions, errors injected and retries so far.
  const counts = async () => {
    const s = await stats();
    const a = 'DescribeRegions';
    return [s.requests_by_action[a] || 0, (s.injected_by_action[a] || {}).error || 0, s.retries_by_action[a] || 0];
  };
  const putFaults = async (rules) => {
    const r = await admin(proxy.url, 'PUT', 'faults', { rules });
    assert.equal(r.status, 200, `PUT faults refused: ${r.body}`);
  };

  await t.test('retryOptions: two throttled attempts, then the emulator\'s answer', async () => {
    const out = await sdkCall(hostPort, 'retry');
    assert.ok(out.ok && out.statusCode === 200 && out.requestId, JSON.stringify(out));
    assert.deepEqual(await counts(), [3, 2, 2], 'requests, injected errors and retries for DescribeRegions');
  });
  await t.test('without retryOptions: one request, a ThrottlingError with x-acs-retry-after (set by the admin API)', async () => {
    await putFaults([{ kind: 'error', code: 'Throttling.User', action: 'DescribeRegions', count: 1, retry_after_ms: 20 }]);
    const out = await sdkCall(hostPort, 'plain');
    assert.deepEqual([out.ok, out.name, out.code, out.statusCode, out.retryAfter],
      [false, 'ThrottlingError', 'Throttling.User', 400, 20], JSON.stringify(out));
    assert.deepEqual(await counts(), [4, 3, 2], 'exactly 1 more request and 1 more injected error');
    // The budget is spent: the same call succeeds now.
    assert.ok((await sdkCall(hostPort, 'plain')).ok, 'the call after the fault\'s budget failed');
  });
  await t.test('pop-core sees the error in its own way', async () => {
    await putFaults(['error:Throttling.User,action=DescribeRegions,count=1']);
    const out = await sdkCall(hostPort, 'popcore');
    assert.deepEqual([out.ok, out.name, out.code], [false, 'Throttling.UserError', 'Throttling.User'], JSON.stringify(out));
  });
  await t.test('latency beyond the SDK\'s readTimeout: the SDK gives up, the proxy serves on', async () => {
    await putFaults(['latency:5000,action=DescribeRegions,count=1']);
    const out = await sdkCall(hostPort, 'timeout');
    assert.ok(!out.ok && /timeout/i.test(`${out.name} ${out.message}`), JSON.stringify(out));
    assert.ok((await sdkCall(hostPort, 'plain')).ok, 'the call after the latency fault failed');
  });
  await t.test('reset, then truncate, then a whole answer', async () => {
    await putFaults(['reset,action=DescribeRegions,count=1', 'truncate,action=DescribeRegions,count=1']);
    const reset = await sdkCall(hostPort, 'plain');
    assert.ok(!reset.ok && !reset.statusCode, `a reset connection did not fail in transport: ${JSON.stringify(reset)}`);
    const truncated = await sdkCall(hostPort, 'plain');
    assert.ok(!truncated.ok, `a truncated answer was accepted: ${JSON.stringify(truncated)}`);
    assert.ok((await sdkCall(hostPort, 'plain')).ok, 'the proxy stopped serving after reset and truncate');
    const s = await stats();
    assert.deepEqual([s.injected.reset, s.injected.truncate, s.injected.latency], [1, 1, 1], JSON.stringify(s));
  });
  await t.test('DELETE removes the rules; the proxy is healthy', async () => {
    const r = await request(`${proxy.url}/__popcheck/faults`, { method: 'DELETE', headers: ADMIN });
    assert.equal(r.status, 200, r.body);
    assert.deepEqual((await getJson(`${proxy.url}/__popcheck/faults`)).rules, []);
    assert.equal((await getJson(`${proxy.url}/__popcheck/health`)).status, 'ok');
  });
  await proxy.stop();
  await emulator.stop();
});

test('the same seed gives the same injections, request by request', async () => {
  const emulator = await startEmulator();
  // The status of 40 DescribeRegions requests as a string of 1 (injected) and 0 (answered).
  const decisions = async (seed) => {
    const proxy = await startProxy(['--mode', 'passthrough', '--upstream', emulator.url, '--fixtures', path.join(tmp, 'seed-fixtures'),
      '--fault-seed', seed, '--fault', 'error:Throttling,p=0.5']);
    let out = '';
    for (let i = 0; i < 40; i++) {
      const { status } = await request(`${proxy.url}/?Action=DescribeRegions&Version=2014-05-26&Format=JSON&RegionId=cn-hangzhou`);
      assert.ok(status === 400 || status === 200, `unexpected status ${status}`);
      out += status === 400 ? '1' : '0';
    }
    await proxy.stop();
    return out;
  };
  const a = await decisions('42');
  const b = await decisions('42');
  const c = await decisions('43');
  console.log(`seed 42: ${a}\nseed 42: ${b}\nseed 43: ${c}`);
  assert.equal(a, b, 'two proxies with seed 42 injected on different requests');
  assert.ok(a.includes('1') && a.includes('0'), 'p=0.5 injected on all or none of 40 requests');
  assert.notEqual(a, c, 'seeds 42 and 43 gave the same 40 decisions');
  await emulator.stop();
});
