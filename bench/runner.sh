#!/usr/bin/env bash
# Benchmark of `popcheck run`:
#   1. cases per second against loopback servers at -j 1 and -j 16: nginx serving a fixed conforming
#      answer (the runner's own cost: signing, HTTP, checks, reports) and `popcheck emulate`;
#   2. the time to compile the whole ECS/VPC/ESS metadata into a catalogue and to run all of it against
#      the embedded emulator at -j 1 and -j 16.
# Figures are measured and printed, never asserted.
#
# Usage: bash bench/runner.sh       (as root: installs nginx and wrk when missing)
# Environment: POPCHECK (binary; default: a release build in build/release), CASES (synthetic cases,
# 2000), SHARED (the shared folder, ../shared).
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib/nginx.sh

bash scripts/setup.sh bench
cases=${CASES:-2000}
shared=${SHARED:-$(cd .. && pwd)/shared}

popcheck_binary

scratch_with_cleanup

# Credentials for endpoints that are not an emulator; nothing checks them.
export ALIBABA_CLOUD_ACCESS_KEY_ID=bench-key-id ALIBABA_CLOUD_ACCESS_KEY_SECRET=bench-key-secret
unset ALIBABA_CLOUD_SECURITY_TOKEN ALIBABA_CLOUD_PROFILE

now() { date +%s.%N; }
rate() { awk -v n="$1" -v t="$2" 'BEGIN { printf "%.0f", (t > 0 ? n / t : 0) }'; }
summary_duration() { grep -m1 '"duration"' "$1" | tr -dc '0-9.'; }

# A synthetic catalogue: $cases example cases of one action, each with its own parameter value.
mkdir -p "$tmp/synthetic/ecs"
{
  printf '{"contract": {"product": "Ecs", "version": "2014-05-26", "action": "DescribeRegions",\n'
  printf '  "examples": {"json": {"format": "json", "body": "{\\"RequestId\\": \\"X\\"}", "valid": true}}},\n'
  printf ' "cases": [\n'
  for i in $(seq 1 "$cases"); do
    [[ $i -gt 1 ]] && printf ',\n'
    printf '  {"id": "Ecs.DescribeRegions.bench.%05d", "kind": "example", "product": "Ecs",' "$i"
    printf ' "version": "2014-05-26", "action": "DescribeRegions", "request": {"method": "GET",'
    printf ' "format": "JSON", "params": {"Action": "DescribeRegions", "Version": "2014-05-26",'
    printf ' "RegionId": "cn-hangzhou", "AcceptLanguage": "zh-CN"}},'
    printf ' "expect": {"status": 200, "shape": "example"}}'
  done
  printf '\n]}\n'
} >"$tmp/synthetic/ecs/DescribeRegions.json"

measure() {  # measure LABEL ENDPOINT_ARGS... : one line per -j with wall and runner-only rates
  local label=$1
  shift
  for j in 1 16; do
    local start end rc=0
    start=$(now)
    "$bin" run "$@" --report-dir "$tmp/r" -j "$j" -q >"$tmp/run.out" 2>&1 || rc=$?
    end=$(now)
    local wall total inner
    wall=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.3f", b - a }')
    total=$(grep -m1 '"total"' "$tmp/r/results.json" | tr -dc 0-9)
    inner=$(summary_duration "$tmp/r/results.json")
    printf '%-34s -j %-2s %6s cases  %8s s wall  %7s cases/s wall  %7s cases/s in the runner  (exit %s: %s)\n' \
      "$label" "$j" "$total" "$wall" "$(rate "$total" "$wall")" "$(rate "$total" "$inner")" "$rc" \
      "$(tail -1 "$tmp/run.out" | cut -d'(' -f1)"
  done
}

echo "== popcheck run: cases per second on loopback (nproc $(nproc))"
printf '{"RequestId":"6A2C8AB5-E15D-478C-B56A-CF3DAF060028"}' >"$tmp/body.json"
nginx_start "$tmp/body.json" "application/json;charset=utf-8" 1
wait_for_port "$NGINX_PORT"
measure "nginx fixed answer" --endpoint "http://127.0.0.1:$NGINX_PORT" --cases "$tmp/synthetic"
nginx_stop

mkfifo "$tmp/emu.out"
"$bin" emulate --listen 127.0.0.1:0 >"$tmp/emu.out" 2>"$tmp/emu.err" &
emu_pid=$!
exec {fd}<"$tmp/emu.out"
read -r -t 30 -u "$fd" line || { echo "the emulator did not start: $(cat "$tmp/emu.err")" >&2; exit 2; }
emu_url=$(grep -o 'http://[0-9.:]*' <<<"$line" | head -1)
cat <&"$fd" >/dev/null &
exec {fd}<&-
measure "popcheck emulate (contract responder)" --endpoint "$emu_url" --cases "$tmp/synthetic"
kill "$emu_pid"; wait "$emu_pid" 2>/dev/null || true; emu_pid=""

echo "== the whole ECS/VPC/ESS catalogue from the metadata"
start=$(now)
"$bin" compile "$shared"/metadata/*.json --out "$tmp/catalogue" >"$tmp/compile.out" 2>&1 || true
end=$(now)
files=$(find "$tmp/catalogue" -name '*.json' 2>/dev/null | wc -l)
printf 'compile: %s catalogue files in %s s\n' "$files" "$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.2f", b - a }')"
if [[ $files -gt 0 ]]; then
  unset ALIBABA_CLOUD_ACCESS_KEY_ID ALIBABA_CLOUD_ACCESS_KEY_SECRET
  measure "whole catalogue, embedded emulator" --cases "$tmp/catalogue"
else
  echo "no catalogue compiled: $(tail -3 "$tmp/compile.out")"
fi
