// HAR 1.2 interchange end to end (docs/har.md):
//  1. real SDK calls recorded through the proxy against the emulator and exported with
//     `fixtures export-har`: every field HAR 1.2 requires, with its type, and no credential;
//  2. the HAR imported into an empty folder gives the same match keys and fixtures, and a replay
//     proxy on it, with the emulator stopped, gives the SDKs identical answers;
//  3. a hand-written browser-style capture (base64 body, V3 POST, a page request, a signed URL)
//     imports, replays, and leaves no secret in any fixture; --redact-path applies per file;
//  4. a malformed HAR exits 2 naming the entry while its good entries are imported.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import test from 'node:test';

import {
  getJson, jsonFilesBelow, popcheck, readJson, readText, request, sdkMissing, startEmulator, startProxy, tempDir,
} from './lib/harness.mjs';
import { callThroughSdks } from './lib/sdk_calls.mjs';

const tmp = tempDir();
const at = (...p) => path.join(tmp, ...p);
const dummy = { id: 'LTAIharDummyKey3344', secret: 'harDummySecret3344' };
const xmlQuery = '/?Action=DescribeRegions&Version=2014-05-26&Format=XML&RegionId=cn-hangzhou';
// The match key of a fixture file: the hash at the end of its name.
const keyOf = (f) => f.replace(/.*-([0-9a-f]*)\.json$/, '$1');

// The problems of a HAR document against HAR 1.2 (http://www.softwareishard.com/blog/har-12-spec/):
// every required field with its type, entries in recorded order, GETs with an Action, form POSTs.
function harProblems(har, want) {
  const problems = [];
  const need = (obj, at2, field, type) => {
    const v = obj == null ? undefined : obj[field];
    const ok = type === 'array' ? Array.isArray(v) : type === 'object'
      ? v !== null && typeof v === 'object' && !Array.isArray(v) : typeof v === type;
    if (!ok) problems.push(`${at2}.${field}: expected ${type}, got ${JSON.stringify(v)}`);
    return v;
  };
  const log = need(har, '', 'log', 'object') || {};
  if (log.version !== '1.2') problems.push(`log.version is ${log.version}`);
  need(need(log, 'log', 'creator', 'object'), 'log.creator', 'name', 'string');
  need(log.creator, 'log.creator', 'version', 'string');
  const entries = need(log, 'log', 'entries', 'array') || [];
  if (entries.length !== want) problems.push(`${entries.length} entries, expected ${want}`);
  let forms = 0;
  let gets = 0;
  let previous = null;
  entries.forEach((e, i) => {
    const w = `entries[${i}]`;
    const t = need(e, w, 'startedDateTime', 'string');
    if (Number.isNaN(Date.parse(t))) problems.push(`${w}.startedDateTime is not a date: ${t}`);
    if (previous !== null && Date.parse(t) < previous) problems.push(`${w} is out of recorded order`);
    previous = Date.parse(t);
    need(e, w, 'time', 'number');
    const req = need(e, w, 'request', 'object') || {};
    for (const f of ['method', 'url', 'httpVersion']) need(req, `${w}.request`, f, 'string');
    for (const f of ['cookies', 'headers', 'queryString']) need(req, `${w}.request`, f, 'array');
    for (const f of ['headersSize', 'bodySize']) need(req, `${w}.request`, f, 'number');
    new URL(req.url);
    if (req.method === 'GET') {
      gets++;
      if (!/[?&]Action=/.test(req.url)) problems.push(`${w}: a GET without Action in its URL`);
    }
    if (req.postData) {
      need(req.postData, `${w}.request.postData`, 'mimeType', 'string');
      if (/x-www-form-urlencoded/.test(req.postData.mimeType)) {
        forms++;
        need(req.postData, `${w}.request.postData`, 'params', 'array');
        need(req.postData, `${w}.request.postData`, 'text', 'string');
      }
    }
    const res = need(e, w, 'response', 'object') || {};
    for (const f of ['status', 'headersSize', 'bodySize']) need(res, `${w}.response`, f, 'number');
    for (const f of ['statusText', 'httpVersion', 'redirectURL']) need(res, `${w}.response`, f, 'string');
    for (const f of ['cookies', 'headers']) need(res, `${w}.response`, f, 'array');
    const c = need(res, `${w}.response`, 'content', 'object');
    need(c, `${w}.response.content`, 'size', 'number');
    need(c, `${w}.response.content`, 'mimeType', 'string');
    need(c, `${w}.response.content`, 'text', 'string');
    need(e, w, 'cache', 'object');
    const tm = need(e, w, 'timings', 'object');
    for (const f of ['send', 'wait', 'receive']) need(tm, `${w}.timings`, f, 'number');
  });
  if (gets < 2 || forms < 2) problems.push(`expected GETs and form POSTs, got ${gets} and ${forms}`);
  return problems;
}

test('SDK exchanges: recorded, exported, imported and replayed identically', { skip: sdkMissing('@alicloud/pop-core') },
  async (t) => {
    const recorded = at('recorded');
    const imported = at('imported');
    let recordedCalls;
    await t.test('recorded through the proxy: 10 fixtures', async () => {
      const emulator = await startEmulator();
      const proxy = await startProxy(['--mode', 'record', '--upstream', emulator.url, '--fixtures', recorded]);
      recordedCalls = await callThroughSdks(proxy.url.slice(7), dummy.id, dummy.secret);
      // One XML answer as well: its body is text, not JSON.
      assert.equal((await request(`${proxy.url}${xmlQuery}`)).status, 200);
      assert.equal(await proxy.stop(), 0);
      assert.equal(await emulator.stop(), 0);
      assert.equal(jsonFilesBelow(recorded).length, 10);
    });
    await t.test('export-har: every field HAR 1.2 requires, no credential', async () => {
      const r = await popcheck(['fixtures', 'export-har', recorded, '--out', at('recorded.har')]);
      assert.equal(r.code, 0, r.text);
      const text = readText(at('recorded.har'));
      assert.deepEqual(harProblems(JSON.parse(text), 10), []);
      assert.ok(!text.includes(dummy.id) && !text.includes(dummy.secret), 'the exported HAR holds a credential');
    });
    await t.test('import-har into an empty folder: the same paths, keys, params, answers and provenance', async () => {
      const r = await popcheck(['fixtures', 'import-har', at('recorded.har'), '--out', imported]);
      assert.equal(r.code, 0, r.text);
      assert.ok(r.stdout.includes('10 imported, 0 skipped'), r.stdout);
      assert.deepEqual(jsonFilesBelow(imported), jsonFilesBelow(recorded));
      assert.deepEqual(jsonFilesBelow(imported).map(keyOf), jsonFilesBelow(recorded).map(keyOf));
      for (const f of jsonFilesBelow(recorded)) {
        const x = readJson(recorded, f);
        const y = readJson(imported, f);
        assert.deepEqual(y.request.method, x.request.method, `${f}: request.method`);
        assert.deepEqual(y.request.params, x.request.params, `${f}: request.params`);
        assert.deepEqual(y.response, x.response, `${f}: response`);
        assert.deepEqual(y.provenance, x.provenance, `${f}: provenance`);
      }
    });
    await t.test('a replay proxy on the imported HAR answers as the emulator did, to other keys', async () => {
      // The replay listens on a port of its own; the SDKs and the XML request go to it.
      const replay = await startProxy(['--mode', 'replay', '--fixtures', imported]);
      const replayed = await callThroughSdks(replay.url.slice(7), 'LTAIotherDummy5566', 'otherSecret5566');
      const xml = await request(`${replay.url}${xmlQuery}`);
      const stats = await getJson(`${replay.url}/__popcheck/stats`);
      assert.equal(await replay.stop(), 0);
      assert.deepEqual(replayed, recordedCalls);
      assert.match(xml.headers['content-type'], /^text\/xml/);
      const original = jsonFilesBelow(recorded).find((f) => f.includes('DescribeRegions'));
      assert.equal(xml.body, readJson(recorded, original).response.body, 'the XML body differs after the round trip');
      assert.equal(stats.misses, 0, JSON.stringify(stats));
      assert.equal(stats.hits, 10, JSON.stringify(stats));
    });
  });

// A capture as a browser's developer tools save it: a page request, a signed V1 GET with a base64
// gzip-described body, and a V3 POST.
const browserHar = {
  log: {
    version: '1.2', creator: { name: 'WebInspector', version: '537.36' },
    pages: [{ startedDateTime: '2026-11-23T10:00:00.000+08:00', id: 'page_1', title: 'console', pageTimings: {} }],
    entries: [
      {
        pageref: 'page_1', startedDateTime: '2026-11-23T10:00:00.100+08:00', time: 12.5,
        request: {
          method: 'GET', url: 'https://console.example.com/index.html', httpVersion: 'http/2.0',
          headers: [], queryString: [], cookies: [], headersSize: -1, bodySize: 0,
        },
        response: {
          status: 200, statusText: '', httpVersion: 'http/2.0', headers: [], cookies: [],
          content: { size: 5, mimeType: 'text/html', text: '<p/>' }, redirectURL: '', headersSize: -1, bodySize: -1,
        },
        cache: {}, timings: { send: 0, wait: 12, receive: 0.5 },
      },
      {
        startedDateTime: '2026-11-23T10:00:01.000+08:00', time: 30,
        request: {
          method: 'GET',
          url: 'https://ecs.cn-hangzhou.aliyuncs.com/?AccessKeyId=LTAIbrowserHar9911&Action=DescribeRegions&Format=JSON' +
            '&RegionId=cn-hangzhou&SecurityToken=STS.browserToken9911&SignatureMethod=HMAC-SHA1&SignatureNonce=1f2e3d' +
            '&SignatureVersion=1.0&Timestamp=2026-11-23T02%3A00%3A01Z&Version=2014-05-26&Signature=SGFyU2lnbmF0dXJlOTkxMQ%3D%3D',
          httpVersion: 'http/2.0',
          headers: [{ name: ':authority', value: 'ecs.cn-hangzhou.aliyuncs.com' },
            { name: 'cookie', value: 'login_aliyunid_ticket=TICKETSECRET9911' },
            { name: 'accept', value: 'application/json' }],
          queryString: [], cookies: [{ name: 'login_aliyunid_ticket', value: 'TICKETSECRET9911' }],
          headersSize: -1, bodySize: 0,
        },
        response: {
          status: 200, statusText: '', httpVersion: 'http/2.0',
          headers: [{ name: 'content-type', value: 'application/json;charset=utf-8' },
            { name: 'content-encoding', value: 'gzip' }, { name: 'x-acs-request-id', value: 'B1-REQ' }],
          cookies: [],
          content: {
            size: 63, mimeType: 'application/json', encoding: 'base64',
            text: 'eyJSZXF1ZXN0SWQiOiJCMS1SRVEiLCJSZWdpb25zIjp7IlJlZ2lvbiI6W3siUmVnaW9uSWQiOiJjbi1oYW5nemhvdSJ9XX19',
          },
          redirectURL: '', headersSize: -1, bodySize: -1,
        },
        cache: {}, timings: { send: 0, wait: 30, receive: 0 },
      },
      {
        startedDateTime: '2026-11-23T02:00:02Z',
        request: {
          method: 'POST', url: 'https://vpc.aliyuncs.com/?RegionId=cn-hangzhou&VpcName=web',
          headers: [{ name: 'x-acs-action', value: 'CreateVpc' }, { name: 'x-acs-version', value: '2016-04-28' },
            { name: 'x-acs-accesskey-id', value: 'LTAIbrowserHar9911' },
            {
              name: 'Authorization',
              value: 'ACS3-HMAC-SHA256 Credential=LTAIbrowserHar9911,SignedHeaders=host;x-acs-action;x-acs-version,' +
                'Signature=9f8e7d6c5b4a39281706f5e4d3c2b1a0',
            },
            { name: 'content-type', value: 'application/json' }],
          postData: { mimeType: 'application/json', text: '{"CidrBlock":"172.16.0.0/12"}' },
        },
        response: { status: 200, content: { mimeType: 'application/json', text: '{"RequestId":"B2-REQ","VpcId":"vpc-har1"}' } },
      },
    ],
  },
};

test('a browser-style capture imports, replays decoded to any key, and leaves no secret', async () => {
  fs.writeFileSync(at('browser.har'), JSON.stringify(browserHar));
  const browser = at('browser');
  const r = await popcheck(['fixtures', 'import-har', at('browser.har'), '--out', browser]);
  assert.equal(r.code, 0, r.text);
  assert.ok(r.stdout.includes('2 imported, 1 skipped'), r.stdout);
  assert.ok(jsonFilesBelow(path.join(browser, 'ecs', 'DescribeRegions')).length > 0, 'no ecs/DescribeRegions fixture');
  assert.ok(jsonFilesBelow(path.join(browser, 'vpc', 'CreateVpc')).length > 0, 'no vpc/CreateVpc fixture');
  const all = jsonFilesBelow(browser).map((f) => readText(browser, f)).join('\n');
  for (const secret of ['LTAIbrowserHar9911', 'STS.browserToken9911', 'SGFyU2lnbmF0dXJlOTkxMQ', 'TICKETSECRET9911',
    '9f8e7d6c5b4a39281706f5e4d3c2b1a0', '1f2e3d']) {
    assert.ok(!all.includes(secret), `a fixture contains a secret (${secret})`);
  }
  assert.ok(!/"Signature"|"AccessKeyId"|ACS3-HMAC/.test(all), 'a fixture contains a credential field');

  const replay = await startProxy(['--mode', 'replay', '--fixtures', browser]);
  const got = await request(`${replay.url}/?Action=DescribeRegions&Version=2014-05-26&RegionId=cn-hangzhou&AccessKeyId=x`);
  const v3 = await request(`${replay.url}/?RegionId=cn-hangzhou&VpcName=web`, {
    method: 'POST', headers: { 'x-acs-action': 'CreateVpc', 'x-acs-version': '2016-04-28' },
  });
  assert.equal(await replay.stop(), 0);
  assert.equal(got.body, '{"RequestId":"B1-REQ","Regions":{"Region":[{"RegionId":"cn-hangzhou"}]}}');
  assert.equal(v3.body, '{"RequestId":"B2-REQ","VpcId":"vpc-har1"}');
});

test('--redact-path is repeatable and takes one path each, so HAR files may follow it', async () => {
  fs.writeFileSync(at('browser.har'), JSON.stringify(browserHar));
  fs.writeFileSync(at('sts.har'), JSON.stringify({
    log: {
      entries: [{
        request: { url: 'https://sts.aliyuncs.com/?Action=AssumeRole&Version=2015-04-01' },
        response: {
          status: 200,
          content: { text: '{"Credentials":{"Expiration":"2026-11-23T17:00:00Z","Key":"STSKEY1234"},"Password":"PW123456","RequestId":"R"}' },
        },
      }],
    },
  }));
  const out = at('sts');
  const r = await popcheck(['fixtures', 'import-har', at('browser.har'), '--redact-path', 'Credentials.*', at('sts.har'),
    '--redact-path', '$.Password', '--out', out]);
  assert.equal(r.code, 0, r.text);
  assert.ok(r.stdout.includes('3 imported, 1 skipped'), `both HAR files were not read: ${r.stdout}`);
  const all = jsonFilesBelow(out).map((f) => readText(out, f)).join('\n');
  assert.ok(!all.includes('STSKEY1234') && !all.includes('PW123456'), '--redact-path left a value');
  const sts = jsonFilesBelow(path.join(out, 'sts')).map((f) => readText(out, 'sts', f)).join('\n');
  assert.ok(sts.includes('"RequestId": "R"'), 'the STS answer lost more than the redacted paths');
});

test('a malformed HAR: exit 2, every problem named with its entry, the good entry imported', async () => {
  fs.writeFileSync(at('bad.har'), JSON.stringify({
    log: {
      entries: [
        {
          request: { method: 'GET', url: 'http://127.0.0.1:1/?Action=DescribeZones&Version=2014-05-26' },
          response: { status: 200, content: { text: '{}' } },
        },
        {
          request: { method: 'GET', url: 'http://127.0.0.1:1/?Action=DescribeRegions&Version=2014-05-26' },
          response: { content: { text: '{}' } },
        },
        { request: { method: 'GET' }, response: { status: 200 } },
      ],
    },
  }));
  const r = await popcheck(['fixtures', 'import-har', at('bad.har'), '--out', at('bad')]);
  assert.equal(r.code, 2, r.text);
  assert.ok(r.stderr.includes('bad.har: entries[1].response.status: missing'), r.stderr);
  assert.ok(r.stderr.includes('bad.har: entries[2].request.url: missing'), r.stderr);
  assert.ok(r.stdout.includes('1 imported, 0 skipped (not Alibaba RPC calls), 2 errors'), r.stdout);
  assert.equal(jsonFilesBelow(at('bad')).length, 1, 'the good entry was not imported');
});

test('not a HAR, a missing HAR and a missing fixtures folder: exit 2 naming them', async () => {
  fs.writeFileSync(at('not.har'), '[1,2]');
  const not = await popcheck(['fixtures', 'import-har', at('not.har'), '--out', at('not')]);
  assert.equal(not.code, 2, not.text);
  assert.match(not.stderr, /not a HAR file/);
  const nowhere = await popcheck(['fixtures', 'export-har', at('nowhere'), '--out', at('x.har')]);
  assert.equal(nowhere.code, 2, nowhere.text);
  assert.match(nowhere.stderr, /no such fixtures folder/);
  const absent = await popcheck(['fixtures', 'import-har', at('absent.har'), '--out', at('absent')]);
  assert.equal(absent.code, 2, absent.text);
  assert.ok(absent.stderr.includes('absent.har'), absent.stderr);
});
