#!/usr/bin/env bash
# The validating proxy end to end: `popcheck proxy --mode passthrough --contracts` in front of the
# emulator. curl sends deliberately non-conforming requests (an unknown parameter, a missing
# required one, a value outside an allowed set, InstanceId.2 without .1, a non-integer and an
# out-of-range number where an Integer is documented, a non-boolean, an over-long value, a version
# the action is not documented for, an unknown action) and conforming ones (V1 GET and V3 POST);
# GET /__popcheck/violations is read while the proxy runs; on SIGTERM the proxy writes the JUnit,
# which must validate against the Ant schema, hold each violation in its own case and let the
# conforming cases pass. No credential sent reaches the report or the log.
# Environment: POPCHECK (binary), POPCHECK_SRC (repository).
set -euo pipefail

# shellcheck source=lib.sh source-path=SCRIPTDIR
source "$(dirname "$0")/lib.sh"
data="$src/data"  # the bundled metadata and JUnit schema
unset ALIBABA_CLOUD_ACCESS_KEY_ID ALIBABA_CLOUD_ACCESS_KEY_SECRET ALIBABA_CLOUD_SECURITY_TOKEN \
  ALIBABA_CLOUD_PROFILE
export HOME="$tmp"

# Contracts: the seed catalogue (cases/, compiled from the seed pages), and the whole ECS metadata
# for actions with documented Integer parameters the emulator does not implement (the request is
# validated all the same). The seeds come first: for an action both describe, the first --contracts
# folder wins.
cp -r "$src/cases" "$tmp/seeds"
"$bin" compile "$data"/metadata/ecs-2014-05-26.json --out "$tmp/ecs" -q \
  >>"$tmp/compile.log" 2>&1 || true
[[ -f "$tmp/seeds/ecs/DeleteInstances.json" && -f "$tmp/seeds/vpc/TagResources.json" ]] ||
  fail "the seed compile produced no catalogue: $(cat "$tmp/compile.log")"
[[ -f "$tmp/ecs/ecs/DescribeInstances.json" ]] || fail "no ECS metadata catalogue"

start_emulator emulator
emulator=$url
# Resources for the conforming calls, made directly on the emulator.
vars=$(curl -sf -X POST "$emulator/__popcheck/provision" -H 'Content-Type: application/json' \
  -d '{"needs":[{"var":"i","resource":"instance","with":{"Status":"Stopped"}},
                {"var":"v","resource":"vpc"}],"region":"cn-hangzhou"}')
instance=$(grep -o '"i-[^"]*"' <<<"$vars" | tr -d '"')
vpc=$(grep -o '"vpc-[^"]*"' <<<"$vars" | tr -d '"')
[[ -n $instance && -n $vpc ]] || fail "provisioning answered $vars"

report="$tmp/out/junit.xml"
mkdir -p "$tmp/out"
start proxy "$bin" proxy --mode passthrough --upstream "$emulator" --fixtures "$tmp/fixtures" \
  --contracts "$tmp/seeds" --contracts "$tmp/ecs" --contracts-report "$report" \
  --listen 127.0.0.1:0
proxy_pid=$server_pid
proxy=$url

key_id=LTAIe2eValidateKey42
token=STS.e2eValidateToken42xyz
signed="AccessKeyId=$key_id&SecurityToken=$token&SignatureMethod=HMAC-SHA1&SignatureVersion=1.0"
signed+="&SignatureNonce=n-1&Timestamp=2026-11-23T10%3A00%3A00Z&Signature=c2lnZTJlVmFsaWRhdGU%3D"
call() { curl -s -o /dev/null -w '%{http_code}' "$proxy/?$signed&$1"; }
ecs="Version=2014-05-26&Format=JSON&RegionId=cn-hangzhou"
ess="Version=2014-08-28&ScalingGroupId=asg-1"
c65=$(printf 'c%.0s' {1..65})

# case id|check|path|query: one deliberate violation each. Ids count the exchanges of one action
# in arrival order, and the calls below are sequential.
cases=(
  "DeleteInstances#1|unknown-parameter|Colour|Action=DeleteInstances&$ecs&InstanceId.1=i&Colour=red"
  "DetachDisk#1|missing-required|DiskId|Action=DetachDisk&$ecs&InstanceId=i-x"
  "RemoveTags#1|allowed-values|ResourceType|Action=RemoveTags&$ecs&ResourceId=d&ResourceType=bucket"
  "RemoveInstances#1|repeat-numbering|InstanceId.N|Action=RemoveInstances&$ess&InstanceId.2=i-2"
  "DescribeInstances#1|type|PageSize|Action=DescribeInstances&$ecs&PageSize=ten"
  "DescribeInstances#2|range|PageSize|Action=DescribeInstances&$ecs&PageSize=500"
  "DeleteInstances#2|type|Force|Action=DeleteInstances&$ecs&InstanceId.1=i-x&Force=yes"
  "DeleteInstances#3|length|ClientToken|Action=DeleteInstances&$ecs&InstanceId.1=i&ClientToken=$c65"
  "RemoveInstances#2|unknown-action|Version|Action=RemoveInstances&Version=2014-05-26&Force=1"
  "LaunchRocket#1|unknown-action|Action|Action=LaunchRocket&$ecs"
)
for c in "${cases[@]}"; do
  IFS='|' read -r id _ _ query <<<"$c"
  code=$(call "$query")
  [[ $code =~ ^[0-9]{3}$ && $code != 000 ]] || fail "$id: no answer through the proxy"
done

# Conforming: a V1 GET on a provisioned instance, and a V3 POST (Action and Version in x-acs-*
# headers, no Format) on a provisioned VPC.
code=$(call "Action=DeleteInstances&$ecs&InstanceId.1=$instance&Force=true")
[[ $code == 200 ]] || fail "the conforming DeleteInstances answered $code"
code=$(curl -s -o /dev/null -w '%{http_code}' -X POST \
  "$proxy/?RegionId=cn-hangzhou&ResourceType=VPC&ResourceId.1=$vpc&Tag.1.Key=team&Tag.1.Value=a" \
  -H 'x-acs-action: TagResources' -H 'x-acs-version: 2016-04-28' \
  -H "Authorization: ACS3-HMAC-SHA256 Credential=$key_id,SignedHeaders=host,Signature=abcdef" \
  -H "x-acs-security-token: $token")
[[ $code == 200 ]] || fail "the conforming V3 TagResources answered $code"

# While running: the violations so far.
live=$(curl -sf "$proxy/__popcheck/violations") || fail "GET /__popcheck/violations failed"
for c in "${cases[@]}"; do
  IFS='|' read -r id check path _ <<<"$c"
  grep -q "\"case\": *\"$id\"" <<<"$live" || fail "/__popcheck/violations lacks $id: $live"
  grep -q "\"check\": *\"$check\"" <<<"$live" || fail "/__popcheck/violations lacks $check"
done
grep -q '"DeleteInstances#4"' <<<"$live" &&
  fail "the conforming DeleteInstances#4 has violations: $live"
grep -q '"TagResources#1"' <<<"$live" && fail "the conforming TagResources#1 has violations: $live"

kill -TERM "$proxy_pid"
rc=0
wait "$proxy_pid" || rc=$?
# Exit status 1: the proxy stopped cleanly and some exchange had violations.
[[ $rc -eq 1 ]] || fail "the proxy exited $rc on SIGTERM, expected 1: $(cat "$tmp/proxy.err")"
[[ -s $report ]] || fail "no JUnit report at $report: $(cat "$tmp/proxy.err")"
xmllint --noout --schema "$data/schemas/junit-ant.xsd" "$report" 2>"$tmp/xmllint.err" ||
  fail "the report does not validate: $(cat "$tmp/xmllint.err")"

failure_of() { xmllint --xpath "string(//testcase[@name='$1']/failure)" "$report"; }
for c in "${cases[@]}"; do
  IFS='|' read -r id check path _ <<<"$c"
  text=$(failure_of "$id")
  [[ $text == *"$check at $path:"* ]] || fail "$id: no '$check at $path' in its failure: '$text'"
  echo "found $id: $(grep -m1 "^$check at $path:" <<<"$text")"
done
for id in "DeleteInstances#4" "TagResources#1"; do
  n=$(xmllint --xpath "count(//testcase[@name='$id'])" "$report")
  [[ $n == 1 ]] || fail "the conforming $id is not in the report"
  f=$(xmllint --xpath "count(//testcase[@name='$id']/failure)" "$report")
  [[ $f == 0 ]] || fail "the conforming $id failed: $(failure_of "$id")"
done
total=$(xmllint --xpath "count(//testcase)" "$report")
want=$((${#cases[@]} + 2))
[[ $total == "$want" ]] || fail "$total cases in the report, expected $want"

# One stderr line per violating exchange while running; no credential anywhere.
grep -q "unknown-parameter at Colour" "$tmp/proxy.err" "$tmp/proxy.out" ||
  fail "no violation logged: $(cat "$tmp/proxy.err")"
for secret in "$key_id" "$token" "c2lnZTJlVmFsaWRhdGU"; do
  ! grep -q "$secret" "$report" "$tmp/proxy.err" "$tmp/proxy.out" ||
    fail "$secret leaked into the report or the log"
  ! grep -q "$secret" <<<"$live" || fail "$secret leaked into /__popcheck/violations"
done
echo "PASS: ${#cases[@]} violations found in the JUnit report, 2 conforming exchanges passed"

# Real SDKs through the validating proxy (when Node and the SDKs are installed): pop-core GET and
# POST form, ecs20140526 V3 and v2, vpc20160428 V3. What they send conforms to the documents, so
# the only request violation is the call that deliberately leaves out InstanceId.
if ! command -v node >/dev/null 2>&1 || [[ ! -d "$sdk/@alicloud/pop-core" ]]; then
  echo "SKIP: SDK part (node or the SDKs under $sdk are not installed)"
  exit 0
fi
sdk_report="$tmp/out/sdk.xml"
start sdkproxy "$bin" proxy --mode passthrough --upstream "$emulator" --fixtures "$tmp/fixtures" \
  --contracts "$tmp/seeds" --contracts-report "$sdk_report" --listen 127.0.0.1:0
sdk_proxy_pid=$server_pid
POPCHECK_SDK_DIR="$sdk" node "$src/tests/e2e/proxy_sdk.js" "${url#http://}" "$key_id" \
  dummySecretE2e42 "$token" "$tmp/sdk.json" || fail "the SDK calls did not run"
kill -TERM "$sdk_proxy_pid"
wait "$sdk_proxy_pid" || true
xmllint --noout --schema "$data/schemas/junit-ant.xsd" "$sdk_report" 2>"$tmp/xmllint.err" ||
  fail "the SDK report does not validate: $(cat "$tmp/xmllint.err")"
n=$(xmllint --xpath "count(//testcase)" "$sdk_report")
[[ $n -ge 9 ]] || fail "$n SDK exchanges in the report, expected 9"
request_checks='unknown-parameter|missing-required|repeat-numbering|type|allowed-values|range'
request_checks+='|length|forbidden-prefix|forbidden-substring|pattern|unknown-action'
found=""
for ((i = 1; i <= n; i++)); do
  name=$(xmllint --xpath "string((//testcase)[$i]/@name)" "$sdk_report")
  text=$(xmllint --xpath "string((//testcase)[$i]/failure)" "$sdk_report")
  while IFS= read -r line; do
    [[ -n $line ]] && found+="$name: $line"$'\n'
  done < <(grep -E "^($request_checks) " <<<"$text" || true)
done
expected="DeleteInstances#2: missing-required at InstanceId.N: expected InstanceId.N (required),"
expected+=" actual absent"
[[ $found == "$expected"$'\n' ]] || fail "SDK request violations, expected only '$expected':
$found"
! grep -q -e "$key_id" -e "$token" -e dummySecretE2e42 "$sdk_report" ||
  fail "SDK credentials leaked into the report"
echo "PASS: $n SDK exchanges validated; the one deliberate request violation found, no other"
