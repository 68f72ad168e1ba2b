#!/usr/bin/env bash
# Forwarding to an HTTPS upstream (openssl s_server with a throw-away self-signed certificate for
# 127.0.0.1): certificate verification is on by default (an untrusted certificate is a 502 and nothing
# is recorded), --ca-file trusts it, the name must match (localhost is not in the certificate), and
# --insecure skips verification. Environment: POPCHECK (binary).
set -euo pipefail
# shellcheck source=lib.sh source-path=SCRIPTDIR
source "$(dirname "$0")/lib.sh"
command -v openssl >/dev/null || { echo "SKIP: openssl is not installed"; exit 0; }

openssl req -x509 -newkey rsa:2048 -nodes -keyout "$tmp/key.pem" -out "$tmp/cert.pem" -days 2 \
  -subj /CN=127.0.0.1 -addext "subjectAltName=IP:127.0.0.1" 2>/dev/null

start_matching tls 'ACCEPT 127.0.0.1:[0-9]*' openssl s_server -accept 127.0.0.1:0 \
  -cert "$tmp/cert.pem" -key "$tmp/key.pem" -www
upstream_port=${found##*:}

n=0
# try MODE_ARGS...: a proxy in record mode against the TLS upstream; sets $code and $body.
try() {
  n=$((n + 1))
  local host=$1
  shift
  start_matching "proxy$n" 'http://127.0.0.1:[0-9]*' "$bin" proxy --mode record \
    --upstream "https://$host:$upstream_port" --fixtures "$tmp/fx$n" --listen 127.0.0.1:0 \
    --timeout 10 "$@"
  code=$(curl -s -o "$tmp/body$n" -w '%{http_code}' "$found/?Action=DescribeRegions&Version=2014-05-26")
  body=$(cat "$tmp/body$n")
  stop "$server_pid"
}

try 127.0.0.1
[[ $code == 502 ]] || fail "an untrusted certificate was accepted ($code)"
grep -q 'Popcheck.Upstream.Unreachable' <<<"$body" || fail "no Alibaba-style error: $body"
grep -q 'certificate verify failed' <<<"$body" || fail "the error does not say why: $body"
[[ ! -e "$tmp/fx1" ]] || [[ -z $(find "$tmp/fx1" -type f) ]] || fail "a failed exchange was recorded"

try 127.0.0.1 --ca-file "$tmp/cert.pem"
[[ $code == 200 ]] || fail "--ca-file did not trust the certificate ($code): $body"
grep -q 's_server' <<<"$body" || fail "not the upstream's answer: $body"
[[ $(find "$tmp/fx2" -name '*.json' | wc -l) == 1 ]] || fail "the exchange was not recorded"

try localhost --ca-file "$tmp/cert.pem"
[[ $code == 502 ]] || fail "a certificate for 127.0.0.1 was accepted for localhost ($code)"

try 127.0.0.1 --insecure
[[ $code == 200 ]] || fail "--insecure did not skip verification ($code): $body"
echo "PASS: HTTPS upstream: verification by default, --ca-file, host name check, --insecure"
