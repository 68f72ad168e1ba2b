#!/usr/bin/env bash
# `popcheck run` end to end: the seed documents compiled into a catalogue and run against the embedded
# emulator (no --endpoint). Nothing is skipped (the emulator provisions every need), every case gets a
# verdict (exit 0, or 1 when the emulator and the documents disagree, never 2), the JUnit report
# validates against the ant schema, shards partition the cases, and -j 1 and -j 8 agree.
# Environment: POPCHECK (binary), POPCHECK_SRC (repository).
set -euo pipefail

# shellcheck source=lib.sh source-path=SCRIPTDIR
source "$(dirname "$0")/lib.sh"
data="$src/data"
unset ALIBABA_CLOUD_ACCESS_KEY_ID ALIBABA_CLOUD_ACCESS_KEY_SECRET ALIBABA_CLOUD_SECURITY_TOKEN \
  ALIBABA_CLOUD_PROFILE
export HOME="$tmp"  # no ~/.aliyun/config.json: the dummy key pair is used against the emulator

# The checked-in seed catalogue (what compiling the seed pages gives: e2e.compile_seeds).
cp -r "$src/cases" "$tmp/cases"
n=$(find "$tmp/cases" -name '*.json' 2>/dev/null | wc -l)
[[ $n -gt 0 ]] || fail "no seed catalogue in $src/cases"

# The whole catalogue against the embedded emulator.
rc=0
"$bin" run --cases "$tmp/cases" --report-dir "$tmp/all" -j 4 >"$tmp/run.out" 2>"$tmp/run.err" || rc=$?
[[ $rc -le 1 ]] || fail "exit $rc, expected 0 or 1: $(tail -20 "$tmp/run.out") $(cat "$tmp/run.err")"
grep -Eq '^[0-9]+ passed, [0-9]+ failed, 0 skipped \(' "$tmp/run.out" || fail "summary: $(tail -1 "$tmp/run.out")"
failed=$(grep -c '^FAIL' "$tmp/run.out" || true)
[[ $failed -eq 0 || $rc -eq 1 ]] || fail "failed cases but exit 0"
[[ $failed -gt 0 || $rc -eq 0 ]] || fail "exit 1 without a failed case"
xmllint --noout --schema "$data/schemas/junit-ant.xsd" "$tmp/all/junit.xml" 2>"$tmp/xmllint.err" ||
  fail "junit.xml does not validate: $(cat "$tmp/xmllint.err")"
total=$(grep -m1 '"total"' "$tmp/all/results.json" | tr -dc 0-9)
[[ $total -gt 0 ]] || fail "no cases ran"
# The dummy key pair and the signatures are in no report.
! grep -q 'popcheck-dummy-key' "$tmp/all/junit.xml" "$tmp/all/results.json" || fail "credentials leaked"
grep -q 'Signature=REDACTED' "$tmp/all/results.json" || fail "no redacted signature in results.json"

# Shards: disjoint, and together exactly the whole run.
ids() { grep -o '"id": "[^"]*"' "$1" | sort; }
ids "$tmp/all/results.json" >"$tmp/all.ids"
: >"$tmp/shards.ids"
for i in 1 2 3; do
  rc=0
  "$bin" run --cases "$tmp/cases" --report-dir "$tmp/s$i" --shard "$i/3" -q >/dev/null 2>&1 || rc=$?
  [[ $rc -le 1 ]] || fail "shard $i/3: exit $rc"
  ids "$tmp/s$i/results.json" >>"$tmp/shards.ids"
done
sort "$tmp/shards.ids" | diff - "$tmp/all.ids" >/dev/null || fail "the 3 shards do not partition the run"
[[ $(sort "$tmp/shards.ids" | uniq -d | wc -l) -eq 0 ]] || fail "a case ran in two shards"

# Parallelism does not change the reports. Against the emulator request ids and provisioned resource
# ids are fresh on every run, so the comparison here is of cases, statuses and checks, in order; the
# byte-for-byte comparison against a deterministic server is a unit test (runner_test.cpp).
for j in 1 8; do
  rc=0
  "$bin" run --cases "$tmp/cases" --report-dir "$tmp/j$j" -j $j -q >/dev/null 2>&1 || rc=$?
  [[ $rc -le 1 ]] || fail "-j $j: exit $rc"
done
statuses() { grep -Eo '"(id|status|check)": "[^"]*"' "$1"; }
diff <(statuses "$tmp/j1/results.json") <(statuses "$tmp/j8/results.json") >/dev/null ||
  fail "-j 1 and -j 8 differ in cases, statuses or checks"
echo "PASS: $total seed cases ($failed failed) against the embedded emulator; schema, shards, -j parity"
