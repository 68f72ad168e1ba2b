// `popcheck run` end to end:
//  - the seed catalogue against the embedded emulator: nothing skipped, every case a verdict, the
//    JUnit valid, no credential in a report, shards partitioning the run, -j 1 and -j 8 agreeing;
//  - HTTPS (openssl s_server, a throw-away certificate): verified by default, --ca-file, --insecure;
//  - infrastructure and usage errors: exit 2 with one message, never a page of failed cases;
//  - a plain API server (not a popcheck emulator): unmet needs skip with their description,
//    --var and --vars meet them, every case failing on the network is exit 2.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import test from 'node:test';

import {
  commandMissing, copyDir, junitProblems, popcheck, readJson, readText, src, startEmulator, startTlsServer, tempDir,
} from './lib/harness.mjs';

const tmp = tempDir();
const keys = { ALIBABA_CLOUD_ACCESS_KEY_ID: 'e2e-key-id', ALIBABA_CLOUD_ACCESS_KEY_SECRET: 'e2e-key-secret' };
const ids = (file) => readJson(file).cases.map((c) => c.id);

test('the seed catalogue against the embedded emulator', async (t) => {
  const cases = path.join(tmp, 'seed-cases');
  copyDir(path.join(src, 'cases'), cases);
  const all = path.join(tmp, 'all');
  const r = await popcheck(['run', '--cases', cases, '--report-dir', all, '-j', '4']);
  assert.ok(r.code === 0 || r.code === 1, r.text);

  await t.test('every case gets a verdict, none is skipped, the exit status says whether one failed', () => {
    assert.match(r.stdout, /^[0-9]+ passed, [0-9]+ failed, 0 skipped \(/m);
    const failed = r.stdout.split('\n').filter((l) => l.startsWith('FAIL')).length;
    assert.equal(r.code, failed > 0 ? 1 : 0, `${failed} FAIL lines with exit ${r.code}`);
    assert.ok(readJson(all, 'results.json').summary.total > 0, 'no cases ran');
  });
  await t.test('the JUnit validates against the Ant schema', async () => {
    assert.equal(await junitProblems(path.join(all, 'junit.xml')), '');
  });
  await t.test('no key and no signature in a report', () => {
    for (const f of ['junit.xml', 'results.json']) {
      assert.ok(!readText(all, f).includes('popcheck-dummy-key'), `credentials in ${f}`);
    }
    assert.ok(readText(all, 'results.json').includes('Signature=REDACTED'), 'no redacted signature');
  });
  await t.test('3 shards are disjoint and together the whole run', async () => {
    const shards = [];
    for (const i of [1, 2, 3]) {
      const s = await popcheck(['run', '--cases', cases, '--report-dir', path.join(tmp, `s${i}`), '--shard', `${i}/3`, '-q']);
      assert.ok(s.code <= 1, s.text);
      shards.push(...ids(path.join(tmp, `s${i}`, 'results.json')));
    }
    assert.equal(new Set(shards).size, shards.length, 'a case ran in two shards');
    assert.deepEqual([...shards].sort(), ids(path.join(all, 'results.json')).sort());
  });
  await t.test('-j 1 and -j 8 give the same cases, statuses and checks in order', async () => {
    // Request and resource ids are fresh on every run against the emulator; the byte-for-byte
    // comparison against a deterministic server is runner_test.cpp's.
    const verdicts = [];
    for (const j of ['1', '8']) {
      const dir = path.join(tmp, `j${j}`);
      const s = await popcheck(['run', '--cases', cases, '--report-dir', dir, '-j', j, '-q']);
      assert.ok(s.code <= 1, s.text);
      verdicts.push(readJson(dir, 'results.json').cases.map((c) =>
        [c.id, c.status, (c.checks || []).map((k) => k.check ?? k), (c.failures || []).map((f) => f.check)]));
    }
    assert.deepEqual(verdicts[0], verdicts[1]);
  });
});

test('HTTPS: the certificate is verified by default; --ca-file and --insecure reach the server',
  { skip: commandMissing('openssl') }, async () => {
    const server = await startTlsServer(tmp);
    const url = `https://127.0.0.1:${server.port}`;
    const cases = path.join(tmp, 'https-cases');
    fs.mkdirSync(path.join(cases, 'ecs'), { recursive: true });
    fs.writeFileSync(path.join(cases, 'ecs', 'DescribeRegions.json'), JSON.stringify({
      contract: { product: 'Ecs', version: '2014-05-26', action: 'DescribeRegions' },
      cases: [{
        id: 'Ecs.DescribeRegions.example.json', kind: 'example', product: 'Ecs', version: '2014-05-26',
        action: 'DescribeRegions',
        request: { method: 'GET', format: 'JSON', params: { Action: 'DescribeRegions', Version: '2014-05-26' } },
        expect: { status: 200, shape: 'none' },
      }],
    }));
    const untrusted = await popcheck(['run', '--endpoint', url, '--cases', cases, '--report-dir', path.join(tmp, 'r0')], { env: keys });
    assert.equal(untrusted.code, 2, untrusted.text);
    assert.match(untrusted.stderr, /could not be verified/);
    assert.equal(untrusted.stderr.trim().split('\n').length, 1, `more than one line: ${untrusted.stderr}`);
    for (const flags of [['--ca-file', server.cert], ['--insecure']]) {
      const dir = path.join(tmp, 'r1');
      const r = await popcheck(['run', '--endpoint', url, '--cases', cases, '--report-dir', dir, ...flags], { env: keys });
      // The server's HTML page is no API answer: the case fails (exit 1), it does not error (2).
      assert.equal(r.code, 1, `${flags}: ${r.text}`);
      assert.ok(r.stdout.includes('0 passed, 1 failed, 0 skipped ('), r.stdout);
      assert.ok(readText(dir, 'results.json').includes('"check": "content-type"'), 'no content-type verdict');
    }
    await server.stop();
  });

// A one-case catalogue, written by hand.
function oneCaseCatalogue() {
  const cases = path.join(tmp, 'infra-cases');
  fs.mkdirSync(path.join(cases, 'ecs'), { recursive: true });
  fs.writeFileSync(path.join(cases, 'ecs', 'RemoveTags.json'), JSON.stringify({
    contract: {
      product: 'Ecs', version: '2014-05-26', action: 'RemoveTags',
      response: { name: '', type: 'object', children: [{ name: 'RequestId', type: 'string' }] },
    },
    cases: [{
      id: 'Ecs.RemoveTags.negative.ResourceId.required', kind: 'negative', product: 'Ecs', version: '2014-05-26',
      action: 'RemoveTags',
      request: { method: 'GET', format: 'JSON', params: { Action: 'RemoveTags', Version: '2014-05-26', RegionId: 'cn-hangzhou' } },
      expect: {
        status: 400, code: 'MissingParameter',
        message: 'The input parameter "%s" that is mandatory for processing this request is not supplied.', shape: 'error',
      },
    }],
  }));
  return cases;
}

// `popcheck run ARGS`: exit 2, one line on stderr matching `pattern`, no case reported as failed.
async function expectExit2(args, pattern) {
  const r = await popcheck(['run', ...args], { env: keys });
  assert.equal(r.code, 2, r.text);
  assert.match(r.stderr, pattern);
  assert.equal(r.stderr.trim().split('\n').length, 1, `expected one line on stderr: ${r.stderr}`);
  assert.ok(!/^FAIL/m.test(r.stdout), 'cases were reported as failed');
  return r;
}

test('infrastructure and usage errors are exit 2 with one message', async (t) => {
  const cases = oneCaseCatalogue();
  const r = path.join(tmp, 'r');
  await t.test('an endpoint nobody listens on', async () => {
    const gone = await startEmulator();
    await gone.stop();
    await expectExit2(['--endpoint', gone.url, '--cases', cases, '--report-dir', r, '--retries', '1'],
      /cannot connect to http:\/\/127\.0\.0\.1:[0-9]+/);
  });
  const emulator = await startEmulator();
  await t.test('https:// against a plain HTTP server', async () => {
    await expectExit2(['--endpoint', emulator.url.replace('http:', 'https:'), '--cases', cases, '--report-dir', r], /TLS/);
  });
  await t.test('the same server over http runs the case (the failures above are the endpoint\'s)', async () => {
    const ok = await popcheck(['run', '--endpoint', emulator.url, '--cases', cases, '--report-dir', path.join(tmp, 'ok'), '-q'], { env: keys });
    assert.equal(ok.code, 0, ok.text);
  });
  await t.test('usage errors', async () => {
    await expectExit2(['--endpoint', emulator.url, '--cases', cases, '--shard', '4/3'], /--shard/);
    await expectExit2(['--endpoint', emulator.url, '--cases', cases, '--signature', 'v2'], /--signature/);
    await expectExit2(['--endpoint', 'ftp://x', '--cases', cases], /--endpoint/);
    const empty = path.join(tmp, 'empty');
    fs.mkdirSync(empty);
    await expectExit2(['--endpoint', emulator.url, '--cases', empty], /no cases found/);
    await expectExit2(['--endpoint', emulator.url, '--cases', cases, '--product', 'Vpc'], /no case matches/);
  });
  await t.test('a broken catalogue file is exit 2 naming it', async () => {
    fs.writeFileSync(path.join(cases, 'ecs', 'Broken.json'), '{"contract": 1');
    const broken = await popcheck(['run', '--endpoint', emulator.url, '--cases', cases], { env: keys });
    assert.equal(broken.code, 2, broken.text);
    assert.match(broken.stderr, /Broken\.json/);
  });
  await emulator.stop();
});

// A plain API server: no /__popcheck/ endpoints, a conforming DetachDisk answer for everything else,
// and the targets it received. With `drop` set it hangs up on API requests without answering.
function plainApi() {
  const api = { targets: [], drop: false };
  api.server = http.createServer((req, res) => {
    if (req.url.startsWith('/__popcheck/')) {
      res.writeHead(404, { 'Content-Length': '0' });
      return res.end();
    }
    if (api.drop) return req.socket.destroy();
    api.targets.push(req.url);
    const body = '{"RequestId":"0A1B2C3D-0000-0000-0000-000000000000"}';
    res.writeHead(200, { 'Content-Type': 'application/json;charset=utf-8', 'Content-Length': body.length });
    return res.end(body);
  });
  return new Promise((resolve) => api.server.listen(0, '127.0.0.1', () => {
    api.url = `http://127.0.0.1:${api.server.address().port}`;
    resolve(api);
  }));
}

test('needs against a plain API server: skipped with their description, met by --var and --vars', async (t) => {
  const api = await plainApi();
  t.after(() => api.server.close());
  const cases = path.join(tmp, 'needs-cases');
  fs.mkdirSync(path.join(cases, 'ecs'), { recursive: true });
  const detach = (id, params, extra = {}) => ({
    id, kind: 'example', product: 'Ecs', version: '2014-05-26', action: 'DetachDisk',
    request: { method: 'GET', format: 'JSON', params: { Action: 'DetachDisk', Version: '2014-05-26', ...params } },
    expect: { status: 200, shape: 'example' }, ...extra,
  });
  fs.writeFileSync(path.join(cases, 'ecs', 'DetachDisk.json'), JSON.stringify({
    contract: {
      product: 'Ecs', version: '2014-05-26', action: 'DetachDisk',
      examples: { json: { format: 'json', body: '{"RequestId": "X"}', valid: true } },
    },
    cases: [
      detach('Ecs.DetachDisk.example.json', { InstanceId: '${instance}', DiskId: '${disk}' }, {
        needs: [
          { var: 'instance', resource: 'instance', with: { Status: 'Running' }, description: 'a Running ECS instance' },
          { var: 'disk', resource: 'disk', with: { InstanceId: '${instance}' }, description: 'a data disk attached to that instance' },
        ],
      }),
      detach('Ecs.DetachDisk.plain', { InstanceId: 'i-plain', DiskId: 'd-plain' }),
    ],
  }));
  const runIt = (dir, ...more) => popcheck(['run', '--endpoint', api.url, '--cases', cases, '--report-dir', path.join(tmp, dir), ...more], { env: keys });

  await t.test('without values: skipped with the reason in console, results.json and JUnit; exit 0', async () => {
    const r = await runIt('n1');
    assert.equal(r.code, 0, r.text);
    assert.match(r.stdout, /^SKIP {2}Ecs\.DetachDisk\.example\.json: a Running ECS instance/m);
    assert.ok(r.stdout.includes('1 passed, 0 failed, 1 skipped'), r.stdout);
    assert.ok(readText(tmp, 'n1', 'results.json').includes('"skip_reason": "a Running ECS instance'));
    assert.ok(readText(tmp, 'n1', 'junit.xml').includes('<skipped message="a Running ECS instance'));
    assert.equal(await junitProblems(path.join(tmp, 'n1', 'junit.xml')), '');
    assert.equal(api.targets.filter((u) => u.includes('Action=DetachDisk')).length, 1, 'the skipped case reached the server');
  });
  await t.test('with one value: still skipped, naming the missing need', async () => {
    const r = await runIt('n2', '--var', 'instance=i-given');
    assert.equal(r.code, 0, r.text);
    assert.ok(r.stdout.includes('SKIP  Ecs.DetachDisk.example.json: a data disk attached to that instance'), r.stdout);
  });
  await t.test('with both (one from a file): the values reach the request', async () => {
    fs.writeFileSync(path.join(tmp, 'vars.env'), '# test vars\ndisk = d-from-file\n');
    const r = await runIt('n3', '--var', 'instance=i-given', '--vars', path.join(tmp, 'vars.env'));
    assert.equal(r.code, 0, r.text);
    assert.ok(r.stdout.includes('2 passed, 0 failed, 0 skipped'), r.stdout);
    assert.ok(api.targets.some((u) => u.includes('InstanceId=i-given') && u.includes('DiskId=d-from-file')),
      `the values did not reach the server: ${api.targets}`);
    for (const f of ['results.json', 'junit.xml']) {
      assert.ok(!/e2e-key-id|e2e-key-secret/.test(readText(tmp, 'n3', f)), `credentials in ${f}`);
    }
  });
  await t.test('a server that hangs up on every API request: exit 2, one network error', async () => {
    api.drop = true;
    const r = await runIt('n4', '--retries', '1');
    assert.equal(r.code, 2, r.text);
    assert.match(r.stderr, /every case failed on the network/);
    assert.ok(readText(tmp, 'n4', 'results.json').includes('"errors": 1'), 'the network error is not in results.json');
  });
});
