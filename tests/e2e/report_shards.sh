#!/usr/bin/env bash
# The report commands on real runs: the seed catalogue run whole and as 3 shards against the
# embedded emulator; `report merge` of the shards must give the single run's cases, order, verdicts,
# failures and summary (the request nonces, provisioned ids, ports, times and the hostname, which
# results.json does not carry, are the only differences), `report diff` of the two must find no
# regression, and `report html` must render the merged run with coverage.
set -euo pipefail

: "${POPCHECK:?the popcheck binary}"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
fail() { echo "report_shards: $*" >&2; exit 1; }

cp -r "${POPCHECK_SRC:?}/cases" cases  # the checked-in seed catalogue
[ -n "$(find cases -name '*.json')" ] || fail "no seed catalogue"

# `run` exits 1 when a case fails; only 2 (infrastructure or usage) stops this test.
run() {
  local rc=0
  "$POPCHECK" run --cases cases -q "$@" || rc=$?
  [ "$rc" -le 1 ] || fail "run $* exited $rc"
}
run --report-dir single
for i in 1 2 3; do run --shard "$i/3" --report-dir "shard$i"; done

rc=0
"$POPCHECK" report merge shard3/results.json shard1/results.json shard2/results.json \
  --out merged || rc=$?
[ "$rc" -le 1 ] || fail "merge exited $rc"

# Same cases in the same order with the same verdicts and failed checks, and the same counts.
node - single/results.json merged/results.json <<'JS' ||
  fail "the merged results differ from the single run's"
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
console.log(`report_shards: ${a.cases.length} cases, the same in the single run and the merge`);
JS
# Merging the same files in another order gives the same bytes.
rc=0
"$POPCHECK" report merge shard2/results.json shard3/results.json shard1/results.json \
  --out again || rc=$?
cmp merged/results.json again/results.json || fail "merge depends on the order of its inputs"
cmp merged/junit.xml again/junit.xml || fail "merge depends on the order of its inputs (JUnit)"

"$POPCHECK" report diff single/results.json merged/results.json --markdown diff.md \
  --junit diff.xml ||
  fail "diff of a run with its own shards found a regression: $(cat diff.md)"
"$POPCHECK" report html merged/results.json -o report.html --cases cases >/dev/null
grep -q '"codes_documented"' report.html || fail "the HTML report has no coverage"
echo "report_shards: passed"
