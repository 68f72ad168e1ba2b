#!/usr/bin/env bash
# Installs what is missing, builds with the ci preset, and runs every test (unit and end to end).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh test
# Real SDKs for the end-to-end tests, pinned by the lock file.
if [ -f tests/sdk/package-lock.json ]; then
  (cd tests/sdk && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
fi
cmake --preset ci >/dev/null
cmake --build --preset ci -j "$(nproc)"
ctest --preset ci -j "$(nproc)"
