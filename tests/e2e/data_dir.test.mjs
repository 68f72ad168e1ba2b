// The data folder (docs/data.md) through the real binary: a copy of popcheck with nothing beside it
// stops with exit 2 and says where it looked and how to set it (run and emulate, never a silent
// fallback to the seed APIs); POPCHECK_DATA_DIR and --data-dir make it whole, the flag winning; the
// build tree's own layout (<build>/bin/popcheck, <build>/share/popcheck) serves from any folder.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import test from 'node:test';

import { bin, popcheck, request, run, startEmulator, tempDir } from './lib/harness.mjs';

const share = path.join(path.dirname(bin), '..', 'share', 'popcheck');
const tmp = tempDir();
const alone = path.join(tmp, 'alone', 'bin', 'popcheck');
const elsewhere = path.join(tmp, 'elsewhere');
fs.mkdirSync(path.dirname(alone), { recursive: true });
fs.mkdirSync(elsewhere);
fs.copyFileSync(bin, alone);
fs.chmodSync(alone, 0o755);
const noData = { POPCHECK_DATA_DIR: undefined };
const lone = (args, env = {}) => run(alone, args, { cwd: elsewhere, env: { ...noData, ...env } });

test('the build tree has share/popcheck/metadata beside the binary', () => {
  assert.ok(fs.existsSync(path.join(share, 'metadata')), `no ${share}/metadata`);
});

for (const cmd of ['run', 'emulate']) {
  test(`${cmd} with no data folder: exit 2, where it looked and how to set it`, async () => {
    const r = await lone([cmd]);
    assert.equal(r.code, 2, r.text);
    assert.ok(r.stderr.includes(
      `popcheck ${cmd}: no data folder: looked for ${path.join(tmp, 'alone', 'share', 'popcheck', 'metadata')}`),
    r.stderr);
    assert.ok(r.stderr.includes('--data-dir DIR or POPCHECK_DATA_DIR'), r.stderr);
  });
}

test('POPCHECK_DATA_DIR makes the copy whole: the seed suite passes', async () => {
  const r = await lone(['run', '-q', '--report-dir', path.join(tmp, 'r1')], { POPCHECK_DATA_DIR: share });
  assert.equal(r.code, 0, r.text);
  assert.match(r.stdout, /^[1-9][0-9]* passed, 0 failed/m);
});

test('--data-dir wins over the variable; a --data-dir that is no folder is exit 2 naming it', async () => {
  const nowhere = path.join(tmp, 'nowhere');
  const flag = await lone(['run', '-q', '--data-dir', share, '--report-dir', path.join(tmp, 'r2')],
    { POPCHECK_DATA_DIR: nowhere });
  assert.equal(flag.code, 0, flag.text);
  const bad = await lone(['run', '-q', '--data-dir', nowhere]);
  assert.equal(bad.code, 2, bad.text);
  assert.ok((bad.stdout + bad.stderr).includes(`--data-dir names ${nowhere}`), bad.text);
});

test('the build tree binary finds its data from any folder; emulate serves the bundled metadata', async () => {
  const r = await popcheck(['run', '-q', '--report-dir', path.join(tmp, 'r4')], { cwd: elsewhere, env: noData });
  assert.equal(r.code, 0, r.text);
  const emulator = await startEmulator([], { cwd: elsewhere, env: noData });
  const answer = await request(`${emulator.url}/?Action=DescribeRegions&Version=2014-05-26&Format=JSON`);
  assert.equal(answer.status, 200, answer.body);
  assert.ok(answer.body.includes('"Regions"'), 'DescribeRegions is not served from the bundled metadata');
  assert.equal(await emulator.stop(), 0);
});
