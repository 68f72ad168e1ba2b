// node same_results.js SINGLE MERGED: exit 0 when two results.json files hold the same run (the same
// cases in the same order with the same verdicts, failures and checks, and the same summary counts),
// else 1 with what differs. Used on an unsharded run and the merge of its shards (report_shards.sh,
// package.sh): request nonces, provisioned ids, ports, times and the hostname, which results.json does
// not carry per case, are the only differences between them.
const fs = require('fs');
const [a, b] = process.argv.slice(2).map((f) => JSON.parse(fs.readFileSync(f, 'utf8')));
const key = (j) => JSON.stringify(j.cases.map((c) => [c.id, c.status, c.failures, c.checks]));
const counts = (j) =>
  JSON.stringify(['passed', 'failed', 'skipped', 'errors', 'total'].map((k) => j.summary[k]));
if (a.cases.length === 0) { console.error('the single run has no case'); process.exit(1); }
if (key(a) !== key(b)) { console.error('cases differ'); process.exit(1); }
if (counts(a) !== counts(b)) {
  console.error('summaries differ: ' + counts(a) + ' ' + counts(b));
  process.exit(1);
}
console.log(`${a.cases.length} cases, the same in the single run and the merge`);
