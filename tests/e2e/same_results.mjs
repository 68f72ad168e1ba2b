// node same_results.mjs SINGLE MERGED: exit 0 when two results.json files hold the same run (the same
// cases in the same order with the same verdicts, failures and checks, and the same summary counts),
// else 1 with what differs. package.sh runs it on an unsharded run and the merge of its shards.
import { sameRun } from './lib/results.mjs';

const [single, merged] = process.argv.slice(2);
const problems = sameRun(single, merged);
for (const p of problems) console.error(p);
if (problems.length === 0) console.log('the same run in the single results and the merge');
process.exit(problems.length ? 1 : 0);
