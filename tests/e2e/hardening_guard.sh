#!/usr/bin/env bash
# Issue 19, items 3, 4 and 5, against the real binary:
#  3. memory a client controls stays bounded: a replay proxy's RSS after 60 missing requests with
#     4 MB form bodies, and GET /__popcheck/stats after 100 requests with distinct 1 MB Actions;
#  4. the admin API refuses what a web page could send: a cross-origin text/plain POST leaves the
#     mode and the faults as they were (proxy) and the state as it was (emulator); listening on
#     0.0.0.0 prints a warning and every admin request then needs the admin token;
#  5. a Cookie header, credentials inside a JSON body, the proxy's own token inside an ordinary
#     parameter and a percent-encoded token inside a text/plain body reach no fixture, no HAR
#     export and no --contracts JUnit report.
# The bounds are generous (what a fixed proxy does is far below them, an unfixed one far above);
# nothing here is a timing. Environment: POPCHECK (binary), POPCHECK_SRC (repository).
set -euo pipefail

# shellcheck source=lib.sh source-path=SCRIPTDIR
source "$(dirname "$0")/lib.sh"
unset ALIBABA_CLOUD_ACCESS_KEY_ID ALIBABA_CLOUD_ACCESS_KEY_SECRET ALIBABA_CLOUD_SECURITY_TOKEN \
  ALIBABA_CLOUD_PROFILE POPCHECK_ADMIN_TOKEN
export HOME="$tmp"

rss_kb() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status"; }
# status METHOD URL [CURL ARGS...]: the HTTP status of one request, the body in $tmp/body.
status() {
  local method=$1 target=$2
  shift 2
  curl -s -o "$tmp/body" -w '%{http_code}' -X "$method" "$@" "$target"
}

start_emulator emulator
emulator=$url
mkdir -p "$tmp/empty"
start proxy "$bin" proxy --fixtures "$tmp/empty" --upstream "$emulator" --listen 127.0.0.1:0
proxy=$url
proxy_pid=$server_pid

# --- 3. Bounded memory -----------------------------------------------------------------------
# A 4 MB form field. Warm up with a few misses first, so that the baseline includes the buffers
# one request of that size needs anyway.
{ printf 'Version=2014-05-26&Blob='; head -c 4000000 /dev/zero | tr '\0' 'x'; } >"$tmp/big.form"
big_miss() {
  local code
  # No "Expect: 100-continue" (curl's default for big bodies): curl would wait a second for it.
  code=$(curl -s -o /dev/null -w '%{http_code}' -H 'Content-Type: application/x-www-form-urlencoded' \
    -H 'Expect:' --data-binary @"$tmp/big.form" "$proxy/?Action=Missing$1")
  [[ $code == 404 ]] || fail "a missing request answered $code, not 404"
}
for i in 1 2 3; do big_miss "warm$i"; done
before=$(rss_kb "$proxy_pid")
for i in $(seq 1 60); do big_miss "$i"; done
after=$(rss_kb "$proxy_pid")
echo "replay proxy RSS: ${before} kB before, ${after} kB after 60 missing 4 MB requests"
# Keeping the requests costs 240 MB at the very least; a bounded miss log costs a few MB.
((after - before < 120 * 1024)) || fail "RSS grew by $(((after - before) / 1024)) MB over 60 misses"
misses=$(curl -sf "$proxy/__popcheck/misses") || fail "GET /__popcheck/misses failed"
((${#misses} < 2 * 1024 * 1024)) || fail "the miss log is ${#misses} bytes"
grep -q '"dropped":' <<<"$misses" || fail "the miss log does not say what it dropped"

# 100 distinct Action values of 1 MB each.
head -c 1000000 /dev/zero | tr '\0' 'A' >"$tmp/mb"
for i in $(seq 1 100); do
  { printf 'Version=2014-05-26&Action=%s' "$i"; cat "$tmp/mb"; } |
    curl -s -o /dev/null -H 'Content-Type: application/x-www-form-urlencoded' --data-binary @- \
      "$proxy/"
done
stats=$(curl -sf "$proxy/__popcheck/stats") || fail "GET /__popcheck/stats failed"
echo "stats after 100 distinct 1 MB Actions: ${#stats} bytes"
# Unbounded, the Action names alone are 100 MB.
((${#stats} < 512 * 1024)) || fail "GET /__popcheck/stats is ${#stats} bytes"
after_actions=$(rss_kb "$proxy_pid")
echo "replay proxy RSS after the Actions too: ${after_actions} kB"
((after_actions - before < 160 * 1024)) || fail "RSS grew by $(((after_actions - before) / 1024)) MB"

# --- 4. Admin API protection -----------------------------------------------------------------
# The "simple" requests any web page can make a browser send: no preflight, any Origin.
code=$(status POST "$proxy/__popcheck/mode" -H 'Origin: https://evil.example' \
  -H 'Content-Type: text/plain' --data 'record')
[[ $code == 403 ]] || fail "a cross-origin text/plain POST to /mode answered $code: $(cat "$tmp/body")"
grep -q 'admin request refused' "$tmp/body" || fail "the refusal says nothing: $(cat "$tmp/body")"
code=$(status POST "$proxy/__popcheck/mode" -H 'Content-Type: text/plain' --data 'record')
[[ $code == 403 ]] || fail "a text/plain POST to /mode without Origin answered $code"
code=$(status PUT "$proxy/__popcheck/faults" -H 'Origin: https://evil.example' \
  -H 'Content-Type: text/plain' --data '{"rules":["error:Throttling.User"]}')
[[ $code == 403 ]] || fail "a cross-origin PUT /faults answered $code"
code=$(status GET "$proxy/__popcheck/stats" -H 'Host: rebound.example')
[[ $code == 403 ]] || fail "a rebound Host answered $code"
curl -sf "$proxy/__popcheck/mode" | grep -q '"mode":"replay"' || fail "the mode changed"
curl -sf "$proxy/__popcheck/faults" | grep -q '"rules":\[\]' || fail "the faults changed"
# The same switch as popcheck's callers send it works (the mode is reachable: there is an upstream).
curl -sf -X PUT -H 'Content-Type: application/json' -d '{"mode":"record"}' "$proxy/__popcheck/mode" |
  grep -q '"mode":"record"' || fail "a JSON PUT /mode was not applied"
curl -sf -X PUT -H 'X-Popcheck-Admin: 1' -d 'replay' "$proxy/__popcheck/mode" |
  grep -q '"mode":"replay"' || fail "a marked PUT /mode was not applied"
# The emulator's state likewise.
curl -sf "$emulator/__popcheck/state" >"$tmp/state.before"
code=$(status PUT "$emulator/__popcheck/state" -H 'Origin: https://evil.example' \
  -H 'Content-Type: text/plain' --data '{"Regions":["x"]}')
[[ $code == 403 ]] || fail "a cross-origin PUT /state on the emulator answered $code"
curl -sf "$emulator/__popcheck/state" | cmp -s - "$tmp/state.before" || fail "the state changed"
stop "$proxy_pid"

# Beyond loopback: a warning, and the token (generated and printed, or given) on every admin call.
start open_proxy "$bin" proxy --fixtures "$tmp/empty" --listen 0.0.0.0:0
open_pid=$server_pid
port=${url##*:}
grep -q 'WARNING: listening on 0.0.0.0' "$tmp/open_proxy.err" ||
  fail "no warning for a non-loopback listen: $(cat "$tmp/open_proxy.err")"
token=$(sed -n 's/.*admin token (generated[^:]*: \([0-9a-f]*\)$/\1/p' "$tmp/open_proxy.err")
[[ ${#token} == 32 ]] || fail "no generated admin token printed: $(cat "$tmp/open_proxy.err")"
code=$(status GET "http://127.0.0.1:$port/__popcheck/stats")
[[ $code == 401 ]] || fail "an admin request without the token answered $code"
code=$(status GET "http://127.0.0.1:$port/__popcheck/stats" -H "Authorization: Bearer wrong$token")
[[ $code == 401 ]] || fail "an admin request with a wrong token answered $code"
code=$(status GET "http://127.0.0.1:$port/__popcheck/stats" -H "Authorization: Bearer $token")
[[ $code == 200 ]] || fail "an admin request with the token answered $code"
stop "$open_pid"
start open_emulator env POPCHECK_ADMIN_TOKEN=given-token-123456 "$bin" emulate --listen 0.0.0.0:0
open_pid=$server_pid
port=${url##*:}
grep -q 'WARNING: listening on 0.0.0.0' "$tmp/open_emulator.err" || fail "no emulator warning"
! grep -q 'given-token-123456' "$tmp/open_emulator.err" || fail "a given token was printed"
code=$(status POST "http://127.0.0.1:$port/__popcheck/reset" -H 'X-Popcheck-Admin: 1')
[[ $code == 401 ]] || fail "an emulator reset without the token answered $code"
code=$(status POST "http://127.0.0.1:$port/__popcheck/reset" -H 'X-Popcheck-Admin: 1' \
  -H 'X-Popcheck-Admin-Token: given-token-123456')
[[ $code == 200 ]] || fail "an emulator reset with the token answered $code"
stop "$open_pid"

# --- 5. Redaction --------------------------------------------------------------------------
held_id=LTAIheldKeyId0042
held_secret=heldSecretValue0042
held_token=STS.heldToken0042xyz
cookie=c00kieSessionValue0042
json_id=LTAIjsonBodyKey0042
json_secret=jsonBodySecret0042
json_token=STS.jsonBodyToken0042
req_token='STS.req+Tok/en0042='
req_token_encoded='STS.req%2BTok%2Fen0042%3D'
report="$tmp/junit.xml"
start recorder env ALIBABA_CLOUD_ACCESS_KEY_ID=$held_id ALIBABA_CLOUD_ACCESS_KEY_SECRET=$held_secret \
  ALIBABA_CLOUD_SECURITY_TOKEN=$held_token \
  "$bin" proxy --mode record --upstream "$emulator" --fixtures "$tmp/recorded" \
  --contracts "$src/cases" --contracts-report "$report" --listen 127.0.0.1:0
recorder_pid=$server_pid
recorder=$url
ecs="Version=2014-05-26&Format=JSON&RegionId=cn-hangzhou"
# A Cookie header, and the proxy's own token inside an ordinary parameter.
curl -s -o /dev/null -H "Cookie: session=$cookie; theme=dark" \
  "$recorder/?Action=DescribeRegions&$ecs&Description=$held_token"
# V3 with credentials inside a JSON body.
curl -s -o /dev/null -X POST -H 'x-acs-action: DescribeRegions' -H 'x-acs-version: 2014-05-26' \
  -H 'Content-Type: application/json' \
  --data "{\"Auth\":{\"AccessKeyId\":\"$json_id\",\"AccessKeySecret\":\"$json_secret\"},\"List\":[{\"SecurityToken\":\"$json_token\"}]}" \
  "$recorder/?RegionId=cn-hangzhou"
# A request's token, percent-encoded inside a text/plain body.
curl -s -o /dev/null -X POST -H 'Content-Type: text/plain' --data "note: $req_token_encoded" \
  "$recorder/?Action=DescribeRegions&$ecs&SecurityToken=$req_token_encoded"
stop "$recorder_pid" || true  # exit status 1: some exchanges violated their contracts
[[ -f $report ]] || fail "no JUnit report written"
fixtures=$(find "$tmp/recorded" -name '*.json' | wc -l)
((fixtures == 3)) || fail "expected 3 fixtures, found $fixtures"
"$bin" fixtures export-har "$tmp/recorded" --out "$tmp/recorded.har" 2>"$tmp/export.err" ||
  fail "export-har failed: $(cat "$tmp/export.err")"
grep -q 'Cookie' "$report" || fail "the JUnit report lost the Cookie header's name (not a real report?)"
grep -q 'RegionId' "$tmp/recorded.har" || fail "the HAR export holds no request"
for secret in "$cookie" "$json_id" "$json_secret" "$json_token" "$held_token" "$held_id" \
  "$req_token" "$req_token_encoded" "STS.req"; do
  ! grep -rqF -- "$secret" "$tmp/recorded" || fail "$secret reached a fixture"
  ! grep -qF -- "$secret" "$tmp/recorded.har" || fail "$secret reached the HAR export"
  ! grep -qF -- "$secret" "$report" || fail "$secret reached the JUnit report"
done
echo "PASS: bounded memory, admin protection and redaction hold"
