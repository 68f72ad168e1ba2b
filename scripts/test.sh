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
cmake --preset fuzz >/dev/null
asan_tests='popcheck_\(core\|protocol\|compile\|check\|proxy\)_tests'
mapfile -t asan_targets < <(cmake --build --preset fuzz --target help | sed -n "s/^\($asan_tests\|fuzz_[a-z0-9_]*\):.*/\1/p")
timeout 1200 cmake --build --preset fuzz -j "$(nproc)" --target "${asan_targets[@]}"
timeout 900 ctest --preset fuzz -j "$(nproc)"
FUZZ_NO_BUILD=1 FUZZ_JOBS="$(nproc)" timeout 300 bash scripts/fuzz.sh "${FUZZ_SECONDS:-4}"
cmake --preset tsan >/dev/null
timeout 1200 cmake --build --preset tsan -j "$(nproc)" --target popcheck_net_tests popcheck_proxy_tests
timeout 900 ctest --preset tsan -j "$(nproc)"
