#!/usr/bin/env bash
# What every benchmark script needs. Source it (from any folder), then:
#   popcheck_binary [TIMEOUT_S]   prints $POPCHECK, else builds the release preset's popcheck (bounded by
#                                 TIMEOUT_S, default 1800) and prints its path
#   built_popcheck [BINARY]       prints BINARY, else $POPCHECK, else the release build's popcheck when
#                                 there is one, else the ci build's: for benchmarks that build nothing
#   shared_folder                 the absolute path of $POPCHECK_SHARED, default ../shared beside the
#                                 project; fails when it does not exist
#   now                           seconds since the epoch, with nanoseconds
#   load                          the three load averages
#   cpu_of PID...                 user+system CPU seconds of those processes so far
#   bench_temp                    makes the temporary folder $tmp, removed on exit with
#                                 bench_stop_children (the emulator $emu_pid and nginx, when started)

bench_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)

popcheck_binary() {
  if [[ -n ${POPCHECK:-} ]]; then
    printf '%s\n' "$POPCHECK"
    return
  fi
  (cd "$bench_root" && cmake --preset release >/dev/null &&
    timeout "${1:-1800}" cmake --build --preset release --target popcheck >/dev/null)
  printf '%s\n' "$bench_root/build/release/bin/popcheck"
}

built_popcheck() {
  local release=$bench_root/build/release/bin/popcheck
  [[ -x "$release" ]] || release=$bench_root/build/ci/bin/popcheck
  printf '%s\n' "${1:-${POPCHECK:-$release}}"
}

shared_folder() { (cd "${POPCHECK_SHARED:-$bench_root/../shared}" && pwd); }

now() { date +%s.%N; }
load() { cut -d' ' -f1-3 /proc/loadavg; }

cpu_of() {
  local ticks total=0 pid
  ticks=$(getconf CLK_TCK)
  for pid in "$@"; do
    total=$((total + $(awk '{print $14 + $15}' "/proc/$pid/stat")))
  done
  awk -v t="$total" -v hz="$ticks" 'BEGIN { printf "%.3f", t / hz }'
}

emu_pid=""
bench_stop_children() {
  if [[ -n "$emu_pid" ]]; then kill "$emu_pid" 2>/dev/null || true; wait "$emu_pid" 2>/dev/null || true; fi
  if declare -F nginx_stop >/dev/null; then nginx_stop 2>/dev/null || true; fi
  rm -rf "${tmp:-}"
}

bench_temp() {
  tmp=$(mktemp -d)
  trap bench_stop_children EXIT
}
