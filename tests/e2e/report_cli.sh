#!/usr/bin/env bash
# `popcheck report diff|merge|html` through the real binary: exit statuses, outputs, JUnit validity
# (xmllint against the ant schema), byte-identical merges, and clear errors for bad input.
set -euo pipefail

: "${POPCHECK:?the popcheck binary}"
xsd=${POPCHECK_SRC:?}/data/schemas/junit-ant.xsd  # the bundled JUnit schema
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"

fail() { echo "report_cli: $*" >&2; exit 1; }
# expect_status N command...: runs the command, keeping stdout/stderr in out.txt/err.txt.
expect_status() {
  local want=$1 got=0
  shift
  "$@" >out.txt 2>err.txt || got=$?
  [ "$got" = "$want" ] || { cat out.txt err.txt >&2; fail "'$*' exited $got, expected $want"; }
}
validate() {
  if ! command -v xmllint >/dev/null; then
    echo "report_cli: xmllint missing, not validating $1"
    return 0
  fi
  xmllint --noout --schema "$xsd" "$1" || fail "$1 does not validate against junit-ant.xsd"
}

# A case in the results.json format: case ID ACTION STATUS [CODE_ACTUAL].
case_json() {
  local id=$1 action=$2 status=$3 actual=${4:-}
  local failures='[]' checks='["status","code"]'
  if [ "$status" = failed ]; then
    failures='[{"check":"code","expected":"X","actual":"'"$actual"'","path":""}]'
  fi
  echo '{"id":"'"$id"'","product":"Ecs","version":"2014-05-26","action":"'"$action"'",'\
'"kind":"error",'\
'"status":"'"$status"'","duration":0.5,"failures":'"$failures"',"checks":'"$checks"'}'
}
results() {  # results FILE DURATION TIMESTAMP CASE_JSON...
  local file=$1 duration=$2 ts=$3
  shift 3
  local IFS=,
  echo '{"summary":{"duration":'"$duration"'},"endpoint":"http://127.0.0.1:9",'\
'"timestamp":"'"$ts"'",'\
'"cases":['"$*"']}' >"$file"
}

results base.json 2 2026-11-20T10:00:00 \
  "$(case_json Ecs.A.error.1 A passed)" "$(case_json Ecs.B.error.1 B failed Y)" \
  "$(case_json Ecs.C.error.1 C failed Y)" "$(case_json Ecs.D.error.1 D passed)"
results cur.json 2 2026-11-23T10:00:00 \
  "$(case_json Ecs.A.error.1 A failed Y)" "$(case_json Ecs.B.error.1 B passed)" \
  "$(case_json Ecs.C.error.1 C failed Z)" "$(case_json Ecs.E.error.1 E passed)"

# --- diff -----------------------------------------------------------------------------------------
expect_status 1 "$POPCHECK" report diff base.json cur.json --junit regressions.xml
grep -q "| New failures | 1 |" out.txt || fail "diff: no new failure counted"
grep -q "| Failures whose reason changed | 1 |" out.txt || fail "diff: no changed reason counted"
grep -q "| Fixed | 1 |" out.txt || fail "diff: no fix counted"
grep -q "| Added | 1 |" out.txt || fail "diff: no added case counted"
grep -q "| Removed | 1 |" out.txt || fail "diff: no removed case counted"
validate regressions.xml
[ "$(grep -c '<testcase ' regressions.xml)" = 2 ] ||
  fail "diff: the JUnit should hold 2 regressions"
expect_status 0 "$POPCHECK" report diff base.json base.json --markdown summary.md
[ ! -s out.txt ] || fail "diff --markdown FILE should leave stdout empty"
grep -q "no regressions" summary.md || fail "diff: the Markdown file says nothing"
# An embedded coverage object (as the runner may write it) ends the Markdown.
node -e 'const fs = require("fs"); const j = JSON.parse(fs.readFileSync("cur.json"));
  j.coverage = {catalogue: true, totals: {codes_exercised: 3, codes_documented: 7}, actions: []};
  fs.writeFileSync("cur-cov.json", JSON.stringify(j));'
expect_status 1 "$POPCHECK" report diff base.json cur-cov.json
grep -q "| Error codes (passed 0) | 3 | 7 |" out.txt || fail "diff: no coverage in the Markdown"

# --- merge ----------------------------------------------------------------------------------------
all=("$(case_json Ecs.A.error.1 A passed)" "$(case_json Ecs.B.error.1 B failed Y)"
  "$(case_json Ecs.C.error.1 C passed)" "$(case_json Ecs.D.error.1 D passed)")
results single.json 3.75 2026-11-23T09:00:00 "${all[@]}"
# Shards as --shard I/2 takes them (every second case of the sorted ids), written out of order.
results shard2.json 1.25 2026-11-23T09:00:05 "${all[3]}" "${all[1]}"
results shard1.json 2.5 2026-11-23T09:00:00 "${all[2]}" "${all[0]}"
# A case failed: status 1, as the run's.
expect_status 1 "$POPCHECK" report merge single.json --out one
expect_status 1 "$POPCHECK" report merge shard2.json shard1.json --out merged
cmp one/results.json merged/results.json || fail "merge: results.json differs from the single run's"
cmp one/junit.xml merged/junit.xml || fail "merge: junit.xml differs from the single run's"
validate merged/junit.xml
ids=$(grep -o '"id": "[^"]*"' merged/results.json | tr '\n' ' ')
want='"id": "Ecs.A.error.1" "id": "Ecs.B.error.1" "id": "Ecs.C.error.1" "id": "Ecs.D.error.1" '
[ "$ids" = "$want" ] ||
  fail "merge: cases out of order: $ids"
expect_status 2 "$POPCHECK" report merge shard1.json shard1.json --out dup
grep -q "merge.duplicate" err.txt || fail "merge: a duplicate case is not reported"
[ ! -e dup ] || fail "merge: wrote output despite an error"

# --- html -----------------------------------------------------------------------------------------
expect_status 0 "$POPCHECK" report html cur.json -o report.html
grep -q 'id="popcheck-data"' report.html || fail "html: no embedded data"

# --- bad input ------------------------------------------------------------------------------------
expect_status 2 "$POPCHECK" report diff base.json missing.json
grep -q "missing.json" err.txt || fail "diff: the missing file is not named"
printf '{\n  "cases": [\n    {"id": "x",}\n' >broken.json
expect_status 2 "$POPCHECK" report html broken.json -o x.html
grep -q "broken.json:3:" err.txt ||
  fail "html: the syntax error does not name file and line: $(cat err.txt)"
echo '{"cases": [{"id": "x", "status": "flaky"}]}' >odd.json
expect_status 2 "$POPCHECK" report merge odd.json --out odd
grep -q 'odd.json: \$.cases\[0\].status' err.txt ||
  fail "merge: the bad status is not located: $(cat err.txt)"
expect_status 2 "$POPCHECK" report
expect_status 2 "$POPCHECK" report diff base.json

# --- help -----------------------------------------------------------------------------------------
for sub in diff merge html; do
  expect_status 0 "$POPCHECK" report "$sub" --help
  grep -q "Exit status" out.txt || fail "report $sub --help does not document its exit status"
done
echo "report_cli: passed"
