#!/usr/bin/env bash
# Times the README's test command (.ci/run = scripts/test.sh) as CI meets it: a fresh clone of a commit,
# the workshop folder copied beside it, no ccache. Prints the load average before and after, the wall and
# CPU time (user + sys, every child process counted) of the whole command and of each phase, and the
# ten longest compile edges of each build tree (from ninja's .ninja_log).
#   bash bench/test-time.sh                  # HEAD of this checkout, into /tmp/popcheck-test-time
#   bash bench/test-time.sh 4759ec4 /tmp/tt  # another commit, another folder (wiped first)
# The phases are timed by wrapping each top-level command of a copy of scripts/test.sh in
# /usr/bin/time (package "time", setup.sh bench); the commands themselves are unchanged. Bounded:
# the command gets 40 minutes (TIMEOUT, seconds). Needs ../shared (SHARED to point elsewhere).
set -euo pipefail
cd "$(dirname "$0")/.."
rev=${1:-HEAD}
root=${2:-/tmp/popcheck-test-time}
shared=${SHARED:-$PWD/../shared}
[ -d "$shared/seeds" ] || { echo "test-time.sh: no shared folder at $shared" >&2; exit 2; }
command -v /usr/bin/time >/dev/null || { echo "test-time.sh: needs /usr/bin/time (apt-get install time)" >&2; exit 2; }
src=$PWD
rm -rf "$root" && mkdir -p "$root"
git clone -q "$src" "$root/main"
git -C "$root/main" checkout -q "$(git rev-parse "$rev")"
cp -r "$shared" "$root/shared"
cd "$root/main"

# Each top-level build and test command of test.sh, wrapped; wait_build (the background sanitizer
# builds, when the script has them) is stamped with the seconds it waited.
t='/usr/bin/time -f "PHASE NAME wall=%e user=%U sys=%S"'
sed -E \
  -e "s#^(bash scripts/setup.sh.*)\$#${t/NAME/setup} \\1#" \
  -e "s#^cmake --build --preset ci (.*)\$#${t/NAME/ci-build} cmake --build --preset ci \\1#" \
  -e "s#^ctest --preset ci (.*)\$#${t/NAME/ci-ctest} ctest --preset ci \\1#" \
  -e "s#^timeout 1200 cmake --build --preset (fuzz|tsan) (.*)\$#${t/NAME/\\1-build} timeout 1200 cmake --build --preset \\1 \\2#" \
  -e "s#^timeout 900 ctest --preset (fuzz|tsan) (.*)\$#${t/NAME/\\1-ctest} timeout 900 ctest --preset \\1 \\2#" \
  -e "s#^(FUZZ_NO_BUILD=1 FUZZ_JOBS=\"\\\$\\(nproc\\)\") timeout 300 (.*)\$#\\1 ${t/NAME/fuzzing} timeout 300 \\2#" \
  -e 's#^wait_build (.*)$#s=$SECONDS; wait_build \1; echo "PHASE wait-\1-build wall=$((SECONDS - s))"#' \
  scripts/test.sh >scripts/test.timed.sh
sed -i 's#bash scripts/test.sh#bash scripts/test.timed.sh#' .ci/run
log=$root/test-time.log
echo "commit $(git rev-parse --short HEAD); load average before: $(cut -d' ' -f1-3 /proc/loadavg)" | tee "$log"
rc=0
env -u CMAKE_CXX_COMPILER_LAUNCHER -u CMAKE_C_COMPILER_LAUNCHER CCACHE_DISABLE=1 \
  /usr/bin/time -f "PHASE total wall=%e user=%U sys=%S" timeout "${TIMEOUT:-2400}" bash .ci/run >>"$log" 2>&1 || rc=$?
echo "exit $rc; load average after: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$log"
grep -E '^PHASE|tests passed|tests failed|^fuzz ' "$log" || true
for preset in ci fuzz tsan; do
  f=build/$preset/.ninja_log
  [ -f "$f" ] || continue
  awk -v p="$preset" 'NR > 1 { n++; s += $2 - $1 } END { printf "%s: %d edges, %.0f s summed\n", p, n, s / 1000 }' "$f"
  awk 'NR > 1 { printf "  %6.1f s  %s\n", ($2 - $1) / 1000, $4 }' "$f" | sort -rn | head -10
done
echo "log: $log"
exit "$rc"
