// The recording proxy under bad input keeps serving other clients (the upstream is the emulator):
// malformed HTTP gets an error answer or a close; slow clients holding half a request hold up nobody;
// a body over the limit is refused and not recorded; a full disk while recording is an Alibaba-style
// 5xx with no partial or temporary file left, and recording works again once there is room; corrupt
// fixture files are named at start-up while the good ones replay.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import test, { after } from 'node:test';

import { filesBelow, getJson, jsonFilesBelow, request, startEmulator, startProxy, tempDir } from './lib/harness.mjs';

const tmp = tempDir();
const fixtures = path.join(tmp, 'fixtures');
fs.mkdirSync(fixtures);
// A tiny tmpfs for the fixtures when this machine lets us mount one (root with CAP_SYS_ADMIN), so that
// the disk really fills up; otherwise a plain folder, made impossible to write below later.
let mounted = false;
if (!process.env.PROXY_FAULTS_NO_TMPFS) {
  mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=256k', 'tmpfs', fixtures]).status === 0;
  if (mounted) {
    console.log('fixtures on a 256 KiB tmpfs');
    // Before the temporary folder goes; root hooks run after every test, the servers stopped.
    after(() => spawnSync('umount', [fixtures]));
  }
}

const emulator = await startEmulator();
const proxy = await startProxy(['--mode', 'record', '--upstream', emulator.url, '--fixtures', fixtures]);
const port = Number(proxy.url.split(':').pop());
const call = (region) => request(`${proxy.url}/?Action=DescribeRegions&Version=2014-05-26&Format=JSON&RegionId=${region}`);
async function healthy(after) {
  const h = await getJson(`${proxy.url}/__popcheck/health`);
  assert.equal(h.status, 'ok', `the proxy is unhealthy after ${after}`);
}

// Sends BYTES on a fresh connection and resolves what comes back before the server closes (or 10 s).
function rawExchange(bytes) {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    const got = [];
    socket.setTimeout(10_000, () => socket.destroy());
    socket.on('connect', () => socket.write(bytes));
    socket.on('data', (d) => {
      got.push(d);
      socket.end();
    });
    socket.on('error', (e) => (e.code === 'ECONNRESET' ? resolve(Buffer.concat(got)) : reject(e)));
    socket.on('close', () => resolve(Buffer.concat(got)));
  });
}

test('a first recording works', async () => {
  const r = await call('cn-hangzhou');
  assert.equal(r.status, 200, r.body);
});

test('malformed HTTP gets a 4xx answer or a close, never a crash', async () => {
  for (const junk of [Buffer.from('GARBAGE\r\n\r\n'),
    Buffer.from('GET / HTTP/1.1\r\nHost: x\r\nContent-Length: nope\r\n\r\n'),
    Buffer.concat([Buffer.from([0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, 0xfc, 0x03, 0x03]), Buffer.alloc(64)])]) {
    const answer = await rawExchange(junk);
    assert.ok(answer.length === 0 || answer.toString('latin1').startsWith('HTTP/1.1 4'),
      `malformed request answered with ${JSON.stringify(answer.toString('latin1').slice(0, 60))}`);
  }
  await healthy('malformed requests');
});

test('20 slow clients holding half a request hold up nobody', async () => {
  const slow = await Promise.all(Array.from({ length: 20 }, () => new Promise((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1', () => {
      s.write('GET /?Action=DescribeRegions HTTP/1.1\r\nHost: x\r\nX-Slow: ');
      resolve(s);
    });
    s.on('error', reject);
  })));
  for (let i = 0; i < 20; i++) await healthy('slow clients connected');
  for (const s of slow) s.destroy();
  await healthy('slow clients');
});

test('a body over the server\'s limit (8 MiB) is refused and nothing is recorded for it', async () => {
  const before = filesBelow(fixtures).length;
  const status = await request(`${proxy.url}/?Action=Huge`, {
    method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: Buffer.alloc(12 * 1024 * 1024, 'a'),
  }).then((r) => r.status, () => 0);
  assert.ok(status === 0 || (status >= 400 && status < 500), `a huge body got ${status}`);
  assert.equal(filesBelow(fixtures).length, before, 'a huge body was recorded');
  await healthy('a huge body');
});

test('a full disk while recording: an Alibaba-style 5xx, nothing left behind, recovery', async () => {
  const before = filesBelow(fixtures);
  const filler = path.join(fixtures, 'filler');
  const saved = path.join(tmp, 'fixtures.saved');
  if (mounted) {
    // Fill the tmpfs until ENOSPC.
    const fd = fs.openSync(filler, 'w');
    try {
      for (;;) fs.writeSync(fd, Buffer.alloc(4096));
    } catch (e) {
      assert.equal(e.code, 'ENOSPC', e.message);
    }
    fs.closeSync(fd);
  } else {
    // No tmpfs: the fixtures folder becomes a file, so nothing can be created below it.
    fs.renameSync(fixtures, saved);
    fs.writeFileSync(fixtures, 'not a folder\n');
  }
  const r = await call('eu-west-1');
  assert.ok(r.status >= 500 && r.status < 600, `recording on a full disk answered ${r.status}: ${r.body}`);
  assert.ok(r.body.includes('"Code":"Popcheck.Fixture.WriteFailed"'), `no Alibaba-style error: ${r.body}`);
  assert.ok(r.body.includes('"RequestId"'), 'an error body without RequestId');
  if (mounted) {
    assert.deepEqual(filesBelow(fixtures).filter((f) => f !== 'filler'), before, 'files left behind by the failed recording');
    for (const f of jsonFilesBelow(fixtures)) JSON.parse(fs.readFileSync(path.join(fixtures, f), 'utf8'));
    fs.rmSync(filler);
  } else {
    fs.rmSync(fixtures);
    fs.renameSync(saved, fixtures);
  }
  await healthy('a full disk');
  const again = await call('eu-west-1');
  assert.equal(again.status, 200, `recording did not recover once there was room: ${again.body}`);
  assert.equal(jsonFilesBelow(fixtures).length, 2);
  const stats = await getJson(`${proxy.url}/__popcheck/stats`);
  assert.equal(stats.recorded, 2, JSON.stringify(stats));
});

test('corrupt fixture files are named at start-up and the rest still replay', async () => {
  await proxy.stop();
  const replayDir = path.join(tmp, 'replay', 'ecs', 'DescribeRegions');
  fs.mkdirSync(replayDir, { recursive: true });
  const good = jsonFilesBelow(fixtures).find((f) => fs.readFileSync(path.join(fixtures, f), 'utf8').includes('"RegionId": "cn-hangzhou"'));
  assert.ok(good, 'no recorded cn-hangzhou fixture');
  fs.copyFileSync(path.join(fixtures, good), path.join(replayDir, '000000-good.json'));
  fs.writeFileSync(path.join(replayDir, '000001-truncated.json'), '{"request": {"method": "GET"');
  fs.writeFileSync(path.join(replayDir, '000002-bad.json'), '{"request": {}, "response": {"status": "x"}}');
  const replay = await startProxy(['--mode', 'replay', '--fixtures', path.join(tmp, 'replay')], { name: 'replay' });
  await replay.errMatching(/000001-truncated\.json/);
  await replay.errMatching(/000002-bad\.json/);
  const r = await request(`${replay.url}/?Action=DescribeRegions&Version=2014-05-26&RegionId=cn-hangzhou`);
  assert.equal(r.status, 200, 'the good fixture does not replay beside corrupt ones');
  await replay.stop();
  await emulator.stop();
});
