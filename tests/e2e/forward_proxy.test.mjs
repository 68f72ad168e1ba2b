// The forward proxy the environment names (HTTP_PROXY, HTTPS_PROXY, NO_PROXY, as the SDKs and curl
// read them), for the two commands that call an endpoint:
//  - `popcheck run --endpoint URL` goes through it, NO_PROXY covering the endpoint goes straight,
//    and the embedded emulator (in the same process) never goes through one;
//  - `popcheck proxy --upstream URL` forwards through it (recording from behind a corporate proxy).
// The forward proxy here is a small node server that takes absolute-form requests, keeps their
// targets, and passes them on.
import assert from 'node:assert/strict';
import http from 'node:http';
import path from 'node:path';
import test from 'node:test';

import { copyDir, jsonFilesBelow, popcheck, request, src, startEmulator, startProxy, tempDir } from './lib/harness.mjs';

const tmp = tempDir();
const keys = { ALIBABA_CLOUD_ACCESS_KEY_ID: 'e2e-key-id', ALIBABA_CLOUD_ACCESS_KEY_SECRET: 'e2e-key-secret' };
const noProxy = { HTTPS_PROXY: undefined, https_proxy: undefined, HTTP_PROXY: undefined, http_proxy: undefined,
  NO_PROXY: undefined, no_proxy: undefined };

// Resolves {url, seen, close}: seen lists the request targets it was sent, in order.
function startForwardProxy() {
  const seen = [];
  const server = http.createServer((req, res) => {
    seen.push(req.url);
    const upstream = http.request(req.url, { method: req.method, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', (e) => {
      res.writeHead(502);
      res.end(`forward proxy: ${e.message}`);
    });
    req.pipe(upstream);
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => resolve({
      url: `http://127.0.0.1:${server.address().port}`,
      seen,
      close: () => new Promise((done) => { server.closeAllConnections(); server.close(done); }),
    }));
  });
}

test('popcheck run and popcheck proxy go through the forward proxy the environment names', async (t) => {
  const forward = await startForwardProxy();
  t.after(() => forward.close());
  const emulator = await startEmulator();
  const cases = path.join(tmp, 'cases');
  copyDir(path.join(src, 'cases'), cases);

  await t.test('run --endpoint: every request through HTTP_PROXY, in absolute form', async () => {
    const before = forward.seen.length;
    const r = await popcheck(['run', '--cases', cases, '--endpoint', emulator.url, '--report-dir',
      path.join(tmp, 'through'), '-q'], { env: { ...keys, ...noProxy, HTTP_PROXY: forward.url } });
    assert.ok(r.code === 0 || r.code === 1, r.text);
    const seen = forward.seen.slice(before);
    assert.ok(seen.length > 0, 'nothing went through the forward proxy');
    for (const target of seen) assert.ok(target.startsWith(`${emulator.url}/`), target);
  });
  await t.test('run --endpoint with NO_PROXY covering it: straight to the endpoint', async () => {
    const before = forward.seen.length;
    const r = await popcheck(['run', '--cases', cases, '--endpoint', emulator.url, '--report-dir',
      path.join(tmp, 'bypass'), '-q'], { env: { ...keys, ...noProxy, HTTP_PROXY: forward.url, NO_PROXY: '127.0.0.1' } });
    assert.ok(r.code === 0 || r.code === 1, r.text);
    assert.equal(forward.seen.length, before, 'NO_PROXY was not honoured');
  });
  await t.test('run against the embedded emulator ignores the proxy variables', async () => {
    // A proxy nobody listens on: going through it would make every case fail on the network.
    const r = await popcheck(['run', '--cases', cases, '--report-dir', path.join(tmp, 'embedded'), '-q'],
      { env: { ...noProxy, HTTP_PROXY: 'http://127.0.0.1:9', HTTPS_PROXY: 'http://127.0.0.1:9' } });
    assert.ok(r.code === 0 || r.code === 1, r.text);
  });
  await t.test('a proxy variable naming an unsupported scheme is a usage error naming it', async () => {
    const r = await popcheck(['run', '--cases', cases, '--endpoint', emulator.url, '--report-dir',
      path.join(tmp, 'refused'), '-q'],
      { env: { ...keys, ...noProxy, HTTP_PROXY: 'socks5://user:secret@127.0.0.1:1080' } });
    assert.equal(r.code, 2, r.text);
    assert.match(r.stderr, /HTTP_PROXY/);
    assert.doesNotMatch(r.text, /secret/);
  });
  await t.test('proxy --upstream records through HTTP_PROXY', async () => {
    const before = forward.seen.length;
    const fixtures = path.join(tmp, 'fixtures');
    const proxy = await startProxy(['--mode', 'record', '--upstream', emulator.url, '--fixtures', fixtures],
      { env: { ...noProxy, HTTP_PROXY: forward.url } });
    const r = await request(`${proxy.url}/?Action=DescribeRegions&Version=2014-05-26&Format=JSON`);
    await proxy.stop();
    assert.equal(r.status, 200, r.body);
    assert.match(r.body, /Regions/);
    assert.deepEqual(forward.seen.slice(before).map((u) => u.startsWith(`${emulator.url}/`)), [true]);
    assert.equal(jsonFilesBelow(fixtures).length, 1, 'the exchange was not recorded');
  });
  await emulator.stop();
});
