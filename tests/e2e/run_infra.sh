#!/usr/bin/env bash
# `popcheck run` infrastructure and usage errors: an unreachable endpoint and a TLS handshake refused
# are one clear message and exit status 2 (not a page of failed cases); bad flags and empty catalogues
# are usage errors with status 2.
# Environment: POPCHECK (binary).
set -euo pipefail

# shellcheck source=lib.sh source-path=SCRIPTDIR
source "$(dirname "$0")/lib.sh"
export ALIBABA_CLOUD_ACCESS_KEY_ID=e2e-key-id ALIBABA_CLOUD_ACCESS_KEY_SECRET=e2e-key-secret
unset ALIBABA_CLOUD_SECURITY_TOKEN ALIBABA_CLOUD_PROFILE

# A one-case catalogue, written by hand.
mkdir -p "$tmp/cases/ecs"
cat >"$tmp/cases/ecs/RemoveTags.json" <<'JSON'
{"contract": {"product": "Ecs", "version": "2014-05-26", "action": "RemoveTags",
              "response": {"name": "", "type": "object", "children": [{"name": "RequestId", "type": "string"}]}},
 "cases": [{"id": "Ecs.RemoveTags.negative.ResourceId.required", "kind": "negative", "product": "Ecs",
            "version": "2014-05-26", "action": "RemoveTags",
            "request": {"method": "GET", "format": "JSON",
                        "params": {"Action": "RemoveTags", "Version": "2014-05-26", "RegionId": "cn-hangzhou"}},
            "expect": {"status": 400, "code": "MissingParameter",
                       "message": "The input parameter \"%s\" that is mandatory for processing this request is not supplied.",
                       "shape": "error"}}]}
JSON

expect_exit2() {  # expect_exit2 NAME PATTERN ARGS...: exit 2, stderr matching PATTERN, no FAIL lines
  local name=$1 pattern=$2
  shift 2
  local rc=0
  "$bin" run "$@" >"$tmp/out" 2>"$tmp/err" || rc=$?
  [[ $rc -eq 2 ]] || fail "$name: exit $rc, expected 2: $(cat "$tmp/out" "$tmp/err")"
  grep -Eq -e "$pattern" "$tmp/err" || fail "$name: message '$(cat "$tmp/err")' does not match '$pattern'"
  [[ $(wc -l <"$tmp/err") -eq 1 ]] || fail "$name: expected one line on stderr, got: $(cat "$tmp/err")"
  ! grep -q '^FAIL' "$tmp/out" || fail "$name: cases were reported as failed"
}

# A port nobody listens on: start the emulator on port 0, note the port, stop it.
start_emulator emulator1
dead=$url
kill "$server_pid"; wait "$server_pid" 2>/dev/null || true
expect_exit2 unreachable "cannot connect to http://127\.0\.0\.1:[0-9]+" \
  --endpoint "$dead" --cases "$tmp/cases" --report-dir "$tmp/r" --retries 1

# TLS refused: https:// against a plain HTTP server.
start_emulator emulator2
expect_exit2 tls "TLS" --endpoint "${url/http:/https:}" --cases "$tmp/cases" --report-dir "$tmp/r"

# The same server over http works (sanity: the failures above are the endpoint's, not the catalogue's).
rc=0
"$bin" run --endpoint "$url" --cases "$tmp/cases" --report-dir "$tmp/ok" -q >"$tmp/out" 2>&1 || rc=$?
[[ $rc -eq 0 ]] || fail "the hand-written case against the emulator: exit $rc: $(cat "$tmp/out")"

# Usage errors.
expect_exit2 shard "--shard" --endpoint "$url" --cases "$tmp/cases" --shard 4/3
expect_exit2 signature "--signature" --endpoint "$url" --cases "$tmp/cases" --signature v2
expect_exit2 endpoint "--endpoint" --endpoint "ftp://x" --cases "$tmp/cases"
mkdir -p "$tmp/empty"
expect_exit2 empty "no cases found" --endpoint "$url" --cases "$tmp/empty"
expect_exit2 selection "no case matches" --endpoint "$url" --cases "$tmp/cases" --product Vpc
echo '{"contract": 1' >"$tmp/cases/ecs/Broken.json"
rc=0
"$bin" run --endpoint "$url" --cases "$tmp/cases" >"$tmp/out" 2>"$tmp/err" || rc=$?
[[ $rc -eq 2 ]] || fail "broken catalogue file: exit $rc"
grep -q "Broken.json" "$tmp/err" || fail "the broken file is not named: $(cat "$tmp/err")"
echo "PASS: unreachable, TLS refused and usage errors exit 2 with one message"
