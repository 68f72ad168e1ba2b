#!/usr/bin/env bash
# The main job: installs what is missing, builds popcheck (release preset) and runs the seed catalogue
# against the embedded emulator, writing JUnit and JSON under reports/. Extra arguments go to
# `popcheck run` (e.g. --endpoint URL to run the same suite against another endpoint).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh build
cmake --preset release >/dev/null
cmake --build --preset release -j "$(nproc)"
# The checked-in seed catalogue (cases/) against the embedded emulator; reports/junit.xml and
# reports/results.json, and a summary on the console.
./build/release/popcheck run --cases cases --report-dir reports -j 4 "$@"
