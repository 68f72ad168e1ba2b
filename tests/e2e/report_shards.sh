#!/usr/bin/env bash
# The report commands on real runs: the seed catalogue run whole and as 3 shards in parallel (as the
# jobs of a CI matrix run them) against the embedded emulator; `report merge` of the shards must give
# the single run's cases, order, verdicts, failures and summary (same_results.js), `report diff` of
# the two must find no regression, and `report html` must render the merged run with coverage.
set -euo pipefail

: "${POPCHECK:?the popcheck binary}"
here=$(cd "$(dirname "$0")" && pwd)
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
shards=()
for i in 1 2 3; do
  run --shard "$i/3" --report-dir "shard$i" &
  shards+=($!)
done
for p in "${shards[@]}"; do wait "$p" || fail "a shard failed"; done

rc=0
"$POPCHECK" report merge shard3/results.json shard1/results.json shard2/results.json \
  --out merged || rc=$?
[ "$rc" -le 1 ] || fail "merge exited $rc"

# Same cases in the same order with the same verdicts and failed checks, and the same counts.
node "$here/same_results.js" single/results.json merged/results.json ||
  fail "the merged results differ from the single run's"
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
