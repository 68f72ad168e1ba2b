// `popcheck report diff|merge|html` through the real binary:
//  - on results files written here: exit statuses, the Markdown and JUnit of a diff, merges that
//    are byte-identical to the single run's, clear errors for bad input, --help documenting exit
//    statuses;
//  - on real runs: the seed catalogue run whole and as 3 shards in parallel (as CI matrix jobs run
//    them) against the embedded emulator; the merge of the shards is the single run, whatever the
//    order of its inputs; diff of the two finds no regression; html renders the merge with coverage.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import test from 'node:test';

import { copyDir, junitProblems, popcheck, readText, src, tempDir } from './lib/harness.mjs';
import { sameRun } from './lib/results.mjs';

const work = tempDir();
const at = (...p) => path.join(work, ...p);
// `popcheck report ARGS` run in the work folder.
const report = (...args) => popcheck(['report', ...args], { cwd: work });

// A case of the results.json format; a failed one differs in its code check.
const aCase = (id, status, actual = '') => ({
  id, product: 'Ecs', version: '2014-05-26', action: id.split('.')[1], kind: 'error', status, duration: 0.5,
  failures: status === 'failed' ? [{ check: 'code', expected: 'X', actual, path: '' }] : [], checks: ['status', 'code'],
});
const writeResults = (file, duration, timestamp, cases) => fs.writeFileSync(at(file), JSON.stringify({
  summary: { duration }, endpoint: 'http://127.0.0.1:9', timestamp, cases,
}));

test('report diff: counts, JUnit of the regressions, Markdown, coverage', async () => {
  writeResults('base.json', 2, '2026-11-20T10:00:00', [aCase('Ecs.A.error.1', 'passed'), aCase('Ecs.B.error.1', 'failed', 'Y'),
    aCase('Ecs.C.error.1', 'failed', 'Y'), aCase('Ecs.D.error.1', 'passed')]);
  writeResults('cur.json', 2, '2026-11-23T10:00:00', [aCase('Ecs.A.error.1', 'failed', 'Y'), aCase('Ecs.B.error.1', 'passed'),
    aCase('Ecs.C.error.1', 'failed', 'Z'), aCase('Ecs.E.error.1', 'passed')]);
  const r = await report('diff', 'base.json', 'cur.json', '--junit', 'regressions.xml');
  assert.equal(r.code, 1, r.text);
  for (const row of ['| New failures | 1 |', '| Failures whose reason changed | 1 |', '| Fixed | 1 |', '| Added | 1 |', '| Removed | 1 |']) {
    assert.ok(r.stdout.includes(row), `no "${row}" in:\n${r.stdout}`);
  }
  assert.equal(await junitProblems(at('regressions.xml')), '');
  assert.equal(readText(at('regressions.xml')).split('<testcase ').length - 1, 2, 'the JUnit should hold 2 regressions');

  const same = await report('diff', 'base.json', 'base.json', '--markdown', 'summary.md');
  assert.equal(same.code, 0, same.text);
  assert.equal(same.stdout, '', 'diff --markdown FILE should leave stdout empty');
  assert.match(readText(at('summary.md')), /no regressions/);

  // An embedded coverage object (as the runner may write it) ends the Markdown.
  const cur = JSON.parse(readText(at('cur.json')));
  cur.coverage = { catalogue: true, totals: { codes_exercised: 3, codes_documented: 7 }, actions: [] };
  fs.writeFileSync(at('cur-cov.json'), JSON.stringify(cur));
  const cov = await report('diff', 'base.json', 'cur-cov.json');
  assert.equal(cov.code, 1, cov.text);
  assert.ok(cov.stdout.includes('| Error codes (passed 0) | 3 | 7 |'), `no coverage in:\n${cov.stdout}`);
});

test('report merge: shards give the single run\'s bytes; a duplicate case is an error and writes nothing', async () => {
  const all = [aCase('Ecs.A.error.1', 'passed'), aCase('Ecs.B.error.1', 'failed', 'Y'), aCase('Ecs.C.error.1', 'passed'),
    aCase('Ecs.D.error.1', 'passed')];
  writeResults('single.json', 3.75, '2026-11-23T09:00:00', all);
  // Shards as --shard I/2 takes them (every second case of the sorted ids), written out of order.
  writeResults('shard2.json', 1.25, '2026-11-23T09:00:05', [all[3], all[1]]);
  writeResults('shard1.json', 2.5, '2026-11-23T09:00:00', [all[2], all[0]]);
  // A case failed: status 1, as the run's.
  assert.equal((await report('merge', 'single.json', '--out', 'one')).code, 1);
  assert.equal((await report('merge', 'shard2.json', 'shard1.json', '--out', 'merged')).code, 1);
  for (const f of ['results.json', 'junit.xml']) {
    assert.ok(fs.readFileSync(at('one', f)).equals(fs.readFileSync(at('merged', f))), `${f} differs from the single run's`);
  }
  assert.equal(await junitProblems(at('merged', 'junit.xml')), '');
  assert.deepEqual(JSON.parse(readText(at('merged', 'results.json'))).cases.map((c) => c.id),
    ['Ecs.A.error.1', 'Ecs.B.error.1', 'Ecs.C.error.1', 'Ecs.D.error.1']);
  const dup = await report('merge', 'shard1.json', 'shard1.json', '--out', 'dup');
  assert.equal(dup.code, 2, dup.text);
  assert.match(dup.stderr, /merge\.duplicate/);
  assert.ok(!fs.existsSync(at('dup')), 'merge wrote output despite an error');
});

test('report html embeds the data', async () => {
  const r = await report('html', 'cur.json', '-o', 'report.html');
  assert.equal(r.code, 0, r.text);
  assert.ok(readText(at('report.html')).includes('id="popcheck-data"'), 'no embedded data');
});

test('bad input and bad usage: exit 2 naming the file, the line or the field', async () => {
  const missing = await report('diff', 'base.json', 'missing.json');
  assert.equal(missing.code, 2, missing.text);
  assert.match(missing.stderr, /missing\.json/);
  fs.writeFileSync(at('broken.json'), '{\n  "cases": [\n    {"id": "x",}\n');
  const broken = await report('html', 'broken.json', '-o', 'x.html');
  assert.equal(broken.code, 2, broken.text);
  assert.match(broken.stderr, /broken\.json:3:/, 'the syntax error does not name file and line');
  fs.writeFileSync(at('odd.json'), '{"cases": [{"id": "x", "status": "flaky"}]}');
  const odd = await report('merge', 'odd.json', '--out', 'odd');
  assert.equal(odd.code, 2, odd.text);
  assert.ok(odd.stderr.includes('odd.json: $.cases[0].status'), `the bad status is not located: ${odd.stderr}`);
  assert.equal((await report()).code, 2);
  assert.equal((await report('diff', 'base.json')).code, 2);
});

test('report diff|merge|html --help documents the exit status', async () => {
  for (const sub of ['diff', 'merge', 'html']) {
    const r = await report(sub, '--help');
    assert.equal(r.code, 0, r.text);
    assert.match(r.stdout, /Exit status/, `report ${sub} --help`);
  }
});

test('real runs: the seed suite whole and as 3 parallel shards, merged, diffed, rendered', async (t) => {
  const cases = at('cases');
  copyDir(path.join(src, 'cases'), cases);
  // `run` exits 1 when a case fails; only 2 (infrastructure or usage) stops this test.
  const runSuite = async (...args) => {
    const r = await popcheck(['run', '--cases', cases, '-q', ...args], { cwd: work });
    assert.ok(r.code <= 1, r.text);
  };
  await runSuite('--report-dir', 'single');
  await Promise.all([1, 2, 3].map((i) => runSuite('--shard', `${i}/3`, '--report-dir', `shard${i}`)));
  const merged = await report('merge', 'shard3/results.json', 'shard1/results.json', 'shard2/results.json', '--out', 'merged-run');
  assert.ok(merged.code <= 1, merged.text);

  await t.test('the merge of the shards is the single run', () => {
    assert.deepEqual(sameRun(at('single', 'results.json'), at('merged-run', 'results.json')), []);
  });
  await t.test('merging the same files in another order gives the same bytes', async () => {
    const again = await report('merge', 'shard2/results.json', 'shard3/results.json', 'shard1/results.json', '--out', 'again');
    assert.ok(again.code <= 1, again.text);
    for (const f of ['results.json', 'junit.xml']) {
      assert.ok(fs.readFileSync(at('merged-run', f)).equals(fs.readFileSync(at('again', f))), `merge depends on input order (${f})`);
    }
  });
  await t.test('diff of a run with its own shards finds no regression', async () => {
    const d = await report('diff', 'single/results.json', 'merged-run/results.json', '--markdown', 'diff.md', '--junit', 'diff.xml');
    assert.equal(d.code, 0, `${d.text}\n${readText(at('diff.md'))}`);
  });
  await t.test('html renders the merged run with coverage', async () => {
    const h = await report('html', 'merged-run/results.json', '-o', 'run.html', '--cases', cases);
    assert.equal(h.code, 0, h.text);
    assert.ok(readText(at('run.html')).includes('"codes_documented"'), 'the HTML report has no coverage');
  });
});
