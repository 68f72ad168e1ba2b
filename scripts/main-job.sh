#!/usr/bin/env bash
# The main job: installs what is missing, builds popcheck, compiles the seed documents into the case
# catalogue and runs it against the embedded emulator, writing JUnit and JSON under reports/.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh build
cmake --preset release >/dev/null
cmake --build --preset release -j "$(nproc)"
./build/release/popcheck compile ../shared/seeds/*.txt --out build/seed-catalogue
