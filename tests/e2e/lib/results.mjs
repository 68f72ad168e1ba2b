// results.json comparisons shared by the specs that run a suite whole and in shards (report.test.mjs,
// and package.sh through same_results.mjs): request nonces, provisioned ids, ports, times and the host name, which results.json does
// not carry per case, are the only differences between an unsharded run and the merge of its shards.
import fs from 'node:fs';

const readJson = (file) => JSON.parse(fs.readFileSync(file, 'utf8'));

// What two results.json files must share to hold the same run: the cases in the same order with the
// same verdicts, failures and checks, and the same summary counts.
export function sameRun(singleFile, mergedFile) {
  const a = readJson(singleFile);
  const b = readJson(mergedFile);
  const verdicts = (j) => j.cases.map((c) => [c.id, c.status, c.failures, c.checks]);
  const counts = (j) => ['passed', 'failed', 'skipped', 'errors', 'total'].map((k) => j.summary[k]);
  const problems = [];
  if (a.cases.length === 0) problems.push('the single run has no case');
  if (JSON.stringify(verdicts(a)) !== JSON.stringify(verdicts(b))) problems.push('the cases differ');
  if (JSON.stringify(counts(a)) !== JSON.stringify(counts(b))) {
    problems.push(`the summaries differ: ${counts(a)} and ${counts(b)}`);
  }
  return problems;
}
