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
ctest --preset ci -j "$(nproc)"
