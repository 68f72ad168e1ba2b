#!/usr/bin/env bash
# Fault injection through the proxy, seen by real SDK clients (issue 6):
#  - @alicloud/ecs20140526 with retryOptions meets two injected Throttling.User errors (--fault) and
#    succeeds on its third attempt; the proxy's stats show 3 requests, 2 injected errors and the
#    SDK's 2 retries for DescribeRegions. Without retryOptions the SDK fails with ThrottlingError
#    (with the x-acs-retry-after value) after exactly 1 request; that fault is set through the
#    admin endpoint.
#  - Latency: the SDK's readTimeout fires. Reset and truncate: the client sees an error and the
#    proxy keeps serving.
#  - Seeds: two proxies with the same seed and p=0.5 inject on the same request numbers.
# The upstream is `popcheck emulate`, which answers DescribeRegions from the ECS metadata.
# Environment: POPCHECK (binary), POPCHECK_SRC (repository).
set -euo pipefail

# shellcheck source=lib.sh source-path=SCRIPTDIR
source "$(dirname "$0")/lib.sh"
require_sdk @alicloud/ecs20140526

# check JSON EXPRESSION MESSAGE: evaluates a JavaScript expression over the JSON value `j`.
check() {
  node -e '
    const j = JSON.parse(process.argv[1]);
    if (!eval(process.argv[2])) {
      console.error("FAIL: " + process.argv[3] + ": " + process.argv[1]);
      process.exit(1);
    }
  ' "$1" "$2" "$3"
}

sdk_call() {  # sdk_call SCENARIO: one SDK call through the proxy, its outcome as JSON
  node "$src/tests/e2e/proxy_retry_sdk.js" "${proxy#http://}" "$1"
}
stats() { curl -sf "$proxy/__popcheck/stats"; }
# requests for DescribeRegions and errors injected so far, as "REQUESTS ERRORS RETRIES"
counts() {
  node -e '
    const s = JSON.parse(process.argv[1]);
    const a = "DescribeRegions";
    const inj = (s.injected_by_action[a] || {});
    console.log(`${s.requests_by_action[a] || 0} ${inj.error || 0} ${s.retries_by_action[a] || 0}`);
  ' "$(stats)"
}
put_faults() {
  local answer
  answer=$(curl -sf -X PUT -H 'Content-Type: application/json' --data "$1" "$proxy/__popcheck/faults") || fail "PUT faults $1 refused"
  echo "faults: $answer"
}

start_emulator emulator
emulator=$url
# The emulator reads its metadata on the first request for a metadata-only API (seconds on a loaded
# machine); that first read is not what this test measures, so it happens here, before any SDK timer.
curl -sf "$emulator/?Action=DescribeRegions&Version=2014-05-26&Format=JSON" >/dev/null ||
  fail "the emulator does not answer DescribeRegions"

start proxy "$bin" proxy --mode passthrough --upstream "$emulator" --fixtures "$tmp/fixtures" \
  --listen 127.0.0.1:0 --fault-seed 1 \
  --fault 'error:Throttling.User,action=DescribeRegions,count=2,retry-after=20'
proxy=$url
grep -q 'injecting error:Throttling.User' "$tmp/proxy.err" ||
  fail "the proxy did not announce the fault"

# 1. retryOptions: two throttled attempts, then the emulator's answer.
out=$(sdk_call retry)
echo "retry: $out"
check "$out" 'j.ok === true && j.statusCode === 200 && j.requestId' \
  "the SDK with retryOptions did not succeed"
read -r requests errors retries <<<"$(counts)"
[[ $requests -eq 3 && $errors -eq 2 && $retries -eq 2 ]] ||
  fail "expected 3 requests, 2 injected errors and 2 retries for DescribeRegions," \
    "got $requests, $errors, $retries: $(stats)"

# 2. Without retryOptions: one request, a ThrottlingError carrying x-acs-retry-after. The fault
# comes from the admin endpoint this time.
put_faults '{"rules": [{"kind": "error", "code": "Throttling.User", "action": "DescribeRegions",
  "count": 1, "retry_after_ms": 20}]}'
out=$(sdk_call plain)
echo "plain: $out"
check "$out" 'j.ok === false && j.name === "ThrottlingError" && j.code === "Throttling.User" &&
  j.statusCode === 400 && j.retryAfter === 20' "expected a ThrottlingError with retryAfter 20"
read -r requests errors retries <<<"$(counts)"
[[ $requests -eq 4 && $errors -eq 3 && $retries -eq 2 ]] ||
  fail "expected exactly 1 more request and 1 more injected error, got $requests, $errors, $retries"
# The budget is spent: the same call succeeds now, and pop-core sees the error in its own way.
check "$(sdk_call plain)" 'j.ok === true' "the call after the fault's budget failed"
put_faults '{"rules": ["error:Throttling.User,action=DescribeRegions,count=1"]}'
out=$(sdk_call popcore)
echo "pop-core: $out"
check "$out" 'j.ok === false && j.name === "Throttling.UserError" && j.code === "Throttling.User"' \
  "pop-core did not see Throttling.User"

# 3. Latency beyond the SDK's readTimeout (300 ms): the SDK gives up; the proxy keeps serving.
put_faults '{"rules": ["latency:5000,action=DescribeRegions,count=1"]}'
out=$(sdk_call timeout)
echo "latency: $out"
check "$out" 'j.ok === false && /timeout/i.test(j.name + " " + j.message)' \
  "the readTimeout did not fire"
check "$(sdk_call plain)" 'j.ok === true' "the call after the latency fault failed"

# 4. Reset, then truncate, then a whole answer.
put_faults '{"rules": ["reset,action=DescribeRegions,count=1",
  "truncate,action=DescribeRegions,count=1"]}'
out=$(sdk_call plain)
echo "reset: $out"
check "$out" 'j.ok === false && !j.statusCode' "a reset connection did not fail in transport"
out=$(sdk_call plain)
echo "truncate: $out"
check "$out" 'j.ok === false' "a truncated answer was accepted"
check "$(sdk_call plain)" 'j.ok === true' "the proxy stopped serving after reset and truncate"
s=$(stats)
check "$s" 'j.injected.reset === 1 && j.injected.truncate === 1 && j.injected.latency === 1' \
  "stats do not count the reset, truncation and latency"
curl -sf -X DELETE -H 'X-Popcheck-Admin: 1' "$proxy/__popcheck/faults" >/dev/null
check "$(curl -sf "$proxy/__popcheck/faults")" 'j.rules.length === 0' "DELETE left rules"
check "$(curl -sf "$proxy/__popcheck/health")" 'j.status === "ok"' "health after the faults"

# 5. Seeds: the same seed gives the same injections, request by request.
statuses() {  # statuses URL: the status of 40 DescribeRegions requests, as a string of 0 and 1
  local out="" code i
  for i in $(seq 40); do
    code=$(curl -s -o /dev/null -w '%{http_code}' \
      "$1/?Action=DescribeRegions&Version=2014-05-26&Format=JSON&RegionId=cn-hangzhou")
    case $code in
      400) out+=1 ;;
      200) out+=0 ;;
      *) fail "unexpected status $code" ;;
    esac
  done
  echo "$out"
}
seq_of() {  # seq_of SEED
  start "seed$1-$2" "$bin" proxy --mode passthrough --upstream "$emulator" \
    --fixtures "$tmp/fixtures" --listen 127.0.0.1:0 --fault-seed "$1" \
    --fault 'error:Throttling,p=0.5'
  statuses "$url" >"$tmp/seq-$1-$2"
}
seq_of 42 a
seq_of 42 b
seq_of 43 a
a=$(cat "$tmp/seq-42-a") b=$(cat "$tmp/seq-42-b") c=$(cat "$tmp/seq-43-a")
echo "seed 42: $a"
echo "seed 42: $b"
echo "seed 43: $c"
[[ $a == "$b" ]] || fail "two proxies with seed 42 injected on different requests"
[[ $a == *1* && $a == *0* ]] || fail "p=0.5 injected on all or none of 40 requests"
[[ $a != "$c" ]] || fail "seeds 42 and 43 gave the same 40 decisions"

echo "PASS: SDK retries, timeouts, resets and truncations through the proxy's faults;" \
  "seeded decisions repeat"
