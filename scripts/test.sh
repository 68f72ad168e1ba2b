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
# (tests/shared.hpp, tests/e2e/lib-shared.sh); the last line says which ran and which were skipped.
log=build/ci/corpus-suites.log
rm -f "$log"
rc=0
ctest --preset ci -j "$(nproc)" || rc=$?
ran=$(awk '$1 == "ran" {print $2}' "$log" 2>/dev/null | sort -u | paste -sd ' ')
skipped=$(awk '$1 == "skipped" {print $2}' "$log" 2>/dev/null | sort -u | paste -sd ' ')
echo "corpus suites (../shared): ran: ${ran:-none}; skipped: ${skipped:-none}"
exit "$rc"
