#!/usr/bin/env bash
# Cases from recordings (issue 6): record a scenario through the proxy against the emulator, derive
# snapshot cases, and run them against the emulator restored to the recorded state:
#  1. unchanged emulator: every case passes;
#  2. emulator with one injected deviation: exactly the case of that exchange fails, through the
#     snapshot check, and the reports show its path, expected and actual values;
#  3. the deviation registered as a skip path in the case file: everything passes again and
#     results.json counts one parity gap;
#  4. deriving again into the same folder keeps the skip list; a corrupt fixture is named, the
#     others still derive, and the command exits 2.
# Environment: POPCHECK (binary), POPCHECK_SRC (repository).
set -euo pipefail

# shellcheck source=lib.sh source-path=SCRIPTDIR
source "$(dirname "$0")/lib.sh"

# Unlike lib.sh's stop, a server's exit status does not matter here.
stop() {
  kill -TERM "$1"
  wait "$1" || true
}

json() {  # json FILE EXPR: evaluates a Python expression over the JSON document `j`
  python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$1" "$2"
}

# ---- 1. State: a few resources provisioned through the admin API, then saved.
start_emulator emulator
emulator_pid=$server_pid
emulator_url=$url
cat >"$tmp/needs.json" <<'EOF'
{"region": "cn-hangzhou", "needs": [
  {"var": "tagged", "resource": "instance", "with": {"Tags": {"team": "parity", "env": "test"}}},
  {"var": "doomed", "resource": "instance", "with": {"Status": "Stopped"}},
  {"var": "disk", "resource": "disk",
   "with": {"InstanceId": "${tagged}", "Type": "data", "Portable": true}},
  {"var": "vpc", "resource": "vpc"},
  {"var": "group", "resource": "scalinggroup", "with": {"MinSize": 0}},
  {"var": "member", "resource": "scalinginstance",
   "with": {"ScalingGroupId": "${group}", "CreationType": "Attached"}}
]}
EOF
curl -sf -X POST -H 'Content-Type: application/json' --data-binary @"$tmp/needs.json" "$emulator_url/__popcheck/provision" \
  >"$tmp/vars.json" || fail "provisioning failed"
for v in tagged doomed disk vpc group member; do
  declare "$v=$(json "$tmp/vars.json" "j['vars']['$v']")"
done
echo "provisioned: tagged=$tagged doomed=$doomed disk=$disk vpc=$vpc group=$group member=$member"
curl -sf "$emulator_url/__popcheck/state" >"$tmp/state.json" || fail "could not save the state"

# ---- 2. Record a scenario through the proxy: successes and errors of the five seed APIs and one
# API the emulator answers from its contract, in JSON and XML.
fixtures="$tmp/recordings/seed-scenario"
start proxy "$bin" proxy --mode record --upstream "$emulator_url" --fixtures "$fixtures" \
  --listen 127.0.0.1:0
proxy_pid=$server_pid
proxy_url=$url
ecs="Version=2014-05-26&RegionId=cn-hangzhou"
calls=(
  "Action=RemoveTags&$ecs&ResourceType=instance&ResourceId=$tagged&Tag.1.Key=env"
  "Action=RemoveTags&$ecs&ResourceType=instance&ResourceId=i-neverexisted1&Tag.1.Key=env"
  "Action=DetachDisk&$ecs&InstanceId=$tagged&DiskId=$disk"
  "Action=DetachDisk&$ecs&InstanceId=$tagged&DiskId=$disk&Format=XML"
  "Action=TagResources&Version=2016-04-28&RegionId=cn-hangzhou&ResourceType=VPC&ResourceId.1=$vpc&Tag.1.Key=k&Tag.1.Value=v"
  "Action=RemoveInstances&Version=2014-08-28&RegionId=cn-hangzhou&ScalingGroupId=$group&InstanceId.1=$member"
  "Action=RemoveInstances&Version=2014-08-28&RegionId=cn-hangzhou&ScalingGroupId=asg-missing1&InstanceId.1=$member"
  "Action=DeleteInstances&$ecs&InstanceId.1=$doomed&Force=true"
  "Action=DeleteInstances&$ecs&InstanceId.1=$doomed&Force=true&Format=XML"
  "Action=DescribeRegions&Version=2014-05-26"
)
statuses=()
for q in "${calls[@]}"; do
  statuses+=("$(curl -s -o /dev/null -w '%{http_code}' "$proxy_url/?$q")")
done
echo "recorded statuses: ${statuses[*]}"
stop "$proxy_pid"
stop "$emulator_pid"
count=$(find "$fixtures" -name '*.json' | wc -l)
[[ $count -eq ${#calls[@]} ]] || fail "expected ${#calls[@]} fixtures, found $count"
ok=0 bad=0
for s in "${statuses[@]}"; do if [[ $s == 200 ]]; then ok=$((ok + 1)); else bad=$((bad + 1)); fi; done
[[ $ok -ge 4 && $bad -ge 4 ]] || fail "expected successes and errors, got ${statuses[*]}"

# ---- 3. Derive.
cases="$tmp/cases"
"$bin" cases from-fixtures "$fixtures" --out "$cases" >"$tmp/derive.out" 2>&1 ||
  fail "derive failed: $(cat "$tmp/derive.out")"
cat "$tmp/derive.out"
derived=$(cat "$cases"/*/*.json | python3 -c '
import json, sys
text = sys.stdin.read()
dec, at, n = json.JSONDecoder(), 0, 0
while at < len(text):
    while at < len(text) and text[at].isspace(): at += 1
    if at >= len(text): break
    doc, at = dec.raw_decode(text, at)
    for c in doc["cases"]:
        assert c["kind"] == "recorded" and c["scenario"] == "seed-scenario", c["id"]
        n += 1
print(n)')
[[ $derived -eq ${#calls[@]} ]] || fail "expected ${#calls[@]} derived cases, found $derived"
if grep -rq 'popcheck-dummy\|Signature' "$cases"; then fail "a derived case holds credentials"; fi

# run_against DEVIATION REPORT_DIR: a fresh emulator restored to the saved state (PUT state), with
# the deviation when one is given; the derived cases run against it. Sets $rc.
run_against() {
  local deviation=$1 dir=$2
  local extra=()
  [[ -n "$deviation" ]] && extra=(--deviation "$deviation")
  start_emulator emulator "${extra[@]}"
  local pid=$server_pid
  curl -sf -X PUT -H 'Content-Type: application/json' --data-binary @"$tmp/state.json" "$url/__popcheck/state" \
    >/dev/null ||
    fail "could not restore the state"
  rc=0
  "$bin" run --endpoint "$url" --cases "$cases" --report-dir "$dir" -j 4 >"$dir.out" 2>&1 || rc=$?
  stop "$pid"
  cat "$dir.out" | tail -3
}

# ---- 4. Unchanged emulator: all pass.
run_against "" "$tmp/r-plain"
[[ $rc -eq 0 ]] || fail "the derived cases do not pass against the emulator they were recorded from (exit $rc): $(cat "$tmp/r-plain.out")"
[[ $(json "$tmp/r-plain/results.json" "j['summary']['passed']") -eq ${#calls[@]} ]] ||
  fail "not every case passed"

# ---- 5. One injected deviation: exactly that case fails, with a readable diff.
run_against "drop:RemoveInstances:ScalingActivityId" "$tmp/r-dev"
[[ $rc -eq 1 ]] || fail "the deviation was not reported (exit $rc)"
failed_id=$(python3 - "$tmp/r-dev/results.json" <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))
failed = [c for c in j["cases"] if c["status"] != "passed"]
assert len(failed) == 1, [c["id"] for c in failed]
c = failed[0]
assert c["action"] == "RemoveInstances", c["id"]
assert [f["check"] for f in c["failures"]] == ["snapshot"], c["failures"]
f = c["failures"][0]
assert f["path"] == "ScalingActivityId", f
assert f["expected"].startswith('"<scaling-activity-id:'), f
assert f["actual"] == "missing", f
print(c["id"])
PY
) || fail "the deviation was not reported as exactly one snapshot difference"
echo "deviation caught by $failed_id"
grep -q "snapshot at ScalingActivityId: expected \"&lt;scaling-activity-id:[0-9]*&gt;\", actual missing" \
  "$tmp/r-dev/junit.xml" || fail "the JUnit report does not show the path, expected and actual"

# ---- 6. Register the gap: the case passes and one parity gap is counted.
python3 - "$cases" "$failed_id" <<'PY'
import glob, json, sys
folder, case_id = sys.argv[1:]
for path in glob.glob(folder + "/*/*.json"):
    doc = json.load(open(path))
    changed = False
    for c in doc["cases"]:
        if c["id"] == case_id:
            c["expect"]["skip"] = ["ScalingActivityId"]
            changed = True
    if changed:
        json.dump(doc, open(path, "w"), indent=2)
PY
run_against "drop:RemoveInstances:ScalingActivityId" "$tmp/r-gap"
[[ $rc -eq 0 ]] || fail "the registered gap still fails (exit $rc): $(cat "$tmp/r-gap.out")"
[[ $(json "$tmp/r-gap/results.json" "j['summary']['parity_gaps']") -eq 1 ]] ||
  fail "results.json does not count one parity gap"
grep -q "1 parity gap" "$tmp/r-gap.out" || fail "the summary line does not count the parity gap"
grep -q 'name="parity_gaps" value="1"' "$tmp/r-gap/junit.xml" ||
  fail "the JUnit suite does not carry the parity gap"

# ---- 7. Deriving again keeps the register.
"$bin" cases from-fixtures "$fixtures" --out "$cases" >"$tmp/derive2.out" 2>&1 ||
  fail "second derivation failed: $(cat "$tmp/derive2.out")"
grep -q "kept 1 skip list" "$tmp/derive2.out" || fail "re-deriving lost the skip list"
grep -rq '"ScalingActivityId"' "$cases"/ess || fail "the skip path is gone from the case file"

# ---- 8. --contracts: the compiled seed contracts are taken for the actions they cover; the
# contract-answered API keeps a minimal one.
"$bin" cases from-fixtures "$fixtures" --out "$tmp/with-contracts" --contracts "$src/cases" \
  >"$tmp/derive3.out" 2>&1 || fail "derive with --contracts failed: $(cat "$tmp/derive3.out")"
[[ $(json "$tmp/with-contracts/ecs/DetachDisk.json" "len(j['contract']['params']) > 0") == True ]] ||
  fail "--contracts did not give DetachDisk its documented contract"
[[ $(json "$tmp/with-contracts/ecs/DescribeRegions.json" "len(j['contract']['params'])") -eq 0 ]] ||
  fail "DescribeRegions should have a minimal contract"

# ---- 9. A corrupt fixture: named, the others still derive, exit 2.
cp -r "$fixtures" "$tmp/corrupt"
echo '{"popcheck_fixture": 1, "product": ' >"$tmp/corrupt/ecs/DetachDisk/000099-deadbeef.json"
rc=0
"$bin" cases from-fixtures "$tmp/corrupt" --out "$tmp/corrupt-cases" >"$tmp/corrupt.out" 2>&1 ||
  rc=$?
[[ $rc -eq 2 ]] || fail "a corrupt fixture must exit 2, got $rc"
grep -q "000099-deadbeef.json" "$tmp/corrupt.out" || fail "the corrupt fixture is not named"
[[ -f "$tmp/corrupt-cases/ess/RemoveInstances.json" ]] || fail "the other fixtures were not derived"

echo "PASS: recorded ${#calls[@]} exchanges, derived cases pass, one deviation caught, one gap registered"
