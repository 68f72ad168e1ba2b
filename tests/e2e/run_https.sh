#!/usr/bin/env bash
# `popcheck run` over HTTPS against openssl s_server with a throw-away self-signed certificate: the
# certificate is verified by default (an untrusted one is an infrastructure error, exit 2, one
# message); --ca-file trusts it and --insecure skips the check, and then every case gets a verdict (the
# server's HTML page is no API answer, so the cases fail: exit 1, not 2).
# Environment: POPCHECK (binary).
set -euo pipefail

# shellcheck source=lib.sh source-path=SCRIPTDIR
source "$(dirname "$0")/lib.sh"
command -v openssl >/dev/null || { echo "SKIP: openssl is not installed"; exit 0; }
export ALIBABA_CLOUD_ACCESS_KEY_ID=e2e-key-id ALIBABA_CLOUD_ACCESS_KEY_SECRET=e2e-key-secret
unset ALIBABA_CLOUD_SECURITY_TOKEN ALIBABA_CLOUD_PROFILE

openssl req -x509 -newkey rsa:2048 -nodes -keyout "$tmp/key.pem" -out "$tmp/cert.pem" -days 2 \
  -subj /CN=127.0.0.1 -addext "subjectAltName=IP:127.0.0.1" 2>/dev/null
start_matching s_server 'ACCEPT 127.0.0.1:[0-9]*' openssl s_server -accept 127.0.0.1:0 \
  -cert "$tmp/cert.pem" -key "$tmp/key.pem" -www
port=${found##*:}

mkdir -p "$tmp/cases/ecs"
cat >"$tmp/cases/ecs/DescribeRegions.json" <<'JSON'
{"contract": {"product": "Ecs", "version": "2014-05-26", "action": "DescribeRegions"},
 "cases": [{"id": "Ecs.DescribeRegions.example.json", "kind": "example", "product": "Ecs",
            "version": "2014-05-26", "action": "DescribeRegions",
            "request": {"method": "GET", "format": "JSON",
                        "params": {"Action": "DescribeRegions", "Version": "2014-05-26"}},
            "expect": {"status": 200, "shape": "none"}}]}
JSON
url="https://127.0.0.1:$port"

rc=0
"$bin" run --endpoint "$url" --cases "$tmp/cases" --report-dir "$tmp/r0" >"$tmp/out" 2>"$tmp/err" || rc=$?
[[ $rc -eq 2 ]] || fail "untrusted certificate: exit $rc: $(cat "$tmp/out" "$tmp/err")"
grep -q 'could not be verified' "$tmp/err" || fail "message: $(cat "$tmp/err")"
[[ $(wc -l <"$tmp/err") -eq 1 ]] || fail "more than one line: $(cat "$tmp/err")"

for flags in "--ca-file $tmp/cert.pem" "--insecure"; do
  rc=0
  # shellcheck disable=SC2086
  "$bin" run --endpoint "$url" --cases "$tmp/cases" --report-dir "$tmp/r1" $flags \
    >"$tmp/out" 2>"$tmp/err" || rc=$?
  [[ $rc -eq 1 ]] || fail "$flags: exit $rc, expected 1: $(cat "$tmp/out" "$tmp/err")"
  grep -q '0 passed, 1 failed, 0 skipped (' "$tmp/out" || fail "$flags: $(tail -1 "$tmp/out")"
  grep -q '"check": "content-type"' "$tmp/r1/results.json" || fail "$flags: no content-type verdict"
done
echo "PASS: TLS verified by default; --ca-file and --insecure reach the server"
