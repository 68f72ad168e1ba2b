#!/usr/bin/env bash
# Regenerates the reviewed seed catalogue under cases/ from the five seed pages in ../shared/seeds.
# Product, version and endpoint that a page leaves out come from the three api-docs.json files, which
# are given as lookup-only metadata (they add no actions of their own). Seed 001, the plain-text page
# of VPC TagResources, names no product: the lookup ranks ECS's and VPC's TagResources by the page's
# parameters and examples and picks VPC.
#
# Usage: scripts/compile-seeds.sh [OUT_DIR]      (default: cases/ of this repository)
# Env:   POPCHECK (binary; default build/release/popcheck), POPCHECK_SHARED (default ../shared)
#
# Paths are given relative to the shared folder so that the catalogue records "seeds/000_....txt"
# whatever machine it was compiled on; tests/e2e/golden.test.mjs recompiles and diffs against cases/.
set -euo pipefail
src="$(cd "$(dirname "$0")/.." && pwd)"
shared="$(cd "${POPCHECK_SHARED:-$src/../shared}" && pwd)"
bin="${POPCHECK:-$src/build/release/popcheck}"
out="${1:-$src/cases}"
case "$out" in /*) ;; *) out="$PWD/$out" ;; esac
if [ ! -x "$bin" ]; then
  echo "compile-seeds: no popcheck binary at $bin (build it: cmake --preset release &&" \
       "cmake --build --preset release)" >&2
  exit 2
fi
cd "$shared"
exec "$bin" compile seeds/*.txt --out "$out" \
  --metadata metadata/ecs-2014-05-26.json metadata/vpc-2016-04-28.json metadata/ess-2014-08-28.json
