#!/usr/bin/env bash
# Fault injection through the real binary, without SDKs (curl only):
#  - bad --fault flags exit 2 with a message naming the flag and the bad part;
#  - injected errors in JSON and XML with the exact Content-Types, x-acs-retry-after, and never
#    forwarded nor recorded (record mode: no fixture for them);
#  - reset and truncate wrap a real, recorded exchange; the proxy keeps serving;
#  - faults apply in replay mode too;
#  - with --contracts, answers to injected errors are not validated; the JUnit report written on
#    stop holds only the real exchanges, and a violation makes the exit status 1.
# Environment: POPCHECK (binary), POPCHECK_SRC (repository).
set -euo pipefail

# shellcheck source=lib.sh source-path=SCRIPTDIR
source "$(dirname "$0")/lib.sh"
data="$src/data"  # the bundled metadata

# 1. Bad flags: exit 2, the flag and the bad part named.
bad_flag() {  # bad_flag SPEC EXPECTED-TEXT
  local rc=0
  "$bin" proxy --mode replay --fixtures "$tmp/none" --listen 127.0.0.1:0 --fault "$1" \
    >"$tmp/bad.out" 2>"$tmp/bad.err" || rc=$?
  [[ $rc -eq 2 ]] || fail "--fault '$1' exited $rc, not 2"
  grep -qF -- "--fault" "$tmp/bad.err" ||
    fail "--fault '$1': the flag is not named: $(cat "$tmp/bad.err")"
  grep -qF -- "$2" "$tmp/bad.err" || fail "--fault '$1': '$2' is not named: $(cat "$tmp/bad.err")"
}
bad_flag 'error:Throttling.User,p=1.5' "'p=1.5'"
bad_flag 'latency:soon' "'soon'"
bad_flag 'explode' "'explode'"
bad_flag 'reset,cuont=2' "'cuont=2'"
bad_flag 'error:NoSuchCode' "status="

# 2. Record mode in front of the emulator.
start_emulator emulator
emulator=$url
fixtures="$tmp/fixtures"
start proxy "$bin" proxy --mode record --upstream "$emulator" --fixtures "$fixtures" \
  --listen 127.0.0.1:0 --fault-seed 3 \
  --fault 'error:ServiceUnavailable,action=DescribeRegions,count=2,retry-after=1500' \
  --fault 'reset,action=DescribeZones,count=1' --fault 'truncate,action=DescribeZones,count=1'
proxy=$url
api="Version=2014-05-26&RegionId=cn-hangzhou"

curl -s -D "$tmp/h1" -o "$tmp/b1" "$proxy/?Action=DescribeRegions&$api&Format=JSON"
grep -q '^HTTP/1.1 503' "$tmp/h1" || fail "JSON error: $(cat "$tmp/h1")"
grep -qi '^Content-Type: application/json;charset=utf-8' "$tmp/h1" || fail "JSON Content-Type"
grep -qi '^x-acs-retry-after: 1500' "$tmp/h1" || fail "no x-acs-retry-after: $(cat "$tmp/h1")"
python3 - "$tmp/b1" <<'EOF'
import json, sys
b = json.load(open(sys.argv[1]))
assert b["Code"] == "ServiceUnavailable", b
assert b["HostId"] == "ecs.aliyuncs.com", b
assert set(b) == {"RequestId", "HostId", "Code", "Message", "Recommend"}, b
EOF
curl -s -D "$tmp/h2" -o "$tmp/b2" "$proxy/?Action=DescribeRegions&$api&Format=XML"
grep -q '^HTTP/1.1 503' "$tmp/h2" || fail "XML error status"
# The SDKs parse XML errors only with exactly this Content-Type.
grep -q '^Content-Type: text/xml;charset=utf-8' "$tmp/h2" ||
  fail "XML Content-Type: $(cat "$tmp/h2")"
python3 - "$tmp/b2" <<'EOF'
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
assert root.tag == "Error", root.tag
assert root.findtext("Code") == "ServiceUnavailable"
for k in ("RequestId", "HostId", "Message", "Recommend"):
    assert root.findtext(k), k
EOF
[[ ! -d $fixtures ]] || [[ -z $(find "$fixtures" -name '*.json') ]] ||
  fail "an injected error was recorded: $(find "$fixtures" -name '*.json')"
code=$(curl -s -o /dev/null -w '%{http_code}' "$proxy/?Action=DescribeRegions&$api&Format=JSON")
[[ $code == 200 ]] || fail "the third DescribeRegions got $code"

# Reset, then truncate: the client fails; the upstream answered and the exchange was recorded.
if curl -s -o /dev/null "$proxy/?Action=DescribeZones&$api"; then fail "reset: curl succeeded"; fi
if curl -s -o "$tmp/cut" "$proxy/?Action=DescribeZones&$api"; then
  fail "truncate: curl succeeded"
fi
code=$(curl -s -o /dev/null -w '%{http_code}' "$proxy/?Action=DescribeZones&$api")
[[ $code == 200 ]] || fail "after reset and truncate the proxy answered $code"
recorded=$(find "$fixtures" -name '*.json' | wc -l)
[[ $recorded -eq 4 ]] ||
  fail "expected 4 recorded exchanges (1 DescribeRegions, 3 DescribeZones), got $recorded"
stats=$(curl -sf "$proxy/__popcheck/stats")
echo "record stats: $stats"
python3 - "$stats" <<'EOF'
import json, sys
s = json.loads(sys.argv[1])
assert s["recorded"] == 4, s
assert s["injected"] == {"latency": 0, "error": 2, "reset": 1, "truncate": 1}, s
assert s["requests_by_action"] == {"DescribeRegions": 3, "DescribeZones": 3}, s
assert s["injected_by_action"]["DescribeZones"] == {"reset": 1, "truncate": 1}, s
EOF
stop "$server_pid"

# 3. Replay mode: the fault comes before the fixtures.
start replay "$bin" proxy --mode replay --fixtures "$fixtures" --listen 127.0.0.1:0 \
  --fault 'error:Throttling.User,action=DescribeRegions,count=1'
code=$(curl -s -o "$tmp/b3" -w '%{http_code}' "$url/?Action=DescribeRegions&$api&Format=JSON")
[[ $code == 400 ]] && grep -q '"Throttling.User"' "$tmp/b3" ||
  fail "replay: no injected error ($code)"
code=$(curl -s -o /dev/null -w '%{http_code}' "$url/?Action=DescribeRegions&$api&Format=JSON")
[[ $code == 200 ]] || fail "replay after the fault answered $code"
stop "$server_pid"

# 4. Validating proxy with faults: injected errors are not validated.
"$bin" compile "$data/metadata/ecs-2014-05-26.json" --out "$tmp/contracts" -q ||
  fail "compile of the ECS metadata failed"
report="$tmp/junit.xml"
start validating "$bin" proxy --mode passthrough --upstream "$emulator" --fixtures "$fixtures" \
  --listen 127.0.0.1:0 --contracts "$tmp/contracts" --contracts-report "$report" \
  --fault 'error:InternalError,action=DescribeRegions,count=3'
for i in 1 2 3 4; do
  curl -s -o /dev/null "$url/?Action=DescribeRegions&$api&Format=JSON"
done
# One violation: an unknown parameter.
curl -s -o /dev/null "$url/?Action=DescribeRegions&$api&Format=JSON&Colour=red"
violations=$(curl -sf "$url/__popcheck/violations")
echo "violations: $violations"
rc=0
kill -TERM "$server_pid"
wait "$server_pid" || rc=$?
[[ $rc -eq 1 ]] || fail "the validating proxy exited $rc after a violation, not 1"
grep -qF "JUnit report: $report" "$tmp/validating.err" || fail "the report path was not printed"
grep -q 'violation DescribeRegions#2' "$tmp/validating.err" ||
  fail "the violation was not logged: $(cat "$tmp/validating.err")"
python3 - "$report" "$violations" <<'EOF'
import json, sys, xml.etree.ElementTree as ET
cases = ET.parse(sys.argv[1]).getroot().iter("testcase")
names = [c.get("name") for c in cases]
# Four requests, three answered by injected errors: two real exchanges were validated.
assert len(names) == 2, names
v = json.loads(sys.argv[2])
assert v["observed"] == 2 and v["violating"] == 1, v
assert any(x["path"] == "Colour" for x in v["violations"]), v
EOF

echo "PASS: fault flags, error bodies, reset/truncate around recorded exchanges, replay faults," \
  "validation skips injected errors"
