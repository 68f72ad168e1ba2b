// Issue 19 against the real binary: what a client controls stays bounded, the admin API refuses what
// a web page could send, secrets reach no fixture, HAR or report, and hostile input (generated here,
// never checked in: 100,000 levels of JSON in 200 KB, 30,000 levels of schema) is refused by name
// while every server keeps serving. The memory bounds are generous (a fixed proxy stays far below
// them, an unfixed one goes far above); nothing here is a timing.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import test from 'node:test';

import {
  ADMIN, copyDir, getJson, literal, jsonFilesBelow, popcheck, readText, request, src, start, startEmulator, startProxy, tempDir, bin,
} from './lib/harness.mjs';

const tmp = tempDir();
const at = (...p) => path.join(tmp, ...p);
const rssKb = (pid) => Number(fs.readFileSync(`/proc/${pid}/status`, 'utf8').match(/^VmRSS:\s+(\d+)/m)[1]);
const form = { 'Content-Type': 'application/x-www-form-urlencoded' };

test('bounded memory, admin protection and redaction (items 3, 4 and 5)', async (t) => {
  const emulator = await startEmulator();
  fs.mkdirSync(at('empty'));
  const proxy = await startProxy(['--fixtures', at('empty'), '--upstream', emulator.url]);

  await t.test('60 missing requests with 4 MB form bodies do not grow the replay proxy', async () => {
    const big = Buffer.concat([Buffer.from('Version=2014-05-26&Blob='), Buffer.alloc(4000000, 'x')]);
    const miss = async (name) => {
      const r = await request(`${proxy.url}/?Action=Missing${name}`, { method: 'POST', headers: form, body: big });
      assert.equal(r.status, 404, `a missing request answered ${r.status}`);
    };
    // Warm up first, so that the baseline includes the buffers one request of that size needs anyway.
    for (const i of [1, 2, 3]) await miss(`warm${i}`);
    const before = rssKb(proxy.pid);
    for (let i = 1; i <= 60; i++) await miss(i);
    const after = rssKb(proxy.pid);
    console.log(`replay proxy RSS: ${before} kB before, ${after} kB after 60 missing 4 MB requests`);
    // Keeping the requests costs 240 MB at the very least; a bounded miss log costs a few MB.
    assert.ok(after - before < 120 * 1024, `RSS grew by ${Math.round((after - before) / 1024)} MB`);
    const misses = await request(`${proxy.url}/__popcheck/misses`);
    assert.equal(misses.status, 200);
    assert.ok(misses.body.length < 2 * 1024 * 1024, `the miss log is ${misses.body.length} bytes`);
    assert.ok(misses.body.includes('"dropped":'), 'the miss log does not say what it dropped');

    // 100 distinct Action values of 1 MB each: unbounded, the names alone are 100 MB.
    const mb = Buffer.alloc(1000000, 'A');
    for (let i = 1; i <= 100; i++) {
      await request(`${proxy.url}/`, {
        method: 'POST', headers: form, body: Buffer.concat([Buffer.from(`Version=2014-05-26&Action=${i}`), mb]),
      });
    }
    const stats = await request(`${proxy.url}/__popcheck/stats`);
    assert.equal(stats.status, 200);
    console.log(`stats after 100 distinct 1 MB Actions: ${stats.body.length} bytes`);
    assert.ok(stats.body.length < 512 * 1024, `GET /__popcheck/stats is ${stats.body.length} bytes`);
    const afterActions = rssKb(proxy.pid);
    assert.ok(afterActions - before < 160 * 1024, `RSS grew by ${Math.round((afterActions - before) / 1024)} MB`);
  });

  await t.test('the admin API refuses the simple requests any web page can make a browser send', async () => {
    const evil = { Origin: 'https://evil.example', 'Content-Type': 'text/plain' };
    let r = await request(`${proxy.url}/__popcheck/mode`, { method: 'POST', headers: evil, body: 'record' });
    assert.equal(r.status, 403, r.body);
    assert.match(r.body, /admin request refused/);
    r = await request(`${proxy.url}/__popcheck/mode`, { method: 'POST', headers: { 'Content-Type': 'text/plain' }, body: 'record' });
    assert.equal(r.status, 403, 'a text/plain POST without Origin');
    r = await request(`${proxy.url}/__popcheck/faults`, { method: 'PUT', headers: evil, body: '{"rules":["error:Throttling.User"]}' });
    assert.equal(r.status, 403, 'a cross-origin PUT /faults');
    r = await request(`${proxy.url}/__popcheck/stats`, { headers: { Host: 'rebound.example' } });
    assert.equal(r.status, 403, 'a rebound Host');
    assert.equal((await getJson(`${proxy.url}/__popcheck/mode`)).mode, 'replay', 'the mode changed');
    assert.deepEqual((await getJson(`${proxy.url}/__popcheck/faults`)).rules, [], 'the faults changed');
    // What popcheck's callers send works (the mode is reachable: there is an upstream).
    r = await request(`${proxy.url}/__popcheck/mode`, {
      method: 'PUT', headers: { 'Content-Type': 'application/json' }, body: '{"mode":"record"}',
    });
    assert.equal(JSON.parse(r.body).mode, 'record', r.body);
    r = await request(`${proxy.url}/__popcheck/mode`, { method: 'PUT', headers: ADMIN, body: 'replay' });
    assert.equal(JSON.parse(r.body).mode, 'replay', r.body);
    // The emulator's state likewise.
    const before = (await request(`${emulator.url}/__popcheck/state`)).body;
    r = await request(`${emulator.url}/__popcheck/state`, { method: 'PUT', headers: evil, body: '{"Regions":["x"]}' });
    assert.equal(r.status, 403, 'a cross-origin PUT /state on the emulator');
    assert.equal((await request(`${emulator.url}/__popcheck/state`)).body, before, 'the state changed');
  });
  assert.equal(await proxy.stop(), 0);

  await t.test('beyond loopback: a warning, and the admin token on every admin request', async () => {
    const open = await start('open_proxy', bin, ['proxy', '--fixtures', at('empty'), '--listen', '0.0.0.0:0']);
    const port = open.url.split(':').pop();
    const local = `http://127.0.0.1:${port}/__popcheck/stats`;
    await open.errMatching(/WARNING: listening on 0\.0\.0\.0/);
    const token = (await open.errMatching(/admin token \(generated[^:]*: [0-9a-f]{32}/))
      .match(/admin token \(generated[^:]*: ([0-9a-f]*)$/m)?.[1];
    assert.equal(token?.length, 32, `no generated admin token printed: ${open.err()}`);
    assert.equal((await request(local)).status, 401, 'without the token');
    assert.equal((await request(local, { headers: { Authorization: `Bearer wrong${token}` } })).status, 401, 'a wrong token');
    assert.equal((await request(local, { headers: { Authorization: `Bearer ${token}` } })).status, 200, 'the token');
    assert.equal(await open.stop(), 0);

    const given = 'given-token-123456';
    const openEmulator = await start('open_emulator', bin, ['emulate', '--listen', '0.0.0.0:0'], { env: { POPCHECK_ADMIN_TOKEN: given } });
    const reset = `http://127.0.0.1:${openEmulator.url.split(':').pop()}/__popcheck/reset`;
    await openEmulator.errMatching(/WARNING: listening on 0\.0\.0\.0/);
    assert.ok(!openEmulator.err().includes(given), 'a given token was printed');
    assert.equal((await request(reset, { method: 'POST', headers: ADMIN })).status, 401, 'a reset without the token');
    assert.equal((await request(reset, { method: 'POST', headers: { ...ADMIN, 'X-Popcheck-Admin-Token': given } })).status, 200);
    assert.equal(await openEmulator.stop(), 0);
  });

  await t.test('cookies, credentials in a JSON body and tokens in values reach no fixture, HAR or report', async () => {
    const held = { id: 'LTAIheldKeyId0042', secret: 'heldSecretValue0042', token: 'STS.heldToken0042xyz' };
    const cookie = 'c00kieSessionValue0042';
    const json = { id: 'LTAIjsonBodyKey0042', secret: 'jsonBodySecret0042', token: 'STS.jsonBodyToken0042' };
    const reqToken = 'STS.req+Tok/en0042=';
    const reqTokenEncoded = 'STS.req%2BTok%2Fen0042%3D';
    const report = at('junit.xml');
    const recorder = await startProxy(['--mode', 'record', '--upstream', emulator.url, '--fixtures', at('recorded'),
      '--contracts', path.join(src, 'cases'), '--contracts-report', report], {
      env: {
        ALIBABA_CLOUD_ACCESS_KEY_ID: held.id, ALIBABA_CLOUD_ACCESS_KEY_SECRET: held.secret, ALIBABA_CLOUD_SECURITY_TOKEN: held.token,
      },
    });
    const ecs = 'Version=2014-05-26&Format=JSON&RegionId=cn-hangzhou';
    // A Cookie header, and the proxy's own token inside an ordinary parameter.
    await request(`${recorder.url}/?Action=DescribeRegions&${ecs}&Description=${held.token}`,
      { headers: { Cookie: `session=${cookie}; theme=dark` } });
    // V3 with credentials inside a JSON body.
    await request(`${recorder.url}/?RegionId=cn-hangzhou`, {
      method: 'POST',
      headers: { 'x-acs-action': 'DescribeRegions', 'x-acs-version': '2014-05-26', 'Content-Type': 'application/json' },
      body: JSON.stringify({ Auth: { AccessKeyId: json.id, AccessKeySecret: json.secret }, List: [{ SecurityToken: json.token }] }),
    });
    // A request's token, percent-encoded inside a text/plain body.
    await request(`${recorder.url}/?Action=DescribeRegions&${ecs}&SecurityToken=${reqTokenEncoded}`, {
      method: 'POST', headers: { 'Content-Type': 'text/plain' }, body: `note: ${reqTokenEncoded}`,
    });
    await recorder.stop();  // exit status 1: some exchanges violated their contracts
    assert.ok(fs.existsSync(report), 'no JUnit report written');
    assert.equal(jsonFilesBelow(at('recorded')).length, 3);
    const exported = await popcheck(['fixtures', 'export-har', at('recorded'), '--out', at('recorded.har')]);
    assert.equal(exported.code, 0, exported.text);
    const junit = readText(report);
    const har = readText(at('recorded.har'));
    const fixtures = jsonFilesBelow(at('recorded')).map((f) => readText(at('recorded'), f)).join('\n');
    assert.ok(junit.includes('Cookie'), 'the JUnit report lost the Cookie header\'s name (not a real report?)');
    assert.ok(har.includes('RegionId'), 'the HAR export holds no request');
    for (const secret of [cookie, json.id, json.secret, json.token, held.token, held.id, reqToken, reqTokenEncoded, 'STS.req']) {
      assert.ok(!fixtures.includes(secret), `${secret} reached a fixture`);
      assert.ok(!har.includes(secret), `${secret} reached the HAR export`);
      assert.ok(!junit.includes(secret), `${secret} reached the JUnit report`);
    }
  });
  assert.equal(await emulator.stop(), 0);
});

// OPEN n times, then CLOSE n times.
const deep = (n, open, close) => open.repeat(n) + close.repeat(n);
const deepJson = deep(100000, '[', ']');

// CMD exits 2 (not 139, not 0) and its stderr names FILE and says what is wrong.
async function expectRefusal(file, args) {
  const r = await popcheck(args);
  assert.equal(r.code, 2, r.text);
  assert.ok(r.stderr.includes(file), `the error does not name ${file}: ${r.stderr.slice(0, 600)}`);
  assert.match(r.stderr, /deeper than/, 'the error does not say what is wrong');
}

test('hostile input is refused by name and every server keeps serving (items 1, 2 and 6)', async (t) => {
  assert.equal(deepJson.length, 200000);
  const recorded = at('deep-recorded');
  const query = 'Action=DescribeRegions&Version=2014-05-26&RegionId=cn-hangzhou';
  const emulator = await startEmulator();

  await t.test('record: a 100,000-deep POST is recorded, the next request served, stale temporaries removed', async () => {
    fs.mkdirSync(path.join(recorded, 'ecs', 'DescribeRegions'), { recursive: true });
    // What kill -9 during a recording leaves behind, and a look-alike that is not the writer's.
    fs.writeFileSync(path.join(recorded, 'ecs', 'DescribeRegions', '.000003-ab12cd34.json.tmp-1234567890'), '{"half\n');
    fs.writeFileSync(path.join(recorded, 'ecs', '.000000-ffffffff.json.tmp-42'), '{"half\n');
    fs.writeFileSync(path.join(recorded, 'ecs', 'DescribeRegions', '.notes.tmp-x'), 'keep\n');
    const recorder = await startProxy(['--mode', 'record', '--upstream', emulator.url, '--fixtures', recorded], { name: 'recorder' });
    await recorder.errMatching(/removed 2 temporary file/);
    const left = fs.readdirSync(recorded, { recursive: true }).filter((f) => /^\..*\.json\.tmp-/.test(path.basename(f)));
    assert.deepEqual(left, [], 'stale temporaries are left');
    assert.ok(fs.existsSync(path.join(recorded, 'ecs', 'DescribeRegions', '.notes.tmp-x')), 'a file not the writer\'s was removed');
    const answer = await request(`${recorder.url}/?${query}`, {
      method: 'POST', headers: { 'Content-Type': 'application/json' }, body: deepJson,
    });
    assert.equal(answer.status, 200, answer.body.slice(0, 300));
    const normal = await request(`${recorder.url}/?${query}&Format=JSON`);
    assert.equal(normal.status, 200, 'no answer after the deep POST');
    assert.match(normal.body, /"RequestId"/);
    assert.equal(await recorder.stop(), 0);
    const files = jsonFilesBelow(recorded);
    assert.equal(files.length, 2);
    assert.ok(files.some((f) => readText(recorded, f).includes(deepJson.slice(0, 1000))), 'the deep request body was not recorded');
  });

  const replayDir = at('deep-replay');
  const badFixture = path.join(replayDir, 'ecs', 'Deep', '000000-deadbeef.json');
  await t.test('replay: one deep fixture among good ones is named and skipped', async () => {
    copyDir(recorded, replayDir);
    fs.mkdirSync(path.dirname(badFixture), { recursive: true });
    fs.writeFileSync(badFixture, '{"request": {"params": {"Action": "Deep"}}, "response": {"status": 200, ' +
      `"body_format": "json", "body": ${deepJson}}}\n`);
    const replayer = await startProxy(['--mode', 'replay', '--fixtures', replayDir], { name: 'replayer' });
    await replayer.errMatching(literal(badFixture));
    const replayed = await request(`${replayer.url}/?${query}&Format=JSON`);
    assert.equal(replayed.status, 200, 'replay did not serve a good fixture');
    assert.match(replayed.body, /"RequestId"/);
    assert.equal(await replayer.stop(), 0);
  });
  assert.equal(await emulator.stop(), 0);

  await t.test('compile: the deep API is named with product and version, the other compiles', async () => {
    const docs = at('api-docs.json');
    fs.writeFileSync(docs, '{"info": {"product": "Vpc", "version": "2016-04-28"}, "apis": {' +
      '"DescribeVpcs": {"parameters": [{"name": "RegionId", "in": "query", "schema": {"type": "string"}}]},' +
      `"DeepAction": {"responses": {"200": {"schema": ${'{"type":"object","properties":{"A":'.repeat(30000)}` +
      `{"type":"string"}${'}}'.repeat(30000)}}}}}}\n`);
    const r = await popcheck(['compile', docs, '--out', at('catalogue')]);
    assert.equal(r.code, 2, r.text);
    assert.ok(r.stderr.includes(docs) && /deeper than/.test(r.stderr), r.stderr.slice(0, 600));
    assert.match(r.stderr, /Vpc 2016-04-28 DeepAction/);
    assert.ok(fs.existsSync(at('catalogue', 'vpc', 'DescribeVpcs.json')), 'the other API was not compiled');
  });

  await t.test('run, export-har, from-fixtures, import-har, report html|diff|merge: exit 2 naming the file', async () => {
    const cases = at('deep-cases');
    fs.mkdirSync(path.join(cases, 'ecs'), { recursive: true });
    fs.copyFileSync(path.join(src, 'cases', 'ecs', 'RemoveTags.json'), path.join(cases, 'ecs', 'RemoveTags.json'));
    const deepCase = path.join(cases, 'ecs', 'Deep.json');
    fs.writeFileSync(deepCase, '{"contract": {"product": "Ecs", "version": "2014-05-26", "action": "Deep", "response": ' +
      `${'{"name":"A","type":"object","children":['.repeat(30000)}{}${']}'.repeat(30000)}}, "cases": []}\n`);
    await expectRefusal(deepCase, ['run', '--cases', cases, '--report-dir', at('run')]);

    const fixtures = at('deep-fixtures');
    copyDir(path.join(recorded, 'ecs', 'DescribeRegions'), path.join(fixtures, 'ecs', 'DescribeRegions'));
    copyDir(path.dirname(badFixture), path.join(fixtures, 'ecs', 'Deep'));
    const deepFixture = path.join(fixtures, 'ecs', 'Deep', '000000-deadbeef.json');
    await expectRefusal(deepFixture, ['fixtures', 'export-har', fixtures, '--out', at('x.har')]);
    await expectRefusal(deepFixture, ['cases', 'from-fixtures', fixtures, '--out', at('derived')]);

    const har = at('deep.har');
    fs.writeFileSync(har, `{"log": {"version": "1.2", "entries": [], "comment": ${deepJson}}}\n`);
    await expectRefusal(har, ['fixtures', 'import-har', har, '--out', at('imported')]);

    const results = at('results.json');
    fs.writeFileSync(results, `{"endpoint": "http://127.0.0.1:1", "cases": [{"id": "a", "status": "passed", "detail": ${deepJson}}]}\n`);
    await expectRefusal(results, ['report', 'html', results, '-o', at('r.html')]);
    await expectRefusal(results, ['report', 'diff', results, results]);
    await expectRefusal(results, ['report', 'merge', results, '--out', at('merged')]);
  });
});
