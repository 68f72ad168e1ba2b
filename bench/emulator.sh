#!/usr/bin/env bash
# Benchmark: wrk on loopback against `popcheck emulate` and, in the same run, against nginx serving a
# fixed body of the same size with the same Content-Type. Prints requests/s, p99 latency and the ratio.
# Figures are measured, never asserted.
#
# Usage: bash bench/emulator.sh            (as root: installs wrk and nginx when missing)
# Environment: POPCHECK (binary; default: a release build in build/release), DURATION (10s),
# CONNECTIONS (16), WRK_THREADS (1), THREADS (emulator threads and nginx workers, 1).
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib/nginx.sh

bash scripts/setup.sh bench
duration=${DURATION:-10s}
connections=${CONNECTIONS:-16}
wrk_threads=${WRK_THREADS:-1}
threads=${THREADS:-1}

bin=${POPCHECK:-}
if [[ -z "$bin" ]]; then
  cmake --preset release >/dev/null
  cmake --build --preset release --target popcheck >/dev/null
  bin=build/release/popcheck
fi

tmp=$(mktemp -d)
emu_pid=""
cleanup() {
  if [[ -n "$emu_pid" ]]; then kill "$emu_pid" 2>/dev/null || true; wait "$emu_pid" 2>/dev/null || true; fi
  nginx_stop
  rm -rf "$tmp"
}
trap cleanup EXIT

mkfifo "$tmp/out"
"$bin" emulate --listen 127.0.0.1:0 --threads "$threads" >"$tmp/out" 2>"$tmp/err" &
emu_pid=$!
exec {fd}<"$tmp/out"
read -r -t 30 -u "$fd" line || { echo "the emulator did not start: $(cat "$tmp/err")" >&2; exit 2; }
emu_url=$(grep -o 'http://[0-9.:]*' <<<"$line" | head -1)
cat <&"$fd" >/dev/null &
exec {fd}<&-

# The documented RemoveTags example: a real seed API with state, validation and a fresh RequestId per
# response, and idempotent, so every request does the same work.
path="/?Action=RemoveTags&Version=2014-05-26&Format=JSON&RegionId=cn-shenzhen&ResourceId=s-946ntx4wr&ResourceType=snapshot&Tag.1.Key=Absent"
curl -sf "$emu_url$path" >"$tmp/body"
content_type="application/json;charset=utf-8"
nginx_start "$tmp/body" "$content_type" "$threads"
nginx_url="http://127.0.0.1:$NGINX_PORT"
curl -sf "$nginx_url$path" | cmp -s - "$tmp/body" || { echo "nginx does not serve the body" >&2; exit 2; }

measure() {  # NAME URL -> "rps p99"
  local out
  out=$(wrk -t"$wrk_threads" -c"$connections" -d"$duration" --latency "$2$path")
  echo "$out" >"$tmp/$1.wrk"
  local rps p99
  rps=$(awk '/^Requests\/sec:/ {print $2}' <<<"$out")
  p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
  local errors
  errors=$(awk '/Non-2xx|Socket errors/' <<<"$out")
  [[ -z "$errors" ]] || echo "$1: $errors" >&2
  echo "$rps $p99"
}

echo "body: $(wc -c <"$tmp/body") bytes, $content_type; wrk -t$wrk_threads -c$connections -d$duration;" \
     "emulator threads = nginx workers = $threads; $(nproc) cores"
read -r emu_rps emu_p99 < <(measure emulator "$emu_url")
read -r ngx_rps ngx_p99 < <(measure nginx "$nginx_url")
printf '%-10s %12s %10s\n' target requests/s p99
printf '%-10s %12s %10s\n' emulator "$emu_rps" "$emu_p99"
printf '%-10s %12s %10s\n' nginx "$ngx_rps" "$ngx_p99"
awk -v a="$emu_rps" -v b="$ngx_rps" 'BEGIN { printf "ratio emulator/nginx: %.2f\n", a / b }'
