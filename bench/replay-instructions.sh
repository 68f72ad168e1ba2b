#!/usr/bin/env bash
# User-space instructions per replayed request, counted by callgrind: a figure that does not move with
# the load on the machine, so a change to the replay path can be judged by one run of this script.
# The proxy (one server thread) replays one recorded DescribeRegions exchange to REQUESTS requests
# sent by curl over keep-alive connections; the count is (total - idle) / REQUESTS, where "idle" is a
# run that starts, answers one request and stops, so start-up and shutdown cancel out.
# Usage: bash bench/replay-instructions.sh [POPCHECK_BINARY]   env: REQUESTS=2000; NGINX=1 also counts
#   nginx (one worker, no master process, the same body from memory) answering the same requests.
# Needs valgrind and curl.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib/common.sh"
bin=$(built_popcheck "${1:-}")
requests=${REQUESTS:-2000}
for tool in valgrind callgrind_annotate curl python3; do
  command -v "$tool" >/dev/null || { echo "missing $tool: bash scripts/setup.sh bench" >&2; exit 2; }
done
[[ -x "$bin" ]] || { echo "no popcheck binary at $bin" >&2; exit 2; }
tmp=$(mktemp -d /tmp/popcheck-bench-instr.XXXXXX)
trap '[ -n "${KEEP:-}" ] && echo "kept $tmp" || rm -rf "$tmp"' EXIT
d="$tmp/fixtures/ecs/DescribeRegions"
mkdir -p "$d"
cat >"$d/000000-bench.json" <<'JSON'
{"popcheck_fixture": 1, "product": "ecs", "action": "DescribeRegions",
 "request": {"method": "GET", "path": "/", "params": {"Action": "DescribeRegions",
   "Version": "2014-05-26", "Format": "JSON", "RegionId": "cn-hangzhou"}, "headers": {}},
 "response": {"status": 200, "content_type": "application/json;charset=utf-8", "headers": {},
   "body_format": "json", "body": {"RequestId": "611CB80C-B6A9-43DB-9E38-0B0AC3D9B58F",
   "Regions": {"Region": [{"RegionId": "cn-hangzhou", "LocalName": "CN-HANGZHOU"}]}}},
 "provenance": {"recorded_at": "", "upstream": "", "api_version": "2014-05-26", "duration_ms": 0,
   "popcheck_version": ""}}
JSON
# What an SDK sends: the volatile parameters change on every call, so no two targets repeat.
query() {
  echo "/?Action=DescribeRegions&Version=2014-05-26&Format=JSON&RegionId=cn-hangzhou&AccessKeyId=bench&SignatureMethod=HMAC-SHA1&SignatureVersion=1.0&SignatureNonce=$1&Timestamp=2026-12-05T12%3A00%3A00Z&Signature=abc%2Bdef%3D"
}

send() {  # send PORT N TAG: N requests over one keep-alive connection, each answered 200
  local port=$1 n=$2 tag=$3 i
  # One curl process sends the requests over one keep-alive connection (a URL list in a config file).
  : >"$tmp/urls.$tag"
  for i in $(seq 1 "$n"); do echo "url = \"http://127.0.0.1:$port$(query "$i")\"" >>"$tmp/urls.$tag"; echo "output = /dev/null" >>"$tmp/urls.$tag"; done
  curl -s -K "$tmp/urls.$tag" -w '%{http_code}\n' | sort | uniq -c >"$tmp/codes.$tag"
  grep -q "^ *$n 200$" "$tmp/codes.$tag" || { echo "not every request was answered 200: $(cat "$tmp/codes.$tag")" >&2; exit 1; }
}

total_of() { callgrind_annotate "$1" 2>/dev/null | awk '/PROGRAM TOTALS/ {gsub(",", "", $1); print $1}'; }

run() {  # run N -> total instructions for a proxy that answers N requests
  local n=$1 out="$tmp/cg.$1" port
  valgrind --tool=callgrind --callgrind-out-file="$out" "$bin" proxy --mode replay \
    --fixtures "$tmp/fixtures" --listen 127.0.0.1:0 --threads 1 >"$tmp/stdout.$n" 2>"$tmp/stderr.$n" &
  local pid=$!
  for _ in $(seq 1 300); do
    port=$(grep -o '127.0.0.1:[0-9]*' "$tmp/stdout.$n" 2>/dev/null | head -1 | cut -d: -f2 || true)
    [ -n "$port" ] && break
    sleep 0.1
  done
  [ -n "$port" ] || { echo "the proxy did not start: $(cat "$tmp/stderr.$n")" >&2; exit 1; }
  send "$port" "$n" "$n"
  kill -INT "$pid"
  wait "$pid" || true
  total_of "$out"
}

run_nginx() {  # run_nginx N -> total instructions for nginx (one worker, no master) answering N requests
  local n=$1 out="$tmp/cg.nginx.$1"
  NGINX_MASTER=off NGINX_PREFIX="valgrind --tool=callgrind --callgrind-out-file=$out" \
    nginx_start "$tmp/body.json" "application/json;charset=utf-8" 1 >/dev/null 2>&1
  send "$NGINX_PORT" "$n" "nginx.$n"
  nginx_stop
  total_of "$out"
}

idle=$(run 1)
total=$(run "$requests")
echo "popcheck: $("$bin" --version) ($bin)"
python3 -c "print('replay: %.0f user-space instructions per request (%d requests; callgrind)' % ((int('$total') - int('$idle')) / ($requests - 1), $requests))"
if [ "${NGINX:-0}" = 1 ]; then
  # The same requests to nginx answering the same body from memory (bench/lib/nginx.sh), counted the
  # same way: what the proxy's user-space work per response compares with.
  command -v nginx >/dev/null || { echo "missing nginx: bash scripts/setup.sh bench" >&2; exit 2; }
  source "$here/lib/nginx.sh"
  python3 -c "import json,sys; json.dump(json.load(open(sys.argv[1]))['response']['body'], open(sys.argv[2],'w'), separators=(',',':'))" "$d/000000-bench.json" "$tmp/body.json"
  idle=$(run_nginx 1)
  total=$(run_nginx "$requests")
  echo "nginx: $(nginx -v 2>&1 | sed 's/^nginx version: //')"
  python3 -c "print('nginx:  %.0f user-space instructions per request (%d requests; callgrind)' % ((int('$total') - int('$idle')) / ($requests - 1), $requests))"
fi
