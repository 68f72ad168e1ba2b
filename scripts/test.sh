#!/usr/bin/env bash
# Installs what is missing, builds with the ci preset, and runs every test (unit and end to end).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh test
# Node packages for the end-to-end tests (the real SDKs; playwright-core driving the system Chromium),
# pinned by their lock files.
for dir in tests/sdk tests/browser; do
  (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
done
cmake --preset ci >/dev/null
cmake --build --preset ci -j "$(nproc)"
# The sanitizer builds (below) are configured now and built in the background while the ci tests run:
# ctest spends much of its time waiting on servers and node, and the builds take that idle CPU. They run
# at nice 10 so that the tests come first, and each gets its priority back when the script waits for it
# (bench/README.md, "test command time"). Each build writes its log, printed when it is waited for.
cmake --preset fuzz >/dev/null
cmake --preset tsan >/dev/null
asan_tests='popcheck_\(core\|protocol\|compile\|check\|proxy\)_tests'
mapfile -t asan_targets < <(cmake --build --preset fuzz --target help | sed -n "s/^\($asan_tests\|fuzz_[a-z0-9_]*\):.*/\1/p")
bg=build/sanitizer-builds
rm -rf "$bg" && mkdir -p "$bg"
# A session of its own (setsid) holds every process of the builds (timeout makes process groups of
# its own), so that the waits can renice them and an early exit of this script can end them.
setsid nice -n 10 bash -c '
  echo $$ >"$0/sid"
  timeout 1200 cmake --build --preset fuzz -j "$(nproc)" --target "$@" >"$0/fuzz.log" 2>&1
  echo $? >"$0/fuzz.rc"
  timeout 1200 nice -n 10 cmake --build --preset tsan -j "$(nproc)" \
    --target popcheck_net_tests popcheck_proxy_tests >"$0/tsan.log" 2>&1
  echo $? >"$0/tsan.rc"' "$bg" "${asan_targets[@]}" &
bg_pid=$!
bg_pids() { [ -s "$bg/sid" ] && ps -o pid= -s "$(cat "$bg/sid")" 2>/dev/null; }
trap 'kill $(bg_pids) 2>/dev/null || true' EXIT
# wait_build fuzz|tsan: waits for that build at full priority, prints its log, and fails the script
# with the build's exit code.
wait_build() {
  # (Lowering a nice value needs root; a user's build stays at nice 10.)
  renice -n 0 -p $(bg_pids) >/dev/null 2>&1 || true
  while [ ! -e "$bg/$1.rc" ]; do
    kill -0 "$bg_pid" 2>/dev/null || [ -e "$bg/$1.rc" ] ||
      { echo "test.sh: the background $1 build stopped without a result" >&2; exit 1; }
    sleep 1
  done
  cat "$bg/$1.log"
  local rc
  rc=$(cat "$bg/$1.rc")
  [ "$rc" -eq 0 ] || { echo "test.sh: the $1 build failed (exit $rc)" >&2; exit "$rc"; }
}

# The suites that read ../shared (the seed pages, the corpus) log whether they ran
# (tests/support/paths.hpp, tests/e2e/lib/harness.mjs); the corpus line says which ran and which were skipped.
log=build/ci/corpus-suites.log
rm -f "$log"
rc=0
ctest --preset ci -j "$(nproc)" || rc=$?
ran=$(awk '$1 == "ran" {print $2}' "$log" 2>/dev/null | sort -u | paste -sd ' ')
skipped=$(awk '$1 == "skipped" {print $2}' "$log" 2>/dev/null | sort -u | paste -sd ' ')
echo "corpus suites (../shared): ran: ${ran:-none}; skipped: ${skipped:-none}"
[ "$rc" -eq 0 ] || exit "$rc"

# Sanitizers and fuzzing (fuzz/README.md). One clang build under ASan+UBSan, instrumented for libFuzzer,
# gives the fuzz targets and the unit tests of the code that reads outside input (core: documents,
# metadata, requests, signatures, checks; proxy: fixtures, HAR, the store); not the app: the end-to-end
# tests stay in the ci build. ctest there runs those unit tests and replays every target's seeds and
# regressions, then each target fuzzes for a few seconds. The ThreadSanitizer build covers the tests of
# the concurrent parts: the server (net) and the forwarding pool, store and fault injector (proxy). The
# other modules' unit tests run once, in the ci build: two more sanitizer builds of them would take the
# test command past 20 minutes on CI's two cores. Each step is bounded.
wait_build fuzz
timeout 900 ctest --preset fuzz -j "$(nproc)"
FUZZ_NO_BUILD=1 FUZZ_JOBS="$(nproc)" timeout 300 bash scripts/fuzz.sh "${FUZZ_SECONDS:-4}"
wait_build tsan
timeout 900 ctest --preset tsan -j "$(nproc)"
