#!/usr/bin/env bash
# Benchmark of the emulator, four parts, each printed with the load average (the machine is shared:
# figures are CPU time where they can be, and measured, never asserted):
#   1. start-up with every shared metadata file (../shared/metadata and its catalogue/: 48
#      product-versions): wall time from exec to the listening line, lazily (the default) and with
#      --preload, and the first answer of each product (which reads that product's file);
#   2. wrk on one contract-driven API (ECS DescribeRegions, JSON) and, in the same run, on nginx
#      serving that very body with the same Content-Type: requests/s, p99, and CPU per response of
#      each server (its process's user+system time over the responses wrk counted);
#   3. the seed API RemoveTags the same way, for comparison with the contract-driven answer;
#   4. the whole shared metadata catalogue compiled and run with `popcheck run` against the embedded
#      emulator (cases/s, wall and in the runner), then against `popcheck emulate` in its own process
#      so that the emulator's CPU per request is measured apart from the runner's.
#
# Usage: bash bench/emulator.sh            (as root: installs wrk and nginx when missing)
# Environment: POPCHECK (binary; default: a release build in build/release), SHARED (the shared
# folder, ../shared), DURATION (wrk, 10s), CONNECTIONS (16), WRK_THREADS (1), THREADS (emulator
# threads and nginx workers, 1), JOBS (popcheck run -j, 4), ROUNDS (start-up repetitions, 5),
# PARTS (which parts to run, "1 2 3 4"), MODES (part 4: "embedded separate"), RUN_TIMEOUT (each
# catalogue run, 1800 s), SELECT (part 4: extra `popcheck run` selection flags, e.g.
# "--product Cms,Ram"). Every step is bounded by `timeout`.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib/nginx.sh

bash scripts/setup.sh bench
duration=${DURATION:-10s}
connections=${CONNECTIONS:-16}
wrk_threads=${WRK_THREADS:-1}
threads=${THREADS:-1}
jobs=${JOBS:-4}
rounds=${ROUNDS:-5}
parts=" ${PARTS:-1 2 3 4} "
shared=${SHARED:-$(cd .. && pwd)/shared}
modes=" ${MODES:-embedded separate} "
run_timeout=${RUN_TIMEOUT:-1800}
read -r -a select <<<"${SELECT:-}"

popcheck_binary
[[ -d "$shared/metadata/catalogue" ]] || { echo "no $shared/metadata/catalogue: set SHARED" >&2; exit 2; }
mapfile -t all_metadata < <(ls "$shared"/metadata/*.json "$shared"/metadata/catalogue/*.json)

scratch_with_cleanup

now() { date +%s.%N; }
load() { cut -d' ' -f1-3 /proc/loadavg; }
ticks=$(getconf CLK_TCK)
# cpu_of PID...: user+system CPU seconds of those processes so far.
cpu_of() {
  local total=0 pid
  for pid in "$@"; do
    total=$((total + $(awk '{print $14 + $15}' "/proc/$pid/stat")))
  done
  awk -v t="$total" -v hz="$ticks" 'BEGIN { printf "%.3f", t / hz }'
}

# start_emulator ARGS...: `popcheck emulate ARGS` on a free port; sets emu_pid and emu_url, and
# start_s to the seconds from exec to the listening line.
start_emulator() {
  rm -f "$tmp/emu.out"
  mkfifo "$tmp/emu.out"
  local t0 line fd
  t0=$(now)
  "$bin" emulate --listen 127.0.0.1:0 --threads "$threads" "$@" >"$tmp/emu.out" 2>"$tmp/emu.err" &
  emu_pid=$!
  exec {fd}<"$tmp/emu.out"
  read -r -t 30 -u "$fd" line || { echo "the emulator did not start: $(cat "$tmp/emu.err")" >&2; exit 2; }
  start_s=$(awk -v a="$t0" -v b="$(now)" 'BEGIN { printf "%.3f", b - a }')
  emu_url=$(grep -o 'http://[0-9.:]*' <<<"$line" | head -1)
  cat <&"$fd" >/dev/null &
  exec {fd}<&-
}
stop_emulator() {
  kill "$emu_pid" 2>/dev/null || true
  wait "$emu_pid" 2>/dev/null || true
  emu_pid=""
}

echo "popcheck emulator benchmark: $(nproc) cores, $("$bin" --version)"

if [[ $parts == *" 1 "* ]]; then
  echo
  echo "== 1. start-up with ${#all_metadata[@]} metadata files ($(du -shc "${all_metadata[@]}" | tail -1 | cut -f1)); load average $(load)"
  for mode in lazy preload; do
    flag=()
    [[ $mode == preload ]] && flag=(--preload)
    times=()
    for _ in $(seq 1 "$rounds"); do
      start_emulator --metadata "${all_metadata[@]}" "${flag[@]}"
      times+=("$start_s")
      stop_emulator
    done
    printf '%-8s exec to listening: %s s (min %s, median %s of %s runs)\n' "$mode" \
      "$(printf '%s ' "${times[@]}")" \
      "$(printf '%s\n' "${times[@]}" | sort -n | head -1)" \
      "$(printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')" "$rounds"
  done
  # The first answer of every product: one request naming each file's version and first API.
  start_emulator --metadata "${all_metadata[@]}"
  python3 - "$emu_url" "${all_metadata[@]}" <<'PY'
import json, sys, time, urllib.request, urllib.error
url, files = sys.argv[1], sys.argv[2:]
worst, total, n = (0, ""), 0.0, 0
for f in files:
    doc = json.load(open(f))
    apis = list(doc.get("apis", {}))
    if not apis:
        continue
    q = "Action=%s&Version=%s&Format=JSON" % (apis[0], doc["info"]["version"])
    t0 = time.monotonic()
    try:
        body = urllib.request.urlopen(url + "/?" + q, timeout=30).read()
    except urllib.error.HTTPError as e:
        body = e.read()
    dt = time.monotonic() - t0
    if b"Product.Ambiguous" in body or b"NoSuchVersion" in body:
        print("  misrouted:", f, body[:200])
    total += dt
    n += 1
    worst = max(worst, (dt, doc["info"]["product"]))
print("first answer per product (reads its file): %d products, %.3f s in all, mean %.1f ms, slowest %.1f ms (%s)"
      % (n, total, 1000 * total / n, 1000 * worst[0], worst[1]))
PY
  stop_emulator
fi

# wrk_pair NAME PATH: wrk on the emulator and on nginx serving the emulator's answer to PATH.
wrk_pair() {
  local name=$1 path=$2
  start_emulator --metadata "$shared/metadata/ecs-2014-05-26.json"
  curl -sf "$emu_url$path" >"$tmp/body"
  local content_type="application/json;charset=utf-8"
  nginx_start "$tmp/body" "$content_type" "$threads"
  local nginx_url="http://127.0.0.1:$NGINX_PORT"
  wait_for_port "$NGINX_PORT"
  curl -sf "$nginx_url$path" | cmp -s - "$tmp/body" || { echo "nginx does not serve the body" >&2; exit 2; }
  local nginx_pids
  # The master (its command line names the private folder) and its workers.
  local master
  master=$(pgrep -f "nginx -c $NGINX_DIR/nginx.conf" | head -1)
  nginx_pids="$master $(pgrep -P "$master" | tr '\n' ' ')"
  echo
  echo "== $name: $(wc -c <"$tmp/body") bytes, wrk -t$wrk_threads -c$connections -d$duration;" \
       "emulator threads = nginx workers = $threads; load average $(load)"
  printf '%-10s %12s %10s %14s %12s\n' target requests/s p99 "CPU/response" requests
  local target url pids cpu0 cpu1 out rps p99 n per emu_per=""
  for target in emulator nginx; do
    if [[ $target == emulator ]]; then url=$emu_url; pids=$emu_pid; else url=$nginx_url; pids=$nginx_pids; fi
    # shellcheck disable=SC2086
    cpu0=$(cpu_of $pids)
    out=$(timeout 120 wrk -t"$wrk_threads" -c"$connections" -d"$duration" --latency "$url$path")
    # shellcheck disable=SC2086
    cpu1=$(cpu_of $pids)
    rps=$(awk '/^Requests\/sec:/ {print $2}' <<<"$out")
    p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
    n=$(awk '/requests in/ {print $1}' <<<"$out")
    awk '/Non-2xx|Socket errors/' <<<"$out" >&2
    per=$(awk -v a="$cpu0" -v b="$cpu1" -v n="$n" 'BEGIN { printf "%.1f", (b - a) / n * 1e6 }')
    printf '%-10s %12s %10s %11s us %12s\n' "$target" "$rps" "$p99" "$per" "$n"
    if [[ $target == emulator ]]; then emu_per=$per; fi
  done
  awk -v a="$emu_per" -v b="$per" 'BEGIN { printf "CPU per response, emulator/nginx: %.2f\n", a / b }'
  nginx_stop
  stop_emulator
}

if [[ $parts == *" 2 "* ]]; then
  wrk_pair "2. contract-driven ECS DescribeRegions" \
    "/?Action=DescribeRegions&Version=2014-05-26&Format=JSON&RegionId=cn-hangzhou"
fi
if [[ $parts == *" 3 "* ]]; then
  # The documented RemoveTags example: a seed API with state and validation, idempotent.
  wrk_pair "3. seed API ECS RemoveTags" \
    "/?Action=RemoveTags&Version=2014-05-26&Format=JSON&RegionId=cn-shenzhen&ResourceId=s-946ntx4wr&ResourceType=snapshot&Tag.1.Key=Absent"
fi

if [[ $parts == *" 4 "* ]]; then
  echo
  echo "== 4. the whole shared metadata catalogue against the emulator; load average $(load)"
  t0=$(now)
  timeout 300 "$bin" compile "${all_metadata[@]}" --out "$tmp/catalogue" >"$tmp/compile.out" 2>&1 || true
  printf 'compile: %s files in %.2f s\n' "$(find "$tmp/catalogue" -name '*.json' | wc -l)" \
    "$(awk -v a="$t0" -v b="$(now)" 'BEGIN { print b - a }')"
  with_needs=$(python3 - "$tmp/catalogue" <<'PY'
import json, pathlib, sys
n = 0
for f in pathlib.Path(sys.argv[1]).rglob("*.json"):
    try:
        n += sum(1 for c in json.load(open(f)).get("cases", []) if c.get("needs"))
    except Exception:
        pass
print(n)
PY
)
  catalogue_meta=("$shared"/metadata/catalogue/*.json)
  summary() {  # summary LABEL WALL
    local total duration
    total=$(grep -m1 '"total"' "$tmp/r/results.json" | tr -dc 0-9)
    duration=$(grep -m1 '"duration"' "$tmp/r/results.json" | tr -dc '0-9.')
    printf '%-28s -j %s: %s cases, %s s wall, %s cases/s wall, %s cases/s in the runner; %s\n' "$1" "$jobs" \
      "$total" "$2" "$(awk -v n="$total" -v t="$2" 'BEGIN { printf "%.0f", n / t }')" \
      "$(awk -v n="$total" -v t="$duration" 'BEGIN { printf "%.0f", n / t }')" "$(tail -1 "$tmp/run.out" | cut -d'(' -f1)"
  }
  if [[ $modes == *" embedded "* ]]; then
    t0=$(now)
    rc=0
    rm -rf "$tmp/r"
    /usr/bin/time -f '%U %S' -o "$tmp/time" timeout "$run_timeout" "$bin" run --cases "$tmp/catalogue" \
      --metadata "${catalogue_meta[@]}" "${select[@]}" -j "$jobs" -q --report-dir "$tmp/r" >"$tmp/run.out" 2>&1 || rc=$?
    wall=$(awk -v a="$t0" -v b="$(now)" 'BEGIN { printf "%.2f", b - a }')
    [[ -f "$tmp/r/results.json" ]] || { echo "the embedded run gave no results (exit $rc after $wall s)"; exit 1; }
    summary "embedded emulator" "$wall"
    read -r user sys < <(tail -1 "$tmp/time")
    total=$(grep -m1 '"total"' "$tmp/r/results.json" | tr -dc 0-9)
    awk -v u="$user" -v s="$sys" -v n="$total" -v rc="$rc" 'BEGIN {
      printf "  process CPU (runner + emulator): %.2f s user + %.2f s sys = %.1f us per case (exit %s)\n", u, s, (u + s) / n * 1e6, rc }'
    echo "  load average $(load)"
  fi

  if [[ $modes == *" separate "* ]]; then
    start_emulator --metadata "${all_metadata[@]}"
    runner_t0=$(now)
    cpu0=$(cpu_of "$emu_pid")
    rc=0
    rm -rf "$tmp/r"
    /usr/bin/time -f '%U %S' -o "$tmp/time" timeout "$run_timeout" "$bin" run --cases "$tmp/catalogue" \
      --endpoint "$emu_url" "${select[@]}" -j "$jobs" -q --report-dir "$tmp/r" >"$tmp/run.out" 2>&1 || rc=$?
    wall=$(awk -v a="$runner_t0" -v b="$(now)" 'BEGIN { printf "%.2f", b - a }')
    cpu1=$(cpu_of "$emu_pid")
    [[ -f "$tmp/r/results.json" ]] || { echo "the run gave no results (exit $rc after $wall s)"; exit 1; }
    summary "emulator in its own process" "$wall"
    total=$(grep -m1 '"total"' "$tmp/r/results.json" | tr -dc 0-9)
    provisioned=$with_needs
    [[ ${#select[@]} -eq 0 ]] || provisioned=0  # unknown for a selection: per case only
    read -r user sys < <(tail -1 "$tmp/time")
    awk -v a="$cpu0" -v b="$cpu1" -v n="$total" -v p="$provisioned" -v u="$user" -v s="$sys" 'BEGIN {
      printf "  emulator CPU: %.2f s = %.1f us per case", b - a, (b - a) / n * 1e6
      if (p > 0) printf " (%d cases + %d provisionings: %.1f us per request)", n, p, (b - a) / (n + p) * 1e6
      printf "\n  runner CPU: %.2f s = %.1f us per case\n", u + s, (u + s) / n * 1e6 }'
    echo "  load average $(load)"
    stop_emulator
  fi
fi
