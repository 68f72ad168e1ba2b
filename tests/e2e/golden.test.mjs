// The seed suite, byte for byte: the catalogue compiled from the seed pages of ../shared and the
// reports of the main job (scripts/main-job.sh: `popcheck run --cases cases --report-dir reports
// -j 4` against the embedded emulator) are exactly the files under tests/golden/. A restructuring
// that changes one byte of the catalogue, of junit.xml, of results.json or of what the run prints
// fails here; a change meant to alter them regenerates the golden files and shows the diff for review:
//
//   POPCHECK_UPDATE_GOLDEN=1 ctest --preset ci -R e2e.golden      (then: git diff tests/golden)
//
// Only what is different on every run is normalised before the comparison (lib/golden.mjs lists each
// rule and why): the emulator's port, RequestIds, the ids the emulator gives the resources it
// provisions, request nonces and times, the run's start, durations, the host name, the temporary
// folder, and the order of the per-case console lines (-j 4). The catalogue is compared raw.
// The checked-in catalogue (cases/) must also be what the seeds compile into (scripts/compile-seeds.sh
// writes it).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import test from 'node:test';

import { normalise, normaliseRun } from './lib/golden.mjs';
import { bin, filesBelow, needsShared, popcheck, run, src, tempDir } from './lib/harness.mjs';

const shared = needsShared('golden');
const golden = path.join(src, 'tests', 'golden');
const update = process.env.POPCHECK_UPDATE_GOLDEN === '1';
const work = tempDir();

// Compares (or, when updating, writes) one golden file.
function same(relative, actual) {
  const file = path.join(golden, relative);
  if (update) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, actual);
    return;
  }
  assert.ok(fs.existsSync(file), `${relative} is not a golden file (POPCHECK_UPDATE_GOLDEN=1 writes it)`);
  const expected = fs.readFileSync(file);
  if (Buffer.compare(expected, Buffer.from(actual)) === 0) return;
  const a = expected.toString('utf8').split('\n');
  const b = Buffer.from(actual).toString('utf8').split('\n');
  let line = 0;
  while (line < a.length && a[line] === b[line]) line++;
  assert.fail(`${relative} differs from tests/golden/${relative} at line ${line + 1}:\n` +
    `golden: ${JSON.stringify(a[line])}\nnow:    ${JSON.stringify(b[line])}\n` +
    '(a deliberate change: POPCHECK_UPDATE_GOLDEN=1, then review git diff tests/golden)');
}

test('the seed pages compile into the golden catalogue, byte for byte', async () => {
  // As scripts/compile-seeds.sh runs it (and e2e.compile_seeds, and the README).
  const r = await run('bash', [path.join(src, 'scripts', 'compile-seeds.sh'), path.join(work, 'cases')],
    { env: { POPCHECK: bin, POPCHECK_SHARED: shared } });
  assert.equal(r.code, 0, r.text);
  assert.match(r.stdout, /^5 actions/m, 'the seeds are not 5 actions');
  same('compile.txt', normalise(r.stdout, work));
  const files = filesBelow(path.join(work, 'cases'));
  const want = filesBelow(path.join(golden, 'catalogue'));
  if (!update) assert.deepEqual(files, want, 'the catalogue holds other files than the golden one');
  else fs.rmSync(path.join(golden, 'catalogue'), { recursive: true, force: true });
  for (const f of files) same(path.join('catalogue', f), fs.readFileSync(path.join(work, 'cases', f)));
});

test('the checked-in catalogue (cases/) is that compile: a stale one fails here', () => {
  // After a deliberate change: scripts/compile-seeds.sh, review the diff of cases/, commit it.
  const fresh = path.join(work, 'cases');
  const checkedIn = path.join(src, 'cases');
  assert.deepEqual(filesBelow(checkedIn), filesBelow(fresh), 'cases/ holds other files than a fresh compile');
  for (const f of filesBelow(fresh)) {
    assert.ok(fs.readFileSync(path.join(checkedIn, f)).equals(fs.readFileSync(path.join(fresh, f))),
      `cases/${f} is stale: run scripts/compile-seeds.sh and review the diff`);
  }
});

test('the main job on that catalogue writes the golden reports and summary', async () => {
  const reports = path.join(work, 'reports');
  const r = await popcheck(['run', '--cases', path.join(work, 'cases'), '--report-dir', reports, '-j', '4'],
    { cwd: work });
  assert.equal(r.code, 0, r.text);
  assert.deepEqual(filesBelow(reports), ['junit.xml', 'results.json'], 'the run wrote other reports');
  const out = normaliseRun({
    junit: fs.readFileSync(path.join(reports, 'junit.xml'), 'utf8'),
    results: fs.readFileSync(path.join(reports, 'results.json'), 'utf8'),
    console: r.stdout,
  }, work);
  for (const [name, text] of Object.entries(out)) same(path.join('reports', name), text);
});
